use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::store::questions;
use crate::store::questions::tests::{sample, seed_account};
use crate::store::testing::temp_store;

fn ctx() -> Context {
    Context {
        buyer: "COMPRADOR_1".into(),
        item_title: "Mate Imperial".into(),
        price: "28990 ARS".into(),
        stock: "14".into(),
        seller: "MATEANDO".into(),
        site_greeting: "Hola".into(),
    }
}

#[test]
fn fills_every_variable_and_flags_unknown_ones() {
    let r = render(
        "{site_greeting} {buyer}! El {item_title} cuesta {price}, quedan {stock}. {firma} {{literal}} — {seller}",
        &ctx(),
    );
    assert_eq!(
        r.text,
        "Hola COMPRADOR_1! El Mate Imperial cuesta 28990 ARS, quedan 14. {firma} {literal} — MATEANDO"
    );
    assert_eq!(r.unknown, vec!["firma".to_owned()]);
    let plain = render("Sin variables { ni llaves raras }", &ctx());
    assert_eq!(plain.text, "Sin variables { ni llaves raras }");
    assert!(plain.unknown.is_empty());
    assert_eq!(render("{buyer", &ctx()).text, "{buyer");
}

#[test]
fn the_linter_counts_against_each_limit_and_refuses_empty_text() {
    let ok = lint("  Hola, sí hay stock.  ", TextKind::Answer);
    assert_eq!((ok.chars, ok.limit, ok.sendable), (19, 2000, true));
    assert!(ok.findings.is_empty());
    assert!(!lint("   ", TextKind::Answer).sendable);
    let long = "ñ".repeat(351);
    assert!(!lint(&long, TextKind::Message).sendable, "350 for messages");
    assert!(lint(&long, TextKind::Answer).sendable);
}

#[test]
fn the_linter_flags_phones_emails_and_links() {
    let l = lint(
        "Escribime a ventas@mateando.com.ar o al +54 9 11 4567-8901, mirá www.mateando.com y https://bit.ly/x. Código 1234, talle 42.",
        TextKind::Answer,
    );
    let kinds: Vec<(FindingKind, &str)> = l
        .findings
        .iter()
        .map(|f| (f.kind, f.text.as_str()))
        .collect();
    assert!(
        kinds.contains(&(FindingKind::Email, "ventas@mateando.com.ar")),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(FindingKind::Phone, "+54 9 11 4567-8901")),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(FindingKind::Link, "www.mateando.com")),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(FindingKind::Link, "https://bit.ly/x")),
        "{kinds:?}"
    );
    assert_eq!(
        l.findings.len(),
        4,
        "short numbers are not phones: {kinds:?}"
    );
    assert!(
        lint("Envío a 1.5 km, $ 12.500", TextKind::Answer)
            .findings
            .is_empty()
    );
}

#[test]
fn suggestions_rank_the_same_listing_first_then_similar_questions() {
    let (_d, store) = temp_store();
    let conn = store.conn().expect("conn");
    seed_account(&conn);
    let base = Utc
        .with_ymd_and_hms(2026, 11, 1, 12, 0, 0)
        .single()
        .expect("date");
    let history = [
        (
            10,
            "MLA1",
            "¿Tienen talle M en azul?",
            "Sí, talle M en azul hay 3.",
        ),
        (
            11,
            "MLA2",
            "¿Hay talle M en azul marino?",
            "En azul marino solo L.",
        ),
        (12, "MLA2", "¿Hacen factura A?", "Sí, hacemos factura A."),
        (
            13,
            "MLA1",
            "¿Hacen envíos a Rosario?",
            "Sí, por Mercado Envíos.",
        ),
        (14, "MLA3", "¿Viene en caja?", "Sí, en caja de regalo."),
    ];
    for (i, (id, item, text, answer)) in history.iter().enumerate() {
        let mut q = sample(*id);
        q.item_id = (*item).into();
        q.text = (*text).into();
        q.status = "ANSWERED".into();
        q.answer_text = Some((*answer).into());
        q.date_created = base + Duration::hours(i as i64);
        q.answer_date = Some(q.date_created);
        questions::upsert(&conn, &q, Utc::now()).expect("history");
    }
    let mut open = sample(20);
    open.item_id = "MLA1".into();
    open.text = "Hola, ¿tienen el talle M azul?".into();
    questions::upsert(&conn, &open, Utc::now()).expect("open");

    let s = suggestions(&conn, &WordStats::default(), 20, 5).expect("suggestions");
    let answers: Vec<&str> = s.iter().map(|x| x.answer.as_str()).collect();
    assert_eq!(
        answers,
        vec![
            "Sí, talle M en azul hay 3.", // same listing, similar
            "En azul marino solo L.",     // other listing, similar
            "Sí, por Mercado Envíos.",    // same listing, not similar
        ]
    );
    assert!(s[0].same_listing && !s[1].same_listing && s[2].same_listing);
    assert_eq!(
        suggestions(&conn, &WordStats::default(), 20, 1)
            .expect("one")
            .len(),
        1
    );
    assert!(suggestions(&conn, &WordStats::default(), 999, 3).is_err());
}

