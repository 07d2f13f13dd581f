//! Delayed shipments: a shipment Mercado Libre reports late (its dispatch SLA, or the
//! `delays` of one on its way), or a parcel still on its way past the delivery date promised to
//! the buyer, is announced once, a click opening its sale's conversation;
//! several at once are one notification. Pauses, quiet hours and the per-account switches
//! apply as they do to questions.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{
    BODY_MAX_CHARS, Language, Locale, Notification, NotificationKind, Notifier, Texts,
    alerts_shown_now, decide_and_show, truncate,
};
use crate::clock::Clock;
use crate::error::Result;
use crate::store::{Store, accounts, ts};

/// The `deadline_alerts` kind of a delayed shipment (one row per shipment: announced once).
const KIND: &str = "shipment_delayed";

/// Announces the account's shipments that became late.
pub async fn announce_delays(
    store: &Store,
    notifier: &Arc<dyn Notifier>,
    clock: &Arc<dyn Clock>,
    locale: &Locale,
    account_id: i64,
) -> Result<usize> {
    let now = clock.now();
    let locale = locale.clone();
    decide_and_show(store, notifier, move |tx| {
        decide(tx, &locale, account_id, now)
    })
    .await
}

fn decide(
    conn: &rusqlite::Connection,
    locale: &Locale,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Notification>> {
    let Some(account) = accounts::get(conn, account_id)? else {
        return Ok(Vec::new());
    };
    // Past the promise, by the app's clock (the sync does not clear the mark).
    conn.execute(
        "UPDATE shipments SET past_promise = 1
         WHERE account_id = ?1 AND status = 'shipped' AND NOT past_promise
           AND estimated_delivery IS NOT NULL AND estimated_delivery < ?2",
        params![account_id, ts(now)],
    )?;
    let late: Vec<(i64, Option<i64>, Option<i64>)> = conn
        .prepare_cached(
            "SELECT s.id, o.id, o.pack_id FROM shipments s
             LEFT JOIN orders o ON o.id = s.order_id
             WHERE s.account_id = ?1 AND (s.delayed OR s.past_promise)
               AND s.status NOT IN ('delivered', 'cancelled', 'not_delivered')
               AND NOT EXISTS (SELECT 1 FROM deadline_alerts a
                               WHERE a.kind = ?2 AND a.target_id = s.id)
             ORDER BY s.id",
        )?
        .query_map(params![account_id, KIND], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (shipment, _, _) in &late {
        conn.execute(
            "INSERT OR IGNORE INTO deadline_alerts (kind, target_id, due_at, alerted_at)
             VALUES (?1, ?2, '', ?3)",
            params![KIND, shipment, ts(now)],
        )?;
    }
    if late.is_empty() {
        return Ok(Vec::new());
    }
    let Some((switches, texts)) = alerts_shown_now(conn, locale, &account, now)? else {
        return Ok(Vec::new());
    };
    let sales: Vec<i64> = late
        .iter()
        .map(|(shipment, order, _)| order.unwrap_or(*shipment))
        .collect();
    let (summary, body) = texts.delayed(&sales);
    // One late sale opens its conversation; several open the waiting list.
    let pack_id = match late.as_slice() {
        [(_, Some(order), pack)] => Some(pack.unwrap_or(*order)),
        _ => None,
    };
    Ok(vec![Notification {
        account_id,
        question_id: 0,
        question_ids: Vec::new(),
        pack_id,
        kind: NotificationKind::ShipmentDelayed,
        summary,
        body: truncate(&body, BODY_MAX_CHARS),
        sound: switches.sound,
    }])
}

impl Texts {
    fn delayed(&self, sales: &[i64]) -> (String, String) {
        let list = sales
            .iter()
            .map(|s| format!("#{s}"))
            .collect::<Vec<_>>()
            .join(", ");
        let (summary, body) = match (self.language, sales.len()) {
            (Language::Es, 1) => ("Envío demorado".to_owned(), format!("Venta {list}")),
            (Language::Es, n) => (format!("{n} envíos demorados"), format!("Ventas {list}")),
            (Language::Pt, 1) => ("Envio atrasado".to_owned(), format!("Venda {list}")),
            (Language::Pt, n) => (format!("{n} envios atrasados"), format!("Vendas {list}")),
            (Language::En, 1) => ("Shipment delayed".to_owned(), format!("Sale {list}")),
            (Language::En, n) => (format!("{n} shipments delayed"), format!("Sales {list}")),
        };
        (self.title(summary), body)
    }
}
