//! Inbox commands.

use mostrador_core::acting::BulkOutcome;
use mostrador_core::error::UiError;
use mostrador_core::inbox::groups::{GroupPage, GroupQuery};
use mostrador_core::inbox::{InboxPage, InboxQuery};
use tauri::State;

use super::AppState;

/// One page of the inbox.
#[tauri::command]
pub async fn inbox_list(
    state: State<'_, AppState>,
    query: InboxQuery,
) -> Result<InboxPage, UiError> {
    state
        .me()
        .acting()
        .inbox()
        .list(query)
        .await
        .map_err(super::log_error)
}

/// One page of the inbox grouped by listing or by buyer.
#[tauri::command]
pub async fn inbox_groups(
    state: State<'_, AppState>,
    query: GroupQuery,
) -> Result<GroupPage, UiError> {
    state
        .me()
        .acting()
        .inbox()
        .groups(query)
        .await
        .map_err(super::log_error)
}

/// Queues an answer (returns the outbox id); the outbox worker sends it.
#[tauri::command]
pub async fn reply_send(
    state: State<'_, AppState>,
    question_id: i64,
    text: String,
) -> Result<i64, UiError> {
    state
        .me()
        .acting()
        .writes()
        .answer(question_id, &text)
        .await
        .map_err(super::log_error)
}

/// Polls every account now.
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Result<(), UiError> {
    state.core().sync_now();
    Ok(())
}

/// Queues deleting questions (spam) in one go; each question's outcome.
#[tauri::command]
pub async fn questions_delete(
    state: State<'_, AppState>,
    question_ids: Vec<i64>,
) -> Result<Vec<BulkOutcome>, UiError> {
    state
        .me()
        .acting()
        .writes()
        .delete_questions(&question_ids)
        .await
        .map_err(super::log_error)
}

/// Queues blocking the buyers of these questions from asking their accounts again; each
/// question's outcome.
#[tauri::command]
pub async fn buyers_block(
    state: State<'_, AppState>,
    question_ids: Vec<i64>,
) -> Result<Vec<BulkOutcome>, UiError> {
    state
        .me()
        .acting()
        .writes()
        .block_buyers(&question_ids)
        .await
        .map_err(super::log_error)
}

/// The buyer's earlier questions and orders, and the listing's stock per variation.
#[tauri::command]
pub async fn question_context(
    state: State<'_, AppState>,
    question_id: i64,
) -> Result<mostrador_core::inbox::context::QuestionContext, UiError> {
    state
        .me()
        .acting()
        .inbox()
        .question_context(question_id)
        .await
        .map_err(super::log_error)
}

/// A listing's photo as a `data:` URL, or null when it has none or it cannot be fetched now.
#[tauri::command]
pub async fn listing_photo(
    state: State<'_, AppState>,
    item_id: String,
) -> Result<Option<String>, UiError> {
    state
        .me()
        .acting()
        .inbox()
        .listing_photo(&item_id)
        .await
        .map_err(super::log_error)
}
