//! Mostrador's benchmarks, run by `cargo xtask bench` (release build, inside the private desktop
//! session). Each figure is printed as one line: `bench <name> <value> <unit>`.
//!
//! - `sandbox_rps`: requests per second the sandbox serves on loopback with no latency
//!   configured (authenticated `GET /questions/search`, 32 concurrent keep-alive clients in the
//!   same process, so the figure is a lower bound: the clients share the machine's 2 cores).
//! - `notify_latency_p95_ms` (and `_p50_ms`, `_max_ms`): from a question injected in the sandbox
//!   to the `org.freedesktop.Notifications.Notify` call observed on the session bus, with the
//!   core polling at the app's default interval; `notify_poll_interval_ms` and the goal ratio
//!   `notify_latency_p95_vs_goal` (goal: interval + 1,000 ms) are printed beside it.
//! - `idle_requests_per_poll`: API requests per poll while nothing changes.
//! - `sync_ratio`: the initial sync of the `large` seller with 50 ms of latency and a 50 req/s
//!   limit, its time divided by the lower bound (the fewest requests the API allows divided by
//!   the rate limit, or the longest chain of requests that cannot overlap times the latency,
//!   whichever is larger); `sync_requests_ratio`: requests issued divided by that fewest number.
//! - `question_detect_p95_ms`: from a question injected in the sandbox to its row in the store,
//!   at the default fast poll interval (printed as `question_detect_poll_interval_ms`).
//! - `message_detect_p95_ms`: from a buyer's post-sale message injected in the sandbox to its
//!   notification, with the messages lane at the app's default interval (printed as
//!   `message_detect_interval_ms`; goal 15,000 ms, ratio `message_detect_p95_vs_goal`).
//! - `idle_requests_per_min`: requests per minute of one account with nothing new happening,
//!   fast poll, messages lane and bulk passes included (goal ≤ 20, ratio
//!   `idle_requests_per_min_vs_goal`).
//! - `inbox_page_ms`, `fts_search_p95_ms`, `suggest_ms` (p95 each) with the `huge` seller
//!   (100,000 questions) synced into the store: a page of 100 rows at offsets across the whole
//!   list, searches for common words, and answer suggestions for questions across listings;
//!   `waiting_page_ms` (p95), a page of the merged waiting list (questions and conversations);
//!   `conversations_page_ms` (p95), a page of post-sale conversations.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use mostrador_core::notify::{Notification, Notifier};
use mostrador_core::secrets::MemoryStore;
use mostrador_sandbox::seed::Profile;
use mostrador_sandbox::world::Faults;
use mostrador_sandbox::{Sandbox, SandboxConfig};
use mostrador_tests::{Harness, Options, RecordingNotifier};

/// The app's default interval between polls for new questions.
const POLL_INTERVAL: Duration = Duration::from_secs(5);
const LATENCY_SAMPLES: usize = 12;

