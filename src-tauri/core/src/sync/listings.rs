//! Listings with their variations and stock.
//!
//! A full pass scans the seller's listing ids (100 per request) and reads their bodies 20 per
//! multiget, several multigets in flight; each page is stored with the scan's `scroll_id` so an
//! interrupted first pass resumes. Between full passes (every `listings_rescan`), only listings
//! sold in orders updated since the last pass, and listings first stored partially by the
//! question poll, are read again.

use chrono::{DateTime, Utc};
use futures_util::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use super::paging;
use super::pass::Pass;
use crate::error::{Error, Result};
use crate::marketplace::{MULTIGET_MAX, listings as api};
use crate::store::listings::Listing;
use crate::store::{cursors, listings, orders};

/// The cursor row's name.
pub const RESOURCE: &str = "listings";

/// Multigets in flight at once.
const PARALLEL: usize = 4;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cursor {
    /// The full scan in progress.
    scroll_id: Option<String>,
    /// Ids seen by the full scan in progress.
    seen: i64,
    /// When the last full scan finished.
    last_full: Option<DateTime<Utc>>,
    /// Orders updated after this may have changed stock: their listings are read again.
    orders_since: Option<DateTime<Utc>>,
}

/// Runs a full or an incremental listings pass.
pub async fn sync(p: &Pass) -> Result<()> {
    let account_id = p.account_id();
    let (mut cur, _): (Cursor, _) = p
        .store
        .run(move |c| cursors::load(c, account_id, RESOURCE))
        .await?;
    let full_due = cur
        .last_full
        .is_none_or(|t| p.started - t >= p.cadence.listings_rescan);
    if cur.scroll_id.is_some() || full_due {
        full(p, &mut cur).await?;
    } else {
        incremental(p, cur).await?;
    }
    // SKUs now on two accounts are proposed as linked stock.
    let now = p.started;
    let proposed = p
        .store
        .run(move |c| crate::stock::links::propose(c, now))
        .await?;
    if proposed > 0 {
        tracing::info!(
            account_id,
            proposed,
            "SKUs on several accounts proposed for linking"
        );
    }
    Ok(())
}

/// Reads `ids` (any number) in multigets of 20, `PARALLEL` at a time.
async fn read(p: &Pass, ids: &[String]) -> Result<Vec<Listing>> {
    let chunks: Vec<Vec<String>> = ids.chunks(MULTIGET_MAX).map(<[String]>::to_vec).collect();
    let pages: Vec<Vec<Listing>> = futures_util::stream::iter(chunks)
        .map(|chunk| async move { api::read_chunk(&p.session, &chunk).await.map(|r| r.0) })
        .buffer_unordered(PARALLEL)
        .try_collect()
        .await?;
    Ok(pages.into_iter().flatten().collect())
}

async fn newest_order(p: &Pass) -> Result<Option<DateTime<Utc>>> {
    let account_id = p.account_id();
    p.store
        .run(move |c| {
            let newest: Option<String> = c.query_row(
                "SELECT MAX(last_updated) FROM orders WHERE account_id = ?1",
                [account_id],
                |r| r.get(0),
            )?;
            newest.map(|t| crate::store::parse_ts(&t)).transpose()
        })
        .await
}

async fn full(p: &Pass, cur: &mut Cursor) -> Result<()> {
    let account_id = p.account_id();
    // Orders stored before the scan started are covered by it.
    let orders_mark = newest_order(p).await?;
    let mut walk = paging::Walk::new(RESOURCE, account_id);
    loop {
        let page = match api::scan_ids(&p.session, cur.scroll_id.as_deref()).await {
            Err(Error::Api { status: 400, .. }) if cur.scroll_id.is_some() => {
                tracing::info!(account_id, "listing scan expired; starting it again");
                walk.restart()?;
                cur.scroll_id = None;
                cur.seen = 0;
                continue;
            }
            other => other?,
        };
        if let Err(e) = walk.page(cur.seen + page.ids.len() as i64, page.total, &page.ids) {
            // The next pass starts a new scan rather than going on with this one.
            let fresh = Cursor {
                last_full: cur.last_full,
                orders_since: cur.orders_since,
                ..Cursor::default()
            };
            p.store
                .run(move |c| cursors::save(c, account_id, RESOURCE, &fresh, 0, None))
                .await?;
            return Err(e);
        }
        let found = read(p, &page.ids).await?;
        cur.seen += page.ids.len() as i64;
        cur.scroll_id = page.scroll_id;
        let finished = cur.scroll_id.is_none();
        let complete = cur.seen >= page.total;
        let total = page.total;
        let now = p.started;
        let next = Cursor {
            scroll_id: cur.scroll_id.clone(),
            seen: if finished { 0 } else { cur.seen },
            last_full: if finished && complete {
                Some(p.started)
            } else {
                cur.last_full
            },
            orders_since: if finished && complete {
                orders_mark.or(cur.orders_since)
            } else {
                cur.orders_since
            },
        };
        let seen = cur.seen;
        let next = p
            .store
            .run(move |c| {
                let tx = c.transaction()?;
                for l in &found {
                    listings::upsert(&tx, l, now)?;
                }
                if finished && complete {
                    cursors::finish(&tx, account_id, RESOURCE, &next, seen, now)?;
                } else {
                    cursors::save(&tx, account_id, RESOURCE, &next, seen, Some(total))?;
                }
                tx.commit()?;
                Ok(next)
            })
            .await?;
        p.progress(RESOURCE, seen, Some(total));
        if finished {
            *cur = next;
            if !complete {
                return Err(Error::internal(
                    format!("listing scan returned {seen} of {total} ids; it runs again"),
                    None,
                ));
            }
            return Ok(());
        }
    }
}

async fn incremental(p: &Pass, cur: Cursor) -> Result<()> {
    let account_id = p.account_id();
    let since = cur.orders_since;
    let mark = newest_order(p).await?;
    let ids: Vec<String> = p
        .store
        .run(move |c| {
            let mut ids = match since {
                Some(t) => orders::items_updated_since(c, account_id, t)?,
                None => Vec::new(),
            };
            ids.extend(listings::partial(c, account_id)?);
            ids.sort();
            ids.dedup();
            Ok(ids)
        })
        .await?;
    let found = read(p, &ids).await?;
    let n = ids.len() as i64;
    let now = p.started;
    let next = Cursor {
        orders_since: mark.or(since),
        ..cur
    };
    p.store
        .run(move |c| {
            let tx = c.transaction()?;
            for l in &found {
                listings::upsert(&tx, l, now)?;
            }
            cursors::finish(&tx, account_id, RESOURCE, &next, n, now)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    p.progress(RESOURCE, n, Some(n));
    Ok(())
}
