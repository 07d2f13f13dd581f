use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::store::{Store, testing::temp_store};

fn at(h: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap() + Duration::hours(h)
}

/// Account 1 with post-sale quick replies 1 (thanks), 2 (tracking) and question reply 3; the
/// rules are switched on at hour 10. Orders:
/// - 100 paid at 08:00 (before the rule): left alone;
/// - 101 (pack 501) paid at 11:00, the buyer wrote: thanked in the conversation;
/// - 102 and 103 (pack 502, a cart) paid at 12:00, nobody wrote: one thank-you, opening the
///   conversation through the action guide;
/// - 104 paid at 13:00, its conversation blocked: skipped with the reason;
/// - 105 delivered at 14:00 without a conversation: its follow-up is not allowed;
/// - 106 shipped at 15:00 without a tracking number yet: its tracking message waits.
fn seeded() -> (tempfile::TempDir, Store) {
    let (dir, store) = temp_store();
    store
        .conn()
        .unwrap()
        .execute_batch(
            "INSERT INTO accounts (id, nickname, site_id, api_base, created_at)
                 VALUES (1, 'TIENDA', 'MLA', 'http://127.0.0.1:1', '2026-01-01T00:00:00Z');
             INSERT INTO reply_templates (id, title, text, created_at, updated_at, kind) VALUES
                 (1, 'Gracias', '¡Gracias {buyer_first_name}! Tu compra #{order_id} ya está en preparación.', 'x', 'x', 'post_sale'),
                 (2, 'Seguimiento', 'Tu compra viaja: seguimiento {tracking_number}.', 'x', 'x', 'post_sale'),
                 (3, 'Stock', 'Sí, hay stock.', 'x', 'x', 'question');
             INSERT INTO buyers (id, nickname, first_name) VALUES (10, 'ANA_B', 'Ana'), (11, 'BETO', NULL);
             INSERT INTO orders (id, account_id, status, date_created, last_updated, buyer_id,
                                 pack_id, shipping_id) VALUES
                 (100, 1, 'paid', '2026-03-02T08:00:00.000Z', 'x', 10, NULL, NULL),
                 (101, 1, 'paid', '2026-03-02T11:00:00.000Z', 'x', 10, 501, NULL),
                 (102, 1, 'paid', '2026-03-02T12:00:00.000Z', 'x', 11, 502, NULL),
                 (103, 1, 'paid', '2026-03-02T12:00:00.000Z', 'x', 11, 502, NULL),
                 (104, 1, 'paid', '2026-03-02T13:00:00.000Z', 'x', 11, NULL, NULL),
                 (105, 1, 'paid', '2026-03-01T09:00:00.000Z', 'x', 11, NULL, 9005),
                 (106, 1, 'paid', '2026-03-01T09:00:00.000Z', 'x', 11, NULL, 9006);
             INSERT INTO order_items (order_id, line, item_id, title, quantity) VALUES
                 (101, 0, 'MLA1', 'Termo', 1), (102, 0, 'MLA2', 'Mate', 1),
                 (103, 0, 'MLA3', 'Bombilla', 2), (104, 0, 'MLA1', 'Termo', 1);
             INSERT INTO shipments (id, account_id, order_id, status, last_updated, updated_at)
                 VALUES (9005, 1, 105, 'delivered', '2026-03-02T14:00:00.000Z', 'x'),
                        (9006, 1, 106, 'shipped', '2026-03-02T15:00:00.000Z', 'x');
             INSERT INTO messages (id, account_id, pack_id, from_id, to_id, text, status, date_created)
                 VALUES ('m1', 1, 501, 10, 1, '¿Cuándo sale?', 'available', '2026-03-02T11:30:00.000Z'),
                        ('m2', 1, 104, 11, 1, 'Hola', 'available', '2026-03-02T13:10:00.000Z');
             INSERT INTO conversation_status (account_id, pack_id, status, substatus, updated_at)
                 VALUES (1, 104, 'blocked', 'blocked_by_buyer', 'x');",
        )
        .unwrap();
    (dir, store)
}

