//! Automatic post-sale messages: rules the owner switches on per account — a thank-you when an
//! order is paid, the tracking when the parcel is dispatched, a follow-up once it is delivered —
//! each naming a post-sale quick reply filled with the order's data.
//!
//! After every bulk pass the due messages are queued in the outbox. Each (order, trigger) is
//! acted on at most once: the row in `auto_messages_sent` is written in the transaction that
//! queues the message (or that records why it was not sent), so restarts and orders read again
//! change nothing. Only events after the rule was switched on count. A message is queued only
//! when Mercado Libre allows one at that point: the conversation is open (the buyer wrote, or
//! the seller did through the action guide), or, before delivery, the action guide's free-text
//! reason opens it; a blocked or cancelled conversation, or a text that breaks the rules, is
//! recorded as skipped with the reason.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::outbox::writes::{GuideChoice, MESSAGE_MAX_CHARS};
use crate::outbox::{Write, queue_in};
use crate::replies::{self, TextKind};
use crate::store::{parse_ts, ts};

/// What starts an automatic message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "AutoTrigger.ts")]
pub enum AutoTrigger {
    /// The order was paid.
    Paid,
    /// The parcel left (it has a tracking number).
    Shipped,
    /// The parcel was delivered.
    Delivered,
}

impl AutoTrigger {
    /// Every trigger, in the order a sale goes through them.
    pub const ALL: [Self; 3] = [Self::Paid, Self::Shipped, Self::Delivered];

    fn as_str(self) -> &'static str {
        match self {
            Self::Paid => "paid",
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The orders of account `?1` this trigger applies to, with when it happened (`at`).
    /// Constants only: nothing from the user.
    fn candidates(self) -> &'static str {
        match self {
            Self::Paid => {
                "SELECT o.id, COALESCE(o.pack_id, o.id) AS pack, o.date_created AS at FROM orders o
                 WHERE o.account_id = ?1 AND o.status = 'paid'"
            }
            Self::Shipped => {
                "SELECT o.id, COALESCE(o.pack_id, o.id) AS pack, s.last_updated AS at
                 FROM orders o JOIN shipments s ON s.id = o.shipping_id
                 WHERE o.account_id = ?1 AND o.status = 'paid' AND s.status = 'shipped'"
            }
            Self::Delivered => {
                "SELECT o.id, COALESCE(o.pack_id, o.id) AS pack, s.last_updated AS at
                 FROM orders o JOIN shipments s ON s.id = o.shipping_id
                 WHERE o.account_id = ?1 AND o.status = 'paid' AND s.status = 'delivered'"
            }
        }
    }
}

/// One rule of one account as the settings show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "AutoRule.ts")]
pub struct AutoRule {
    /// The account.
    #[ts(type = "number")]
    pub account_id: i64,
    /// What starts it.
    pub trigger: AutoTrigger,
    /// The post-sale quick reply it sends.
    #[ts(type = "number | null")]
    pub template_id: Option<i64>,
    /// Whether it is on.
    pub enabled: bool,
    /// Since when (events before are left alone).
    pub enabled_at: Option<String>,
    /// Messages it queued so far.
    #[ts(type = "number")]
    pub sent: i64,
    /// Orders it left alone, with a reason.
    #[ts(type = "number")]
    pub skipped: i64,
}

/// How an automatic message goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "AutoRoute.ts")]
pub enum AutoRoute {
    /// In the open conversation.
    Message,
    /// Opening the conversation through the action guide's free-text reason.
    ActionGuide,
    /// Not at all: Mercado Libre does not allow it here (see the reason).
    NotAllowed,
}

/// What a rule would send for one order (the preview before switching it on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "AutoPreview.ts")]
pub struct AutoPreview {
    /// The order.
    #[ts(type = "number")]
    pub order_id: i64,
    /// Its buyer's nickname.
    pub buyer_nickname: Option<String>,
    /// When the trigger happened for it.
    pub at: String,
    /// The message, filled with the order's data.
    pub text: String,
    /// Variables still without a value (the message waits for them).
    pub missing: Vec<String>,
    /// How it would go out.
    pub route: AutoRoute,
    /// Why it would not, or what stops it (`blocked_…`, `cancelled`, `delivered_no_conversation`,
    /// `too_long`, `contact_data`, `unknown_variables`).
    pub reason: Option<String>,
}

