//! Orders: `/orders/search` by seller, filtered by last update, paged by offset.

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::Deserialize;

use super::{Session, dto};
use crate::error::{Error, Result};
use crate::store::orders::{Order, OrderItem};

/// Page size (the endpoint's maximum).
pub const PAGE: usize = 51;

#[derive(Debug, Deserialize)]
struct SearchDto {
    #[serde(default)]
    results: Vec<serde_json::Value>,
    paging: PagingDto,
}

#[derive(Debug, Deserialize)]
struct PagingDto {
    total: i64,
}

#[derive(Debug, Deserialize)]
struct OrderDto {
    id: i64,
    status: String,
    date_created: String,
    last_updated: Option<String>,
    date_last_updated: Option<String>,
    total_amount: Option<serde_json::Number>,
    currency_id: Option<String>,
    buyer: Option<PartyDto>,
    pack_id: Option<i64>,
    shipping: Option<ShippingDto>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    order_items: Vec<OrderItemDto>,
}

#[derive(Debug, Deserialize)]
struct PartyDto {
    id: i64,
    nickname: Option<String>,
    first_name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ShippingDto {
    id: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct OrderItemDto {
    item: ItemRefDto,
    quantity: i64,
    unit_price: Option<serde_json::Number>,
}

#[derive(Debug, Deserialize)]
struct ItemRefDto {
    id: String,
    title: Option<String>,
    variation_id: Option<i64>,
    seller_sku: Option<String>,
}

/// One page of orders.
#[derive(Debug, Default)]
pub struct OrderPage {
    /// Converted orders.
    pub orders: Vec<Order>,
    /// Entries on the page (converted or not): what the offset advances by.
    pub entries: usize,
    /// Malformed entries (logged, skipped).
    pub skipped: usize,
    /// Orders matching the search.
    pub total: i64,
}

fn convert(account_id: i64, raw: serde_json::Value) -> Result<Order> {
    let hint = raw.get("id").map(|v| v.to_string()).unwrap_or_default();
    let resource = format!("order {hint}");
    let d: OrderDto = serde_json::from_value(raw).map_err(|e| Error::Malformed {
        resource: resource.clone(),
        detail: e.to_string(),
    })?;
    let date_created = dto::parse_time(&resource, &d.date_created)?;
    let last_updated = match d.last_updated.or(d.date_last_updated) {
        Some(t) => dto::parse_time(&resource, &t)?,
        None => date_created,
    };
    Ok(Order {
        id: d.id,
        account_id,
        status: d.status,
        date_created,
        last_updated,
        total_amount: d.total_amount.map(|n| n.to_string()),
        currency_id: d.currency_id,
        buyer_id: d.buyer.as_ref().map(|b| b.id),
        buyer_nickname: d.buyer.as_ref().and_then(|b| b.nickname.clone()),
        buyer_first_name: d.buyer.and_then(|b| b.first_name),
        pack_id: d.pack_id,
        shipping_id: d.shipping.and_then(|s| s.id),
        tags: d.tags,
        items: d
            .order_items
            .into_iter()
            .map(|i| OrderItem {
                item_id: i.item.id,
                variation_id: i.item.variation_id,
                title: i.item.title,
                quantity: i.quantity,
                unit_price: i.unit_price.map(|n| n.to_string()),
                sku: i.item.seller_sku,
            })
            .collect(),
    })
}

/// A page of the seller's orders last updated at or after `updated_from` (all when `None`),
/// oldest first.
pub async fn search(
    session: &Session,
    updated_from: Option<DateTime<Utc>>,
    offset: usize,
) -> Result<OrderPage> {
    let seller = session.account_id().to_string();
    let from = updated_from.map(crate::store::ts);
    let page: SearchDto = session
        .call("orders search", |api| {
            let mut req = api.request(Method::GET, "/orders/search")?.query(&[
                ("seller", seller.as_str()),
                ("sort", "date_asc"),
                ("limit", &PAGE.to_string()),
                ("offset", &offset.to_string()),
            ]);
            if let Some(from) = &from {
                req = req.query(&[("order.date_last_updated.from", from.as_str())]);
            }
            Ok(req)
        })
        .await?;
    let mut out = OrderPage {
        entries: page.results.len(),
        total: page.paging.total,
        ..OrderPage::default()
    };
    for raw in page.results {
        match convert(session.account_id(), raw) {
            Ok(o) => out.orders.push(o),
            Err(e) => {
                out.skipped += 1;
                tracing::warn!(error = %e, "skipping malformed order");
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_an_order_and_keeps_unknown_statuses() {
        let raw = serde_json::json!({"id": 2000001, "status": "partially_refunded_new",
            "date_created": "2026-11-01T10:00:00.000-03:00", "last_updated": "2026-11-02T10:00:00.000-03:00",
            "total_amount": 1999.5, "currency_id": "ARS", "buyer": {"id": 9, "nickname": "COMPRADOR"},
            "pack_id": null, "shipping": {"id": 44}, "tags": ["paid"],
            "order_items": [{"item": {"id": "MLA1", "title": "Mate", "variation_id": 5, "seller_sku": "M-1"},
                             "quantity": 2, "unit_price": 999.75}]});
        let o = convert(7, raw).expect("converts");
        assert_eq!(o.status, "partially_refunded_new");
        assert_eq!(o.total_amount.as_deref(), Some("1999.5"));
        assert_eq!(o.items[0].unit_price.as_deref(), Some("999.75"));
        assert_eq!(o.shipping_id, Some(44));
        assert_eq!(crate::store::ts(o.date_created), "2026-11-01T13:00:00.000Z");
    }

    #[test]
    fn a_malformed_order_names_itself() {
        let err = convert(7, serde_json::json!({"id": 5, "status": 3})).expect_err("malformed");
        assert!(err.to_string().contains("order 5"), "{err}");
    }
}
