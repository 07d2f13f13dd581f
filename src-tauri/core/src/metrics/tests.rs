//! Every series against a store built by hand, and the rollups following a change.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::*;
use crate::store::testing::temp_store;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

fn build(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "INSERT INTO accounts (id, nickname, site_id, api_base, created_at) VALUES
             (1, 'TIENDA', 'MLA', 'http://x', '2026-01-01T00:00:00.000Z'),
             (2, 'LOJA', 'MLB', 'http://x', '2026-01-01T00:00:00.000Z');
         INSERT INTO members (id, name, role, created_at) VALUES
             (7, 'Ana', 'operator', '2026-01-01T00:00:00.000Z'),
             (8, 'Beto', 'operator', '2026-01-01T00:00:00.000Z');
         INSERT INTO questions (id, account_id, item_id, buyer_id, text, status, date_created,
                                answer_text, answer_date, updated_at, answered_by) VALUES
             (101, 1, 'MLA1', 9, 'a', 'ANSWERED', '2026-11-20T10:00:00.000Z', 'r', '2026-11-20T10:01:00.000Z', 'x', 7),
             (102, 1, 'MLA1', 9, 'b', 'ANSWERED', '2026-11-20T10:00:00.000Z', 'r', '2026-11-20T10:02:00.000Z', 'x', 8),
             (103, 1, 'MLA1', 9, 'c', 'ANSWERED', '2026-11-20T10:00:00.000Z', 'r', '2026-11-20T10:10:00.000Z', 'x', 7),
             (104, 1, 'MLA1', 9, 'd', 'UNANSWERED', '2026-11-20T11:00:00.000Z', NULL, NULL, 'x', NULL),
             (105, 1, 'MLA1', 9, 'e', 'BANNED', '2026-11-20T12:00:00.000Z', NULL, NULL, 'x', NULL),
             (106, 1, 'MLA1', 9, 'f', 'ANSWERED', '2026-11-21T09:00:00.000Z', 'r', '2026-11-21T09:00:30.000Z', 'x', NULL),
             (201, 2, 'MLB1', 9, 'g', 'ANSWERED', '2026-11-20T08:00:00.000Z', 'r', '2026-11-20T08:05:00.000Z', 'x', NULL);
         INSERT INTO orders (id, account_id, status, date_created, last_updated, total_amount,
                             currency_id, shipping_id) VALUES
             (1001, 1, 'paid', '2026-11-20T13:00:00.000Z', 'x', '100.5', 'ARS', NULL),
             (1002, 1, 'paid', '2026-11-20T14:00:00.000Z', 'x', '50', 'ARS', NULL),
             (1003, 1, 'cancelled', '2026-11-20T15:00:00.000Z', 'x', '70', 'ARS', NULL),
             (1004, 1, 'paid', '2026-11-21T15:00:00.000Z', 'x', '10', 'ARS', 5004),
             (1005, 1, 'payment_required', '2026-11-21T16:00:00.000Z', 'x', '999', 'ARS', NULL),
             (2001, 2, 'paid', '2026-11-20T15:00:00.000Z', 'x', '80', 'BRL', NULL);
         INSERT INTO order_items (order_id, line, item_id, quantity) VALUES
             (1001, 0, 'MLA1', 2), (1002, 0, 'MLA1', 1), (1003, 0, 'MLA1', 4),
             (1004, 0, 'MLA1', 1), (1005, 0, 'MLA1', 9), (2001, 0, 'MLB1', 1);
         INSERT INTO claims (id, account_id, resource_id, status, date_created) VALUES
             (1, 1, 1004, 'opened', '2026-11-21T18:00:00.000Z');
         INSERT INTO shipments (id, account_id, order_id, status, delayed, updated_at) VALUES
             (5004, 1, 1004, 'delivered', 1, 'x');
         INSERT INTO visits_daily (account_id, day, total) VALUES
             (1, '2026-11-20', 30), (1, '2026-11-21', 10);",
    )
}