/// The rules of `account_id`, one per trigger (off until set).
pub fn rules(conn: &Connection, account_id: i64) -> Result<Vec<AutoRule>> {
    let mut out = Vec::new();
    for trigger in AutoTrigger::ALL {
        let row = conn
            .query_row(
                "SELECT template_id, enabled, enabled_at FROM auto_message_rules
                 WHERE account_id = ?1 AND trigger = ?2",
                params![account_id, trigger.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let (template_id, enabled, enabled_at) = row.unwrap_or((None, false, None));
        let (sent, skipped): (i64, i64) = conn.query_row(
            "SELECT COUNT(outbox_id), COUNT(skipped) FROM auto_messages_sent
             WHERE account_id = ?1 AND trigger = ?2",
            params![account_id, trigger.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        out.push(AutoRule {
            account_id,
            trigger,
            template_id,
            enabled,
            enabled_at,
            sent,
            skipped,
        });
    }
    Ok(out)
}

/// Sets a rule: its quick reply (a post-sale one) and whether it is on. Switching it on starts
/// its clock now; changing only the reply keeps it.
pub fn set_rule(
    conn: &Connection,
    account_id: i64,
    trigger: AutoTrigger,
    template_id: Option<i64>,
    enabled: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(id) = template_id {
        let kind: Option<String> = conn
            .query_row(
                "SELECT kind FROM reply_templates WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        match kind.as_deref() {
            Some("post_sale") => {}
            Some(_) => {
                return Err(Error::InvalidInput(
                    "an automatic message uses a post-sale quick reply".into(),
                ));
            }
            None => return Err(Error::NotFound(format!("quick reply {id}"))),
        }
    } else if enabled {
        return Err(Error::InvalidInput(
            "choose the quick reply the rule sends before switching it on".into(),
        ));
    }
    let was_on: bool = conn
        .query_row(
            "SELECT enabled FROM auto_message_rules WHERE account_id = ?1 AND trigger = ?2",
            params![account_id, trigger.as_str()],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false);
    let now_s = ts(now);
    conn.execute(
        "INSERT INTO auto_message_rules (account_id, trigger, template_id, enabled, enabled_at,
                                         updated_at)
         VALUES (?1, ?2, ?3, ?4, CASE WHEN ?4 THEN ?5 END, ?5)
         ON CONFLICT (account_id, trigger) DO UPDATE SET
             template_id = excluded.template_id, enabled = excluded.enabled,
             enabled_at = CASE WHEN NOT excluded.enabled THEN NULL
                               WHEN ?6 THEN auto_message_rules.enabled_at
                               ELSE excluded.enabled_at END,
             updated_at = excluded.updated_at",
        params![
            account_id,
            trigger.as_str(),
            template_id,
            enabled,
            now_s,
            was_on
        ],
    )?;
    Ok(())
}

/// One order a rule applies to, as found.
struct Candidate {
    order_id: i64,
    pack_id: i64,
    at: String,
}

/// What sending `template` for `c` would do now.
fn plan(conn: &Connection, account_id: i64, c: &Candidate, template: &str) -> Result<AutoPreview> {
    let ctx = replies::order_context_for(conn, account_id, c.pack_id)?;
    let rendered = replies::render(template, &ctx);
    let buyer_nickname: Option<String> = conn
        .query_row(
            "SELECT b.nickname FROM orders o JOIN buyers b ON b.id = o.buyer_id WHERE o.id = ?1",
            [c.order_id],
            |r| r.get(0),
        )
        .optional()?;
    let blocked: Option<String> = conn
        .query_row(
            "SELECT COALESCE(substatus, status) FROM conversation_status
             WHERE account_id = ?1 AND pack_id = ?2 AND status = 'blocked'",
            params![account_id, c.pack_id],
            |r| r.get(0),
        )
        .optional()?;
    let open: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM messages WHERE account_id = ?1 AND pack_id = ?2)",
        params![account_id, c.pack_id],
        |r| r.get(0),
    )?;
    let delivered: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM orders o JOIN shipments s ON s.id = o.shipping_id
                        WHERE o.id = ?1 AND s.status = 'delivered')",
        [c.order_id],
        |r| r.get(0),
    )?;
    let lint = replies::lint(&rendered.text, TextKind::Message);
    let (route, reason) = if let Some(b) = blocked {
        (AutoRoute::NotAllowed, Some(b))
    } else if !rendered.unknown.is_empty() {
        (AutoRoute::NotAllowed, Some("unknown_variables".to_owned()))
    } else if lint.chars > MESSAGE_MAX_CHARS {
        (AutoRoute::NotAllowed, Some("too_long".to_owned()))
    } else if lint.findings.iter().any(|f| !is_own_number(f, c)) {
        (AutoRoute::NotAllowed, Some("contact_data".to_owned()))
    } else if open {
        (AutoRoute::Message, None)
    } else if delivered {
        // The guide's free-text reason closes on delivery; the buyer has not written.
        (
            AutoRoute::NotAllowed,
            Some("delivered_no_conversation".to_owned()),
        )
    } else {
        (AutoRoute::ActionGuide, None)
    };
    Ok(AutoPreview {
        order_id: c.order_id,
        buyer_nickname,
        at: c.at.clone(),
        text: rendered.text,
        missing: rendered.missing,
        route,
        reason,
    })
}

/// Whether a finding is only the sale's own number (an order or pack id reads like a phone).
fn is_own_number(f: &replies::Finding, c: &Candidate) -> bool {
    let digits: String = f.text.chars().filter(char::is_ascii_digit).collect();
    f.kind == replies::FindingKind::Phone
        && (digits == c.order_id.to_string() || digits == c.pack_id.to_string())
}

