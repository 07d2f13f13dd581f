//! The inbox grouped by listing or by buyer: one row per group with its count and how long its
//! oldest question has waited, under the same filters as the flat list. Read-only.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Filter, InboxQuery, StatusFilter};
use crate::error::Result;
use crate::store::questions::UNANSWERED;

/// What to group the inbox by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "GroupBy.ts")]
pub enum GroupBy {
    /// One group per listing.
    Listing,
    /// One group per buyer.
    Buyer,
}

/// A page of groups: the grouping and the filters of the flat list (its `limit` and `offset`
/// page the groups).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export, export_to = "GroupQuery.ts")]
pub struct GroupQuery {
    /// Listing or buyer.
    pub by: GroupBy,
    /// The filters (status, account, dates, search) and the page.
    pub query: InboxQuery,
}

/// One group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "InboxGroup.ts")]
pub struct InboxGroup {
    /// The listing id, or the buyer id as text.
    pub key: String,
    /// The listing title or the buyer nickname, once synced (untrusted text).
    pub label: Option<String>,
    /// The listing's thumbnail address.
    pub thumbnail: Option<String>,
    /// Questions in the group under the filters.
    #[ts(type = "number")]
    pub count: i64,
    /// Of those, the unanswered ones.
    #[ts(type = "number")]
    pub waiting: i64,
    /// When its oldest question was asked (RFC 3339, UTC).
    pub oldest: String,
    /// When its newest question was asked (RFC 3339, UTC).
    pub newest: String,
}

/// A page of groups plus the counters the UI always shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "GroupPage.ts")]
pub struct GroupPage {
    /// The groups: longest waiting first for unanswered questions, else latest activity first.
    pub items: Vec<InboxGroup>,
    /// Groups matching the filter.
    #[ts(type = "number")]
    pub total: i64,
    /// Unanswered questions across all accounts.
    #[ts(type = "number")]
    pub unanswered: i64,
}

