//! The core's background work: the per-account sync tasks and the outbox worker, started by
//! [`Core::start`] and stopped by [`Running::shutdown`]; each account's session (its request
//! budget and token refresh).

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::accounts::Credentials;
use crate::error::Result;
use crate::marketplace::{self, Api, Session};
use crate::store::accounts::Account;
use crate::sync::{self, SyncContext};
use crate::{Core, locked};

/// Where background tasks are spawned while the core runs.
#[derive(Clone)]
pub(crate) struct Runner {
    pub(crate) tracker: TaskTracker,
    pub(crate) cancel: CancellationToken,
    pub(crate) per_account:
        Arc<std::sync::Mutex<std::collections::HashMap<i64, CancellationToken>>>,
}

impl Core {
    /// Starts the sync tasks of `account` when the core is running (replacing earlier ones).
    pub(crate) fn spawn_account(&self, account: &Account) -> Result<()> {
        let Some(runner) = locked(&self.runner).clone() else {
            return Ok(());
        };
        let session = self.session(account)?;
        let token = runner.cancel.child_token();
        if let Some(old) = locked(&runner.per_account).insert(account.id, token.clone()) {
            old.cancel();
        }
        let ctx = self.sync_context();
        runner.tracker.spawn(sync::run_account(
            ctx.clone(),
            session.clone(),
            token.clone(),
        ));
        if self.config.bulk_interval.is_some() {
            runner.tracker.spawn(sync::run_messages(
                ctx.clone(),
                session.clone(),
                token.clone(),
            ));
            runner.tracker.spawn(sync::run_bulk(ctx, session, token));
        }
        Ok(())
    }

    pub(crate) fn sync_context(&self) -> SyncContext {
        SyncContext {
            store: self.store.clone(),
            events: self.events.clone(),
            notifier: self.notifier.clone(),
            clock: self.clock.clone(),
            poll_interval: self.config.poll_interval,
            idle_poll_interval: self
                .config
                .idle_poll_interval
                .max(self.config.poll_interval),
            bulk_wake: Arc::default(),
            focused: self.focused.clone(),
            trigger: self.trigger.clone(),
            locale: self.config.locale.clone(),
            bulk_interval: self.config.bulk_interval.unwrap_or(Duration::from_secs(60)),
            // Never slower than the bulk pass it relieves, never faster than the question poll.
            message_interval: self
                .config
                .message_interval
                .min(self.config.bulk_interval.unwrap_or(Duration::MAX))
                .max(self.config.poll_interval),
            cadence: sync::pass::Cadence::default(),
            outbox: self.outbox.clone(),
            link_interval: self.config.link_interval,
        }
    }

    /// The session of a connected account (created on first use, with its own budget).
    pub(crate) fn session(&self, account: &Account) -> Result<Session> {
        if let Ok(s) = self.sessions.get(account.id) {
            return Ok(s);
        }
        let credentials = Arc::new(Credentials::new(
            account.id,
            self.secrets.clone(),
            self.clock.clone(),
        ));
        let budget = marketplace::budget::Budget::per_second(self.config.requests_per_second);
        let session = Session::new(
            Api::new(&account.api_base)?,
            account.id,
            credentials,
            budget,
        );
        self.sessions.insert(session.clone());
        Ok(session)
    }

    /// Starts the outbox worker and the sync tasks of each connected account; accounts
    /// connected later start syncing as they connect.
    pub async fn start(&self, cancel: CancellationToken) -> Result<Running> {
        let runner = Runner {
            tracker: TaskTracker::new(),
            cancel: cancel.clone(),
            per_account: Arc::default(),
        };
        *locked(&self.runner) = Some(runner.clone());
        for account in self.accounts().await? {
            if account.status != crate::store::accounts::AccountStatus::Connected {
                tracing::info!(
                    account_id = account.id,
                    "account needs reconnecting; not syncing"
                );
                continue;
            }
            self.spawn_account(&account)?;
        }
        let outbox = self.outbox.clone();
        let transport = Arc::new(self.sessions.clone());
        let worker_cancel = cancel.clone();
        // Supervised: should the worker ever end before the core stops (a panic in a
        // dependency), it is started again.
        runner.tracker.spawn(async move {
            loop {
                let worker =
                    tokio::spawn(outbox.clone().run(transport.clone(), worker_cancel.clone()));
                let ended = worker.await;
                if worker_cancel.is_cancelled() {
                    return;
                }
                tracing::error!(?ended, "outbox worker ended; starting it again");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        Ok(Running {
            tracker: runner.tracker,
            cancel,
        })
    }
}

/// The background tasks started by [`Core::start`].
pub struct Running {
    tracker: TaskTracker,
    cancel: CancellationToken,
}

impl Running {
    /// Cancels every task and waits for them, at most `grace`. Every task stops at its next
    /// await point; a write in flight is either committed or left for the next start to redo.
    pub async fn shutdown(self, grace: Duration) {
        self.cancel.cancel();
        self.tracker.close();
        if tokio::time::timeout(grace, self.tracker.wait())
            .await
            .is_err()
        {
            tracing::warn!("background tasks did not stop in time; leaving them behind");
        }
    }
}
