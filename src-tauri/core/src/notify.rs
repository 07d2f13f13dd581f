//! When and what to tell the seller: the notification policy. The [`Notifier`] only displays.
//!
//! Rules, all decided here with the injected clock and recorded in the store in the same
//! transaction that decides them (so nothing is announced twice, across restarts too):
//! - one notification per new unanswered question; more than `group_threshold` new in one poll
//!   become one grouped notification ("5 new questions on 3 listings");
//! - questions present when an account is first synced (its baseline) are never announced;
//! - nothing is shown while notifications are off or paused, for a switched-off account, or in
//!   quiet hours (weekday ranges in local time, which may cross midnight); such questions count
//!   as told;
//! - a question still unanswered `realert_minutes` after it was asked is announced once more,
//!   in quiet hours too when the seller chose so.
//!
//! - a buyer's new post-sale message is announced the same way ("Venta #… — buyer"), grouped
//!   above the same threshold; messages present at the account's first messages sync are not.
//!
//! The account nickname is added to the title when more than one account is connected.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::Clock;
use crate::error::Result;
use crate::store::questions::Question;
use crate::store::{Store, accounts, listings, messages, questions, settings};

/// Longest body shown in a notification, in characters.
const BODY_MAX_CHARS: usize = 240;
/// The settings key of [`NotificationSettings`].
pub const SETTINGS_KEY: &str = "notifications";

/// The language notifications and the tray are written in: the one chosen in settings
/// ([`crate::preferences::AppPreferences::language`]), else the OS locale's (chosen by the shell).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, export_to = "Language.ts")]
pub enum Language {
    /// Español.
    #[default]
    Es,
    /// Português (Brasil).
    Pt,
    /// English.
    En,
}

impl Language {
    /// From a POSIX or BCP 47 locale such as `pt_BR.UTF-8` or `en-US`.
    pub fn from_locale(locale: &str) -> Self {
        let l = locale.to_ascii_lowercase();
        if l.starts_with("pt") {
            Self::Pt
        } else if l.starts_with("en") {
            Self::En
        } else {
            Self::Es
        }
    }
}

/// A range of quiet hours, in local time, on some weekdays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "QuietHours.ts")]
pub struct QuietHours {
    /// ISO weekdays the range starts on: 1 = Monday … 7 = Sunday.
    pub days: Vec<u8>,
    /// Start, minutes after local midnight.
    pub start_minute: u16,
    /// End, minutes after local midnight; before `start_minute` when it ends the next day.
    pub end_minute: u16,
}

/// Per-account switches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export, export_to = "AccountNotifications.ts")]
pub struct AccountNotifications {
    /// Notify for this account.
    pub enabled: bool,
    /// Play the notification sound.
    pub sound: bool,
}

impl Default for AccountNotifications {
    fn default() -> Self {
        Self {
            enabled: true,
            sound: true,
        }
    }
}

/// The seller's notification settings (persisted under [`SETTINGS_KEY`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export, export_to = "NotificationSettings.ts")]
pub struct NotificationSettings {
    /// Master switch.
    pub enabled: bool,
    /// Paused until this instant (RFC 3339, UTC).
    pub paused_until: Option<String>,
    /// More new questions than this in one poll are grouped into one notification.
    pub group_threshold: u32,
    /// Quiet hours.
    pub quiet_hours: Vec<QuietHours>,
    /// Re-announce a question still unanswered after this many minutes (0: never).
    pub realert_minutes: u32,
    /// Re-announce even in quiet hours.
    pub realert_in_quiet_hours: bool,
    /// Per-account switches, by account id.
    pub accounts: BTreeMap<String, AccountNotifications>,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            paused_until: None,
            group_threshold: 3,
            quiet_hours: Vec::new(),
            realert_minutes: 15,
            realert_in_quiet_hours: false,
            accounts: BTreeMap::new(),
        }
    }
}

impl NotificationSettings {
    fn paused(&self, now: DateTime<Utc>) -> bool {
        !self.enabled
            || self
                .paused_until
                .as_deref()
                .and_then(|p| DateTime::parse_from_rfc3339(p).ok())
                .is_some_and(|until| until > now)
    }

    fn account(&self, id: i64) -> AccountNotifications {
        self.accounts
            .get(&id.to_string())
            .cloned()
            .unwrap_or_default()
    }

