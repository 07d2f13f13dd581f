//! Linked stock by SKU across the seller's accounts.
//!
//! Listings (without variations) and variations that share a SKU on two or more accounts form a
//! group. The app proposes it; the owner confirms or undoes it. A confirmed group holds one
//! quantity, starting at the lowest of its members (never more than any account had). Then:
//! - a sale on one member takes the group down and sets every other member to the new quantity,
//!   once per order line (the ledger's unique index on the order is the idempotency key, so an
//!   order read twice, or again after a restart, counts once);
//! - a manual edit of one member (in the app) sets the group and every member;
//! - a change made on Mercado Libre's site to one member (seen with no write of ours pending,
//!   after the sales read in the same round) moves the group by the same amount, and the others
//!   follow. Sales are applied before the site's values are compared, so a sale is never counted
//!   twice; a group never goes below zero.
//!
//! Full listings and catalog variations cannot be written: they are not members.
//!
//! Every change is a [`crate::outbox::Write::Stock`] queued in the same transaction as the
//! ledger row and the group's new quantity.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::outbox::{Write, queue_in};
use crate::store::orders::Order;
use crate::store::ts;

/// The state of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "LinkState.ts")]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// Found by the app; waiting for the owner.
    Proposed,
    /// Stock moves together.
    Confirmed,
    /// The owner said no; not proposed again.
    Undone,
}

/// One member of a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "LinkMember.ts")]
pub struct LinkMember {
    /// Its account.
    #[ts(type = "number")]
    pub account_id: i64,
    /// The account's nickname.
    pub account: String,
    /// The listing.
    pub item_id: String,
    /// The variation, when the SKU is a variation's.
    #[ts(type = "number | null")]
    pub variation_id: Option<i64>,
    /// The listing's title.
    pub title: String,
    /// Units available as last synced.
    #[ts(type = "number")]
    pub available: i64,
}

/// A SKU on several accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "LinkGroup.ts")]
pub struct LinkGroup {
    /// The shared SKU.
    pub sku: String,
    /// Proposed, confirmed or undone.
    pub state: LinkState,
    /// The group's quantity once confirmed.
    #[ts(type = "number | null")]
    pub quantity: Option<i64>,
    /// Its members on every account.
    pub members: Vec<LinkMember>,
}

/// One movement of a linked SKU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "LedgerEntry.ts")]
pub struct LedgerEntry {
    /// When (UTC RFC 3339).
    pub at: String,
    /// `sale`, `manual`, `site` (changed on Mercado Libre's site) or `link` (confirmed).
    pub cause: String,
    /// The account it happened on.
    pub account: Option<String>,
    /// The listing.
    pub item_id: Option<String>,
    /// The variation.
    #[ts(type = "number | null")]
    pub variation_id: Option<i64>,
    /// The order, for a sale.
    #[ts(type = "number | null")]
    pub order_id: Option<i64>,
    /// Who, for a manual edit.
    pub member: Option<String>,
    /// Units in (positive) or out.
    #[ts(type = "number")]
    pub delta: i64,
    /// The group's quantity after it.
    #[ts(type = "number")]
    pub quantity: i64,
}

/// Every listing or variation that can carry linked stock, with its SKU.
const MEMBERS: &str = "
    SELECT l.id AS item_id, 0 AS variation_id, l.account_id, l.sku AS sku,
           COALESCE(l.available_quantity, 0) AS available, l.title
    FROM listings l
    WHERE l.has_variations = 0 AND l.sku IS NOT NULL AND l.sku != ''
      AND COALESCE(l.logistic_type, '') != 'fulfillment' AND COALESCE(l.status, '') != 'closed'
    UNION ALL
    SELECT v.listing_id, v.id, l.account_id, v.sku, v.available_quantity, l.title
    FROM listing_variations v JOIN listings l ON l.id = v.listing_id
    WHERE v.sku IS NOT NULL AND v.sku != '' AND l.catalog_listing = 0
      AND COALESCE(l.logistic_type, '') != 'fulfillment' AND COALESCE(l.status, '') != 'closed'";

