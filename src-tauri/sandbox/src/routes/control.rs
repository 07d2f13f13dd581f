//! The sandbox's own control endpoints (`/_sandbox/...`), for tests, benchmarks and demo mode:
//! hand out an authorization code, inject a buyer's question, read the answers received and the
//! request counters, inject faults. They are not part of the Mercado Libre API.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::oauth::issue_code;
use super::questions::question_json;
use super::{Shared, lock};
use crate::CLIENT_ID;
use crate::api_error::api_error;
use crate::world::Faults;

/// Body of `POST /sandbox/authorize`.
#[derive(Debug, Deserialize)]
pub struct AuthorizeRequest {
    /// Where the code will be redeemed; must match on the token request.
    pub redirect_uri: String,
    /// PKCE challenge (S256).
    pub code_challenge: Option<String>,
    /// Which seller consents; the demo seller when absent.
    pub user_id: Option<i64>,
}

/// `POST /sandbox/authorize` → `{"code": "TG-..."}` for the demo seller (or `user_id`), as if
/// they consented.
pub async fn authorize(
    State(shared): State<Shared>,
    Json(req): Json<AuthorizeRequest>,
) -> Response {
    let mut world = lock(&shared);
    let seller = req.user_id.unwrap_or(world.seller_id);
    if !world.seller_ids.contains(&seller) {
        return api_error(
            axum::http::StatusCode::BAD_REQUEST,
            "bad_request",
            "user_id is not a seller of the sandbox",
        );
    }
    let challenge = req.code_challenge.map(|c| (c, "S256".to_owned()));
    let code = issue_code(&mut world, seller, CLIENT_ID, &req.redirect_uri, challenge);
    Json(json!({"code": code})).into_response()
}

/// Body of `POST /sandbox/questions`.
#[derive(Debug, Deserialize)]
pub struct InjectQuestion {
    /// Listing; the first active one when absent.
    pub item_id: Option<String>,
    /// Buyer; the first buyer when absent.
    pub from_id: Option<i64>,
    /// The question.
    pub text: String,
}

/// `POST /sandbox/questions` → the new question (api_version=4 shape).
pub async fn inject_question(
    State(shared): State<Shared>,
    Json(req): Json<InjectQuestion>,
) -> Response {
    let mut world = lock(&shared);
    let item = req.item_id.or_else(|| {
        world
            .items
            .values()
            .find(|i| i.status == "active")
            .map(|i| i.id.clone())
    });
    let from = req.from_id.or_else(|| world.buyer_ids.first().copied());
    let (Some(item), Some(from)) = (item, from) else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "no listing or buyer to ask with",
        );
    };
    let blocked = world.items.get(&item).is_some_and(|i| {
        world
            .blocked
            .get(&i.seller_id)
            .is_some_and(|b| b.contains(&from))
    });
    if blocked {
        return api_error(
            StatusCode::FORBIDDEN,
            "blocked_user",
            "the seller blocked this buyer from asking",
        );
    }
    let now = world.now();
    match world.add_question(&item, from, &req.text, now) {
        Some(id) => {
            let q = world
                .questions
                .get(&id)
                .map(|q| question_json(&world, q, true));
            (StatusCode::CREATED, Json(q)).into_response()
        }
        None => api_error(StatusCode::NOT_FOUND, "not_found", "item not found"),
    }
}

/// `GET /sandbox/answers` → every accepted answer, in order.
pub async fn answers(State(shared): State<Shared>) -> Response {
    Json(lock(&shared).answers.clone()).into_response()
}

/// `GET /sandbox/requests` → `{"GET /questions/search": 12, ...}`.
pub async fn requests(State(shared): State<Shared>) -> Response {
    Json(lock(&shared).requests.clone()).into_response()
}

/// `GET /_sandbox/settings` → the current faults, latency and rate limit.
pub async fn settings(State(shared): State<Shared>) -> Response {
    Json(lock(&shared).faults.clone()).into_response()
}

/// `POST /_sandbox/settings` replaces them (fields left out take their defaults).
pub async fn set_settings(State(shared): State<Shared>, Json(faults): Json<Faults>) -> Response {
    lock(&shared).faults = faults;
    StatusCode::NO_CONTENT.into_response()
}

/// Body of `POST /_sandbox/clock`.
#[derive(Debug, Deserialize)]
pub struct AdvanceClock {
    /// Seconds to move the simulated clock forward (token expiry, time windows).
    pub advance_seconds: i64,
}

