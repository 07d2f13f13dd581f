//! OAuth 2.0: the consent page (`GET /authorization`) and the token endpoint (`POST /oauth/token`)
//! with authorization_code (+ optional PKCE S256/plain) and single-use rotating refresh tokens.

use std::collections::HashMap;

use axum::Form;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use chrono::Duration;
use sha2::{Digest, Sha256};

use super::{Shared, lock};
use crate::api_error::api_error;
use crate::world::{ACCESS_TOKEN_SECONDS, AccessGrant, CodeGrant, World};
use crate::{CLIENT_ID, CLIENT_SECRET};

fn invalid_grant() -> Response {
    api_error(
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "Error validating grant. Your authorization code or refresh token may be expired or it was already used",
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Issues an authorization code for `user_id` (used by the consent page and the control API).
pub fn issue_code(
    world: &mut World,
    user_id: i64,
    client_id: &str,
    redirect_uri: &str,
    challenge: Option<(String, String)>,
) -> String {
    let code = world.token("TG", user_id);
    world.codes.insert(
        code.clone(),
        CodeGrant {
            user_id,
            client_id: client_id.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            challenge,
        },
    );
    code
}

/// `GET /authorization`: a consent page whose button redirects to `redirect_uri?code=&state=`.
pub async fn authorization_page(
    State(shared): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (Some(client_id), Some(redirect_uri)) = (q.get("client_id"), q.get("redirect_uri")) else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_id and redirect_uri are required",
        );
    };
    if q.get("response_type").map(String::as_str) != Some("code") {
        return api_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "response_type must be code",
        );
    }
    let challenge = q.get("code_challenge").map(|c| {
        let method = q
            .get("code_challenge_method")
            .cloned()
            .unwrap_or_else(|| "plain".into());
        (c.clone(), method)
    });
    let mut world = lock(&shared);
    let seller = world.seller_id;
    let nickname = world
        .users
        .get(&seller)
        .map(|u| u.nickname.clone())
        .unwrap_or_default();
    let code = issue_code(&mut world, seller, client_id, redirect_uri, challenge);
    let mut target = format!("{redirect_uri}?code={code}");
    if let Some(state) = q.get("state") {
        target.push_str("&state=");
        target.push_str(&percent_encode(state));
    }
    Html(format!(
        "<!doctype html><meta charset=utf-8><title>Autorizar aplicación</title>\
         <h1>Mercado Libre (sandbox)</h1><p>La aplicación <b>{}</b> quiere acceder a la cuenta \
         <b>{}</b>.</p><p><a id=allow href=\"{}\">Permitir</a></p>",
        escape(client_id),
        escape(&nickname),
        escape(&target)
    ))
    .into_response()
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn pkce_ok(challenge: &Option<(String, String)>, verifier: Option<&String>) -> bool {
    match (challenge, verifier) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some((c, method)), Some(v)) => {
            if method.eq_ignore_ascii_case("S256") {
                let digest = Sha256::digest(v.as_bytes());
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == *c
            } else {
                v == c
            }
        }
    }
}

/// Issues an access token and the (only valid) refresh token of `user_id` for `client_id`.
pub fn issue_tokens(world: &mut World, user_id: i64, client_id: &str) -> (String, String) {
    let access = world.token("APP_USR", user_id);
    let refresh = world.token("TG", user_id);
    let expires_at = world.now() + Duration::seconds(ACCESS_TOKEN_SECONDS);
    world.access.insert(
        access.clone(),
        AccessGrant {
            user_id,
            expires_at,
        },
    );
    // Only the latest refresh token of a (user, client) pair is valid.
    world
        .refresh
        .retain(|_, (u, c)| !(*u == user_id && c == client_id));
    world
        .refresh
        .insert(refresh.clone(), (user_id, client_id.to_owned()));
    (access, refresh)
}

fn grant_tokens(world: &mut World, user_id: i64, client_id: &str) -> Response {
    let (access, refresh) = issue_tokens(world, user_id, client_id);
    Json(serde_json::json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_SECONDS,
        "scope": "offline_access read write",
        "user_id": user_id,
        "refresh_token": refresh,
    }))
    .into_response()
}

/// `POST /oauth/token` (form-encoded).
pub async fn token(
    State(shared): State<Shared>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let mut world = lock(&shared);
    let client_id = form
        .get("client_id")
        .map(String::as_str)
        .unwrap_or_default();
    let secret = form
        .get("client_secret")
        .map(String::as_str)
        .unwrap_or_default();
    if client_id != CLIENT_ID || secret != CLIENT_SECRET {
        return api_error(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "invalid client_id or client_secret",
        );
    }
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let Some(code) = form.get("code") else {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "code is required",
                );
            };
            // A code is single-use whatever happens next.
            let Some(grant) = world.codes.remove(code) else {
                return invalid_grant();
            };
            if grant.client_id != client_id || form.get("redirect_uri") != Some(&grant.redirect_uri)
            {
                return invalid_grant();
            }
            if !pkce_ok(&grant.challenge, form.get("code_verifier")) {
                return invalid_grant();
            }
            grant_tokens(&mut world, grant.user_id, client_id)
        }
        Some("refresh_token") => {
            let Some(token) = form.get("refresh_token") else {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "refresh_token is required",
                );
            };
            match world.refresh.remove(token) {
                Some((user_id, client)) if client == client_id => {
                    grant_tokens(&mut world, user_id, client_id)
                }
                _ => invalid_grant(),
            }
        }
        _ => api_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be authorization_code or refresh_token",
        ),
    }
}