fn outbox(conn: &Connection) -> Vec<(String, Write)> {
    conn.prepare("SELECT target_id, payload FROM outbox ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .map(|r| {
            let (target, payload) = r.unwrap();
            (target, serde_json::from_str(&payload).unwrap())
        })
        .collect()
}

#[test]
fn nothing_is_sent_until_a_rule_is_switched_on() {
    let (_dir, store) = seeded();
    let mut conn = store.conn().unwrap();
    assert!(queue_due(&mut conn, 1, at(20)).unwrap().is_empty());
    set_rule(&conn, 1, AutoTrigger::Paid, Some(1), false, at(10)).unwrap();
    assert!(queue_due(&mut conn, 1, at(20)).unwrap().is_empty());
    assert!(outbox(&conn).is_empty());
}

#[test]
fn a_paid_order_after_switching_on_is_thanked_once_by_the_route_mercado_libre_allows() {
    let (_dir, store) = seeded();
    let mut conn = store.conn().unwrap();
    set_rule(&conn, 1, AutoTrigger::Paid, Some(1), true, at(10)).unwrap();
    let queued = queue_due(&mut conn, 1, at(20)).unwrap();
    assert_eq!(
        queued.len(),
        2,
        "101 and the cart 102+103; 100 is older, 104 blocked"
    );
    let rows = outbox(&conn);
    let by_pack: std::collections::HashMap<&str, &Write> =
        rows.iter().map(|(t, w)| (t.as_str(), w)).collect();
    match by_pack["501"] {
        Write::Message { text, guide, .. } => {
            assert_eq!(text, "¡Gracias Ana! Tu compra #101 ya está en preparación.");
            assert_eq!(*guide, None, "the buyer wrote: the conversation is open");
        }
        other => panic!("{other:?}"),
    }
    match by_pack["502"] {
        Write::Message {
            guide, buyer_id, ..
        } => {
            assert_eq!(*buyer_id, 11);
            assert_eq!(guide.as_ref().map(|g| g.option_id.as_str()), Some("OTHER"));
        }
        other => panic!("{other:?}"),
    }
    let rules = rules(&conn, 1).unwrap();
    assert_eq!(
        (rules[0].sent, rules[0].skipped),
        (2, 1),
        "104 recorded as skipped"
    );
    let reason: String = conn
        .query_row(
            "SELECT skipped FROM auto_messages_sent WHERE order_id = 104",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reason, "blocked_by_buyer");
}

#[test]
fn each_order_is_acted_on_once_across_runs_and_restarts() {
    let (dir, store) = seeded();
    {
        let mut conn = store.conn().unwrap();
        set_rule(&conn, 1, AutoTrigger::Paid, Some(1), true, at(10)).unwrap();
        assert_eq!(queue_due(&mut conn, 1, at(20)).unwrap().len(), 2);
        assert!(queue_due(&mut conn, 1, at(21)).unwrap().is_empty());
    }
    drop(store);
    // The app starts again on the same file; the orders are read again by the sync.
    let store = Store::open(&dir.path().join("mostrador.db")).unwrap();
    let mut conn = store.conn().unwrap();
    conn.execute(
        "UPDATE orders SET last_updated = '2026-03-02T22:00:00.000Z'",
        [],
    )
    .unwrap();
    assert!(queue_due(&mut conn, 1, at(23)).unwrap().is_empty());
    assert_eq!(outbox(&conn).len(), 2);
    // Switching the rule off and on again does not write to the same buyers twice.
    set_rule(&conn, 1, AutoTrigger::Paid, Some(1), false, at(24)).unwrap();
    set_rule(&conn, 1, AutoTrigger::Paid, Some(1), true, at(9)).unwrap();
    assert!(queue_due(&mut conn, 1, at(25)).unwrap().is_empty());
}

