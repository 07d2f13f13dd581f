//! The outbox against a faulty sandbox: 2,000 answers with about one request in five failing
//! (5xx, hangs ending in 504, dropped connections, and writes committed whose response is lost).
//! Each answer must reach Mercado Libre exactly once, with its exact text, and none be lost.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use mostrador_core::secrets::MemoryStore;
use mostrador_tests::{Harness, Options, RecordingNotifier, eventually};

const BATCHES: usize = 2;
const PER_BATCH: usize = 1000;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_thousand_answers_through_faults_arrive_exactly_once() -> anyhow::Result<()> {
    let recorder = Arc::new(RecordingNotifier::default());
    let mut h = Harness::start_opts(
        Arc::new(MemoryStore::default()),
        Options {
            poll_interval: Duration::from_millis(250),
            ..Options::default()
        },
        recorder.clone(),
        recorder,
    )
    .await?;
    let db = rusqlite::Connection::open(h.db_path())?;
    db.busy_timeout(Duration::from_secs(10))?;
    h.run().await?;
    let mut sent: BTreeMap<i64, String> = BTreeMap::new();
    for batch in 0..BATCHES {
        h.set_faults(serde_json::json!({})).await?;
        let mut ids = Vec::with_capacity(PER_BATCH);
        for n in 0..PER_BATCH {
            ids.push(
                h.inject_question(&format!("¿Pregunta {batch}-{n}: hay stock?"))
                    .await?,
            );
        }
        let last = *ids.last().unwrap_or(&0);
        eventually(Duration::from_secs(60), "the batch to be stored", || {
            let db = &db;
            async move {
                let n: i64 = db.query_row(
                    "SELECT COUNT(*) FROM questions WHERE id = ?1",
                    [last],
                    |r| r.get(0),
                )?;
                Ok((n == 1).then_some(()))
            }
        })
        .await?;
        // About 20% of requests fail from here on.
        h.set_faults(serde_json::json!({
            "error_rate": 0.07, "timeout_rate": 0.03, "timeout_ms": 150,
            "drop_rate": 0.05, "lose_write_rate": 0.05,
        }))
        .await?;
        for id in ids {
            let text = format!("Hola, sí: respuesta {id} ✓");
            h.owner().writes().answer(id, &text).await?;
            sent.insert(id, text);
        }
        h.core.sync_now();
        let open = || {
            let db = &db;
            async move {
                let open: i64 = db.query_row(
                    "SELECT COUNT(*) FROM outbox WHERE state NOT IN ('done', 'failed')",
                    [],
                    |r| r.get(0),
                )?;
                Ok((open == 0).then_some(()))
            }
        };
        // The faults last a minute (or until the batch is through); then the server recovers
        // and every row still waiting lands within its capped backoff. Without the recovery a
        // row unlucky enough to fail eight times in a row would be tested against a timer.
        if eventually(Duration::from_secs(60), "the batch through faults", open)
            .await
            .is_err()
        {
            h.set_faults(serde_json::json!({})).await?;
            eventually(
                Duration::from_secs(180),
                "every answer of the batch delivered",
                open,
            )
            .await?;
        }
    }
    h.set_faults(serde_json::json!({})).await?;
    h.stop().await;

    let failed: Vec<(i64, String)> = {
        let mut stmt = db.prepare(
            "SELECT target_id, COALESCE(error_message, '') FROM outbox WHERE state = 'failed'",
        )?;
        stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?.parse().unwrap_or(0), r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?
    };
    assert!(failed.is_empty(), "answers given up on: {failed:?}");

    let received = h.sandbox_answers().await?;
    let mut per_question: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for (qid, text) in received {
        per_question.entry(qid).or_default().push(text);
    }
    assert_eq!(per_question.len(), sent.len(), "every answer arrived");
    for (qid, text) in &sent {
        assert_eq!(
            per_question.get(qid).map(Vec::as_slice),
            Some(std::slice::from_ref(text)),
            "question {qid}: exactly once, exact text"
        );
    }
    // The faults really happened: some answers needed more than one attempt.
    let retried: i64 = db.query_row("SELECT COUNT(*) FROM outbox WHERE attempts > 1", [], |r| {
        r.get(0)
    })?;
    assert!(retried > 100, "only {retried} answers were retried");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn messages_stock_deletions_and_blocks_land_once_through_lost_responses() -> anyhow::Result<()>
{
    use mostrador_sandbox::world::Write as Remote;
    let recorder = Arc::new(RecordingNotifier::default());
    let mut h = Harness::start_opts(
        Arc::new(MemoryStore::default()),
        Options {
            profile: mostrador_sandbox::seed::Profile::Small,
            ..Options::default()
        },
        recorder.clone(),
        recorder,
    )
    .await?;
    let seller = h.seller_id;
    h.core.engine().poll_questions(seller).await?;
    h.core.engine().sync_pass(seller).await?;

    // Targets: a conversation the buyer started, a listing with and one without variations,
    // a question, a buyer.
    let (pack, plain, (varied, variation), question, buyer) = {
        let w = mostrador_sandbox::routes::lock(h.sandbox.world());
        let pack = *w
            .messages
            .iter()
            .find(|(p, list)| {
                list.iter().any(|m| m.to == seller)
                    && w.orders
                        .values()
                        .any(|o| (o.pack_id == Some(**p) || o.id == **p) && o.status == "paid")
            })
            .map(|(p, _)| p)
            .ok_or_else(|| anyhow::anyhow!("a pack with a buyer message"))?;
        let mine = || {
            w.items.values().filter(|i| {
                i.seller_id == seller
                    && i.status == "active"
                    && i.logistic_type != "fulfillment"
                    && !i.catalog_listing
            })
        };
        let plain = mine()
            .find(|i| i.variations.is_empty())
            .map(|i| i.id.clone())
            .ok_or_else(|| anyhow::anyhow!("a listing without variations"))?;
        let varied = mine()
            .find(|i| !i.variations.is_empty())
            .map(|i| (i.id.clone(), i.variations[0].id))
            .ok_or_else(|| anyhow::anyhow!("a listing with variations"))?;
        let q = w
            .questions
            .values()
            .find(|q| q.seller_id == seller && q.status == "ANSWERED")
            .ok_or_else(|| anyhow::anyhow!("an answered question"))?;
        (pack, plain, varied, q.id, q.from_id)
    };

    // Half of the writes commit and lose their response.
    h.set_faults(serde_json::json!({ "lose_write_rate": 0.5 }))
        .await?;
    h.run().await?;
    let text = "Hola, tu paquete sale hoy. ¡Gracias por tu compra!";
    h.owner().writes().send_message(pack, text).await?;
    h.owner().writes().set_stock(&plain, None, 7).await?;
    h.owner()
        .writes()
        .set_stock(&varied, Some(variation), 4)
        .await?;
    h.owner().writes().delete_questions(&[question]).await?;
    h.owner().writes().block_buyers(&[question]).await?;
    let db = rusqlite::Connection::open(h.db_path())?;
    db.busy_timeout(Duration::from_secs(10))?;
    eventually(Duration::from_secs(180), "every write delivered", || {
        let db = &db;
        async move {
            let open: i64 = db.query_row(
                "SELECT COUNT(*) FROM outbox WHERE state NOT IN ('done', 'failed')",
                [],
                |r| r.get(0),
            )?;
            Ok((open == 0).then_some(()))
        }
    })
    .await?;
    h.set_faults(serde_json::json!({})).await?;
    h.stop().await;
    let failed: i64 = db.query_row(
        "SELECT COUNT(*) FROM outbox WHERE state = 'failed'",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(failed, 0, "no write given up on");

    let w = mostrador_sandbox::routes::lock(h.sandbox.world());
    let sent = w.messages[&pack]
        .iter()
        .filter(|m| m.from == seller && m.text == text)
        .count();
    assert_eq!(sent, 1, "the message is in the conversation exactly once");
    assert_eq!(w.items[&plain].available_quantity, 7);
    let v = w.items[&varied]
        .variations
        .iter()
        .find(|v| v.id == variation)
        .map(|v| v.available_quantity);
    assert_eq!(v, Some(4));
    assert_eq!(w.questions[&question].status, "DELETED");
    let deletions = w
        .writes
        .iter()
        .filter(
            |x| matches!(x, Remote::QuestionDeleted { question_id } if *question_id == question),
        )
        .count();
    assert_eq!(deletions, 1, "deleted once");
    let blocks = w
        .writes
        .iter()
        .filter(|x| matches!(x, Remote::BuyerBlocked { buyer_id, .. } if *buyer_id == buyer))
        .count();
    assert_eq!(blocks, 1, "blocked once");
    Ok(())
}

/// A deletion Mercado Libre committed but whose response was lost is not sent again: the retry
/// looks first and finds the question deleted (the sandbox records every DELETE, repeats too).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deletion_whose_response_was_lost_lands_once() -> anyhow::Result<()> {
    use mostrador_sandbox::world::Write as Remote;
    let mut h = Harness::start(Arc::new(MemoryStore::default()), Duration::from_secs(3600)).await?;
    let seller = h.seller_id;
    h.core.engine().poll_questions(seller).await?;
    let question = {
        let w = mostrador_sandbox::routes::lock(h.sandbox.world());
        w.questions
            .values()
            .find(|q| q.seller_id == seller && q.status == "UNANSWERED")
            .map(|q| q.id)
            .ok_or_else(|| anyhow::anyhow!("an unanswered question"))?
    };
    // Every write commits and loses its response, until the first one has.
    h.set_faults(serde_json::json!({ "lose_write_rate": 1.0 }))
        .await?;
    h.run().await?;
    h.owner().writes().delete_questions(&[question]).await?;
    eventually(
        Duration::from_secs(30),
        "the deletion committed remotely",
        || {
            let deleted = mostrador_sandbox::routes::lock(h.sandbox.world()).questions[&question]
                .status
                == "DELETED";
            async move { Ok(deleted.then_some(())) }
        },
    )
    .await?;
    h.set_faults(serde_json::json!({})).await?;
    let db = rusqlite::Connection::open(h.db_path())?;
    db.busy_timeout(Duration::from_secs(10))?;
    eventually(Duration::from_secs(60), "the deletion settled", || {
        h.core.sync_now();
        let state: String = db
            .query_row(
                "SELECT state FROM outbox WHERE kind = 'delete_question'",
                [],
                |r| r.get(0),
            )
            .unwrap_or_default();
        async move { Ok((state == "done").then_some(())) }
    })
    .await?;
    h.stop().await;
    let w = mostrador_sandbox::routes::lock(h.sandbox.world());
    let deletions = w
        .writes
        .iter()
        .filter(
            |x| matches!(x, Remote::QuestionDeleted { question_id } if *question_id == question),
        )
        .count();
    assert_eq!(deletions, 1, "one DELETE reached Mercado Libre");
    Ok(())
}

/// Post-sale messages against an adversarial Mercado Libre, with the computer's clock 2 minutes
/// ahead and then 2 minutes behind: a thread of 150 messages whose pages carry no total, a
/// server that stores texts normalised, an identical text already in the conversation, the
/// same text sent twice, and every reply lost. Each message must be in the conversation
/// exactly once, and show once in the app.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_land_exactly_once_against_an_adversarial_server() -> anyhow::Result<()> {
    use mostrador_sandbox::world::{Message, Write as Remote};
    for minutes in [2, -2] {
        let recorder = Arc::new(RecordingNotifier::default());
        let mut h = Harness::start_opts(
            Arc::new(MemoryStore::default()),
            Options {
                clock_offset: chrono::Duration::minutes(minutes),
                ..Options::default()
            },
            recorder.clone(),
            recorder,
        )
        .await?;
        let seller = h.seller_id;
        let pack = h.inject_order().await?;
        for n in 0..150 {
            h.buyer_writes(pack, &format!("mensaje {n}")).await?;
            if n == 120 {
                // The seller already said "Gracias" in this conversation (on the site).
                let mut w = mostrador_sandbox::routes::lock(h.sandbox.world());
                let buyer = w.messages[&pack][0].from;
                let date = w.now();
                w.messages.entry(pack).or_default().push(Message {
                    id: format!("SITE{minutes}"),
                    from: seller,
                    to: buyer,
                    text: "Gracias".into(),
                    date,
                    read: None,
                });
            }
        }
        h.set_faults(serde_json::json!({
            "thread_without_total": true, "normalise_messages": true,
        }))
        .await?;
        h.core.engine().sync_pass(seller).await?;
        h.run().await?;
        let db = rusqlite::Connection::open(h.db_path())?;
        db.busy_timeout(Duration::from_secs(10))?;
        let settled = |db: &rusqlite::Connection| -> anyhow::Result<bool> {
            let open: i64 = db.query_row(
                "SELECT COUNT(*) FROM outbox WHERE state NOT IN ('done', 'failed')",
                [],
                |r| r.get(0),
            )?;
            Ok(open == 0)
        };
        // Stored as "Gracias" (the emoji removed), like the one already there; then "Gracias"
        // itself, twice. Every reply is lost.
        for text in ["Gracias 🙂", "Gracias", "Gracias"] {
            h.set_faults(serde_json::json!({
                "thread_without_total": true, "normalise_messages": true,
                "lose_write_responses": 1,
            }))
            .await?;
            h.owner().writes().send_message(pack, text).await?;
            eventually(Duration::from_secs(60), "the message settled", || {
                let done = settled(&db);
                async move { done.map(|d| d.then_some(())) }
            })
            .await?;
        }
        let failed: i64 = db.query_row(
            "SELECT COUNT(*) FROM outbox WHERE state = 'failed'",
            [],
            |r| r.get(0),
        )?;
        assert_eq!(failed, 0, "clock {minutes:+} min: no message given up on");
        {
            let w = mostrador_sandbox::routes::lock(h.sandbox.world());
            let thanks = w.messages[&pack]
                .iter()
                .filter(|m| m.from == seller && m.text == "Gracias")
                .count();
            assert_eq!(
                thanks, 4,
                "clock {minutes:+} min: one on the site, three sent"
            );
            let posts = w
                .writes
                .iter()
                .filter(|x| matches!(x, Remote::Message { pack_id, .. } if *pack_id == pack))
                .count();
            assert_eq!(posts, 3, "clock {minutes:+} min: each sent once");
        }
        h.core.engine().sync_pass(seller).await?;
        let (shown, local): (i64, i64) = db.query_row(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE id LIKE 'outbox:%') FROM messages
             WHERE pack_id = ?1 AND from_id = ?2",
            rusqlite::params![pack, seller],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        assert_eq!(
            (shown, local),
            (4, 0),
            "clock {minutes:+} min: the app shows each once, by its real id"
        );
        h.stop().await;
    }
    Ok(())
}
