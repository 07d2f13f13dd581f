//! The `settings` table: JSON documents by key. Each owner (e.g. `crate::notify`) defines its
//! document type with serde defaults, so a document written by an older build still reads.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Reads the document under `key`, or its default when absent.
pub fn get<T: DeserializeOwned + Default>(conn: &Connection, key: &str) -> Result<T> {
    let raw: Option<String> = conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?;
    match raw {
        None => Ok(T::default()),
        Some(raw) => serde_json::from_str(&raw)
            .map_err(|e| Error::internal(format!("settings {key:?} unreadable: {e}"), None)),
    }
}

/// Stores the document under `key`.
pub fn put<T: Serialize>(conn: &Connection, key: &str, value: &T) -> Result<()> {
    let raw = serde_json::to_string(value)
        .map_err(|e| Error::internal("cannot encode as JSON", Some(Box::new(e))))?;
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, raw],
    )?;
    Ok(())
}
