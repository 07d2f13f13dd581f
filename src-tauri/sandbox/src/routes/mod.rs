//! HTTP routes, one module per API area, plus the sandbox's own control endpoints.

pub mod catalog;
pub mod control;
pub mod oauth;
pub mod questions;

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};

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

async fn count_requests(State(shared): State<Shared>, req: Request, next: Next) -> Response {
    let key = format!("{} {}", req.method(), req.uri().path());
    lock(&shared).count(key);
    next.run(req).await
}

/// The full router.
pub fn router(shared: Shared) -> Router {
    Router::new()
        .route("/authorization", get(oauth::authorization_page))
        .route("/oauth/token", post(oauth::token))
        .route("/users/me", get(catalog::me))
        .route("/users", get(catalog::users_multiget))
        .route("/users/{id}", get(catalog::user))
        .route("/items", get(catalog::items_multiget))
        .route("/items/{id}", get(catalog::item))
        .route("/questions/search", get(questions::search))
        .route("/questions/{id}", get(questions::one))
        .route("/answers", post(questions::answer))
        .route("/_sandbox/authorize", post(control::authorize))
        .route(
            "/_sandbox/questions",
            post(control::inject_question).get(control::questions),
        )
        .route("/_sandbox/answers", get(control::answers))
        .route("/_sandbox/requests", get(control::requests))
        .route("/_sandbox/faults", post(control::set_faults))
        .route("/_sandbox/seller", get(control::seller))
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            count_requests,
        ))
        .with_state(shared)
}
