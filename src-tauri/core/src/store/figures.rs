//! The `account_figures` table: small per-account figures kept as JSON by key
//! (`response_time`, ...). Each sync task owns its key and its document's shape.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::ts;
use crate::error::Result;

/// Stores `value` under `key`.
pub fn set(
    conn: &Connection,
    account_id: i64,
    key: &str,
    value: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO account_figures (account_id, key, value, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(account_id, key) DO UPDATE SET value = excluded.value,
             updated_at = excluded.updated_at",
    )?
    .execute(params![account_id, key, value.to_string(), ts(now)])?;
    Ok(())
}

/// The value under `key`, if any.
pub fn get(conn: &Connection, account_id: i64, key: &str) -> Result<Option<serde_json::Value>> {
    let raw: Option<String> = conn
        .query_row(
            "SELECT value FROM account_figures WHERE account_id = ?1 AND key = ?2",
            params![account_id, key],
            |r| r.get(0),
        )
        .optional()?;
    Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
}
