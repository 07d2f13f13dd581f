//! Deadlines tied to Mercado Libre's rules, from the store: a buyer's post-sale message is
//! answered within 8 business hours of the first one waiting, a claim is resolved within 2
//! business days, and a shipment leaves before its dispatch deadline (the SLA). Business time is
//! per site ([`business`]).

pub mod business;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::store::parse_ts;

/// What a deadline is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "DeadlineKind.ts")]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// A buyer's post-sale message waiting for the seller.
    Message,
    /// An open claim.
    Claim,
    /// A shipment to dispatch.
    Dispatch,
}

/// One deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "Deadline.ts")]
pub struct Deadline {
    /// What it is about.
    pub kind: DeadlineKind,
    /// The account.
    #[ts(type = "number")]
    pub account_id: i64,
    /// The conversation's pack (or order) it belongs to, when known.
    #[ts(type = "number | null")]
    pub pack_id: Option<i64>,
    /// The order, when known.
    #[ts(type = "number | null")]
    pub order_id: Option<i64>,
    /// The claim or shipment id (the pack for a message).
    #[ts(type = "number")]
    pub target_id: i64,
    /// When the clock started (the first waiting message, the claim's opening), if it did.
    #[ts(type = "string | null")]
    pub since: Option<DateTime<Utc>>,
    /// When it is due.
    #[ts(type = "string")]
    pub due_at: DateTime<Utc>,
}

/// Which deadlines to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[ts(export, export_to = "DeadlineQuery.ts")]
pub struct DeadlineQuery {
    /// Only those due before this instant (e.g. the end of today).
    #[ts(type = "string | null")]
    #[serde(default)]
    pub due_before: Option<DateTime<Utc>>,
    /// Only those of these conversations (packs), e.g. the rows on screen.
    #[ts(type = "number[] | null")]
    #[serde(default)]
    pub pack_ids: Option<Vec<i64>>,
    /// At most this many, soonest first (default 200, at most 1,000).
    #[ts(type = "number | null")]
    #[serde(default)]
    pub limit: Option<u32>,
}

/// The open deadlines `query` asks for, soonest first.
pub fn list(conn: &Connection, query: &DeadlineQuery) -> Result<Vec<Deadline>> {
    let packs = query
        .pack_ids
        .as_ref()
        .map(|ids| serde_json::Value::from(ids.clone()).to_string());
    let mut all = select(conn, None, None, packs.as_deref())?;
    if let Some(before) = query.due_before {
        all.retain(|d| d.due_at < before);
    }
    all.truncate(query.limit.unwrap_or(200).clamp(1, 1000) as usize);
    Ok(all)
}

/// The open deadlines whose clock started after `started_after` (messages, claims) or whose
/// dispatch is due before `dispatch_before`: the alerts' cheap look at what can be near.
pub fn list_between(
    conn: &Connection,
    started_after: Option<DateTime<Utc>>,
    dispatch_before: Option<DateTime<Utc>>,
) -> Result<Vec<Deadline>> {
    select(conn, started_after, dispatch_before, None)
}

/// Reads and computes the deadlines; `packs` is a JSON array of pack ids.
fn select(
    conn: &Connection,
    started_after: Option<DateTime<Utc>>,
    dispatch_before: Option<DateTime<Utc>>,
    packs: Option<&str>,
) -> Result<Vec<Deadline>> {
    let calendar = business::calendar();
    let mut out = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT 'message', c.account_id, c.pack_id,
                -- Two lookups, each on an index (an OR here scans every order per row).
                COALESCE((SELECT o.id FROM orders o
                          WHERE o.pack_id = c.pack_id AND o.account_id = c.account_id LIMIT 1),
                         (SELECT o.id FROM orders o
                          WHERE o.id = c.pack_id AND o.account_id = c.account_id)),
                c.pack_id, c.waiting_since, a.site_id
         FROM conversations c JOIN accounts a ON a.id = c.account_id
         WHERE c.waiting_since IS NOT NULL AND (?1 IS NULL OR c.waiting_since >= ?1)
           AND (?3 IS NULL OR c.pack_id IN (SELECT value FROM json_each(?3)))
         UNION ALL
         SELECT 'claim', cl.account_id, COALESCE(o.pack_id, o.id), o.id, cl.id, cl.date_created,
                a.site_id
         FROM claims cl JOIN accounts a ON a.id = cl.account_id
         LEFT JOIN orders o ON o.id = cl.resource_id
         WHERE cl.status = 'opened' AND (?1 IS NULL OR cl.date_created >= ?1)
           AND (?3 IS NULL OR COALESCE(o.pack_id, o.id) IN (SELECT value FROM json_each(?3)))
         UNION ALL
         SELECT 'dispatch', s.account_id, COALESCE(o.pack_id, o.id), o.id, s.id,
                s.sla_expected_date, a.site_id
         FROM shipments s JOIN accounts a ON a.id = s.account_id
         LEFT JOIN orders o ON o.id = s.order_id
         WHERE s.sla_expected_date IS NOT NULL
           AND s.status IN ('pending', 'handling', 'ready_to_ship')
           AND (?2 IS NULL OR s.sla_expected_date <= ?2)
           AND (?3 IS NULL OR COALESCE(o.pack_id, o.id) IN (SELECT value FROM json_each(?3)))",
    )?;
    let mut rows = stmt.query(rusqlite::params![
        started_after.map(crate::store::ts),
        dispatch_before.map(crate::store::ts),
        packs
    ])?;
    while let Some(r) = rows.next()? {
        let kind: String = r.get(0)?;
        let at: String = r.get(5)?;
        let site: String = r.get(6)?;
        let Ok(at) = parse_ts(&at) else {
            tracing::warn!(kind, "a deadline's date could not be read; skipped");
            continue;
        };
        let Ok(rules) = business::Site::of(&site) else {
            continue;
        };
        let (kind, since, due_at) = match kind.as_str() {
            "message" => (
                DeadlineKind::Message,
                Some(at),
                rules.add_hours(at, calendar.message_hours),
            ),
            "claim" => (
                DeadlineKind::Claim,
                Some(at),
                rules.add_days(at, calendar.claim_days),
            ),
            _ => (DeadlineKind::Dispatch, None, at),
        };
        out.push(Deadline {
            kind,
            account_id: r.get(1)?,
            pack_id: r.get(2)?,
            order_id: r.get(3)?,
            target_id: r.get(4)?,
            since,
            due_at,
        });
    }
    out.sort_by_key(|d| d.due_at);
    Ok(out)
}

#[cfg(test)]
mod tests;
