//! Post-sale conversations in the inbox: one row per pack (the buyer, the order, the last
//! message, how long the buyer has been waiting), and the whole thread of one. Read-only;
//! messages are sent through `crate::outbox`. The per-pack summaries are kept by triggers
//! (migration 0008), so a page reads an index, not every message.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{DeliveryState, StatusFilter, search};
use crate::error::{Error, Result};
use crate::store::messages::LOCAL_PREFIX;
use crate::store::outbox::FAILED;

/// A page request for conversations.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export, export_to = "ConversationQuery.ts")]
pub struct ConversationQuery {
    /// `unanswered`: the buyer wrote last (longest waiting first); `answered`: the seller did;
    /// `all`: both (latest activity first).
    pub status: StatusFilter,
    /// Page size (1–500; default 100).
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
    /// Words to find in the messages (accents ignored, each word a prefix), a buyer's nickname
    /// (its start) or an order or pack number.
    #[serde(default)]
    #[ts(optional)]
    pub search: Option<String>,
    /// Only this account.
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub account_id: Option<i64>,
}

/// One conversation as the inbox lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "Conversation.ts")]
pub struct Conversation {
    /// The seller's account.
    #[ts(type = "number")]
    pub account_id: i64,
    /// Its nickname.
    pub account_nickname: String,
    /// Its site (money and date formats).
    pub site_id: String,
    /// The pack (or the order, when it has no pack): what the conversation is about.
    #[ts(type = "number")]
    pub pack_id: i64,
    /// The pack's first order, once synced.
    #[ts(type = "number | null")]
    pub order_id: Option<i64>,
    /// That order's status verbatim.
    pub order_status: Option<String>,
    /// Its total as a decimal string.
    pub order_total: Option<String>,
    /// Its currency.
    pub order_currency: Option<String>,
    /// Orders in the pack.
    #[ts(type = "number")]
    pub order_count: i64,
    /// The buyer.
    #[ts(type = "number | null")]
    pub buyer_id: Option<i64>,
    /// The buyer's nickname, once known.
    pub buyer_nickname: Option<String>,
    /// The first item bought.
    pub item_id: Option<String>,
    /// Its title.
    pub item_title: Option<String>,
    /// The last message (untrusted text: render as text only).
    pub last_text: String,
    /// Whether the buyer wrote it.
    pub last_from_buyer: bool,
    /// When it was written (RFC 3339, UTC).
    pub last_at: String,
    /// The buyer's first message since the seller's last one; `None` when the seller spoke last.
    pub waiting_since: Option<String>,
    /// Messages in the conversation.
    #[ts(type = "number")]
    pub message_count: i64,
    /// When searching: the latest matching message, matched words between
    /// [`search::MARK_START`] and [`search::MARK_END`].
    pub highlight: Option<String>,
}

/// A page of conversations plus the count the UI always shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "ConversationPage.ts")]
pub struct ConversationPage {
    /// The rows.
    pub items: Vec<Conversation>,
    /// Rows matching the query.
    #[ts(type = "number")]
    pub total: i64,
    /// Conversations waiting for the seller, across all accounts.
    #[ts(type = "number")]
    pub waiting: i64,
}

/// One message of a thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "ThreadMessage.ts")]
pub struct ThreadMessage {
    /// Message id (`outbox:N` for one still on its way).
    pub id: String,
    /// Whether the buyer wrote it (otherwise the seller did).
    pub from_buyer: bool,
    /// The text (untrusted: render as text only).
    pub text: String,
    /// When it was written (RFC 3339, UTC).
    pub date_created: String,
    /// When the other side read it.
    pub read_at: Option<String>,
    /// Mercado Libre's status verbatim (`available`, `moderated`, …).
    pub status: Option<String>,
    /// Set while the seller's message is in the outbox, or when it was refused.
    pub delivery: Option<DeliveryState>,
    /// Why it was refused (or the last transient error while sending).
    pub error_message: Option<String>,
    /// The member who wrote it here (none for the buyer's, or when written elsewhere).
    pub sent_by: Option<String>,
    /// The names of the files it carries.
    pub attachments: Vec<String>,
}

/// One line of an order in the pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "PackItem.ts")]
pub struct PackItem {
    /// The order.
    #[ts(type = "number")]
    pub order_id: i64,
    /// The listing.
    pub item_id: String,
    /// Title at the time of the sale.
    pub title: Option<String>,
    /// Units bought.
    #[ts(type = "number")]
    pub quantity: i64,
    /// Unit price as a decimal string.
    pub unit_price: Option<String>,
    /// Link to the listing, when synced.
    pub permalink: Option<String>,
}

