//! Orders: `GET /orders/search` (seller, `order.status`, `sort=date_asc|date_desc`,
//! `order.date_created.from/.to`, `order.date_last_updated.from/.to`, `limit` ≤ 51, `offset`)
//! and `GET /orders/{id}`.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::catalog::price;
use super::{Shared, authenticate, lock, scan};
use crate::api_error::{Rejection, api_error, not_found};
use crate::world::{Order, World};

/// Largest page of `/orders/search`.
pub const ORDERS_MAX_LIMIT: usize = 51;

fn site(world: &World, o: &Order) -> String {
    world
        .users
        .get(&o.seller_id)
        .map(|u| u.site_id.clone())
        .unwrap_or_else(|| "MLA".into())
}

/// The first name an order gives for `buyer_id` (the sandbox's buyers have none of their own:
/// one from a fixed list, the same every time).
fn first_name(buyer_id: i64) -> &'static str {
    const NAMES: &[&str] = &[
        "Ana",
        "Lucas",
        "Martina",
        "Joaquín",
        "Sofía",
        "Mateo",
        "Valentina",
        "Tomás",
        "Camila",
        "Benjamín",
        "João",
        "Larissa",
    ];
    NAMES[buyer_id.rem_euclid(NAMES.len() as i64) as usize]
}

/// An order in the API's shape.
pub fn order_json(world: &World, o: &Order) -> Value {
    let site = site(world, o);
    let item = world.items.get(&o.item_id);
    let currency = item
        .map(|i| i.currency_id.clone())
        .unwrap_or_else(|| "ARS".into());
    let total = o.unit_price_cents * o.quantity;
    let variation = item.and_then(|i| i.variations.iter().find(|v| Some(v.id) == o.variation_id));
    let buyer = world.users.get(&o.buyer_id).map(|u| u.nickname.clone());
    let paid = o.status == "paid";
    json!({
        "id": o.id,
        "status": o.status,
        "status_detail": null,
        "date_created": world.format_time(o.date_created, &site),
        "date_closed": paid.then(|| world.format_time(o.date_created, &site)),
        "last_updated": world.format_time(o.last_updated, &site),
        "expiration_date": world.format_time(o.date_created + chrono::Duration::days(28), &site),
        "order_items": [{
            "item": {
                "id": o.item_id,
                "title": item.map(|i| i.title.clone()),
                "variation_id": o.variation_id,
                "variation_attributes": variation.map(|v| v.attributes.iter().map(|(n, val)| json!({"name": n, "value_name": val})).collect::<Vec<_>>()).unwrap_or_default(),
                "seller_sku": variation.and_then(|v| v.sku.clone()).or_else(|| item.and_then(|i| i.sku.clone())),
            },
            "quantity": o.quantity,
            "unit_price": price(o.unit_price_cents),
            "full_unit_price": price(o.unit_price_cents),
            "currency_id": currency,
            "sale_fee": price(o.unit_price_cents * 13 / 100),
        }],
        "total_amount": price(total),
        "paid_amount": if paid { price(total) } else { json!(0) },
        "currency_id": currency,
        "buyer": {"id": o.buyer_id, "nickname": buyer, "first_name": first_name(o.buyer_id)},
        "seller": {"id": o.seller_id},
        "payments": [{"id": o.id + 7_000_000_000, "transaction_amount": price(total), "currency_id": currency,
                      "status": if paid { "approved" } else { "refunded" }}],
        "feedback": {"purchase": null, "sale": null},
        "context": {"channel": "marketplace", "site": site, "flows": []},
        "shipping": {"id": o.shipping_id},
        "pack_id": o.pack_id,
        "mediations": [],
        "tags": if paid { json!(["paid", "not_delivered"]) } else { json!(["not_paid"]) },
    })
}

fn date_param(q: &HashMap<String, String>, key: &str) -> Result<Option<DateTime<Utc>>, Rejection> {
    match q.get(key) {
        None => Ok(None),
        Some(v) => DateTime::parse_from_rfc3339(v)
            .map(|d| Some(d.with_timezone(&Utc)))
            .map_err(|_| {
                Rejection::new(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    format!("{key} must be an ISO 8601 date"),
                )
            }),
    }
}

