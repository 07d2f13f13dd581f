//! Opens an address in the user's default browser through Tauri's opener plugin (each
//! platform's own launcher, with the address passed as one argument).

use tauri::AppHandle;
use tauri_plugin_opener::OpenerExt;

/// Opens `url` without waiting for the browser; a failure is logged (the UI also shows the
/// address, so the user can open it by hand).
pub fn open(app: &AppHandle, url: &str) {
    tracing::info!(url, "opening in the system browser");
    if let Err(e) = app.opener().open_url(url, None::<&str>) {
        tracing::warn!(error = %e, "could not open the system browser");
    }
}
