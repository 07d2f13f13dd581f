//! An outbox process for the kill -9 test and benchmark: opens the store, runs the core with
//! only its outbox busy (no bulk passes, a question poll once an hour) until no write is open,
//! prints `drained` and exits. The caller kills it with SIGKILL at random points and starts it
//! again.
//!
//! Usage: `mostrador-outbox-child <db path> <keyring service>`.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use mostrador_core::clock::SystemClock;
use mostrador_core::secrets::KeyringStore;
use mostrador_core::{Core, CoreConfig};
use mostrador_tests::RecordingNotifier;
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let db = args.next().context("db path")?;
    let service = args.next().context("keyring service")?;
    let core = Core::open(
        CoreConfig {
            requests_per_second: 1000,
            poll_interval: Duration::from_secs(3600),
            idle_poll_interval: Duration::from_secs(3600),
            bulk_interval: None,
            ..CoreConfig::new(db.clone().into())
        },
        Arc::new(KeyringStore::new(service)),
        Arc::new(RecordingNotifier::default()),
        Arc::new(SystemClock),
    )?;
    let running = core.start(CancellationToken::new()).await?;
    let watch = rusqlite::Connection::open(&db)?;
    watch.busy_timeout(Duration::from_secs(10))?;
    loop {
        let open: i64 = watch.query_row(
            "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'in_flight')",
            [],
            |r| r.get(0),
        )?;
        if open == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    running.shutdown(Duration::from_secs(5)).await;
    println!("drained");
    Ok(())
}
