//! `search_type=scan` paging shared by the searches that support it: the first request snapshots
//! the matching ids and returns a `scroll_id`; each request with that `scroll_id` returns the next
//! page; the page that reaches the end returns `scroll_id: null`. Scroll ids expire 5 minutes
//! after their last use, as on Mercado Libre.

use std::collections::HashMap;

use axum::http::StatusCode;
use chrono::Duration;

use crate::api_error::Rejection;
use crate::world::{Scroll, World};

/// Largest page a search returns.
pub const MAX_LIMIT: usize = 100;

/// The total searches report while the `endless_pages` fault is on.
pub const ENDLESS_TOTAL: usize = 1_000_000;

/// Where an offset page of `len` entries starts, and the total to report. With the
/// `endless_pages` fault on, a page past the end repeats the last full page and the total is
/// [`ENDLESS_TOTAL`], as a server lying about its size would.
pub fn offset_window(len: usize, offset: usize, limit: usize, endless: bool) -> (usize, usize) {
    if endless {
        (offset.min(len.saturating_sub(limit)), ENDLESS_TOTAL)
    } else {
        (offset, len)
    }
}

/// A page of ids and the scroll id to continue with.
pub struct Page {
    /// Ids on this page.
    pub ids: Vec<String>,
    /// Where to continue; `None` at the end.
    pub scroll_id: Option<String>,
    /// All matching ids.
    pub total: usize,
}

/// The `limit` parameter (default 50, 1..=100).
pub fn limit(q: &HashMap<String, String>) -> Result<usize, Rejection> {
    match q.get("limit").map(|l| l.parse::<usize>()) {
        None => Ok(50),
        Some(Ok(l)) if (1..=MAX_LIMIT).contains(&l) => Ok(l),
        Some(_) => Err(Rejection::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        )),
    }
}

/// Whether the request is a scan (first page or continuation).
pub fn is_scan(q: &HashMap<String, String>) -> bool {
    q.get("search_type").is_some_and(|t| t == "scan") || q.contains_key("scroll_id")
}

/// Serves a scan page: opens a scroll over `all` (computed lazily) or continues one.
pub fn page(
    world: &mut World,
    q: &HashMap<String, String>,
    all: impl FnOnce(&World) -> Vec<String>,
) -> Result<Page, Rejection> {
    let limit = limit(q)?;
    let now = world.now();
    world.scrolls.retain(|_, s| s.expires_at > now);
    let (scroll_id, mut scroll) = match q.get("scroll_id") {
        Some(id) => {
            let scroll = world.scrolls.remove(id).ok_or_else(|| {
                Rejection::new(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "scroll_id is invalid or expired",
                )
            })?;
            (id.clone(), scroll)
        }
        None => {
            let seller = world.seller_id;
            let id = world.token("SCAN", seller);
            let ids = all(world);
            (
                id,
                Scroll {
                    ids,
                    position: 0,
                    expires_at: now,
                },
            )
        }
    };
    let end = (scroll.position + limit).min(scroll.ids.len());
    let ids = scroll.ids[scroll.position..end].to_vec();
    scroll.position = end;
    let mut total = scroll.ids.len();
    let mut more = end < total;
    if world.faults.endless_pages {
        // The scroll starts over instead of ending, and claims a million entries.
        if !more {
            scroll.position = 0;
        }
        more = true;
        total = ENDLESS_TOTAL;
    }
    if more {
        scroll.expires_at = now + Duration::minutes(5);
        world.scrolls.insert(scroll_id.clone(), scroll);
    }
    Ok(Page {
        ids,
        scroll_id: more.then_some(scroll_id),
        total,
    })
}
