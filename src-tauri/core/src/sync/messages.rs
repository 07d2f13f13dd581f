//! Post-sale messages: the unread list (one request), then the thread of each pack whose unread
//! count changed since the last pass. Threads are read without marking anything as read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::pass::Pass;
use crate::error::Result;
use crate::events::Event;
use crate::marketplace::postsale;
use crate::store::{cursors, messages};

/// The cursor row's name.
pub const RESOURCE: &str = "messages";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cursor {
    /// Unread count per pack at the last pass.
    unread: BTreeMap<i64, i64>,
}

/// Syncs the threads with new unread messages, then announces what is new (even when reading
/// failed part way: what was stored is announced).
pub async fn sync(p: &Pass) -> Result<()> {
    let account_id = p.account_id();
    let (cur, row): (Cursor, _) = p
        .store
        .run(move |c| cursors::load(c, account_id, RESOURCE))
        .await?;
    // Messages found by the first pass were there before Mostrador: never announced.
    let baseline = !row.is_some_and(|r| r.initial_done);
    let read = read_threads(p, cur).await;
    let announced = crate::notify::announce_messages(
        &p.store,
        &p.notifier,
        &p.clock,
        &p.locale,
        account_id,
        baseline,
    )
    .await;
    read.and(announced.map(|_| ()))
}

/// Reads the threads whose unread count changed. A thread Mercado Libre refuses (403, 404) or
/// sends malformed is logged and skipped; the others are read.
async fn read_threads(p: &Pass, cur: Cursor) -> Result<()> {
    let account_id = p.account_id();
    let unread: BTreeMap<i64, i64> = postsale::unread(&p.session).await?.into_iter().collect();
    let changed: Vec<i64> = unread
        .iter()
        .filter(|(pack, count)| cur.unread.get(pack) != Some(count))
        .map(|(pack, _)| *pack)
        .collect();
    let total = changed.len() as i64;
    let mut packs_with_new = Vec::new();
    for (n, pack) in changed.iter().enumerate() {
        let thread = match postsale::thread(&p.session, *pack).await {
            Ok((thread, _skipped)) => thread,
            Err(e) if e.is_about_one_entry() => {
                tracing::warn!(pack_id = pack, error = %e, "skipping conversation");
                p.progress(RESOURCE, n as i64 + 1, Some(total));
                continue;
            }
            Err(e) => return Err(e),
        };
        let new = p
            .store
            .run(move |c| {
                let tx = c.transaction()?;
                let mut new = 0;
                for m in &thread {
                    if messages::upsert(&tx, m)? {
                        new += 1;
                    }
                }
                tx.commit()?;
                Ok(new)
            })
            .await?;
        if new > 0 {
            packs_with_new.push(*pack);
        }
        p.progress(RESOURCE, n as i64 + 1, Some(total));
    }
    let now = p.started;
    let next = Cursor { unread };
    p.store
        .run(move |c| cursors::finish(c, account_id, RESOURCE, &next, total, now))
        .await?;
    if !packs_with_new.is_empty() {
        p.events.publish(Event::MessagesChanged {
            account_id,
            pack_ids: packs_with_new,
        });
    }
    Ok(())
}
