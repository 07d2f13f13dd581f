//! Stock alerts: a listing buyers are asking about (open questions) that is out of stock, or at
//! or under its low-stock threshold, is announced once; it is announced again only after its
//! stock went back above the threshold. Pauses, quiet hours and the per-account switches apply
//! as they do to questions (what is not shown then is not shown later either).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{
    BODY_MAX_CHARS, Language, Locale, Notification, NotificationKind, NotificationSettings,
    Notifier, SETTINGS_KEY, Texts, decide_and_show, truncate,
};
use crate::clock::Clock;
use crate::error::Result;
use crate::store::{Store, accounts, settings, ts};

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
    // Listings back above their threshold may be announced again.
    conn.execute(
        "DELETE FROM stock_alerts WHERE item_id IN (
             SELECT l.id FROM listings l
             WHERE l.account_id = ?1 AND COALESCE(l.available_quantity, 0) > COALESCE(
                 (SELECT t.threshold FROM stock_thresholds t
                  WHERE t.scope = 'listing' AND t.key = l.id),
                 (SELECT t.threshold FROM stock_thresholds t
                  WHERE t.scope = 'sku' AND t.key = l.sku), ?2))",
        params![account_id, default],
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, l.title, COALESCE(l.available_quantity, 0),
                (SELECT group_concat(q.id) FROM (
                     SELECT id FROM questions
                     WHERE item_id = l.id AND status = 'UNANSWERED'
                     ORDER BY date_created, id) q)
         FROM listings l
         WHERE l.account_id = ?1
           AND COALESCE(l.available_quantity, 0) <= COALESCE(
               (SELECT t.threshold FROM stock_thresholds t
                WHERE t.scope = 'listing' AND t.key = l.id),
               (SELECT t.threshold FROM stock_thresholds t
                WHERE t.scope = 'sku' AND t.key = l.sku), ?2)
           AND EXISTS (SELECT 1 FROM questions q
                       WHERE q.item_id = l.id AND q.status = 'UNANSWERED')
           AND NOT EXISTS (SELECT 1 FROM stock_alerts a WHERE a.item_id = l.id)
         ORDER BY l.id",
    )?;
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
    for (id, _) in &rows {
        conn.execute(
            "INSERT OR IGNORE INTO stock_alerts (item_id, alerted_at) VALUES (?1, ?2)",
            params![id, ts(now)],
        )?;
    }
    let prefs: NotificationSettings = settings::get(conn, SETTINGS_KEY)?;
    let switches = prefs.account(account_id);
    if rows.is_empty()
        || prefs.paused(now)
        || !switches.enabled
        || prefs.quiet_at(now, locale.utc_offset_minutes)
    {
        return Ok(Vec::new());
    }
    let texts = Texts {
        language: crate::preferences::language_in(conn)?.unwrap_or(locale.language),
        nickname: (accounts::list(conn)?.len() > 1).then(|| account.nickname.clone()),
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
