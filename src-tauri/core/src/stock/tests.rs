use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::store::listings::{self, Listing, Traits, Variation};
use crate::store::orders::{self, Order, OrderItem};
use crate::store::questions::tests::{sample, seed_account};
use crate::store::testing::temp_store;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap()
}

fn listing(id: &str, title: &str, available: i64, sku: &str) -> Listing {
    Listing {
        id: id.into(),
        account_id: 7,
        title: title.into(),
        price: Some("1500.50".into()),
        currency_id: Some("ARS".into()),
        available_quantity: Some(available),
        status: Some(if available == 0 { "paused" } else { "active" }.into()),
        permalink: None,
        thumbnail: None,
        sold_quantity: Some(10),
        sku: Some(sku.into()),
        variations: Some(Vec::new()),
        traits: Some(Traits {
            logistic_type: Some("cross_docking".into()),
            catalog_listing: false,
            sub_status: if available == 0 {
                vec!["out_of_stock".into()]
            } else {
                Vec::new()
            },
        }),
    }
}

fn sale(id: i64, item: &str, variation: Option<i64>, units: i64, days_ago: i64) -> Order {
    Order {
        id,
        account_id: 7,
        status: "paid".into(),
        date_created: now() - Duration::days(days_ago),
        last_updated: now() - Duration::days(days_ago),
        total_amount: None,
        currency_id: None,
        buyer_id: Some(99),
        buyer_nickname: None,
        buyer_first_name: None,
        pack_id: None,
        shipping_id: None,
        tags: Vec::new(),
        items: vec![OrderItem {
            item_id: item.into(),
            variation_id: variation,
            title: None,
            quantity: units,
            unit_price: None,
            sku: None,
        }],
    }
}

/// A shop: a café grinder selling 3 a day, a mug with variations, a Full listing, an empty
/// kettle buyers ask about, a catalog listing with variations.
fn shop() -> (tempfile::TempDir, crate::store::Store) {
    let (dir, store) = temp_store();
    let conn = store.conn().unwrap();
    seed_account(&conn);
    listings::upsert(
        &conn,
        &listing("MLA1", "Molinillo de Café", 30, "MOL-1"),
        now(),
    )
    .unwrap();
    let mut mug = listing("MLA2", "Taza térmica", 9, "TAZ");
    mug.variations = Some(vec![
        Variation {
            id: 21,
            attributes: vec![("Color".into(), "Rojo".into())],
            price: None,
            available_quantity: 2,
            sold_quantity: Some(4),
            sku: Some("TAZ-R".into()),
        },
        Variation {
            id: 22,
            attributes: vec![("Color".into(), "Azul".into())],
            price: None,
            available_quantity: 7,
            sold_quantity: Some(1),
            sku: Some("TAZ-A".into()),
        },
    ]);
    listings::upsert(&conn, &mug, now()).unwrap();
    let mut full = listing("MLA3", "Pava eléctrica Full", 50, "PAV-F");
    full.traits.as_mut().unwrap().logistic_type = Some("fulfillment".into());
    listings::upsert(&conn, &full, now()).unwrap();
    listings::upsert(&conn, &listing("MLA4", "Pava de acero", 0, "PAV-A"), now()).unwrap();
    let mut catalog = listing("MLA5", "Termo catálogo", 4, "TER");
    catalog.traits.as_mut().unwrap().catalog_listing = true;
    catalog.variations = Some(vec![Variation {
        id: 51,
        attributes: vec![("Color".into(), "Negro".into())],
        price: None,
        available_quantity: 4,
        sold_quantity: None,
        sku: Some("TER-N".into()),
    }]);
    listings::upsert(&conn, &catalog, now()).unwrap();
    // 90 grinders in the last 30 days (3 a day), one old sale and one cancelled not counted.
    orders::upsert(&conn, &sale(1, "MLA1", None, 90, 5)).unwrap();
    orders::upsert(&conn, &sale(2, "MLA1", None, 500, 45)).unwrap();
    let mut cancelled = sale(3, "MLA1", None, 500, 2);
    cancelled.status = "cancelled".into();
    orders::upsert(&conn, &cancelled).unwrap();
    orders::upsert(&conn, &sale(4, "MLA2", Some(21), 6, 3)).unwrap();
    let mut asks = sample(1);
    asks.item_id = "MLA4".into();
    crate::store::questions::upsert(&conn, &asks, now()).unwrap();
    drop(conn);
    (dir, store)
}

