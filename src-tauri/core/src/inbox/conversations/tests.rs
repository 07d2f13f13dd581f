use chrono::{TimeZone, Utc};

use super::*;
use crate::outbox::writes::{Write, refused};
use crate::store::messages::{Message, upsert};
use crate::store::{Store, testing::temp_store};

/// Seller 1 with three conversations:
/// - pack 500 (orders 100 and 101, ANA): buyer, seller, buyer again at 12:00 → waiting since 12:00;
/// - order 102 without a pack (BETO): two buyer messages from 09:00 → waiting since 09:00;
/// - order 103 without a pack (BETO): the seller answered last → not waiting.
fn seeded() -> (tempfile::TempDir, Store) {
    let (dir, store) = temp_store();
    store
        .conn()
        .unwrap()
        .execute_batch(
            "INSERT INTO accounts (id, nickname, site_id, api_base, created_at)
                 VALUES (1, 'TIENDA', 'MLA', 'http://127.0.0.1:1', '2026-01-01T00:00:00Z');
             INSERT INTO listings (id, account_id, title, permalink, updated_at) VALUES
                 ('MLA1', 1, 'Termo acero 1 L', 'https://articulo/MLA1', 'x');
             INSERT INTO buyers (id, nickname) VALUES (10, 'ANA_BELLA'), (11, 'BETO');
             INSERT INTO orders (id, account_id, status, date_created, last_updated, total_amount,
                                 currency_id, buyer_id, pack_id) VALUES
                 (100, 1, 'paid', '2026-03-01T08:00:00.000Z', 'x', '1500.00', 'ARS', 10, 500),
                 (101, 1, 'paid', '2026-03-01T08:00:00.000Z', 'x', '300.00', 'ARS', 10, 500),
                 (102, 1, 'paid', '2026-03-01T07:00:00.000Z', 'x', '99.90', 'ARS', 11, NULL),
                 (103, 1, 'paid', '2026-03-01T06:00:00.000Z', 'x', '10.00', 'ARS', 11, NULL);
             INSERT INTO order_items (order_id, line, item_id, title, quantity, unit_price) VALUES
                 (100, 0, 'MLA1', 'Termo (venta)', 1, '1500.00'),
                 (101, 0, 'MLA9', 'Bombilla', 2, '150.00'),
                 (102, 0, 'MLA9', 'Bombilla', 1, '99.90');
             INSERT INTO shipments (id, account_id, order_id, status, substatus, updated_at)
                 VALUES (9000, 1, 100, 'shipped', 'in_hub', 'x');",
        )
        .unwrap();
    let conn = store.conn().unwrap();
    for (id, pack, from, text, at) in [
        ("m1", 500, 10, "Hola, ¿cuándo envían?", "10:00"),
        ("m2", 500, 1, "Mañana a primera hora", "11:00"),
        ("m3", 500, 10, "Gracias, ¿y la factura?", "12:00"),
        ("m4", 102, 11, "¿Me llegó el paquete?", "09:00"),
        ("m5", 102, 11, "Hola??", "09:30"),
        ("m6", 103, 11, "Una consulta", "08:00"),
        ("m7", 103, 1, "Decime", "08:30"),
    ] {
        upsert(&conn, &message(id, pack, from, text, at)).unwrap();
    }
    drop(conn);
    (dir, store)
}

fn message(id: &str, pack_id: i64, from_id: i64, text: &str, at: &str) -> Message {
    let (h, m) = at.split_once(':').unwrap();
    Message {
        id: id.into(),
        account_id: 1,
        pack_id,
        from_id,
        to_id: None,
        text: text.into(),
        status: Some("available".into()),
        date_created: Utc
            .with_ymd_and_hms(2026, 3, 1, h.parse().unwrap(), m.parse().unwrap(), 0)
            .unwrap(),
        read_at: None,
    }
}

fn page(store: &Store, status: StatusFilter, search: Option<&str>) -> ConversationPage {
    list(
        &store.conn().unwrap(),
        &ConversationQuery {
            status,
            search: search.map(str::to_owned),
            ..ConversationQuery::default()
        },
    )
    .unwrap()
}

fn packs(page: &ConversationPage) -> Vec<i64> {
    page.items.iter().map(|c| c.pack_id).collect()
}

