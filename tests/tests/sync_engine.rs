//! The sync engine against the sandbox over loopback HTTP, on a real SQLite file: the initial
//! sync of a large seller stores exactly what the sandbox holds, the next pass only asks for
//! what changed, and malformed entries are skipped without stopping anything.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use mostrador_core::secrets::MemoryStore;
use mostrador_sandbox::seed::Profile;
use mostrador_tests::{Harness, Options, RecordingNotifier};
use rusqlite::OptionalExtension;

/// A running harness over a sandbox seeded with `profile`, notifications recorded.
async fn seeded(profile: Profile) -> anyhow::Result<Harness> {
    let recorder = Arc::new(RecordingNotifier::default());
    Harness::start_opts(
        Arc::new(MemoryStore::default()),
        Options {
            profile,
            ..Options::default()
        },
        recorder.clone(),
        recorder,
    )
    .await
}

async fn large() -> anyhow::Result<Harness> {
    seeded(Profile::Large).await
}

/// What the sandbox holds for one seller (cloned out of its lock).
struct Held {
    items: Vec<mostrador_sandbox::world::Item>,
    orders: Vec<mostrador_sandbox::world::Order>,
    questions: Vec<mostrador_sandbox::world::Question>,
    claims: Vec<mostrador_sandbox::world::Claim>,
}

fn held(h: &Harness, seller: i64) -> Held {
    let w = mostrador_sandbox::routes::lock(h.sandbox.world());
    Held {
        items: w
            .items
            .values()
            .filter(|i| i.seller_id == seller)
            .cloned()
            .collect(),
        orders: w
            .orders
            .values()
            .filter(|o| o.seller_id == seller)
            .cloned()
            .collect(),
        questions: w
            .questions
            .values()
            .filter(|q| q.seller_id == seller && q.status != "DELETED")
            .cloned()
            .collect(),
        claims: w
            .claims
            .values()
            .filter(|c| c.seller_id == seller)
            .cloned()
            .collect(),
    }
}

fn requests(h: &Harness) -> BTreeMap<String, u64> {
    mostrador_sandbox::routes::lock(h.sandbox.world())
        .requests
        .clone()
}

