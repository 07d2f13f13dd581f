use std::sync::Mutex;

use chrono::{TimeZone, Utc};

use super::*;
use crate::clock::ManualClock;
use crate::store::questions::tests::{sample, seed_account};
use crate::store::testing::temp_store;

/// A fake Mercado Libre: remembers the answer it holds and what it was asked.
#[derive(Default)]
struct FakeMl {
    db_path: std::path::PathBuf,
    remote_answer: Mutex<Option<String>>,
    posts: Mutex<Vec<String>>,
    /// Commit the answer but report a network failure (a lost response).
    lose_response: Mutex<bool>,
    /// Refuse with this API error code.
    refuse: Mutex<Option<String>>,
    /// Other writes as sent, and those in effect remotely.
    sent_writes: Mutex<Vec<Write>>,
    in_effect: Mutex<Vec<Write>>,
    /// Answer this many of the next writes with 503 (nothing applied).
    unavailable: Mutex<u32>,
    /// What the outbox row looked like, read from ANOTHER connection during the POST.
    seen_during_post: Mutex<Option<(String, String)>>,
}

impl Transport for FakeMl {
    async fn post_answer(
        &self,
        _account: i64,
        question_id: i64,
        text: &str,
    ) -> Result<Option<Question>> {
        let other = rusqlite::Connection::open(&self.db_path).unwrap();
        let seen: (String, String) = other
            .query_row(
                "SELECT state, payload FROM outbox WHERE target_id = ?1",
                [question_id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        *self.seen_during_post.lock().unwrap() = Some(seen);
        self.posts.lock().unwrap().push(text.to_owned());
        if let Some(code) = self.refuse.lock().unwrap().clone() {
            return Err(Error::Api {
                status: 400,
                code,
                message: "Question is not active".into(),
            });
        }
        *self.remote_answer.lock().unwrap() = Some(text.to_owned());
        if *self.lose_response.lock().unwrap() {
            return Err(Error::offline("connection reset", None));
        }
        Ok(None)
    }

    async fn send(&self, _account: i64, write: &Write) -> Result<Option<String>> {
        self.sent_writes.lock().unwrap().push(write.clone());
        {
            let mut unavailable = self.unavailable.lock().unwrap();
            if *unavailable > 0 {
                *unavailable -= 1;
                return Err(Error::Api {
                    status: 503,
                    code: "service_unavailable".into(),
                    message: "try later".into(),
                });
            }
        }
        let remote_id = {
            let mut in_effect = self.in_effect.lock().unwrap();
            in_effect.push(write.clone());
            format!("M{}", in_effect.len())
        };
        if *self.lose_response.lock().unwrap() {
            return Err(Error::offline("connection reset", None));
        }
        Ok(matches!(write, Write::Message { .. }).then_some(remote_id))
    }

    async fn landed(&self, _account: i64, write: &Write) -> Result<bool> {
        Ok(self.in_effect.lock().unwrap().contains(write))
    }

    async fn seller_messages(&self, _account: i64, pack: i64) -> Result<Vec<writes::SentMessage>> {
        Ok(self
            .in_effect
            .lock()
            .unwrap()
            .iter()
            .enumerate()
            .filter_map(|(n, w)| match w {
                Write::Message { pack_id, text, .. } if *pack_id == pack => {
                    Some(writes::SentMessage {
                        id: format!("M{}", n + 1),
                        text: text.clone(),
                        status: Some("available".into()),
                    })
                }
                _ => None,
            })
            .collect())
    }

    async fn fetch_question(&self, _account: i64, question_id: i64) -> Result<Question> {
        let mut q = sample(question_id);
        if let Some(text) = self.remote_answer.lock().unwrap().clone() {
            q.status = "ANSWERED".into();
            q.answer_text = Some(text);
            q.answer_date = Some(Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap());
        }
        Ok(q)
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    outbox: Outbox,
    clock: Arc<ManualClock>,
    ml: FakeMl,
}

fn fixture() -> Fixture {
    let (dir, store) = temp_store();
    {
        let conn = store.conn().unwrap();
        seed_account(&conn);
        questions::upsert(&conn, &sample(1), Utc::now()).unwrap();
    }
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap(),
    ));
    let outbox = Outbox::new(store.clone(), EventBus::default(), clock.clone());
    let ml = FakeMl {
        db_path: dir.path().join("mostrador.db"),
        ..FakeMl::default()
    };
    Fixture {
        _dir: dir,
        store,
        outbox,
        clock,
        ml,
    }
}

impl Fixture {
    /// Claims and processes every due row once.
    async fn drain(&self) {
        loop {
            let now = self.clock.now();
            let row = self
                .store
                .run(move |c| table::claim_due(c, now))
                .await
                .unwrap();
            let Some(row) = row else { break };
            self.outbox.process(&self.ml, row).await.unwrap();
        }
    }

