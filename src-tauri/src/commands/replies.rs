//! Quick reply commands: templates, filling them for a question, the linter, suggestions, and
//! the automatic post-sale messages that send them.

use mostrador_core::error::UiError;
use mostrador_core::replies::{Lint, Rendered, Suggestion, TextKind};
use mostrador_core::store::templates::{Draft, Template};
use tauri::State;

use super::AppState;

/// Quick replies for a listing (all when `item_id` is absent), most used first.
#[tauri::command]
pub async fn templates_list(
    state: State<'_, AppState>,
    item_id: Option<String>,
    kind: Option<mostrador_core::store::templates::TemplateKind>,
) -> Result<Vec<Template>, UiError> {
    state
        .me()
        .acting()
        .replies()
        .templates(item_id, kind)
        .await
        .map_err(super::log_error)
}

/// Creates or updates a quick reply; returns its id.
#[tauri::command]
pub async fn template_save(
    state: State<'_, AppState>,
    id: Option<i64>,
    draft: Draft,
) -> Result<i64, UiError> {
    state
        .me()
        .acting()
        .replies()
        .save(id, draft)
        .await
        .map_err(super::log_error)
}

/// Deletes a quick reply.
#[tauri::command]
pub async fn template_delete(state: State<'_, AppState>, id: i64) -> Result<(), UiError> {
    state
        .me()
        .acting()
        .replies()
        .delete(id)
        .await
        .map_err(super::log_error)
}

/// Fills a template's text for a question.
#[tauri::command]
pub async fn template_render(
    state: State<'_, AppState>,
    text: String,
    question_id: i64,
) -> Result<Rendered, UiError> {
    state
        .me()
        .acting()
        .replies()
        .render(text, question_id)
        .await
        .map_err(super::log_error)
}

/// Fills a post-sale template's text for a conversation, with its order's values.
#[tauri::command]
pub async fn template_render_order(
    state: State<'_, AppState>,
    text: String,
    pack_id: i64,
) -> Result<Rendered, UiError> {
    state
        .me()
        .acting()
        .replies()
        .render_for_conversation(text, pack_id)
        .await
        .map_err(super::log_error)
}

/// Counts one use of a quick reply.
#[tauri::command]
pub async fn template_used(state: State<'_, AppState>, id: i64) -> Result<(), UiError> {
    state
        .me()
        .acting()
        .replies()
        .used(id)
        .await
        .map_err(super::log_error)
}

/// Checks a text being typed.
#[tauri::command]
pub fn text_lint(
    state: State<'_, AppState>,
    text: String,
    kind: TextKind,
) -> Result<Lint, UiError> {
    state
        .me()
        .acting()
        .replies()
        .lint(&text, kind)
        .map_err(super::log_error)
}

/// Past answers for a question, best first.
#[tauri::command]
pub async fn reply_suggestions(
    state: State<'_, AppState>,
    question_id: i64,
) -> Result<Vec<Suggestion>, UiError> {
    state
        .me()
        .acting()
        .replies()
        .suggestions(question_id)
        .await
        .map_err(super::log_error)
}

/// The seller's past post-sale replies for a conversation, best first.
#[tauri::command]
pub async fn conversation_suggestions(
    state: State<'_, AppState>,
    pack_id: i64,
) -> Result<Vec<Suggestion>, UiError> {
    state
        .me()
        .acting()
        .replies()
        .conversation_suggestions(pack_id)
        .await
        .map_err(super::log_error)
}

/// The automatic messages' rules of an account (one per trigger): owner only.
#[tauri::command]
pub async fn auto_rules_get(
    state: State<'_, AppState>,
    account_id: i64,
) -> Result<Vec<mostrador_core::automatic::AutoRule>, UiError> {
    state
        .me()
        .acting()
        .settings()
        .auto_rules(account_id)
        .await
        .map_err(super::log_error)
}

/// Sets an automatic message's rule: its post-sale quick reply and whether it is on.
#[tauri::command]
pub async fn auto_rule_set(
    state: State<'_, AppState>,
    account_id: i64,
    trigger: mostrador_core::automatic::AutoTrigger,
    template_id: Option<i64>,
    enabled: bool,
) -> Result<(), UiError> {
    state
        .me()
        .acting()
        .settings()
        .set_auto_rule(account_id, trigger, template_id, enabled)
        .await
        .map_err(super::log_error)
}

/// What a rule would send next, before it is switched on.
#[tauri::command]
pub async fn auto_rules_preview(
    state: State<'_, AppState>,
    account_id: i64,
    trigger: mostrador_core::automatic::AutoTrigger,
    template_id: i64,
) -> Result<Vec<mostrador_core::automatic::AutoPreview>, UiError> {
    state
        .me()
        .acting()
        .settings()
        .auto_preview(account_id, trigger, template_id)
        .await
        .map_err(super::log_error)
}
