//! Visits: `/users/{id}/items_visits`, `/users/{id}/items_visits/time_window`, `/items/visits`
//! (exactly one item per call) and `/items/{id}/visits/time_window`. Ranges of at most 150 days,
//! `unit=day` only, and the last two days have no data yet (Mercado Libre's ~48 h lag).
//! Daily counts are a deterministic function of the listing and the day.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};

use super::{Shared, lock};
use crate::api_error::{Rejection, not_found};
use crate::world::World;

/// Longest range, in days.
pub const MAX_DAYS: i64 = 150;

/// Unique visits of `item` on `day` (0 within the 48 h lag).
pub fn daily(world: &World, item: &str, day: NaiveDate) -> u64 {
    let today = world.now().date_naive();
    if day > today - Duration::days(2) {
        return 0;
    }
    let popularity = world
        .items
        .get(item)
        .map(|i| 3 + i.sold_quantity as u64 / 8)
        .unwrap_or(0);
    let mut h = DefaultHasher::new();
    (item, day).hash(&mut h);
    h.finish() % (popularity + 1)
}

fn bad(message: &str) -> Rejection {
    Rejection::new(StatusCode::BAD_REQUEST, "validation_parameters", message)
}

fn range(q: &HashMap<String, String>) -> Result<(NaiveDate, NaiveDate), Rejection> {
    let parse = |k: &str| {
        q.get(k)
            .and_then(|d| NaiveDate::parse_from_str(d.get(..10).unwrap_or(d), "%Y-%m-%d").ok())
            .ok_or_else(|| bad(&format!("{k} is required (YYYY-MM-DD)")))
    };
    let (from, to) = (parse("date_from")?, parse("date_to")?);
    if to < from || (to - from).num_days() > MAX_DAYS {
        return Err(bad("the range must be at most 150 days"));
    }
    Ok((from, to))
}

fn window(world: &World, q: &HashMap<String, String>) -> Result<(Vec<NaiveDate>, i64), Rejection> {
    if q.get("unit").map(String::as_str) != Some("day") {
        return Err(bad("unit must be day"));
    }
    let last: i64 = q
        .get("last")
        .and_then(|l| l.parse().ok())
        .ok_or_else(|| bad("last is required"))?;
    if !(1..=MAX_DAYS).contains(&last) {
        return Err(bad("last must be between 1 and 150"));
    }
    let ending = match q.get("ending") {
        Some(e) => NaiveDate::parse_from_str(e, "%Y-%m-%d")
            .map_err(|_| bad("ending must be YYYY-MM-DD"))?,
        None => world.now().date_naive(),
    };
    Ok((
        (0..last)
            .rev()
            .map(|d| ending - Duration::days(d))
            .collect(),
        last,
    ))
}

fn seller_items(world: &World, user: i64) -> Vec<String> {
    world
        .items
        .values()
        .filter(|i| i.seller_id == user)
        .map(|i| i.id.clone())
        .collect()
}

fn detail(total: u64) -> Value {
    json!([{"company": "mercadolibre", "quantity": total}])
}

/// `GET /users/{id}/items_visits?date_from=&date_to=`.
pub async fn user_range(
    State(shared): State<Shared>,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let world = lock(&shared);
    let (from, to) = match range(&q) {
        Ok(r) => r,
        Err(r) => return r.into_response(),
    };
    let items = seller_items(&world, id);
    let total: u64 = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|d| items.iter().map(|i| daily(&world, i, d)).sum::<u64>())
        .sum();
    Json(json!({"user_id": id, "date_from": from.to_string(), "date_to": to.to_string(), "total_visits": total, "visits_detail": detail(total)})).into_response()
}

/// `GET /users/{id}/items_visits/time_window?last=&unit=day[&ending=]`.
pub async fn user_window(
    State(shared): State<Shared>,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let world = lock(&shared);
    let (days, last) = match window(&world, &q) {
        Ok(w) => w,
        Err(r) => return r.into_response(),
    };
    let items = seller_items(&world, id);
    let results: Vec<(NaiveDate, u64)> = days
        .iter()
        .map(|d| (*d, items.iter().map(|i| daily(&world, i, *d)).sum()))
        .collect();
    series(json!({"user_id": id}), &results, last)
}

fn series(mut head: Value, results: &[(NaiveDate, u64)], last: i64) -> Response {
    let total: u64 = results.iter().map(|r| r.1).sum();
    if let Some(map) = head.as_object_mut() {
        map.insert(
            "date_from".into(),
            json!(results.first().map(|r| r.0.to_string())),
        );
        map.insert(
            "date_to".into(),
            json!(results.last().map(|r| r.0.to_string())),
        );
        map.insert("total_visits".into(), json!(total));
        map.insert("last".into(), json!(last));
        map.insert("unit".into(), json!("day"));
        map.insert(
            "results".into(),
            json!(results.iter().map(|(d, n)| json!({"date": format!("{d}T00:00:00Z"), "total": n, "visits_detail": detail(*n)})).collect::<Vec<_>>()),
        );
    }
    Json(head).into_response()
}

/// `GET /items/visits?ids=ONE&date_from=&date_to=`.
pub async fn item_range(
    State(shared): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let world = lock(&shared);
    let ids: Vec<&str> = q
        .get("ids")
        .map(|s| s.split(',').filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    if ids.len() != 1 {
        return bad("maximum amount of items to query is 1").into_response();
    }
    let item = ids[0];
    if !world.items.contains_key(item) {
        return not_found("item");
    }
    let (from, to) = match range(&q) {
        Ok(r) => r,
        Err(r) => return r.into_response(),
    };
    let total: u64 = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|d| daily(&world, item, d))
        .sum();
    Json(json!([{"item_id": item, "date_from": from.to_string(), "date_to": to.to_string(), "total_visits": total, "visits_detail": detail(total)}])).into_response()
}

/// `GET /items/{id}/visits/time_window?last=&unit=day[&ending=]`.
pub async fn item_window(
    State(shared): State<Shared>,
    Path(item): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let world = lock(&shared);
    if !world.items.contains_key(&item) {
        return not_found("item");
    }
    let (days, last) = match window(&world, &q) {
        Ok(w) => w,
        Err(r) => return r.into_response(),
    };
    let results: Vec<(NaiveDate, u64)> = days
        .iter()
        .map(|d| (*d, daily(&world, &item, *d)))
        .collect();
    series(json!({"item_id": item}), &results, last)
}