/// `POST /_sandbox/revoke` → `{"revoked": n}`: the demo seller withdraws the application's
/// permission (as from Mercado Libre's "connected applications" page): every access and refresh
/// token of theirs stops working, and the next refresh answers `invalid_grant`.
pub async fn revoke(State(shared): State<Shared>) -> Response {
    let mut world = lock(&shared);
    let seller = world.seller_id;
    let before = world.access.len() + world.refresh.len();
    world.access.retain(|_, g| g.user_id != seller);
    world.refresh.retain(|_, (user, _)| *user != seller);
    let revoked = before - world.access.len() - world.refresh.len();
    Json(json!({ "revoked": revoked })).into_response()
}

/// `POST /_sandbox/clock` → `{"now": "..."}` after moving the simulated clock.
pub async fn advance_clock(
    State(shared): State<Shared>,
    Json(req): Json<AdvanceClock>,
) -> Response {
    if req.advance_seconds < 0 {
        return api_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the clock only moves forward",
        );
    }
    let mut world = lock(&shared);
    world.clock_offset += chrono::Duration::seconds(req.advance_seconds);
    Json(json!({"now": world.now().to_rfc3339()})).into_response()
}

/// `GET /_sandbox/images/D_{number}-I.png` → a listing's photo (a PNG drawn from the number),
/// standing in for Mercado Libre's image host.
pub async fn image(Path(name): Path<String>) -> Response {
    match crate::images::listing_photo(&name) {
        Some(png) => ([(axum::http::header::CONTENT_TYPE, "image/png")], png).into_response(),
        None => api_error(StatusCode::NOT_FOUND, "not_found", "no such image"),
    }
}

/// `GET /_sandbox/writes` → every accepted write other than answers (deletions, stock, blocks).
pub async fn writes(State(shared): State<Shared>) -> Response {
    Json(lock(&shared).writes.clone()).into_response()
}

/// `GET /_sandbox/credentials` → the sandbox application and a fresh token pair per seller.
pub async fn credentials(State(shared): State<Shared>) -> Response {
    let mut world = lock(&shared);
    let ids = world.seller_ids.clone();
    let mut sellers = Vec::new();
    for id in ids {
        let (access, refresh) = crate::routes::oauth::issue_tokens(&mut world, id, CLIENT_ID);
        let user = world.users.get(&id).cloned();
        sellers.push(json!({
            "user_id": id,
            "nickname": user.as_ref().map(|u| u.nickname.clone()),
            "site_id": user.as_ref().map(|u| u.site_id.clone()),
            "access_token": access,
            "refresh_token": refresh,
        }));
    }
    Json(json!({
        "client_id": CLIENT_ID,
        "client_secret": crate::CLIENT_SECRET,
        "redirect_uri": crate::REDIRECT_URI,
        "sellers": sellers,
    }))
    .into_response()
}

/// `GET /sandbox/seller` → the demo seller's id and nickname.
pub async fn seller(State(shared): State<Shared>) -> Response {
    let world = lock(&shared);
    let nickname = world
        .users
        .get(&world.seller_id)
        .map(|u| u.nickname.clone());
    Json(json!({"id": world.seller_id, "nickname": nickname})).into_response()
}

/// `GET /sandbox/questions` → `[{"id", "status", "item_id", "text"}]` of every question.
pub async fn questions(State(shared): State<Shared>) -> Response {
    let world = lock(&shared);
    let list: Vec<serde_json::Value> = world
        .questions
        .values()
        .map(|q| json!({"id": q.id, "seller_id": q.seller_id, "status": q.status, "item_id": q.item_id, "text": q.text}))
        .collect();
    Json(list).into_response()
}

/// Body of `POST /_sandbox/orders`.
#[derive(Debug, Deserialize)]
pub struct InjectOrder {
    /// Listing bought; the demo seller's first active listing with stock when absent.
    pub item_id: Option<String>,
    /// Buyer; the first buyer when absent.
    pub buyer_id: Option<i64>,
    /// The buyer does not write with the purchase (otherwise one sale in five comes with a
    /// message, as in the seeded history).
    #[serde(default)]
    pub silent_buyer: bool,
}

