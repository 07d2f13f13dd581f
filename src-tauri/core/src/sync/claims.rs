//! Claims against the seller, newest change first; a pass stops at the first claim not changed
//! since the previous pass (one request when nothing changed).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::paging;
use super::pass::Pass;
use crate::error::Result;
use crate::marketplace::postsale;
use crate::store::{claims, cursors};

/// The cursor row's name.
pub const RESOURCE: &str = "claims";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cursor {
    /// Newest `last_updated` stored by the last finished pass.
    newest: Option<DateTime<Utc>>,
}

/// Syncs claims changed since the last pass.
pub async fn sync(p: &Pass) -> Result<()> {
    let account_id = p.account_id();
    let (cur, _): (Cursor, _) = p
        .store
        .run(move |c| cursors::load(c, account_id, RESOURCE))
        .await?;
    let mut newest = cur.newest;
    let mut offset = 0usize;
    let mut stored = 0i64;
    let mut walk = paging::Walk::new(RESOURCE, account_id);
    loop {
        let page = postsale::claims(&p.session, offset).await?;
        offset += page.entries;
        walk.page(offset as i64, page.total, page.claims.iter().map(|c| c.id))?;
        let reached_known = page.claims.iter().any(|c| {
            cur.newest
                .is_some_and(|n| c.last_updated.unwrap_or(c.date_created) < n)
        });
        let fresh: Vec<_> = page
            .claims
            .into_iter()
            .filter(|c| {
                cur.newest
                    .is_none_or(|n| c.last_updated.unwrap_or(c.date_created) >= n)
            })
            .collect();
        for c in &fresh {
            newest = newest.max(Some(c.last_updated.unwrap_or(c.date_created)));
        }
        stored += fresh.len() as i64;
        p.store
            .run(move |c| {
                let tx = c.transaction()?;
                for claim in &fresh {
                    claims::upsert(&tx, claim)?;
                }
                tx.commit()?;
                Ok(())
            })
            .await?;
        p.progress(RESOURCE, offset as i64, Some(page.total));
        if reached_known || page.entries == 0 || offset as i64 >= page.total {
            break;
        }
    }
    let now = p.started;
    p.store
        .run(move |c| cursors::finish(c, account_id, RESOURCE, &Cursor { newest }, stored, now))
        .await
}
