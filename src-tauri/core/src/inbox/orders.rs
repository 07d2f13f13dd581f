//! Sales in the inbox: the orders of every account with their shipment and what is due — the
//! "to dispatch" list (shipments not yet handed over, soonest deadline first) and every order,
//! newest first. From an order the seller opens its conversation, or starts one through the
//! action guide when the buyer has not written. Read-only.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Row, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;

/// Which orders to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "OrderFilter.ts")]
pub enum OrderFilter {
    /// Shipments still to hand over whose dispatch deadline falls before `dispatch_before`
    /// (overdue ones included), soonest first.
    #[default]
    ToDispatch,
    /// Every order, newest first.
    All,
}

/// A page request for orders.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export, export_to = "OrderQuery.ts")]
pub struct OrderQuery {
    /// Which orders.
    pub filter: OrderFilter,
    /// For [`OrderFilter::ToDispatch`]: deadlines before this instant (the end of the seller's
    /// day); every pending dispatch when absent.
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub dispatch_before: Option<DateTime<Utc>>,
    /// Only this account.
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub account_id: Option<i64>,
    /// Page size (1–500; default 100).
    pub limit: Option<u32>,
    /// Rows to skip.
    pub offset: Option<u32>,
}

/// One order as the sales list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "OrderRow.ts")]
pub struct OrderRow {
    /// The seller's account.
    #[ts(type = "number")]
    pub account_id: i64,
    /// Its nickname.
    pub account_nickname: String,
    /// Its site (money and date formats).
    pub site_id: String,
    /// The order.
    #[ts(type = "number")]
    pub order_id: i64,
    /// Its pack, or the order itself when it has none: what a conversation is about.
    #[ts(type = "number")]
    pub pack_id: i64,
    /// The order's status verbatim.
    pub status: String,
    /// When it was placed.
    pub date_created: String,
    /// Its total as a decimal string.
    pub total_amount: Option<String>,
    /// Its currency.
    pub currency_id: Option<String>,
    /// The buyer's nickname, once known.
    pub buyer_nickname: Option<String>,
    /// The first line's title.
    pub item_title: Option<String>,
    /// Units over all lines.
    #[ts(type = "number")]
    pub units: i64,
    /// The shipment's status verbatim, once synced.
    pub shipment_status: Option<String>,
    /// The dispatch deadline while not handed over.
    pub dispatch_by: Option<String>,
    /// Whether the shipment is late while not delivered: Mercado Libre reports it so, or the
    /// parcel is on its way past the delivery date promised.
    pub delayed: bool,
    /// Messages exchanged about the pack.
    #[ts(type = "number")]
    pub message_count: i64,
    /// Whether the buyer's last message waits for the seller.
    pub waiting: bool,
}

/// A page of orders, with the count of dispatches due that the tab shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "OrderPage.ts")]
pub struct OrderPage {
    /// The rows.
    pub items: Vec<OrderRow>,
    /// Rows matching the query.
    #[ts(type = "number")]
    pub total: i64,
    /// Shipments to dispatch before `dispatch_before` (all accounts, or the one asked).
    #[ts(type = "number")]
    pub to_dispatch: i64,
}

/// Shipment statuses before the parcel is handed over.
const NOT_DISPATCHED: &str = "('pending', 'handling', 'ready_to_ship')";

/// The columns of a row over the page `{page}` (which yields `id`).
const SELECT: &str = "
    SELECT o.account_id, a.nickname AS account_nickname, a.site_id, o.id AS order_id,
           COALESCE(o.pack_id, o.id) AS pack_id, o.status, o.date_created, o.total_amount,
           o.currency_id, b.nickname AS buyer_nickname,
           (SELECT COALESCE(l.title, oi.title) FROM order_items oi
              LEFT JOIN listings l ON l.id = oi.item_id
             WHERE oi.order_id = o.id ORDER BY oi.line LIMIT 1) AS item_title,
           (SELECT COALESCE(SUM(quantity), 0) FROM order_items WHERE order_id = o.id) AS units,
           s.status AS shipment_status,
           CASE WHEN s.status IN ('pending', 'handling', 'ready_to_ship')
                THEN s.sla_expected_date END AS dispatch_by,
           COALESCE((s.delayed OR s.past_promise)
                    AND s.status NOT IN ('delivered', 'cancelled', 'not_delivered'), 0)
               AS delayed,
           COALESCE(c.message_count, 0) AS message_count,
           c.waiting_since IS NOT NULL AS waiting
    FROM {page}
    JOIN orders o ON o.id = page.id
    JOIN accounts a ON a.id = o.account_id
    LEFT JOIN buyers b ON b.id = o.buyer_id
    LEFT JOIN shipments s ON s.id = o.shipping_id
    LEFT JOIN conversations c ON c.account_id = o.account_id
        AND c.pack_id = COALESCE(o.pack_id, o.id)";