    /// Whether `now` falls in quiet hours, for a local time `utc_offset_minutes` from UTC.
    pub fn quiet_at(&self, now: DateTime<Utc>, utc_offset_minutes: i32) -> bool {
        let local = now + Duration::minutes(utc_offset_minutes as i64);
        let day = local.weekday().number_from_monday() as u8;
        let yesterday = if day == 1 { 7 } else { day - 1 };
        let minute = (local.hour() * 60 + local.minute()) as u16;
        self.quiet_hours.iter().any(|q| {
            if q.start_minute <= q.end_minute {
                q.days.contains(&day) && (q.start_minute..q.end_minute).contains(&minute)
            } else {
                (q.days.contains(&day) && minute >= q.start_minute)
                    || (q.days.contains(&yesterday) && minute < q.end_minute)
            }
        })
    }
}

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    /// One new question.
    NewQuestion,
    /// Several new questions at once.
    Grouped,
    /// A question still waiting.
    Reminder,
    /// A buyer's post-sale message (or several at once).
    NewMessage,
    /// A listing buyers are asking about ran out (or fell under its threshold); a click opens
    /// its oldest open question.
    StockAlert,
    /// A deadline (a buyer's message to answer, a claim, a dispatch) is an hour away; a click
    /// opens its conversation.
    DeadlineSoon,
    /// A shipment Mercado Libre reports late (several at once in one); a click opens the sale's
    /// conversation (the waiting list when several).
    ShipmentDelayed,
}

/// A notification to display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Account the questions belong to.
    pub account_id: i64,
    /// The question a click opens (the first, when grouped).
    pub question_id: i64,
    /// Every question announced.
    pub question_ids: Vec<i64>,
    /// The conversation a message notification is about.
    pub pack_id: Option<i64>,
    /// What it is about.
    pub kind: NotificationKind,
    /// Title.
    pub summary: String,
    /// Body.
    pub body: String,
    /// Play a sound.
    pub sound: bool,
}

/// Displays notifications (notify-rust in the shell; a recorder in tests).
pub trait Notifier: Send + Sync + 'static {
    /// Shows one notification. Must not block for long.
    fn show(&self, notification: Notification);
}

/// How the policy formats: language, local time and the account's name.
#[derive(Debug, Clone, Default)]
pub struct Locale {
    /// Language of the texts.
    pub language: Language,
    /// Local time offset from UTC, for quiet hours.
    pub utc_offset_minutes: i32,
}

