//! The `orders` and `order_items` tables: the seller's sales.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::ts;
use crate::error::Result;

/// An order of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// Mercado Libre order id.
    pub id: i64,
    /// Owning account (the seller).
    pub account_id: i64,
    /// `paid`, `cancelled`, ... verbatim.
    pub status: String,
    /// When it was placed.
    pub date_created: DateTime<Utc>,
    /// When Mercado Libre last changed it.
    pub last_updated: DateTime<Utc>,
    /// Total as a decimal string.
    pub total_amount: Option<String>,
    /// Currency, e.g. `ARS`.
    pub currency_id: Option<String>,
    /// The buyer.
    pub buyer_id: Option<i64>,
    /// The buyer's nickname, when the order carried it.
    pub buyer_nickname: Option<String>,
    /// The buyer's first name, when the order carried it.
    pub buyer_first_name: Option<String>,
    /// The pack (cart) it belongs to.
    pub pack_id: Option<i64>,
    /// Its shipment.
    pub shipping_id: Option<i64>,
    /// Tags verbatim (`paid`, `not_delivered`, ...).
    pub tags: Vec<String>,
    /// What was sold.
    pub items: Vec<OrderItem>,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderItem {
    /// The listing.
    pub item_id: String,
    /// The variation, if any.
    pub variation_id: Option<i64>,
    /// Title at the time of sale.
    pub title: Option<String>,
    /// Units.
    pub quantity: i64,
    /// Unit price as a decimal string.
    pub unit_price: Option<String>,
    /// The seller's SKU.
    pub sku: Option<String>,
}

/// Inserts or replaces an order and its lines.
pub fn upsert(conn: &Connection, o: &Order) -> Result<()> {
    let tags = serde_json::to_string(&o.tags).unwrap_or_else(|_| "[]".into());
    // An update, else an insert: an upsert's conflict clause would override the metrics
    // triggers' OR IGNORE and fail on a day already marked for recomputing.
    let updated = conn
        .prepare_cached(
            "UPDATE orders SET status = ?3, last_updated = ?5, total_amount = ?6,
                 currency_id = ?7, buyer_id = ?8, pack_id = ?9, shipping_id = ?10, tags = ?11
             WHERE id = ?1 AND ?2 IS NOT NULL AND ?4 IS NOT NULL",
        )?
        .execute(params![
            o.id,
            o.account_id,
            o.status,
            ts(o.date_created),
            ts(o.last_updated),
            o.total_amount,
            o.currency_id,
            o.buyer_id,
            o.pack_id,
            o.shipping_id,
            tags
        ])?;
    if updated == 0 {
        conn.prepare_cached(
            "INSERT INTO orders (id, account_id, status, date_created, last_updated,
                                 total_amount, currency_id, buyer_id, pack_id, shipping_id, tags)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            o.id,
            o.account_id,
            o.status,
            ts(o.date_created),
            ts(o.last_updated),
            o.total_amount,
            o.currency_id,
            o.buyer_id,
            o.pack_id,
            o.shipping_id,
            tags
        ])?;
    }
    conn.prepare_cached("DELETE FROM order_items WHERE order_id = ?1")?
        .execute([o.id])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO order_items (order_id, line, item_id, variation_id, title, quantity,
                                  unit_price, sku)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (line, i) in o.items.iter().enumerate() {
        insert.execute(params![
            o.id,
            line as i64,
            i.item_id,
            i.variation_id,
            i.title,
            i.quantity,
            i.unit_price,
            i.sku
        ])?;
    }
    if let (Some(id), Some(nick)) = (o.buyer_id, o.buyer_nickname.as_deref()) {
        super::buyers::upsert(conn, id, nick)?;
        if let Some(first) = o.buyer_first_name.as_deref() {
            super::buyers::set_first_name(conn, id, first)?;
        }
    }
    Ok(())
}

/// How many orders an account has stored.
pub fn count(conn: &Connection, account_id: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM orders WHERE account_id = ?1",
        [account_id],
        |r| r.get(0),
    )?)
}

