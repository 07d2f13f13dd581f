//! The `questions` table: pre-sale questions, one row per Mercado Libre question id.
//!
//! Rows are upserted from sync; `notified_at` is owned by the notification policy and survives
//! every upsert, so a question is never announced twice, across restarts too.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{parse_ts, ts};
use crate::error::Result;

/// A question as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// Question id.
    pub id: i64,
    /// Seller account that received it.
    pub account_id: i64,
    /// Listing asked about.
    pub item_id: String,
    /// Buyer who asked.
    pub buyer_id: i64,
    /// The buyer's text (untrusted).
    pub text: String,
    /// API status verbatim: `UNANSWERED`, `ANSWERED`, ... (unknown values kept as sent).
    pub status: String,
    /// When the buyer asked.
    pub date_created: DateTime<Utc>,
    /// The seller's answer, once answered.
    pub answer_text: Option<String>,
    /// When it was answered.
    pub answer_date: Option<DateTime<Utc>>,
}

/// A question's status as the window shows it: Mercado Libre's documented ones, and `Unknown`
/// for one it adds later (stored verbatim, shown as unknown rather than failing the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export, export_to = "QuestionStatus.ts")]
pub enum QuestionStatus {
    /// Waiting for the seller.
    Unanswered,
    /// Answered.
    Answered,
    /// Closed without an answer (the listing ended).
    ClosedUnanswered,
    /// Held by Mercado Libre's moderation.
    UnderReview,
    /// Removed by moderation (its text comes back empty).
    Banned,
    /// Deleted.
    Deleted,
    /// Disabled.
    Disabled,
    /// A status this version does not know.
    Unknown,
}

impl rusqlite::types::FromSql for QuestionStatus {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        Ok(match value.as_str()? {
            "UNANSWERED" => Self::Unanswered,
            "ANSWERED" => Self::Answered,
            "CLOSED_UNANSWERED" => Self::ClosedUnanswered,
            "UNDER_REVIEW" => Self::UnderReview,
            "BANNED" => Self::Banned,
            "DELETED" => Self::Deleted,
            "DISABLED" => Self::Disabled,
            _ => Self::Unknown,
        })
    }
}

/// The status of a question that still waits for the seller.
pub const UNANSWERED: &str = "UNANSWERED";
/// The status of an answered question.
pub const ANSWERED: &str = "ANSWERED";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Question> {
    let created: String = r.get("date_created")?;
    let answered: Option<String> = r.get("answer_date")?;
    let conv = |e: crate::error::Error| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    };
    Ok(Question {
        id: r.get("id")?,
        account_id: r.get("account_id")?,
        item_id: r.get("item_id")?,
        buyer_id: r.get("buyer_id")?,
        text: r.get("text")?,
        status: r.get("status")?,
        date_created: parse_ts(&created).map_err(conv)?,
        answer_text: r.get("answer_text")?,
        answer_date: answered
            .as_deref()
            .map(parse_ts)
            .transpose()
            .map_err(conv)?,
    })
}

/// Inserts the question or updates its remote fields. Returns `true` when it was new.
/// Idempotent: the same input twice leaves the same row.
pub fn upsert(conn: &Connection, q: &Question, now: DateTime<Utc>) -> Result<bool> {
    use crate::inbox::search::inert;
    let (text, answer) = (inert(&q.text), q.answer_text.as_deref().map(inert));
    let inserted = conn.execute(
        "INSERT OR IGNORE INTO questions (id, account_id, item_id, buyer_id, text, status,
             date_created, answer_text, answer_date, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            q.id,
            q.account_id,
            q.item_id,
            q.buyer_id,
            text,
            q.status,
            ts(q.date_created),
            answer,
            q.answer_date.map(ts),
            ts(now)
        ],
    )? == 1;
    if !inserted {
        conn.execute(
            "UPDATE questions SET text = ?2, status = ?3, answer_text = ?4, answer_date = ?5,
                 updated_at = ?6
             WHERE id = ?1 AND (text IS NOT ?2 OR status IS NOT ?3 OR answer_text IS NOT ?4
                 OR answer_date IS NOT ?5)",
            params![q.id, text, q.status, answer, q.answer_date.map(ts), ts(now)],
        )?;
    }
    Ok(inserted)
}

/// One question by id.
pub fn get(conn: &Connection, id: i64) -> Result<Option<Question>> {
    Ok(conn
        .query_row("SELECT * FROM questions WHERE id = ?1", [id], from_row)
        .optional()?)
}

/// Ids of the account's questions stored with `status`.
pub fn ids_with_status(conn: &Connection, account_id: i64, status: &str) -> Result<Vec<i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT id FROM questions WHERE account_id = ?1 AND status = ?2")?;
    let rows = stmt.query_map(params![account_id, status], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records that Mercado Libre no longer has question `id` (its `GET` answers 404): stored as
/// `DELETED`. Returns whether it changed.
pub fn mark_deleted(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE questions SET status = 'DELETED', updated_at = ?2
         WHERE id = ?1 AND status != 'DELETED'",
        params![id, ts(now)],
    )? == 1)
}

