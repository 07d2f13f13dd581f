//! Mercado Libre's standard error body: `{"message", "error", "status", "cause": []}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Builds an error response with the API's standard body.
pub fn api_error(status: StatusCode, error: &str, message: &str) -> Response {
    let body = serde_json::json!({
        "message": message,
        "error": error,
        "status": status.as_u16(),
        "cause": [],
    });
    (status, Json(body)).into_response()
}

/// 401 for a missing, unknown or expired token.
pub fn invalid_token() -> Response {
    api_error(
        StatusCode::UNAUTHORIZED,
        "invalid_token",
        "invalid access token",
    )
}

/// 404 for an unknown resource.
pub fn not_found(what: &str) -> Response {
    api_error(
        StatusCode::NOT_FOUND,
        "not_found",
        &format!("{what} not found"),
    )
}
