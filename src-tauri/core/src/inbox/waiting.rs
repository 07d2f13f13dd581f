//! Everything waiting for the seller in one list: unanswered questions and post-sale
//! conversations whose buyer wrote last, across accounts, longest waiting first. Rows are the
//! same as the questions list's and the conversations list's.

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::InboxQuestion;
use super::conversations::{self, Conversation};
use crate::error::Result;
use crate::store::questions::UNANSWERED;

/// A page request.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export, export_to = "WaitingQuery.ts")]
pub struct WaitingQuery {
    /// Page size (1–500; default 100).
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
    /// Only this account.
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub account_id: Option<i64>,
}

/// One row: a question or a conversation (exactly one is set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "WaitingItem.ts")]
pub struct WaitingItem {
    /// An unanswered question.
    pub question: Option<InboxQuestion>,
    /// A conversation waiting for the seller.
    pub conversation: Option<Conversation>,
}

/// A page of the waiting list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "WaitingPage.ts")]
pub struct WaitingPage {
    /// The rows, longest waiting first.
    pub items: Vec<WaitingItem>,
    /// Questions and conversations waiting (under the account filter).
    #[ts(type = "number")]
    pub total: i64,
}

/// What a row of the merged page points at, before it is read in full.
enum Key {
    Question(i64),
    Conversation { account_id: i64, pack_id: i64 },
}

/// Lists one page: the two kinds merged by the time the buyer has been waiting since.
pub fn list(conn: &Connection, query: &WaitingQuery) -> Result<WaitingPage> {
    let limit = i64::from(query.limit.unwrap_or(100).clamp(1, 500));
    let offset = i64::from(query.offset.unwrap_or(0));
    let keys: Vec<Key> = conn
        .prepare_cached(
            // A compound ORDER BY: SQLite merges the two legs, each read in order from its
            // index, instead of sorting everything waiting for every page.
            "SELECT q.id AS question_id, q.account_id, NULL AS pack_id,
                    q.date_created AS since, 0 AS kind, q.id AS tiebreak
             FROM questions q
             WHERE q.status = ?1 AND (?2 IS NULL OR q.account_id = ?2)
             UNION ALL
             SELECT NULL, c.account_id, c.pack_id, c.waiting_since, 1, c.pack_id
             FROM conversations c
             WHERE c.waiting_since IS NOT NULL AND (?2 IS NULL OR c.account_id = ?2)
             ORDER BY since, kind, tiebreak LIMIT ?3 OFFSET ?4",
        )?
        .query_map(params![UNANSWERED, query.account_id, limit, offset], |r| {
            let question: Option<i64> = r.get(0)?;
            Ok(match question {
                Some(id) => Key::Question(id),
                None => Key::Conversation {
                    account_id: r.get(1)?,
                    pack_id: r.get(2)?,
                },
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    // The page's questions in one query; conversations one by one (a page holds few).
    let question_ids: Vec<i64> = keys
        .iter()
        .filter_map(|k| match k {
            Key::Question(id) => Some(*id),
            Key::Conversation { .. } => None,
        })
        .collect();
    let mut questions = super::by_ids(conn, &question_ids)?;
    let mut items = Vec::with_capacity(keys.len());
    for key in keys {
        let item = match key {
            Key::Question(id) => questions.remove(&id).map(|q| WaitingItem {
                question: Some(q),
                conversation: None,
            }),
            Key::Conversation {
                account_id,
                pack_id,
            } => conversations::get(conn, account_id, pack_id)?.map(|c| WaitingItem {
                question: None,
                conversation: Some(c),
            }),
        };
        items.extend(item);
    }
    let total: i64 = conn
        .prepare_cached(
            "SELECT (SELECT COALESCE(SUM(n), 0) FROM question_counts
                      WHERE status = ?1 AND (?2 IS NULL OR account_id = ?2))
                  + (SELECT COUNT(*) FROM conversations
                      WHERE waiting_since IS NOT NULL AND (?2 IS NULL OR account_id = ?2))",
        )?
        .query_row(params![UNANSWERED, query.account_id], |r| r.get(0))?;
    Ok(WaitingPage { items, total })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::temp_store;

    #[test]
    fn questions_and_conversations_merge_by_how_long_the_buyer_waits() {
        let (_dir, store) = temp_store();
        let conn = store.conn().unwrap();
        conn.execute_batch(
            "INSERT INTO accounts (id, nickname, site_id, api_base, created_at)
                 VALUES (1, 'TIENDA', 'MLA', 'http://127.0.0.1:1', '2026-01-01T00:00:00Z');
             INSERT INTO questions (id, account_id, item_id, buyer_id, text, status, date_created,
                                    updated_at) VALUES
                 (7, 1, 'MLA1', 10, '¿Color?', 'UNANSWERED', '2026-03-01T09:00:00.000Z', 'x'),
                 (8, 1, 'MLA1', 11, '¿Talle?', 'UNANSWERED', '2026-03-01T11:00:00.000Z', 'x'),
                 (9, 1, 'MLA1', 12, '¿Envío?', 'ANSWERED', '2026-03-01T08:00:00.000Z', 'x');
             INSERT INTO messages (id, account_id, pack_id, from_id, text, date_created) VALUES
                 ('a', 1, 500, 10, '¿Cuándo llega?', '2026-03-01T10:00:00.000Z'),
                 ('b', 1, 501, 11, 'Hola', '2026-03-01T07:00:00.000Z'),
                 ('c', 1, 501, 1, 'Hola, decime', '2026-03-01T07:30:00.000Z');",
        )
        .unwrap();
        let page = list(&conn, &WaitingQuery::default()).unwrap();
        let order: Vec<String> = page
            .items
            .iter()
            .map(|i| match (&i.question, &i.conversation) {
                (Some(q), None) => format!("q{}", q.id),
                (None, Some(c)) => format!("c{}", c.pack_id),
                other => panic!("exactly one kind per row: {other:?}"),
            })
            .collect();
        assert_eq!(order, ["q7", "c500", "q8"], "answered ones are not waiting");
        assert_eq!(page.total, 3);
        let second = list(
            &conn,
            &WaitingQuery {
                limit: Some(1),
                offset: Some(1),
                ..WaitingQuery::default()
            },
        )
        .unwrap();
        assert_eq!(second.items.len(), 1);
        assert_eq!(
            second.items[0].conversation.as_ref().map(|c| c.pack_id),
            Some(500)
        );
        let other = list(
            &conn,
            &WaitingQuery {
                account_id: Some(2),
                ..WaitingQuery::default()
            },
        )
        .unwrap();
        assert_eq!((other.items.len(), other.total), (0, 0));
    }
}
