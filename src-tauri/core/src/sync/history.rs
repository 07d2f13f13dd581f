//! The question history: every question the seller ever received, in every status, by scan;
//! then the nicknames of their askers.
//!
//! A scan's `scroll_id` is saved with each stored page, so an interrupted first pass resumes
//! where it stopped. A scroll is a server-side position: a page served but not stored before a
//! crash is skipped by the resumed scan, so a pass that ends with fewer entries than the total
//! is not accepted and runs again. Unanswered questions younger than ten minutes are left to
//! the fast poll, which decides whether they are announced; older ones found here never are.

use std::collections::BTreeSet;

use futures_util::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use super::paging;
use super::pass::Pass;
use crate::error::{Error, Result};
use crate::marketplace::{MULTIGET_MAX, questions as api, resources};
use crate::store::{buyers, cursors, questions};

/// The cursor row's name.
pub const RESOURCE: &str = "questions";

/// Multigets in flight at once.
const PARALLEL: usize = 4;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cursor {
    scroll_id: Option<String>,
    seen: i64,
}

/// Runs the history scan when it is due, then fetches missing buyer nicknames.
pub async fn sync(p: &Pass) -> Result<()> {
    let account_id = p.account_id();
    let (mut cur, row): (Cursor, _) = p
        .store
        .run(move |c| cursors::load(c, account_id, RESOURCE))
        .await?;
    let in_progress = cur.scroll_id.is_some();
    let initial_done = row.is_some_and(|r| r.initial_done);
    if in_progress || !initial_done || p.due(RESOURCE, p.cadence.history_rescan).await? {
        scan(p, &mut cur).await?;
    }
    buyer_nicknames(p).await
}

async fn scan(p: &Pass, cur: &mut Cursor) -> Result<()> {
    let account_id = p.account_id();
    let fresh_from = p.started - chrono::Duration::minutes(10);
    let mut walk = paging::Walk::new(RESOURCE, account_id);
    loop {
        let page = match api::scan(&p.session, cur.scroll_id.as_deref()).await {
            Err(Error::Api { status: 400, .. }) if cur.scroll_id.is_some() => {
                tracing::info!(account_id, "question scan expired; starting it again");
                walk.restart()?;
                *cur = Cursor::default();
                continue;
            }
            other => other?,
        };
        if let Err(e) = walk.page(
            cur.seen + page.entries as i64,
            page.total,
            page.questions.iter().map(|q| q.id),
        ) {
            // The next pass starts a new scan rather than going on with this one.
            p.store
                .run(move |c| cursors::save(c, account_id, RESOURCE, &Cursor::default(), 0, None))
                .await?;
            return Err(e);
        }
        cur.seen += page.entries as i64;
        cur.scroll_id = page.scroll_id.clone();
        let total = page.total;
        let now = p.started;
        let to_store = page.questions;
        let (snapshot_scroll, seen) = (cur.scroll_id.clone(), cur.seen);
        let finished = snapshot_scroll.is_none();
        p.store
            .run(move |c| {
                let tx = c.transaction()?;
                for q in &to_store {
                    let unanswered = q.status == questions::UNANSWERED;
                    if unanswered && q.date_created >= fresh_from {
                        continue;
                    }
                    if questions::upsert(&tx, q, now)? && unanswered {
                        questions::mark_notified(&tx, &[q.id], now)?;
                    }
                }
                let cursor = Cursor {
                    scroll_id: snapshot_scroll,
                    seen,
                };
                if finished && seen >= total {
                    cursors::finish(&tx, account_id, RESOURCE, &Cursor::default(), seen, now)?;
                } else if finished {
                    // Pages were lost to an interruption: scan again on the next pass.
                    cursors::save(
                        &tx,
                        account_id,
                        RESOURCE,
                        &Cursor::default(),
                        0,
                        Some(total),
                    )?;
                } else {
                    cursors::save(&tx, account_id, RESOURCE, &cursor, seen, Some(total))?;
                }
                tx.commit()?;
                Ok(())
            })
            .await?;
        p.progress(RESOURCE, cur.seen, Some(total));
        if finished {
            if cur.seen < total {
                return Err(Error::internal(
                    format!(
                        "question scan returned {} of {total}; it runs again",
                        cur.seen
                    ),
                    None,
                ));
            }
            return Ok(());
        }
    }
}

/// Fetches the nicknames of askers the store does not know yet, 20 per request.
async fn buyer_nicknames(p: &Pass) -> Result<()> {
    let account_id = p.account_id();
    let missing: Vec<i64> = p
        .store
        .run(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT DISTINCT q.buyer_id FROM questions q
                 LEFT JOIN buyers b ON b.id = q.buyer_id
                 WHERE q.account_id = ?1 AND b.id IS NULL",
            )?;
            let rows = stmt.query_map([account_id], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<BTreeSet<i64>>>()?)
        })
        .await?
        .into_iter()
        .collect();
    let chunks: Vec<Vec<i64>> = missing.chunks(MULTIGET_MAX).map(<[i64]>::to_vec).collect();
    futures_util::stream::iter(chunks)
        .map(|chunk| async move {
            let found = match resources::users_chunk(&p.session, &chunk).await {
                Ok(found) => found,
                Err(e) => {
                    // Still missing, so asked for again next pass.
                    tracing::warn!(buyer_ids = ?chunk, error = %e, "buyer lookup failed; skipped");
                    return Ok(());
                }
            };
            p.store
                .run(move |c| {
                    let tx = c.transaction()?;
                    for (id, nick) in &found {
                        buyers::upsert(&tx, *id, nick)?;
                    }
                    tx.commit()?;
                    Ok(())
                })
                .await
        })
        .buffer_unordered(PARALLEL)
        .try_collect::<Vec<()>>()
        .await?;
    Ok(())
}