/// A conversation with all its messages and what was bought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "ConversationThread.ts")]
pub struct ConversationThread {
    /// The summary row.
    pub conversation: Conversation,
    /// Oldest first.
    pub messages: Vec<ThreadMessage>,
    /// The pack's order lines.
    pub items: Vec<PackItem>,
    /// The shipment's status verbatim (`ready_to_ship`, `shipped`, …), once synced.
    pub shipment_status: Option<String>,
    /// Its substatus verbatim.
    pub shipment_substatus: Option<String>,
    /// Whether Mercado Libre reports the shipment late (its dispatch SLA, or its delays on the
    /// way) while it is not delivered.
    pub shipment_delayed: bool,
    /// Why Mercado Libre does not let the seller write here, when it does not (the thread's
    /// `conversation_status` substatus verbatim, `blocked` when it gave none; an order
    /// cancelled is `cancelled`): the composer says so instead of failing after the fact.
    pub blocked: Option<String>,
    /// Mercado Libre's AI agent intermediates the conversation: the buyer's messages come
    /// through it, and the seller writes to it one message at a time.
    pub intermediated: bool,
    /// Intermediated, and the seller's last message has no answer yet: the composer waits.
    pub awaiting_agent: bool,
}

/// The summary columns; `{page}` yields `account_id`, `pack_id` and `h` (the highlight).
/// Orders are found by pack or id (`+account_id` keeps SQLite on those two indexes rather than
/// walking every order of the account).
const SELECT: &str = "
    SELECT c.account_id, a.nickname AS account_nickname, a.site_id, c.pack_id,
           o.id AS order_id, o.status AS order_status, o.total_amount AS order_total,
           o.currency_id AS order_currency,
           (SELECT COUNT(*) FROM orders p
             WHERE +p.account_id = c.account_id AND (p.pack_id = c.pack_id OR p.id = c.pack_id))
               AS order_count,
           COALESCE(o.buyer_id, (SELECT from_id FROM messages x
             WHERE x.account_id = c.account_id AND x.pack_id = c.pack_id
               AND x.from_id != c.account_id LIMIT 1)) AS buyer_id,
           b.nickname AS buyer_nickname,
           oi.item_id, COALESCE(l.title, oi.title) AS item_title,
           m.text AS last_text, m.from_id != c.account_id AS last_from_buyer,
           c.last_at, c.waiting_since, c.message_count, page.h AS highlight
    FROM {page}
    JOIN conversations c ON c.account_id = page.account_id AND c.pack_id = page.pack_id
    JOIN accounts a ON a.id = c.account_id
    JOIN messages m ON m.id = c.last_message_id
    LEFT JOIN orders o ON o.id = (
        SELECT id FROM orders WHERE +account_id = c.account_id
          AND (pack_id = c.pack_id OR id = c.pack_id) ORDER BY id LIMIT 1)
    LEFT JOIN buyers b ON b.id = COALESCE(o.buyer_id, (SELECT from_id FROM messages x
             WHERE x.account_id = c.account_id AND x.pack_id = c.pack_id
               AND x.from_id != c.account_id LIMIT 1))
    LEFT JOIN order_items oi ON oi.order_id = o.id
        AND oi.line = (SELECT MIN(line) FROM order_items WHERE order_id = o.id)
    LEFT JOIN listings l ON l.id = oi.item_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Conversation> {
    Ok(Conversation {
        account_id: r.get("account_id")?,
        account_nickname: r.get("account_nickname")?,
        site_id: r.get("site_id")?,
        pack_id: r.get("pack_id")?,
        order_id: r.get("order_id")?,
        order_status: r.get("order_status")?,
        order_total: r.get("order_total")?,
        order_currency: r.get("order_currency")?,
        order_count: r.get("order_count")?,
        buyer_id: r.get("buyer_id")?,
        buyer_nickname: r.get("buyer_nickname")?,
        item_id: r.get("item_id")?,
        item_title: r.get("item_title")?,
        last_text: r.get("last_text")?,
        last_from_buyer: r.get("last_from_buyer")?,
        last_at: r.get("last_at")?,
        waiting_since: r.get("waiting_since")?,
        message_count: r.get("message_count")?,
        highlight: r.get("highlight")?,
    })
}

impl StatusFilter {
    /// The condition on the `conversations` row `c` (a constant; nothing from the user).
    fn conversation_condition(self) -> &'static str {
        match self {
            Self::Unanswered => "c.waiting_since IS NOT NULL",
            Self::Answered => "c.waiting_since IS NULL",
            Self::All => "1",
        }
    }

    /// The list order (a constant).
    fn conversation_order(self) -> &'static str {
        match self {
            Self::Unanswered => "c.waiting_since ASC, c.pack_id ASC",
            Self::Answered | Self::All => "c.last_at DESC, c.pack_id DESC",
        }
    }
}

