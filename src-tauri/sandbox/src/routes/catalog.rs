//! Users and items: `/users/me`, `/users/{id}`, `/users?ids=`, `/items?ids=` (multiget of at
//! most 20, verbose `[{code, body}]`, `attributes=` selection) and `/items/{id}`.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Shared, authenticate, lock};
use crate::api_error::{Rejection, not_found};
use crate::world::{Item, User, World};

/// Most ids a multiget accepts.
pub const MULTIGET_MAX: usize = 20;

fn user_json(world: &World, u: &User) -> Value {
    let seller = world.seller_ids.contains(&u.id);
    let mut v = json!({
        "id": u.id,
        "nickname": u.nickname,
        "site_id": u.site_id,
        "country_id": match u.site_id.as_str() { "MLB" => "BR", "MLM" => "MX", _ => "AR" },
        "user_type": "normal",
        "permalink": format!("http://perfil.mercadolibre.com.ar/{}", u.nickname),
        "tags": if seller { json!(["normal", "user_info_verified"]) } else { json!(["normal"]) },
    });
    if seller && let Some(map) = v.as_object_mut() {
        map.insert(
            "seller_reputation".into(),
            crate::reputation::seller_reputation(world, u.id, &u.site_id),
        );
    }
    v
}

/// A price as the API sends it: a JSON number, integral when it has no cents.
pub fn price(cents: i64) -> Value {
    if cents % 100 == 0 {
        json!(cents / 100)
    } else {
        json!(cents as f64 / 100.0)
    }
}

/// An item in the API's shape.
pub fn item_json(world: &World, i: &Item) -> Value {
    let slug: String = i
        .title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let site = &i.id[..3];
    let number = &i.id[3..];
    json!({
        "id": i.id,
        "site_id": site,
        "title": i.title,
        "seller_id": i.seller_id,
        "category_id": format!("{site}1234"),
        "price": price(i.price_cents),
        "base_price": price(i.price_cents),
        "original_price": null,
        "currency_id": i.currency_id,
        "initial_quantity": i.available_quantity + i.sold_quantity,
        "available_quantity": i.available_quantity,
        "sold_quantity": i.sold_quantity,
        "buying_mode": "buy_it_now",
        "listing_type_id": "gold_special",
        "condition": "new",
        "permalink": format!("https://articulo.mercadolibre.com.ar/{site}-{number}-{slug}-_JM"),
        "thumbnail": match &world.image_base {
            Some(base) => format!("{base}/D_{number}-I.png"),
            None => format!("http://http2.mlstatic.com/D_{number}-I.jpg"),
        },
        "secure_thumbnail": match &world.image_base {
            Some(base) => format!("{base}/D_{number}-I.png"),
            None => format!("https://http2.mlstatic.com/D_{number}-I.jpg"),
        },
        "pictures": [],
        "status": i.status,
        "sub_status": i.sub_status,
        "seller_custom_field": i.sku,
        "catalog_listing": i.catalog_listing,
        "shipping": {"mode": "me2", "logistic_type": i.logistic_type, "free_shipping": false},
        "tags": [],
        "variations": i.variations.iter().map(|v| json!({
            "id": v.id,
            "price": price(i.price_cents),
            "available_quantity": v.available_quantity,
            "sold_quantity": v.sold_quantity,
            "attribute_combinations": v.attributes.iter().map(|(name, value)| json!({
                "id": name.to_uppercase(), "name": name, "value_id": null, "value_name": value,
            })).collect::<Vec<_>>(),
            "picture_ids": [],
            "seller_custom_field": v.sku,
        })).collect::<Vec<_>>(),
        "date_created": world.format_time(world.now() - chrono::Duration::days(200), site),
        "last_updated": world.format_time(world.now(), site),
    })
}

/// `GET /users/me`.
pub async fn me(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    let world = lock(&shared);
    let user_id = match authenticate(&world, &headers) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    match world.users.get(&user_id) {
        Some(u) => Json(user_json(&world, u)).into_response(),
        None => not_found("user"),
    }
}

/// `GET /users/{id}`.
pub async fn user(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    let world = lock(&shared);
    match id.parse::<i64>().ok().and_then(|id| world.users.get(&id)) {
        Some(u) => Json(user_json(&world, u)).into_response(),
        None => not_found("user"),
    }
}

fn ids_param(q: &HashMap<String, String>) -> Result<Vec<String>, Rejection> {
    let ids: Vec<String> = q
        .get("ids")
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if ids.is_empty() {
        return Err(Rejection::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "ids is required",
        ));
    }
    if ids.len() > MULTIGET_MAX {
        return Err(Rejection::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("The maximum number of ids is {MULTIGET_MAX}"),
        ));
    }
    Ok(ids)
}

fn missing_entry(what: &str, id: &str) -> Value {
    json!({"code": 404, "body": {"message": format!("{what} with id {id} not found"), "error": "not_found", "status": 404, "cause": []}})
}

/// The verbose multiget body: `[{"code": 200, "body": …}]`, a 404 entry for unknown ids.
fn multiget(ids: &[String], what: &str, body: impl Fn(&str) -> Option<Value>) -> Response {
    let out: Vec<Value> = ids
        .iter()
        .map(|id| match body(id) {
            Some(b) => json!({"code": 200, "body": b}),
            None => missing_entry(what, id),
        })
        .collect();
    Json(out).into_response()
}

/// `GET /users?ids=`.
pub async fn users_multiget(
    State(shared): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let ids = match ids_param(&q) {
        Ok(ids) => ids,
        Err(r) => return r.into_response(),
    };
    let world = lock(&shared);
    multiget(&ids, "user", |id| {
        let user = world.users.get(&id.parse::<i64>().ok()?)?;
        Some(user_json(&world, user))
    })
}

fn select(mut body: Value, attributes: Option<&String>) -> Value {
    if let (Some(attrs), Some(map)) = (attributes, body.as_object_mut()) {
        let keep: Vec<&str> = attrs.split(',').map(str::trim).collect();
        map.retain(|k, _| keep.contains(&k.as_str()));
    }
    body
}

/// `GET /items?ids=&attributes=`.
pub async fn items_multiget(
    State(shared): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let ids = match ids_param(&q) {
        Ok(ids) => ids,
        Err(r) => return r.into_response(),
    };
    let world = lock(&shared);
    multiget(&ids, "item", |id| {
        let item = world.items.get(id)?;
        Some(select(item_json(&world, item), q.get("attributes")))
    })
}

/// `GET /items/{id}`.
pub async fn item(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    let world = lock(&shared);
    match world.items.get(&id) {
        Some(i) => Json(item_json(&world, i)).into_response(),
        None => not_found("item"),
    }
}