/// Shipment ids of the account's paid orders placed since `since` whose shipment is not known
/// to be finished (delivered, cancelled, returned), oldest first.
pub fn open_shipments(
    conn: &Connection,
    account_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.shipping_id FROM orders o
         LEFT JOIN shipments s ON s.id = o.shipping_id
         WHERE o.account_id = ?1 AND o.shipping_id IS NOT NULL AND o.status = 'paid'
           AND o.date_created >= ?2
           AND (s.id IS NULL OR s.status NOT IN ('delivered', 'cancelled', 'not_delivered'))
         ORDER BY o.date_created",
    )?;
    let rows = stmt.query_map(params![account_id, ts(since)], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Of `packs` (packs, or orders without one), those with no order of `account_id` stored.
pub fn unknown_packs(conn: &Connection, account_id: i64, packs: &[i64]) -> Result<Vec<i64>> {
    // Two indexed lookups rather than one `OR`, which would scan the orders.
    let mut stmt = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM orders WHERE pack_id = ?2 AND account_id = ?1)
             OR EXISTS (SELECT 1 FROM orders WHERE id = ?2 AND account_id = ?1)",
    )?;
    let mut out = Vec::new();
    for pack in packs {
        let known: bool = stmt.query_row(params![account_id, pack], |r| r.get(0))?;
        if !known {
            out.push(*pack);
        }
    }
    Ok(out)
}

/// Listing ids sold in orders updated at or after `since`.
pub fn items_updated_since(
    conn: &Connection,
    account_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT i.item_id FROM order_items i JOIN orders o ON o.id = i.order_id
         WHERE o.account_id = ?1 AND o.last_updated >= ?2",
    )?;
    let rows = stmt.query_map(params![account_id, ts(since)], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::*;
    use crate::store::shipments::{self, Shipment};
    use crate::store::testing::temp_store;

    /// An order and its shipment change twice on one day before the metrics catch up: both
    /// updates are stored (the day is marked for recomputing once, not refused the second time).
    #[test]
    fn an_order_and_its_shipment_update_twice_before_the_metrics_catch_up() {
        let (_dir, store) = temp_store();
        let conn = store.conn().unwrap();
        conn.execute_batch(
            "INSERT INTO accounts (id, nickname, site_id, api_base, created_at)
                 VALUES (1, 'TIENDA', 'MLA', 'http://127.0.0.1:1', '2026-01-01T00:00:00Z');",
        )
        .unwrap();
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let mut order = Order {
            id: 100,
            account_id: 1,
            status: "paid".into(),
            date_created: at,
            last_updated: at,
            total_amount: Some("10.00".into()),
            currency_id: Some("ARS".into()),
            buyer_id: Some(10),
            buyer_nickname: Some("ANA".into()),
            buyer_first_name: None,
            pack_id: None,
            shipping_id: Some(9000),
            tags: vec![],
            items: vec![],
        };
        let mut shipment = Shipment {
            id: 9000,
            account_id: 1,
            order_id: Some(100),
            status: "handling".into(),
            substatus: None,
            date_created: Some(at),
            last_updated: Some(at),
            sla_status: Some("on_time".into()),
            sla_expected_date: None,
            delayed: false,
            tracking_number: None,
            carrier: None,
            estimated_delivery: None,
        };
        upsert(&conn, &order).unwrap();
        shipments::upsert(&conn, &shipment, at).unwrap();
        for n in 1..=2 {
            order.last_updated = at + Duration::minutes(n);
            order.status = if n == 1 { "paid" } else { "cancelled" }.into();
            upsert(&conn, &order).unwrap();
            shipment.delayed = n == 1;
            shipment.status = if n == 1 { "ready_to_ship" } else { "cancelled" }.into();
            shipments::upsert(&conn, &shipment, at).unwrap();
        }
        let (status, delayed): (String, bool) = conn
            .query_row(
                "SELECT o.status, s.delayed FROM orders o JOIN shipments s ON s.order_id = o.id",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((status.as_str(), delayed), ("cancelled", false));
        let dirty: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM metrics_dirty WHERE kind = 's'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(dirty, 1, "the day is marked once");
    }
}
