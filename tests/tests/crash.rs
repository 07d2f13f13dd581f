//! Crash safety of the initial sync: a real child process syncing a large seller is killed with
//! SIGKILL at random points, 20 times. After each kill the SQLite file must be consistent, the
//! next run must resume rather than start over, and the sync must finish with exactly what the
//! sandbox holds.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use mostrador_core::secrets::{KeyringStore, SecretStore};
use mostrador_sandbox::seed::Profile;
use mostrador_sandbox::world::Faults;
use mostrador_tests::{Harness, Options, RecordingNotifier, require_desktop_session};

const KILLS: usize = 20;

fn child(h: &Harness, service: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_mostrador-sync-child"));
    cmd.arg(h.db_path())
        .arg(service)
        .arg(h.seller_id.to_string())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    cmd
}

/// Checks the file the killed process left behind; returns the stored row count.
fn check_consistent(db: &rusqlite::Connection) -> anyhow::Result<i64> {
    let integrity: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    anyhow::ensure!(integrity == "ok", "integrity_check: {integrity}");
    let mut fk = db.prepare("PRAGMA foreign_key_check")?;
    let violations = fk.query_map([], |r| r.get::<_, String>(0))?.count();
    anyhow::ensure!(violations == 0, "{violations} foreign key violations");
    let orphans: i64 = db.query_row(
        "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)",
        [],
        |r| r.get(0),
    )?;
    anyhow::ensure!(orphans == 0, "{orphans} orders stored without their lines");
    let half_listings: i64 = db.query_row(
        "SELECT COUNT(*) FROM listings l WHERE has_variations = 1
           AND NOT EXISTS (SELECT 1 FROM listing_variations v WHERE v.listing_id = l.id)",
        [],
        |r| r.get(0),
    )?;
    anyhow::ensure!(
        half_listings == 0,
        "{half_listings} listings without their variations"
    );
    let bad_progress: i64 = db.query_row(
        "SELECT COUNT(*) FROM sync_cursors WHERE total IS NOT NULL AND done > total",
        [],
        |r| r.get(0),
    )?;
    anyhow::ensure!(bad_progress == 0, "progress beyond its total");
    Ok(db.query_row(
        "SELECT (SELECT COUNT(*) FROM listings) + (SELECT COUNT(*) FROM orders)
              + (SELECT COUNT(*) FROM questions) + (SELECT COUNT(*) FROM claims)",
        [],
        |r| r.get(0),
    )?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_initial_sync_killed_twenty_times_resumes_and_completes() -> anyhow::Result<()> {
    require_desktop_session();
    let service = format!("com.mostrador.app.test.crash.{}", std::process::id());
    let keyring = Arc::new(KeyringStore::new(service.clone()));
    let recorder = Arc::new(RecordingNotifier::default());
    let h = Harness::start_opts(
        keyring.clone(),
        Options {
            profile: Profile::Large,
            faults: Faults {
                latency_ms: 2,
                ..Faults::default()
            },
            ..Options::default()
        },
        recorder.clone(),
        recorder,
    )
    .await?;
    let mut killed_mid_sync = 0;
    let mut stored = 0;
    for round in 0..KILLS {
        let started = Instant::now();
        let mut process = child(&h, &service).spawn()?;
        let after = Duration::from_millis(60 + fastrand::u64(0..400));
        while started.elapsed() < after {
            if process.try_wait()?.is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        if process.try_wait()?.is_none() {
            process.kill()?; // SIGKILL
            killed_mid_sync += 1;
        }
        process.wait()?;
        // What a restart sees: a new connection. (A connection kept open across another
        // process's writes can hold FTS5's cached index structure, which `integrity_check`
        // then reports as malformed although the file is sound.)
        let fresh = rusqlite::Connection::open(h.db_path())?;
        let now = check_consistent(&fresh).with_context(|| format!("after kill {round}"))?;
        assert!(
            now >= stored,
            "round {round}: rows went from {stored} to {now}"
        );
        stored = now;
    }
    assert!(
        killed_mid_sync >= KILLS / 2,
        "only {killed_mid_sync} kills landed during the sync"
    );

    // Let it finish.
    let out = child(&h, &service).output()?;
    assert!(out.status.success(), "the last run finished the sync");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().last(), Some("synced"), "{stdout}");
    let db = rusqlite::Connection::open(h.db_path())?;
    check_consistent(&db)?;

    let held = {
        let w = mostrador_sandbox::routes::lock(h.sandbox.world());
        let seller = h.seller_id;
        (
            w.items.values().filter(|i| i.seller_id == seller).count() as i64,
            w.orders.values().filter(|o| o.seller_id == seller).count() as i64,
            w.claims.values().filter(|c| c.seller_id == seller).count() as i64,
        )
    };
    let stored: (i64, i64, i64) = db.query_row(
        "SELECT (SELECT COUNT(*) FROM listings), (SELECT COUNT(*) FROM orders),
                (SELECT COUNT(*) FROM claims)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    assert_eq!(stored, held, "listings, orders and claims all stored");

    // Resumed, not restarted: each run repeats at most the page it was killed in.
    let order_pages = mostrador_sandbox::routes::lock(h.sandbox.world())
        .requests
        .get("GET /orders/search")
        .copied()
        .unwrap_or(0);
    let clean = (held.1 as u64).div_ceil(51) + 1;
    assert!(
        order_pages <= clean + KILLS as u64 + 1,
        "{order_pages} order pages for {clean} needed: the sync started over"
    );

    let key = format!("account:{}:tokens", h.seller_id);
    let client = format!("account:{}:client", h.seller_id);
    tokio::task::spawn_blocking(move || {
        let _ = keyring.delete(&key);
        keyring.delete(&client)
    })
    .await??;
    Ok(())
}
