//! Forwards core events to the window. Events carry ids only; the UI refetches. A subscriber
//! that lagged behind sends one `core://resync` so the UI refetches everything.

use std::sync::Arc;

use mostrador_core::Core;
use tauri::{AppHandle, Emitter};
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

/// Event name for core events.
pub const CORE_EVENT: &str = "core://event";
/// Event name asking the UI to refetch everything.
pub const RESYNC: &str = "core://resync";

/// Spawns the bridge task of one core until `stop` (its mode was replaced); it also keeps the
/// tray's count current.
pub fn bridge(app: AppHandle, core: Arc<Core>, stop: CancellationToken) {
    let mut rx = core.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            let received = tokio::select! {
                () = stop.cancelled() => return,
                r = rx.recv() => r,
            };
            match received {
                Ok(event) => {
                    if let Err(e) = app.emit(CORE_EVENT, &event) {
                        tracing::warn!(error = %e, "could not emit a core event");
                    }
                    crate::tray::refresh(&app, &core).await;
                }
                Err(RecvError::Lagged(n)) => {
                    tracing::debug!(skipped = n, "event bridge lagged");
                    let _ = app.emit(RESYNC, ());
                }
                Err(RecvError::Closed) => return,
            }
        }
    });
}