/// `POST /_sandbox/orders` → `{"id"}`: a buyer purchases one unit (stock goes down).
pub async fn inject_order(State(shared): State<Shared>, Json(req): Json<InjectOrder>) -> Response {
    let mut world = lock(&shared);
    let seller = world.seller_id;
    let item = req.item_id.or_else(|| {
        world
            .items
            .values()
            .find(|i| i.seller_id == seller && i.status == "active" && i.available_quantity > 0)
            .map(|i| i.id.clone())
    });
    let buyer = req.buyer_id.or_else(|| world.buyer_ids.first().copied());
    match (item, buyer) {
        (Some(item), Some(buyer)) => match crate::activity::place_order(&mut world, &item, buyer) {
            Some(id) => {
                if req.silent_buyer {
                    // A placed order has no pack: its conversation is keyed by its id.
                    world.messages.remove(&id);
                }
                (StatusCode::CREATED, Json(json!({"id": id}))).into_response()
            }
            None => api_error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "the listing is missing or out of stock",
            ),
        },
        _ => api_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "no listing or buyer to buy with",
        ),
    }
}

/// Body of `POST /_sandbox/messages`.
#[derive(Debug, Deserialize)]
pub struct InjectMessage {
    /// Pack id (or order id of an order without pack).
    pub pack_id: i64,
    /// What the buyer writes.
    pub text: String,
}

/// `POST /_sandbox/messages` → `{"id"}`: the pack's buyer writes to the seller.
pub async fn inject_message(
    State(shared): State<Shared>,
    Json(req): Json<InjectMessage>,
) -> Response {
    match crate::activity::buyer_writes(&mut lock(&shared), req.pack_id, &req.text) {
        Some(id) => (StatusCode::CREATED, Json(json!({"id": id}))).into_response(),
        None => api_error(StatusCode::NOT_FOUND, "not_found", "pack not found"),
    }
}

/// `POST /_sandbox/messages/site-reply` → `{"id"}`: the seller answers the pack's buyer on
/// Mercado Libre's site (the buyer's messages read there, the reply in the thread).
pub async fn site_reply(State(shared): State<Shared>, Json(req): Json<InjectMessage>) -> Response {
    match crate::activity::seller_replies_on_site(&mut lock(&shared), req.pack_id, &req.text) {
        Some(id) => (StatusCode::CREATED, Json(json!({"id": id}))).into_response(),
        None => api_error(StatusCode::NOT_FOUND, "not_found", "pack not found"),
    }
}

/// Body of `POST /_sandbox/conversations/{pack}/block`.
#[derive(Debug, Deserialize)]
pub struct BlockConversation {
    /// The reason, as Mercado Libre's `conversation_status.substatus` gives it
    /// (`blocked_by_buyer`, `bloqued_by_mediation`, `blocked_by_fulfillment`); none unblocks.
    pub substatus: Option<String>,
}

/// `POST /_sandbox/conversations/{pack}/block`: the conversation is blocked (or unblocked).
pub async fn block_conversation(
    State(shared): State<Shared>,
    axum::extract::Path(pack): axum::extract::Path<i64>,
    Json(req): Json<BlockConversation>,
) -> Response {
    let mut w = lock(&shared);
    match req.substatus {
        Some(reason) => {
            w.blocked_conversations.insert(pack, reason);
        }
        None => {
            w.blocked_conversations.remove(&pack);
        }
    }
    StatusCode::NO_CONTENT.into_response()
}

/// `POST /_sandbox/conversations/{pack}/agent`: Mercado Libre's AI agent intermediates the
/// conversation from now on (as it does on MLB and MLC from 2026-02).
pub async fn agent_conversation(
    State(shared): State<Shared>,
    axum::extract::Path(pack): axum::extract::Path<i64>,
) -> Response {
    lock(&shared).agent_conversations.insert(pack);
    StatusCode::NO_CONTENT.into_response()
}

/// Body of `POST /_sandbox/claims`.
#[derive(Debug, Deserialize)]
pub struct InjectClaim {
    /// The paid order claimed.
    pub order_id: i64,
}

/// `POST /_sandbox/claims` → `{"id"}`: the buyer opens a claim on a paid order.
pub async fn inject_claim(State(shared): State<Shared>, Json(req): Json<InjectClaim>) -> Response {
    match crate::activity::open_claim(&mut lock(&shared), req.order_id) {
        Some(id) => (StatusCode::CREATED, Json(json!({"id": id}))).into_response(),
        None => api_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "order missing, not paid, or already claimed",
        ),
    }
}

/// `POST /_sandbox/shipments/{id}/delay`: the shipment passes its dispatch deadline.
pub async fn delay_shipment(
    State(shared): State<Shared>,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Response {
    if crate::activity::delay_shipment(&mut lock(&shared), id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        api_error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "unknown, dispatched or cancelled shipment",
        )
    }
}
