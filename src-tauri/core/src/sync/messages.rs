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

/// How recently the messages lane must have read the unread counts for a bulk pass to leave
/// them alone (the lane runs every few seconds; a pass without a running lane reads them).
pub const LANE_FRESH: chrono::Duration = chrono::Duration::seconds(30);

/// The bulk pass's turn: [`sync`], unless the messages lane beside it did it within
/// [`LANE_FRESH`]. Returns what [`sync`] does (nothing when it left the lane its turn).
pub async fn sync_if_stale(p: &Pass) -> Result<Vec<i64>> {
    if !p.beside_messages_lane || p.due(RESOURCE, LANE_FRESH).await? {
        sync(p).await
    } else {
        Ok(Vec::new())
    }
}

/// Syncs the threads with new unread messages, then announces what is new (even when reading
/// failed part way: what was stored is announced). Returns the packs with new messages whose
/// order is not in the store yet (a sale so new the orders have not been read since).
pub async fn sync(p: &Pass) -> Result<Vec<i64>> {
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
    let packs = read?;
    announced?;
    if packs.is_empty() {
        return Ok(packs);
    }
    p.store
        .run(move |c| crate::store::orders::unknown_packs(c, account_id, &packs))
        .await
}

/// Reads the threads whose unread count changed, including those no longer unread: read or
/// answered on Mercado Libre's site or on another machine, their thread has the seller's reply
/// that ends the wait. A thread Mercado Libre refuses (403, 404) or sends malformed is logged
/// and skipped; the others are read.
async fn read_threads(p: &Pass, cur: Cursor) -> Result<Vec<i64>> {
    let account_id = p.account_id();
    let unread: BTreeMap<i64, i64> = postsale::unread(&p.session).await?.into_iter().collect();
    let changed = changed_packs(&cur.unread, &unread);
    let total = changed.len() as i64;
    let mut packs_with_new = Vec::new();
    for (n, pack) in changed.iter().enumerate() {
        let (thread, status, files) = match postsale::thread_with_status(&p.session, *pack).await {
            Ok(t) => (t.messages, t.status, t.attachments),
            Err(e) if e.is_about_one_entry() => {
                tracing::warn!(pack_id = pack, error = %e, "skipping conversation");
                p.progress(RESOURCE, n as i64 + 1, Some(total));
                continue;
            }
            Err(e) => return Err(e),
        };
        let pack_id = *pack;
        let now = p.started;
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
                for (id, names) in &files {
                    messages::set_attachments(&tx, id, names)?;
                }
                if let Some(s) = &status {
                    messages::set_status(
                        &tx,
                        account_id,
                        pack_id,
                        &s.status,
                        s.substatus.as_deref(),
                        s.agent_path.as_deref(),
                        now,
                    )?;
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
            pack_ids: packs_with_new.clone(),
        });
    }
    Ok(packs_with_new)
}

/// The packs whose unread count differs between two reads, in pack order: new or changed
/// counts, and packs that left the list.
fn changed_packs(before: &BTreeMap<i64, i64>, now: &BTreeMap<i64, i64>) -> Vec<i64> {
    let mut changed: Vec<i64> = now
        .iter()
        .filter(|(pack, count)| before.get(pack) != Some(count))
        .map(|(pack, _)| *pack)
        .chain(
            before
                .keys()
                .filter(|pack| !now.contains_key(pack))
                .copied(),
        )
        .collect();
    changed.sort_unstable();
    changed
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::changed_packs;

    #[test]
    fn a_conversation_that_left_the_unread_list_is_read_again() {
        let before = BTreeMap::from([(1, 1), (2, 2), (3, 1)]);
        let now = BTreeMap::from([(1, 1), (2, 3), (4, 1)]);
        // 2 changed, 3 was answered or read elsewhere, 4 is new; 1 is as it was.
        assert_eq!(changed_packs(&before, &now), vec![2, 3, 4]);
        assert!(changed_packs(&now, &now).is_empty());
    }
}
