//! The `messages` table: post-sale conversations with buyers, by pack.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::ts;
use crate::error::Result;

/// Ids of local copies of queued messages start with this (see `crate::outbox::writes`).
pub const LOCAL_PREFIX: &str = "outbox:";

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

/// Inserts or updates a message. Returns true when it was new. The local copy the outbox made
/// of a queued message takes Mercado Libre's id once the outbox knows it (or goes, when this
/// sync stored that id first), so the conversation shows it once without matching texts.
pub fn upsert(conn: &Connection, m: &Message) -> Result<bool> {
    let text = crate::inbox::search::inert(&m.text);
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
            text,
            m.status,
            ts(m.date_created),
            m.read_at.map(ts)
        ])?;
    if changed == 0 {
        conn.prepare_cached(
            "UPDATE messages SET status = ?2, read_at = ?3
             WHERE id = ?1 AND (status IS NOT ?2 OR read_at IS NOT ?3)",
        )?
        .execute(params![m.id, m.status, m.read_at.map(ts)])?;
    }
    Ok(changed == 1)
}

/// Records the names of the files a message carries (none: nothing is written).
pub fn set_attachments(conn: &Connection, id: &str, names: &[String]) -> Result<()> {
    if names.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_string(names)
        .map_err(|e| crate::error::Error::internal("cannot encode as JSON", Some(Box::new(e))))?;
    conn.prepare_cached("UPDATE messages SET attachments = ?2 WHERE id = ?1")?
        .execute(params![id, json])?;
    Ok(())
}

/// How many messages an account has stored.
pub fn count(conn: &Connection, account_id: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM messages WHERE account_id = ?1",
        [account_id],
        |r| r.get(0),
    )?)
}

/// Buyers' messages to the account not announced yet, oldest first.
pub fn unnotified(conn: &Connection, account_id: i64) -> Result<Vec<Message>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, account_id, pack_id, from_id, to_id, text, status, date_created, read_at
         FROM messages WHERE account_id = ?1 AND notified_at IS NULL AND from_id != ?1
         ORDER BY date_created, id",
    )?;
    let rows = stmt.query_map([account_id], |r| {
        let created: String = r.get(7)?;
        let read: Option<String> = r.get(8)?;
        Ok((
            Message {
                id: r.get(0)?,
                account_id: r.get(1)?,
                pack_id: r.get(2)?,
                from_id: r.get(3)?,
                to_id: r.get(4)?,
                text: r.get(5)?,
                status: r.get(6)?,
                date_created: DateTime::<Utc>::MIN_UTC,
                read_at: None,
            },
            created,
            read,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (mut m, created, read) = row?;
        m.date_created = super::parse_ts(&created)?;
        m.read_at = read.as_deref().map(super::parse_ts).transpose()?;
        out.push(m);
    }
    Ok(out)
}

/// Marks messages as announced (or deliberately not announced).
pub fn mark_notified(conn: &Connection, ids: &[String], now: DateTime<Utc>) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE messages SET notified_at = ?2 WHERE id = ?1 AND notified_at IS NULL",
    )?;
    for id in ids {
        stmt.execute(params![id, ts(now)])?;
    }
    Ok(())
}

/// Marks every message of the account as announced: what was there at the first sync.
pub fn mark_all_notified(conn: &Connection, account_id: i64, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE messages SET notified_at = ?2 WHERE account_id = ?1 AND notified_at IS NULL",
        params![account_id, ts(now)],
    )?;
    Ok(())
}

/// The order a conversation is about and the buyer's nickname, when stored.
pub fn context(conn: &Connection, pack_id: i64) -> Result<(Option<i64>, Option<String>)> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT o.id, b.nickname FROM orders o LEFT JOIN buyers b ON b.id = o.buyer_id
             WHERE o.pack_id = ?1 OR o.id = ?1 ORDER BY o.id LIMIT 1",
            [pack_id],
            |r| Ok((Some(r.get(0)?), r.get(1)?)),
        )
        .optional()?
        .unwrap_or((None, None)))
}

