//! The app's mode (demo or the seller's own accounts, the welcome screen) and the system
//! browser, which opens only Mercado Libre's pages.

use mostrador_core::applications::ApplicationInfo;
use mostrador_core::error::UiError;
use mostrador_core::launch::{AppMode, Mode};
use mostrador_core::team::Permission;
use tauri::{AppHandle, Manager, State};

use super::AppState;

/// The mode the app runs in, and whether the welcome screen comes first.
#[tauri::command]
pub fn app_mode(state: State<'_, AppState>) -> AppMode {
    state.modes.describe()
}

/// The seller's choice (welcome screen, demo banner, settings): remembered, and switched to
/// without a restart.
#[tauri::command]
pub async fn app_mode_set(
    app: AppHandle,
    state: State<'_, AppState>,
    mode: Mode,
) -> Result<AppMode, UiError> {
    // Which shop the app shows is the owner's choice.
    state
        .me()
        .acting()
        .require(Permission::Settings)
        .map_err(super::log_error)?;
    state.modes.choose(&app, mode).await.map_err(|e| {
        tracing::error!(error = %format!("{e:#}"), ?mode, "could not switch mode");
        UiError::from(mostrador_core::Error::internal(format!("{e:#}"), None))
    })
}

/// Opens a Mercado Libre page (a listing's permalink, the developers' site) in the system
/// browser. Anything else is refused: addresses come from data a third party wrote.
#[tauri::command]
pub fn link_open(app: AppHandle, state: State<'_, AppState>, url: String) -> Result<(), UiError> {
    state
        .me()
        .acting()
        .require(Permission::ReadInbox)
        .map_err(super::log_error)?;
    let page = mostrador_core::links::marketplace_page(&url).map_err(super::log_error)?;
    crate::browser::open(&app, page.as_str());
    Ok(())
}

/// The application remembered for a site (no secret), to prefill the connect form.
#[tauri::command]
pub async fn application_saved(
    state: State<'_, AppState>,
    site_id: String,
) -> Result<Option<ApplicationInfo>, UiError> {
    state
        .me()
        .acting()
        .accounts()
        .saved_application(&site_id)
        .await
        .map_err(super::log_error)
}

/// The update a check found, if any (every member sees that one is waiting).
#[tauri::command]
pub fn update_status(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<crate::updates::UpdateInfo>, UiError> {
    state
        .me()
        .acting()
        .require(Permission::ReadInbox)
        .map_err(super::log_error)?;
    Ok(app
        .try_state::<crate::updates::Found>()
        .and_then(|found| found.get()))
}

/// Installs the update found and restarts into it: the owner's decision.
#[tauri::command]
pub async fn update_install(app: AppHandle, state: State<'_, AppState>) -> Result<(), UiError> {
    state
        .me()
        .acting()
        .require(Permission::Settings)
        .map_err(super::log_error)?;
    crate::updates::install(&app).await.map_err(|e| {
        tracing::error!(error = %format!("{e:#}"), "could not install the update");
        UiError::from(mostrador_core::Error::internal(format!("{e:#}"), None))
    })
}
