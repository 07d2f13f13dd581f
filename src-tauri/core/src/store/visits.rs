//! The `visits_daily` table: visits to all of an account's listings, per day.

use rusqlite::{Connection, params};

use crate::error::Result;

/// Stores (or replaces) the visits of `day` (`YYYY-MM-DD`).
pub fn upsert(conn: &Connection, account_id: i64, day: &str, total: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO visits_daily (account_id, day, total) VALUES (?1, ?2, ?3)
         ON CONFLICT(account_id, day) DO UPDATE SET total = excluded.total",
    )?
    .execute(params![account_id, day, total])?;
    Ok(())
}

/// Stored days, oldest first: `(day, total)`.
pub fn list(conn: &Connection, account_id: i64) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn
        .prepare_cached("SELECT day, total FROM visits_daily WHERE account_id = ?1 ORDER BY day")?;
    let rows = stmt.query_map([account_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
