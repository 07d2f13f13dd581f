//! Thin `#[tauri::command]`s: one core call each, errors mapped to `{code, message}`.

pub mod accounts;
pub mod conversations;
pub mod inbox;
pub mod notifications;
pub mod replies;

use std::sync::Arc;

use mostrador_core::Core;

/// What commands reach through `State`.
pub struct AppState {
    /// The running core.
    pub core: Arc<Core>,
}

/// Logs a failed command with its full error and maps it to what the UI receives.
pub fn log_error(err: mostrador_core::Error) -> mostrador_core::error::UiError {
    tracing::warn!(error = %err, code = ?err.code(), "command failed");
    err.into()
}