fn ids(page: &StockPage) -> Vec<&str> {
    page.items.iter().map(|r| r.id.as_str()).collect()
}

fn query() -> StockQuery {
    StockQuery {
        limit: 50,
        ..StockQuery::default()
    }
}

#[test]
fn every_listing_with_its_figures() {
    let (_dir, store) = shop();
    let conn = store.conn().unwrap();
    let all = page(&conn, &query(), now()).unwrap();
    assert_eq!(all.total, 5);
    assert_eq!(
        ids(&all),
        ["MLA1", "MLA4", "MLA3", "MLA2", "MLA5"],
        "by title"
    );
    let grinder = &all.items[0];
    assert_eq!(grinder.cover_days, Some(10.0), "30 units at 3 a day");
    assert_eq!(grinder.status, StockStatus::Active);
    assert_eq!(grinder.account, "TIENDA");
    let kettle = &all.items[1];
    assert_eq!(
        (kettle.status, kettle.open_questions, kettle.cover_days),
        (StockStatus::OutOfStock, 1, None)
    );
    let mug = &all.items[3];
    assert_eq!(mug.variations.len(), 2);
    assert_eq!(
        mug.variations[0].cover_days,
        Some(10.0),
        "2 units at 6 a month"
    );
    assert!(mug.variations[0].low, "2 is under the default 5");
    assert!(!mug.variations[1].low);
    assert_eq!(
        mug.variations[0].attributes,
        [("Color".into(), "Rojo".into())]
    );
}

#[test]
fn read_only_rows_say_why() {
    let (_dir, store) = shop();
    let conn = store.conn().unwrap();
    let all = page(&conn, &query(), now()).unwrap();
    let by = |id: &str| all.items.iter().find(|r| r.id == id).unwrap();
    assert_eq!(by("MLA3").read_only, Some(ReadOnlyReason::Fulfillment));
    assert_eq!(
        by("MLA5").variations[0].read_only,
        Some(ReadOnlyReason::Catalog)
    );
    assert_eq!(
        by("MLA5").read_only,
        Some(ReadOnlyReason::Catalog),
        "every variation read-only"
    );
    assert_eq!(by("MLA1").read_only, None);
}

#[test]
fn filters_search_and_sort() {
    let (_dir, store) = shop();
    let conn = store.conn().unwrap();
    let run = |q: StockQuery| page(&conn, &q, now()).unwrap();
    assert_eq!(
        ids(&run(StockQuery {
            search: Some("cafe".into()),
            ..query()
        })),
        ["MLA1"],
        "accents ignored"
    );
    assert_eq!(
        ids(&run(StockQuery {
            search: Some("taz-a".into()),
            ..query()
        })),
        ["MLA2"],
        "a variation's SKU finds its listing"
    );
    assert_eq!(
        ids(&run(StockQuery {
            out_with_questions: true,
            ..query()
        })),
        ["MLA4"]
    );
    assert_eq!(
        ids(&run(StockQuery {
            low: true,
            ..query()
        })),
        ["MLA5"],
        "4 of 5; the mug has 9 in all"
    );
    assert_eq!(
        ids(&run(StockQuery {
            sort: StockSort::Available,
            descending: true,
            limit: 2,
            ..query()
        })),
        ["MLA3", "MLA1"]
    );
    let cover = run(StockQuery {
        sort: StockSort::Cover,
        ..query()
    });
    assert_eq!(ids(&cover)[0], "MLA1", "listings without sales sort last");
    let second = run(StockQuery {
        offset: 4,
        limit: 2,
        ..query()
    });
    assert_eq!((second.items.len(), second.total), (1, 5));
    let past = run(StockQuery {
        offset: 10,
        ..query()
    });
    assert_eq!((past.items.len(), past.total), (0, 5));
}