    fn row(&self, id: i64) -> table::OutboxRow {
        table::get(&self.store.conn().unwrap(), id)
            .unwrap()
            .unwrap()
    }
}

#[tokio::test]
async fn the_row_is_committed_before_the_network_call() {
    let f = fixture();
    let id = f
        .outbox
        .queue_answer(1, "  Sí, tenemos stock.  ", None)
        .await
        .unwrap();
    assert_eq!(f.row(id).state, table::PENDING);
    f.drain().await;
    let (state, payload) =
        f.ml.seen_during_post
            .lock()
            .unwrap()
            .clone()
            .expect("POST happened");
    assert_eq!(
        state,
        table::IN_FLIGHT,
        "the claim must be committed before the request goes out"
    );
    assert!(
        payload.contains("Sí, tenemos stock."),
        "the text is durable before sending: {payload}"
    );
    assert_eq!(f.row(id).state, table::DONE);
    let q = questions::get(&f.store.conn().unwrap(), 1)
        .unwrap()
        .unwrap();
    assert_eq!(q.status, "ANSWERED");
    assert_eq!(
        q.answer_text.as_deref(),
        Some("Sí, tenemos stock."),
        "text is trimmed, else exact"
    );
}

#[tokio::test]
async fn a_lost_response_is_reconciled_without_a_second_post() {
    let f = fixture();
    *f.ml.lose_response.lock().unwrap() = true;
    let id = f.outbox.queue_answer(1, "Hola, sí.", None).await.unwrap();
    f.drain().await;
    assert_eq!(
        f.row(id).state,
        table::PENDING,
        "a lost response is retried, not failed"
    );
    f.clock.advance(chrono::Duration::minutes(10));
    f.drain().await;
    assert_eq!(
        f.ml.posts.lock().unwrap().len(),
        1,
        "the remote already had the answer: no re-POST"
    );
    assert_eq!(f.row(id).state, table::DONE);
}

#[tokio::test]
async fn a_transient_failure_with_nothing_landed_is_sent_again() {
    let f = fixture();
    *f.ml.lose_response.lock().unwrap() = true;
    let id = f.outbox.queue_answer(1, "Hola", None).await.unwrap();
    f.drain().await;
    // Pretend the first request never reached the server.
    *f.ml.remote_answer.lock().unwrap() = None;
    *f.ml.lose_response.lock().unwrap() = false;
    f.clock.advance(chrono::Duration::minutes(10));
    f.drain().await;
    assert_eq!(f.ml.posts.lock().unwrap().len(), 2);
    assert_eq!(f.row(id).state, table::DONE);
}

#[tokio::test]
async fn a_refusal_fails_the_row_and_keeps_the_text_for_a_retry() {
    let f = fixture();
    *f.ml.refuse.lock().unwrap() = Some("invalid_question".into());
    let id = f
        .outbox
        .queue_answer(1, "Texto del vendedor", None)
        .await
        .unwrap();
    f.drain().await;
    let row = f.row(id);
    assert_eq!(row.state, table::FAILED);
    assert_eq!(row.error_code.as_deref(), Some("invalid_question"));
    assert!(
        row.payload.contains("Texto del vendedor"),
        "the text is kept"
    );
    *f.ml.refuse.lock().unwrap() = None;
    let again = f
        .outbox
        .queue_answer(1, "Texto corregido", None)
        .await
        .unwrap();
    assert_eq!(again, id, "a retry reuses the failed row");
    f.drain().await;
    assert_eq!(f.row(id).state, table::DONE);
    assert_eq!(
        f.ml.remote_answer.lock().unwrap().as_deref(),
        Some("Texto corregido")
    );
}

#[tokio::test]
async fn invalid_answers_are_refused_before_queueing() {
    let f = fixture();
    let empty = f.outbox.queue_answer(1, "   ", None).await.unwrap_err();
    assert_eq!(empty.code(), crate::error::ErrorCode::InvalidInput);
    let long = "a".repeat(ANSWER_MAX_CHARS + 1);
    let err = f.outbox.queue_answer(1, &long, None).await.unwrap_err();
    assert!(err.to_string().contains("2000"), "{err}");
    let exact = "ñ".repeat(ANSWER_MAX_CHARS);
    f.outbox
        .queue_answer(1, &exact, None)
        .await
        .expect("2,000 characters (not bytes) is allowed");
    let twice = f.outbox.queue_answer(1, "otra", None).await.unwrap_err();
    assert!(twice.to_string().contains("already being sent"), "{twice}");
    let missing = f.outbox.queue_answer(404, "hola", None).await.unwrap_err();
    assert_eq!(missing.code(), crate::error::ErrorCode::NotFound);
}

#[tokio::test]
async fn a_message_shows_as_sending_and_a_lost_response_is_not_sent_twice() {
    let f = fixture();
    *f.ml.lose_response.lock().unwrap() = true;
    let write = Write::Message {
        guide: None,
        via: None,
        attachment: None,
        pack_id: 55,
        buyer_id: 9,
        text: "Hola, ya lo despachamos.".into(),
    };
    let id = f.outbox.queue_write(7, write.clone(), None).await.unwrap();
    let status = |f: &Fixture, id: &str| -> Option<String> {
        f.store
            .conn()
            .unwrap()
            .query_row("SELECT status FROM messages WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .ok()
    };
    let local = writes::local_message_id(id);
    assert_eq!(
        status(&f, &local).as_deref(),
        Some("sending"),
        "the local view has it from the queueing commit"
    );
    f.drain().await;
    assert_eq!(
        f.row(id).state,
        table::PENDING,
        "a lost response is retried"
    );
    *f.ml.lose_response.lock().unwrap() = false;
    f.clock.advance(chrono::Duration::minutes(10));
    f.drain().await;
    assert_eq!(f.row(id).state, table::DONE);
    assert_eq!(
        f.ml.sent_writes.lock().unwrap().len(),
        1,
        "found in the thread, not resent"
    );
    assert_eq!(status(&f, &local), None, "the local copy took its real id");
    assert_eq!(status(&f, "M1").as_deref(), Some("available"));
    // Another row to the same conversation sees it as claimed.
    let mut other = f.row(id);
    other.id = 0;
    let claimed = table::claimed_remote_ids(&f.store.conn().unwrap(), &other).unwrap();
    assert_eq!(claimed, vec!["M1".to_owned()]);
}

/// The same text sent twice, the second reply lost: the first message is not taken for the
/// second (it was in the conversation before the second was sent), so the second goes again.
#[tokio::test]
async fn the_same_text_twice_with_the_second_reply_lost_lands_twice() {
    let f = fixture();
    let write = Write::Message {
        guide: None,
        via: None,
        attachment: None,
        pack_id: 55,
        buyer_id: 9,
        text: "Gracias".into(),
    };
    let first = f.outbox.queue_write(7, write.clone(), None).await.unwrap();
    f.drain().await;
    assert_eq!(f.row(first).state, table::DONE);
    // The second is refused at once (503: nothing applied), then its retry's reply is lost.
    *f.ml.unavailable.lock().unwrap() = 1;
    let second = f.outbox.queue_write(7, write.clone(), None).await.unwrap();
    f.drain().await;
    assert_eq!(f.row(second).state, table::PENDING);
    *f.ml.lose_response.lock().unwrap() = true;
    f.clock.advance(chrono::Duration::minutes(10));
    f.drain().await;
    *f.ml.lose_response.lock().unwrap() = false;
    f.clock.advance(chrono::Duration::minutes(10));
    f.drain().await;
    assert_eq!(f.row(second).state, table::DONE);
    let landed =
        f.ml.in_effect
            .lock()
            .unwrap()
            .iter()
            .filter(|w| **w == write)
            .count();
    assert_eq!(
        landed, 2,
        "both messages are in the conversation, once each"
    );
}

#[tokio::test]
async fn stock_is_applied_locally_and_the_latest_value_replaces_a_waiting_one() {
    let f = fixture();
    {
        let conn = f.store.conn().unwrap();
        conn.execute(
            "INSERT INTO listings (id, account_id, title, available_quantity, updated_at)
             VALUES ('MLA1', 7, 'Mate', 5, '2026-11-22T10:00:00.000Z')",
            [],
        )
        .unwrap();
    }
    let stock = |quantity| Write::Stock {
        item_id: "MLA1".into(),
        variation_id: None,
        quantity,
    };
    let first = f.outbox.queue_write(7, stock(3), None).await.unwrap();
    let second = f.outbox.queue_write(7, stock(2), None).await.unwrap();
    assert_eq!(first, second, "one row per listing while it waits");
    let local: i64 = f
        .store
        .conn()
        .unwrap()
        .query_row(
            "SELECT available_quantity FROM listings WHERE id = 'MLA1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(local, 2);
    f.drain().await;
    assert_eq!(*f.ml.sent_writes.lock().unwrap(), vec![stock(2)]);
    assert!(f.outbox.queue_write(7, stock(-1), None).await.is_err());
}

/// The database busy beyond its timeout (another process holding the write lock for 6 s) does
/// not end the worker: it backs off and delivers once the lock is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_outlives_a_locked_database_and_delivers_afterwards() {
    let f = fixture();
    let id = f
        .outbox
        .queue_answer(1, "Sí, hay stock.", None)
        .await
        .unwrap();
    let db = f.ml.db_path.clone();
    let locker = std::thread::spawn(move || {
        let mut conn = rusqlite::Connection::open(db).unwrap();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)
            .unwrap();
        std::thread::sleep(std::time::Duration::from_secs(6));
        tx.commit().unwrap();
    });
    std::thread::sleep(std::time::Duration::from_millis(200));
    let ml = Arc::new(f.ml);
    let cancel = CancellationToken::new();
    let worker = tokio::spawn(f.outbox.clone().run(ml.clone(), cancel.clone()));
    locker.join().unwrap();
    let store = f.store.clone();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let row = table::get(&store.conn().unwrap(), id).unwrap().unwrap();
        if row.state == table::DONE {
            break;
        }
        assert!(!worker.is_finished(), "the worker ended: {row:?}");
        assert!(
            std::time::Instant::now() < deadline,
            "not delivered: {row:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(ml.posts.lock().unwrap().len(), 1, "sent once");
    cancel.cancel();
    worker.await.unwrap().unwrap();
}

#[test]
fn only_mercado_libres_refusals_are_permanent() {
    for retryable in [
        Error::keyring("locked", None),
        Error::internal("pool", None),
        Error::Malformed {
            resource: "answer".into(),
            detail: "empty body".into(),
        },
        Error::offline("reset", None),
    ] {
        assert!(matches!(classify(retryable), Outcome::Retry(_)));
    }
    let refused = Error::Api {
        status: 400,
        code: "invalid_question".into(),
        message: "deleted".into(),
    };
    assert!(matches!(classify(refused), Outcome::Failed { .. }));
}

/// Stock A is in flight and answered 503 while stock B is queued for the same listing: A is not
/// sent again after B, so Mercado Libre ends at B.
#[tokio::test]
async fn a_newer_stock_wins_over_an_older_one_being_retried() {
    let f = fixture();
    f.store
        .conn()
        .unwrap()
        .execute(
            "INSERT INTO listings (id, account_id, title, available_quantity, updated_at)
             VALUES ('MLA1', 7, 'Mate', 5, '2026-11-22T10:00:00.000Z')",
            [],
        )
        .unwrap();
    let stock = |quantity| Write::Stock {
        item_id: "MLA1".into(),
        variation_id: None,
        quantity,
    };
    let a = f.outbox.queue_write(7, stock(3), None).await.unwrap();
    let now = f.clock.now();
    let claimed = f
        .store
        .run(move |c| table::claim_due(c, now))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, a);
    let b = f.outbox.queue_write(7, stock(2), None).await.unwrap();
    assert_ne!(a, b, "A is on the wire: B is its own row");
    *f.ml.unavailable.lock().unwrap() = 1;
    f.outbox.process(&f.ml, claimed).await.unwrap();
    f.clock.advance(chrono::Duration::minutes(10));
    f.drain().await;
    assert_eq!(f.row(a).state, table::DONE, "A is retired, not retried");
    assert_eq!(f.row(b).state, table::DONE);
    assert_eq!(f.ml.in_effect.lock().unwrap().last(), Some(&stock(2)));
    assert_eq!(
        *f.ml.sent_writes.lock().unwrap(),
        vec![stock(3), stock(2)],
        "A once (refused), then B"
    );
}

/// Answered on the site meanwhile: Mercado Libre refuses ours; the question shows the site's
/// answer and the seller's text is kept on the failed row.
#[tokio::test]
async fn an_answer_refused_because_it_was_answered_elsewhere_says_so_and_keeps_both() {
    let f = fixture();
    *f.ml.remote_answer.lock().unwrap() = Some("Respondida desde el sitio".into());
    *f.ml.refuse.lock().unwrap() = Some("invalid_question".into());
    let id = f
        .outbox
        .queue_answer(1, "Mi respuesta desde Mostrador", None)
        .await
        .unwrap();
    f.drain().await;
    let row = f.row(id);
    assert_eq!(row.state, table::FAILED);
    assert_eq!(row.error_code.as_deref(), Some(ALREADY_ANSWERED));
    assert!(row.payload.contains("Mi respuesta desde Mostrador"));
    let q = questions::get(&f.store.conn().unwrap(), 1)
        .unwrap()
        .unwrap();
    assert_eq!(q.answer_text.as_deref(), Some("Respondida desde el sitio"));
    assert_eq!(f.ml.posts.lock().unwrap().len(), 1, "not sent twice");
}
