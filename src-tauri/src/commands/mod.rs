//! Thin `#[tauri::command]`s: one core call each, errors mapped to `{code, message}`.

pub mod inbox;

use std::sync::Arc;

use mostrador_core::Core;

/// What commands reach through `State`.
pub struct AppState {
    /// The running core.
    pub core: Arc<Core>,
}
