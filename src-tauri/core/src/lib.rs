//! Mostrador's core: everything that is not window glue.
//!
//! Layout:
//! - [`store`]: the SQLite file (migrations, one module per table).
//! - [`marketplace`]: the Mercado Libre HTTP client, OAuth, wire types.
//! - [`accounts`]: connecting accounts and keeping their tokens (OS keyring via [`secrets`]).
//! - [`sync`]: background tasks that keep the store current; [`notify`] decides what to announce.
//! - [`outbox`]: every write, durable and exactly once. [`inbox`]: the read model the UI lists.
//! - [`preferences`]: how the app starts.
//! - [`events`]: what changed, broadcast to the shell. [`clock`]: injected time. [`error`]: errors
//!   and their stable codes.
//!
//! [`Core`] wires them together; the shell calls it and nothing else. This crate never depends on
//! Tauri, so it builds and tests on any machine.
#![warn(missing_docs)]

pub mod accounts;
pub mod clock;
pub mod connect;
pub mod error;
pub mod events;
pub mod inbox;
pub mod marketplace;
pub mod notify;
pub mod outbox;
pub mod preferences;
pub mod secrets;
pub mod store;
pub mod sync;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

pub use crate::error::{Error, ErrorCode, Result};
pub use crate::events::Event;

use crate::accounts::{Credentials, Sessions};
use crate::clock::Clock;
use crate::events::EventBus;
use crate::inbox::{InboxPage, InboxQuery};
use crate::marketplace::{Api, Session};
use crate::notify::Notifier;
use crate::outbox::Outbox;
use crate::secrets::SecretStore;
use crate::store::Store;
use crate::store::accounts::Account;
use crate::sync::SyncContext;

/// How to run the core.
#[derive(Debug, Clone)]
pub struct CoreConfig {
    /// The SQLite file.
    pub db_path: PathBuf,
    /// Time between two polls for new questions.
    pub poll_interval: Duration,
    /// Language and local time of notifications.
    pub locale: notify::Locale,
    /// Requests per second each account may make.
    pub requests_per_second: u32,
    /// Time between two bulk passes (orders, listings, messages, ...); `None` runs only the
    /// new-questions poll in the background.
    pub bulk_interval: Option<Duration>,
}

impl CoreConfig {
    /// The defaults for a database at `db_path`: a 5 s question poll, a 60 s bulk pass, and
    /// [`marketplace::budget::DEFAULT_REQUESTS_PER_SECOND`].
    pub fn new(db_path: PathBuf) -> Self {
        Self {
            db_path,
            poll_interval: Duration::from_secs(5),
            locale: notify::Locale::default(),
            requests_per_second: marketplace::budget::DEFAULT_REQUESTS_PER_SECOND,
            bulk_interval: Some(Duration::from_secs(60)),
        }
    }
}

/// The running core: store, sessions, outbox and background tasks.
pub struct Core {
    store: Store,
    secrets: Arc<dyn SecretStore>,
    notifier: Arc<dyn Notifier>,
    clock: Arc<dyn Clock>,
    events: EventBus,
    outbox: Outbox,
    sessions: Sessions,
    config: CoreConfig,
    trigger: Arc<tokio::sync::Notify>,
}

impl Core {
    /// Opens the store (applying migrations) and prepares, without starting, the background work.
    pub fn open(
        config: CoreConfig,
        secrets: Arc<dyn SecretStore>,
        notifier: Arc<dyn Notifier>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        let store = Store::open(&config.db_path)?;
        let events = EventBus::default();
        let outbox = Outbox::new(store.clone(), events.clone(), clock.clone());
        Ok(Self {
            store,
            secrets,
            notifier,
            clock,
            events,
            outbox,
            sessions: Sessions::default(),
            config,
            trigger: Arc::new(tokio::sync::Notify::new()),
        })
    }

    /// The store (for tests and read models).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Subscribes to core events.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// Connects an account from an OAuth authorization code.
    pub async fn connect(&self, connection: accounts::Connection) -> Result<Account> {
        accounts::connect(
            &self.store,
            self.secrets.clone(),
            self.clock.as_ref(),
            connection,
        )
        .await
    }

