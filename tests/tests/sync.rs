//! The core against the sandbox over real loopback HTTP with a real SQLite file: polling,
//! notifications, and answers through the outbox.

// A failed unwrap is a failed test, with its location; helpers here are test code too.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use mostrador_core::inbox::{InboxQuery, StatusFilter};
use mostrador_core::secrets::MemoryStore;
use mostrador_core::store::questions;
use mostrador_tests::{Harness, eventually};

const WAIT: Duration = Duration::from_secs(20);

fn sandbox_unanswered(h: &Harness) -> BTreeSet<i64> {
    let world = h.sandbox.world().lock().unwrap();
    world
        .questions
        .values()
        .filter(|q| q.status == "UNANSWERED" && q.seller_id == h.seller_id)
        .map(|q| q.id)
        .collect()
}

fn local_unanswered(h: &Harness) -> BTreeSet<i64> {
    let conn = h.core.engine().store().conn().unwrap();
    questions::ids_with_status(&conn, h.seller_id, questions::UNANSWERED)
        .unwrap()
        .into_iter()
        .collect()
}

/// A running harness whose first poll (the account's baseline) has completed.
async fn synced(poll_interval: Duration) -> Harness {
    let mut h = Harness::start(Arc::new(MemoryStore::default()), poll_interval)
        .await
        .unwrap();
    h.run().await.unwrap();
    let seeded = sandbox_unanswered(&h);
    eventually(WAIT, "baseline sync", || async {
        Ok((local_unanswered(&h) == seeded).then_some(()))
    })
    .await
    .unwrap();
    h
}

