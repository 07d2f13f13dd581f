//! A sync process for the crash test: opens the store, runs bulk passes for one account until
//! its initial sync is complete, prints `synced` and exits. The test kills it with SIGKILL at
//! random points and starts it again.
//!
//! Usage: `mostrador-sync-child <db path> <keyring service> <account id>`.

use std::sync::Arc;

use anyhow::Context;
use mostrador_core::clock::SystemClock;
use mostrador_core::secrets::KeyringStore;
use mostrador_core::{Core, CoreConfig};
use mostrador_tests::RecordingNotifier;

/// Resources whose first pass must be complete.
const RESOURCES: usize = 6;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let db = args.next().context("db path")?;
    let service = args.next().context("keyring service")?;
    let account: i64 = args.next().context("account id")?.parse()?;
    let core = Core::open(
        CoreConfig {
            requests_per_second: 1000,
            ..CoreConfig::new(db.into())
        },
        Arc::new(KeyringStore::new(service)),
        Arc::new(RecordingNotifier::default()),
        Arc::new(SystemClock),
    )?;
    for _ in 0..20 {
        core.engine().sync_pass(account).await?;
        let progress = core
            .acting(&core.at_keyboard())
            .inbox()
            .sync_progress(account)
            .await?;
        let done = progress
            .iter()
            .filter(|p| p.initial_done && p.resource != "shipments")
            .count();
        if done >= RESOURCES {
            println!("synced");
            return Ok(());
        }
    }
    anyhow::bail!("the initial sync did not complete in 20 passes")
}
