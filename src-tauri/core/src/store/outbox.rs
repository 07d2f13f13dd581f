//! The `outbox` table: durable queue of writes to Mercado Libre (see `crate::outbox` for the
//! protocol). A row is `pending` → `in_flight` → `done` | `failed`; `in_flight` rows found at
//! start-up were interrupted and go back to `pending` with their attempt count kept, which tells
//! the worker to check the remote state before sending again.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::{parse_ts, ts};
use crate::error::Result;

/// Waiting to be sent (or re-sent after a transient failure).
pub const PENDING: &str = "pending";
/// Claimed by the worker; the request may be on the wire.
pub const IN_FLIGHT: &str = "in_flight";
/// Accepted by Mercado Libre.
pub const DONE: &str = "done";
/// Refused for good; the text is kept for the user.
pub const FAILED: &str = "failed";

/// One queued write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    /// Row id.
    pub id: i64,
    /// Account the write belongs to.
    pub account_id: i64,
    /// Kind of write, e.g. `answer`.
    pub kind: String,
    /// What it applies to (question id for an answer).
    pub target_id: String,
    /// Kind-specific JSON.
    pub payload: String,
    /// `pending`, `in_flight`, `done` or `failed`.
    pub state: String,
    /// How many times the worker claimed it.
    pub attempts: i64,
    /// Earliest time of the next attempt.
    pub next_attempt_at: DateTime<Utc>,
    /// Stable error code of the last failure.
    pub error_code: Option<String>,
    /// Message of the last failure.
    pub error_message: Option<String>,
    /// For a post-sale message: the ids of the seller's messages already in the conversation
    /// before its first send (`None`: never sent).
    pub baseline: Option<Vec<String>>,
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<OutboxRow> {
    let next: String = r.get("next_attempt_at")?;
    Ok(OutboxRow {
        id: r.get("id")?,
        account_id: r.get("account_id")?,
        kind: r.get("kind")?,
        target_id: r.get("target_id")?,
        payload: r.get("payload")?,
        state: r.get("state")?,
        attempts: r.get("attempts")?,
        next_attempt_at: parse_ts(&next).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })?,
        error_code: r.get("error_code")?,
        error_message: r.get("error_message")?,
        baseline: r
            .get::<_, Option<String>>("baseline")?
            .map(|b| serde_json::from_str(&b).unwrap_or_default()),
    })
}

/// Queues a write; returns its id. Call inside the transaction that updates the local view.
pub fn insert(
    conn: &Connection,
    account_id: i64,
    kind: &str,
    target_id: &str,
    payload: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO outbox (account_id, kind, target_id, payload, state, attempts,
             next_attempt_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?6, ?6)",
        params![account_id, kind, target_id, payload, PENDING, ts(now)],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Records who queued row `id` (`None`: no member, e.g. an automatic write).
pub fn attribute(conn: &Connection, id: i64, member_id: Option<i64>) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET member_id = ?2 WHERE id = ?1",
        params![id, member_id],
    )?;
    Ok(())
}

/// One row by id.
pub fn get(conn: &Connection, id: i64) -> Result<Option<OutboxRow>> {
    Ok(conn
        .query_row("SELECT * FROM outbox WHERE id = ?1", [id], from_row)
        .optional()?)
}

/// The open (pending, in flight or failed) write of `kind` on `target_id` for `account_id`, if
/// any (the same buyer id on two accounts is two targets).
pub fn open_for_target(
    conn: &Connection,
    account_id: i64,
    kind: &str,
    target_id: &str,
) -> Result<Option<OutboxRow>> {
    Ok(conn
        .query_row(
            "SELECT * FROM outbox WHERE kind = ?1 AND target_id = ?2 AND state != ?3
               AND account_id = ?4
             ORDER BY id DESC LIMIT 1",
            params![kind, target_id, DONE, account_id],
            from_row,
        )
        .optional()?)
}

/// Atomically claims the oldest due pending row: marks it in flight and counts the attempt.
/// The claim is committed before the caller touches the network.
pub fn claim_due(conn: &mut Connection, now: DateTime<Utc>) -> Result<Option<OutboxRow>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let row = tx
        .query_row(
            // Writes to one target go in the order they were queued: a row waits while an older
            // one for the same target is still open.
            "SELECT * FROM outbox WHERE state = ?1 AND next_attempt_at <= ?2
               AND NOT EXISTS (
                   SELECT 1 FROM outbox older
                   WHERE older.kind = outbox.kind AND older.target_id = outbox.target_id
                     AND older.account_id = outbox.account_id AND older.id < outbox.id
                     AND older.state IN ('pending', 'in_flight'))
             ORDER BY next_attempt_at, id LIMIT 1",
            params![PENDING, ts(now)],
            from_row,
        )
        .optional()?;
    let Some(mut row) = row else {
        return Ok(None);
    };
    tx.execute(
        "UPDATE outbox SET state = ?2, attempts = attempts + 1, updated_at = ?3 WHERE id = ?1",
        params![row.id, IN_FLIGHT, ts(now)],
    )?;
    tx.commit()?;
    row.state = IN_FLIGHT.into();
    row.attempts += 1;
    Ok(Some(row))
}