#[test]
fn a_message_waits_for_its_data_and_a_delivery_without_conversation_is_not_allowed() {
    let (_dir, store) = seeded();
    let mut conn = store.conn().unwrap();
    set_rule(&conn, 1, AutoTrigger::Shipped, Some(2), true, at(10)).unwrap();
    set_rule(&conn, 1, AutoTrigger::Delivered, Some(1), true, at(10)).unwrap();
    assert!(queue_due(&mut conn, 1, at(16)).unwrap().is_empty());
    let reason: String = conn
        .query_row(
            "SELECT skipped FROM auto_messages_sent WHERE order_id = 105",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reason, "delivered_no_conversation");
    // The tracking number arrives with the next pass: the message goes, through the guide.
    conn.execute(
        "UPDATE shipments SET tracking_number = 'AR123' WHERE id = 9006",
        [],
    )
    .unwrap();
    assert_eq!(queue_due(&mut conn, 1, at(17)).unwrap().len(), 1);
    match &outbox(&conn)[0].1 {
        Write::Message { text, guide, .. } => {
            assert_eq!(text, "Tu compra viaja: seguimiento AR123.");
            assert!(guide.is_some());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_rule_sends_a_post_sale_reply_and_is_previewed_before_it_is_on() {
    let (_dir, store) = seeded();
    let conn = store.conn().unwrap();
    assert!(set_rule(&conn, 1, AutoTrigger::Paid, Some(3), true, at(10)).is_err());
    assert!(set_rule(&conn, 1, AutoTrigger::Paid, None, true, at(10)).is_err());
    assert!(set_rule(&conn, 1, AutoTrigger::Paid, Some(99), false, at(10)).is_err());
    let next = preview(&conn, 1, AutoTrigger::Paid, 1).unwrap();
    let seen: Vec<(i64, AutoRoute, Option<&str>)> = next
        .iter()
        .map(|p| (p.order_id, p.route, p.reason.as_deref()))
        .collect();
    // Newest first: 104 blocked, the cart through the guide, 101 in its conversation.
    assert_eq!(
        seen,
        [
            (104, AutoRoute::NotAllowed, Some("blocked_by_buyer")),
            (102, AutoRoute::ActionGuide, None),
            (101, AutoRoute::Message, None),
        ]
    );
    assert_eq!(
        next[2].text,
        "¡Gracias Ana! Tu compra #101 ya está en preparación."
    );
    assert_eq!(next[2].buyer_nickname.as_deref(), Some("ANA_B"));
    // The preview changes nothing.
    assert!(outbox(&conn).is_empty());
}

#[test]
fn contact_data_in_the_text_is_not_sent_but_the_sales_own_number_is_fine() {
    let (_dir, store) = seeded();
    let mut conn = store.conn().unwrap();
    conn.execute_batch(
        "INSERT INTO reply_templates (id, title, text, created_at, updated_at, kind) VALUES
             (4, 'Mail', 'Escribime a ventas@example.com por la compra #{order_id}', 'x', 'x', 'post_sale');
         INSERT INTO orders (id, account_id, status, date_created, last_updated, buyer_id)
             VALUES (2000012000620, 1, 'paid', '2026-03-02T11:30:00.000Z', 'x', 10);
         INSERT INTO messages (id, account_id, pack_id, from_id, to_id, text, status, date_created)
             VALUES ('m3', 1, 2000012000620, 10, 1, 'Hola', 'available', '2026-03-02T11:40:00.000Z');",
    )
    .unwrap();
    let own = preview(&conn, 1, AutoTrigger::Paid, 1).unwrap();
    let big = own.iter().find(|p| p.order_id == 2000012000620).unwrap();
    assert_eq!(
        (big.route, big.reason.as_deref()),
        (AutoRoute::Message, None)
    );
    set_rule(&conn, 1, AutoTrigger::Paid, Some(4), true, at(10)).unwrap();
    assert!(queue_due(&mut conn, 1, at(20)).unwrap().is_empty());
    let reasons: Vec<String> = conn
        .prepare("SELECT skipped FROM auto_messages_sent ORDER BY order_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    // 101, 102 (the cart), 104 (blocked first), the big order.
    assert_eq!(
        reasons,
        [
            "contact_data",
            "contact_data",
            "blocked_by_buyer",
            "contact_data"
        ]
    );
}
