use chrono::{TimeZone, Utc};

use super::*;
use crate::store::{Store, testing::temp_store};

/// Two accounts:
/// - order 100 (pack 500, ANA): ready to ship, due today 15:00, the buyer wrote last;
/// - order 101 (pack 500): the same shipment's pack sibling without a shipment of its own;
/// - order 102 (no pack): handling, due tomorrow, late per Mercado Libre;
/// - order 103: shipped (nothing to dispatch); order 104: cancelled with a pending shipment;
/// - order 200 on account 2: ready to ship, overdue since yesterday.
fn seeded() -> (tempfile::TempDir, Store) {
    let (dir, store) = temp_store();
    store
        .conn()
        .unwrap()
        .execute_batch(
            "INSERT INTO accounts (id, nickname, site_id, api_base, created_at) VALUES
                 (1, 'TIENDA', 'MLA', 'http://127.0.0.1:1', '2026-01-01T00:00:00Z'),
                 (2, 'OUTLET', 'MLA', 'http://127.0.0.1:1', '2026-01-01T00:00:00Z');
             INSERT INTO buyers (id, nickname) VALUES (10, 'ANA_BELLA'), (11, 'BETO');
             INSERT INTO orders (id, account_id, status, date_created, last_updated, total_amount,
                                 currency_id, buyer_id, pack_id, shipping_id) VALUES
                 (100, 1, 'paid', '2026-03-01T08:00:00.000Z', 'x', '1500.00', 'ARS', 10, 500, 9000),
                 (101, 1, 'paid', '2026-03-01T08:00:01.000Z', 'x', '300.00', 'ARS', 10, 500, NULL),
                 (102, 1, 'paid', '2026-03-01T09:00:00.000Z', 'x', '99.90', 'ARS', 11, NULL, 9002),
                 (103, 1, 'paid', '2026-02-28T09:00:00.000Z', 'x', '10.00', 'ARS', 11, NULL, 9003),
                 (104, 1, 'cancelled', '2026-02-27T09:00:00.000Z', 'x', '10.00', 'ARS', 11, NULL, 9004),
                 (200, 2, 'paid', '2026-02-26T09:00:00.000Z', 'x', '50.00', 'ARS', 11, NULL, 9200);
             INSERT INTO order_items (order_id, line, item_id, title, quantity, unit_price) VALUES
                 (100, 0, 'MLA1', 'Termo', 1, '1500.00'),
                 (100, 1, 'MLA2', 'Mate', 2, '100.00'),
                 (102, 0, 'MLA9', 'Bombilla', 1, '99.90');
             INSERT INTO shipments (id, account_id, order_id, status, sla_expected_date, delayed,
                                    updated_at) VALUES
                 (9000, 1, 100, 'ready_to_ship', '2026-03-02T15:00:00.000Z', 0, 'x'),
                 (9002, 1, 102, 'handling', '2026-03-03T15:00:00.000Z', 1, 'x'),
                 (9003, 1, 103, 'shipped', '2026-03-01T15:00:00.000Z', 0, 'x'),
                 (9004, 1, 104, 'pending', '2026-03-02T10:00:00.000Z', 0, 'x'),
                 (9200, 2, 200, 'ready_to_ship', '2026-03-01T12:00:00.000Z', 0, 'x');
             INSERT INTO messages (id, account_id, pack_id, from_id, to_id, text, status,
                                   date_created)
                 VALUES ('m1', 1, 500, 10, 1, '¿Cuándo sale?', 'available',
                         '2026-03-01T10:00:00.000Z');",
        )
        .unwrap();
    (dir, store)
}

fn end_of_march_2() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 23, 59, 59).unwrap()
}

