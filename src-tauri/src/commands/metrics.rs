//! Metrics commands: the metrics screen's series and every account's thermometer.

use mostrador_core::error::UiError;
use mostrador_core::metrics::{Metrics, MetricsQuery};
use mostrador_core::reputation::history::Thermometer;
use tauri::State;

use super::AppState;

/// Every series for one account or all over a range of days.
#[tauri::command]
pub async fn metrics_series(
    state: State<'_, AppState>,
    query: MetricsQuery,
) -> Result<Metrics, UiError> {
    state
        .me()
        .acting()
        .metrics()
        .series(query)
        .await
        .map_err(super::log_error)
}

/// The thermometer and forecast of every account, beside what Mercado Libre shows.
#[tauri::command]
pub async fn reputation_thermometers(
    state: State<'_, AppState>,
) -> Result<Vec<Thermometer>, UiError> {
    state
        .me()
        .acting()
        .metrics()
        .thermometers()
        .await
        .map_err(super::log_error)
}