/// What a search looks for: words in the messages, a nickname's start, an order number.
struct Terms {
    fts: Option<String>,
    nickname: Option<String>,
    number: Option<i64>,
}

impl Terms {
    fn of(input: &str) -> Option<Self> {
        let input = input.trim();
        let single = !input.is_empty() && !input.contains(char::is_whitespace);
        let terms = Self {
            fts: search::fts_query(input),
            // LIKE's wildcards in a nickname are escaped; it matches the start, any case.
            nickname: single.then(|| {
                let escaped = input
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                format!("{escaped}%")
            }),
            number: input.trim_start_matches('#').parse::<i64>().ok(),
        };
        (terms.fts.is_some() || terms.nickname.is_some()).then_some(terms)
    }
}

/// The matching conversations of a search, with the latest matching message (SQLite takes a
/// bare column from the row holding the `MAX`): yields `account_id`, `pack_id`, `h`. Binds `?1` (FTS query), `?2` (nickname pattern) and
/// `?3` (number).
const FOUND: &str = "
    (SELECT account_id, pack_id, MAX(h) AS h FROM (
        SELECT m.account_id, m.pack_id, MAX(m.date_created) AS at, m.text AS h
        FROM messages_fts f JOIN messages m ON m.id = f.message_id
        WHERE ?1 IS NOT NULL AND messages_fts MATCH ?1
        GROUP BY m.account_id, m.pack_id
        UNION ALL
        SELECT c.account_id, c.pack_id, NULL, NULL FROM conversations c
        JOIN orders o ON +o.account_id = c.account_id AND (o.pack_id = c.pack_id OR o.id = c.pack_id)
        LEFT JOIN buyers b ON b.id = o.buyer_id
        WHERE b.nickname LIKE ?2 ESCAPE '\\' OR o.id = ?3 OR c.pack_id = ?3
     ) GROUP BY account_id, pack_id)";

/// Conversations waiting for the seller, across all accounts.
pub fn waiting(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM conversations WHERE waiting_since IS NOT NULL")?
        .query_row([], |r| r.get(0))?)
}

/// Lists one page of conversations.
pub fn list(conn: &Connection, query: &ConversationQuery) -> Result<ConversationPage> {
    let limit = i64::from(query.limit.unwrap_or(100).clamp(1, 500));
    let offset = i64::from(query.offset.unwrap_or(0));
    let status = query.status.conversation_condition();
    let order = query.status.conversation_order();
    let terms = query.search.as_deref().and_then(Terms::of);
    let (items, total) = match terms {
        Some(t) => {
            let source = format!(
                "{FOUND} AS found JOIN conversations c
                   ON c.account_id = found.account_id AND c.pack_id = found.pack_id
                 WHERE {status} AND (?4 IS NULL OR c.account_id = ?4)"
            );
            let page = format!(
                "(SELECT c.account_id, c.pack_id, found.h FROM {source}
                  ORDER BY {order} LIMIT ?5 OFFSET ?6) AS page"
            );
            let sql = format!("{} ORDER BY {order}", SELECT.replace("{page}", &page));
            let args = params![t.fts, t.nickname, t.number, query.account_id, limit, offset];
            let mut items = conn
                .prepare_cached(&sql)?
                .query_map(args, from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let input = query.search.as_deref().unwrap_or_default();
            for c in &mut items {
                c.highlight = c.highlight.as_deref().map(|text| search::mark(text, input));
            }
            let total = conn
                .prepare_cached(&format!("SELECT COUNT(*) FROM {source}"))?
                .query_row(
                    params![t.fts, t.nickname, t.number, query.account_id],
                    |r| r.get(0),
                )?;
            (items, total)
        }
        None => {
            let filter = format!("{status} AND (?1 IS NULL OR c.account_id = ?1)");
            let page = format!(
                "(SELECT c.account_id, c.pack_id, NULL AS h FROM conversations c
                  WHERE {filter} ORDER BY {order} LIMIT ?2 OFFSET ?3) AS page"
            );
            let sql = format!("{} ORDER BY {order}", SELECT.replace("{page}", &page));
            let items = conn
                .prepare_cached(&sql)?
                .query_map(params![query.account_id, limit, offset], from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let total = conn
                .prepare_cached(&format!(
                    "SELECT COUNT(*) FROM conversations c WHERE {filter}"
                ))?
                .query_row([query.account_id], |r| r.get(0))?;
            (items, total)
        }
    };
    Ok(ConversationPage {
        items,
        total,
        waiting: waiting(conn)?,
    })
}

