//! Deadline alerts: a deadline ([`crate::deadlines`]) an hour or less away is announced once, a
//! click opening its conversation. Pauses, quiet hours and the per-account switches apply as
//! they do to questions (what is not shown then is not shown later either).

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rusqlite::params;

use super::{
    BODY_MAX_CHARS, Language, Locale, Notification, NotificationKind, Notifier, Texts,
    alerts_shown_now, decide_and_show, truncate,
};
use crate::clock::Clock;
use crate::deadlines::{self, Deadline, DeadlineKind};
use crate::error::Result;
use crate::store::{Store, accounts, ts};

/// How long before a deadline it is announced.
pub const AHEAD_MINUTES: i64 = 60;

/// Announces the account's deadlines that are an hour or less away.
pub async fn announce_deadlines(
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
    let horizon = now + Duration::minutes(AHEAD_MINUTES);
    let mut soon: Vec<Deadline> = Vec::new();
    // No message or claim started more than a week ago is still an hour from its deadline
    // (8 business hours or 2 business days span at most a long weekend and a holiday).
    for d in deadlines::list_between(conn, Some(now - Duration::days(7)), Some(horizon))? {
        if d.account_id != account_id || d.due_at <= now || d.due_at > horizon {
            continue;
        }
        let fresh = conn.execute(
            "INSERT OR IGNORE INTO deadline_alerts (kind, target_id, due_at, alerted_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![kind_key(d.kind), d.target_id, ts(d.due_at), ts(now)],
        )? == 1;
        if fresh {
            soon.push(d);
        }
    }
    if soon.is_empty() {
        return Ok(Vec::new());
    }
    let Some((switches, texts)) = alerts_shown_now(conn, locale, &account, now)? else {
        return Ok(Vec::new());
    };
    Ok(soon
        .into_iter()
        .map(|d| {
            let (summary, body) = texts.deadline(&d, now);
            Notification {
                account_id,
                question_id: 0,
                question_ids: Vec::new(),
                pack_id: d.pack_id,
                kind: NotificationKind::DeadlineSoon,
                summary,
                body: truncate(&body, BODY_MAX_CHARS),
                sound: switches.sound,
            }
        })
        .collect())
}

fn kind_key(kind: DeadlineKind) -> &'static str {
    match kind {
        DeadlineKind::Message => "message",
        DeadlineKind::Claim => "claim",
        DeadlineKind::Dispatch => "dispatch",
    }
}

impl Texts {
    fn deadline(&self, d: &Deadline, now: DateTime<Utc>) -> (String, String) {
        let minutes = (d.due_at - now).num_minutes().max(1);
        let sale = d.order_id.or(d.pack_id).unwrap_or(d.target_id);
        let what = match (self.language, d.kind) {
            (Language::Es, DeadlineKind::Message) => "Responder al comprador",
            (Language::Es, DeadlineKind::Claim) => "Resolver el reclamo",
            (Language::Es, DeadlineKind::Dispatch) => "Despachar el envío",
            (Language::Pt, DeadlineKind::Message) => "Responder ao comprador",
            (Language::Pt, DeadlineKind::Claim) => "Resolver a reclamação",
            (Language::Pt, DeadlineKind::Dispatch) => "Despachar o envio",
            (Language::En, DeadlineKind::Message) => "Reply to the buyer",
            (Language::En, DeadlineKind::Claim) => "Resolve the claim",
            (Language::En, DeadlineKind::Dispatch) => "Dispatch the shipment",
        };
        let summary = match self.language {
            Language::Es => format!("Vence en {minutes} min: {what}"),
            Language::Pt => format!("Vence em {minutes} min: {what}"),
            Language::En => format!("Due in {minutes} min: {what}"),
        };
        let body = match self.language {
            Language::Es => format!("Venta #{sale}"),
            Language::Pt => format!("Venda #{sale}"),
            Language::En => format!("Sale #{sale}"),
        };
        (self.title(summary), body)
    }
}
