//! Events the core publishes for the shell (and tests) on a tokio broadcast channel.
//!
//! Events carry ids and counts, never content: the UI refetches what changed. A subscriber that
//! falls behind gets `Lagged` from tokio and should refetch everything.

use serde::Serialize;
use tokio::sync::broadcast;
use ts_rs::TS;

/// Something changed in the core.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export, export_to = "CoreEvent.ts", rename = "CoreEvent")]
pub enum Event {
    /// Questions were added or changed.
    QuestionsChanged {
        /// Account they belong to.
        #[ts(type = "number")]
        account_id: i64,
        /// Which questions.
        #[ts(type = "Array<number>")]
        question_ids: Vec<i64>,
    },
    /// Outbox rows changed state (queued, sent, failed).
    OutboxChanged {
        /// Which rows.
        #[ts(type = "Array<number>")]
        outbox_ids: Vec<i64>,
    },
    /// Post-sale messages arrived in these packs.
    MessagesChanged {
        /// Account they belong to.
        #[ts(type = "number")]
        account_id: i64,
        /// Which packs.
        #[ts(type = "Array<number>")]
        pack_ids: Vec<i64>,
    },
    /// A resource's sync advanced.
    SyncProgress {
        /// The account.
        #[ts(type = "number")]
        account_id: i64,
        /// `questions`, `orders`, `listings`, ...
        resource: String,
        /// Items done in the current pass.
        #[ts(type = "number")]
        done: i64,
        /// Items expected, when known.
        #[ts(type = "number | null")]
        total: Option<i64>,
    },
    /// An account was connected, reconnected or disconnected.
    AccountsChanged,
    /// Members were added, changed or removed, or someone else is at the keyboard.
    MembersChanged,
    /// Connecting an account from the redirect the app caught itself failed.
    ConnectionFailed {
        /// Why, as the stable code the UI translates.
        code: crate::error::ErrorCode,
    },
    /// An account's sync state changed.
    SyncStatus {
        /// The account.
        #[ts(type = "number")]
        account_id: i64,
        /// Its new state.
        state: SyncState,
    },
}

/// How an account's sync is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "SyncState.ts")]
pub enum SyncState {
    /// Up to date.
    Ok,
    /// The network is unreachable; retrying.
    Offline,
    /// Rate limited; waiting.
    RateLimited,
    /// The grant was refused; the user must reconnect the account.
    Reconnect,
    /// Something else failed; retrying.
    Error,
}

/// The broadcast channel events travel on. Cheap to clone.
#[derive(Debug, Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Event>,
}

impl Default for EventBus {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(1024);
        Self { tx }
    }
}

impl EventBus {
    /// Publishes an event; having no subscriber is fine.
    pub fn publish(&self, event: Event) {
        let _ = self.tx.send(event);
    }

    /// A new subscription, receiving events published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }
}
