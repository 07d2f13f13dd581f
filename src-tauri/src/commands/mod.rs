//! Thin `#[tauri::command]`s: one core call each, errors mapped to `{code, message}`.

pub mod accounts;
pub mod app;
pub mod conversations;
pub mod inbox;
pub mod metrics;
pub mod notifications;
pub mod replies;
pub mod stock;
pub mod team;

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

    /// The core of the active mode with the member at the keyboard: every domain command goes
    /// through `state.me().acting()`, the core's gate.
    pub fn me(&self) -> Me {
        let core = self.core();
        let caller = core.at_keyboard();
        Me { core, caller }
    }
}

/// The active core and who is asking.
pub struct Me {
    core: Arc<Core>,
    caller: mostrador_core::team::Caller,
}

impl Me {
    /// The core's gate for this member.
    pub fn acting(&self) -> mostrador_core::acting::Acting<'_> {
        self.core.acting(&self.caller)
    }

    /// The core itself (lifecycle calls such as connecting, which spawn work holding it).
    pub fn core(&self) -> &Arc<Core> {
        &self.core
    }
}

/// Logs a failed command with its full error and maps it to what the UI receives.
pub fn log_error(err: mostrador_core::Error) -> mostrador_core::error::UiError {
    tracing::warn!(error = %err, code = ?err.code(), "command failed");
    err.into()
}