#[test]
fn thresholds_by_listing_then_sku_then_default() {
    let (_dir, store) = shop();
    let conn = store.conn().unwrap();
    set_default_threshold(&conn, 8).unwrap();
    set_threshold(&conn, "sku", "TAZ-A", Some(10)).unwrap();
    set_threshold(&conn, "listing", "MLA1", Some(40)).unwrap();
    let all = page(&conn, &query(), now()).unwrap();
    let by = |id: &str| all.items.iter().find(|r| r.id == id).unwrap();
    assert_eq!((by("MLA1").threshold, by("MLA1").low), (40, true));
    assert_eq!(by("MLA4").threshold, 8);
    assert!(by("MLA2").variations[1].low, "7 under its SKU's 10");
    assert!(set_threshold(&conn, "sku", "X", Some(-1)).is_err());
    set_threshold(&conn, "listing", "MLA1", None).unwrap();
    let all = page(&conn, &query(), now()).unwrap();
    assert_eq!(all.items[0].threshold, 8);
}

#[test]
fn bulk_changes_apply_to_the_current_quantity() {
    assert_eq!(StockChange::Set(4).apply(9), Some(4));
    assert_eq!(StockChange::Add(4).apply(9), Some(13));
    assert_eq!(
        StockChange::Subtract(40).apply(9),
        Some(0),
        "never below zero"
    );
    assert_eq!(StockChange::Pause.apply(9), None);
}

