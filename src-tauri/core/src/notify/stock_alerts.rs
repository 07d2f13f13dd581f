//! Stock alerts: a listing buyers are asking about (open questions) that runs out, or falls to
//! or under its low-stock threshold, is announced when it crosses it; again only after it went
//! back above. A listing first seen already low is recorded, not announced. Pauses, quiet hours
//! and the per-account switches apply as they do to questions (what is not shown then is not
//! shown later either).

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

/// Announces the account's listings that ran low while buyers ask about them.
pub async fn announce_stock(
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

/// One listing to announce: its title, units left and open questions (oldest first).
struct Low {
    title: String,
    available: i64,
    questions: Vec<i64>,
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
    let default = crate::stock::default_threshold(conn)?;
    // Low: at or under the threshold that applies (the listing's, its SKU's, the default).
    let low = "COALESCE(l.available_quantity, 0) <= COALESCE(
                 (SELECT t.threshold FROM stock_thresholds t
                  WHERE t.scope = 'listing' AND t.key = l.id),
                 (SELECT t.threshold FROM stock_thresholds t
                  WHERE t.scope = 'sku' AND t.key = l.sku), ?2)";
    // First sight: recorded as it is, not announced.
    conn.execute(
        &format!(
            "INSERT OR IGNORE INTO stock_watch (item_id, low)
             SELECT l.id, {low} FROM listings l WHERE l.account_id = ?1"
        ),
        params![account_id, default],
    )?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT l.id, l.title, COALESCE(l.available_quantity, 0),
                (SELECT group_concat(q.id) FROM (
                     SELECT id FROM questions
                     WHERE item_id = l.id AND status = 'UNANSWERED'
                     ORDER BY date_created, id) q)
         FROM listings l JOIN stock_watch w ON w.item_id = l.id
         WHERE l.account_id = ?1 AND w.low = 0 AND {low}
           AND EXISTS (SELECT 1 FROM questions q
                       WHERE q.item_id = l.id AND q.status = 'UNANSWERED')
         ORDER BY l.id"
    ))?;
    let rows: Vec<(String, Low)> = stmt
        .query_map(params![account_id, default], |r| {
            let ids: Option<String> = r.get(3)?;
            Ok((
                r.get(0)?,
                Low {
                    title: r.get(1)?,
                    available: r.get(2)?,
                    questions: ids
                        .unwrap_or_default()
                        .split(',')
                        .filter_map(|n| n.parse().ok())
                        .collect(),
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    drop(stmt);
    for (id, _) in &rows {
        conn.execute(
            "UPDATE stock_watch SET alerted_at = ?2 WHERE item_id = ?1",
            params![id, ts(now)],
        )?;
    }
    // Every listing's state as of now: the next crossing is the next announcement.
    conn.execute(
        &format!(
            "UPDATE stock_watch SET low = (SELECT {low} FROM listings l
                                           WHERE l.id = stock_watch.item_id)
             WHERE item_id IN (SELECT id FROM listings WHERE account_id = ?1)"
        ),
        params![account_id, default],
    )?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let Some((switches, texts)) = alerts_shown_now(conn, locale, &account, now)? else {
        return Ok(Vec::new());
    };
    Ok(rows
        .into_iter()
        .map(|(_, low)| {
            let (summary, body) = texts.stock_alert(&low);
            Notification {
                account_id,
                question_id: low.questions.first().copied().unwrap_or(0),
                question_ids: low.questions.clone(),
                pack_id: None,
                kind: NotificationKind::StockAlert,
                summary,
                body: truncate(&body, BODY_MAX_CHARS),
                sound: switches.sound,
            }
        })
        .collect())
}

impl Texts {
    fn stock_alert(&self, low: &Low) -> (String, String) {
        let n = low.questions.len();
        let state = match (self.language, low.available) {
            (Language::Es, 0) => "Sin stock".to_owned(),
            (Language::Es, a) => format!("Quedan {a}"),
            (Language::Pt, 0) => "Sem estoque".to_owned(),
            (Language::Pt, a) => format!("Restam {a}"),
            (Language::En, 0) => "Out of stock".to_owned(),
            (Language::En, a) => format!("{a} left"),
        };
        let questions = match (self.language, n) {
            (Language::Es, 1) => "1 pregunta espera respuesta".to_owned(),
            (Language::Es, n) => format!("{n} preguntas esperan respuesta"),
            (Language::Pt, 1) => "1 pergunta aguarda resposta".to_owned(),
            (Language::Pt, n) => format!("{n} perguntas aguardam resposta"),
            (Language::En, 1) => "1 question is waiting".to_owned(),
            (Language::En, n) => format!("{n} questions are waiting"),
        };
        (self.title(format!("{state}: {}", low.title)), questions)
    }
}