    /// Connected accounts.
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        self.store.run(|c| store::accounts::list(c)).await
    }

    /// Connected accounts, as the UI lists them.
    pub async fn account_summaries(&self) -> Result<Vec<accounts::AccountSummary>> {
        Ok(self
            .accounts()
            .await?
            .into_iter()
            .map(accounts::AccountSummary::from)
            .collect())
    }

    fn sync_context(&self) -> SyncContext {
        SyncContext {
            store: self.store.clone(),
            events: self.events.clone(),
            notifier: self.notifier.clone(),
            clock: self.clock.clone(),
            poll_interval: self.config.poll_interval,
            trigger: self.trigger.clone(),
            locale: self.config.locale.clone(),
            bulk_interval: self.config.bulk_interval.unwrap_or(Duration::from_secs(60)),
            cadence: sync::pass::Cadence::default(),
        }
    }

    /// The session of a connected account (created on first use, with its own budget).
    fn session(&self, account: &Account) -> Result<Session> {
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

    /// Runs one bulk sync pass for `account_id` now, in the caller's task (the background
    /// loop does this every `bulk_interval`).
    pub async fn sync_pass(&self, account_id: i64) -> Result<()> {
        let account = self
            .accounts()
            .await?
            .into_iter()
            .find(|a| a.id == account_id)
            .ok_or_else(|| Error::NotFound(format!("account {account_id}")))?;
        let session = self.session(&account)?;
        sync::bulk_pass(&self.sync_context(), &session).await
    }

    /// Polls `account_id`'s unanswered questions now, in the caller's task (the background
    /// loop does this every `poll_interval`), and announces what is new.
    pub async fn poll_questions(&self, account_id: i64) -> Result<()> {
        let account = self
            .accounts()
            .await?
            .into_iter()
            .find(|a| a.id == account_id)
            .ok_or_else(|| Error::NotFound(format!("account {account_id}")))?;
        let session = self.session(&account)?;
        sync::poll_once(&self.sync_context(), &session).await
    }

    /// Every resource's sync progress for `account_id`.
    pub async fn sync_progress(
        &self,
        account_id: i64,
    ) -> Result<Vec<store::cursors::ResourceProgress>> {
        self.store
            .run(move |c| store::cursors::progress(c, account_id))
            .await
    }

    /// Starts the outbox worker and the sync tasks of each connected account.
    pub async fn start(&self, cancel: CancellationToken) -> Result<Running> {
        let mut tasks = JoinSet::new();
        let ctx = self.sync_context();
        for account in self.accounts().await? {
            if account.status != "connected" {
                tracing::info!(
                    account_id = account.id,
                    "account needs reconnecting; not syncing"
                );
                continue;
            }
            let session = self.session(&account)?;
            tasks.spawn(sync::run_account(
                ctx.clone(),
                session.clone(),
                cancel.clone(),
            ));
            if self.config.bulk_interval.is_some() {
                tasks.spawn(sync::run_bulk(ctx.clone(), session, cancel.clone()));
            }
        }
        let outbox = self.outbox.clone();
        let transport = Arc::new(self.sessions.clone());
        let worker_cancel = cancel.clone();
        tasks.spawn(async move {
            if let Err(e) = outbox.run(transport, worker_cancel).await {
                tracing::error!(error = %e, "outbox worker stopped");
            }
        });
        Ok(Running { tasks, cancel })
    }

    /// One page of the inbox.
    pub async fn inbox(&self, query: InboxQuery) -> Result<InboxPage> {
        self.store.run(move |c| inbox::list(c, &query)).await
    }

    /// Queues an answer; it is sent by the outbox worker.
    pub async fn answer(&self, question_id: i64, text: &str) -> Result<i64> {
        self.outbox.queue_answer(question_id, text).await
    }

    /// The notification settings.
    pub async fn notification_settings(&self) -> Result<notify::NotificationSettings> {
        notify::settings(&self.store).await
    }

    /// Replaces the notification settings.
    pub async fn set_notification_settings(
        &self,
        value: notify::NotificationSettings,
    ) -> Result<()> {
        notify::set_settings(&self.store, value).await
    }

    /// Pauses notifications for `minutes` from now.
    pub async fn pause_notifications(&self, minutes: u32) -> Result<()> {
        let mut value = notify::settings(&self.store).await?;
        let until = self.clock.now() + chrono::Duration::minutes(minutes as i64);
        value.paused_until = Some(until.to_rfc3339());
        notify::set_settings(&self.store, value).await
    }

    /// How the app starts.
    pub async fn preferences(&self) -> Result<preferences::AppPreferences> {
        preferences::get(&self.store).await
    }

    /// Replaces how the app starts.
    pub async fn set_preferences(&self, value: preferences::AppPreferences) -> Result<()> {
        preferences::set(&self.store, value).await
    }

    /// Asks every account task to poll now.
    pub fn sync_now(&self) {
        self.trigger.notify_waiters();
        self.outbox.wake();
    }
}

/// The background tasks started by [`Core::start`].
pub struct Running {
    tasks: JoinSet<()>,
    cancel: CancellationToken,
}

impl Running {
    /// Cancels every task and waits for them, at most `grace`.
    pub async fn shutdown(mut self, grace: Duration) {
        self.cancel.cancel();
        let all = async { while self.tasks.join_next().await.is_some() {} };
        if tokio::time::timeout(grace, all).await.is_err() {
            tracing::warn!("background tasks did not stop in time; aborting them");
            self.tasks.abort_all();
        }
    }
}
