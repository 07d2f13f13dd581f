//! A seller's listings: `GET /users/{id}/items/search` (ids only; `status`, `sku`/`seller_sku`
//! filters; offset paging or scan) and `PUT /items/{id}` for stock, per listing or per variation.
//! Stock 0 pauses a listing as `out_of_stock`; stock above 0 reactivates it. Configured conflicts
//! answer 409 like Mercado Libre's optimistic locking.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Shared, authenticate, catalog, lock, scan};
use crate::api_error::{api_error, not_found};
use crate::world::{World, Write};

fn matching(world: &World, seller: i64, q: &HashMap<String, String>) -> Vec<String> {
    let status = q.get("status");
    let sku = q.get("seller_sku").or_else(|| q.get("sku"));
    world
        .items
        .values()
        .filter(|i| i.seller_id == seller)
        .filter(|i| status.is_none_or(|s| &i.status == s))
        .filter(|i| {
            sku.is_none_or(|s| {
                i.sku.as_ref() == Some(s) || i.variations.iter().any(|v| v.sku.as_ref() == Some(s))
            })
        })
        .map(|i| i.id.clone())
        .collect()
}

/// `GET /users/{id}/items/search`.
pub async fn search(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut world = lock(&shared);
    let caller = match authenticate(&world, &headers) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    let Some(seller) = id.parse::<i64>().ok().filter(|s| *s == caller) else {
        return api_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "caller is not the seller",
        );
    };
    if scan::is_scan(&q) {
        let page = match scan::page(&mut world, &q, |w| matching(w, seller, &q)) {
            Ok(p) => p,
            Err(r) => return r.into_response(),
        };
        return Json(json!({
            "seller_id": seller.to_string(),
            "results": page.ids,
            "scroll_id": page.scroll_id,
            "paging": {"limit": page.ids.len(), "total": page.total},
        }))
        .into_response();
    }
    let limit = match scan::limit(&q) {
        Ok(l) => l,
        Err(r) => return r.into_response(),
    };
    let offset: usize = q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    if offset + limit > 1000 {
        return api_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "offset + limit exceed 1000; use search_type=scan",
        );
    }
    let ids = matching(&world, seller, &q);
    let page: Vec<&String> = ids.iter().skip(offset).take(limit).collect();
    Json(json!({
        "seller_id": seller.to_string(),
        "query": null,
        "paging": {"limit": limit, "offset": offset, "total": ids.len()},
        "results": page,
        "orders": [{"id": "stop_time_asc", "name": "Order by stop time asc"}],
        "available_orders": [{"id": "start_time_desc", "name": "Order by start time desc"}],
    }))
    .into_response()
}