/// The orders `trigger` applies to on `account_id` and has not acted on, newest first;
/// `since`: only events at or after it.
fn candidates(
    conn: &Connection,
    account_id: i64,
    trigger: AutoTrigger,
    since: Option<DateTime<Utc>>,
    limit: i64,
) -> Result<Vec<Candidate>> {
    let sql = format!(
        "SELECT * FROM ({}) c
         WHERE c.at IS NOT NULL AND (?2 IS NULL OR c.at >= ?2)
           AND NOT EXISTS (SELECT 1 FROM auto_messages_sent x
                           WHERE x.account_id = ?1 AND x.pack_id = c.pack AND x.trigger = ?3)
         ORDER BY c.at DESC, c.id LIMIT ?4",
        trigger.candidates()
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(
            params![account_id, since.map(ts), trigger.as_str(), limit * 4],
            |r| {
                Ok(Candidate {
                    order_id: r.get(0)?,
                    pack_id: r.get(1)?,
                    at: r.get(2)?,
                })
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // A pack of several orders is written to once per trigger: its first order stands for it.
    let mut seen = std::collections::HashSet::new();
    Ok(rows
        .into_iter()
        .filter(|c| seen.insert(c.pack_id))
        .take(limit as usize)
        .collect())
}

/// The next messages `template_id` would send for `trigger` on `account_id` (the latest orders
/// it applies to, whether or not the rule is on): shown before switching a rule on.
pub fn preview(
    conn: &Connection,
    account_id: i64,
    trigger: AutoTrigger,
    template_id: i64,
) -> Result<Vec<AutoPreview>> {
    let template: String = conn
        .query_row(
            "SELECT text FROM reply_templates WHERE id = ?1",
            [template_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("quick reply {template_id}")))?;
    candidates(conn, account_id, trigger, None, 3)?
        .iter()
        .map(|c| plan(conn, account_id, c, &template))
        .collect()
}

/// How many automatic messages one run queues at most per rule (a burst of old orders read
/// for the first time stays within Mercado Libre's write limit).
const PER_RUN: i64 = 50;

/// Queues the automatic messages due on `account_id` in one transaction; returns the outbox
/// ids queued. A message waiting for data (`missing`) is left for a later run.
pub fn queue_due(conn: &mut Connection, account_id: i64, now: DateTime<Utc>) -> Result<Vec<i64>> {
    crate::store::durably(conn, |conn| {
        let tx = conn.transaction()?;
        let mut queued = Vec::new();
        let rules: Vec<(String, i64, String)> = tx
            .prepare_cached(
                "SELECT r.trigger, r.template_id, r.enabled_at FROM auto_message_rules r
                 JOIN reply_templates t ON t.id = r.template_id
                 WHERE r.account_id = ?1 AND r.enabled AND r.enabled_at IS NOT NULL",
            )?
            .query_map([account_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (trigger, template_id, enabled_at) in rules {
            let Some(trigger) = AutoTrigger::parse(&trigger) else {
                continue;
            };
            let since = parse_ts(&enabled_at)?;
            let template: String = tx.query_row(
                "SELECT text FROM reply_templates WHERE id = ?1",
                [template_id],
                |r| r.get(0),
            )?;
            for c in candidates(&tx, account_id, trigger, Some(since), PER_RUN)? {
                let plan = plan(&tx, account_id, &c, &template)?;
                if !plan.missing.is_empty() {
                    continue;
                }
                let buyer_id = crate::store::messages::buyer_of_pack(&tx, account_id, c.pack_id)?;
                let write = buyer_id.map(|buyer_id| Write::Message {
                    pack_id: c.pack_id,
                    buyer_id,
                    text: plan.text.trim().to_owned(),
                    guide: (plan.route == AutoRoute::ActionGuide).then(|| GuideChoice {
                        option_id: "OTHER".into(),
                        template_id: None,
                    }),
                    via: None,
                    attachment: None,
                });
                let refusal = match (&write, plan.route) {
                    (_, AutoRoute::NotAllowed) => plan.reason.clone(),
                    (None, _) => Some("no_buyer".to_owned()),
                    (Some(w), _) => w.validate().err().map(|_| "invalid".to_owned()),
                };
                let outbox_id = match (write, &refusal) {
                    (Some(write), None) => Some(queue_in(&tx, account_id, &write, None, now)?),
                    (_, reason) => {
                        tracing::info!(
                            account_id,
                            order_id = c.order_id,
                            trigger = trigger.as_str(),
                            reason,
                            "automatic message not allowed; skipped"
                        );
                        None
                    }
                };
                let skipped = outbox_id.is_none().then_some(refusal).flatten();
                tx.execute(
                    "INSERT INTO auto_messages_sent (account_id, order_id, pack_id, trigger,
                                                     outbox_id, skipped, at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        account_id,
                        c.order_id,
                        c.pack_id,
                        trigger.as_str(),
                        outbox_id,
                        skipped,
                        ts(now)
                    ],
                )?;
                let Some(outbox_id) = outbox_id else {
                    continue;
                };
                queued.push(outbox_id);
            }
        }
        tx.commit()?;
        Ok(queued)
    })
}

#[cfg(test)]
mod tests;
