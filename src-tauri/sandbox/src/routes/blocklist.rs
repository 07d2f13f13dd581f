//! Buyers a seller blocked from asking: `GET/POST /users/{seller}/questions_blacklist`,
//! `DELETE /users/{seller}/questions_blacklist/{buyer}`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Shared, authenticate, lock};
use crate::api_error::{Rejection, api_error};
use crate::world::Write;

fn owner(world: &crate::world::World, headers: &HeaderMap, seller: &str) -> Result<i64, Rejection> {
    let caller = authenticate(world, headers)?;
    match seller.parse::<i64>() {
        Ok(id) if id == caller => Ok(id),
        _ => Err(Rejection::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "caller is not the seller",
        )),
    }
}

/// `GET /users/{seller}/questions_blacklist` → `{"users": [{"id": ..}]}`.
pub async fn list(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(seller): Path<String>,
) -> Response {
    let world = lock(&shared);
    let seller = match owner(&world, &headers, &seller) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    let users: Vec<Value> = world
        .blocked
        .get(&seller)
        .map(|b| b.iter().map(|id| json!({"id": id})).collect())
        .unwrap_or_default();
    Json(json!({ "users": users })).into_response()
}

/// `POST /users/{seller}/questions_blacklist` with `{"user_id": ..}`.
pub async fn add(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(seller): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let mut world = lock(&shared);
    let seller = match owner(&world, &headers, &seller) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    let user = serde_json::from_slice::<Value>(&body).ok().and_then(|v| {
        v.get("user_id")
            .and_then(|u| u.as_i64().or_else(|| u.as_str()?.parse().ok()))
    });
    let Some(buyer) = user.filter(|u| world.users.contains_key(u)) else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "user_id must be an existing user id",
        );
    };
    world.blocked.entry(seller).or_default().insert(buyer);
    world.writes.push(Write::BuyerBlocked {
        seller_id: seller,
        buyer_id: buyer,
    });
    (
        StatusCode::OK,
        Json(json!({"user_id": buyer, "status": "blocked"})),
    )
        .into_response()
}

/// `DELETE /users/{seller}/questions_blacklist/{buyer}`.
pub async fn remove(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path((seller, buyer)): Path<(String, String)>,
) -> Response {
    let mut world = lock(&shared);
    let seller = match owner(&world, &headers, &seller) {
        Ok(id) => id,
        Err(r) => return r.into_response(),
    };
    let removed = buyer.parse::<i64>().ok().is_some_and(|b| {
        world
            .blocked
            .get_mut(&seller)
            .is_some_and(|set| set.remove(&b))
    });
    if removed {
        StatusCode::OK.into_response()
    } else {
        api_error(StatusCode::NOT_FOUND, "not_found", "user is not blocked")
    }
}
