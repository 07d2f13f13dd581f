//! Orders, incrementally by last update, then the shipments of open orders with their SLA.
//!
//! The cursor is the newest `last_updated` seen by the last finished pass; a pass asks for
//! orders updated since then (one request when nothing changed). Within a pass the offset is
//! saved with each stored page, so an interrupted first sync resumes at the next page.

use chrono::{DateTime, Utc};
use futures_util::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use super::paging;
use super::pass::Pass;
use crate::error::Result;
use crate::marketplace::{orders as api, postsale};
use crate::store::{cursors, orders, shipments};

/// The cursor row's name.
pub const RESOURCE: &str = "orders";
/// The shipments' cursor row.
pub const SHIPMENTS: &str = "shipments";

/// Shipments read at once.
const PARALLEL: usize = 4;

/// Orders older than this are assumed shipped or finished; their shipments are not followed.
const FOLLOW_DAYS: i64 = 21;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cursor {
    /// Orders updated at or after this (all when `None`).
    from: Option<DateTime<Utc>>,
    /// Entries of the current pass already stored.
    offset: usize,
    /// Newest `last_updated` stored in the current pass.
    newest: Option<DateTime<Utc>>,
}

/// Syncs orders, then shipments.
pub async fn sync(p: &Pass) -> Result<()> {
    let account_id = p.account_id();
    let (mut cur, _): (Cursor, _) = p
        .store
        .run(move |c| cursors::load(c, account_id, RESOURCE))
        .await?;
    let mut touched_shipments = Vec::new();
    let mut walk = paging::Walk::new(RESOURCE, account_id);
    loop {
        let page = api::search(&p.session, cur.from, cur.offset).await?;
        if let Err(e) = walk.page(
            (cur.offset + page.entries) as i64,
            page.total,
            page.orders.iter().map(|o| o.id),
        ) {
            // The next pass walks the same window again from its start.
            let again = Cursor {
                from: cur.from,
                offset: 0,
                newest: None,
            };
            p.store
                .run(move |c| cursors::save(c, account_id, RESOURCE, &again, 0, None))
                .await?;
            return Err(e);
        }
        cur.offset += page.entries;
        for o in &page.orders {
            // A date after this pass began (a server clock ahead, a bad record) would make
            // the next pass skip every order updated before it: the cursor never passes now.
            cur.newest = cur.newest.max(Some(o.last_updated.min(p.started)));
            // The boundary order of the previous pass comes back (the filter is inclusive).
            let changed = cur.from.is_none_or(|f| o.last_updated > f);
            if let Some(s) = o.shipping_id
                && changed
                && o.status == "paid"
                && o.date_created >= p.started - chrono::Duration::days(FOLLOW_DAYS)
            {
                touched_shipments.push(s);
            }
        }
        let finished = page.entries == 0 || cur.offset as i64 >= page.total;
        let total = page.total;
        let to_store = page.orders;
        let sold = to_store.clone();
        let next = if finished {
            Cursor {
                from: cur.newest.or(cur.from),
                offset: 0,
                newest: None,
            }
        } else {
            Cursor {
                from: cur.from,
                offset: cur.offset,
                newest: cur.newest,
            }
        };
        let done = cur.offset as i64;
        let now = p.started;
        p.store
            .run(move |c| {
                let tx = c.transaction()?;
                for o in &to_store {
                    orders::upsert(&tx, o)?;
                }
                if finished {
                    cursors::finish(&tx, account_id, RESOURCE, &next, done, now)?;
                } else {
                    cursors::save(&tx, account_id, RESOURCE, &next, done, Some(total))?;
                }
                tx.commit()?;
                Ok(())
            })
            .await?;
        // Sales of linked SKUs move their groups (once per order line, however often read).
        let started = p.started;
        let applied = p
            .outbox
            .queue_with(move |tx, ids| crate::stock::links::apply_sales(tx, &sold, started, ids))
            .await?;
        if applied > 0 {
            tracing::info!(account_id, applied, "sales of linked SKUs propagated");
        }
        p.progress(RESOURCE, done, Some(total));
        if finished {
            break;
        }
    }
    // The stock view's days of cover count the last 30 days of sales.
    let now = p.started;
    p.store
        .run(move |c| crate::stock::refresh_sales(c, now))
        .await?;
    sync_shipments(p, touched_shipments).await
}

/// Reads the shipments of orders that changed, or of every open order when that is due.
async fn sync_shipments(p: &Pass, touched: Vec<i64>) -> Result<()> {
    let account_id = p.account_id();
    let all_due = p.due(SHIPMENTS, p.cadence.shipments_refresh).await?;
    let since = p.started - chrono::Duration::days(FOLLOW_DAYS);
    let mut ids = if all_due {
        p.store
            .run(move |c| orders::open_shipments(c, account_id, since))
            .await?
    } else {
        touched
    };
    ids.sort_unstable();
    ids.dedup();
    let total = ids.len() as i64;
    let done = std::sync::atomic::AtomicI64::new(0);
    let done = &done;
    futures_util::stream::iter(ids)
        .map(|id| async move {
            let s = match postsale::shipment(&p.session, id).await {
                Ok(s) => s,
                Err(e) if e.is_about_one_entry() => {
                    tracing::warn!(shipment_id = id, error = %e, "skipping shipment");
                    return Ok(());
                }
                Err(e) => return Err(e),
            };
            let now = p.started;
            p.store.run(move |c| shipments::upsert(c, &s, now)).await?;
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            p.progress(SHIPMENTS, n, Some(total));
            Ok(())
        })
        .buffer_unordered(PARALLEL)
        .try_collect::<Vec<()>>()
        .await?;
    if all_due {
        let now = p.started;
        p.store
            .run(move |c| cursors::finish(c, account_id, SHIPMENTS, &(), total, now))
            .await?;
    }
    Ok(())
}