/// The account of a pack (or of an order without one): its orders', else its messages'.
pub fn account_of_pack(conn: &Connection, pack_id: i64) -> Result<Option<i64>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT account_id FROM orders WHERE pack_id = ?1 OR id = ?1
             UNION ALL
             SELECT account_id FROM messages WHERE pack_id = ?1
             LIMIT 1",
            [pack_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The buyer of a pack: its order names them; until it is synced, the buyer's own messages do.
pub fn buyer_of_pack(conn: &Connection, account_id: i64, pack_id: i64) -> Result<Option<i64>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT buyer_id FROM orders WHERE +account_id = ?1 AND (pack_id = ?2 OR id = ?2)
               AND buyer_id IS NOT NULL
             UNION ALL
             SELECT from_id FROM messages WHERE account_id = ?1 AND pack_id = ?2
               AND from_id != ?1
             LIMIT 1",
            rusqlite::params![account_id, pack_id],
            |r| r.get::<_, i64>(0),
        )
        .optional()?)
}

/// Marks the conversation done ("no reply needed") through its last message as stored now, or
/// clears the mark (`done` false). Returns whether the conversation exists. A later message
/// from the buyer makes it wait again (the conversations' triggers compare with the mark).
pub fn mark_done(
    conn: &Connection,
    account_id: i64,
    pack_id: i64,
    done: bool,
    by: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool> {
    use rusqlite::OptionalExtension;
    let last_at: Option<String> = conn
        .query_row(
            "SELECT last_at FROM conversations WHERE account_id = ?1 AND pack_id = ?2",
            rusqlite::params![account_id, pack_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(last_at) = last_at else {
        return Ok(false);
    };
    // Plain statements: an upsert's conflict clause would override the triggers' OR REPLACE.
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "DELETE FROM conversation_marks WHERE account_id = ?1 AND pack_id = ?2",
        rusqlite::params![account_id, pack_id],
    )?;
    if done {
        tx.execute(
            "INSERT INTO conversation_marks (account_id, pack_id, done_through, done_at, done_by)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![account_id, pack_id, last_at, super::ts(now), by],
        )?;
    }
    tx.commit()?;
    Ok(true)
}

/// Records what the thread says about writing in the conversation (`agent_path`: its own path
/// when Mercado Libre's AI agent intermediates it).
pub fn set_status(
    conn: &Connection,
    account_id: i64,
    pack_id: i64,
    status: &str,
    substatus: Option<&str>,
    agent_path: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO conversation_status (account_id, pack_id, status, substatus, agent_path,
                                          updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (account_id, pack_id) DO UPDATE SET status = excluded.status,
             substatus = excluded.substatus, agent_path = excluded.agent_path,
             updated_at = excluded.updated_at",
        rusqlite::params![
            account_id,
            pack_id,
            status,
            substatus,
            agent_path,
            super::ts(now)
        ],
    )?;
    Ok(())
}

/// How the seller writes in a conversation Mercado Libre's AI agent intermediates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRoute {
    /// The conversation's own path.
    pub path: String,
    /// The site's agent: the recipient.
    pub agent_id: i64,
    /// The seller's last message (sent or on its way) has no answer yet: the next must wait.
    pub awaiting_agent: bool,
}

/// The agent's route of a conversation, when it is intermediated.
pub fn agent_route(conn: &Connection, account_id: i64, pack_id: i64) -> Result<Option<AgentRoute>> {
    use rusqlite::OptionalExtension;
    let found = conn
        .query_row(
            "SELECT s.agent_path, a.site_id,
                    COALESCE((SELECT m.from_id = m.account_id FROM messages m
                              WHERE m.account_id = ?1 AND m.pack_id = ?2
                                AND COALESCE(m.status, '') != 'failed'
                              ORDER BY m.date_created DESC, m.id DESC LIMIT 1), 0)
             FROM conversation_status s JOIN accounts a ON a.id = s.account_id
             WHERE s.account_id = ?1 AND s.pack_id = ?2 AND s.agent_path IS NOT NULL",
            rusqlite::params![account_id, pack_id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                ))
            },
        )
        .optional()?;
    Ok(found.map(|(path, site, awaiting_agent)| AgentRoute {
        path,
        agent_id: crate::marketplace::postsale::agent_id(&site),
        awaiting_agent,
    }))
}
