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
    // Per member on the first day: Ana 60 and 600 s, Beto 120 s.
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
    // Answers given outside the app count for everyone, not for a member.
    assert_eq!(member(0, "2026-11-21"), None);
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

/// A seller's four months and more, generated (deterministic), for the UI's mock: the figures
/// the core computes from it are written as a golden file the mock serves and its test checks.
fn demo_store(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "INSERT INTO accounts (id, nickname, site_id, api_base, created_at) VALUES
             (1, 'MATEANDO_SHOP', 'MLA', 'http://x', '2026-01-01T00:00:00.000Z'),
             (2, 'MATEANDO_OUTLET', 'MLA', 'http://x', '2026-01-01T00:00:00.000Z');
         INSERT INTO members (id, name, role, created_at) VALUES
             (7, 'Ana', 'operator', '2026-01-01T00:00:00.000Z'),
             (8, 'Beto', 'operator', '2026-01-01T00:00:00.000Z');
         INSERT INTO reputation_snapshots (account_id, day, level_id, power_seller_status,
             real_level, protection_end_date, metrics, taken_at) VALUES
             (1, '2026-11-29', '3_yellow', NULL, NULL, NULL,
              '{\"claims\":{\"period\":\"60 days\",\"rate\":0.012,\"value\":9}}', 'x'),
             (2, '2026-11-29', '5_green', NULL, 'orange', '2026-12-20T00:00:00.000-03:00',
              '{\"claims\":{\"period\":\"60 days\",\"rate\":0,\"value\":0,\"excluded\":{\"real_value\":4,\"real_rate\":0.05}}}', 'x');",
    )?;
    let mut rng = fastrand::Rng::with_seed(2026);
    let today = day("2026-11-29");
    let (mut qid, mut oid) = (1_i64, 1_i64);
    for back in (0..200_i64).rev() {
        let date = today - chrono::Duration::days(back);
        for account in [1_i64, 2] {
            let busy = if account == 1 { 1.0 } else { 0.3 };
            let asked = ((20 + rng.i64(0..30)) as f64 * busy) as i64;
            for _ in 0..asked {
                let at = date
                    .and_hms_opt(rng.u32(8..22), rng.u32(0..60), 0)
                    .unwrap_or_default();
                let unanswered = back < 2 && rng.f64() < 0.4;
                let wait = [40, 300, 1200, 5400, 30_000][rng.usize(0..5)] + rng.i64(0..200);
                let answered_at = at + chrono::Duration::seconds(wait);
                let by = [Some(7), Some(8), None][rng.usize(0..3)];
                conn.execute(
                    "INSERT INTO questions (id, account_id, item_id, buyer_id, text, status,
                         date_created, answer_text, answer_date, updated_at, answered_by)
                     VALUES (?1, ?2, 'MLA1', 9, 'q', ?3, ?4, ?5, ?6, 'x', ?7)",
                    rusqlite::params![
                        qid,
                        account,
                        if unanswered { "UNANSWERED" } else { "ANSWERED" },
                        format!("{}.000Z", at.format("%Y-%m-%dT%H:%M:%S")),
                        (!unanswered).then_some("r"),
                        (!unanswered)
                            .then(|| format!("{}.000Z", answered_at.format("%Y-%m-%dT%H:%M:%S"))),
                        if unanswered { None } else { by },
                    ],
                )?;
                qid += 1;
            }
            let sold = ((6 + rng.i64(0..14)) as f64 * busy) as i64;
            for _ in 0..sold {
                let at = format!("{}T{:02}:00:00.000Z", date, rng.u32(0..24));
                let cancelled = rng.f64() < if account == 1 { 0.008 } else { 0.03 };
                conn.execute(
                    "INSERT INTO orders (id, account_id, status, date_created, last_updated,
                         total_amount, currency_id, shipping_id) VALUES (?1, ?2, ?3, ?4, 'x', ?5, 'ARS', ?1)",
                    rusqlite::params![
                        oid,
                        account,
                        if cancelled { "cancelled" } else { "paid" },
                        at,
                        format!("{}", 8_000 + rng.i64(0..40_000)),
                    ],
                )?;
                conn.execute(
                    "INSERT INTO order_items (order_id, line, item_id, quantity) VALUES (?1, 0, 'MLA1', ?2)",
                    rusqlite::params![oid, 1 + rng.i64(0..3)],
                )?;
                if rng.f64() < if account == 1 { 0.011 } else { 0.05 } {
                    conn.execute(
                        "INSERT INTO claims (id, account_id, resource_id, status, date_created)
                         VALUES (?1, ?2, ?1, 'opened', ?3)",
                        rusqlite::params![oid, account, at],
                    )?;
                }
                if !cancelled {
                    conn.execute(
                        "INSERT INTO shipments (id, account_id, order_id, status, delayed, updated_at)
                         VALUES (?1, ?2, ?1, ?3, ?4, 'x')",
                        rusqlite::params![
                            oid,
                            account,
                            if back < 3 { "ready_to_ship" } else { "delivered" },
                            rng.f64() < 0.06,
                        ],
                    )?;
                }
                oid += 1;
            }
            if back >= 1 {
                conn.execute(
                    "INSERT INTO visits_daily (account_id, day, total) VALUES (?1, ?2, ?3)",
                    rusqlite::params![
                        account,
                        date.to_string(),
                        ((300 + rng.i64(0..400)) as f64 * busy * if back < 3 { 0.6 } else { 1.0 })
                            as i64
                    ],
                )?;
            }
        }
    }
    Ok(())
}

#[test]
fn export_bindings_metrics_golden() {
    let (dir, _store) = temp_store();
    let mut conn =
        Connection::open(dir.path().join("mostrador.db")).unwrap_or_else(|e| panic!("{e}"));
    let tx = conn.transaction().unwrap_or_else(|e| panic!("{e}"));
    demo_store(&tx).unwrap_or_else(|e| panic!("{e}"));
    tx.commit().unwrap_or_else(|e| panic!("{e}"));
    let today = day("2026-11-29");
    let series_of = |conn: &mut Connection, account: Option<i64>| {
        let query = MetricsQuery {
            account_id: account,
            days: Some(120),
            ..MetricsQuery::default()
        };
        series(conn, &query, today).unwrap_or_else(|e| panic!("{e}"))
    };
    let all = series_of(&mut conn, None);
    let shop = series_of(&mut conn, Some(1));
    let outlet = series_of(&mut conn, Some(2));
    // The cross-account figures add up where they can.
    for ((a, s), o) in all.days.iter().zip(&shop.days).zip(&outlet.days) {
        assert_eq!(a.received, s.received + o.received, "{}", a.day);
        assert_eq!(a.units, s.units + o.units, "{}", a.day);
    }
    let thermometers: Vec<crate::reputation::history::Thermometer> = [1, 2]
        .into_iter()
        .map(|id| crate::reputation::history::thermometer(&conn, id, today))
        .collect::<crate::Result<_>>()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        thermometers[1].difference,
        Some(crate::reputation::history::Difference::Protection)
    );
    let golden = serde_json::json!({
        "today": today,
        "series": { "all": all, "1": shop, "2": outlet },
        "thermometers": thermometers,
    });
    let out = std::path::PathBuf::from(
        std::env::var("TS_RS_EXPORT_DIR")
            .unwrap_or_else(|_| "../../ui/src/lib/ipc/bindings".into()),
    )
    .join("golden");
    std::fs::create_dir_all(&out).unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_string(&golden).unwrap_or_else(|e| panic!("{e}")) + "\n";
    std::fs::write(out.join("metrics.json"), json).unwrap_or_else(|e| panic!("{e}"));
}
