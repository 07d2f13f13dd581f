//! HTTP routes, one module per API area, plus the sandbox's own control endpoints.

pub mod blocklist;
pub mod catalog;
pub mod control;
pub mod gate;
pub mod listings;
pub mod oauth;
pub mod orders;
pub mod postsale;
pub mod questions;
pub mod scan;
pub mod visits;

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::http::HeaderMap;
use axum::middleware;
use axum::routing::{delete, get, post};

use crate::api_error::Rejection;
use crate::world::World;

/// Shared state of every handler.
pub type Shared = Arc<Mutex<World>>;

/// Locks the world (a poisoned lock is still usable: the world has no invariants a panic breaks).
pub fn lock(shared: &Shared) -> MutexGuard<'_, World> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// The user id behind the request's bearer token, or the 401 response to send.
pub fn authenticate(world: &World, headers: &HeaderMap) -> Result<i64, Rejection> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .ok_or_else(Rejection::invalid_token)?;
    match world.access.get(token.trim()) {
        Some(grant) if grant.expires_at > world.now() => Ok(grant.user_id),
        _ => Err(Rejection::invalid_token()),
    }
}

/// The full router.
pub fn router(shared: Shared) -> Router {
    Router::new()
        .route("/authorization", get(oauth::authorization_page))
        .route("/oauth/token", post(oauth::token))
        .route("/users/me", get(catalog::me))
        .route("/users", get(catalog::users_multiget))
        .route("/users/{id}", get(catalog::user))
        .route("/users/{id}/items/search", get(listings::search))
        .route(
            "/users/{id}/questions/response_time",
            get(questions::response_time),
        )
        .route(
            "/users/{id}/questions_blacklist",
            get(blocklist::list).post(blocklist::add),
        )
        .route(
            "/users/{id}/questions_blacklist/{buyer}",
            delete(blocklist::remove),
        )
        .route("/items", get(catalog::items_multiget))
        .route("/items/{id}", get(catalog::item).put(listings::update))
        .route("/questions/search", get(questions::search))
        .route(
            "/questions/{id}",
            get(questions::one).delete(questions::delete),
        )
        .route("/answers", post(questions::answer))
        .route("/orders/search", get(orders::search))
        .route("/orders/{id}", get(orders::one))
        .route("/packs/{id}", get(orders::pack))
        .route("/shipments/{id}", get(postsale::shipment))
        .route("/shipments/{id}/sla", get(postsale::sla))
        .route("/shipments/{id}/delays", get(postsale::delays))
        .route("/post-purchase/v1/claims/search", get(postsale::claims))
        .route(
            "/messages/packs/{pack}/sellers/{seller}",
            get(postsale::thread).post(postsale::send),
        )
        .route(
            "/messages/packs/{pack}/sellers/{seller}/conversations/{kind}",
            post(postsale::send_to_agent),
        )
        .route(
            "/messages/attachments",
            post(postsale::upload).layer(axum::extract::DefaultBodyLimit::max(
                postsale::ATTACHMENT_MAX + 1024 * 1024,
            )),
        )
        .route("/messages/unread", get(postsale::unread))
        .route(
            "/messages/action_guide/packs/{pack}",
            get(postsale::action_guide),
        )
        .route(
            "/messages/action_guide/packs/{pack}/option",
            post(postsale::action_guide_send),
        )
        .route("/users/{id}/items_visits", get(visits::user_range))
        .route(
            "/users/{id}/items_visits/time_window",
            get(visits::user_window),
        )
        .route("/items/visits", get(visits::item_range))
        .route("/items/{id}/visits/time_window", get(visits::item_window))
        .route("/_sandbox/authorize", post(control::authorize))
        .route(
            "/_sandbox/questions",
            post(control::inject_question).get(control::questions),
        )
        .route("/_sandbox/answers", get(control::answers))
        .route("/_sandbox/requests", get(control::requests))
        .route(
            "/_sandbox/settings",
            get(control::settings).post(control::set_settings),
        )
        .route("/_sandbox/credentials", get(control::credentials))
        .route("/_sandbox/clock", post(control::advance_clock))
        .route("/_sandbox/revoke", post(control::revoke))
        .route("/_sandbox/writes", get(control::writes))
        .route("/_sandbox/images/{name}", get(control::image))
        .route("/_sandbox/orders", post(control::inject_order))
        .route("/_sandbox/messages", post(control::inject_message))
        .route("/_sandbox/messages/site-reply", post(control::site_reply))
        .route(
            "/_sandbox/conversations/{pack}/block",
            post(control::block_conversation),
        )
        .route(
            "/_sandbox/conversations/{pack}/agent",
            post(control::agent_conversation),
        )
        .route("/_sandbox/claims", post(control::inject_claim))
        .route(
            "/_sandbox/shipments/{id}/delay",
            post(control::delay_shipment),
        )
        .route("/_sandbox/seller", get(control::seller))
        .layer(middleware::from_fn_with_state(shared.clone(), gate::gate))
        .with_state(shared)
}