/// Requests made between two snapshots, with ids in paths folded to `{id}`.
fn delta(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for (k, v) in after {
        let n = v - before.get(k).copied().unwrap_or(0);
        if n > 0 && !k.contains("/_sandbox/") {
            let folded: Vec<String> = k
                .split('/')
                .map(|seg| {
                    if seg.chars().any(|c| c.is_ascii_digit()) && seg.len() > 4 {
                        "{id}".to_owned()
                    } else {
                        seg.to_owned()
                    }
                })
                .collect();
            *out.entry(folded.join("/")).or_insert(0) += n;
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_initial_sync_of_a_large_seller_stores_what_the_sandbox_holds() -> anyhow::Result<()> {
    let h = large().await?;
    let seller = h.seller_id;
    // What the app does at start: the fast poll (unanswered questions), then a bulk pass.
    h.core.engine().poll_questions(seller).await?;
    h.core.engine().sync_pass(seller).await?;

    let db = rusqlite::Connection::open(h.db_path())?;
    db.busy_timeout(Duration::from_secs(10))?;
    let count =
        |sql: &str| -> anyhow::Result<i64> { Ok(db.query_row(sql, [seller], |r| r.get(0))?) };
    let world = held(&h, seller);

    let integrity: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    assert_eq!(
        integrity, "ok",
        "the store (and its search index) is consistent"
    );

    // Counts.
    let items = &world.items;
    assert_eq!(
        count("SELECT COUNT(*) FROM listings WHERE account_id = ?1")?,
        items.len() as i64
    );
    let variations: usize = items.iter().map(|i| i.variations.len()).sum();
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM listing_variations v JOIN listings l ON l.id = v.listing_id
             WHERE l.account_id = ?1"
        )?,
        variations as i64
    );
    let orders = world.orders.len();
    assert_eq!(
        count("SELECT COUNT(*) FROM orders WHERE account_id = ?1")?,
        orders as i64
    );
    let questions = world.questions.len();
    assert_eq!(
        count("SELECT COUNT(*) FROM questions WHERE account_id = ?1")?,
        questions as i64
    );
    let claims = world.claims.len();
    assert_eq!(
        count("SELECT COUNT(*) FROM claims WHERE account_id = ?1")?,
        claims as i64
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM reputation_snapshots WHERE account_id = ?1")?,
        1
    );
    assert!(count("SELECT COUNT(*) FROM visits_daily WHERE account_id = ?1")? > 100);
    assert_eq!(
        count(
            "SELECT COUNT(DISTINCT q.buyer_id) FROM questions q LEFT JOIN buyers b ON b.id = q.buyer_id
             WHERE q.account_id = ?1 AND b.id IS NULL"
        )?,
        0,
        "every asker's nickname is stored"
    );

    // A sample, field by field.
    let with_variations = items
        .iter()
        .find(|i| i.variations.len() > 1)
        .context("the large seller has a listing with variations")?;
    let stored = h
        .core
        .engine()
        .store()
        .run({
            let id = with_variations.id.clone();
            move |c| mostrador_core::store::listings::get(c, &id)
        })
        .await?
        .context("listing stored")?;
    assert_eq!(stored.title, with_variations.title);
    assert_eq!(
        stored.available_quantity,
        Some(with_variations.available_quantity)
    );
    assert_eq!(stored.sold_quantity, Some(with_variations.sold_quantity));
    assert_eq!(
        stored.status.as_deref(),
        Some(with_variations.status.as_str())
    );
    let stored_vars = stored.variations.context("variations")?;
    for v in &with_variations.variations {
        let s = stored_vars
            .iter()
            .find(|s| s.id == v.id)
            .context("variation stored")?;
        assert_eq!(s.available_quantity, v.available_quantity);
        assert_eq!(s.attributes, v.attributes);
        assert_eq!(s.sku, v.sku);
    }
    for o in world.orders.iter().step_by(997) {
        let (status, buyer, item, qty): (String, i64, String, i64) = db.query_row(
            "SELECT o.status, o.buyer_id, i.item_id, i.quantity FROM orders o
             JOIN order_items i ON i.order_id = o.id WHERE o.id = ?1",
            [o.id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        assert_eq!(
            (status, buyer, item, qty),
            (o.status.clone(), o.buyer_id, o.item_id.clone(), o.quantity)
        );
    }
    for q in world.questions.iter().step_by(1009) {
        let (text, status, answer): (String, String, Option<String>) = db.query_row(
            "SELECT text, status, answer_text FROM questions WHERE id = ?1",
            [q.id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        assert_eq!(text, q.text);
        assert_eq!(status, q.status);
        let expected = q
            .answer
            .as_ref()
            .map(|a| a.text.clone())
            .filter(|t| !t.is_empty());
        assert_eq!(answer, expected, "question {}", q.id);
    }

    // Progress is recorded for every resource, complete.
    let progress = h.owner().inbox().sync_progress(seller).await?;
    for resource in [
        "questions",
        "orders",
        "listings",
        "claims",
        "messages",
        "figures",
    ] {
        let p = progress
            .iter()
            .find(|p| p.resource == resource)
            .with_context(|| format!("progress of {resource}"))?;
        assert!(p.initial_done, "{resource} finished: {p:?}");
        assert_eq!(p.last_error, None, "{resource}");
    }

    // The second pass asks only for what changed: one request per incremental resource.
    let before = requests(&h);
    h.core.engine().sync_pass(seller).await?;
    let second = delta(&before, &requests(&h));
    let expected: BTreeMap<String, u64> = [
        ("GET /orders/search", 1),
        ("GET /post-purchase/v1/claims/search", 1),
        ("GET /messages/unread", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(second, expected, "the second pass is incremental");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn malformed_entries_are_logged_skipped_and_the_pass_goes_on() -> anyhow::Result<()> {
    let h = seeded(Profile::Small).await?;
    let seller = h.seller_id;
    // The first list reads of the pass each lose their first entry to wrong types.
    h.set_faults(serde_json::json!({ "corrupt_entries": 6 }))
        .await?;
    h.core.engine().sync_pass(seller).await?;
    let left = mostrador_sandbox::routes::lock(h.sandbox.world())
        .faults
        .corrupt_entries;
    assert_eq!(left, 0, "the corruption was served");

    let db = rusqlite::Connection::open(h.db_path())?;
    db.busy_timeout(Duration::from_secs(10))?;
    let stored: i64 = db.query_row(
        "SELECT (SELECT COUNT(*) FROM listings WHERE account_id = ?1)
              + (SELECT COUNT(*) FROM orders WHERE account_id = ?1)
              + (SELECT COUNT(*) FROM questions WHERE account_id = ?1)
              + (SELECT COUNT(*) FROM claims WHERE account_id = ?1)",
        [seller],
        |r| r.get(0),
    )?;
    let world = held(&h, seller);
    let held = world.items.len() + world.orders.len() + world.questions.len() + world.claims.len();
    let missing = held as i64 - stored;
    assert!(
        (1..=6).contains(&missing),
        "each corrupted entry is skipped, nothing else: {missing} missing"
    );
    let errors: Option<String> = db
        .query_row(
            "SELECT group_concat(resource || ': ' || last_error, '; ') FROM sync_cursors
             WHERE account_id = ?1 AND last_error IS NOT NULL",
            [seller],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    assert_eq!(errors, None, "no resource failed over a malformed entry");

    // The next full read heals the skipped entries where the resource is re-read.
    h.core.engine().sync_pass(seller).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn offline_then_back_the_pass_recovers_by_itself() -> anyhow::Result<()> {
    let recorder = Arc::new(RecordingNotifier::default());
    let mut h = Harness::start_opts(
        Arc::new(MemoryStore::default()),
        Options {
            profile: Profile::Small,
            poll_interval: Duration::from_millis(200),
            bulk_interval: Some(Duration::from_millis(300)),
            ..Options::default()
        },
        recorder.clone(),
        recorder,
    )
    .await?;
    let seller = h.seller_id;
    let mut events = h.core.subscribe();
    // Every request fails as if the network were down.
    h.set_faults(serde_json::json!({ "drop_rate": 1.0 }))
        .await?;
    h.run().await?;
    mostrador_tests::eventually(Duration::from_secs(20), "the offline state", || {
        let mut seen = false;
        while let Ok(e) = events.try_recv() {
            if matches!(
                e,
                mostrador_core::Event::SyncStatus {
                    state: mostrador_core::events::SyncState::Offline,
                    ..
                }
            ) {
                seen = true;
            }
        }
        async move { Ok(seen.then_some(())) }
    })
    .await?;
    h.set_faults(serde_json::json!({})).await?;
    h.core.sync_now();
    mostrador_tests::eventually(
        Duration::from_secs(60),
        "the sync to finish once back online",
        || {
            let core = &h.core;
            async move {
                let p = core
                    .acting(&core.at_keyboard())
                    .inbox()
                    .sync_progress(seller)
                    .await?;
                Ok((p.iter().filter(|p| p.initial_done).count() >= 6).then_some(()))
            }
        },
    )
    .await?;
    h.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_buyers_new_post_sale_message_is_announced_once() -> anyhow::Result<()> {
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
    h.core.engine().poll_questions(seller).await?;
    h.core.engine().sync_pass(seller).await?;
    let is_message = |n: &&mostrador_core::notify::Notification| {
        n.kind == mostrador_core::notify::NotificationKind::NewMessage
    };
    assert_eq!(
        recorder.shown().iter().filter(is_message).count(),
        0,
        "messages already there at the first sync are not announced"
    );

    // A buyer of a paid order writes.
    let (pack, order_id, nickname) = {
        let w = mostrador_sandbox::routes::lock(h.sandbox.world());
        let o = w
            .orders
            .values()
            .find(|o| o.seller_id == seller && o.status == "paid")
            .context("a paid order")?;
        (
            o.pack_id.unwrap_or(o.id),
            o.id,
            w.users
                .get(&o.buyer_id)
                .map(|u| u.nickname.clone())
                .unwrap_or_default(),
        )
    };
    let text = "Hola, ¿me pasás el número de seguimiento? <b>gracias</b>";
    h.buyer_writes(pack, text).await?;
    h.core.engine().sync_pass(seller).await?;
    h.core.engine().sync_pass(seller).await?;
    let shown: Vec<_> = recorder
        .shown()
        .into_iter()
        .filter(|n| n.kind == mostrador_core::notify::NotificationKind::NewMessage)
        .collect();
    assert_eq!(shown.len(), 1, "announced once: {shown:?}");
    assert_eq!(shown[0].body, text, "the buyer's text as it is");
    assert_eq!(shown[0].summary, format!("Venta #{order_id} — {nickname}"));
    assert_eq!(shown[0].pack_id, Some(pack));
    Ok(())
}

/// A buyer writes moments after buying, and the orders search does not show the sale yet when
/// the pass reads it: the same pass reads the orders again once the message names a sale it
/// does not know, so the conversation has its sale without waiting for the next pass.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_message_about_a_sale_the_orders_search_missed_brings_the_sale_in_the_same_pass()
-> anyhow::Result<()> {
    let h = seeded(Profile::Small).await?;
    let seller = h.seller_id;
    h.core.engine().sync_pass(seller).await?;
    let id = h.inject_order().await?;
    h.buyer_writes(id, "Hola, ¿cuándo llega?").await?;
    // The pass's first orders search answers from before the sale.
    h.set_faults(serde_json::json!({ "stale_order_searches": 1 }))
        .await?;
    let searches = h.request_count("GET /orders/search").await?;
    h.core.engine().sync_pass(seller).await?;
    assert!(
        h.request_count("GET /orders/search").await? >= searches + 2,
        "the orders were searched again"
    );
    let db = rusqlite::Connection::open(h.db_path())?;
    db.busy_timeout(Duration::from_secs(10))?;
    let stored: Option<i64> = db
        .query_row(
            "SELECT id FROM orders WHERE id = ?1 AND account_id = ?2",
            [id, seller],
            |r| r.get(0),
        )
        .optional()?;
    assert_eq!(
        stored,
        Some(id),
        "the sale is stored by the pass that read its message"
    );
    let thread: i64 = db.query_row(
        "SELECT COUNT(*) FROM messages WHERE pack_id = ?1 AND text = ?2",
        rusqlite::params![id, "Hola, ¿cuándo llega?"],
        |r| r.get(0),
    )?;
    assert_eq!(thread, 1, "the buyer's message is stored");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listing_photo_is_fetched_once_checked_and_kept_in_the_store() -> anyhow::Result<()> {
    let h = Harness::start_opts(
        Arc::new(MemoryStore::default()),
        Options {
            profile: Profile::Tiny,
            ..Options::default()
        },
        Arc::new(RecordingNotifier::default()),
        Arc::new(RecordingNotifier::default()),
    )
    .await?;
    h.core.engine().sync_pass(h.seller_id).await?;
    let items: Vec<(String, String)> = h
        .core
        .engine()
        .store()
        .run(|c| {
            let mut stmt = c.prepare("SELECT id, thumbnail FROM listings ORDER BY id LIMIT 2")?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
        .await?;
    let [(item, url), (other, _)] = <[_; 2]>::try_from(items).expect("two listings");
    assert!(
        url.starts_with(&h.sandbox.url()),
        "served by the sandbox: {url}"
    );
    let image_requests = |h: &Harness| -> u64 {
        requests(h)
            .iter()
            .filter(|(k, _)| k.contains("/_sandbox/images/"))
            .map(|(_, v)| *v)
            .sum()
    };

    let photo = h
        .owner()
        .inbox()
        .listing_photo(&item)
        .await?
        .context("a photo")?;
    let encoded = photo
        .strip_prefix("data:image/png;base64,")
        .context("a PNG data URL")?;
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded)?;
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_eq!(image_requests(&h), 1);
    // From the store from now on.
    assert_eq!(h.owner().inbox().listing_photo(&item).await?, Some(photo));
    assert_eq!(image_requests(&h), 1);

    // Something that is not an image is refused, and not asked for again on every view.
    let not_an_image = format!("{}/_sandbox/writes", h.sandbox.url());
    let (id, bad) = (other.clone(), not_an_image.clone());
    h.core
        .engine()
        .store()
        .run(move |c| {
            c.execute(
                "UPDATE listings SET thumbnail = ?2 WHERE id = ?1",
                rusqlite::params![id, bad],
            )?;
            Ok(())
        })
        .await?;
    let before = requests(&h).get("GET /_sandbox/writes").copied();
    assert_eq!(h.owner().inbox().listing_photo(&other).await?, None);
    assert_eq!(h.owner().inbox().listing_photo(&other).await?, None);
    let after = requests(&h).get("GET /_sandbox/writes").copied();
    assert_eq!(after.unwrap_or(0) - before.unwrap_or(0), 1, "tried once");
    Ok(())
}

/// A question deleted on Mercado Libre (its `GET` answers 404) is stored as deleted at the next
/// poll and not read again on the polls after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_deleted_on_mercado_libre_is_stored_deleted_and_not_read_again()
-> anyhow::Result<()> {
    let h = Harness::start(Arc::new(MemoryStore::default()), Duration::from_secs(3600)).await?;
    let seller = h.seller_id;
    let q = h.inject_question("¿Tiene garantía?").await?;
    h.core.engine().poll_questions(seller).await?;
    mostrador_sandbox::routes::lock(h.sandbox.world())
        .questions
        .get_mut(&q)
        .context("the question")?
        .status = "DELETED".into();
    for _ in 0..3 {
        h.core.engine().poll_questions(seller).await?;
    }
    let db = rusqlite::Connection::open(h.db_path())?;
    let status: String = db.query_row("SELECT status FROM questions WHERE id = ?1", [q], |r| {
        r.get(0)
    })?;
    assert_eq!(status, "DELETED");
    let reads = h.request_count(&format!("GET /questions/{q}")).await?;
    assert_eq!(reads, 1, "read once, when it left the unanswered list");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_whose_pages_never_end_cannot_make_a_pass_loop_or_the_store_grow()
-> anyhow::Result<()> {
    let h = seeded(Profile::Small).await?;
    let seller = h.seller_id;
    let world = held(&h, seller);
    // Totals of a million, scans that start over, offset pages past the end repeating the last.
    h.set_faults(serde_json::json!({ "endless_pages": true }))
        .await?;
    let before = requests(&h);
    tokio::time::timeout(Duration::from_secs(120), h.core.engine().sync_pass(seller))
        .await
        .context("the pass ends")??;
    let made = delta(&before, &requests(&h));
    let searches: u64 = made
        .iter()
        .filter(|(k, _)| k.contains("search"))
        .map(|(_, n)| n)
        .sum();
    // Each walk reads its entries once and one page more before it stops.
    let honest = world.items.len().div_ceil(50)
        + world.questions.len().div_ceil(50)
        + world.orders.len().div_ceil(50)
        + world.claims.len().div_ceil(30);
    assert!(
        searches as usize <= honest + 20,
        "{searches} search requests for about {honest} pages: {made:?}"
    );

    let db = rusqlite::Connection::open(h.db_path())?;
    db.busy_timeout(Duration::from_secs(10))?;
    let count = |table: &str| -> anyhow::Result<usize> {
        let n: i64 = db.query_row(
            &format!("SELECT COUNT(*) FROM {table} WHERE account_id = ?1"),
            [seller],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    };
    assert_eq!(count("listings")?, world.items.len(), "no listing invented");
    assert_eq!(count("orders")?, world.orders.len(), "no order invented");
    assert_eq!(count("claims")?, world.claims.len(), "no claim invented");
    assert!(count("questions")? <= world.questions.len());
    let stopped = |resource: &str| -> anyhow::Result<bool> {
        let e: Option<String> = db
            .query_row(
                "SELECT last_error FROM sync_cursors WHERE account_id = ?1 AND resource = ?2",
                rusqlite::params![seller, resource],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        Ok(e.is_some_and(|e| e.contains("paging does not end")))
    };
    for resource in ["listings", "questions", "orders", "claims"] {
        assert!(stopped(resource)?, "{resource}: the walk was stopped");
    }

    // An honest server again: the next pass completes every walk.
    h.set_faults(serde_json::json!({})).await?;
    h.core.engine().sync_pass(seller).await?;
    for resource in ["listings", "questions", "orders", "claims"] {
        assert!(!stopped(resource)?, "{resource}: walked to its end");
    }
    Ok(())
}