#[test]
fn to_dispatch_lists_what_is_due_by_the_end_of_the_day_overdue_first() {
    let (_dir, store) = seeded();
    let page = list(
        &store.conn().unwrap(),
        &OrderQuery {
            dispatch_before: Some(end_of_march_2()),
            ..Default::default()
        },
    )
    .unwrap();
    let ids: Vec<i64> = page.items.iter().map(|o| o.order_id).collect();
    // 200 overdue, then 100 due today; 102 is due tomorrow, 103 left, 104 was cancelled.
    assert_eq!(ids, [200, 100]);
    assert_eq!((page.total, page.to_dispatch), (2, 2));
    let ana = &page.items[1];
    assert_eq!(ana.pack_id, 500);
    assert_eq!(ana.units, 3);
    assert_eq!(ana.item_title.as_deref(), Some("Termo"));
    assert_eq!(ana.buyer_nickname.as_deref(), Some("ANA_BELLA"));
    assert_eq!(ana.dispatch_by.as_deref(), Some("2026-03-02T15:00:00.000Z"));
    assert!(ana.waiting);
    assert_eq!(ana.message_count, 1);
    assert_eq!(page.items[0].account_nickname, "OUTLET");
}

#[test]
fn without_a_day_every_pending_dispatch_is_listed_and_one_account_can_be_asked() {
    let (_dir, store) = seeded();
    let conn = store.conn().unwrap();
    let all = list(&conn, &OrderQuery::default()).unwrap();
    let ids: Vec<i64> = all.items.iter().map(|o| o.order_id).collect();
    assert_eq!(ids, [200, 100, 102]);
    assert!(all.items[2].delayed, "Mercado Libre says 102 is late");
    let one = list(
        &conn,
        &OrderQuery {
            account_id: Some(2),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(one.items.len(), 1);
    assert_eq!(one.to_dispatch, 1);
}

#[test]
fn all_lists_every_order_newest_first_and_pages() {
    let (_dir, store) = seeded();
    let conn = store.conn().unwrap();
    let query = |offset| OrderQuery {
        filter: OrderFilter::All,
        limit: Some(4),
        offset: Some(offset),
        dispatch_before: Some(end_of_march_2()),
        account_id: None,
    };
    let first = list(&conn, &query(0)).unwrap();
    let ids: Vec<i64> = first.items.iter().map(|o| o.order_id).collect();
    assert_eq!(ids, [102, 101, 100, 103]);
    assert_eq!((first.total, first.to_dispatch), (6, 2));
    // The shipped order has no dispatch deadline any more; the pack sibling no shipment.
    assert_eq!(first.items[3].dispatch_by, None);
    assert_eq!(first.items[3].shipment_status.as_deref(), Some("shipped"));
    assert_eq!(first.items[1].shipment_status, None);
    let rest = list(&conn, &query(4)).unwrap();
    let ids: Vec<i64> = rest.items.iter().map(|o| o.order_id).collect();
    assert_eq!(ids, [104, 200]);
}

/// Writes every order of the seeded store (as the "all" list gives them) and what each query
/// returns, for the UI's mock backend to match (run with the binding exports).
#[test]
fn export_bindings_orders_golden() {
    let (_dir, store) = seeded();
    let conn = store.conn().unwrap();
    let all = |account_id| OrderQuery {
        filter: OrderFilter::All,
        account_id,
        limit: Some(500),
        ..Default::default()
    };
    let rows = list(&conn, &all(None)).unwrap().items;
    let mut cases = Vec::new();
    for filter in [OrderFilter::ToDispatch, OrderFilter::All] {
        for before in [
            None,
            Some(end_of_march_2()),
            Some(end_of_march_2() - chrono::Duration::days(2)),
        ] {
            for account_id in [None, Some(1), Some(2)] {
                for (limit, offset) in [(100, 0), (1, 1)] {
                    let query = OrderQuery {
                        filter,
                        dispatch_before: before,
                        account_id,
                        limit: Some(limit),
                        offset: Some(offset),
                    };
                    let page = list(&conn, &query).unwrap();
                    let ids: Vec<i64> = page.items.iter().map(|o| o.order_id).collect();
                    cases.push(serde_json::json!({
                        "query": query,
                        "ids": ids,
                        "total": page.total,
                        "to_dispatch": page.to_dispatch,
                    }));
                }
            }
        }
    }
    let dir = std::path::PathBuf::from(
        std::env::var("TS_RS_EXPORT_DIR")
            .unwrap_or_else(|_| "../../ui/src/lib/ipc/bindings".into()),
    )
    .join("golden");
    std::fs::create_dir_all(&dir).unwrap();
    let golden = serde_json::json!({ "orders": rows, "cases": cases });
    let json = serde_json::to_string_pretty(&golden).unwrap() + "\n";
    std::fs::write(dir.join("orders.json"), json).unwrap();
}
