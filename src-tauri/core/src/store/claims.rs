//! The `claims` table: buyers' complaints against the seller's orders.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::ts;
use crate::error::Result;

/// A claim as last read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Mercado Libre claim id.
    pub id: i64,
    /// Owning account (the respondent).
    pub account_id: i64,
    /// The order (or shipment) it is about.
    pub resource_id: Option<i64>,
    /// `opened`, `closed`, ... verbatim.
    pub status: String,
    /// `claim`, `dispute`, ... verbatim.
    pub stage: Option<String>,
    /// `mediations`, `returns`, ... verbatim.
    pub kind: Option<String>,
    /// Reason code.
    pub reason_id: Option<String>,
    /// Opened at.
    pub date_created: DateTime<Utc>,
    /// Last change.
    pub last_updated: Option<DateTime<Utc>>,
}

/// Inserts or replaces a claim.
pub fn upsert(conn: &Connection, c: &Claim) -> Result<()> {
    let values = params![
        c.id,
        c.account_id,
        c.resource_id,
        c.status,
        c.stage,
        c.kind,
        c.reason_id,
        ts(c.date_created),
        c.last_updated.map(ts)
    ];
    // An update, else an insert: an upsert's conflict clause would override the metrics
    // triggers' OR IGNORE and fail on a day already marked for recomputing.
    let updated = conn
        .prepare_cached(
            "UPDATE claims SET resource_id = ?3, status = ?4, stage = ?5, kind = ?6,
                 reason_id = ?7, last_updated = ?9
             WHERE id = ?1 AND ?2 IS NOT NULL AND ?8 IS NOT NULL",
        )?
        .execute(values)?;
    if updated == 0 {
        conn.prepare_cached(
            "INSERT INTO claims (id, account_id, resource_id, status, stage, kind, reason_id,
                                 date_created, last_updated)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(values)?;
    }
    Ok(())
}

/// The stored claim's last update, if stored.
pub fn last_updated(conn: &Connection, id: i64) -> Result<Option<Option<String>>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT last_updated FROM claims WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// How many claims an account has stored.
pub fn count(conn: &Connection, account_id: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM claims WHERE account_id = ?1",
        [account_id],
        |r| r.get(0),
    )?)
}
