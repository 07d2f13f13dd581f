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
        .me()
        .acting()
        .settings()
        .notifications()
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
        .me()
        .acting()
        .settings()
        .set_notifications(settings)
        .await
        .map_err(super::log_error)
}

/// Pauses notifications for `minutes`.
#[tauri::command]
pub async fn notifications_pause(state: State<'_, AppState>, minutes: u32) -> Result<(), UiError> {
    state
        .me()
        .acting()
        .settings()
        .pause_notifications(minutes)
        .await
        .map_err(super::log_error)
}

/// How the app starts.
#[tauri::command]
pub async fn preferences_get(
    state: State<'_, AppState>,
) -> Result<mostrador_core::preferences::AppPreferences, UiError> {
    state
        .me()
        .acting()
        .settings()
        .preferences()
        .await
        .map_err(super::log_error)
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
    let start_at_login = preferences.start_at_login;
    // The core checks the member first; the login item follows what it stored.
    state
        .me()
        .acting()
        .settings()
        .set_preferences(preferences)
        .await
        .map_err(super::log_error)?;
    let login = app.autolaunch();
    let applied = if start_at_login {
        login.enable()
    } else {
        login.disable()
    };
    // Disabling an absent login item is not an error worth showing.
    if let Err(e) = applied
        && start_at_login
    {
        let err =
            mostrador_core::Error::internal("cannot register the login item", Some(Box::new(e)));
        return Err(super::log_error(err));
    }
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
