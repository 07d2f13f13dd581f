//! The `messages` table: post-sale conversations with buyers, by pack.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::ts;
use crate::error::Result;

/// One post-sale message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Mercado Libre message id.
    pub id: String,
    /// Owning account (the seller).
    pub account_id: i64,
    /// The pack (or order, when it has no pack) the conversation is about.
    pub pack_id: i64,
    /// Sender.
    pub from_id: i64,
    /// Recipient.
    pub to_id: Option<i64>,
    /// The text (untrusted).
    pub text: String,
    /// `available`, `moderated`, ... verbatim.
    pub status: Option<String>,
    /// Sent at.
    pub date_created: DateTime<Utc>,
    /// Read by the recipient at.
    pub read_at: Option<DateTime<Utc>>,
}

/// Inserts or updates a message. Returns true when it was new.
pub fn upsert(conn: &Connection, m: &Message) -> Result<bool> {
    let changed = conn
        .prepare_cached(
            "INSERT INTO messages (id, account_id, pack_id, from_id, to_id, text, status,
                                   date_created, read_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT(id) DO NOTHING",
        )?
        .execute(params![
            m.id,
            m.account_id,
            m.pack_id,
            m.from_id,
            m.to_id,
            m.text,
            m.status,
            ts(m.date_created),
            m.read_at.map(ts)
        ])?;
    if changed == 0 {
        conn.prepare_cached("UPDATE messages SET status = ?2, read_at = ?3 WHERE id = ?1")?
            .execute(params![m.id, m.status, m.read_at.map(ts)])?;
    }
    Ok(changed == 1)
}

/// How many messages an account has stored.
pub fn count(conn: &Connection, account_id: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM messages WHERE account_id = ?1",
        [account_id],
        |r| r.get(0),
    )?)
}
