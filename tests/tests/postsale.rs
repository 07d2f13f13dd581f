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

/// A running core on the small seller with a fast messages lane, after its first pass: one
/// bulk pass at the start, then none for the rest of the test, so what arrives later arrives
/// through the messages lane.
async fn running_with_lane() -> anyhow::Result<(Harness, Arc<RecordingNotifier>)> {
    let recorder = Arc::new(RecordingNotifier::default());
    let mut h = Harness::start_opts(
        Arc::new(MemoryStore::default()),
        Options {
            profile: Profile::Small,
            poll_interval: Duration::from_millis(200),
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
    Ok((h, recorder))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_messages_lane_announces_a_buyer_and_sees_a_reply_made_on_the_site()
-> anyhow::Result<()> {
    let (mut h, recorder) = running_with_lane().await?;
    let orders_reads = h.request_count("GET /orders/search").await?;

    let pack = paid_pack(&h)?;
    let text = "Hola, ¿ya lo despacharon?";
    h.buyer_writes(pack, text).await?;
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
    // A sale so new its order was not read yet, and its buyer writes at once: the lane asks
    // for the orders now, and the conversation shows the sale well before the next bulk pass.
    let new_pack = h.inject_order().await?;
    h.buyer_writes(new_pack, "¡Hola! Recién compré").await?;
    eventually(Duration::from_secs(10), "the new sale read", || async {
        let thread = h.owner().inbox().conversation(new_pack).await;
        Ok(thread
            .ok()
            .and_then(|t| t.conversation.order_id)
            .filter(|id| *id == new_pack))
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

#[tokio::test(flavor = "multi_thread")]
async fn a_post_sale_reply_is_filled_with_the_synced_order_and_shipment() -> anyhow::Result<()> {
    let recorder = Arc::new(RecordingNotifier::default());
    let h = Harness::start_opts(
        Arc::new(MemoryStore::default()),
        Options {
            profile: Profile::Small,
            ..Options::default()
        },
        recorder.clone(),
        recorder,
    )
    .await?;
    h.core.engine().sync_pass(h.seller_id).await?;
    // A recent shipped order and one not dispatched yet, as the sandbox holds them (the sync
    // follows the shipments of the last three weeks' orders).
    let (shipped, pending) = {
        let w = mostrador_sandbox::routes::lock(h.sandbox.world());
        let recent = w.now() - chrono::Duration::days(14);
        let of = |dispatched: bool| {
            w.orders
                .values()
                .filter(|o| o.seller_id == h.seller_id && o.status == "paid")
                .filter(|o| o.date_created > recent)
                .find_map(|o| {
                    let id = o.shipping_id?;
                    let s = w.shipments.get(&id)?;
                    (s.shipped_at.is_some() == dispatched && s.status != "cancelled")
                        .then(|| (o.pack_id.unwrap_or(o.id), o.id, id))
                })
        };
        (
            of(true).context("a shipped order")?,
            of(false).context("an order to dispatch")?,
        )
    };
    let template =
        "Hola {buyer_first_name}: #{order_id}, {items}, {carrier} {tracking_number} {shipping_eta}";
    let r = h
        .owner()
        .replies()
        .render_for_conversation(template.into(), shipped.0)
        .await?;
    assert!(r.unknown.is_empty() && r.missing.is_empty(), "{r:?}");
    assert!(r.text.contains(&format!("#{}", shipped.1)), "{}", r.text);
    assert!(r.text.contains(&format!("TRK{}", shipped.2)), "{}", r.text);
    assert!(!r.text.contains('{'), "every value filled: {}", r.text);
    let r = h
        .owner()
        .replies()
        .render_for_conversation(template.into(), pending.0)
        .await?;
    assert_eq!(r.missing, vec!["tracking_number".to_owned()], "{r:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_blocked_conversation_says_why_when_read_and_when_a_send_is_refused() -> anyhow::Result<()>
{
    let (mut h, _recorder) = running_with_lane().await?;
    let seller = h.seller_id;
    let packs: Vec<i64> = {
        let w = mostrador_sandbox::routes::lock(h.sandbox.world());
        w.orders
            .values()
            .filter(|o| o.seller_id == seller && o.status == "paid")
            .map(|o| o.pack_id.unwrap_or(o.id))
            .take(2)
            .collect()
    };
    let (read, refused) = (packs[0], packs[1]);
    let post = |path: String, body: serde_json::Value| {
        let http = h.http.clone();
        async move {
            http.post(path)
                .json(&body)
                .send()
                .await?
                .error_for_status()
                .map(|_| ())
        }
    };
    let url = h.sandbox.url();
    for pack in [read, refused] {
        post(
            format!("{url}/_sandbox/messages"),
            serde_json::json!({ "pack_id": pack, "text": "Hola" }),
        )
        .await?;
    }
    eventually(
        Duration::from_secs(10),
        "both conversations read",
        || async {
            let a = h.owner().inbox().conversation(read).await.is_ok();
            let b = h.owner().inbox().conversation(refused).await.is_ok();
            Ok((a && b).then_some(()))
        },
    )
    .await?;
    assert_eq!(h.owner().inbox().conversation(read).await?.blocked, None);

    // Read with its status: the fulfillment center holds the conversation until delivery.
    post(
        format!("{url}/_sandbox/conversations/{read}/block"),
        serde_json::json!({ "substatus": "blocked_by_fulfillment" }),
    )
    .await?;
    post(
        format!("{url}/_sandbox/messages"),
        serde_json::json!({ "pack_id": read, "text": "¿Y?" }),
    )
    .await?;
    eventually(Duration::from_secs(10), "the block read", || async {
        let t = h.owner().inbox().conversation(read).await?;
        Ok((t.blocked.as_deref() == Some("blocked_by_fulfillment")).then_some(()))
    })
    .await?;

    // Blocked without the app knowing: the send is refused, the text kept, the block recorded.
    post(
        format!("{url}/_sandbox/conversations/{refused}/block"),
        serde_json::json!({ "substatus": "bloqued_by_mediation" }),
    )
    .await?;
    h.owner()
        .writes()
        .send_message(refused, "Te respondo por acá")
        .await?;
    let thread = eventually(Duration::from_secs(15), "the refusal recorded", || async {
        let t = h.owner().inbox().conversation(refused).await?;
        Ok(t.blocked.is_some().then_some(t))
    })
    .await?;
    assert_eq!(
        thread.blocked.as_deref(),
        Some("blocked_conversation_send_message_forbidden")
    );
    let failed = thread
        .messages
        .iter()
        .find(|m| m.text == "Te respondo por acá")
        .context("the text is kept")?;
    assert_eq!(
        failed.delivery,
        Some(mostrador_core::inbox::DeliveryState::Failed)
    );
    h.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_late_shipment_is_announced_once_and_shows_on_its_conversation() -> anyhow::Result<()> {
    let recorder = Arc::new(RecordingNotifier::default());
    let h = Harness::start_opts(
        Arc::new(MemoryStore::default()),
        Options {
            profile: Profile::Small,
            ..Options::default()
        },
        recorder.clone(),
        recorder.clone(),
    )
    .await?;
    let seller = h.seller_id;
    // The first sync's late shipments are announced together; then one more turns late.
    h.core.engine().sync_pass(seller).await?;
    h.core.engine().poll_questions(seller).await?;
    let delayed = |r: &RecordingNotifier| {
        r.shown()
            .into_iter()
            .filter(|n| n.kind == NotificationKind::ShipmentDelayed)
            .collect::<Vec<_>>()
    };
    // A new sale, to dispatch.
    let order_id = h.inject_order().await?;
    let (pack, shipment) = {
        let w = mostrador_sandbox::routes::lock(h.sandbox.world());
        let o = w.orders.get(&order_id).context("the order")?;
        (
            o.pack_id.unwrap_or(o.id),
            o.shipping_id.context("a shipment")?,
        )
    };
    h.core.engine().sync_pass(seller).await?;
    h.core.engine().poll_questions(seller).await?;
    let before = delayed(&recorder).len();
    assert!(
        !h.owner()
            .inbox()
            .conversation(pack)
            .await
            .is_ok_and(|t| t.shipment_delayed),
        "not late yet"
    );
    h.http
        .post(format!(
            "{}/_sandbox/shipments/{shipment}/delay",
            h.sandbox.url()
        ))
        .send()
        .await?
        .error_for_status()?;
    // The buyer asks about it (so the sale has a conversation); the shipments' hourly refresh
    // is due (the delay changes the shipment, not its order).
    h.buyer_writes(pack, "¿Cuándo sale?").await?;
    h.core
        .engine()
        .store()
        .run(|c| {
            c.execute(
                "UPDATE sync_cursors SET last_run_at = '2000-01-01T00:00:00.000Z'
                 WHERE resource = 'shipments'",
                [],
            )?;
            Ok(())
        })
        .await?;
    h.core.engine().sync_pass(seller).await?;
    let row: (String, bool, Option<String>) = h
        .core
        .engine()
        .store()
        .run(move |c| {
            Ok(c.query_row(
                "SELECT status, delayed, sla_status FROM shipments WHERE id = ?1",
                [shipment],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .await?;
    assert!(row.1, "stored late: {row:?}");
    h.core.engine().poll_questions(seller).await?;
    h.core.engine().poll_questions(seller).await?;
    let shown = delayed(&recorder);
    assert_eq!(shown.len(), before + 1, "announced once: {shown:?}");
    let last = shown.last().context("the announcement")?;
    assert_eq!(last.pack_id, Some(pack));
    assert!(last.body.contains(&order_id.to_string()), "{}", last.body);
    let thread = h.owner().inbox().conversation(pack).await?;
    assert!(thread.shipment_delayed, "the conversation shows it late");
    Ok(())
}

/// A pack of the seller's with no conversation yet whose shipment is (or is not) delivered.
fn silent_pack(h: &Harness, delivered: bool) -> anyhow::Result<i64> {
    let w = mostrador_sandbox::routes::lock(h.sandbox.world());
    w.orders
        .values()
        .filter(|o| o.seller_id == h.seller_id && o.status == "paid")
        .filter(|o| {
            o.shipping_id
                .and_then(|s| w.shipments.get(&s))
                .is_some_and(|s| (s.status == "delivered") == delivered)
        })
        .map(|o| o.pack_id.unwrap_or(o.id))
        .find(|p| !w.messages.contains_key(p))
        .context("a silent pack")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_first_contact_goes_through_the_action_guide_once_per_reason() -> anyhow::Result<()> {
    use mostrador_core::contact::ContactDraft;
    use mostrador_core::inbox::orders::{OrderFilter, OrderQuery};
    let (mut h, _recorder) = running_with_lane().await?;
    let pack = silent_pack(&h, false)?;
    let sent_to = |pack: i64| {
        let w = mostrador_sandbox::routes::lock(h.sandbox.world());
        w.messages.get(&pack).map(Vec::len).unwrap_or(0)
    };

    // The sale is listed, without a conversation.
    let orders = h
        .owner()
        .inbox()
        .orders(OrderQuery {
            filter: OrderFilter::All,
            limit: Some(500),
            ..OrderQuery::default()
        })
        .await?;
    let row = orders
        .items
        .iter()
        .find(|o| o.pack_id == pack)
        .context("the sale listed")?;
    assert_eq!(row.message_count, 0);

    // Exactly the guide's reasons, each with its cap.
    let options = h.owner().writes().contact_options(pack).await?;
    let ids: Vec<&str> = options.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "REQUEST_VARIANTS",
            "REQUEST_BILLING_INFO",
            "SEND_INVOICE_LINK",
            "OTHER"
        ]
    );
    assert!(options.iter().all(|o| o.enabled && o.cap_available == 1));
    let other = options.iter().find(|o| o.id == "OTHER").context("OTHER")?;
    assert!(other.free_text);
    assert_eq!(other.char_limit, Some(350));

    // A template reason: Mercado Libre's text reaches the buyer once, and the conversation
    // shows it as Mercado Libre stored it.
    let billing = ContactDraft {
        option_id: "REQUEST_BILLING_INFO".into(),
        text: None,
    };
    h.owner().writes().contact_buyer(pack, &billing).await?;
    let thread = eventually(
        Duration::from_secs(15),
        "the first message delivered",
        || async {
            let t = h.owner().inbox().conversation(pack).await?;
            Ok(t.messages
                .iter()
                .any(|m| !m.from_buyer && m.delivery.is_none() && m.text.contains("facturación"))
                .then_some(t))
        },
    )
    .await?;
    assert_eq!(thread.messages.len(), 1, "{:?}", thread.messages);
    assert_eq!(sent_to(pack), 1);

    // The cap is used: offered as such, and refused before anything is queued.
    let options = h.owner().writes().contact_options(pack).await?;
    let used = options
        .iter()
        .find(|o| o.id == "REQUEST_BILLING_INFO")
        .context("still listed")?;
    assert_eq!((used.enabled, used.cap_available), (false, 0));
    let again = h.owner().writes().contact_buyer(pack, &billing).await;
    assert_eq!(
        again.map_err(|e| e.code()).err(),
        Some(mostrador_core::error::ErrorCode::InvalidInput)
    );
    // OTHER with the seller's own text, held to its limit before it is queued.
    let long = ContactDraft {
        option_id: "OTHER".into(),
        text: Some("a".repeat(351)),
    };
    assert!(h.owner().writes().contact_buyer(pack, &long).await.is_err());
    let question = ContactDraft {
        option_id: "OTHER".into(),
        text: Some("¿Preferís que lo enviemos en caja de regalo?".into()),
    };
    h.owner().writes().contact_buyer(pack, &question).await?;
    eventually(
        Duration::from_secs(15),
        "the free text delivered",
        || async { Ok((sent_to(pack) == 2).then_some(())) },
    )
    .await?;

    // Once delivered, OTHER is not offered and not accepted.
    let delivered = silent_pack(&h, true)?;
    let options = h.owner().writes().contact_options(delivered).await?;
    let other = options.iter().find(|o| o.id == "OTHER").context("OTHER")?;
    assert!(
        !other.enabled,
        "OTHER closes once the shipment is delivered"
    );
    assert!(
        h.owner()
            .writes()
            .contact_buyer(delivered, &question)
            .await
            .is_err()
    );
    assert_eq!(sent_to(delivered), 0);
    h.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_automatic_thank_you_reaches_a_new_buyer_once_across_restarts() -> anyhow::Result<()> {
    use mostrador_core::automatic::AutoTrigger;
    use mostrador_core::store::templates::Draft;
    let recorder = Arc::new(RecordingNotifier::default());
    let mut h = Harness::start_opts(
        Arc::new(MemoryStore::default()),
        Options {
            profile: Profile::Small,
            poll_interval: Duration::from_millis(200),
            bulk_interval: Some(Duration::from_millis(500)),
            ..Options::default()
        },
        recorder.clone(),
        recorder,
    )
    .await?;
    let seller = h.seller_id;
    let template = h
        .owner()
        .replies()
        .save(
            None,
            Draft {
                title: "Gracias".into(),
                text: "¡Gracias por tu compra #{order_id}, {buyer_first_name}!".into(),
                item_id: None,
                shortcut: None,
                kind: Some(mostrador_core::store::templates::TemplateKind::PostSale),
            },
        )
        .await?;
    // Switched on before the first pass: the seller's past sales are left alone.
    h.owner()
        .settings()
        .set_auto_rule(seller, AutoTrigger::Paid, Some(template), true)
        .await?;
    h.run().await?;
    eventually(Duration::from_secs(60), "the first pass", || async {
        let p = h.owner().inbox().sync_progress(seller).await?;
        Ok((p.len() >= 6 && p.iter().all(|r| r.initial_done)).then_some(()))
    })
    .await?;
    let world = h.sandbox.world().clone();
    let thanks = |pack: Option<i64>| {
        let w = mostrador_sandbox::routes::lock(&world);
        w.messages
            .iter()
            .filter(|(p, _)| pack.is_none_or(|x| **p == x))
            .flat_map(|(_, list)| list.iter())
            .filter(|m| m.from == seller && m.text.starts_with("¡Gracias por tu compra #"))
            .count()
    };
    assert_eq!(thanks(None), 0, "no past buyer is written to");

    // A new sale: thanked once, through the action guide (the buyer has not written).
    let order_id = h.inject_silent_order().await?;
    let pack = {
        let w = mostrador_sandbox::routes::lock(h.sandbox.world());
        w.orders[&order_id].pack_id.unwrap_or(order_id)
    };
    eventually(
        Duration::from_secs(30),
        "the thank-you delivered",
        || async { Ok((thanks(Some(pack)) == 1).then_some(())) },
    )
    .await?;
    {
        let w = mostrador_sandbox::routes::lock(h.sandbox.world());
        assert_eq!(
            w.guide_used.get(&pack).map(Vec::as_slice),
            Some(&["OTHER".to_owned()][..]),
            "it opened the conversation through the guide's free-text reason"
        );
    }
    // More passes, then a restart reading everything again: still once.
    tokio::time::sleep(Duration::from_secs(2)).await;
    h.stop().await;
    h.run().await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(thanks(Some(pack)), 1);
    assert_eq!(thanks(None), 1);
    let rules = h.owner().settings().auto_rules(seller).await?;
    assert_eq!(rules[0].sent, 1);
    h.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_brazilian_sellers_intermediated_conversation_goes_through_the_agent()
-> anyhow::Result<()> {
    const MLB_SELLER: i64 = 318_002_117;
    const MLB_AGENT: i64 = 3_037_675_074;
    let recorder = Arc::new(RecordingNotifier::default());
    let mut h = Harness::start_opts(
        Arc::new(MemoryStore::default()),
        Options {
            profile: Profile::Small,
            poll_interval: Duration::from_millis(200),
            bulk_interval: Some(Duration::from_secs(3600)),
            message_interval: Some(Duration::from_millis(300)),
            ..Options::default()
        },
        recorder.clone(),
        recorder.clone(),
    )
    .await?;
    let account = h.connect_user(MLB_SELLER).await?;
    h.run().await?;
    eventually(Duration::from_secs(60), "the first pass", || async {
        let p = h.owner().inbox().sync_progress(account).await?;
        Ok((p.len() >= 6 && p.iter().all(|r| r.initial_done)).then_some(()))
    })
    .await?;
    let packs: Vec<i64> = {
        let w = mostrador_sandbox::routes::lock(h.sandbox.world());
        w.orders
            .values()
            .filter(|o| o.seller_id == MLB_SELLER && o.status == "paid")
            .map(|o| o.pack_id.unwrap_or(o.id))
            .filter(|p| !w.messages.contains_key(p))
            .take(2)
            .collect()
    };
    let (pack, late) = (packs[0], packs[1]);
    let url = h.sandbox.url();
    let post = |path: String, body: serde_json::Value| {
        let http = h.http.clone();
        async move {
            http.post(path)
                .json(&body)
                .send()
                .await?
                .error_for_status()
                .map(|_| ())
        }
    };
    let to_agent = |pack: i64| -> Vec<String> {
        let w = mostrador_sandbox::routes::lock(h.sandbox.world());
        w.messages
            .get(&pack)
            .map(|l| {
                l.iter()
                    .filter(|m| m.to == MLB_AGENT)
                    .map(|m| m.text.clone())
                    .collect()
            })
            .unwrap_or_default()
    };

    // The buyer writes through the agent: announced, and the conversation says who is there.
    post(
        format!("{url}/_sandbox/conversations/{pack}/agent"),
        serde_json::json!({}),
    )
    .await?;
    post(
        format!("{url}/_sandbox/messages"),
        serde_json::json!({ "pack_id": pack, "text": "Olá, quando chega?" }),
    )
    .await?;
    let thread = eventually(
        Duration::from_secs(15),
        "the intermediated thread",
        || async {
            Ok(h.owner()
                .inbox()
                .conversation(pack)
                .await
                .ok()
                .filter(|t| t.intermediated))
        },
    )
    .await?;
    assert!(
        thread.conversation.waiting_since.is_some(),
        "the buyer waits"
    );
    assert!(!thread.awaiting_agent);
    // A Brazilian seller's messages still arrive, and are announced.
    eventually(Duration::from_secs(10), "the announcement", || async {
        Ok(recorder
            .shown()
            .iter()
            .any(|n| n.kind == NotificationKind::NewMessage && n.pack_id == Some(pack))
            .then_some(()))
    })
    .await?;

    // The answer goes to the agent on the conversation's path; the next waits for its reply.
    h.owner()
        .writes()
        .send_message(pack, "Chega amanhã.")
        .await?;
    eventually(
        Duration::from_secs(15),
        "the answer to the agent",
        || async { Ok((to_agent(pack) == ["Chega amanhã."]).then_some(())) },
    )
    .await?;
    assert!(h.owner().inbox().conversation(pack).await?.awaiting_agent);
    assert!(
        h.owner()
            .writes()
            .send_message(pack, "Obrigado!")
            .await
            .is_err(),
        "one message at a time"
    );
    post(
        format!("{url}/_sandbox/messages"),
        serde_json::json!({ "pack_id": pack, "text": "Perfeito" }),
    )
    .await?;
    eventually(
        Duration::from_secs(15),
        "the agent's reply read",
        || async {
            Ok((!h.owner().inbox().conversation(pack).await?.awaiting_agent).then_some(()))
        },
    )
    .await?;
    h.owner().writes().send_message(pack, "Obrigado!").await?;
    eventually(Duration::from_secs(15), "the second answer", || async {
        Ok((to_agent(pack).len() == 2).then_some(()))
    })
    .await?;

    // Intermediated after the app last read it: the usual path is refused, the thread names the
    // new one and the agent, and the message still arrives, once.
    post(
        format!("{url}/_sandbox/messages"),
        serde_json::json!({ "pack_id": late, "text": "Oi" }),
    )
    .await?;
    eventually(Duration::from_secs(15), "the plain thread", || async {
        Ok(h.owner()
            .inbox()
            .conversation(late)
            .await
            .ok()
            .filter(|t| !t.intermediated))
    })
    .await?;
    {
        let mut w = mostrador_sandbox::routes::lock(h.sandbox.world());
        w.agent_conversations.insert(late);
        // The agent now relays the buyer.
        let seller_site_agent = MLB_AGENT;
        if let Some(first) = w.messages.get_mut(&late).and_then(|l| l.first_mut()) {
            first.from = seller_site_agent;
        }
    }
    h.owner().writes().send_message(late, "Tudo certo!").await?;
    eventually(
        Duration::from_secs(15),
        "the message found its way",
        || async { Ok((to_agent(late) == ["Tudo certo!"]).then_some(())) },
    )
    .await?;
    h.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invoice_is_uploaded_with_its_message_and_the_kept_copy_goes_once_it_landed()
-> anyhow::Result<()> {
    use base64::Engine;
    use mostrador_core::attachments::AttachmentUpload;
    let (mut h, _recorder) = running_with_lane().await?;
    let pack = paid_pack(&h)?;
    h.buyer_writes(pack, "¿Me mandan la factura?").await?;
    eventually(Duration::from_secs(10), "the conversation read", || async {
        Ok(h.owner().inbox().conversation(pack).await.ok())
    })
    .await?;
    let pdf = b"%PDF-1.4\n% factura A 0001\n".to_vec();
    let upload = |name: &str, bytes: &[u8]| AttachmentUpload {
        name: name.into(),
        data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    };
    // Refused before anything is queued: a type Mercado Libre does not take.
    assert!(
        h.owner()
            .writes()
            .send_message_with(pack, "Te la dejo", Some(&upload("factura.docx", &pdf)))
            .await
            .is_err()
    );
    let kept_dir = h
        .db_path()
        .parent()
        .context("data dir")?
        .join("attachments");
    h.owner()
        .writes()
        .send_message_with(
            pack,
            "Te dejo la factura.",
            Some(&upload("Factura A-0001.pdf", &pdf)),
        )
        .await?;
    let world = h.sandbox.world().clone();
    let landed = eventually(Duration::from_secs(15), "the message with its file", || {
        let w = mostrador_sandbox::routes::lock(&world);
        let found = w.messages.get(&pack).and_then(|l| {
            l.iter()
                .find(|m| m.text == "Te dejo la factura.")
                .and_then(|m| w.message_files.get(&m.id).cloned())
        });
        async move { Ok(found) }
    })
    .await?;
    assert_eq!(landed.len(), 1);
    assert_eq!(landed[0].name, "Factura A-0001.pdf");
    assert_eq!(landed[0].media_type, "application/pdf");
    assert_eq!(landed[0].bytes, pdf, "the same bytes");
    // The kept copy goes once the message landed; the conversation names the file.
    eventually(Duration::from_secs(10), "the kept copy removed", || {
        let left = std::fs::read_dir(&kept_dir).map(|d| d.count()).unwrap_or(0);
        async move { Ok((left == 0).then_some(())) }
    })
    .await?;
    let thread = h.owner().inbox().conversation(pack).await?;
    let sent = thread
        .messages
        .iter()
        .find(|m| m.text == "Te dejo la factura.")
        .context("the message")?;
    assert_eq!(sent.attachments, ["Factura A-0001.pdf"]);
    h.stop().await;
    Ok(())
}
