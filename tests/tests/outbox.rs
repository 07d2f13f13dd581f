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
            h.core.answer(id, &text).await?;
            sent.insert(id, text);
        }
        h.core.sync_now();
        eventually(
            Duration::from_secs(240),
            "every answer of the batch delivered",
            || {
                let db = &db;
                async move {
                    let open: i64 = db.query_row(
                        "SELECT COUNT(*) FROM outbox WHERE state NOT IN ('done', 'failed')",
                        [],
                        |r| r.get(0),
                    )?;
                    Ok((open == 0).then_some(()))
                }
            },
        )
        .await?;
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
