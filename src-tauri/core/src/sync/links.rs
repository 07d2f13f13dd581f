//! The linked-stock round, on the fast lane, every [`LINK_INTERVAL`] for an account with
//! members in a confirmed group (nothing at all otherwise): the members' listings are read
//! again (one multiget per 20), then the orders updated in the last [`ORDERS_WINDOW`] (one
//! search, more pages only on a busy shop). Sales are applied first, then the quantities read
//! are compared with what the app expects: so a sale reflected in a listing already is never
//! taken for a change made on the site (see [`crate::stock::links`]).
//!
//! Cost while links exist: `ceil(listings / 20) + 1` requests per round, e.g. 2 requests every
//! 15 s (8 per minute) for an account with up to 20 linked listings.

use std::time::Duration;

use crate::error::Result;
use crate::marketplace::{Session, listings as api_listings, orders as api_orders};
use crate::store::{listings, orders};

/// Time between two rounds of an account.
pub const LINK_INTERVAL: Duration = Duration::from_secs(15);
/// How far back a round looks for updated orders (the bulk pass covers anything older).
const ORDERS_WINDOW: chrono::Duration = chrono::Duration::minutes(30);
/// Pages of orders one round reads at most.
const MAX_ORDER_PAGES: usize = 5;

/// One round for the session's account. Returns how many sales and site changes were taken.
pub async fn round(ctx: &super::SyncContext, session: &Session) -> Result<(usize, usize)> {
    let account_id = session.account_id();
    let items = ctx
        .store
        .run(move |c| crate::stock::links::members_on(c, account_id))
        .await?;
    if items.is_empty() {
        return Ok((0, 0));
    }
    // 1. The members as Mercado Libre has them now.
    let observed_at = ctx.clock.now();
    let mut read = Vec::new();
    for chunk in items.chunks(crate::marketplace::MULTIGET_MAX) {
        let (found, _) = api_listings::read_chunk(session, chunk).await?;
        read.extend(found);
    }
    let mut observed = Vec::new();
    for l in &read {
        match &l.variations {
            Some(vs) if !vs.is_empty() => observed.extend(
                vs.iter()
                    .map(|v| (l.id.clone(), Some(v.id), v.available_quantity)),
            ),
            _ => observed.push((l.id.clone(), None, l.available_quantity.unwrap_or(0))),
        }
    }
    // 2. The orders since, read after the listings.
    let now = ctx.clock.now();
    let from = now - ORDERS_WINDOW;
    let mut sold = Vec::new();
    let mut offset = 0;
    for _ in 0..MAX_ORDER_PAGES {
        let page = api_orders::search(session, Some(from), offset).await?;
        offset += page.entries;
        sold.extend(page.orders);
        if page.entries == 0 || offset as i64 >= page.total {
            break;
        }
    }
    // 3. Sales first, then the site's changes; the listings and orders stored with them.
    ctx.outbox
        .queue_with(move |tx, ids| {
            for l in &read {
                listings::upsert(tx, l, now)?;
            }
            for o in &sold {
                orders::upsert(tx, o)?;
            }
            let sales = crate::stock::links::apply_sales(tx, &sold, now, ids)?;
            if !sold.is_empty() {
                crate::stock::refresh_sales(tx, now)?;
            }
            let site = crate::stock::links::apply_site(tx, &observed, observed_at, now, ids)?;
            Ok((sales, site))
        })
        .await
}
