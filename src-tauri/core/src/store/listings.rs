//! The `listings` table: the seller's items as last seen from the API.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::ts;
use crate::error::Result;

/// A listing (Mercado Libre item) of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// Item id, e.g. `MLA844702264`.
    pub id: String,
    /// Owning account.
    pub account_id: i64,
    /// Title.
    pub title: String,
    /// Price as a decimal string.
    pub price: Option<String>,
    /// Currency, e.g. `ARS`.
    pub currency_id: Option<String>,
    /// Stock available.
    pub available_quantity: Option<i64>,
    /// Item status, verbatim (`active`, `paused`, ...).
    pub status: Option<String>,
    /// Public URL.
    pub permalink: Option<String>,
    /// Thumbnail URL.
    pub thumbnail: Option<String>,
}

/// Inserts or replaces a listing.
pub fn upsert(conn: &Connection, l: &Listing, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "INSERT INTO listings (id, account_id, title, price, currency_id, available_quantity,
                               status, permalink, thumbnail, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT(id) DO UPDATE SET title = excluded.title, price = excluded.price,
             currency_id = excluded.currency_id, available_quantity = excluded.available_quantity,
             status = excluded.status, permalink = excluded.permalink,
             thumbnail = excluded.thumbnail, updated_at = excluded.updated_at",
        params![
            l.id,
            l.account_id,
            l.title,
            l.price,
            l.currency_id,
            l.available_quantity,
            l.status,
            l.permalink,
            l.thumbnail,
            ts(now)
        ],
    )?;
    Ok(())
}

/// Of `ids`, those not stored yet (each once, in input order).
pub fn missing(conn: &Connection, ids: &[String]) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM listings WHERE id = ?1")?;
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        if !stmt.exists([id])? && !out.contains(id) {
            out.push(id.clone());
        }
    }
    Ok(out)
}

/// The title of a listing, if stored.
pub fn title(conn: &Connection, id: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row("SELECT title FROM listings WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?)
}
