//! The seller's figures, read every `figures_refresh`: the reputation (a snapshot row per day),
//! the questions response time, and visits per day (150 days the first time, then the last
//! week, which also covers Mercado Libre's 48-hour lag).

use serde::{Deserialize, Serialize};

use super::pass::Pass;
use crate::error::Result;
use crate::marketplace::metrics;
use crate::store::{cursors, figures, reputation, visits};

/// The cursor row's name.
pub const RESOURCE: &str = "figures";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cursor {
    visits_backfilled: bool,
}

/// Reads the figures when due.
pub async fn sync(p: &Pass) -> Result<()> {
    if !p.due(RESOURCE, p.cadence.figures_refresh).await? {
        return Ok(());
    }
    let account_id = p.account_id();
    let (cur, _): (Cursor, _) = p
        .store
        .run(move |c| cursors::load(c, account_id, RESOURCE))
        .await?;
    let days = if cur.visits_backfilled { 7 } else { 150 };
    let (snapshot, response_time, daily) = tokio::try_join!(
        metrics::reputation(&p.session),
        metrics::response_time(&p.session),
        metrics::visits(&p.session, days),
    )?;
    let now = p.started;
    p.store
        .run(move |c| {
            let tx = c.transaction()?;
            reputation::record(&tx, &snapshot, now)?;
            if let Some(rt) = &response_time {
                figures::set(&tx, account_id, "response_time", rt, now)?;
            }
            for (day, total) in &daily {
                visits::upsert(&tx, account_id, day, *total)?;
            }
            let next = Cursor {
                visits_backfilled: true,
            };
            cursors::finish(&tx, account_id, RESOURCE, &next, 3, now)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    p.progress(RESOURCE, 3, Some(3));
    Ok(())
}