/// One conversation's summary.
pub fn get(conn: &Connection, account_id: i64, pack_id: i64) -> Result<Option<Conversation>> {
    let page = "(SELECT ?1 AS account_id, ?2 AS pack_id, NULL AS h) AS page";
    Ok(conn
        .prepare_cached(&SELECT.replace("{page}", page))?
        .query_row(params![account_id, pack_id], from_row)
        .optional()?)
}

/// A conversation with all its messages (oldest first), its order lines and its shipment.
pub fn thread(conn: &Connection, account_id: i64, pack_id: i64) -> Result<ConversationThread> {
    let conversation = get(conn, account_id, pack_id)?
        .ok_or_else(|| Error::NotFound(format!("conversation about pack {pack_id}")))?;
    let local = format!("{LOCAL_PREFIX}%");
    let outbox_id_at = LOCAL_PREFIX.len() as i64 + 1;
    let messages = conn
        .prepare_cached(
            "SELECT m.id, m.from_id != m.account_id AS from_buyer, m.text, m.date_created,
                    m.read_at, m.status, o.state, o.error_message, mem.name AS sent_by,
                    m.attachments
             FROM messages m
             LEFT JOIN members mem ON mem.id = m.sent_by
             LEFT JOIN outbox o ON m.id LIKE ?3
                 AND o.id = CAST(substr(m.id, ?4) AS INTEGER)
             WHERE m.account_id = ?1 AND m.pack_id = ?2
             ORDER BY m.date_created, m.id",
        )?
        .query_map(params![account_id, pack_id, local, outbox_id_at], |r| {
            let status: Option<String> = r.get("status")?;
            let outbox_state: Option<String> = r.get("state")?;
            let delivery = match (status.as_deref(), outbox_state.as_deref()) {
                (Some("failed"), _) | (_, Some(FAILED)) => Some(DeliveryState::Failed),
                (Some("sending"), _) => Some(DeliveryState::Sending),
                _ => None,
            };
            Ok(ThreadMessage {
                id: r.get("id")?,
                from_buyer: r.get("from_buyer")?,
                text: r.get("text")?,
                date_created: r.get("date_created")?,
                read_at: r.get("read_at")?,
                status,
                error_message: delivery.and(r.get("error_message")?),
                delivery,
                sent_by: r.get("sent_by")?,
                attachments: r
                    .get::<_, Option<String>>("attachments")?
                    .and_then(|j| serde_json::from_str(&j).ok())
                    .unwrap_or_default(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let items = conn
        .prepare_cached(
            "SELECT oi.order_id, oi.item_id, COALESCE(l.title, oi.title) AS title, oi.quantity,
                    oi.unit_price, l.permalink
             FROM orders o JOIN order_items oi ON oi.order_id = o.id
             LEFT JOIN listings l ON l.id = oi.item_id
             WHERE +o.account_id = ?1 AND (o.pack_id = ?2 OR o.id = ?2)
             ORDER BY o.id, oi.line",
        )?
        .query_map(params![account_id, pack_id], |r| {
            Ok(PackItem {
                order_id: r.get(0)?,
                item_id: r.get(1)?,
                title: r.get(2)?,
                quantity: r.get(3)?,
                unit_price: r.get(4)?,
                permalink: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let shipment = conn
        .prepare_cached(
            "SELECT s.status, s.substatus,
                    (s.delayed OR s.past_promise)
                        AND s.status NOT IN ('delivered', 'cancelled', 'not_delivered')
             FROM shipments s JOIN orders o ON o.id = s.order_id
             WHERE +o.account_id = ?1 AND (o.pack_id = ?2 OR o.id = ?2)
             ORDER BY s.last_updated DESC LIMIT 1",
        )?
        .query_row(params![account_id, pack_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, bool>(2)?))
        })
        .optional()?;
    let (shipment_status, shipment_substatus, shipment_delayed) =
        shipment.unwrap_or((None, None, false));
    let blocked = conn
        .prepare_cached(
            "SELECT COALESCE(substatus, status) FROM conversation_status
             WHERE account_id = ?1 AND pack_id = ?2 AND status = 'blocked'",
        )?
        .query_row(params![account_id, pack_id], |r| r.get::<_, String>(0))
        .optional()?
        .or_else(|| {
            (conversation.order_status.as_deref() == Some("cancelled")).then(|| "cancelled".into())
        });
    let agent = crate::store::messages::agent_route(conn, account_id, pack_id)?;
    Ok(ConversationThread {
        conversation,
        messages,
        items,
        shipment_status,
        shipment_substatus,
        shipment_delayed,
        blocked,
        intermediated: agent.is_some(),
        awaiting_agent: agent.is_some_and(|a| a.awaiting_agent),
    })
}

#[cfg(test)]
mod tests;