/// Proposes a group for every SKU found on two or more accounts that has none yet; returns
/// how many were proposed.
pub fn propose(conn: &rusqlite::Connection, now: DateTime<Utc>) -> Result<usize> {
    Ok(conn.execute(
        &format!(
            "INSERT OR IGNORE INTO stock_links (sku, state, proposed_at)
             SELECT sku, 'proposed', ?1 FROM ({MEMBERS})
             GROUP BY sku HAVING COUNT(DISTINCT account_id) >= 2"
        ),
        [ts(now)],
    )?)
}

fn members_of(conn: &rusqlite::Connection, sku: &str) -> Result<Vec<LinkMember>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT m.account_id, a.nickname, m.item_id, m.variation_id, m.title, m.available
         FROM ({MEMBERS}) m JOIN accounts a ON a.id = m.account_id
         WHERE m.sku = ?1 ORDER BY a.nickname, m.item_id, m.variation_id"
    ))?;
    let rows = stmt.query_map([sku], |r| {
        let variation: i64 = r.get(3)?;
        Ok(LinkMember {
            account_id: r.get(0)?,
            account: r.get(1)?,
            item_id: r.get(2)?,
            variation_id: (variation != 0).then_some(variation),
            title: r.get(4)?,
            available: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every group that is not undone, proposed first, then by SKU.
pub fn groups(conn: &rusqlite::Connection) -> Result<Vec<LinkGroup>> {
    let mut stmt = conn.prepare_cached(
        "SELECT sku, state, quantity FROM stock_links WHERE state != 'undone'
         ORDER BY state = 'confirmed', sku",
    )?;
    let rows: Vec<(String, String, Option<i64>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(sku, state, quantity)| {
            Ok(LinkGroup {
                members: members_of(conn, &sku)?,
                sku,
                state: if state == "confirmed" {
                    LinkState::Confirmed
                } else {
                    LinkState::Proposed
                },
                quantity,
            })
        })
        .collect()
}

/// The confirmed SKUs (the stock view marks their rows).
pub fn confirmed_skus(conn: &rusqlite::Connection) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare_cached("SELECT sku FROM stock_links WHERE state = 'confirmed'")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One ledger row to write.
struct Movement<'a> {
    sku: &'a str,
    cause: &'a str,
    account: Option<i64>,
    item: Option<&'a str>,
    variation: i64,
    order_id: Option<i64>,
    member_id: Option<i64>,
    delta: i64,
    quantity: i64,
}

/// Writes a ledger row; 0 when it was there already (a sale seen again).
fn record(tx: &Transaction<'_>, m: &Movement<'_>, now: DateTime<Utc>) -> Result<usize> {
    Ok(tx.execute(
        "INSERT INTO stock_ledger (sku, at, cause, account_id, item_id, variation_id, order_id,
                                   member_id, delta, quantity)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT DO NOTHING",
        params![
            m.sku,
            ts(now),
            m.cause,
            m.account,
            m.item,
            m.variation,
            m.order_id,
            m.member_id,
            m.delta,
            m.quantity
        ],
    )?)
}

/// Queues `quantity` on every member of `sku` except `skip`, recording it as expected.
fn set_members(
    tx: &Transaction<'_>,
    sku: &str,
    quantity: i64,
    skip: Option<(&str, i64)>,
    by: Option<i64>,
    now: DateTime<Utc>,
    ids: &mut Vec<i64>,
) -> Result<()> {
    let members: Vec<(String, i64, i64)> = tx
        .prepare_cached(
            "SELECT item_id, variation_id, account_id FROM stock_link_members WHERE sku = ?1",
        )?
        .query_map([sku], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (item, variation, account) in members {
        if skip == Some((item.as_str(), variation)) {
            continue;
        }
        tx.execute(
            "UPDATE stock_link_members SET expected = ?3 WHERE item_id = ?1 AND variation_id = ?2",
            params![item, variation, quantity],
        )?;
        let write = Write::Stock {
            item_id: item,
            variation_id: (variation != 0).then_some(variation),
            quantity,
        };
        ids.push(queue_in(tx, account, &write, by, now)?);
    }
    Ok(())
}

/// Confirms a proposed group: its quantity is the lowest of its members', which every member
/// is set to.
pub fn confirm(
    tx: &Transaction<'_>,
    sku: &str,
    by: i64,
    now: DateTime<Utc>,
    ids: &mut Vec<i64>,
) -> Result<i64> {
    let state: Option<String> = tx
        .query_row("SELECT state FROM stock_links WHERE sku = ?1", [sku], |r| {
            r.get(0)
        })
        .optional()?;
    match state.as_deref() {
        Some("proposed") => {}
        Some(other) => {
            return Err(Error::InvalidInput(format!("the SKU {sku} is {other}")));
        }
        None => return Err(Error::NotFound(format!("linked SKU {sku}"))),
    }
    let members = members_of(tx, sku)?;
    if members
        .iter()
        .map(|m| m.account_id)
        .collect::<HashSet<_>>()
        .len()
        < 2
    {
        return Err(Error::InvalidInput(format!(
            "the SKU {sku} is no longer on two accounts"
        )));
    }
    let quantity = members
        .iter()
        .map(|m| m.available)
        .min()
        .unwrap_or(0)
        .max(0);
    tx.execute(
        "UPDATE stock_links SET state = 'confirmed', quantity = ?2, decided_at = ?3,
             decided_by = ?4 WHERE sku = ?1",
        params![sku, quantity, ts(now), by],
    )?;
    for m in &members {
        tx.execute(
            "INSERT OR REPLACE INTO stock_link_members (item_id, variation_id, sku, account_id,
                                                        expected)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                m.item_id,
                m.variation_id.unwrap_or(0),
                sku,
                m.account_id,
                m.available
            ],
        )?;
    }
    record(
        tx,
        &Movement {
            sku,
            cause: "link",
            account: None,
            item: None,
            variation: 0,
            order_id: None,
            member_id: Some(by),
            delta: 0,
            quantity,
        },
        now,
    )?;
    // Only the members that differ are written.
    for m in members.iter().filter(|m| m.available != quantity) {
        let variation = m.variation_id.unwrap_or(0);
        tx.execute(
            "UPDATE stock_link_members SET expected = ?3 WHERE item_id = ?1 AND variation_id = ?2",
            params![m.item_id, variation, quantity],
        )?;
        let write = Write::Stock {
            item_id: m.item_id.clone(),
            variation_id: m.variation_id,
            quantity,
        };
        ids.push(queue_in(tx, m.account_id, &write, Some(by), now)?);
    }
    Ok(quantity)
}

/// Undoes a group (proposed or confirmed): its members move on their own again, and it is not
/// proposed again.
pub fn undo(tx: &Transaction<'_>, sku: &str, by: i64, now: DateTime<Utc>) -> Result<()> {
    let n = tx.execute(
        "UPDATE stock_links SET state = 'undone', decided_at = ?2, decided_by = ?3
         WHERE sku = ?1",
        params![sku, ts(now), by],
    )?;
    if n == 0 {
        return Err(Error::NotFound(format!("linked SKU {sku}")));
    }
    tx.execute("DELETE FROM stock_link_members WHERE sku = ?1", [sku])?;
    Ok(())
}

/// The confirmed group `(sku, quantity)` a listing or variation belongs to.
fn group_of(tx: &Transaction<'_>, item_id: &str, variation: i64) -> Result<Option<(String, i64)>> {
    Ok(tx
        .query_row(
            "SELECT k.sku, k.quantity FROM stock_link_members m
             JOIN stock_links k ON k.sku = m.sku AND k.state = 'confirmed'
             WHERE m.item_id = ?1 AND m.variation_id = ?2",
            params![item_id, variation],
            |r| Ok((r.get(0)?, r.get::<_, Option<i64>>(1)?.unwrap_or(0))),
        )
        .optional()?)
}

/// A manual edit of a linked member sets the group and every member (the edited one too).
/// Returns false when the target is not linked (the caller queues it alone).
pub fn manual(
    tx: &Transaction<'_>,
    target: (i64, &str, Option<i64>),
    quantity: i64,
    by: Option<i64>,
    now: DateTime<Utc>,
    ids: &mut Vec<i64>,
) -> Result<bool> {
    let (account, item, variation) = target;
    let Some((sku, before)) = group_of(tx, item, variation.unwrap_or(0))? else {
        return Ok(false);
    };
    tx.execute(
        "UPDATE stock_links SET quantity = ?2 WHERE sku = ?1",
        params![sku, quantity],
    )?;
    record(
        tx,
        &Movement {
            sku: &sku,
            cause: "manual",
            account: Some(account),
            item: Some(item),
            variation: variation.unwrap_or(0),
            order_id: None,
            member_id: by,
            delta: quantity - before,
            quantity,
        },
        now,
    )?;
    set_members(tx, &sku, quantity, None, by, now, ids)?;
    Ok(true)
}

/// Applies the sales of `orders` to their groups: once per order line, the group goes down by
/// the units sold and every other member is set to the new quantity (Mercado Libre already took
/// the sold member down). Orders placed before the group was confirmed, and cancelled ones,
/// do not count. Returns how many lines were applied.
pub fn apply_sales(
    tx: &Transaction<'_>,
    orders: &[Order],
    now: DateTime<Utc>,
    ids: &mut Vec<i64>,
) -> Result<usize> {
    let mut applied = 0;
    for order in orders.iter().filter(|o| o.status != "cancelled") {
        for line in &order.items {
            let variation = line.variation_id.unwrap_or(0);
            let group: Option<(String, i64, String)> = tx
                .query_row(
                    "SELECT k.sku, COALESCE(k.quantity, 0), k.decided_at
                     FROM stock_link_members m
                     JOIN stock_links k ON k.sku = m.sku AND k.state = 'confirmed'
                     WHERE m.item_id = ?1 AND m.variation_id = ?2",
                    params![line.item_id, variation],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((sku, before, since)) = group else {
                continue;
            };
            if ts(order.date_created) < since {
                continue;
            }
            let after = (before - line.quantity).max(0);
            let inserted = record(
                tx,
                &Movement {
                    sku: &sku,
                    cause: "sale",
                    account: Some(order.account_id),
                    item: Some(&line.item_id),
                    variation,
                    order_id: Some(order.id),
                    member_id: None,
                    delta: after - before,
                    quantity: after,
                },
                now,
            )?;
            if inserted == 0 {
                continue; // this order line was applied already
            }
            applied += 1;
            tx.execute(
                "UPDATE stock_links SET quantity = ?2 WHERE sku = ?1",
                params![sku, after],
            )?;
            tx.execute(
                "UPDATE stock_link_members SET expected = MAX(0, expected - ?3)
                 WHERE item_id = ?1 AND variation_id = ?2",
                params![line.item_id, variation, line.quantity],
            )?;
            set_members(
                tx,
                &sku,
                after,
                Some((&line.item_id, variation)),
                None,
                now,
                ids,
            )?;
        }
    }
    Ok(applied)
}

/// Compares the members' quantities just read from Mercado Libre with what the app expects
/// (after the sales read since): a member changed on the site, with no write of ours waiting,
/// moves the group by the same amount and the others follow. Call after [`apply_sales`] with
/// the orders read after these quantities. Returns how many changes were taken.
pub fn apply_site(
    tx: &Transaction<'_>,
    observed: &[(String, Option<i64>, i64)],
    observed_at: DateTime<Utc>,
    now: DateTime<Utc>,
    ids: &mut Vec<i64>,
) -> Result<usize> {
    let mut taken = 0;
    for (item, variation, available) in observed {
        let variation = variation.unwrap_or(0);
        let member: Option<(String, i64, i64)> = tx
            .query_row(
                "SELECT m.sku, m.expected, m.account_id FROM stock_link_members m
                 JOIN stock_links k ON k.sku = m.sku AND k.state = 'confirmed'
                 WHERE m.item_id = ?1 AND m.variation_id = ?2",
                params![item, variation],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((sku, expected, account)) = member else {
            continue;
        };
        if *available == expected {
            continue;
        }
        let target = if variation == 0 {
            item.clone()
        } else {
            format!("{item}:{variation}")
        };
        // Our own write waiting, or landed after the value was read: the value read is not
        // a change made on the site.
        let ours: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE kind = 'stock' AND target_id = ?1
                              AND (state IN ('pending', 'in_flight') OR updated_at >= ?2))",
            params![target, ts(observed_at)],
            |r| r.get(0),
        )?;
        if ours {
            continue;
        }
        let before: i64 = tx.query_row(
            "SELECT COALESCE(quantity, 0) FROM stock_links WHERE sku = ?1",
            [&sku],
            |r| r.get(0),
        )?;
        let after = (before + available - expected).max(0);
        tx.execute(
            "UPDATE stock_links SET quantity = ?2 WHERE sku = ?1",
            params![sku, after],
        )?;
        tx.execute(
            "UPDATE stock_link_members SET expected = ?3 WHERE item_id = ?1 AND variation_id = ?2",
            params![item, variation, available],
        )?;
        record(
            tx,
            &Movement {
                sku: &sku,
                cause: "site",
                account: Some(account),
                item: Some(item),
                variation,
                order_id: None,
                member_id: None,
                delta: after - before,
                quantity: after,
            },
            now,
        )?;
        set_members(tx, &sku, after, Some((item, variation)), None, now, ids)?;
        if after != *available {
            // The changed member follows the group too (it went below zero, say).
            let write = Write::Stock {
                item_id: item.clone(),
                variation_id: (variation != 0).then_some(variation),
                quantity: after,
            };
            tx.execute(
                "UPDATE stock_link_members SET expected = ?3 WHERE item_id = ?1 AND variation_id = ?2",
                params![item, variation, after],
            )?;
            ids.push(queue_in(tx, account, &write, None, now)?);
        }
        taken += 1;
    }
    Ok(taken)
}

/// The ledger of a SKU, newest first.
pub fn ledger_of(conn: &rusqlite::Connection, sku: &str, limit: u32) -> Result<Vec<LedgerEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.at, l.cause, a.nickname, l.item_id, l.variation_id, l.order_id, m.name,
                l.delta, l.quantity
         FROM stock_ledger l
         LEFT JOIN accounts a ON a.id = l.account_id
         LEFT JOIN members m ON m.id = l.member_id
         WHERE l.sku = ?1 ORDER BY l.id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![sku, limit], |r| {
        let variation: i64 = r.get(4)?;
        Ok(LedgerEntry {
            at: r.get(0)?,
            cause: r.get(1)?,
            account: r.get(2)?,
            item_id: r.get(3)?,
            variation_id: (variation != 0).then_some(variation),
            order_id: r.get(5)?,
            member: r.get(6)?,
            delta: r.get(7)?,
            quantity: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The members of confirmed groups on `account_id`, to read them again from Mercado Libre.
pub fn members_on(conn: &rusqlite::Connection, account_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT m.item_id FROM stock_link_members m
         JOIN stock_links k ON k.sku = m.sku AND k.state = 'confirmed'
         WHERE m.account_id = ?1 ORDER BY m.item_id",
    )?;
    let rows = stmt.query_map([account_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