#[test]
fn waiting_conversations_come_longest_waiting_first() {
    let (_dir, store) = seeded();
    let waiting = page(&store, StatusFilter::Unanswered, None);
    assert_eq!(packs(&waiting), [102, 500]);
    assert_eq!((waiting.total, waiting.waiting), (2, 2));
    assert_eq!(
        waiting.items[0].waiting_since.as_deref(),
        Some("2026-03-01T09:00:00.000Z")
    );
    assert_eq!(
        waiting.items[1].waiting_since.as_deref(),
        Some("2026-03-01T12:00:00.000Z"),
        "the seller's 11:00 reply restarted the wait"
    );
    let answered = page(&store, StatusFilter::Answered, None);
    assert_eq!(packs(&answered), [103]);
    assert_eq!(answered.waiting, 2);
    let all = page(&store, StatusFilter::All, None);
    assert_eq!(packs(&all), [500, 102, 103], "latest activity first");
}

#[test]
fn a_row_names_the_buyer_the_order_and_the_last_message() {
    let (_dir, store) = seeded();
    let all = page(&store, StatusFilter::All, None);
    let pack = &all.items[0];
    assert_eq!(pack.buyer_nickname.as_deref(), Some("ANA_BELLA"));
    assert_eq!(pack.order_id, Some(100));
    assert_eq!(pack.order_count, 2);
    assert_eq!(pack.order_total.as_deref(), Some("1500.00"));
    assert_eq!(pack.item_title.as_deref(), Some("Termo acero 1 L"));
    assert_eq!(pack.last_text, "Gracias, ¿y la factura?");
    assert!(pack.last_from_buyer);
    assert_eq!(pack.message_count, 3);
    let answered = &all.items[2];
    assert!(!answered.last_from_buyer);
    assert_eq!(answered.waiting_since, None);
    assert_eq!(
        answered.item_title, None,
        "order 103 has no lines stored yet"
    );
}

#[test]
fn pages_and_filters_by_account() {
    let (_dir, store) = seeded();
    let conn = store.conn().unwrap();
    let second = list(
        &conn,
        &ConversationQuery {
            status: StatusFilter::All,
            limit: Some(1),
            offset: Some(1),
            ..ConversationQuery::default()
        },
    )
    .unwrap();
    assert_eq!((packs(&second), second.total), (vec![102], 3));
    let other = list(
        &conn,
        &ConversationQuery {
            status: StatusFilter::All,
            account_id: Some(2),
            ..ConversationQuery::default()
        },
    )
    .unwrap();
    assert_eq!((other.items.len(), other.total), (0, 0));
}

#[test]
fn search_finds_words_without_accents_nicknames_and_order_numbers() {
    let (_dir, store) = seeded();
    let found = page(&store, StatusFilter::All, Some("envian"));
    assert_eq!(packs(&found), [500]);
    assert_eq!(
        found.items[0].highlight.as_deref(),
        Some("Hola, ¿cuándo \u{E000}envían\u{E001}?")
    );
    assert_eq!(packs(&page(&store, StatusFilter::All, Some("ana_"))), [500]);
    assert_eq!(
        packs(&page(&store, StatusFilter::All, Some("beto"))),
        [102, 103]
    );
    assert_eq!(packs(&page(&store, StatusFilter::All, Some("#102"))), [102]);
    assert_eq!(packs(&page(&store, StatusFilter::All, Some("101"))), [500]);
    let none = page(&store, StatusFilter::Answered, Some("factura"));
    assert_eq!((none.items.len(), none.total), (0, 0));
    assert_eq!(
        page(&store, StatusFilter::All, Some("100%")).total,
        0,
        "LIKE wildcards are literal"
    );
}

