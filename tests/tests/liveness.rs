//! Nothing stops the app quietly: with the database locked for 6 s while an answer waits, then
//! the keyring refusing every read and write, a lookup whose envelope is corrupt, a shipment
//! Mercado Libre no longer has (404) and a conversation it refuses (403), answers are still
//! delivered and new questions and buyer messages are still announced.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::Context;
use mostrador_core::notify::NotificationKind;
use mostrador_tests::{FlakyKeyring, Harness, Options, RecordingNotifier, eventually};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_and_notifications_go_on_through_locks_keyring_and_bad_entries()
-> anyhow::Result<()> {
    let keyring = Arc::new(FlakyKeyring::default());
    let recorder = Arc::new(RecordingNotifier::default());
    let mut h = Harness::start_opts(
        keyring.clone(),
        Options {
            poll_interval: Duration::from_millis(300),
            bulk_interval: Some(Duration::from_secs(1)),
            ..Options::default()
        },
        recorder.clone(),
        recorder.clone(),
    )
    .await?;
    let seller = h.seller_id;
    // What is there before the app: stored, not announced.
    h.core.engine().sync_pass(seller).await?;
    h.core.engine().poll_questions(seller).await?;

    // A conversation Mercado Libre refuses to show, and an order whose shipment is gone.
    let blocked = h.inject_order().await?;
    let open = h.inject_order().await?;
    let gone = h.inject_order().await?;
    let shipment = {
        let mut w = mostrador_sandbox::routes::lock(h.sandbox.world());
        let shipment = w
            .shipments
            .values()
            .find(|s| s.order_id == gone)
            .map(|s| s.id)
            .context("the new order's shipment")?;
        w.shipments.remove(&shipment);
        shipment
    };
    h.set_faults(serde_json::json!({ "forbidden_threads": [blocked] }))
        .await?;

    // An answer waits in the outbox while another process holds the database for 6 s.
    let first = h.inject_question("¿Tenés el talle M?").await?;
    h.core.engine().poll_questions(seller).await?;
    h.owner()
        .writes()
        .answer(first, "Sí, tenemos talle M.")
        .await?;
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let db_path = h.db_path();
    let holder = std::thread::spawn(move || -> anyhow::Result<()> {
        let db = rusqlite::Connection::open(db_path)?;
        db.execute_batch("BEGIN EXCLUSIVE")?;
        locked_tx.send(())?;
        std::thread::sleep(Duration::from_secs(6));
        db.execute_batch("COMMIT")?;
        Ok(())
    });
    locked_rx.recv_timeout(Duration::from_secs(10))?;
    h.run().await?;
    tokio::task::spawn_blocking(move || holder.join())
        .await?
        .map_err(|_| anyhow::anyhow!("the lock holder panicked"))??;

    // From here the keyring refuses everything, and the next lookup's envelope is corrupt.
    keyring.failing.store(true, Ordering::SeqCst);
    keyring.failing_reads.store(true, Ordering::SeqCst);
    h.set_faults(serde_json::json!({
        "forbidden_threads": [blocked], "corrupt_lookup_envelopes": 2,
    }))
    .await?;
    let second = h.inject_question("¿Hacen envíos a Salta?").await?;
    h.buyer_writes(blocked, "¿Me responden?").await?;
    h.buyer_writes(open, "¿Cuándo llega mi compra?").await?;

    eventually(
        Duration::from_secs(60),
        "the first answer delivered",
        || async {
            let answers = h.sandbox_answers().await?;
            Ok(answers.iter().any(|(q, _)| *q == first).then_some(()))
        },
    )
    .await?;
    eventually(
        Duration::from_secs(60),
        "the new question announced",
        || {
            let shown = recorder.shown();
            async move {
                Ok(shown
                    .iter()
                    .any(|n| n.question_ids.contains(&second))
                    .then_some(()))
            }
        },
    )
    .await?;
    h.owner()
        .writes()
        .answer(second, "Sí, enviamos a todo el país.")
        .await?;
    eventually(
        Duration::from_secs(60),
        "the second answer delivered with the keyring failing",
        || async {
            let answers = h.sandbox_answers().await?;
            Ok(answers.iter().any(|(q, _)| *q == second).then_some(()))
        },
    )
    .await?;
    eventually(
        Duration::from_secs(60),
        "the open conversation's message announced",
        || {
            let shown = recorder.shown();
            async move {
                Ok(shown
                    .iter()
                    .any(|n| n.kind == NotificationKind::NewMessage && n.pack_id == Some(open))
                    .then_some(()))
            }
        },
    )
    .await?;
    // The faults were met, not avoided.
    let refused_thread = format!("GET /messages/packs/{blocked}/sellers/{seller}");
    let gone_shipment = format!("GET /shipments/{shipment}");
    for key in [&refused_thread, &gone_shipment] {
        eventually(Duration::from_secs(60), key, || async {
            Ok((h.request_count(key).await? > 0).then_some(()))
        })
        .await?;
    }
    h.stop().await;
    let answers = h.sandbox_answers().await?;
    for q in [first, second] {
        assert_eq!(
            answers.iter().filter(|(id, _)| *id == q).count(),
            1,
            "question {q} answered once"
        );
    }
    Ok(())
}
