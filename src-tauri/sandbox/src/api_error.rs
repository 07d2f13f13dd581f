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

/// An error a helper returns before the handler builds its response (small, unlike `Response`).
#[derive(Debug)]
pub struct Rejection {
    status: StatusCode,
    error: &'static str,
    message: String,
}

impl Rejection {
    /// A rejection with the standard body.
    pub fn new(status: StatusCode, error: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            error,
            message: message.into(),
        }
    }

    /// 401 for a missing, unknown or expired token.
    pub fn invalid_token() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "invalid access token",
        )
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        api_error(self.status, self.error, &self.message)
    }
}
