//! Inbox commands.

use mostrador_core::error::UiError;
use mostrador_core::inbox::{InboxPage, InboxQuery};
use tauri::State;

use super::AppState;

/// One page of the inbox.
#[tauri::command]
pub async fn inbox_list(
    state: State<'_, AppState>,
    query: InboxQuery,
) -> Result<InboxPage, UiError> {
    state.core.inbox(query).await.map_err(super::log_error)
}

/// Queues an answer (returns the outbox id); the outbox worker sends it.
#[tauri::command]
pub async fn reply_send(
    state: State<'_, AppState>,
    question_id: i64,
    text: String,
) -> Result<i64, UiError> {
    state
        .core
        .answer(question_id, &text)
        .await
        .map_err(super::log_error)
}

/// Polls every account now.
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Result<(), UiError> {
    state.core.sync_now();
    Ok(())
}
