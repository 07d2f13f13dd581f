//! Linked stock against the sandbox, with the demo seller's two accounts connected: a SKU on
//! both is proposed and confirmed; a sale on one account reaches the other account's listing
//! exactly once, though the order is read by the fast round and by the bulk pass and the app
//! restarts; a change made on the site to one listing moves the other.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use mostrador_core::secrets::MemoryStore;
use mostrador_core::stock::links::LinkState;
use mostrador_sandbox::seed::OUTLET_ID;
use mostrador_sandbox::world::Write as Remote;
use mostrador_tests::{Harness, Options, RecordingNotifier, eventually};

const SKU: &str = "SKU-00000";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_on_one_account_reaches_the_other_once_and_site_edits_follow() -> anyhow::Result<()>
{
    let recorder = Arc::new(RecordingNotifier::default());
    let mut h = Harness::start_opts(
        Arc::new(MemoryStore::default()),
        Options {
            poll_interval: Duration::from_millis(300),
            bulk_interval: Some(Duration::from_secs(2)),
            link_interval: Duration::from_secs(1),
            ..Options::default()
        },
        recorder.clone(),
        recorder,
    )
    .await?;
    let shop = h.seller_id;
    let outlet = h.connect_user(OUTLET_ID).await?;
    for account in [shop, outlet] {
        h.core.engine().sync_pass(account).await?;
    }
    let links = h.owner().stock().links().await?;
    let group = links
        .iter()
        .find(|g| g.sku == SKU)
        .context("the shared SKU proposed")?;
    assert_eq!(group.state, LinkState::Proposed);
    let on: Vec<i64> = group.members.iter().map(|m| m.account_id).collect();
    assert!(on.contains(&shop) && on.contains(&outlet), "{on:?}");
    let item_of = |account: i64| {
        group
            .members
            .iter()
            .find(|m| m.account_id == account)
            .map(|m| m.item_id.clone())
            .unwrap_or_default()
    };
    let (sold, other) = (item_of(shop), item_of(outlet));
    let quantity = h.owner().stock().link_confirm(SKU.into()).await?;
    let lowest = group.members.iter().map(|m| m.available).min().unwrap_or(0);
    assert_eq!(quantity, lowest);
    let world = h.sandbox.world().clone();
    let remote =
        |item: &str| mostrador_sandbox::routes::lock(&world).items[item].available_quantity;

    h.run().await?;
    // Both listings at the group's quantity once the confirmation's write landed.
    eventually(
        Duration::from_secs(30),
        "the group's quantity on both",
        || {
            let both = (remote(&sold), remote(&other));
            async move { Ok((both == (quantity, quantity)).then_some(())) }
        },
    )
    .await?;

    // A buyer buys one unit on the shop's listing.
    let order: serde_json::Value = h
        .http
        .post(format!("{}/_sandbox/orders", h.sandbox.url()))
        .json(&serde_json::json!({ "item_id": sold }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let order_id = order["id"].as_i64().context("order id")?;
    eventually(Duration::from_secs(30), "the outlet taken down", || {
        let now = remote(&other);
        async move { Ok((now == quantity - 1).then_some(())) }
    })
    .await?;

    // Read again by the bulk pass, and after a restart: still once.
    h.stop().await;
    h.run().await?;
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(remote(&other), quantity - 1, "decremented once");
    let puts = mostrador_sandbox::routes::lock(h.sandbox.world())
        .writes
        .iter()
        .filter(|w| {
            matches!(w, Remote::Stock { item_id, available_quantity, .. }
            if *item_id == other && *available_quantity == quantity - 1)
        })
        .count();
    assert_eq!(puts, 1, "one PUT for the sale");
    let ledger = h.owner().stock().ledger(SKU.into()).await?;
    let sales: Vec<_> = ledger.iter().filter(|e| e.cause == "sale").collect();
    assert_eq!(sales.len(), 1, "{ledger:?}");
    assert_eq!(sales[0].order_id, Some(order_id));

    // The seller restocks the outlet's listing on Mercado Libre's site: the shop follows.
    {
        let mut w = mostrador_sandbox::routes::lock(h.sandbox.world());
        let item = w.items.get_mut(&other).context("the outlet's listing")?;
        item.available_quantity = 40;
        item.version += 1;
    }
    eventually(
        Duration::from_secs(30),
        "the shop following the site",
        || {
            let now = remote(&sold);
            async move { Ok((now == 40).then_some(())) }
        },
    )
    .await?;
    // Rounds later, both still hold it (our own write read back is not taken for the site's).
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!((remote(&sold), remote(&other)), (40, 40));
    let ledger = h.owner().stock().ledger(SKU.into()).await?;
    assert_eq!(ledger[0].cause, "site", "{ledger:?}");
    assert_eq!(ledger[0].quantity, 40);
    h.stop().await;
    Ok(())
}
