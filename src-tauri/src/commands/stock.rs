//! Stock commands: the stock view's pages, single and bulk changes, thresholds.

use mostrador_core::acting::StockOutcome;
use mostrador_core::error::UiError;
use mostrador_core::stock::{StockChange, StockPage, StockQuery, StockTarget};
use tauri::State;

use super::AppState;

/// One page of the stock view.
#[tauri::command]
pub async fn stock_page(
    state: State<'_, AppState>,
    query: StockQuery,
) -> Result<StockPage, UiError> {
    state
        .me()
        .acting()
        .stock()
        .page(query)
        .await
        .map_err(super::log_error)
}

/// Sets one listing's or variation's stock (returns the outbox id).
#[tauri::command]
pub async fn stock_set(
    state: State<'_, AppState>,
    target: StockTarget,
    quantity: i64,
) -> Result<i64, UiError> {
    state
        .me()
        .acting()
        .stock()
        .set(target, quantity)
        .await
        .map_err(super::log_error)
}

/// One change to many rows, in one go; each row's outcome.
#[tauri::command]
pub async fn stock_bulk(
    state: State<'_, AppState>,
    targets: Vec<StockTarget>,
    change: StockChange,
) -> Result<Vec<StockOutcome>, UiError> {
    state
        .me()
        .acting()
        .stock()
        .bulk(targets, change)
        .await
        .map_err(super::log_error)
}

/// Sets the low-stock threshold of a listing (`scope: "listing"`) or of a SKU (`"sku"`);
/// `null` removes it. Without a scope, sets the default.
#[tauri::command]
pub async fn stock_threshold_set(
    state: State<'_, AppState>,
    scope: Option<String>,
    key: Option<String>,
    threshold: Option<i64>,
) -> Result<(), UiError> {
    let me = state.me();
    let stock = me.acting();
    let stock = stock.stock();
    match (scope, key) {
        (Some(scope), Some(key)) => stock.set_threshold(scope, key, threshold).await,
        _ => {
            stock
                .set_default_threshold(
                    threshold.unwrap_or(mostrador_core::stock::DEFAULT_THRESHOLD),
                )
                .await
        }
    }
    .map_err(super::log_error)
}

/// Groups of listings sharing a SKU across the seller's accounts (proposed and confirmed).
#[tauri::command]
pub async fn stock_links(
    state: State<'_, AppState>,
) -> Result<Vec<mostrador_core::stock::links::LinkGroup>, UiError> {
    state
        .me()
        .acting()
        .stock()
        .links()
        .await
        .map_err(super::log_error)
}

/// Confirms a proposed group (returns its quantity).
#[tauri::command]
pub async fn stock_link_confirm(state: State<'_, AppState>, sku: String) -> Result<i64, UiError> {
    state
        .me()
        .acting()
        .stock()
        .link_confirm(sku)
        .await
        .map_err(super::log_error)
}

/// Undoes a group.
#[tauri::command]
pub async fn stock_link_undo(state: State<'_, AppState>, sku: String) -> Result<(), UiError> {
    state
        .me()
        .acting()
        .stock()
        .link_undo(sku)
        .await
        .map_err(super::log_error)
}

/// The movements of a linked SKU, newest first.
#[tauri::command]
pub async fn stock_ledger(
    state: State<'_, AppState>,
    sku: String,
) -> Result<Vec<mostrador_core::stock::links::LedgerEntry>, UiError> {
    state
        .me()
        .acting()
        .stock()
        .ledger(sku)
        .await
        .map_err(super::log_error)
}
