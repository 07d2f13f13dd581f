//! Deadlines read from a store built by hand.

use rusqlite::Connection;

use super::*;
use crate::store::testing::temp_store;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// Kind, target, pack, order, due.
type Summary = (DeadlineKind, i64, Option<i64>, Option<i64>, DateTime<Utc>);

#[test]
fn messages_claims_and_dispatches_each_with_its_rule_soonest_first() {
    let (dir, _store) = temp_store();
    let conn = Connection::open(dir.path().join("mostrador.db")).unwrap_or_else(|e| panic!("{e}"));
    conn.execute_batch(
        "INSERT INTO accounts (id, nickname, site_id, api_base, created_at) VALUES
             (1, 'TIENDA', 'MLA', 'http://x', '2026-01-01T00:00:00.000Z'),
             (2, 'LOJA', 'MLB', 'http://x', '2026-01-01T00:00:00.000Z');
         INSERT INTO orders (id, account_id, status, date_created, last_updated, pack_id) VALUES
             (10, 1, 'paid', '2026-11-20T12:00:00.000Z', 'x', 500),
             (11, 1, 'paid', '2026-11-20T12:00:00.000Z', 'x', NULL),
             (12, 2, 'paid', '2026-11-20T12:00:00.000Z', 'x', NULL);
         -- Waiting since Wednesday 2026-11-25 19:00 in Buenos Aires (22:00 UTC).
         INSERT INTO conversations (account_id, pack_id, last_message_id, last_at, waiting_since,
                                    message_count) VALUES
             (1, 500, 'm1', '2026-11-25T22:00:00.000Z', '2026-11-25T22:00:00.000Z', 1),
             (1, 501, 'm2', '2026-11-25T22:00:00.000Z', NULL, 2);
         -- A claim opened Thursday 2026-11-19 10:00 in São Paulo; Friday is a holiday there.
         INSERT INTO claims (id, account_id, resource_id, status, date_created) VALUES
             (7, 2, 12, 'opened', '2026-11-19T13:00:00.000Z'),
             (8, 2, 12, 'closed', '2026-11-19T13:00:00.000Z');
         INSERT INTO shipments (id, account_id, order_id, status, sla_expected_date, updated_at) VALUES
             (90, 1, 11, 'ready_to_ship', '2026-11-26T02:59:59.000Z', 'x'),
             (91, 1, 10, 'delivered', '2026-11-20T02:59:59.000Z', 'x');",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let deadlines = list(&conn, &DeadlineQuery::default()).unwrap_or_else(|e| panic!("{e}"));
    let summary: Vec<Summary> = deadlines
        .iter()
        .map(|d| (d.kind, d.target_id, d.pack_id, d.order_id, d.due_at))
        .collect();
    assert_eq!(
        summary,
        vec![
            // 11 h on Thursday, Friday a holiday, 13 h on Monday, 2 h on Tuesday: 26 h in all.
            (
                DeadlineKind::Claim,
                7,
                Some(12),
                Some(12),
                at("2026-11-24T10:00:00-03:00")
            ),
            (
                DeadlineKind::Dispatch,
                90,
                Some(11),
                Some(11),
                at("2026-11-26T02:59:59Z")
            ),
            // 2 h on Wednesday, 6 h from 08:00 Thursday.
            (
                DeadlineKind::Message,
                500,
                Some(500),
                Some(10),
                at("2026-11-26T14:00:00-03:00")
            ),
        ]
    );
    assert_eq!(deadlines[2].since, Some(at("2026-11-25T22:00:00Z")));
    assert_eq!(deadlines[1].since, None);
}

#[test]
fn a_query_keeps_what_is_due_before_an_instant_or_belongs_to_some_packs() {
    let (dir, _store) = temp_store();
    let conn = Connection::open(dir.path().join("mostrador.db")).unwrap_or_else(|e| panic!("{e}"));
    conn.execute_batch(
        "INSERT INTO accounts (id, nickname, site_id, api_base, created_at) VALUES
             (1, 'TIENDA', 'MLA', 'http://x', '2026-01-01T00:00:00.000Z');
         INSERT INTO conversations (account_id, pack_id, last_message_id, last_at, waiting_since,
                                    message_count) VALUES
             (1, 1, 'a', 'x', '2026-11-25T12:00:00.000Z', 1),
             (1, 2, 'b', 'x', '2026-11-25T13:00:00.000Z', 1),
             (1, 3, 'c', 'x', '2026-11-26T12:00:00.000Z', 1);",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let packs = |q: DeadlineQuery| -> Vec<Option<i64>> {
        list(&conn, &q)
            .unwrap_or_else(|e| panic!("{e}"))
            .iter()
            .map(|d| d.pack_id)
            .collect()
    };
    // 09:00 and 10:00 in Buenos Aires on Wednesday: due 17:00 and 18:00; the third Thursday.
    let before = DeadlineQuery {
        due_before: Some(at("2026-11-25T17:30:00-03:00")),
        ..DeadlineQuery::default()
    };
    assert_eq!(packs(before), vec![Some(1)]);
    let some = DeadlineQuery {
        pack_ids: Some(vec![3, 2, 99]),
        ..DeadlineQuery::default()
    };
    assert_eq!(packs(some), vec![Some(2), Some(3)]);
    let one = DeadlineQuery {
        limit: Some(1),
        ..DeadlineQuery::default()
    };
    assert_eq!(packs(one), vec![Some(1)]);
}
