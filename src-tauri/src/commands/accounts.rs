//! Account commands: list, connect through the browser, disconnect, and sync progress.

use mostrador_core::accounts::{AccountSummary, ConnectRequest};
use mostrador_core::error::UiError;
use mostrador_core::store::cursors::ResourceProgress;
use tauri::State;

use super::AppState;

/// Connected accounts.
#[tauri::command]
pub async fn account_list(state: State<'_, AppState>) -> Result<Vec<AccountSummary>, UiError> {
    state
        .me()
        .acting()
        .accounts()
        .list()
        .await
        .map_err(super::log_error)
}

/// Starts connecting an account and opens the authorization page in the system browser.
/// Returns the page's address so the UI can show it when no browser opens.
#[tauri::command]
pub async fn connect_begin(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    request: ConnectRequest,
) -> Result<String, UiError> {
    let me = state.me();
    let url = me
        .acting()
        .accounts()
        .begin_connect(me.core(), request)
        .await
        .map_err(super::log_error)?;
    crate::browser::open(&app, &url);
    Ok(url)
}

/// Finishes connecting from the address the browser landed on.
#[tauri::command]
pub async fn connect_finish(
    state: State<'_, AppState>,
    landed: String,
) -> Result<AccountSummary, UiError> {
    state
        .me()
        .acting()
        .accounts()
        .finish_connect(&landed)
        .await
        .map_err(super::log_error)
}

/// Disconnects an account and forgets its tokens.
#[tauri::command]
pub async fn account_disconnect(
    state: State<'_, AppState>,
    account_id: i64,
) -> Result<(), UiError> {
    state
        .me()
        .acting()
        .accounts()
        .disconnect(account_id)
        .await
        .map_err(super::log_error)
}

/// Each resource's sync progress for an account.
#[tauri::command]
pub async fn sync_progress(
    state: State<'_, AppState>,
    account_id: i64,
) -> Result<Vec<ResourceProgress>, UiError> {
    state
        .me()
        .acting()
        .inbox()
        .sync_progress(account_id)
        .await
        .map_err(super::log_error)
}
