//! The local SQLite store: one file per installation, WAL mode, foreign keys on, 5 s busy timeout.
//!
//! [`Store`] owns a small connection pool; each table has its own module with the queries on it.
//! Schema changes are migrations in `migrations/` applied by [`migrate`] at open.
//!
//! Transactions begin IMMEDIATE (they all write), so concurrent writers queue on the busy
//! timeout rather than fail.
//!
//! Conventions: timestamps are stored as UTC RFC 3339 text with milliseconds (see [`ts`]) so they
//! sort as text; money is stored as the API's decimal string, never a float. Database calls block:
//! async code runs them through [`Store::run`], which uses `spawn_blocking`.

pub mod accounts;
pub mod buyers;
pub mod claims;
pub mod cursors;
pub mod figures;
pub mod listings;
pub mod members;
pub mod messages;
pub mod migrate;
pub mod orders;
pub mod outbox;
pub mod questions;
pub mod reputation;
pub mod settings;
pub mod shipments;
pub mod templates;
pub mod visits;

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::Connection;

use crate::error::{Error, Result};

/// A pooled handle on the SQLite file. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: r2d2::Pool<SqliteConnectionManager>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                Error::internal(format!("cannot create {}: {e}", dir.display()), None)
            })?;
        }
        let manager = SqliteConnectionManager::file(path).with_init(configure);
        let pool = r2d2::Pool::builder()
            .max_size(4)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)?;
        let store = Self { pool };
        let mut conn = store.conn()?;
        migrate::apply(&mut conn)?;
        Ok(store)
    }

    /// Takes a connection from the pool (blocking).
    pub fn conn(&self) -> Result<r2d2::PooledConnection<SqliteConnectionManager>> {
        Ok(self.pool.get()?)
    }

    /// Runs `f` with a connection on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = store.conn()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| Error::internal("database task failed", Some(Box::new(e))))?
    }
}

fn configure(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    // Every transaction here writes: take the write lock at BEGIN, so a concurrent writer makes
    // it wait (busy timeout) instead of failing with SQLITE_BUSY_SNAPSHOT on its first write.
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;",
    )
}

/// Runs `f` with this connection's commits synced to disk before they return
/// (`synchronous = FULL`): for the outbox, whose queued and claimed rows must survive a power cut
/// (WAL's `NORMAL` only survives a crash of the app). Sync writes keep `NORMAL`.
pub fn durably<T>(
    conn: &mut Connection,
    f: impl FnOnce(&mut Connection) -> crate::error::Result<T>,
) -> crate::error::Result<T> {
    conn.pragma_update(None, "synchronous", "FULL")?;
    let out = f(conn);
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    out
}

/// Formats a timestamp the way the store keeps it.
pub fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses a stored timestamp.
pub fn parse_ts(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| Error::internal(format!("bad stored timestamp {text:?}: {e}"), None))
}

#[cfg(test)]
pub(crate) mod testing {
    use super::Store;

    /// A store in a fresh temporary directory (kept alive by the returned guard).
    pub fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("mostrador.db")).expect("open store");
        (dir, store)
    }
}