fn figures(conn: &mut Connection, account: Option<i64>) -> Metrics {
    let query = MetricsQuery {
        account_id: account,
        from: Some(day("2026-11-20")),
        to: Some(day("2026-11-21")),
        ..MetricsQuery::default()
    };
    series(conn, &query, day("2026-11-22")).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_series_of_one_account_from_a_store_built_by_hand() {
    let (dir, _store) = temp_store();
    let mut conn =
        Connection::open(dir.path().join("mostrador.db")).unwrap_or_else(|e| panic!("{e}"));
    build(&conn).unwrap_or_else(|e| panic!("{e}"));
    let m = figures(&mut conn, Some(1));
    assert_eq!((m.window_days, m.currency.as_deref()), (60, Some("ARS")));
    assert_eq!(m.bands.map(|b| b.green[0]), Some(0.015));
    assert_eq!(m.days.len(), 2);
    let (d1, d2) = (&m.days[0], &m.days[1]);
    // Five asked, four waited (the banned one never did), three answered: 60, 120, 600 s.
    assert_eq!((d1.received, d1.answered, d1.unanswered), (5, 3, 1));
    assert_eq!(
        (d1.response_median_s, d1.response_p90_s),
        (Some(120.0), Some(600.0))
    );
    assert_eq!((d2.received, d2.answered, d2.unanswered), (1, 1, 1));
    assert_eq!(d2.response_median_s, Some(30.0));
    // Two paid (3 units, 150.5) and a cancellation without a claim; the unpaid order is no sale.
    assert_eq!((d1.sales, d1.units, d1.amount), (3, 3, Some(150.5)));
    assert_eq!(
        (d1.visits, d1.conversion, d1.provisional),
        (Some(30), Some(0.1), false)
    );
    assert!(d2.provisional, "visits of yesterday may still arrive");
    // The window's rates on the second day: 4 sales, 1 claim, 1 cancellation, 1 of 1 late.
    assert_eq!(d2.claims_rate, Some(0.25));
    assert_eq!(d2.cancellations_rate, Some(0.25));
    assert_eq!(d2.delayed_rate, Some(1.0));
    assert_eq!(d1.delayed_rate, None, "nothing dispatched yet");
    // Per member on the first day: Ana 60 and 600 s, Beto 120 s; outside the app on the second.
    let member = |id: i64, on: &str| {
        m.members
            .iter()
            .find(|r| r.member_id == id && r.day == day(on))
            .map(|r| {
                (
                    r.name.clone(),
                    r.answered,
                    r.response_median_s,
                    r.response_p90_s,
                )
            })
    };
    assert_eq!(
        member(7, "2026-11-20"),
        Some(("Ana".into(), 2, Some(60.0), Some(600.0)))
    );
    assert_eq!(
        member(8, "2026-11-20"),
        Some(("Beto".into(), 1, Some(120.0), Some(120.0)))
    );
    assert_eq!(
        member(0, "2026-11-21"),
        Some((String::new(), 1, Some(30.0), Some(30.0)))
    );
}

#[test]
fn all_accounts_merge_medians_from_the_questions_and_keep_currencies_apart() {
    let (dir, _store) = temp_store();
    let mut conn =
        Connection::open(dir.path().join("mostrador.db")).unwrap_or_else(|e| panic!("{e}"));
    build(&conn).unwrap_or_else(|e| panic!("{e}"));
    let m = figures(&mut conn, None);
    let d1 = &m.days[0];
    // 60, 120, 300, 600 s: nearest-rank median 120, p90 600.
    assert_eq!((d1.received, d1.answered), (6, 4));
    assert_eq!(
        (d1.response_median_s, d1.response_p90_s),
        (Some(120.0), Some(600.0))
    );
    assert_eq!((d1.sales, d1.units), (4, 4));
    assert_eq!((d1.amount, m.currency, m.bands), (None, None, None));
}

#[test]
fn a_change_recomputes_only_its_days_through_the_triggers() {
    let (dir, _store) = temp_store();
    let mut conn =
        Connection::open(dir.path().join("mostrador.db")).unwrap_or_else(|e| panic!("{e}"));
    build(&conn).unwrap_or_else(|e| panic!("{e}"));
    figures(&mut conn, Some(1));
    let dirty = |c: &Connection| -> i64 {
        c.query_row("SELECT COUNT(*) FROM metrics_dirty", [], |r| r.get(0))
            .unwrap_or(-1)
    };
    assert_eq!(dirty(&conn), 0);
    // The waiting question of the 20th is answered on the 21st; a claim arrives on the 20th.
    conn.execute_batch(
        "UPDATE questions SET status = 'ANSWERED', answer_text = 'r',
             answer_date = '2026-11-21T11:00:00.000Z' WHERE id = 104;
         INSERT INTO claims (id, account_id, resource_id, status, date_created) VALUES
             (2, 1, 1001, 'opened', '2026-11-21T19:00:00.000Z');
         UPDATE shipments SET updated_at = 'y' WHERE id = 5004;",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // The unchanged shipment marked nothing; the answer marked both its days; the claim its sale's.
    let marks: Vec<(i64, String, String)> = {
        let mut stmt = conn
            .prepare("SELECT account_id, kind, day FROM metrics_dirty ORDER BY 1, 2, 3")
            .unwrap_or_else(|e| panic!("{e}"));
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    assert_eq!(
        marks,
        vec![
            (1, "q".into(), "2026-11-20".into()),
            (1, "q".into(), "2026-11-21".into()),
            (1, "s".into(), "2026-11-20".into()),
        ]
    );
    let m = figures(&mut conn, Some(1));
    assert_eq!(dirty(&conn), 0);
    let (d1, d2) = (&m.days[0], &m.days[1]);
    assert_eq!((d1.answered, d1.unanswered), (3, 1));
    assert_eq!((d2.answered, d2.unanswered), (2, 0));
    assert_eq!(d1.claims_rate, Some(1.0 / 3.0));
    assert_eq!(d2.claims_rate, Some(0.5));
}

#[test]
fn a_bad_range_is_refused() {
    let (dir, _store) = temp_store();
    let mut conn =
        Connection::open(dir.path().join("mostrador.db")).unwrap_or_else(|e| panic!("{e}"));
    let today = day("2026-11-22");
    let backwards = MetricsQuery {
        from: Some(day("2026-11-21")),
        to: Some(day("2026-11-20")),
        ..MetricsQuery::default()
    };
    assert!(series(&mut conn, &backwards, today).is_err());
    let long = MetricsQuery {
        days: Some(MAX_RANGE_DAYS + 1),
        ..MetricsQuery::default()
    };
    assert!(series(&mut conn, &long, today).is_err());
    let unknown = MetricsQuery {
        account_id: Some(5),
        ..MetricsQuery::default()
    };
    assert!(series(&mut conn, &unknown, today).is_err());
    let empty =
        series(&mut conn, &MetricsQuery::default(), today).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(empty.days.len(), 120);
    assert!(
        empty
            .days
            .iter()
            .all(|d| d.received == 0 && d.claims_rate.is_none())
    );
}
