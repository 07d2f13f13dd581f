//! The `accounts` table: the seller accounts connected on this machine.
//! Tokens are NOT here; they live in the OS keyring (see `crate::secrets`).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::ts;
use crate::error::Result;

/// Whether an account syncs, or waits for the seller to connect it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "AccountStatus.ts")]
pub enum AccountStatus {
    /// Its grant works: it syncs.
    Connected,
    /// Mercado Libre refused its grant (revoked, expired): the seller must reconnect it.
    Reconnect,
}

impl AccountStatus {
    /// The store's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::Reconnect => "reconnect",
        }
    }
}

impl rusqlite::types::FromSql for AccountStatus {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        match value.as_str()? {
            "connected" => Ok(Self::Connected),
            "reconnect" => Ok(Self::Reconnect),
            other => Err(rusqlite::types::FromSqlError::Other(
                format!("unknown account status {other}").into(),
            )),
        }
    }
}

/// A connected seller account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Mercado Libre user id.
    pub id: i64,
    /// Seller nickname.
    pub nickname: String,
    /// Site, e.g. `MLA`.
    pub site_id: String,
    /// API base URL the account talks to.
    pub api_base: String,
    /// Syncing, or waiting to be reconnected.
    pub status: AccountStatus,
    /// Whether the first questions sync has completed (questions seen then are not notified).
    pub baseline_done: bool,
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get("id")?,
        nickname: r.get("nickname")?,
        site_id: r.get("site_id")?,
        api_base: r.get("api_base")?,
        status: r.get("status")?,
        baseline_done: r.get::<_, i64>("baseline_done")? != 0,
    })
}

/// Inserts the account or refreshes its profile fields (keeps the sync baseline).
pub fn upsert(conn: &Connection, account: &Account, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "INSERT INTO accounts (id, nickname, site_id, api_base, status, baseline_done, created_at)
         VALUES (?1, ?2, ?3, ?4, 'connected', 0, ?5)
         ON CONFLICT(id) DO UPDATE SET nickname = excluded.nickname, site_id = excluded.site_id,
             api_base = excluded.api_base, status = 'connected'",
        params![
            account.id,
            account.nickname,
            account.site_id,
            account.api_base,
            ts(now)
        ],
    )?;
    Ok(())
}

/// All accounts, oldest first.
pub fn list(conn: &Connection) -> Result<Vec<Account>> {
    let mut stmt = conn.prepare_cached("SELECT * FROM accounts ORDER BY created_at, id")?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One account by id.
pub fn get(conn: &Connection, id: i64) -> Result<Option<Account>> {
    Ok(conn
        .query_row("SELECT * FROM accounts WHERE id = ?1", [id], from_row)
        .optional()?)
}

/// Records that the first questions sync of the account completed.
pub fn set_baseline_done(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("UPDATE accounts SET baseline_done = 1 WHERE id = ?1", [id])?;
    Ok(())
}

/// Sets `connected` / `reconnect`.
pub fn set_status(conn: &Connection, id: i64, status: AccountStatus) -> Result<()> {
    conn.execute(
        "UPDATE accounts SET status = ?2 WHERE id = ?1",
        params![id, status.as_str()],
    )?;
    Ok(())
}

/// Removes an account and, through the foreign keys, everything stored for it.
pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM accounts WHERE id = ?1", [id])?;
    Ok(())
}