#[test]
fn a_queued_reply_stops_the_wait_and_a_refused_one_restarts_it() {
    let (_dir, store) = seeded();
    let mut conn = store.conn().unwrap();
    let write = Write::Message {
        guide: None,
        via: None,
        attachment: None,
        pack_id: 102,
        buyer_id: 11,
        text: "Sale hoy".into(),
    };
    let tx = conn.transaction().unwrap();
    let outbox_id = crate::store::outbox::insert(
        &tx,
        1,
        write.kind(),
        &write.target(),
        "{}",
        Utc.with_ymd_and_hms(2026, 3, 1, 13, 0, 0).unwrap(),
    )
    .unwrap();
    write
        .apply_locally(
            &tx,
            1,
            outbox_id,
            Utc.with_ymd_and_hms(2026, 3, 1, 13, 0, 0).unwrap(),
        )
        .unwrap();
    tx.commit().unwrap();
    drop(conn);
    assert_eq!(packs(&page(&store, StatusFilter::Unanswered, None)), [500]);
    let conn = store.conn().unwrap();
    let sent = thread(&conn, 1, 102).unwrap();
    let last = sent.messages.last().unwrap();
    assert_eq!(
        (last.text.as_str(), last.from_buyer, last.delivery),
        ("Sale hoy", false, Some(DeliveryState::Sending))
    );

    crate::store::outbox::mark_failed(&conn, outbox_id, "forbidden", "blocked", Utc::now())
        .unwrap();
    refused(&conn, outbox_id, "forbidden", Utc::now()).unwrap();
    drop(conn);
    assert_eq!(
        packs(&page(&store, StatusFilter::Unanswered, None)),
        [102, 500]
    );
    let failed = thread(&store.conn().unwrap(), 1, 102).unwrap();
    let last = failed.messages.last().unwrap();
    assert_eq!(last.delivery, Some(DeliveryState::Failed));
    assert_eq!(last.error_message.as_deref(), Some("blocked"));
}

#[test]
fn a_sent_message_shows_once_whether_the_sync_or_the_outbox_records_it_first() {
    let write = Write::Message {
        guide: None,
        via: None,
        attachment: None,
        pack_id: 102,
        buyer_id: 11,
        text: "Sale hoy".into(),
    };
    for sync_first in [false, true] {
        let (_dir, store) = seeded();
        let conn = store.conn().unwrap();
        let mut local = message("outbox:41", 102, 1, "Sale hoy", "13:00");
        local.status = Some("sending".into());
        upsert(&conn, &local).unwrap();
        // An identical earlier text in another conversation is not touched.
        upsert(&conn, &message("m7", 500, 1, "Sale hoy", "12:00")).unwrap();
        let synced = message("m8", 102, 1, "Sale hoy", "13:00");
        if sync_first {
            upsert(&conn, &synced).unwrap();
        }
        write.applied(&conn, 41, Some("m8")).unwrap();
        upsert(&conn, &synced).unwrap();
        let t = thread(&conn, 1, 102).unwrap();
        let ids: Vec<_> = t.messages.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["m4", "m5", "m8"], "sync first: {sync_first}");
        assert_eq!(t.conversation.message_count, 3);
        assert_eq!(t.conversation.waiting_since, None);
        assert_eq!(t.messages[2].delivery, None, "delivered");
    }
}

#[test]
fn a_sent_message_is_found_by_search_under_its_new_id_and_text() {
    let (_dir, store) = seeded();
    let conn = store.conn().unwrap();
    let mut local = message(
        "outbox:41",
        102,
        1,
        "TEMPLATE___REQUEST_BILLING_INFO___1",
        "13:00",
    );
    local.status = Some("sending".into());
    upsert(&conn, &local).unwrap();
    // Mercado Libre's text replaces the template's id, then its id the local one.
    conn.execute(
        "UPDATE messages SET text = 'Necesitamos tus datos de facturación' WHERE id = 'outbox:41'",
        [],
    )
    .unwrap();
    let write = Write::Message {
        guide: None,
        via: None,
        attachment: None,
        pack_id: 102,
        buyer_id: 11,
        text: "TEMPLATE___REQUEST_BILLING_INFO___1".into(),
    };
    write.applied(&conn, 41, Some("m9")).unwrap();
    drop(conn);
    let found = page(&store, StatusFilter::All, Some("facturacion datos"));
    assert_eq!(packs(&found), [102]);
    assert!(
        page(&store, StatusFilter::All, Some("TEMPLATE"))
            .items
            .is_empty()
    );
}