/// Records the seller's answer as accepted by Mercado Libre.
pub fn set_answered(
    conn: &Connection,
    id: i64,
    text: &str,
    answered_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "UPDATE questions SET status = ?2, answer_text = ?3, answer_date = ?4, updated_at = ?5
         WHERE id = ?1",
        params![id, ANSWERED, text, ts(answered_at), ts(now)],
    )?;
    Ok(())
}

/// Unanswered questions of the account the seller has not been told about, oldest first.
pub fn unnotified(conn: &Connection, account_id: i64) -> Result<Vec<Question>> {
    let mut stmt = conn.prepare_cached(
        "SELECT * FROM questions WHERE account_id = ?1 AND notified_at IS NULL AND status = ?2
         ORDER BY date_created, id",
    )?;
    let rows = stmt.query_map(params![account_id, UNANSWERED], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Marks questions as announced (or deliberately not announced).
pub fn mark_notified(conn: &Connection, ids: &[i64], now: DateTime<Utc>) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE questions SET notified_at = ?2 WHERE id = ?1 AND notified_at IS NULL",
    )?;
    let at = ts(now);
    for id in ids {
        stmt.execute(params![id, at])?;
    }
    Ok(())
}

/// Unanswered questions of the account announced before `asked_before` and never re-announced.
pub fn due_for_realert(
    conn: &Connection,
    account_id: i64,
    asked_before: DateTime<Utc>,
) -> Result<Vec<Question>> {
    let mut stmt = conn.prepare_cached(
        "SELECT * FROM questions WHERE account_id = ?1 AND status = ?2 AND notified_at IS NOT NULL
           AND realerted_at IS NULL AND date_created <= ?3
         ORDER BY date_created, id",
    )?;
    let rows = stmt.query_map(params![account_id, UNANSWERED, ts(asked_before)], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Marks questions as re-announced (or deliberately never to be).
pub fn mark_realerted(conn: &Connection, ids: &[i64], now: DateTime<Utc>) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE questions SET realerted_at = ?2 WHERE id = ?1 AND realerted_at IS NULL",
    )?;
    let at = ts(now);
    for id in ids {
        stmt.execute(params![id, at])?;
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::store::accounts::{self, Account};
    use crate::store::testing::temp_store;

    pub fn seed_account(conn: &Connection) {
        let account = Account {
            id: 7,
            nickname: "TIENDA".into(),
            site_id: "MLA".into(),
            api_base: "http://127.0.0.1:1".into(),
            status: accounts::AccountStatus::Connected,
            baseline_done: false,
        };
        accounts::upsert(conn, &account, Utc::now()).unwrap();
    }

    pub fn sample(id: i64) -> Question {
        Question {
            id,
            account_id: 7,
            item_id: "MLA1".into(),
            buyer_id: 99,
            text: "¿Tenés stock en azul?".into(),
            status: UNANSWERED.into(),
            date_created: Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap(),
            answer_text: None,
            answer_date: None,
        }
    }

    #[test]
    fn synced_text_is_stored_without_highlight_markers() {
        let (_dir, store) = crate::store::testing::temp_store();
        let conn = store.conn().unwrap();
        seed_account(&conn);
        let mut q = sample(5);
        q.text = "\u{E000}gratis\u{E001} ¿hay stock?".into();
        upsert(&conn, &q, Utc::now()).unwrap();
        assert_eq!(get(&conn, 5).unwrap().unwrap().text, "gratis ¿hay stock?");
    }

    #[test]
    fn upsert_is_idempotent() {
        let (_dir, store) = temp_store();
        let conn = store.conn().unwrap();
        seed_account(&conn);
        let q = sample(1);
        assert!(
            upsert(&conn, &q, Utc::now()).unwrap(),
            "first upsert inserts"
        );
        assert!(
            !upsert(&conn, &q, Utc::now()).unwrap(),
            "second upsert does not insert"
        );
        let count: i64 = conn
            .query_row("SELECT COUNT(*) FROM questions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 1);
        assert_eq!(get(&conn, 1).unwrap().unwrap(), q);
    }

    #[test]
    fn upsert_updates_remote_fields_but_keeps_notified_at() {
        let (_dir, store) = temp_store();
        let conn = store.conn().unwrap();
        seed_account(&conn);
        let mut q = sample(1);
        upsert(&conn, &q, Utc::now()).unwrap();
        mark_notified(&conn, &[1], Utc::now()).unwrap();
        q.status = ANSWERED.into();
        q.answer_text = Some("Sí, hay stock.".into());
        upsert(&conn, &q, Utc::now()).unwrap();
        assert_eq!(get(&conn, 1).unwrap().unwrap(), q);
        assert!(unnotified(&conn, 7).unwrap().is_empty());
        let notified: Option<String> = conn
            .query_row("SELECT notified_at FROM questions WHERE id = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(notified.is_some(), "an upsert must never reset notified_at");
    }

    #[test]
    fn unnotified_lists_only_new_unanswered() {
        let (_dir, store) = temp_store();
        let conn = store.conn().unwrap();
        seed_account(&conn);
        for id in 1..=3 {
            upsert(&conn, &sample(id), Utc::now()).unwrap();
        }
        mark_notified(&conn, &[2], Utc::now()).unwrap();
        let ids: Vec<i64> = unnotified(&conn, 7).unwrap().iter().map(|q| q.id).collect();
        assert_eq!(ids, vec![1, 3]);
    }
}
