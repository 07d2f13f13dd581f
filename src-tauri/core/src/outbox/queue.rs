//! Queueing a write in the caller's transaction: the row (replacing a waiting one on the same
//! target), its local view, and its author.

use super::{Write, writes};
use crate::error::{Error, Result};
use crate::store::outbox as table;

/// Queues one validated write inside `tx`, replacing a waiting one on the same target, with its
/// local view and its author.
pub(crate) fn queue_in(
    tx: &rusqlite::Transaction<'_>,
    account_id: i64,
    write: &Write,
    by: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64> {
    let payload = serde_json::to_string(write)
        .map_err(|e| Error::internal("cannot encode as JSON", Some(Box::new(e))))?;
    let target = write.target();
    let replaceable = !matches!(write, Write::Message { .. });
    let id = match table::open_for_target(tx, account_id, write.kind(), &target)? {
        Some(row) if replaceable && row.state != table::IN_FLIGHT => {
            tx.execute(
                "UPDATE outbox SET payload = ?2, state = ?3, next_attempt_at = ?4,
                     error_code = NULL, error_message = NULL, updated_at = ?4
                 WHERE id = ?1",
                rusqlite::params![row.id, payload, table::PENDING, crate::store::ts(now)],
            )?;
            row.id
        }
        _ => table::insert(tx, account_id, write.kind(), &target, &payload, now)?,
    };
    write.apply_locally(tx, account_id, id, now)?;
    table::attribute(tx, id, by)?;
    if let Write::Message { .. } = write {
        tx.execute(
            "UPDATE messages SET sent_by = ?2 WHERE id = ?1",
            rusqlite::params![writes::local_message_id(id), by],
        )?;
    }
    Ok(id)
}
