//! The team at this machine: who is at the keyboard, switching (with a PIN), and the owner's
//! management of members and their figures. The core checks every call.

use mostrador_core::error::UiError;
use mostrador_core::team::{Caller, Member, MemberDraft, MemberFigures};
use tauri::State;

use super::AppState;

/// Who is at the keyboard, with what they may do (the window shows and hides by it).
#[tauri::command]
pub fn team_me(state: State<'_, AppState>) -> Caller {
    state.core().at_keyboard()
}

/// Every member, the owner first.
#[tauri::command]
pub async fn team_members(state: State<'_, AppState>) -> Result<Vec<Member>, UiError> {
    state
        .me()
        .acting()
        .team()
        .members()
        .await
        .map_err(super::log_error)
}

/// Hands the keyboard to a member (their PIN when they have one).
#[tauri::command]
pub async fn team_switch(
    state: State<'_, AppState>,
    member_id: i64,
    pin: Option<String>,
) -> Result<Caller, UiError> {
    state
        .me()
        .acting()
        .team()
        .switch_to(member_id, pin)
        .await
        .map_err(super::log_error)
}

/// Adds an operator.
#[tauri::command]
pub async fn team_add(state: State<'_, AppState>, draft: MemberDraft) -> Result<i64, UiError> {
    state
        .me()
        .acting()
        .team()
        .add(draft)
        .await
        .map_err(super::log_error)
}

/// Renames a member or changes the moderation grant.
#[tauri::command]
pub async fn team_update(
    state: State<'_, AppState>,
    member_id: i64,
    draft: MemberDraft,
) -> Result<(), UiError> {
    state
        .me()
        .acting()
        .team()
        .update(member_id, draft)
        .await
        .map_err(super::log_error)
}

/// Removes an operator.
#[tauri::command]
pub async fn team_remove(state: State<'_, AppState>, member_id: i64) -> Result<(), UiError> {
    state
        .me()
        .acting()
        .team()
        .remove(member_id)
        .await
        .map_err(super::log_error)
}

/// Sets or removes a member's PIN.
#[tauri::command]
pub async fn team_set_pin(
    state: State<'_, AppState>,
    member_id: i64,
    pin: Option<String>,
) -> Result<(), UiError> {
    state
        .me()
        .acting()
        .team()
        .set_pin(member_id, pin)
        .await
        .map_err(super::log_error)
}

/// Answers, messages and response times per member.
#[tauri::command]
pub async fn team_figures(state: State<'_, AppState>) -> Result<Vec<MemberFigures>, UiError> {
    state
        .me()
        .acting()
        .team()
        .figures()
        .await
        .map_err(super::log_error)
}