/// Lists one page of groups.
pub fn list(conn: &Connection, request: &GroupQuery) -> Result<GroupPage> {
    let query = &request.query;
    let limit = query.limit.unwrap_or(100).clamp(1, 500) as i64;
    let offset = query.offset.unwrap_or(0) as i64;
    let filter = Filter::of(query)?;
    let (column, label, thumbnail, join) = match request.by {
        GroupBy::Listing => (
            "q.item_id",
            "l.title",
            "l.thumbnail",
            "LEFT JOIN listings l ON l.id = g.key",
        ),
        GroupBy::Buyer => (
            "q.buyer_id",
            "b.nickname",
            "NULL",
            "LEFT JOIN buyers b ON b.id = g.key",
        ),
    };
    let order = match query.status {
        StatusFilter::Unanswered => "g.oldest ASC, g.key",
        StatusFilter::Answered | StatusFilter::All => "g.newest DESC, g.key",
    };
    let n = filter.values.len();
    let sql = format!(
        "SELECT CAST(g.key AS TEXT), {label}, {thumbnail}, g.n, g.waiting, g.oldest, g.newest
         FROM (SELECT {column} AS key, COUNT(*) AS n,
                      SUM(q.status = '{UNANSWERED}') AS waiting,
                      MIN(q.date_created) AS oldest, MAX(q.date_created) AS newest
               FROM {from} WHERE {clause} GROUP BY {column}
               ORDER BY {inner} LIMIT ?{} OFFSET ?{}) AS g
         {join}
         ORDER BY {order}",
        n + 1,
        n + 2,
        from = filter.from,
        clause = filter.clause,
        inner = order.replace("g.", ""),
    );
    let mut params = filter.params();
    params.push(&limit);
    params.push(&offset);
    let items = conn
        .prepare_cached(&sql)?
        .query_map(params.as_slice(), |r| {
            Ok(InboxGroup {
                key: r.get(0)?,
                label: r.get(1)?,
                thumbnail: r.get(2)?,
                count: r.get(3)?,
                waiting: r.get(4)?,
                oldest: r.get(5)?,
                newest: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total: i64 = conn
        .prepare_cached(&format!(
            "SELECT COUNT(DISTINCT {column}) FROM {} WHERE {}",
            filter.from, filter.clause
        ))?
        .query_row(filter.params().as_slice(), |r| r.get(0))?;
    Ok(GroupPage {
        items,
        total,
        unanswered: super::unanswered(conn)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::testing::temp_store;

    /// Two listings and three buyers; question 4 is answered.
    fn seeded() -> (tempfile::TempDir, Store) {
        let (dir, store) = temp_store();
        let conn = store.conn().unwrap();
        conn.execute_batch(
            "INSERT INTO accounts (id, nickname, site_id, api_base, created_at)
                 VALUES (1, 'TIENDA', 'MLA', 'http://127.0.0.1:1', '2026-01-01T00:00:00Z');
             INSERT INTO listings (id, account_id, title, thumbnail, updated_at) VALUES
                 ('MLA1', 1, 'Termo acero 1 L', 'https://img/1.jpg', '2026-01-01T00:00:00Z'),
                 ('MLA2', 1, 'Mate de calabaza', NULL, '2026-01-01T00:00:00Z');
             INSERT INTO buyers (id, nickname) VALUES (10, 'ANA'), (11, 'BETO'), (12, 'CAMI');
             INSERT INTO questions (id, account_id, item_id, buyer_id, text, status, date_created,
                                    answer_text, updated_at) VALUES
                 (1, 1, 'MLA1', 10, '¿Es térmico?', 'UNANSWERED', '2026-03-01T10:00:00Z', NULL, 'x'),
                 (2, 1, 'MLA1', 11, '¿Hacen envío?', 'UNANSWERED', '2026-03-01T12:00:00Z', NULL, 'x'),
                 (3, 1, 'MLA2', 10, '¿Trae bombilla?', 'UNANSWERED', '2026-03-01T09:00:00Z', NULL, 'x'),
                 (4, 1, 'MLA2', 12, '¿Color?', 'ANSWERED', '2026-03-02T09:00:00Z', 'Marrón', 'x');",
        )
        .unwrap();
        (dir, store)
    }

    fn groups(store: &Store, by: GroupBy, query: InboxQuery) -> GroupPage {
        list(&store.conn().unwrap(), &GroupQuery { by, query }).unwrap()
    }

    #[test]
    fn listings_longest_waiting_first_with_counts_and_titles() {
        let (_dir, store) = seeded();
        let page = groups(&store, GroupBy::Listing, InboxQuery::default());
        assert_eq!(page.total, 2);
        assert_eq!(page.unanswered, 3);
        let keys: Vec<_> = page.items.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(
            keys,
            ["MLA2", "MLA1"],
            "MLA2's question has waited since 09:00"
        );
        let termo = &page.items[1];
        assert_eq!(termo.label.as_deref(), Some("Termo acero 1 L"));
        assert_eq!(termo.thumbnail.as_deref(), Some("https://img/1.jpg"));
        assert_eq!((termo.count, termo.waiting), (2, 2));
        assert_eq!(termo.oldest, "2026-03-01T10:00:00Z");
        assert_eq!(termo.newest, "2026-03-01T12:00:00Z");
    }

    #[test]
    fn buyers_under_the_status_filter_latest_activity_first() {
        let (_dir, store) = seeded();
        let all = InboxQuery {
            status: StatusFilter::All,
            ..InboxQuery::default()
        };
        let page = groups(&store, GroupBy::Buyer, all);
        let rows: Vec<_> = page
            .items
            .iter()
            .map(|g| {
                (
                    g.key.as_str(),
                    g.label.as_deref().unwrap(),
                    g.count,
                    g.waiting,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("12", "CAMI", 1, 0),
                ("11", "BETO", 1, 1),
                ("10", "ANA", 2, 2)
            ]
        );
        let unanswered = groups(&store, GroupBy::Buyer, InboxQuery::default());
        assert_eq!(unanswered.total, 2, "CAMI has nothing waiting");
    }

    #[test]
    fn searches_and_pages_groups() {
        let (_dir, store) = seeded();
        let found = groups(
            &store,
            GroupBy::Listing,
            InboxQuery {
                status: StatusFilter::All,
                search: Some("envio".into()),
                ..InboxQuery::default()
            },
        );
        assert_eq!(found.total, 1);
        assert_eq!(found.items[0].key, "MLA1");
        let second = groups(
            &store,
            GroupBy::Listing,
            InboxQuery {
                limit: Some(1),
                offset: Some(1),
                ..InboxQuery::default()
            },
        );
        assert_eq!(second.total, 2);
        assert_eq!(second.items.len(), 1);
        assert_eq!(second.items[0].key, "MLA1");
    }
}
