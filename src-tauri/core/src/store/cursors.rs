//! The `sync_cursors` table: where each resource's sync of each account stands.
//!
//! A cursor is written in the same transaction as the rows it covers, so after a crash the sync
//! resumes exactly after the last page it stored: never a page lost, never the whole pass again.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::ts;
use crate::error::{Error, Result};

/// One resource's sync state for one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorRow {
    /// Resource-specific JSON.
    pub cursor: String,
    /// Whether a first full pass finished.
    pub initial_done: bool,
    /// Progress of the current pass.
    pub done: i64,
    /// Expected size of the current pass, when known.
    pub total: Option<i64>,
    /// When the resource last finished a pass.
    pub last_run_at: Option<String>,
}

/// The state of `resource`, if it ever ran.
pub fn get(conn: &Connection, account_id: i64, resource: &str) -> Result<Option<CursorRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT cursor, initial_done, done, total, last_run_at FROM sync_cursors
             WHERE account_id = ?1 AND resource = ?2",
        )?
        .query_row(params![account_id, resource], |r| {
            Ok(CursorRow {
                cursor: r.get(0)?,
                initial_done: r.get(1)?,
                done: r.get(2)?,
                total: r.get(3)?,
                last_run_at: r.get(4)?,
            })
        })
        .optional()?)
}

/// The decoded cursor of `resource` (its default when none is stored or it cannot be read).
pub fn load<T: DeserializeOwned + Default>(
    conn: &Connection,
    account_id: i64,
    resource: &str,
) -> Result<(T, Option<CursorRow>)> {
    let row = get(conn, account_id, resource)?;
    let value = row
        .as_ref()
        .and_then(|r| match serde_json::from_str(&r.cursor) {
            Ok(v) => Some(v),
            Err(e) => {
                tracing::warn!(account_id, resource, error = %e, "unreadable cursor; starting over");
                None
            }
        })
        .unwrap_or_default();
    Ok((value, row))
}

/// Saves the cursor and progress of a pass in progress.
pub fn save<T: Serialize>(
    conn: &Connection,
    account_id: i64,
    resource: &str,
    cursor: &T,
    done: i64,
    total: Option<i64>,
) -> Result<()> {
    let json = serde_json::to_string(cursor)
        .map_err(|e| Error::internal("cannot encode as JSON", Some(Box::new(e))))?;
    conn.prepare_cached(
        "INSERT INTO sync_cursors (account_id, resource, cursor, done, total)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(account_id, resource) DO UPDATE SET cursor = excluded.cursor,
             done = excluded.done, total = excluded.total, last_error = NULL",
    )?
    .execute(params![account_id, resource, json, done, total])?;
    Ok(())
}

/// Marks a pass finished at `now`, keeping `cursor` for the next (incremental) pass.
pub fn finish<T: Serialize>(
    conn: &Connection,
    account_id: i64,
    resource: &str,
    cursor: &T,
    done: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let json = serde_json::to_string(cursor)
        .map_err(|e| Error::internal("cannot encode as JSON", Some(Box::new(e))))?;
    conn.prepare_cached(
        "INSERT INTO sync_cursors (account_id, resource, cursor, initial_done, done, total,
                                   last_run_at)
         VALUES (?1, ?2, ?3, 1, ?4, ?4, ?5)
         ON CONFLICT(account_id, resource) DO UPDATE SET cursor = excluded.cursor,
             initial_done = 1, done = excluded.done, total = excluded.total,
             last_run_at = excluded.last_run_at, last_error = NULL",
    )?
    .execute(params![account_id, resource, json, done, ts(now)])?;
    Ok(())
}

/// Records why the last pass failed.
pub fn set_error(conn: &Connection, account_id: i64, resource: &str, error: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_cursors (account_id, resource, last_error) VALUES (?1, ?2, ?3)
         ON CONFLICT(account_id, resource) DO UPDATE SET last_error = excluded.last_error",
    )?
    .execute(params![account_id, resource, error])?;
    Ok(())
}

/// Every resource's progress for an account: `(resource, initial_done, done, total, error)`.
pub fn progress(conn: &Connection, account_id: i64) -> Result<Vec<ResourceProgress>> {
    let mut stmt = conn.prepare_cached(
        "SELECT resource, initial_done, done, total, last_run_at, last_error FROM sync_cursors
         WHERE account_id = ?1 ORDER BY resource",
    )?;
    let rows = stmt.query_map([account_id], |r| {
        Ok(ResourceProgress {
            resource: r.get(0)?,
            initial_done: r.get(1)?,
            done: r.get(2)?,
            total: r.get(3)?,
            last_run_at: r.get(4)?,
            last_error: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How far one resource's sync is, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export, export_to = "ResourceProgress.ts")]
pub struct ResourceProgress {
    /// `listings`, `orders`, ...
    pub resource: String,
    /// Whether the first full pass finished.
    pub initial_done: bool,
    /// Items done in the current pass.
    #[ts(type = "number")]
    pub done: i64,
    /// Items expected in the current pass, when known.
    #[ts(type = "number | null")]
    pub total: Option<i64>,
    /// When the last pass finished (UTC RFC 3339).
    pub last_run_at: Option<String>,
    /// Why the last pass failed, if it did.
    pub last_error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::temp_store;

    #[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Offset {
        offset: i64,
    }

    #[test]
    fn saves_and_resumes_then_finishes() {
        let (_d, store) = temp_store();
        let conn = store.conn().unwrap();
        conn.execute(
            "INSERT INTO accounts (id, nickname, site_id, api_base, created_at)
             VALUES (1, 'x', 'MLA', 'http://x', '2026-01-01T00:00:00.000Z')",
            [],
        )
        .unwrap();
        let (c, row): (Offset, _) = load(&conn, 1, "orders").unwrap();
        assert_eq!((c, row), (Offset::default(), None));
        save(&conn, 1, "orders", &Offset { offset: 102 }, 102, Some(500)).unwrap();
        let (c, row): (Offset, _) = load(&conn, 1, "orders").unwrap();
        assert_eq!(c, Offset { offset: 102 });
        let row = row.unwrap();
        assert!(!row.initial_done);
        assert_eq!((row.done, row.total), (102, Some(500)));
        finish(&conn, 1, "orders", &Offset { offset: 0 }, 500, Utc::now()).unwrap();
        let p = progress(&conn, 1).unwrap();
        assert_eq!(p.len(), 1);
        assert!(p[0].initial_done);
        assert_eq!((p[0].done, p[0].total), (500, Some(500)));
        assert!(p[0].last_run_at.is_some());
    }
}