/// Writes the shop and what the core's page makes of it under several queries: the cases the
/// UI's mock backend is checked against (`mockStock.test.ts`). Run with the other binding
/// exports; `cargo xtask test` fails when the committed file is stale.
#[test]
fn export_bindings_stock_golden() {
    let (_dir, store) = shop();
    let conn = store.conn().unwrap();
    set_threshold(&conn, "sku", "TAZ-A", Some(10)).unwrap();
    set_threshold(&conn, "listing", "MLA5", Some(2)).unwrap();
    // Confirmed groups (the golden world has one account; the filter only reads their state):
    // a variation's SKU, a listing's own SKU, and the own SKU of a listing with variations,
    // which does not count (its variations carry the stock).
    for sku in ["TAZ-A", "MOL-1", "TER"] {
        conn.execute(
            "INSERT INTO stock_links (sku, state, quantity, proposed_at)
             VALUES (?1, 'confirmed', 2, ?2)",
            rusqlite::params![sku, crate::store::ts(now())],
        )
        .unwrap();
    }
    let since = crate::store::ts(now() - Duration::days(30));
    let units = |item: &str, variation: Option<i64>| -> i64 {
        conn.query_row(
            "SELECT COALESCE(SUM(oi.quantity), 0) FROM order_items oi
             JOIN orders o ON o.id = oi.order_id
             WHERE oi.item_id = ?1 AND (?2 IS NULL OR oi.variation_id = ?2)
               AND o.date_created >= ?3 AND o.status != 'cancelled'",
            rusqlite::params![item, variation, since],
            |r| r.get(0),
        )
        .unwrap()
    };
    let mut listings = Vec::new();
    let mut stmt = conn
        .prepare(
            "SELECT l.id, l.title, l.sku, l.available_quantity, l.sold_quantity, l.status,
                    l.sub_status, l.price, l.currency_id, l.logistic_type, l.catalog_listing,
                    (SELECT COUNT(*) FROM questions q
                     WHERE q.item_id = l.id AND q.status = 'UNANSWERED')
             FROM listings l ORDER BY l.id",
        )
        .unwrap();
    let rows: Vec<(String, serde_json::Value)> = stmt
        .query_map([], |r| {
            let id: String = r.get(0)?;
            let sub: String = r.get(6)?;
            Ok((
                id.clone(),
                serde_json::json!({
                    "id": id, "account_id": 7, "account": "TIENDA", "title": r.get::<_, String>(1)?,
                    "thumbnail": null, "sku": r.get::<_, Option<String>>(2)?,
                    "available": r.get::<_, i64>(3)?, "sold": r.get::<_, Option<i64>>(4)?,
                    "status": r.get::<_, String>(5)?,
                    "sub_status": serde_json::from_str::<serde_json::Value>(&sub).unwrap(),
                    "price": r.get::<_, Option<String>>(7)?,
                    "currency_id": r.get::<_, Option<String>>(8)?,
                    "logistic_type": r.get::<_, Option<String>>(9)?,
                    "catalog_listing": r.get::<_, bool>(10)?,
                    "open_questions": r.get::<_, i64>(11)?,
                }),
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for (id, mut raw) in rows {
        raw["units"] = units(&id, None).into();
        let listing = listings::get(&conn, &id).unwrap().unwrap();
        raw["variations"] = listing
            .variations
            .unwrap_or_default()
            .iter()
            .map(|v| {
                serde_json::json!({
                    "id": v.id, "attributes": v.attributes, "sku": v.sku,
                    "available": v.available_quantity, "sold": v.sold_quantity,
                    "units": units(&id, Some(v.id)),
                })
            })
            .collect();
        listings.push(raw);
    }
    let queries = [
        ("all by title", query()),
        (
            "available, largest first",
            StockQuery {
                sort: StockSort::Available,
                descending: true,
                ..query()
            },
        ),
        (
            "cover",
            StockQuery {
                sort: StockSort::Cover,
                ..query()
            },
        ),
        (
            "price, largest first",
            StockQuery {
                sort: StockSort::Price,
                descending: true,
                ..query()
            },
        ),
        (
            "low",
            StockQuery {
                low: true,
                ..query()
            },
        ),
        (
            "out with questions",
            StockQuery {
                out_with_questions: true,
                ..query()
            },
        ),
        (
            "linked",
            StockQuery {
                linked: true,
                ..query()
            },
        ),
        (
            "search cafe",
            StockQuery {
                search: Some("CAFE".into()),
                ..query()
            },
        ),
        (
            "search a variation sku",
            StockQuery {
                search: Some("taz-a".into()),
                ..query()
            },
        ),
        (
            "second page",
            StockQuery {
                offset: 2,
                limit: 2,
                ..query()
            },
        ),
    ];
    let cases: Vec<serde_json::Value> = queries
        .iter()
        .map(|(name, q)| {
            let p = page(&conn, q, now()).unwrap();
            serde_json::json!({
                "name": name,
                "query": {
                    "account_id": q.account_id, "status": q.status, "low": q.low, "out": q.out,
                    "out_with_questions": q.out_with_questions, "linked": q.linked,
                    "search": q.search,
                    "sort": q.sort, "descending": q.descending, "offset": q.offset,
                    "limit": q.limit,
                },
                "total": p.total,
                "rows": p.items.iter().map(|r| serde_json::json!({
                    "id": r.id, "status": r.status, "cover_days": r.cover_days, "low": r.low,
                    "threshold": r.threshold, "read_only": r.read_only,
                    "variations": r.variations.iter().map(|v| serde_json::json!({
                        "id": v.id, "cover_days": v.cover_days, "low": v.low,
                        "read_only": v.read_only,
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let golden = serde_json::json!({
        "default_threshold": default_threshold(&conn).unwrap(),
        "sku_thresholds": { "TAZ-A": 10 },
        "listing_thresholds": { "MLA5": 2 },
        "confirmed_links": { "TAZ-A": 2, "MOL-1": 2, "TER": 2 },
        "listings": listings,
        "cases": cases,
    });
    let dir = std::path::PathBuf::from(
        std::env::var("TS_RS_EXPORT_DIR")
            .unwrap_or_else(|_| "../../ui/src/lib/ipc/bindings".into()),
    )
    .join("golden");
    std::fs::create_dir_all(&dir).expect("golden dir");
    let json = serde_json::to_string_pretty(&golden).expect("json") + "\n";
    std::fs::write(dir.join("stock.json"), json).expect("write golden");
}

mod linked {
    use super::*;
    use crate::stock::links::{self, LinkState};
    use crate::store::accounts::{self, Account};

    /// Two accounts of one seller: MLA1 (account 7) and MLB9 (account 8) both carry SKU
    /// "MATE-1"; each has another listing of its own.
    fn two_accounts() -> (tempfile::TempDir, crate::store::Store) {
        let (dir, store) = temp_store();
        let conn = store.conn().unwrap();
        seed_account(&conn);
        accounts::upsert(
            &conn,
            &Account {
                id: 8,
                nickname: "OUTLET".into(),
                site_id: "MLA".into(),
                api_base: "http://127.0.0.1:1".into(),
                status: accounts::AccountStatus::Connected,
                baseline_done: false,
            },
            now(),
        )
        .unwrap();
        listings::upsert(&conn, &listing("MLA1", "Mate", 10, "MATE-1"), now()).unwrap();
        listings::upsert(&conn, &listing("MLA2", "Termo", 3, "TERMO"), now()).unwrap();
        let mut other = listing("MLA9", "Mate (outlet)", 6, "MATE-1");
        other.account_id = 8;
        listings::upsert(&conn, &other, now()).unwrap();
        drop(conn);
        (dir, store)
    }

    fn queued(conn: &rusqlite::Connection) -> Vec<(i64, String, i64)> {
        let mut stmt = conn
            .prepare("SELECT account_id, target_id, payload FROM outbox WHERE kind = 'stock' ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| {
            let payload: String = r.get(2)?;
            let v: serde_json::Value = serde_json::from_str(&payload).unwrap();
            Ok((r.get(0)?, r.get(1)?, v["quantity"].as_i64().unwrap()))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
    }

    fn run<T>(
        store: &crate::store::Store,
        f: impl FnOnce(&rusqlite::Transaction<'_>, &mut Vec<i64>) -> crate::error::Result<T>,
    ) -> T {
        let mut conn = store.conn().unwrap();
        let tx = conn.transaction().unwrap();
        let mut ids = Vec::new();
        let out = f(&tx, &mut ids).unwrap();
        tx.commit().unwrap();
        out
    }

    #[test]
    fn a_sku_on_two_accounts_is_proposed_confirmed_at_the_lowest_and_undone_for_good() {
        let (_dir, store) = two_accounts();
        let conn = store.conn().unwrap();
        assert_eq!(links::propose(&conn, now()).unwrap(), 1);
        assert_eq!(links::propose(&conn, now()).unwrap(), 0, "proposed once");
        let groups = links::groups(&conn).unwrap();
        assert_eq!(groups.len(), 1);
        assert_eq!(
            (groups[0].sku.as_str(), groups[0].state),
            ("MATE-1", LinkState::Proposed)
        );
        assert_eq!(groups[0].members.len(), 2);
        drop(conn);
        let q = run(&store, |tx, ids| {
            links::confirm(tx, "MATE-1", 1, now(), ids)
        });
        assert_eq!(q, 6, "the lowest of the members");
        let conn = store.conn().unwrap();
        assert_eq!(
            queued(&conn),
            [(7, "MLA1".to_owned(), 6)],
            "only the one that differs"
        );
        let page = page(&conn, &query(), now()).unwrap();
        assert!(page.items.iter().find(|r| r.id == "MLA1").unwrap().linked);
        assert!(!page.items.iter().find(|r| r.id == "MLA2").unwrap().linked);
        drop(conn);
        run(&store, |tx, _| links::undo(tx, "MATE-1", 1, now()));
        let conn = store.conn().unwrap();
        assert!(links::groups(&conn).unwrap().is_empty());
        assert_eq!(
            links::propose(&conn, now()).unwrap(),
            0,
            "an undone group stays undone"
        );
    }

    #[test]
    fn a_sale_takes_every_other_member_down_once_per_order() {
        let (_dir, store) = two_accounts();
        links::propose(&store.conn().unwrap(), now()).unwrap();
        run(&store, |tx, ids| {
            links::confirm(tx, "MATE-1", 1, now(), ids)
        });
        let mut order = sale(70, "MLA9", None, 2, 0);
        order.account_id = 8;
        order.date_created = now() + Duration::minutes(5);
        let orders = vec![order.clone(), order.clone()];
        let applied = run(&store, |tx, ids| {
            links::apply_sales(tx, &orders, now() + Duration::minutes(6), ids)
        });
        assert_eq!(applied, 1, "the same order twice counts once");
        // Read again later (a restart, the bulk pass): still once.
        let again = run(&store, |tx, ids| {
            links::apply_sales(tx, &[order.clone()], now() + Duration::minutes(9), ids)
        });
        assert_eq!(again, 0);
        let mut before = sale(71, "MLA9", None, 1, 3);
        before.account_id = 8;
        let mut cancelled = sale(72, "MLA9", None, 1, 0);
        cancelled.account_id = 8;
        cancelled.status = "cancelled".into();
        cancelled.date_created = now() + Duration::minutes(7);
        let ignored = run(&store, |tx, ids| {
            links::apply_sales(tx, &[before.clone(), cancelled.clone()], now(), ids)
        });
        assert_eq!(ignored, 0, "before the link, and cancelled, do not count");
        let conn = store.conn().unwrap();
        let writes = queued(&conn);
        assert_eq!(
            writes.last(),
            Some(&(7, "MLA1".to_owned(), 4)),
            "6 - 2 on the other account"
        );
        assert!(
            !writes.iter().any(|(_, t, _)| t == "MLA9"),
            "the sold listing is Mercado Libre's to take down"
        );
        let ledger = links::ledger_of(&conn, "MATE-1", 10).unwrap();
        assert_eq!(ledger[0].cause, "sale");
        assert_eq!(
            (ledger[0].order_id, ledger[0].delta, ledger[0].quantity),
            (Some(70), -2, 4)
        );
        assert_eq!(ledger[0].account.as_deref(), Some("OUTLET"));
    }

    #[test]
    fn a_change_on_the_site_moves_the_group_unless_our_write_is_pending() {
        let (_dir, store) = two_accounts();
        links::propose(&store.conn().unwrap(), now()).unwrap();
        run(&store, |tx, ids| {
            links::confirm(tx, "MATE-1", 1, now(), ids)
        });
        // MLA1's write of 6 is still pending: what Mercado Libre shows for it is not a change.
        let taken = run(&store, |tx, ids| {
            links::apply_site(tx, &[("MLA1".into(), None, 10)], now(), now(), ids)
        });
        assert_eq!(taken, 0);
        store
            .conn()
            .unwrap()
            .execute("UPDATE outbox SET state = 'done'", [])
            .unwrap();
        // Someone restocks the outlet's listing on the site: 6 → 16, the group follows.
        let taken = run(&store, |tx, ids| {
            links::apply_site(
                tx,
                &[("MLA1".into(), None, 6), ("MLA9".into(), None, 16)],
                now() + Duration::minutes(1),
                now() + Duration::minutes(1),
                ids,
            )
        });
        assert_eq!(taken, 1);
        let conn = store.conn().unwrap();
        assert_eq!(queued(&conn).last(), Some(&(7, "MLA1".to_owned(), 16)));
        let ledger = links::ledger_of(&conn, "MATE-1", 10).unwrap();
        assert_eq!(
            (
                ledger[0].cause.as_str(),
                ledger[0].delta,
                ledger[0].quantity
            ),
            ("site", 10, 16)
        );
    }

    #[test]
    fn a_manual_edit_of_one_member_sets_them_all() {
        let (_dir, store) = two_accounts();
        links::propose(&store.conn().unwrap(), now()).unwrap();
        run(&store, |tx, ids| {
            links::confirm(tx, "MATE-1", 1, now(), ids)
        });
        let linked = run(&store, |tx, ids| {
            links::manual(tx, (8, "MLA9", None), 25, Some(1), now(), ids)
        });
        assert!(linked);
        let unlinked = run(&store, |tx, ids| {
            links::manual(tx, (7, "MLA2", None), 25, Some(1), now(), ids)
        });
        assert!(!unlinked);
        let conn = store.conn().unwrap();
        let writes = queued(&conn);
        let last_two: Vec<_> = writes.iter().rev().take(2).cloned().collect();
        assert!(last_two.contains(&(7, "MLA1".to_owned(), 25)));
        assert!(last_two.contains(&(8, "MLA9".to_owned(), 25)));
        let ledger = links::ledger_of(&conn, "MATE-1", 10).unwrap();
        assert_eq!(
            (ledger[0].cause.as_str(), ledger[0].member.as_deref()),
            ("manual", Some("Dueño"))
        );
    }
}