/// Shortens `text` to at most `max` characters, ending with an ellipsis when cut.
pub fn truncate(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

struct Texts {
    language: Language,
    nickname: Option<String>,
}

impl Texts {
    fn title(&self, title: String) -> String {
        match &self.nickname {
            Some(n) => format!("{title} · {n}"),
            None => title,
        }
    }

    fn grouped(&self, count: usize, listings: &[String]) -> (String, String) {
        let k = listings.len();
        let names = truncate(&listings.join(", "), BODY_MAX_CHARS);
        let (summary, body) = match self.language {
            Language::Es => (
                format!("{count} preguntas nuevas"),
                format!(
                    "en {k} {}: {names}",
                    if k == 1 {
                        "publicación"
                    } else {
                        "publicaciones"
                    }
                ),
            ),
            Language::Pt => (
                format!("{count} novas perguntas"),
                format!(
                    "em {k} {}: {names}",
                    if k == 1 { "anúncio" } else { "anúncios" }
                ),
            ),
            Language::En => (
                format!("{count} new questions"),
                format!(
                    "on {k} {}: {names}",
                    if k == 1 { "listing" } else { "listings" }
                ),
            ),
        };
        (self.title(summary), body)
    }

    fn message_title(&self, order_id: Option<i64>, buyer: Option<&str>) -> String {
        let sale = match self.language {
            Language::Es => "Venta",
            Language::Pt => "Venda",
            Language::En => "Order",
        };
        let mut title = match order_id {
            Some(id) => format!("{sale} #{id}"),
            None => sale.to_owned(),
        };
        if let Some(b) = buyer {
            title.push_str(" — ");
            title.push_str(b);
        }
        self.title(title)
    }

    fn grouped_messages(&self, count: usize, conversations: usize) -> (String, String) {
        let (summary, body) = match self.language {
            Language::Es => (
                format!("{count} mensajes nuevos"),
                format!("de compradores en {conversations} conversaciones"),
            ),
            Language::Pt => (
                format!("{count} novas mensagens"),
                format!("de compradores em {conversations} conversas"),
            ),
            Language::En => (
                format!("{count} new messages"),
                format!("from buyers in {conversations} conversations"),
            ),
        };
        (self.title(summary), body)
    }

    fn reminder(&self, minutes: i64, title: &str, text: &str) -> (String, String) {
        let summary = match self.language {
            Language::Es => format!("Sigue sin responder ({minutes} min)"),
            Language::Pt => format!("Ainda sem resposta ({minutes} min)"),
            Language::En => format!("Still unanswered ({minutes} min)"),
        };
        (
            self.title(summary),
            truncate(&format!("{title}: {text}"), BODY_MAX_CHARS),
        )
    }
}

/// Announces the account's new questions and reminders, or records the baseline on its first
/// sync. Returns how many notifications were shown.
pub async fn announce(
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

/// Whether an alert for `account` may be shown now (not paused, outside quiet hours, the
/// account's switch on), and if so its switches and the texts in the seller's language (the
/// account named when there are several). Shared by the stock and deadline alerts.
fn alerts_shown_now(
    conn: &rusqlite::Connection,
    locale: &Locale,
    account: &crate::store::accounts::Account,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<(AccountNotifications, Texts)>> {
    let prefs: NotificationSettings = crate::store::settings::get(conn, SETTINGS_KEY)?;
    let switches = prefs.account(account.id);
    if prefs.paused(now) || !switches.enabled || prefs.quiet_at(now, locale.utc_offset_minutes) {
        return Ok(None);
    }
    let texts = Texts {
        language: crate::preferences::language_in(conn)?.unwrap_or(locale.language),
        nickname: (crate::store::accounts::list(conn)?.len() > 1).then(|| account.nickname.clone()),
    };
    Ok(Some((switches, texts)))
}

/// Decides in one transaction (so what was decided is recorded with it), then shows.
async fn decide_and_show(
    store: &Store,
    notifier: &Arc<dyn Notifier>,
    decide: impl FnOnce(&rusqlite::Connection) -> Result<Vec<Notification>> + Send + 'static,
) -> Result<usize> {
    let pending = store
        .run(move |conn| {
            let tx = conn.transaction()?;
            let out = decide(&tx)?;
            tx.commit()?;
            Ok(out)
        })
        .await?;
    let shown = pending.len();
    for n in pending {
        notifier.show(n);
    }
    Ok(shown)
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
    let fresh = questions::unnotified(conn, account_id)?;
    let fresh_ids: Vec<i64> = fresh.iter().map(|q| q.id).collect();
    questions::mark_notified(conn, &fresh_ids, now)?;
    if !account.baseline_done {
        // What was already waiting when the account was first synced is never announced.
        questions::mark_realerted(conn, &fresh_ids, now)?;
        accounts::set_baseline_done(conn, account_id)?;
        return Ok(Vec::new());
    }
    let prefs: NotificationSettings = settings::get(conn, SETTINGS_KEY)?;
    let switches = prefs.account(account_id);
    if prefs.paused(now) || !switches.enabled {
        return Ok(Vec::new());
    }
    let texts = Texts {
        language: crate::preferences::language_in(conn)?.unwrap_or(locale.language),
        nickname: (accounts::list(conn)?.len() > 1).then(|| account.nickname.clone()),
    };
    let quiet = prefs.quiet_at(now, locale.utc_offset_minutes);
    let title_of = |q: &Question| -> Result<String> {
        Ok(listings::title(conn, &q.item_id)?.unwrap_or_else(|| q.item_id.clone()))
    };
    let note = |kind, ids: Vec<i64>, (summary, body): (String, String)| Notification {
        account_id,
        question_id: ids.first().copied().unwrap_or_default(),
        question_ids: ids,
        pack_id: None,
        kind,
        summary,
        body,
        sound: switches.sound,
    };
    let mut out = Vec::new();
    if !quiet && !fresh.is_empty() {
        if fresh.len() > prefs.group_threshold as usize {
            let mut titles = Vec::new();
            let mut seen = BTreeSet::new();
            for q in &fresh {
                if seen.insert(q.item_id.clone()) {
                    titles.push(title_of(q)?);
                }
            }
            out.push(note(
                NotificationKind::Grouped,
                fresh_ids.clone(),
                texts.grouped(fresh.len(), &titles),
            ));
        } else {
            for q in &fresh {
                let body = truncate(&q.text, BODY_MAX_CHARS);
                out.push(note(
                    NotificationKind::NewQuestion,
                    vec![q.id],
                    (texts.title(title_of(q)?), body),
                ));
            }
        }
    }
    if prefs.realert_minutes > 0 && (!quiet || prefs.realert_in_quiet_hours) {
        let waited = Duration::minutes(prefs.realert_minutes as i64);
        let due: Vec<Question> = questions::due_for_realert(conn, account_id, now - waited)?
            .into_iter()
            .filter(|q| !fresh_ids.contains(&q.id))
            .collect();
        let due_ids: Vec<i64> = due.iter().map(|q| q.id).collect();
        questions::mark_realerted(conn, &due_ids, now)?;
        for q in &due {
            let minutes = (now - q.date_created).num_minutes();
            out.push(note(
                NotificationKind::Reminder,
                vec![q.id],
                texts.reminder(minutes, &title_of(q)?, &q.text),
            ));
        }
    }
    Ok(out)
}

/// Announces buyers' new post-sale messages; on the account's first messages sync
/// (`baseline`), records them as told instead. Returns how many notifications were shown.
pub async fn announce_messages(
    store: &Store,
    notifier: &Arc<dyn Notifier>,
    clock: &Arc<dyn Clock>,
    locale: &Locale,
    account_id: i64,
    baseline: bool,
) -> Result<usize> {
    let now = clock.now();
    let locale = locale.clone();
    decide_and_show(store, notifier, move |tx| {
        if baseline {
            messages::mark_all_notified(tx, account_id, now)?;
            Ok(Vec::new())
        } else {
            decide_messages(tx, &locale, account_id, now)
        }
    })
    .await
}

fn decide_messages(
    conn: &rusqlite::Connection,
    locale: &Locale,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Notification>> {
    let Some(account) = accounts::get(conn, account_id)? else {
        return Ok(Vec::new());
    };
    let fresh = messages::unnotified(conn, account_id)?;
    let ids: Vec<String> = fresh.iter().map(|m| m.id.clone()).collect();
    messages::mark_notified(conn, &ids, now)?;
    let prefs: NotificationSettings = settings::get(conn, SETTINGS_KEY)?;
    let switches = prefs.account(account_id);
    if fresh.is_empty()
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
    let note = |pack_id: i64, (summary, body): (String, String)| Notification {
        account_id,
        question_id: 0,
        question_ids: Vec::new(),
        pack_id: Some(pack_id),
        kind: NotificationKind::NewMessage,
        summary,
        body,
        sound: switches.sound,
    };
    if fresh.len() > prefs.group_threshold as usize {
        let packs: BTreeSet<i64> = fresh.iter().map(|m| m.pack_id).collect();
        let first = fresh[0].pack_id;
        return Ok(vec![note(
            first,
            texts.grouped_messages(fresh.len(), packs.len()),
        )]);
    }
    let mut out = Vec::new();
    for m in &fresh {
        let (order_id, buyer) = messages::context(conn, m.pack_id)?;
        let title = texts.message_title(order_id, buyer.as_deref());
        out.push(note(m.pack_id, (title, truncate(&m.text, BODY_MAX_CHARS))));
    }
    Ok(out)
}

/// Reads the notification settings.
pub async fn settings(store: &Store) -> Result<NotificationSettings> {
    store.run(|c| settings::get(c, SETTINGS_KEY)).await
}

/// Replaces the notification settings.
pub async fn set_settings(store: &Store, value: NotificationSettings) -> Result<()> {
    store
        .run(move |c| settings::put(c, SETTINGS_KEY, &value))
        .await
}

mod deadline_alerts;
mod shipment_alerts;
mod stock_alerts;
pub use deadline_alerts::announce_deadlines;
pub use shipment_alerts::announce_delays;
pub use stock_alerts::announce_stock;

#[cfg(test)]
mod tests;
