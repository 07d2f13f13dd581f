//! Post-sale conversations kept true by the running core, against the sandbox over loopback
//! HTTP on a real SQLite file: a buyer's new message is read and announced by the messages
//! lane, not at the next bulk pass; a conversation the seller answered on Mercado Libre's site
//! stops waiting at the next read.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use mostrador_core::inbox::StatusFilter;
use mostrador_core::inbox::conversations::ConversationQuery;
use mostrador_core::notify::NotificationKind;
use mostrador_core::secrets::MemoryStore;
use mostrador_sandbox::seed::Profile;
use mostrador_tests::{Harness, Options, RecordingNotifier, eventually};

/// The pack of a paid order of the demo seller.
fn paid_pack(h: &Harness) -> anyhow::Result<i64> {
    let w = mostrador_sandbox::routes::lock(h.sandbox.world());
    w.orders
        .values()
        .find(|o| o.seller_id == h.seller_id && o.status == "paid")
        .map(|o| o.pack_id.unwrap_or(o.id))
        .context("a paid order")
}

async fn waiting_packs(h: &Harness) -> anyhow::Result<Vec<i64>> {
    let page = h
        .owner()
        .inbox()
        .conversations(ConversationQuery {
            status: StatusFilter::Unanswered,
            limit: Some(500),
            offset: None,
            search: None,
            account_id: None,
        })
        .await?;
    Ok(page.items.iter().map(|c| c.pack_id).collect())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_messages_lane_announces_a_buyer_and_sees_a_reply_made_on_the_site()
-> anyhow::Result<()> {
    let recorder = Arc::new(RecordingNotifier::default());
    let mut h = Harness::start_opts(
        Arc::new(MemoryStore::default()),
        Options {
            profile: Profile::Small,
            poll_interval: Duration::from_millis(200),
            // One bulk pass at the start, then none for the rest of the test: what arrives
            // later arrives through the messages lane.
            bulk_interval: Some(Duration::from_secs(3600)),
            message_interval: Some(Duration::from_millis(300)),
            ..Options::default()
        },
        recorder.clone(),
        recorder.clone(),
    )
    .await?;
    let seller = h.seller_id;
    h.run().await?;
    eventually(Duration::from_secs(60), "the first pass", || async {
        let p = h.owner().inbox().sync_progress(seller).await?;
        Ok((p.len() >= 6 && p.iter().all(|r| r.initial_done)).then_some(()))
    })
    .await?;
    let orders_reads = h.request_count("GET /orders/search").await?;

    let pack = paid_pack(&h)?;
    let text = "Hola, ¿ya lo despacharon?";
    h.http
        .post(format!("{}/_sandbox/messages", h.sandbox.url()))
        .json(&serde_json::json!({ "pack_id": pack, "text": text }))
        .send()
        .await?
        .error_for_status()?;
    let announced = eventually(Duration::from_secs(10), "the announcement", || async {
        Ok(recorder
            .shown()
            .into_iter()
            .find(|n| n.kind == NotificationKind::NewMessage && n.pack_id == Some(pack)))
    })
    .await?;
    assert_eq!(announced.body, text);
    assert_eq!(
        h.request_count("GET /orders/search").await?,
        orders_reads,
        "no bulk pass ran meanwhile: the lane found it"
    );
    assert!(
        waiting_packs(&h).await?.contains(&pack),
        "the conversation waits for the seller"
    );

    // The seller answers from Mercado Libre's site: the conversation stops waiting.
    let reply = "¡Hola! Sale hoy por la tarde.";
    h.http
        .post(format!("{}/_sandbox/messages/site-reply", h.sandbox.url()))
        .json(&serde_json::json!({ "pack_id": pack, "text": reply }))
        .send()
        .await?
        .error_for_status()?;
    eventually(Duration::from_secs(10), "the wait to end", || async {
        Ok((!waiting_packs(&h).await?.contains(&pack)).then_some(()))
    })
    .await?;
    let thread = h.owner().inbox().conversation(pack).await?;
    assert!(
        thread.messages.iter().any(|m| m.text == reply),
        "the site's reply is in the thread"
    );
    assert_eq!(
        recorder
            .shown()
            .iter()
            .filter(|n| n.kind == NotificationKind::NewMessage && n.pack_id == Some(pack))
            .count(),
        1,
        "the buyer's message was announced once"
    );
    h.stop().await;
    Ok(())
}
