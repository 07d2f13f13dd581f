//! Inbox commands.

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
    state.core().inbox(query).await.map_err(super::log_error)
}

/// One page of the inbox grouped by listing or by buyer.
#[tauri::command]
pub async fn inbox_groups(
    state: State<'_, AppState>,
    query: GroupQuery,
) -> Result<GroupPage, UiError> {
    state
        .core()
        .inbox_groups(query)
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
        .core()
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

/// Queues deleting questions (spam), each through the outbox.
#[tauri::command]
pub async fn questions_delete(
    state: State<'_, AppState>,
    question_ids: Vec<i64>,
) -> Result<(), UiError> {
    for id in question_ids {
        state
            .core()
            .delete_question(id)
            .await
            .map_err(super::log_error)?;
    }
    Ok(())
}

/// Queues blocking buyers from asking an account questions, each through the outbox.
#[tauri::command]
pub async fn buyers_block(
    state: State<'_, AppState>,
    account_id: i64,
    buyer_ids: Vec<i64>,
) -> Result<(), UiError> {
    for buyer in buyer_ids {
        state
            .core()
            .block_buyer(account_id, buyer)
            .await
            .map_err(super::log_error)?;
    }
    Ok(())
}

/// The buyer's earlier questions and orders, and the listing's stock per variation.
#[tauri::command]
pub async fn question_context(
    state: State<'_, AppState>,
    question_id: i64,
) -> Result<mostrador_core::inbox::context::QuestionContext, UiError> {
    state
        .core()
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
        .core()
        .listing_photo(&item_id)
        .await
        .map_err(super::log_error)
}
