//! When and what to tell the seller: the notification policy. The [`Notifier`] only displays.
//!
//! Rules: one notification per new unanswered question; questions present when an account is
//! first synced (its baseline) are never announced; a question is announced at most once, even
//! across restarts, because the decision is recorded in the store (`questions.notified_at`)
//! in the same step that makes it.

use std::sync::Arc;

use crate::clock::Clock;
use crate::error::Result;
use crate::store::Store;
use crate::store::{accounts, listings, questions};

/// Longest body shown in a notification, in characters.
const BODY_MAX_CHARS: usize = 240;

/// A notification to display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Account the question belongs to.
    pub account_id: i64,
    /// The question, so a click can open it.
    pub question_id: i64,
    /// Title: the listing's title.
    pub summary: String,
    /// Body: the buyer's text, shortened.
    pub body: String,
}

/// Displays notifications (notify-rust in the shell; a recorder in tests).
pub trait Notifier: Send + Sync + 'static {
    /// Shows one notification. Must not block for long.
    fn show(&self, notification: Notification);
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

/// Announces the account's new questions, or silently records the baseline on its first sync.
/// Returns how many notifications were shown.
pub async fn announce(
    store: &Store,
    notifier: &Arc<dyn Notifier>,
    clock: &Arc<dyn Clock>,
    account_id: i64,
) -> Result<usize> {
    let now = clock.now();
    let pending = store
        .run(move |conn| {
            let tx = conn.transaction()?;
            let Some(account) = accounts::get(&tx, account_id)? else {
                return Ok(Vec::new());
            };
            let fresh = questions::unnotified(&tx, account_id)?;
            let ids: Vec<i64> = fresh.iter().map(|q| q.id).collect();
            questions::mark_notified(&tx, &ids, now)?;
            let mut out = Vec::new();
            if account.baseline_done {
                for q in fresh {
                    let title =
                        listings::title(&tx, &q.item_id)?.unwrap_or_else(|| q.item_id.clone());
                    out.push(Notification {
                        account_id,
                        question_id: q.id,
                        summary: title,
                        body: truncate(&q.text, BODY_MAX_CHARS),
                    });
                }
            } else {
                accounts::set_baseline_done(&tx, account_id)?;
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_keeps_short_text_and_cuts_on_characters() {
        assert_eq!(truncate("  hola  ", 10), "hola");
        assert_eq!(truncate("¿envío gratis?", 6), "¿enví…");
        assert_eq!(truncate("ab", 2), "ab");
    }
}