async fn sandbox_rps() -> anyhow::Result<f64> {
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    let creds: serde_json::Value = http
        .get(format!("{}/_sandbox/credentials", sandbox.url()))
        .send()
        .await?
        .json()
        .await?;
    let token = creds["sellers"][0]["access_token"]
        .as_str()
        .context("token")?
        .to_owned();
    let seller = creds["sellers"][0]["user_id"].as_i64().context("seller")?;
    let url = format!(
        "{}/questions/search?seller_id={seller}&status=UNANSWERED&api_version=4",
        sandbox.url()
    );
    let done = Arc::new(AtomicU64::new(0));
    let warmup = Duration::from_millis(500);
    let window = Duration::from_secs(4);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let (http, url, token, done) = (http.clone(), url.clone(), token.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            while start.elapsed() < warmup + window {
                let ok = http
                    .get(&url)
                    .bearer_auth(&token)
                    .send()
                    .await
                    .map(|r| r.status().is_success());
                if matches!(ok, Ok(true)) && start.elapsed() > warmup {
                    done.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        t.await?;
    }
    sandbox.stop().await;
    Ok(done.load(Ordering::Relaxed) as f64 / window.as_secs_f64())
}

/// Sends through notify-rust to the session's notification daemon, as the desktop app does.
struct BusNotifier;

impl Notifier for BusNotifier {
    fn show(&self, n: Notification) {
        std::thread::spawn(move || {
            let _ = notify_rust::Notification::new()
                .summary(&n.summary)
                .body(&n.body)
                .show();
        });
    }
}

/// Lines read from `dbus-monitor`, each with the instant it was read.
type BusLines = Arc<Mutex<Vec<(Instant, String)>>>;

/// Watches the session bus for `Notify` calls.
fn watch_bus() -> anyhow::Result<(std::process::Child, BusLines)> {
    let mut child = Command::new("dbus-monitor")
        .args([
            "--session",
            "interface='org.freedesktop.Notifications',member='Notify'",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("dbus-monitor (run through `cargo xtask bench`)")?;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let stdout = child.stdout.take().context("stdout")?;
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            sink.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((Instant::now(), line));
        }
    });
    Ok((child, seen))
}

struct Latency {
    p50: f64,
    p95: f64,
    max: f64,
    idle_requests_per_poll: f64,
}

async fn notify_latency() -> anyhow::Result<Latency> {
    let (mut monitor, seen) = watch_bus()?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut h = Harness::start_with(
        Arc::new(MemoryStore::default()),
        POLL_INTERVAL,
        Arc::new(BusNotifier),
        Default::default(),
    )
    .await?;
    h.run().await?;
    tokio::time::sleep(Duration::from_secs(1)).await; // baseline poll

    // Idle cost: requests over three idle polls.
    let before_total: u64 = total_requests(&h).await?;
    let before_polls = h.request_count("GET /questions/search").await?;
    tokio::time::sleep(POLL_INTERVAL * 3 + Duration::from_millis(200)).await;
    let polls = h.request_count("GET /questions/search").await? - before_polls;
    let idle = (total_requests(&h).await? - before_total) as f64 / polls.max(1) as f64;

    let mut samples = Vec::new();
    for n in 0..LATENCY_SAMPLES {
        // Spread injections across the poll cycle.
        let offset = POLL_INTERVAL.as_millis() as u64 * (n as u64 * 7 % LATENCY_SAMPLES as u64)
            / LATENCY_SAMPLES as u64;
        tokio::time::sleep(Duration::from_millis(offset)).await;
        let marker = format!("bench-{n}-{}", std::process::id());
        let injected = Instant::now();
        h.inject_question(&format!("¿Hay stock? ({marker})"))
            .await?;
        let deadline = injected + POLL_INTERVAL * 3;
        loop {
            let hit = seen
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .find(|(_, line)| line.contains(&marker))
                .map(|(at, _)| *at);
            if let Some(at) = hit {
                samples.push(at.duration_since(injected).as_secs_f64() * 1000.0);
                break;
            }
            anyhow::ensure!(Instant::now() < deadline, "no Notify call for {marker}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    h.stop().await;
    let _ = monitor.kill();
    samples.sort_by(f64::total_cmp);
    let pick =
        |q: f64| samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1];
    Ok(Latency {
        p50: pick(0.5),
        p95: pick(0.95),
        max: pick(1.0),
        idle_requests_per_poll: idle,
    })
}

async fn total_requests(h: &Harness) -> anyhow::Result<u64> {
    let map: std::collections::BTreeMap<String, u64> = h
        .http
        .get(format!("{}/_sandbox/requests", h.sandbox.url()))
        .send()
        .await?
        .json()
        .await?;
    Ok(map
        .iter()
        .filter(|(k, _)| !k.contains("/_sandbox/"))
        .map(|(_, v)| v)
        .sum())
}

struct SyncFigures {
    seconds: f64,
    lower_bound_seconds: f64,
    requests: u64,
    fewest: u64,
}

const SYNC_LATENCY_MS: u64 = 50;
const SYNC_RATE_LIMIT: u32 = 50;

/// The initial sync of the large seller under latency and a rate limit.
async fn sync_figures() -> anyhow::Result<SyncFigures> {
    let recorder = Arc::new(RecordingNotifier::default());
    let h = Harness::start_opts(
        Arc::new(MemoryStore::default()),
        Options {
            profile: Profile::Large,
            faults: Faults {
                latency_ms: SYNC_LATENCY_MS,
                rate_limit: SYNC_RATE_LIMIT,
                ..Faults::default()
            },
            // A little under the limit: requests leave evenly spaced and network jitter must
            // not push two into the same second of the server's window.
            requests_per_second: SYNC_RATE_LIMIT - 2,
            ..Options::default()
        },
        recorder.clone(),
        recorder,
    )
    .await?;
    let seller = h.seller_id;
    let before = total_requests(&h).await?;
    let start = Instant::now();
    h.core.engine().sync_pass(seller).await?;
    let seconds = start.elapsed().as_secs_f64();
    let requests = total_requests(&h).await? - before;

    // The fewest requests the API allows for the same data.
    let (fewest, chain) = {
        let w = mostrador_sandbox::routes::lock(h.sandbox.world());
        let listings = w.items.values().filter(|i| i.seller_id == seller).count() as u64;
        let questions: Vec<_> = w
            .questions
            .values()
            .filter(|q| q.seller_id == seller && q.status != "DELETED")
            .collect();
        let orders: Vec<_> = w
            .orders
            .values()
            .filter(|o| o.seller_id == seller)
            .collect();
        let order_buyers: std::collections::HashSet<i64> =
            orders.iter().map(|o| o.buyer_id).collect();
        let askers: std::collections::HashSet<i64> = questions
            .iter()
            .map(|q| q.from_id)
            .filter(|b| !order_buyers.contains(b))
            .collect();
        let claims = w.claims.values().filter(|c| c.seller_id == seller).count() as u64;
        let follow_from = w.now() - chrono::Duration::days(21);
        let mut shipment_reads = 0u64;
        for o in &orders {
            if o.status == "paid" && o.date_created >= follow_from {
                if let Some(s) = o.shipping_id.and_then(|id| w.shipments.get(&id)) {
                    shipment_reads += 1;
                    if ["pending", "handling", "ready_to_ship"].contains(&s.status.as_str()) {
                        shipment_reads += 1;
                    }
                }
            }
        }
        let unread_packs = w
            .messages
            .values()
            .filter(|list| list.iter().any(|m| m.to == seller && m.read.is_none()))
            .count() as u64;
        let question_pages = (questions.len() as u64).div_ceil(100).max(1);
        let order_pages = (orders.len() as u64).div_ceil(51).max(1);
        let fewest = (listings.div_ceil(100).max(1) + listings.div_ceil(20))
            + question_pages
            + (askers.len() as u64).div_ceil(20)
            + order_pages
            + shipment_reads
            + claims.div_ceil(100).max(1)
            + 1
            + unread_packs
            + 3;
        // A scroll is sequential: its pages cannot overlap.
        (fewest, question_pages)
    };
    let rate_bound = fewest as f64 / SYNC_RATE_LIMIT as f64;
    let latency_bound = chain as f64 * SYNC_LATENCY_MS as f64 / 1000.0;
    Ok(SyncFigures {
        seconds,
        lower_bound_seconds: rate_bound.max(latency_bound),
        requests,
        fewest,
    })
}

struct Detection {
    p95: f64,
    message_p95: f64,
    message_interval: Duration,
    idle_per_min: f64,
}

/// Post-sale messages announced per detection sample.
const MESSAGE_SAMPLES: usize = 16;

/// New-question detection latency into the store, then the idle request rate, with the app's
/// default intervals.
async fn detection() -> anyhow::Result<Detection> {
    let recorder = Arc::new(RecordingNotifier::default());
    // The app's default, as a seller runs it with the window in the background.
    let message_interval =
        mostrador_core::CoreConfig::new(std::path::PathBuf::new()).message_interval;
    let mut h = Harness::start_opts(
        Arc::new(MemoryStore::default()),
        Options {
            poll_interval: POLL_INTERVAL,
            bulk_interval: Some(Duration::from_secs(60)),
            message_interval: Some(message_interval),
            requests_per_second: mostrador_core::marketplace::budget::DEFAULT_REQUESTS_PER_SECOND,
            ..Options::default()
        },
        recorder.clone(),
        recorder,
    )
    .await?;
    let seller = h.seller_id;
    h.run().await?;
    // Wait for the first bulk pass to finish.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let p = h.owner().inbox().sync_progress(seller).await?;
        if p.iter().filter(|r| r.initial_done).count() >= 6 {
            break;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "the first bulk pass did not finish"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let mut samples = Vec::new();
    for n in 0..LATENCY_SAMPLES {
        let offset = POLL_INTERVAL.as_millis() as u64 * (n as u64 * 7 % LATENCY_SAMPLES as u64)
            / LATENCY_SAMPLES as u64;
        tokio::time::sleep(Duration::from_millis(offset)).await;
        let injected = Instant::now();
        let id = h.inject_question(&format!("¿Tenés talle M? ({n})")).await?;
        loop {
            let stored = h
                .core
                .engine()
                .store()
                .run(move |c| mostrador_core::store::questions::get(c, id))
                .await?;
            if stored.is_some() {
                samples.push(injected.elapsed().as_secs_f64() * 1000.0);
                break;
            }
            anyhow::ensure!(
                injected.elapsed() < POLL_INTERVAL * 3,
                "question {id} never stored"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    let question_p95 = p95(samples);

    // A buyer's post-sale message, from the sandbox to the notification, at offsets spread
    // over the messages lane's interval.
    let pack = {
        let w = mostrador_sandbox::routes::lock(h.sandbox.world());
        w.orders
            .values()
            .find(|o| o.seller_id == seller && o.status == "paid")
            .map(|o| o.pack_id.unwrap_or(o.id))
            .context("a paid order")?
    };
    let mut message_samples = Vec::new();
    for n in 0..MESSAGE_SAMPLES {
        let offset = message_interval.as_millis() as u64 * (n as u64 * 7 % MESSAGE_SAMPLES as u64)
            / MESSAGE_SAMPLES as u64;
        tokio::time::sleep(Duration::from_millis(offset)).await;
        let text = format!("Hola, ¿cuándo llega? ({n})");
        let injected = Instant::now();
        h.http
            .post(format!("{}/_sandbox/messages", h.sandbox.url()))
            .json(&serde_json::json!({ "pack_id": pack, "text": text }))
            .send()
            .await?
            .error_for_status()?;
        loop {
            let shown = h.notifier.shown().iter().any(|s| {
                s.kind == mostrador_core::notify::NotificationKind::NewMessage && s.body == text
            });
            if shown {
                message_samples.push(injected.elapsed().as_secs_f64() * 1000.0);
                break;
            }
            anyhow::ensure!(
                injected.elapsed() < message_interval * 3,
                "message {n} never announced"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    let message_p95 = p95(message_samples);

    // Idle: two minutes with nothing new.
    tokio::time::sleep(POLL_INTERVAL).await;
    let before = total_requests(&h).await?;
    let window = Duration::from_secs(120);
    tokio::time::sleep(window).await;
    let idle = (total_requests(&h).await? - before) as f64 / (window.as_secs_f64() / 60.0);
    h.stop().await;
    Ok(Detection {
        p95: question_p95,
        message_p95,
        message_interval,
        idle_per_min: idle,
    })
}

fn p95(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[((samples.len() as f64 * 0.95).ceil() as usize).clamp(1, samples.len()) - 1]
}

struct InboxFigures {
    questions: i64,
    page_ms: f64,
    search_ms: f64,
    suggest_ms: f64,
    waiting: i64,
    waiting_ms: f64,
    conversations: i64,
    conversations_ms: f64,
    stock_page_ms: f64,
    stock_bulk_queue_ms: f64,
    metrics: MetricsFigures,
}

struct MetricsFigures {
    rollup_ms: f64,
    series_ms: f64,
    reputation_ms: f64,
    deadlines_ms: f64,
}

/// The metrics screen over the huge seller (100,000 questions, 50,000 orders): the first
/// rollup of every day after the initial sync, then the p95 of every series for 120 days (one
/// account and all accounts, alternately) and of the thermometer with its forecast.
async fn metrics_figures(h: &Harness) -> anyhow::Result<MetricsFigures> {
    use mostrador_core::metrics::MetricsQuery;
    let query = |n: usize| MetricsQuery {
        account_id: (n % 2 == 0).then_some(h.seller_id),
        days: Some(120),
        ..MetricsQuery::default()
    };
    let start = Instant::now();
    let first = h.owner().metrics().series(query(0)).await?;
    let rollup_ms = start.elapsed().as_secs_f64() * 1000.0;
    let asked: i64 = first.days.iter().map(|d| d.received).sum();
    anyhow::ensure!(asked > 10_000, "only {asked} questions in 120 days");
    let mut series = Vec::new();
    for n in 0..30 {
        let start = Instant::now();
        let m = h.owner().metrics().series(query(n)).await?;
        series.push(start.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(m.days.len() == 120);
    }
    let mut reputation = Vec::new();
    for _ in 0..30 {
        let start = Instant::now();
        let t = h.owner().metrics().thermometers().await?;
        reputation.push(start.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(t.iter().any(|t| t.assessment.sales_in_window > 1_000));
    }
    // The "due today" panel: every waiting conversation's deadline computed, the day's kept.
    let mut deadlines = Vec::new();
    for _ in 0..30 {
        let start = Instant::now();
        h.owner()
            .inbox()
            .deadlines(mostrador_core::deadlines::DeadlineQuery {
                due_before: Some(chrono::Utc::now() + chrono::Duration::hours(12)),
                pack_ids: None,
                limit: Some(50),
            })
            .await?;
        deadlines.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(MetricsFigures {
        rollup_ms,
        series_ms: p95(series),
        reputation_ms: p95(reputation),
        deadlines_ms: p95(deadlines),
    })
}

/// The stock view over the huge seller (5,000 listings, all with variations): the p95 of a
/// first page under each filter and sort, and queueing 500 edits in one bulk action.
async fn stock_figures(h: &Harness) -> anyhow::Result<(f64, f64)> {
    use mostrador_core::stock::{StockChange, StockQuery, StockSort, StockTarget};
    let sorts = [
        StockSort::Title,
        StockSort::Available,
        StockSort::Cover,
        StockSort::Sold,
        StockSort::Price,
        StockSort::Questions,
    ];
    let mut pages = Vec::new();
    for n in 0..48usize {
        let query = StockQuery {
            sort: sorts[n % sorts.len()],
            descending: n % 2 == 1,
            low: n % 4 == 1,
            out: n % 8 == 2,
            out_with_questions: n % 8 == 6,
            search: (n % 5 == 3).then(|| "mate".to_owned()),
            limit: 100,
            ..StockQuery::default()
        };
        let start = Instant::now();
        let page = h.owner().stock().page(query).await?;
        pages.push(start.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(page.total >= 0);
    }
    let all = h
        .owner()
        .stock()
        .page(StockQuery {
            limit: 200,
            ..StockQuery::default()
        })
        .await?;
    anyhow::ensure!(
        all.total >= 5_000,
        "the huge seller has {} listings",
        all.total
    );
    let mut targets: Vec<StockTarget> = Vec::new();
    let mut offset = 0;
    while targets.len() < 500 {
        let page = h
            .owner()
            .stock()
            .page(StockQuery {
                limit: 200,
                offset,
                ..StockQuery::default()
            })
            .await?;
        anyhow::ensure!(!page.items.is_empty(), "not enough editable rows");
        for row in page.items.iter().filter(|r| r.read_only.is_none()) {
            for v in row.variations.iter().filter(|v| v.read_only.is_none()) {
                if targets.len() < 500 {
                    targets.push(StockTarget {
                        item_id: row.id.clone(),
                        variation_id: Some(v.id),
                    });
                }
            }
        }
        offset += 200;
    }
    let start = Instant::now();
    let outcomes = h.owner().stock().bulk(targets, StockChange::Add(1)).await?;
    let bulk = start.elapsed().as_secs_f64() * 1000.0;
    anyhow::ensure!(
        outcomes.iter().all(|o| o.outbox_id.is_some()),
        "every edit queued"
    );
    Ok((p95(pages), bulk))
}

/// What `synchronous = FULL` costs the outbox: the median of a one-row commit in the app's own
/// store (a file on disk, WAL, its pragmas), as sync writes make it (`NORMAL`) and as the outbox
/// makes it (through `store::durably`, which syncs the commit to disk before it returns).
fn commit_cost() -> anyhow::Result<(f64, f64)> {
    use mostrador_core::store::{self, Store};
    const COMMITS: usize = 300;
    let dir = tempfile::tempdir()?;
    let db = Store::open(&dir.path().join("commit.sqlite3"))?;
    let mut conn = db.conn()?;
    conn.execute_batch("CREATE TABLE bench_commit (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")?;
    let one = |c: &mut rusqlite::Connection| -> mostrador_core::error::Result<()> {
        let tx = c.transaction()?;
        tx.execute(
            "INSERT INTO bench_commit (body) VALUES (?1)",
            ["Hola, sí, tenemos stock del color azul. ¡Gracias por tu pregunta!"],
        )?;
        tx.commit()?;
        Ok(())
    };
    let mut normal = Vec::with_capacity(COMMITS);
    let mut full = Vec::with_capacity(COMMITS);
    for _ in 0..COMMITS {
        let start = Instant::now();
        one(&mut conn)?;
        normal.push(start.elapsed().as_secs_f64() * 1000.0);
        let start = Instant::now();
        store::durably(&mut conn, |c| one(c))?;
        full.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    Ok((median(normal), median(full)))
}

/// Inbox queries against a store holding the huge seller.
async fn inbox_figures() -> anyhow::Result<InboxFigures> {
    use mostrador_core::inbox::{InboxQuery, StatusFilter};
    let recorder = Arc::new(RecordingNotifier::default());
    let h = Harness::start_opts(
        Arc::new(MemoryStore::default()),
        Options {
            profile: Profile::Huge,
            ..Options::default()
        },
        recorder.clone(),
        recorder,
    )
    .await?;
    let seller = h.seller_id;
    h.core.engine().poll_questions(seller).await?;
    h.core.engine().sync_pass(seller).await?;
    let all = h
        .owner()
        .inbox()
        .list(InboxQuery {
            status: StatusFilter::All,
            limit: Some(1),
            ..InboxQuery::default()
        })
        .await?
        .total;

    let mut page = Vec::new();
    for n in 0..60u32 {
        let status = [
            StatusFilter::All,
            StatusFilter::Answered,
            StatusFilter::Unanswered,
        ][n as usize % 3];
        let offset = (n * 1663) % (all as u32).max(1);
        let start = Instant::now();
        h.owner()
            .inbox()
            .list(InboxQuery {
                status,
                limit: Some(100),
                offset: Some(if status == StatusFilter::Unanswered {
                    0
                } else {
                    offset
                }),
                ..InboxQuery::default()
            })
            .await?;
        page.push(start.elapsed().as_secs_f64() * 1000.0);
    }

    const WORDS: &[&str] = &[
        "envio",
        "talle",
        "factura",
        "stock",
        "color",
        "garantia",
        "cuotas",
        "retiro",
        "medidas",
        "original",
        "azul",
        "negro",
        "precio",
        "hola",
        "tenes",
        "envío gratis",
        "mate",
        "termo",
        "entrega",
        "caja",
    ];
    let mut search = Vec::new();
    for w in WORDS.iter().chain(WORDS.iter()) {
        let start = Instant::now();
        h.owner()
            .inbox()
            .list(InboxQuery {
                status: StatusFilter::All,
                limit: Some(100),
                search: Some((*w).to_owned()),
                ..InboxQuery::default()
            })
            .await?;
        search.push(start.elapsed().as_secs_f64() * 1000.0);
    }

    let ids: Vec<i64> = {
        let w = mostrador_sandbox::routes::lock(h.sandbox.world());
        w.questions
            .values()
            .filter(|q| q.seller_id == seller && q.status != "DELETED")
            .step_by(1999)
            .map(|q| q.id)
            .collect()
    };
    let mut suggest = Vec::new();
    for id in ids {
        let start = Instant::now();
        h.owner().replies().suggestions(id).await?;
        suggest.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    // Conversations: the sandbox's seller has few unread threads, so a thread is written
    // straight into the store for 20,000 of the synced orders (the buyer asks; every other one
    // has the seller's reply), through the same triggers the sync feeds.
    use mostrador_core::inbox::conversations::ConversationQuery;
    h.core
        .engine()
        .store()
        .run(move |c| {
            let tx = c.transaction()?;
            tx.execute(
                "INSERT INTO messages (id, account_id, pack_id, from_id, to_id, text, status,
                                       date_created)
                 SELECT 'bench-b-' || o.id, o.account_id, COALESCE(o.pack_id, o.id), o.buyer_id,
                        o.account_id, 'Hola, ¿cuándo despachan mi compra?', 'available',
                        o.date_created
                 FROM orders o WHERE o.account_id = ?1 AND o.buyer_id IS NOT NULL
                 ORDER BY o.id LIMIT 20000",
                [seller],
            )?;
            tx.execute(
                "INSERT INTO messages (id, account_id, pack_id, from_id, to_id, text, status,
                                       date_created)
                 SELECT 'bench-s-' || substr(m.id, 9), m.account_id, m.pack_id, m.account_id,
                        m.from_id, 'Sale hoy, te llega el seguimiento.', 'available',
                        strftime('%Y-%m-%dT%H:%M:%fZ', m.date_created, '+1 hour')
                 FROM messages m WHERE m.id LIKE 'bench-b-%' AND (rowid % 2) = 0",
                [],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    let conversations = h
        .owner()
        .inbox()
        .conversations(ConversationQuery {
            status: StatusFilter::All,
            limit: Some(1),
            ..ConversationQuery::default()
        })
        .await?
        .total;
    let mut conversation_pages = Vec::new();
    for n in 0..30u32 {
        let status = [StatusFilter::Unanswered, StatusFilter::All][n as usize % 2];
        let start = Instant::now();
        h.owner()
            .inbox()
            .conversations(ConversationQuery {
                status,
                limit: Some(100),
                offset: Some((n * 97) % (conversations as u32).max(1)),
                ..ConversationQuery::default()
            })
            .await?;
        conversation_pages.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    // Everything waiting (questions and conversations merged), pages across it.
    use mostrador_core::inbox::waiting::WaitingQuery;
    let waiting_total = h
        .owner()
        .inbox()
        .waiting(WaitingQuery {
            limit: Some(1),
            ..WaitingQuery::default()
        })
        .await?
        .total;
    let mut waiting = Vec::new();
    for n in 0..30u32 {
        let start = Instant::now();
        h.owner()
            .inbox()
            .waiting(WaitingQuery {
                limit: Some(100),
                offset: Some((n * 499) % (waiting_total as u32).max(1)),
                ..WaitingQuery::default()
            })
            .await?;
        waiting.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let (stock_page_ms, stock_bulk_queue_ms) = stock_figures(&h).await?;
    let metrics = metrics_figures(&h).await?;
    Ok(InboxFigures {
        metrics,
        stock_page_ms,
        stock_bulk_queue_ms,
        questions: all,
        page_ms: p95(page),
        search_ms: p95(search),
        suggest_ms: p95(suggest),
        waiting: waiting_total,
        waiting_ms: p95(waiting),
        conversations,
        conversations_ms: p95(conversation_pages),
    })
}

/// Linked stock between the demo seller's two accounts, at the default intervals (a 5 s poll,
/// a linked-stock round every 15 s): seconds from a sale on account A to the PUT on account B's
/// listing (p95 of 8 sales), and what the rounds cost in requests per minute per account.
async fn propagation() -> anyhow::Result<(f64, f64)> {
    use mostrador_sandbox::world::Write as Remote;
    let recorder = Arc::new(RecordingNotifier::default());
    let mut h = Harness::start_opts(
        Arc::new(MemoryStore::default()),
        Options {
            poll_interval: Duration::from_secs(5),
            ..Options::default()
        },
        recorder.clone(),
        recorder,
    )
    .await?;
    let shop = h.seller_id;
    let outlet = h.connect_user(mostrador_sandbox::seed::OUTLET_ID).await?;
    for account in [shop, outlet] {
        h.core.engine().sync_pass(account).await?;
    }
    let group = h
        .owner()
        .stock()
        .links()
        .await?
        .into_iter()
        .find(|g| g.members.iter().all(|m| m.available >= 20))
        .ok_or_else(|| anyhow::anyhow!("a linked SKU with stock on both accounts"))?;
    let member = |account: i64| {
        group
            .members
            .iter()
            .find(|m| m.account_id == account)
            .map(|m| m.item_id.clone())
            .unwrap_or_default()
    };
    let (a, b) = (member(shop), member(outlet));
    let mut quantity = h.owner().stock().link_confirm(group.sku.clone()).await?;
    h.run().await?;
    let world = h.sandbox.world().clone();
    let put_on_b = |q: i64| {
        mostrador_sandbox::routes::lock(&world)
            .writes
            .iter()
            .any(|w| {
                matches!(w, Remote::Stock { item_id, available_quantity, .. }
                if *item_id == b && *available_quantity == q)
            })
    };
    // Settled at the group's quantity first.
    let start = Instant::now();
    while mostrador_sandbox::routes::lock(&world).items[&a].available_quantity != quantity {
        anyhow::ensure!(start.elapsed() < Duration::from_secs(60), "not settled");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let count = |key: &'static str| {
        let world = world.clone();
        move || {
            mostrador_sandbox::routes::lock(&world)
                .requests
                .iter()
                .filter(|(k, _)| k.starts_with(key))
                .map(|(_, n)| *n)
                .sum::<u64>()
        }
    };
    let (items, orders) = (count("GET /items"), count("GET /orders/search"));
    let (items0, orders0, idle_from) = (items(), orders(), Instant::now());
    tokio::time::sleep(Duration::from_secs(60)).await;
    let per_minute =
        (items() - items0 + orders() - orders0) as f64 / idle_from.elapsed().as_secs_f64() * 60.0
            / 2.0;
    let mut samples = Vec::new();
    for _ in 0..8 {
        // Sales come at any moment of a round.
        tokio::time::sleep(Duration::from_millis(fastrand::u64(0..15_000))).await;
        let sold = Instant::now();
        h.http
            .post(format!("{}/_sandbox/orders", h.sandbox.url()))
            .json(&serde_json::json!({ "item_id": a }))
            .send()
            .await?
            .error_for_status()?;
        quantity -= 1;
        while !put_on_b(quantity) {
            anyhow::ensure!(sold.elapsed() < Duration::from_secs(180), "no PUT on B");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        samples.push(sold.elapsed().as_secs_f64() * 1000.0);
    }
    h.stop().await;
    Ok((p95(samples) / 1000.0, per_minute))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Optional arguments name the groups to run (inbox, sync, detect, durability, rps, links,
    // kill9, footprint, notify);
    // default all.
    let only: Vec<String> = std::env::args().skip(1).collect();
    let run = |group: &str| only.is_empty() || only.iter().any(|o| o == group);
    if run("inbox") {
        let inbox = inbox_figures().await?;
        println!("bench inbox_questions {} questions", inbox.questions);
        println!("bench inbox_page_ms {:.2} ms", inbox.page_ms);
        println!("bench fts_search_p95_ms {:.2} ms", inbox.search_ms);
        println!("bench suggest_ms {:.2} ms", inbox.suggest_ms);
        println!("bench inbox_waiting {} rows", inbox.waiting);
        println!("bench waiting_page_ms {:.2} ms", inbox.waiting_ms);
        println!("bench stock_page_ms {:.2} ms", inbox.stock_page_ms);
        println!(
            "bench stock_page_vs_goal {:.2} ratio",
            inbox.stock_page_ms / 20.0
        );
        println!(
            "bench stock_bulk_queue_ms {:.2} ms",
            inbox.stock_bulk_queue_ms
        );
        println!(
            "bench stock_bulk_queue_vs_goal {:.2} ratio",
            inbox.stock_bulk_queue_ms / 100.0
        );
        let m = &inbox.metrics;
        println!("bench metrics_rollup_first_ms {:.2} ms", m.rollup_ms);
        println!("bench metrics_4m_ms {:.2} ms", m.series_ms);
        println!("bench metrics_4m_vs_goal {:.2} ratio", m.series_ms / 50.0);
        println!("bench reputation_ms {:.2} ms", m.reputation_ms);
        println!(
            "bench reputation_vs_goal {:.2} ratio",
            m.reputation_ms / 10.0
        );
        println!("bench deadlines_due_today_ms {:.2} ms", m.deadlines_ms);
        println!(
            "bench inbox_conversations {} conversations",
            inbox.conversations
        );
        println!(
            "bench conversations_page_ms {:.2} ms",
            inbox.conversations_ms
        );
    }
    if run("sync") {
        let sync = sync_figures().await?;
        println!("bench sync_seconds {:.2} s", sync.seconds);
        println!(
            "bench sync_lower_bound_seconds {:.2} s",
            sync.lower_bound_seconds
        );
        println!(
            "bench sync_ratio {:.2} ratio",
            sync.seconds / sync.lower_bound_seconds
        );
        println!("bench sync_requests {} req", sync.requests);
        println!("bench sync_requests_fewest {} req", sync.fewest);
        println!(
            "bench sync_requests_ratio {:.2} ratio",
            sync.requests as f64 / sync.fewest as f64
        );
    }
    if run("detect") {
        let d = detection().await?;
        println!(
            "bench question_detect_poll_interval_ms {} ms",
            POLL_INTERVAL.as_millis()
        );
        println!("bench question_detect_p95_ms {:.0} ms", d.p95);
        println!(
            "bench question_detect_p95_vs_goal {:.2} ratio",
            d.p95 / (POLL_INTERVAL.as_millis() as f64 + 1000.0)
        );
        println!(
            "bench message_detect_interval_ms {} ms",
            d.message_interval.as_millis()
        );
        println!("bench message_detect_p95_ms {:.0} ms", d.message_p95);
        println!(
            "bench message_detect_p95_vs_goal {:.2} ratio",
            d.message_p95 / 15_000.0
        );
        println!("bench idle_requests_per_min {:.1} req/min", d.idle_per_min);
        println!(
            "bench idle_requests_per_min_vs_goal {:.2} ratio",
            d.idle_per_min / 20.0
        );
    }

    if run("durability") {
        let (normal, full) = commit_cost()?;
        println!("bench outbox_commit_normal_ms {normal:.3} ms");
        println!("bench outbox_commit_full_ms {full:.3} ms");
        println!(
            "bench outbox_commit_full_vs_normal {:.2} ratio",
            full / normal
        );
    }
    if run("rps") {
        let rps = sandbox_rps().await?;
        println!("bench sandbox_rps {rps:.0} req/s");
    }
    if run("links") {
        let (p95_s, per_minute) = propagation().await?;
        println!("bench sku_propagation_p95_s {p95_s:.1} s");
        println!("bench sku_propagation_vs_goal {:.2} ratio", p95_s / 60.0);
        println!("bench link_round_requests_per_min {per_minute:.1} req/min");
    }
    if run("kill9") {
        // The outbox child is built beside this binary.
        let child = std::env::current_exe()?
            .parent()
            .map(|d| d.join("mostrador-outbox-child"))
            .ok_or_else(|| anyhow::anyhow!("no directory for the outbox child"))?;
        let r = mostrador_tests::kill9::run(&child, 60).await?;
        println!("bench outbox_kill9_kills {} count", r.kills);
        println!("bench outbox_kill9_writes {} count", r.writes);
        println!("bench outbox_kill9_lost {} count", r.lost);
        println!("bench outbox_kill9_duplicated {} count", r.duplicated);
    }
    if run("footprint") {
        // The release app beside this binary (`cargo xtask bundle` builds it).
        let app = std::env::current_exe()?
            .parent()
            .map(|d| d.join("mostrador"))
            .ok_or_else(|| anyhow::anyhow!("no directory for the app"))?;
        let f = mostrador_tests::footprint::run(&app, Duration::from_secs(60)).await?;
        println!("bench cold_start_ms {:.0} ms", f.cold_start_ms);
        println!("# cold start of each launch (ms): {:.0?}", f.cold_starts_ms);
        println!(
            "bench cold_start_with_driver_ms {:.0} ms",
            f.cold_start_with_driver_ms
        );
        println!(
            "bench cold_start_vs_goal {:.2} ratio",
            f.cold_start_ms / 1500.0
        );
        let pss: f64 = f.processes.iter().map(|p| p.pss_mb).sum();
        let rss: f64 = f.processes.iter().map(|p| p.rss_mb).sum();
        println!("bench idle_memory_mb {pss:.1} MB");
        println!("bench idle_memory_vs_goal {:.2} ratio", pss / 200.0);
        println!("bench idle_rss_mb {rss:.1} MB");
        for p in &f.processes {
            println!("bench idle_pss_{} {:.1} MB", p.name, p.pss_mb);
            println!("bench idle_rss_{} {:.1} MB", p.name, p.rss_mb);
            println!("bench idle_pss_anon_{} {:.1} MB", p.name, p.anon_mb);
            // Where it goes: not figures to track, a reading aid.
            for (mapping, mb) in &p.largest {
                println!("# {} {mapping} {mb:.1} MB", p.name);
            }
        }
    }
    if !run("notify") {
        return Ok(());
    }
    let l = notify_latency().await?;
    let interval = POLL_INTERVAL.as_millis() as f64;
    println!("bench notify_poll_interval_ms {interval:.0} ms");
    println!("bench notify_latency_p50_ms {:.0} ms", l.p50);
    println!("bench notify_latency_p95_ms {:.0} ms", l.p95);
    println!("bench notify_latency_max_ms {:.0} ms", l.max);
    println!(
        "bench notify_latency_p95_vs_goal {:.2} ratio",
        l.p95 / (interval + 1000.0)
    );
    println!(
        "bench idle_requests_per_poll {:.2} req/poll",
        l.idle_requests_per_poll
    );
    Ok(())
}