/// Writes the linter's verdicts on a set of texts for the UI's mock backend to match (run with
/// the binding exports; `cargo xtask test` fails when the committed file is stale).
#[test]
fn export_bindings_lint_golden() {
    let texts = [
        "Hola, sí hay stock.",
        "Escribime a ventas@mateando.com.ar o al +54 9 11 4567-8901, mirá www.mateando.com y https://bit.ly/x. Código 1234, talle 42.",
        "Envío a 1.5 km, $ 12.500",
        "Entrá a mateando.com.ar/promo o a MiTienda.NET",
        "Llamame al (011) 4567-8901.",
        "Mi mail: ¡juan.perez@gmail.com!",
        "versión 2.0 del producto, modelo x.y",
        "   ",
        "¿Tenés en azul? 15-3456-7890 (whatsapp)",
    ];
    let mut cases = Vec::new();
    for text in texts {
        for kind in [TextKind::Answer, TextKind::Message] {
            cases.push(serde_json::json!({ "text": text, "kind": kind, "lint": lint(text, kind) }));
        }
    }
    let long = "a".repeat(351);
    cases.push(serde_json::json!({ "text": long, "kind": TextKind::Message, "lint": lint(&long, TextKind::Message) }));
    let dir = std::path::PathBuf::from(
        std::env::var("TS_RS_EXPORT_DIR")
            .unwrap_or_else(|_| "../../ui/src/lib/ipc/bindings".into()),
    )
    .join("golden");
    std::fs::create_dir_all(&dir).expect("golden dir");
    let json = serde_json::to_string_pretty(&cases).expect("json") + "\n";
    std::fs::write(dir.join("lint.json"), json).expect("write golden");
}

/// Writes the renderer's output for a set of templates for the UI's mock backend to match.
#[test]
fn export_bindings_render_golden() {
    let templates = [
        "{site_greeting} {buyer}! El {item_title} cuesta {price}, quedan {stock}. {firma} {{literal}} — {seller}",
        "Sin variables { ni llaves raras }",
        "{buyer",
        "{{buyer}} y {buyer}} y {{{buyer}}}",
        "{firma} {firma} {otra_cosa} {con espacio}",
        "",
    ];
    let mut cases: Vec<_> = templates
        .iter()
        .map(|t| serde_json::json!({ "template": t, "context": ctx(), "rendered": render(t, &ctx()) }))
        .collect();
    // Post-sale templates, with an order shipped and one not yet.
    let shipped = OrderContext {
        buyer_first_name: "Ana".into(),
        order_id: "2000100001".into(),
        items: "2 × Termo acero, 1 × Bombilla".into(),
        tracking_number: Some("TRK9000".into()),
        carrier: Some("Correo Argentino".into()),
        shipping_eta: Some("04/03/2026".into()),
        seller: "MATEANDO".into(),
    };
    let pending = OrderContext {
        tracking_number: None,
        carrier: None,
        shipping_eta: None,
        ..shipped.clone()
    };
    let order_templates = [
        "¡Hola {buyer_first_name}! Tu compra #{order_id} ({items}) va por {carrier}, seguimiento {tracking_number}, llega el {shipping_eta}. {seller}",
        "{buyer_first_name}, {buyer} {tracking_number} {tracking_number} {{order_id}}",
    ];
    for context in [&shipped, &pending] {
        for t in order_templates {
            cases.push(serde_json::json!({ "template": t, "context": context, "rendered": render(t, context) }));
        }
    }
    let dir = std::path::PathBuf::from(
        std::env::var("TS_RS_EXPORT_DIR")
            .unwrap_or_else(|_| "../../ui/src/lib/ipc/bindings".into()),
    )
    .join("golden");
    std::fs::create_dir_all(&dir).expect("golden dir");
    let json = serde_json::to_string_pretty(&cases).expect("json") + "\n";
    std::fs::write(dir.join("render.json"), json).expect("write golden");
}