/// `PUT /items/{id}` with `{"available_quantity": n}` or
/// `{"variations": [{"id": v, "available_quantity": n}]}`.
pub async fn update(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let mut guard = lock(&shared);
    let world = &mut *guard;
    let caller = match authenticate(world, &headers) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return api_error(StatusCode::BAD_REQUEST, "invalid_post_body", "Invalid JSON");
    };
    if world.faults.item_conflicts > 0 {
        world.faults.item_conflicts -= 1;
        return api_error(
            StatusCode::CONFLICT,
            "conflict",
            "item optimistic locking error, retry in a few seconds",
        );
    }
    let Some(item) = world.items.get_mut(&id) else {
        return not_found("item");
    };
    if item.seller_id != caller {
        return api_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "caller is not the seller",
        );
    }
    // Pausing or reactivating.
    if let Some(status) = body.get("status").and_then(Value::as_str) {
        if item.status == "closed" || item.status == "under_review" {
            return api_error(
                StatusCode::BAD_REQUEST,
                "item.status.not_modifiable",
                &format!("the item is {}", item.status),
            );
        }
        match status {
            "paused" => {
                item.status = "paused".into();
                if !item.sub_status.iter().any(|s| s == "out_of_stock") {
                    item.sub_status = Vec::new();
                }
            }
            "active" if item.available_quantity > 0 => {
                item.status = "active".into();
                item.sub_status.clear();
            }
            "active" => {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    "item.status.invalid",
                    "an item without stock cannot be activated",
                );
            }
            other => {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    "item.status.invalid",
                    &format!("status {other} cannot be set"),
                );
            }
        }
        item.version += 1;
        let item_id = item.id.clone();
        world.writes.push(Write::ItemStatus {
            item_id: item_id.clone(),
            status: status.to_owned(),
        });
        return match world.items.get(&item_id) {
            Some(item) => Json(catalog::item_json(world, item)).into_response(),
            None => not_found("item"),
        };
    }
    let touches_stock = body.get("available_quantity").is_some()
        || body
            .get("variations")
            .and_then(Value::as_array)
            .is_some_and(|l| l.iter().any(|v| v.get("available_quantity").is_some()));
    if touches_stock && item.logistic_type == "fulfillment" {
        return api_error(
            StatusCode::BAD_REQUEST,
            "item.available_quantity.not_modifiable",
            "Available quantity is not modifiable in fulfillment items",
        );
    }
    if body.get("variations").is_some() && item.catalog_listing {
        return api_error(
            StatusCode::BAD_REQUEST,
            "variations.not_updatable",
            "Variations of catalog listings cannot be updated",
        );
    }
    let mut changes = Vec::new();
    if let Some(list) = body.get("variations").and_then(Value::as_array) {
        let mut sent = Vec::new();
        for v in list {
            let Some(vid) = v.get("id").and_then(Value::as_i64) else {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    "validation_error",
                    "each variation needs its id",
                );
            };
            sent.push(vid);
            if !item.variations.iter().any(|x| x.id == vid) {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    "validation_error",
                    &format!("variation {vid} does not belong to the item"),
                );
            }
        }
        // As Mercado Libre does: a variation whose id is not sent is deleted.
        let before = item.variations.len();
        item.variations.retain(|x| sent.contains(&x.id));
        if item.variations.len() < before {
            tracing::warn!(item = %item.id, dropped = before - item.variations.len(), "variations omitted from a PUT were deleted");
        }
        for v in list {
            let vid = v.get("id").and_then(Value::as_i64).unwrap_or_default();
            let Some(qty) = v.get("available_quantity").and_then(Value::as_i64) else {
                continue;
            };
            let Some(var) = item.variations.iter_mut().find(|x| x.id == vid) else {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    "validation_error",
                    &format!("variation {vid} does not belong to the item"),
                );
            };
            if qty < 0 {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    "validation_error",
                    "available_quantity must be >= 0",
                );
            }
            var.available_quantity = qty;
            changes.push((Some(vid), qty));
        }
        item.available_quantity = item.variations.iter().map(|v| v.available_quantity).sum();
    } else if let Some(qty) = body.get("available_quantity").and_then(Value::as_i64) {
        if qty < 0 {
            return api_error(
                StatusCode::BAD_REQUEST,
                "validation_error",
                "available_quantity must be >= 0",
            );
        }
        if !item.variations.is_empty() {
            return api_error(
                StatusCode::BAD_REQUEST,
                "validation_error",
                "the item has variations; update each variation",
            );
        }
        item.available_quantity = qty;
        changes.push((None, qty));
    } else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "validation_error",
            "nothing to update (available_quantity or variations)",
        );
    }
    if item.available_quantity == 0 && item.status == "active" {
        item.status = "paused".into();
        item.sub_status = vec!["out_of_stock".into()];
    } else if item.available_quantity > 0 && item.sub_status.iter().any(|s| s == "out_of_stock") {
        item.status = "active".into();
        item.sub_status.clear();
    }
    item.version += 1;
    let item_id = item.id.clone();
    for (variation_id, available_quantity) in changes {
        world.writes.push(Write::Stock {
            item_id: item_id.clone(),
            variation_id,
            available_quantity,
        });
    }
    match world.items.get(&item_id) {
        Some(item) => Json(catalog::item_json(world, item)).into_response(),
        None => not_found("item"),
    }
}