/// `GET /orders/search`.
pub async fn search(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut world = lock(&shared);
    let caller = match authenticate(&world, &headers) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    let Some(seller) = q.get("seller").and_then(|s| s.parse::<i64>().ok()) else {
        return api_error(StatusCode::BAD_REQUEST, "bad_request", "seller is required");
    };
    if seller != caller {
        return api_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "caller is not the seller",
        );
    }
    let limit = match q.get("limit").map(|l| l.parse::<usize>()) {
        None => 50,
        Some(Ok(l)) if (1..=ORDERS_MAX_LIMIT).contains(&l) => l,
        Some(_) => {
            return api_error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "limit must be between 1 and 51",
            );
        }
    };
    let offset: usize = q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    let bounds = (|| {
        Ok::<_, Rejection>((
            date_param(&q, "order.date_created.from")?,
            date_param(&q, "order.date_created.to")?,
            date_param(&q, "order.date_last_updated.from")?,
            date_param(&q, "order.date_last_updated.to")?,
        ))
    })();
    let (created_from, created_to, updated_from, updated_to) = match bounds {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    let status = q.get("order.status");
    let unindexed = if world.faults.stale_order_searches > 0 {
        world.faults.stale_order_searches -= 1;
        world
            .orders
            .values()
            .filter(|o| o.seller_id == seller)
            .max_by_key(|o| (o.date_created, o.id))
            .map(|o| o.id)
    } else {
        None
    };
    let mut found: Vec<&Order> = world
        .orders
        .values()
        .filter(|o| o.seller_id == seller && Some(o.id) != unindexed)
        .filter(|o| status.is_none_or(|s| &o.status == s))
        .filter(|o| {
            created_from.is_none_or(|d| o.date_created >= d)
                && created_to.is_none_or(|d| o.date_created <= d)
        })
        .filter(|o| {
            updated_from.is_none_or(|d| o.last_updated >= d)
                && updated_to.is_none_or(|d| o.last_updated <= d)
        })
        .collect();
    let sort = q.get("sort").map(String::as_str).unwrap_or("date_asc");
    found.sort_by_key(|o| (o.date_created, o.id));
    if sort == "date_desc" {
        found.reverse();
    }
    let (start, total) =
        scan::offset_window(found.len(), offset, limit, world.faults.endless_pages);
    let results: Vec<Value> = found
        .into_iter()
        .skip(start)
        .take(limit)
        .map(|o| order_json(&world, o))
        .collect();
    Json(json!({
        "query": q.get("q"),
        "results": results,
        "sort": {"id": sort, "name": if sort == "date_desc" { "Date descending" } else { "Date ascending" }},
        "available_sorts": [{"id": "date_asc", "name": "Date ascending"}, {"id": "date_desc", "name": "Date descending"}],
        "filters": [],
        "paging": {"total": total, "offset": offset, "limit": limit},
        "display": "complete",
    }))
    .into_response()
}

/// `GET /packs/{id}`: the orders of one cart.
pub async fn pack(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let world = lock(&shared);
    let caller = match authenticate(&world, &headers) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    let orders: Vec<&Order> = world
        .orders
        .values()
        .filter(|o| o.pack_id == Some(id))
        .collect();
    let Some(first) = orders.first() else {
        return not_found("pack");
    };
    if first.seller_id != caller && first.buyer_id != caller {
        return api_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "caller is not part of the pack",
        );
    }
    let site = site(&world, first);
    Json(json!({
        "id": id,
        "status": "released",
        "family_pack_id": null,
        "orders": orders.iter().map(|o| json!({"id": o.id})).collect::<Vec<_>>(),
        "shipment": {"id": first.shipping_id},
        "buyer": {"id": first.buyer_id},
        "date_created": world.format_time(first.date_created, &site),
        "last_updated": world.format_time(orders.iter().map(|o| o.last_updated).max().unwrap_or(first.last_updated), &site),
    }))
    .into_response()
}

/// `GET /orders/{id}`.
pub async fn one(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let world = lock(&shared);
    let caller = match authenticate(&world, &headers) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    match id.parse::<i64>().ok().and_then(|id| world.orders.get(&id)) {
        Some(o) if o.seller_id == caller || o.buyer_id == caller => {
            Json(order_json(&world, o)).into_response()
        }
        Some(_) => api_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "caller is not part of the order",
        ),
        None => not_found("order"),
    }
}