#[test]
fn a_post_sale_template_takes_the_orders_values_and_flags_what_is_not_known_yet() {
    let (_dir, store) = temp_store();
    let conn = store.conn().unwrap();
    conn.execute_batch(
        "INSERT INTO accounts (id, nickname, site_id, api_base, created_at)
             VALUES (1, 'MATEANDO', 'MLA', 'http://127.0.0.1:1', '2026-01-01T00:00:00Z');
         INSERT INTO buyers (id, nickname, first_name) VALUES (10, 'ANA_BELLA', 'Ana María');
         INSERT INTO buyers (id, nickname) VALUES (11, 'BETO_22');
         INSERT INTO shipments (id, account_id, order_id, status, updated_at, tracking_number,
                                carrier, estimated_delivery)
             VALUES (9000, 1, 100, 'shipped', 'x', 'TRK9000', 'Correo Argentino',
                     '2026-03-05T02:00:00.000Z');
         INSERT INTO orders (id, account_id, status, date_created, last_updated, buyer_id,
                             pack_id, shipping_id) VALUES
             (100, 1, 'paid', '2026-03-01T08:00:00.000Z', 'x', 10, 500, 9000),
             (101, 1, 'paid', '2026-03-01T08:00:00.000Z', 'x', 10, 500, 9000),
             (102, 1, 'paid', '2026-03-01T07:00:00.000Z', 'x', 11, NULL, NULL);
         INSERT INTO order_items (order_id, line, item_id, title, quantity, unit_price) VALUES
             (100, 0, 'MLA1', 'Termo acero', 2, '1500.00'),
             (101, 0, 'MLA9', 'Bombilla', 1, '150.00'),
             (102, 0, 'MLA9', 'Bombilla', 1, '99.90');",
    )
    .unwrap();
    let template = "¡Hola {buyer_first_name}! Tu compra #{order_id} ({items}) va por {carrier}, \
                    seguimiento {tracking_number}, llega el {shipping_eta}. {seller} {firma}";
    let pack = order_context_for(&conn, 1, 500).unwrap();
    let r = render(template, &pack);
    assert_eq!(
        r.text,
        "¡Hola Ana! Tu compra #100 (2 × Termo acero, 1 × Bombilla) va por Correo Argentino, \
         seguimiento TRK9000, llega el 04/03/2026. MATEANDO {firma}",
        "the estimated day is Buenos Aires' (UTC−3), not UTC's"
    );
    assert_eq!(r.unknown, vec!["firma".to_owned()]);
    assert!(r.missing.is_empty());

    // An order without a pack and not shipped: the nickname stands for the first name, and what
    // the shipment will tell is flagged, left as written.
    let order = order_context_for(&conn, 1, 102).unwrap();
    let r = render(template, &order);
    assert!(
        r.text
            .starts_with("¡Hola BETO_22! Tu compra #102 (1 × Bombilla) va por {carrier}")
    );
    assert_eq!(
        r.missing,
        vec![
            "carrier".to_owned(),
            "tracking_number".to_owned(),
            "shipping_eta".to_owned()
        ]
    );
    assert!(matches!(
        order_context_for(&conn, 1, 999),
        Err(Error::NotFound(_))
    ));
    assert!(
        matches!(order_context_for(&conn, 2, 500), Err(Error::NotFound(_))),
        "another account's pack is not found"
    );
}
