//! Post-sale conversation commands.

use mostrador_core::contact::{ContactDraft, ContactOption};
use mostrador_core::error::UiError;
use mostrador_core::inbox::conversations::{
    ConversationPage, ConversationQuery, ConversationThread,
};
use mostrador_core::inbox::orders::{OrderPage, OrderQuery};
use mostrador_core::inbox::waiting::{WaitingPage, WaitingQuery};
use tauri::State;

use super::AppState;

/// One page of post-sale conversations.
#[tauri::command]
pub async fn conversations_list(
    state: State<'_, AppState>,
    query: ConversationQuery,
) -> Result<ConversationPage, UiError> {
    state
        .me()
        .acting()
        .inbox()
        .conversations(query)
        .await
        .map_err(super::log_error)
}

/// A conversation with all its messages, its order lines and its shipment.
#[tauri::command]
pub async fn conversation_get(
    state: State<'_, AppState>,
    pack_id: i64,
) -> Result<ConversationThread, UiError> {
    state
        .me()
        .acting()
        .inbox()
        .conversation(pack_id)
        .await
        .map_err(super::log_error)
}

/// Queues a post-sale message to the pack's buyer, with a file when given (returns the outbox id).
#[tauri::command]
pub async fn message_send(
    state: State<'_, AppState>,
    pack_id: i64,
    text: String,
    attachment: Option<mostrador_core::attachments::AttachmentUpload>,
) -> Result<i64, UiError> {
    state
        .me()
        .acting()
        .writes()
        .send_message_with(pack_id, &text, attachment.as_ref())
        .await
        .map_err(super::log_error)
}

/// One page of orders (the ones to dispatch, or all).
#[tauri::command]
pub async fn orders_list(
    state: State<'_, AppState>,
    query: OrderQuery,
) -> Result<OrderPage, UiError> {
    state
        .me()
        .acting()
        .inbox()
        .orders(query)
        .await
        .map_err(super::log_error)
}

/// The reasons Mercado Libre allows for writing to the pack's buyer first, read now.
#[tauri::command]
pub async fn contact_options(
    state: State<'_, AppState>,
    pack_id: i64,
) -> Result<Vec<ContactOption>, UiError> {
    state
        .me()
        .acting()
        .writes()
        .contact_options(pack_id)
        .await
        .map_err(super::log_error)
}

/// Queues a first message to the pack's buyer through the action guide (returns the outbox id).
#[tauri::command]
pub async fn contact_buyer(
    state: State<'_, AppState>,
    pack_id: i64,
    draft: ContactDraft,
) -> Result<i64, UiError> {
    state
        .me()
        .acting()
        .writes()
        .contact_buyer(pack_id, &draft)
        .await
        .map_err(super::log_error)
}

/// Marks a conversation done ("no reply needed") or clears the mark.
#[tauri::command]
pub async fn conversation_done(
    state: State<'_, AppState>,
    pack_id: i64,
    done: bool,
) -> Result<(), UiError> {
    state
        .me()
        .acting()
        .writes()
        .conversation_done(pack_id, done)
        .await
        .map_err(super::log_error)
}

/// One page of everything waiting for the seller: questions and conversations, longest first.
#[tauri::command]
pub async fn waiting_list(
    state: State<'_, AppState>,
    query: WaitingQuery,
) -> Result<WaitingPage, UiError> {
    state
        .me()
        .acting()
        .inbox()
        .waiting(query)
        .await
        .map_err(super::log_error)
}

/// Every open deadline: messages to answer, claims to resolve, shipments to dispatch.
#[tauri::command]
pub async fn deadlines_list(
    state: State<'_, AppState>,
    query: mostrador_core::deadlines::DeadlineQuery,
) -> Result<Vec<mostrador_core::deadlines::Deadline>, UiError> {
    state
        .me()
        .acting()
        .inbox()
        .deadlines(query)
        .await
        .map_err(super::log_error)
}