/// Retires row `id` when a newer open row writes the same target (the latest value wins): marks
/// it done as superseded and returns whether it did.
pub fn supersede_if_newer(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let n = conn.execute(
        "UPDATE outbox SET state = ?2, error_code = NULL,
             error_message = 'superseded by a newer write', updated_at = ?3
         WHERE id = ?1 AND EXISTS (
             SELECT 1 FROM outbox newer
             WHERE newer.kind = outbox.kind AND newer.target_id = outbox.target_id
               AND newer.account_id = outbox.account_id AND newer.id > outbox.id
               AND newer.state IN ('pending', 'in_flight'))",
        params![id, DONE, ts(now)],
    )?;
    Ok(n == 1)
}

/// Earliest `next_attempt_at` among pending rows.
pub fn next_due(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    let next: Option<String> = conn.query_row(
        "SELECT MIN(next_attempt_at) FROM outbox WHERE state = ?1",
        [PENDING],
        |r| r.get(0),
    )?;
    next.as_deref().map(parse_ts).transpose()
}

/// Marks a row accepted.
pub fn mark_done(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET state = ?2, error_code = NULL, error_message = NULL, updated_at = ?3
         WHERE id = ?1",
        params![id, DONE, ts(now)],
    )?;
    Ok(())
}

/// Puts a row back in the queue after a transient failure.
pub fn reschedule(
    conn: &Connection,
    id: i64,
    at: DateTime<Utc>,
    error_message: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET state = ?2, next_attempt_at = ?3, error_message = ?4, updated_at = ?5
         WHERE id = ?1",
        params![id, PENDING, ts(at), error_message, ts(now)],
    )?;
    Ok(())
}

/// Marks a row refused for good.
pub fn mark_failed(
    conn: &Connection,
    id: i64,
    code: &str,
    message: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET state = ?2, error_code = ?3, error_message = ?4, updated_at = ?5
         WHERE id = ?1",
        params![id, FAILED, code, message, ts(now)],
    )?;
    Ok(())
}

/// Records, before row `id`'s first send, the ids of the seller's messages already in its
/// conversation. Call durably: a send without its baseline could not be reconciled.
pub fn set_baseline(conn: &Connection, id: i64, ids: &[String]) -> Result<()> {
    let json = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    conn.execute(
        "UPDATE outbox SET baseline = ?2 WHERE id = ?1",
        params![id, json],
    )?;
    Ok(())
}

/// Records Mercado Libre's id of what row `id` became.
pub fn set_remote_id(conn: &Connection, id: i64, remote_id: &str) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET remote_id = ?2 WHERE id = ?1",
        params![id, remote_id],
    )?;
    Ok(())
}

/// Remote ids other rows of the same account, kind and target became (not row `id`'s own).
pub fn claimed_remote_ids(conn: &Connection, row: &OutboxRow) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT remote_id FROM outbox
         WHERE account_id = ?1 AND kind = ?2 AND target_id = ?3 AND id != ?4
           AND remote_id IS NOT NULL",
    )?;
    let ids = stmt
        .query_map(
            params![row.account_id, row.kind, row.target_id, row.id],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ids)
}

/// At start-up: rows left in flight by a crash go back to pending (attempts kept).
pub fn requeue_interrupted(conn: &Connection) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE outbox SET state = ?1 WHERE state = ?2",
        params![PENDING, IN_FLIGHT],
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::questions::tests::seed_account;
    use crate::store::testing::temp_store;

    #[test]
    fn an_open_row_belongs_to_its_account() {
        let (_dir, store) = temp_store();
        let conn = store.conn().unwrap();
        seed_account(&conn);
        let id = insert(&conn, 7, "block_buyer", "99", "{}", Utc::now()).unwrap();
        assert_eq!(
            open_for_target(&conn, 7, "block_buyer", "99")
                .unwrap()
                .map(|r| r.id),
            Some(id)
        );
        assert!(
            open_for_target(&conn, 8, "block_buyer", "99")
                .unwrap()
                .is_none(),
            "another account blocking the same buyer is its own write"
        );
    }

    #[test]
    fn claim_counts_attempts_and_requeue_keeps_them() {
        let (_dir, store) = temp_store();
        let mut conn = store.conn().unwrap();
        seed_account(&conn);
        let now = Utc::now();
        let id = insert(&conn, 7, "answer", "1", "{}", now).unwrap();
        let row = claim_due(&mut conn, now).unwrap().unwrap();
        assert_eq!(
            (row.id, row.attempts, row.state.as_str()),
            (id, 1, IN_FLIGHT)
        );
        assert!(
            claim_due(&mut conn, now).unwrap().is_none(),
            "an in-flight row is not claimed twice"
        );
        assert_eq!(requeue_interrupted(&conn).unwrap(), 1);
        let again = claim_due(&mut conn, now).unwrap().unwrap();
        assert_eq!(again.attempts, 2, "the attempt count survives a crash");
    }

    #[test]
    fn rescheduled_rows_wait_until_due() {
        let (_dir, store) = temp_store();
        let mut conn = store.conn().unwrap();
        seed_account(&conn);
        let now = Utc::now();
        let id = insert(&conn, 7, "answer", "1", "{}", now).unwrap();
        claim_due(&mut conn, now).unwrap();
        let later = now + chrono::Duration::seconds(30);
        reschedule(&conn, id, later, "offline", now).unwrap();
        assert!(claim_due(&mut conn, now).unwrap().is_none());
        assert_eq!(
            next_due(&conn).unwrap(),
            Some(parse_ts(&ts(later)).unwrap())
        );
        assert!(claim_due(&mut conn, later).unwrap().is_some());
    }
}
