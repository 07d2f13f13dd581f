//! The engine room, for tests, benchmarks and demo mode: the store itself, connecting from an
//! authorization code, and running a sync pass or a poll in the caller's task. Nothing here is
//! reachable from the window's commands.

use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::accounts::Account;
use crate::{Core, accounts, sync};

/// The engine handle ([`Core::engine`]).
pub struct Engine<'a> {
    pub(crate) core: &'a Core,
}

impl Core {
    /// Engine-level access (tests, benchmarks, demo mode): no caller, no gate.
    pub fn engine(&self) -> Engine<'_> {
        Engine { core: self }
    }
}

impl Engine<'_> {
    /// The store.
    pub fn store(&self) -> &Store {
        &self.core.store
    }

    /// Connects an account from an OAuth authorization code.
    pub async fn connect(&self, connection: accounts::Connection) -> Result<Account> {
        accounts::connect(
            &self.core.store,
            self.core.secrets.clone(),
            self.core.clock.as_ref(),
            connection,
        )
        .await
    }

    /// Connected accounts.
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        self.core.accounts().await
    }

    /// Runs one bulk sync pass for `account_id` now, in the caller's task (the background
    /// loop does this every `bulk_interval`).
    pub async fn sync_pass(&self, account_id: i64) -> Result<()> {
        let session = self.session(account_id).await?;
        sync::bulk_pass(&self.core.sync_context(), &session).await
    }

    /// Polls `account_id`'s unanswered questions now, in the caller's task (the background
    /// loop does this every `poll_interval`), and announces what is new.
    pub async fn poll_questions(&self, account_id: i64) -> Result<()> {
        let session = self.session(account_id).await?;
        sync::poll_once(&self.core.sync_context(), &session).await
    }

    /// The session of a connected account.
    async fn session(&self, account_id: i64) -> Result<crate::marketplace::Session> {
        let account = self
            .core
            .accounts()
            .await?
            .into_iter()
            .find(|a| a.id == account_id)
            .ok_or_else(|| Error::NotFound(format!("account {account_id}")))?;
        self.core.session(&account)
    }
}
