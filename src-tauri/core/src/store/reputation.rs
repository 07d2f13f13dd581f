//! The `reputation_snapshots` table: one row per account and day with the reputation as
//! Mercado Libre showed it, so the app can chart how it moves.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::ts;
use crate::error::Result;

/// The seller's reputation at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Owning account.
    pub account_id: i64,
    /// `5_green`, ... verbatim (what buyers see; protected sellers show green).
    pub level_id: Option<String>,
    /// `platinum`, `gold`, ... verbatim.
    pub power_seller_status: Option<String>,
    /// The real level of a protected seller.
    pub real_level: Option<String>,
    /// When the protection ends.
    pub protection_end_date: Option<String>,
    /// Sales in the period.
    pub transactions_total: Option<i64>,
    /// Completed sales.
    pub transactions_completed: Option<i64>,
    /// Cancelled sales.
    pub transactions_canceled: Option<i64>,
    /// The `metrics` object verbatim (claims, delayed handling, cancellations, sales).
    pub metrics: serde_json::Value,
}

/// Stores today's snapshot (replacing an earlier one of the same UTC day).
pub fn record(conn: &Connection, s: &Snapshot, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO reputation_snapshots (account_id, day, level_id, power_seller_status,
             real_level, protection_end_date, transactions_total, transactions_completed,
             transactions_canceled, metrics, taken_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT(account_id, day) DO UPDATE SET level_id = excluded.level_id,
             power_seller_status = excluded.power_seller_status, real_level = excluded.real_level,
             protection_end_date = excluded.protection_end_date,
             transactions_total = excluded.transactions_total,
             transactions_completed = excluded.transactions_completed,
             transactions_canceled = excluded.transactions_canceled,
             metrics = excluded.metrics, taken_at = excluded.taken_at",
    )?
    .execute(params![
        s.account_id,
        now.format("%Y-%m-%d").to_string(),
        s.level_id,
        s.power_seller_status,
        s.real_level,
        s.protection_end_date,
        s.transactions_total,
        s.transactions_completed,
        s.transactions_canceled,
        s.metrics.to_string(),
        ts(now)
    ])?;
    Ok(())
}