fn from_row(r: &Row<'_>) -> rusqlite::Result<OrderRow> {
    Ok(OrderRow {
        account_id: r.get("account_id")?,
        account_nickname: r.get("account_nickname")?,
        site_id: r.get("site_id")?,
        order_id: r.get("order_id")?,
        pack_id: r.get("pack_id")?,
        status: r.get("status")?,
        date_created: r.get("date_created")?,
        total_amount: r.get("total_amount")?,
        currency_id: r.get("currency_id")?,
        buyer_nickname: r.get("buyer_nickname")?,
        item_title: r.get("item_title")?,
        units: r.get("units")?,
        shipment_status: r.get("shipment_status")?,
        dispatch_by: r.get("dispatch_by")?,
        delayed: r.get("delayed")?,
        message_count: r.get("message_count")?,
        waiting: r.get("waiting")?,
    })
}

/// The orders whose shipment is still to dispatch before `?2` (any time when null), on the
/// account `?1` (all when null): one order per shipment, soonest deadline first.
fn to_dispatch_source() -> String {
    format!(
        "shipments s JOIN orders o ON o.id = s.order_id
         WHERE s.status IN {NOT_DISPATCHED} AND s.sla_expected_date IS NOT NULL
           AND o.status NOT IN ('cancelled', 'invalid')
           AND (?1 IS NULL OR s.account_id = ?1)
           AND (?2 IS NULL OR s.sla_expected_date <= ?2)"
    )
}

/// One page of orders.
pub fn list(conn: &Connection, query: &OrderQuery) -> Result<OrderPage> {
    let limit = i64::from(query.limit.unwrap_or(100).clamp(1, 500));
    let offset = i64::from(query.offset.unwrap_or(0));
    let before = query.dispatch_before.map(crate::store::ts);
    let dispatch = to_dispatch_source();
    let to_dispatch: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM {dispatch}"))?
        .query_row(params![query.account_id, before], |r| r.get(0))?;
    let (items, total) = match query.filter {
        OrderFilter::ToDispatch => {
            let page = format!(
                "(SELECT o.id, s.sla_expected_date AS due FROM {dispatch}
                  ORDER BY s.sla_expected_date, o.id LIMIT ?3 OFFSET ?4) AS page"
            );
            let sql = format!(
                "{} ORDER BY page.due, o.id",
                SELECT.replace("{page}", &page)
            );
            let items = conn
                .prepare_cached(&sql)?
                .query_map(params![query.account_id, before, limit, offset], from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            (items, to_dispatch)
        }
        OrderFilter::All => {
            let page = "(SELECT id FROM orders WHERE ?1 IS NULL OR account_id = ?1
                          ORDER BY date_created DESC, id DESC LIMIT ?2 OFFSET ?3) AS page";
            let sql = format!(
                "{} ORDER BY o.date_created DESC, o.id DESC",
                SELECT.replace("{page}", page)
            );
            let items = conn
                .prepare_cached(&sql)?
                .query_map(params![query.account_id, limit, offset], from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let total = conn
                .prepare_cached("SELECT COUNT(*) FROM orders WHERE ?1 IS NULL OR account_id = ?1")?
                .query_row([query.account_id], |r| r.get(0))?;
            (items, total)
        }
    };
    Ok(OrderPage {
        items,
        total,
        to_dispatch,
    })
}

#[cfg(test)]
mod tests;