#[tokio::test(flavor = "multi_thread")]
async fn a_poll_stores_the_seeded_unanswered_questions() {
    let mut h = Harness::start(Arc::new(MemoryStore::default()), Duration::from_secs(3600))
        .await
        .unwrap();
    let expected = sandbox_unanswered(&h);
    assert!(
        expected.len() >= 3,
        "the demo seller starts with unanswered questions"
    );
    h.run().await.unwrap();
    eventually(
        WAIT,
        "the first poll to store the seeded questions",
        || async { Ok((local_unanswered(&h) == expected).then_some(())) },
    )
    .await
    .unwrap();
    // Each stored question matches the sandbox field by field, and the inbox can show it.
    let page = h.owner().inbox().list(InboxQuery::default()).await.unwrap();
    assert_eq!(page.unanswered as usize, expected.len());
    let world = h.sandbox.world().lock().unwrap().questions.clone();
    for item in &page.items {
        let remote = &world[&item.id];
        assert_eq!(item.text, remote.text);
        assert_eq!(item.item_id, remote.item_id);
        assert_eq!(item.buyer_id, remote.from_id);
        assert!(
            item.item_title.is_some(),
            "listing {} fetched by multiget",
            item.item_id
        );
        assert!(
            item.buyer_nickname.is_some(),
            "buyer {} fetched by multiget",
            item.buyer_id
        );
    }
    assert!(
        h.notifier.shown().is_empty(),
        "questions already waiting when an account is first synced are not announced"
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_question_is_stored_and_notified_exactly_once() {
    let mut h = synced(Duration::from_millis(200)).await;

    let text = "¿Llega antes del viernes a Rosario? 🚚";
    let id = h.inject_question(text).await.unwrap();
    eventually(WAIT, "the injected question to be stored", || async {
        Ok(local_unanswered(&h).contains(&id).then_some(()))
    })
    .await
    .unwrap();
    let shown = eventually(WAIT, "a notification", || async {
        let shown = h.notifier.shown();
        Ok((!shown.is_empty()).then_some(shown))
    })
    .await
    .unwrap();
    assert_eq!(shown.len(), 1, "exactly one notification: {shown:?}");
    assert_eq!(shown[0].question_id, id);
    assert_eq!(shown[0].body, text);
    let title = {
        let world = h.sandbox.world().lock().unwrap();
        let item = &world.questions[&id].item_id;
        world.items[item].title.clone()
    };
    assert_eq!(shown[0].summary, title, "the summary is the listing title");

    // Several later polls must not announce it again.
    let polls = h.request_count("GET /questions/search").await.unwrap();
    eventually(WAIT, "three more polls", || async {
        Ok((h.request_count("GET /questions/search").await? >= polls + 3).then_some(()))
    })
    .await
    .unwrap();
    assert_eq!(
        h.notifier.shown().len(),
        1,
        "no repeat notification on later polls"
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_polling_costs_one_request_per_poll() {
    let mut h = synced(Duration::from_millis(100)).await;
    // The first poll's listing and buyer lookups may still be finishing (a loaded machine):
    // the baseline is taken once two polls went by without any.
    let counts = || async {
        (
            h.request_count("GET /questions/search").await.unwrap(),
            h.request_count("GET /items").await.unwrap(),
            h.request_count("GET /users").await.unwrap(),
        )
    };
    let start = std::time::Instant::now();
    let mut last = counts().await;
    let (searches, items, users) = loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = counts().await;
        if now.0 >= last.0 + 2 && (now.1, now.2) == (last.1, last.2) {
            break now;
        }
        assert!(start.elapsed() < WAIT, "the first lookups never settled");
        last = now;
    };
    eventually(WAIT, "five idle polls", || async {
        Ok((h.request_count("GET /questions/search").await? >= searches + 5).then_some(()))
    })
    .await
    .unwrap();
    assert_eq!(
        h.request_count("GET /items").await.unwrap(),
        items,
        "listings are not refetched"
    );
    assert_eq!(
        h.request_count("GET /users").await.unwrap(),
        users,
        "buyers are not refetched"
    );
    h.stop().await;
}

async fn answer_and_wait(h: &Harness, id: i64, text: &str) {
    h.owner().writes().answer(id, text).await.unwrap();
    eventually(WAIT, "the question to be answered locally", || async {
        let conn = h.core.engine().store().conn()?;
        let q = questions::get(&conn, id)?;
        Ok(q.filter(|q| q.status == questions::ANSWERED).map(|_| ()))
    })
    .await
    .unwrap();
    let page = h
        .owner()
        .inbox()
        .list(InboxQuery {
            status: StatusFilter::Answered,
            ..InboxQuery::default()
        })
        .await
        .unwrap();
    let row = page
        .items
        .iter()
        .find(|q| q.id == id)
        .expect("listed as answered");
    assert_eq!(row.answer_text.as_deref(), Some(text));
    assert!(row.delivery.is_none(), "nothing left in the outbox for it");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_reaches_the_sandbox_exactly_once_with_the_exact_text() {
    let mut h = synced(Duration::from_secs(3600)).await;
    let id = *sandbox_unanswered(&h).iter().next().unwrap();
    let text = "¡Hola! Sí, despachamos hoy mismo por Mercado Envíos. ¡Saludos! 🧉";
    answer_and_wait(&h, id, text).await;
    let received = h.sandbox_answers().await.unwrap();
    assert_eq!(received, vec![(id, text.to_owned())]);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_answer_response_is_reconciled_without_a_duplicate() {
    let mut h = synced(Duration::from_secs(3600)).await;
    let id = *sandbox_unanswered(&h).iter().next().unwrap();
    // The sandbox commits the answer but answers 502, as if the response were lost.
    h.set_faults(serde_json::json!({"lose_answer_responses": 1}))
        .await
        .unwrap();
    let text = "Hola, sí, tenemos en negro.";
    answer_and_wait(&h, id, text).await;
    let received = h.sandbox_answers().await.unwrap();
    assert_eq!(
        received,
        vec![(id, text.to_owned())],
        "committed once, never re-posted"
    );
    assert_eq!(h.request_count("POST /answers").await.unwrap(), 1);
    assert!(
        h.request_count(&format!("GET /questions/{id}"))
            .await
            .unwrap()
            >= 1,
        "the retry looked at the remote state first"
    );
    h.stop().await;
}
