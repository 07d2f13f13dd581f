//! The log subscriber (installed only here, never by the core): daily rolling files in the data
//! directory (14 kept) plus stderr; level from `RUST_LOG`, `info` by default.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the subscriber; keep the guard alive for the life of the app.
pub fn init(dir: &Path) -> anyhow::Result<WorkerGuard> {
    // The appender prunes old files at start and complains when the folder is missing.
    std::fs::create_dir_all(dir.join("logs"))?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("mostrador")
        .filename_suffix("log")
        .max_log_files(14)
        .build(dir.join("logs"))?;
    let (file, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(filter)
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(file),
        )
        .try_init()?;
    Ok(guard)
}
