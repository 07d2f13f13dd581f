//! Thin `#[tauri::command]`s: one core call each, errors mapped to `{code, message}`.

pub mod accounts;
pub mod app;
pub mod conversations;
pub mod inbox;
pub mod notifications;
pub mod replies;

use std::sync::Arc;

use mostrador_core::Core;

use crate::mode::Modes;

/// What commands reach through `State`.
pub struct AppState {
    /// The demo or the real accounts, whichever is active.
    pub modes: Modes,
}

impl AppState {
    /// The core of the active mode.
    pub fn core(&self) -> Arc<Core> {
        self.modes.core()
    }
}

/// Logs a failed command with its full error and maps it to what the UI receives.
pub fn log_error(err: mostrador_core::Error) -> mostrador_core::error::UiError {
    tracing::warn!(error = %err, code = ?err.code(), "command failed");
    err.into()
}
