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
        .core()
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
        .core()
        .set_notification_settings(settings)
        .await
        .map_err(super::log_error)
}

/// Pauses notifications for `minutes`.
#[tauri::command]
pub async fn notifications_pause(state: State<'_, AppState>, minutes: u32) -> Result<(), UiError> {
    state
        .core()
        .pause_notifications(minutes)
        .await
        .map_err(super::log_error)
}

/// How the app starts.
#[tauri::command]
pub async fn preferences_get(
    state: State<'_, AppState>,
) -> Result<mostrador_core::preferences::AppPreferences, UiError> {
    state.core().preferences().await.map_err(super::log_error)
}

/// Stores the app preferences, registers or removes the OS login item to match, and rewrites
/// the tray in the chosen language.
#[tauri::command]
pub async fn preferences_set(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    preferences: mostrador_core::preferences::AppPreferences,
) -> Result<(), UiError> {
    use tauri_plugin_autostart::ManagerExt;
    let login = app.autolaunch();
    let applied = if preferences.start_at_login {
        login.enable()
    } else {
        login.disable()
    };
    if let Err(e) = applied {
        // Disabling an absent login item is not an error worth showing.
        if preferences.start_at_login {
            let err =
                mostrador_core::Error::Internal(format!("cannot register the login item: {e}"));
            return Err(super::log_error(err));
        }
    }
    state
        .core()
        .set_preferences(preferences)
        .await
        .map_err(super::log_error)?;
    crate::tray::relabel(&app, &state.core()).await;
    Ok(())
}

/// What the tray shows right now (count, age of the oldest question, tooltip).
#[tauri::command]
pub async fn tray_status(
    shown: State<'_, crate::tray::Shown>,
) -> Result<Option<mostrador_core::badge::TrayStatus>, UiError> {
    Ok(shown.0.lock().unwrap_or_else(|e| e.into_inner()).clone())
}