#[test]
fn a_thread_has_every_message_the_orders_lines_and_the_shipment() {
    let (_dir, store) = seeded();
    let t = thread(&store.conn().unwrap(), 1, 500).unwrap();
    let texts: Vec<_> = t
        .messages
        .iter()
        .map(|m| (m.from_buyer, m.text.as_str()))
        .collect();
    assert_eq!(
        texts,
        [
            (true, "Hola, ¿cuándo envían?"),
            (false, "Mañana a primera hora"),
            (true, "Gracias, ¿y la factura?")
        ]
    );
    let lines: Vec<_> = t
        .items
        .iter()
        .map(|i| (i.order_id, i.title.as_deref().unwrap(), i.quantity))
        .collect();
    assert_eq!(lines, [(100, "Termo acero 1 L", 1), (101, "Bombilla", 2)]);
    assert_eq!(
        t.items[0].permalink.as_deref(),
        Some("https://articulo/MLA1")
    );
    assert_eq!(t.shipment_status.as_deref(), Some("shipped"));
    assert_eq!(t.shipment_substatus.as_deref(), Some("in_hub"));
    assert!(matches!(
        thread(&store.conn().unwrap(), 1, 999),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn a_conversation_marked_done_stops_waiting_until_the_buyer_writes_again() {
    use crate::store::messages::mark_done;
    let (_dir, store) = seeded();
    let conn = store.conn().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 13, 0, 0).unwrap();
    assert!(mark_done(&conn, 1, 102, true, Some(1), now).unwrap());
    assert!(
        !mark_done(&conn, 1, 999, true, Some(1), now).unwrap(),
        "no such conversation"
    );
    drop(conn);
    assert_eq!(packs(&page(&store, StatusFilter::Unanswered, None)), [500]);
    assert_eq!(
        packs(&page(&store, StatusFilter::Answered, None)),
        [102, 103]
    );

    // A message dated before the mark but synced after it (the buyer wrote while the seller
    // was deciding) still reopens: the mark covers what was stored when it was made.
    let conn = store.conn().unwrap();
    upsert(&conn, &message("m8", 102, 11, "¿Y entonces?", "09:45")).unwrap();
    drop(conn);
    let waiting = page(&store, StatusFilter::Unanswered, None);
    assert_eq!(packs(&waiting), [102, 500]);
    assert_eq!(
        waiting.items[0].waiting_since.as_deref(),
        Some("2026-03-01T09:45:00.000Z"),
        "waiting again from the buyer's new message"
    );

    // Marked again, then the mark undone: waiting as before the mark.
    let conn = store.conn().unwrap();
    mark_done(&conn, 1, 102, true, None, now).unwrap();
    drop(conn);
    assert_eq!(packs(&page(&store, StatusFilter::Unanswered, None)), [500]);
    let conn = store.conn().unwrap();
    mark_done(&conn, 1, 102, false, None, now).unwrap();
    drop(conn);
    let waiting = page(&store, StatusFilter::Unanswered, None);
    assert_eq!(packs(&waiting), [102, 500]);
    assert_eq!(
        waiting.items[0].waiting_since.as_deref(),
        Some("2026-03-01T09:00:00.000Z")
    );
}

#[test]
fn past_replies_to_buyers_who_wrote_alike_are_offered_for_a_conversation() {
    let (_dir, store) = seeded();
    let conn = store.conn().unwrap();
    // A new buyer asks what ANA asked in pack 500; the seller's reply there is offered.
    conn.execute_batch(
        "INSERT INTO orders (id, account_id, status, date_created, last_updated, buyer_id)
             VALUES (104, 1, 'paid', '2026-03-02T08:00:00.000Z', 'x', 11);",
    )
    .unwrap();
    upsert(
        &conn,
        &message("m10", 104, 11, "Buenas, ¿cuándo envían el termo?", "14:00"),
    )
    .unwrap();
    let offered = crate::replies::conversation_suggestions(&conn, 1, 104, 5).unwrap();
    let answers: Vec<&str> = offered.iter().map(|s| s.answer.as_str()).collect();
    assert_eq!(answers, ["Mañana a primera hora"]);
    assert_eq!(offered[0].question, "Hola, ¿cuándo envían?");
    // Nothing alike: nothing offered; a conversation without a buyer message: nothing.
    upsert(&conn, &message("m11", 104, 11, "Zapatillas rojas", "15:00")).unwrap();
    assert!(
        crate::replies::conversation_suggestions(&conn, 1, 104, 5)
            .unwrap()
            .is_empty()
    );
    assert!(
        crate::replies::conversation_suggestions(&conn, 1, 999, 5)
            .unwrap()
            .is_empty()
    );
}
