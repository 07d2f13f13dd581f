//! Mostrador's core: everything that is not window glue.
//!
//! Layout:
//! - [`store`]: the SQLite file (migrations, one module per table).
//! - [`marketplace`]: the Mercado Libre HTTP client, OAuth, wire types.
//! - [`accounts`]: connecting accounts and keeping their tokens (OS keyring via [`secrets`]).
//! - [`sync`]: background tasks that keep the store current; [`notify`] decides what to announce.
//! - [`outbox`]: every write, durable and exactly once. [`inbox`]: the read model the UI lists.
//! - [`preferences`]: how the app starts. [`launch`]: demo or real, and where Mercado Libre is.
//! - [`team`]: members and the one table of who may do what.
//! - [`events`]: what changed, broadcast to the shell. [`clock`]: injected time. [`error`]: errors
//!   and their stable codes.
//!
//! [`Core`] holds the lifecycle (open, start, stop, events, focus, sync now). Every domain
//! operation goes through its gate, [`Core::acting`], with the member asking ([`acting`]);
//! tests and benchmarks use [`Core::engine`]. This crate never depends on Tauri, so it builds and
//! tests on any machine.
#![warn(missing_docs)]

pub mod accounts;
pub mod acting;
pub mod applications;
pub mod attachments;
pub mod automatic;
pub mod badge;
pub mod clock;
pub mod connect;
mod connecting;
pub mod contact;
pub mod deadlines;
pub mod engine;
pub mod error;
pub mod events;
pub mod inbox;
mod keyboard;
pub mod launch;
pub mod links;
pub mod marketplace;
pub mod metrics;
pub mod notify;
pub mod outbox;
pub mod photos;
pub mod preferences;
pub mod replies;
pub mod reputation;
mod running;
pub mod secrets;
pub mod stock;
pub mod store;
pub mod sync;
pub mod team;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use crate::error::{Error, ErrorCode, Result};
pub use crate::events::Event;
pub use crate::running::Running;

use crate::accounts::Sessions;
use crate::clock::Clock;
use crate::events::EventBus;
use crate::notify::Notifier;
use crate::outbox::Outbox;
use crate::secrets::SecretStore;
use crate::store::Store;
use crate::store::accounts::Account;

/// How to run the core.
#[derive(Debug, Clone)]
pub struct CoreConfig {
    /// The SQLite file.
    pub db_path: PathBuf,
    /// Time between two polls for new questions while the window is focused or a question
    /// arrived recently.
    pub poll_interval: Duration,
    /// Time between two polls for new questions otherwise.
    pub idle_poll_interval: Duration,
    /// Language and local time of notifications.
    pub locale: notify::Locale,
    /// Requests per second each account may make.
    pub requests_per_second: u32,
    /// Time between two bulk passes (orders, listings, messages, ...); `None` runs only the
    /// new-questions poll in the background.
    pub bulk_interval: Option<Duration>,
    /// Where new connections go: Mercado Libre, or the addresses given here (the demo's
    /// sandbox, a staging server).
    pub endpoints: launch::Endpoints,
    /// Time between two linked-stock rounds of an account with linked SKUs.
    pub link_interval: Duration,
    /// Time between two reads of the post-sale unread counts while the window is not focused:
    /// a buyer's message is announced within it (plus reading the thread).
    pub message_interval: Duration,
}

impl CoreConfig {
    /// The defaults for a database at `db_path`: a 5 s question poll (10 s when idle), post-sale
    /// messages every 13 s (5 s when focused), a 60 s bulk pass, and
    /// [`marketplace::budget::DEFAULT_REQUESTS_PER_SECOND`].
    pub fn new(db_path: PathBuf) -> Self {
        Self {
            db_path,
            poll_interval: Duration::from_secs(5),
            idle_poll_interval: Duration::from_secs(10),
            locale: notify::Locale::default(),
            requests_per_second: marketplace::budget::DEFAULT_REQUESTS_PER_SECOND,
            bulk_interval: Some(Duration::from_secs(60)),
            endpoints: launch::Endpoints::default(),
            link_interval: sync::links::LINK_INTERVAL,
            message_interval: Duration::from_secs(13),
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
    runner: std::sync::Mutex<Option<running::Runner>>,
    focused: Arc<std::sync::atomic::AtomicBool>,
    pending: std::sync::Mutex<Option<connecting::PendingConnect>>,
    at_keyboard: std::sync::RwLock<team::Member>,
    word_stats: Arc<replies::WordStats>,
    photos: photos::Photos,
}

fn locked<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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
        let at_keyboard = keyboard::load_at_keyboard(&*store.conn()?)?;
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
            runner: std::sync::Mutex::new(None),
            at_keyboard: std::sync::RwLock::new(at_keyboard),
            focused: Arc::default(),
            pending: std::sync::Mutex::new(None),
            word_stats: Arc::default(),
            photos: photos::Photos::new(),
        })
    }

    /// Tells the core whether the app's window has the focus: the new-questions poll runs at its
    /// fast interval while it does.
    pub fn set_focused(&self, focused: bool) {
        let was = self
            .focused
            .swap(focused, std::sync::atomic::Ordering::Relaxed);
        if focused && !was {
            // Coming back to the window: look now rather than at the end of an idle wait.
            self.trigger.notify_waiters();
        }
    }

    /// Subscribes to core events.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// Connected accounts.
    pub(crate) async fn accounts(&self) -> Result<Vec<Account>> {
        self.store.run(|c| store::accounts::list(c)).await
    }

    /// The language the user sees (notifications, tray): the one chosen in settings, else the
    /// OS locale's. A one-row read of the settings table.
    pub fn language(&self) -> notify::Language {
        self.store
            .conn()
            .ok()
            .and_then(|c| preferences::language_in(&c).ok().flatten())
            .unwrap_or(self.config.locale.language)
    }

    /// What the tray shows now (counts only: the app's own status, not a member's read).
    pub async fn tray_status(&self) -> Result<badge::TrayStatus> {
        let query = inbox::InboxQuery {
            status: inbox::StatusFilter::Unanswered,
            limit: Some(1),
            ..inbox::InboxQuery::default()
        };
        let page = self.store.run(move |c| inbox::list(c, &query)).await?;
        let now = self.clock.now();
        let oldest = page
            .items
            .first()
            .and_then(|q| chrono::DateTime::parse_from_rfc3339(&q.date_created).ok())
            .map(|at| (now - at.with_timezone(&chrono::Utc)).num_minutes());
        let low = self.store.run(|c| stock::low_count(c)).await?;
        Ok(badge::status(page.unanswered, oldest, low, self.language()))
    }

    /// The account of a pack (or an order without one), from the store.
    pub(crate) async fn account_of_pack(&self, pack_id: i64) -> Result<i64> {
        self.store
            .run(move |c| store::messages::account_of_pack(c, pack_id))
            .await?
            .ok_or_else(|| Error::NotFound(format!("conversation {pack_id}")))
    }

    /// Where the files of queued messages are kept until they land (beside the store).
    pub(crate) fn attachments_dir(&self) -> PathBuf {
        self.config
            .db_path
            .parent()
            .map(|d| d.join("attachments"))
            .unwrap_or_else(|| PathBuf::from("attachments"))
    }

    /// Asks every account task to poll now.
    pub fn sync_now(&self) {
        self.trigger.notify_waiters();
        self.outbox.wake();
    }
}
