//! The unanswered-questions poll: the fast loop that finds new buyer questions.
//!
//! One poll = one `/questions/search?status=UNANSWERED` request while nothing changed (the idle
//! cost), plus, only when needed: a `GET /questions/{id}` for each question that left the
//! unanswered list (answered on the web, deleted...), and multigets of 20 for listings and buyers
//! not stored yet.

use std::collections::HashSet;

use crate::error::{Error, Result};
use crate::events::{Event, EventBus};
use crate::marketplace::{Session, questions as api_questions, resources};
use crate::store::{Store, buyers, listings, questions};

/// Most vanished questions re-read per poll (the rest on later polls).
const VANISHED_PER_POLL: usize = 20;

/// What a poll did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PollReport {
    /// Questions stored for the first time.
    pub new: usize,
    /// Question ids inserted or changed.
    pub changed: Vec<i64>,
    /// Malformed entries skipped.
    pub skipped: usize,
}

/// Polls the account's unanswered questions into the store.
#[tracing::instrument(skip_all, fields(account_id = session.account_id()), err)]
pub async fn poll_unanswered(
    store: &Store,
    session: &Session,
    events: &EventBus,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<PollReport> {
    let account_id = session.account_id();
    let fetched = api_questions::unanswered(session).await?;
    let mut report = PollReport {
        skipped: fetched.skipped,
        ..PollReport::default()
    };
    let seen: HashSet<i64> = fetched.questions.iter().map(|q| q.id).collect();

    // Questions we hold as unanswered that the API no longer lists: read their new state.
    let local_open = store
        .run(move |c| questions::ids_with_status(c, account_id, questions::UNANSWERED))
        .await?;
    let mut refreshed = Vec::new();
    let mut gone = Vec::new();
    for id in local_open
        .into_iter()
        .filter(|id| !seen.contains(id))
        .take(VANISHED_PER_POLL)
    {
        match api_questions::get(session, id).await {
            Ok(q) => refreshed.push(q),
            // Deleted on Mercado Libre (by the seller on the site, or by moderation): stored as
            // deleted, so it is not read again on every poll.
            Err(Error::Api { status: 404, .. }) => {
                tracing::info!(
                    question_id = id,
                    "question gone from Mercado Libre; deleted"
                );
                gone.push(id);
            }
            Err(e) => tracing::warn!(question_id = id, error = %e, "could not refresh question"),
        }
    }

    let mut all = fetched.questions;
    all.extend(refreshed);
    let batch = all.clone();
    let (new, changed) = store
        .run(move |c| {
            let tx = c.transaction()?;
            let mut new = 0;
            let mut changed = Vec::new();
            for q in &batch {
                let before = questions::get(&tx, q.id)?;
                if questions::upsert(&tx, q, now)? {
                    new += 1;
                    changed.push(q.id);
                } else if before.as_ref() != Some(q) {
                    changed.push(q.id);
                }
            }
            for id in &gone {
                if questions::mark_deleted(&tx, *id, now)? {
                    changed.push(*id);
                }
            }
            tx.commit()?;
            Ok((new, changed))
        })
        .await?;
    report.new = new;
    report.changed = changed;

    // Listings and buyers the inbox needs to show these questions.
    let item_ids: Vec<String> = all.iter().map(|q| q.item_id.clone()).collect();
    let buyer_ids: Vec<i64> = all.iter().map(|q| q.buyer_id).collect();
    let (missing_items, missing_buyers) = store
        .run(move |c| {
            Ok((
                listings::missing(c, &item_ids)?,
                buyers::missing(c, &buyer_ids)?,
            ))
        })
        .await?;
    // A lookup that fails is logged and skipped: the questions are stored and announced
    // anyway, and what is still missing is asked for on the next poll. Listings and buyers
    // are read side by side.
    let (found_items, found_buyers) = tokio::join!(
        async {
            if missing_items.is_empty() {
                return Vec::new();
            }
            resources::items(session, &missing_items)
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(item_ids = ?missing_items, error = %e, "listing lookup failed; skipped");
                    Vec::new()
                })
        },
        async {
            if missing_buyers.is_empty() {
                return Vec::new();
            }
            resources::users(session, &missing_buyers)
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(buyer_ids = ?missing_buyers, error = %e, "buyer lookup failed; skipped");
                    Vec::new()
                })
        },
    );
    if !found_items.is_empty() || !found_buyers.is_empty() {
        store
            .run(move |c| {
                let tx = c.transaction()?;
                for l in &found_items {
                    listings::upsert(&tx, l, now)?;
                }
                for (id, nick) in &found_buyers {
                    buyers::upsert(&tx, *id, nick)?;
                }
                tx.commit()?;
                Ok(())
            })
            .await?;
    }
    if !report.changed.is_empty() {
        events.publish(Event::QuestionsChanged {
            account_id,
            question_ids: report.changed.clone(),
        });
    }
    Ok(report)
}
