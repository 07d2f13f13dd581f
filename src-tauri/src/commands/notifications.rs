//! Notification settings commands.

use mostrador_core::error::UiError;
use mostrador_core::notify::NotificationSettings;
use tauri::State;

use super::AppState;

/// The notification settings.
#[tauri::command]
pub async fn notifications_get(
    state: State<'_, AppState>,
) -> Result<NotificationSettings, UiError> {
    state
        .core
        .notification_settings()
        .await
        .map_err(super::log_error)
}

/// Replaces the notification settings.
#[tauri::command]
pub async fn notifications_set(
    state: State<'_, AppState>,
    settings: NotificationSettings,
) -> Result<(), UiError> {
    state
        .core
        .set_notification_settings(settings)
        .await
        .map_err(super::log_error)
}

/// Pauses notifications for `minutes`.
#[tauri::command]
pub async fn notifications_pause(state: State<'_, AppState>, minutes: u32) -> Result<(), UiError> {
    state
        .core
        .pause_notifications(minutes)
        .await
        .map_err(super::log_error)
}

/// Connected accounts (for per-account switches).
#[tauri::command]
pub async fn account_list(
    state: State<'_, AppState>,
) -> Result<Vec<mostrador_core::accounts::AccountSummary>, UiError> {
    state
        .core
        .account_summaries()
        .await
        .map_err(super::log_error)
}
