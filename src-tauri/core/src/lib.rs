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
pub mod applications;
pub mod badge;
pub mod clock;
pub mod connect;
pub mod error;
pub mod events;
pub mod inbox;
pub mod launch;
pub mod links;
pub mod marketplace;
pub mod notify;
pub mod outbox;
pub mod photos;
pub mod preferences;
pub mod replies;
pub mod secrets;
pub mod store;
pub mod sync;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

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
}

impl CoreConfig {
    /// The defaults for a database at `db_path`: a 5 s question poll (10 s when idle), a 60 s
    /// bulk pass, and [`marketplace::budget::DEFAULT_REQUESTS_PER_SECOND`].
    pub fn new(db_path: PathBuf) -> Self {
        Self {
            db_path,
            poll_interval: Duration::from_secs(5),
            idle_poll_interval: Duration::from_secs(10),
            locale: notify::Locale::default(),
            requests_per_second: marketplace::budget::DEFAULT_REQUESTS_PER_SECOND,
            bulk_interval: Some(Duration::from_secs(60)),
            endpoints: launch::Endpoints::default(),
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
    runner: std::sync::Mutex<Option<Runner>>,
    focused: Arc<std::sync::atomic::AtomicBool>,
    pending: std::sync::Mutex<Option<PendingConnect>>,
    word_stats: Arc<replies::WordStats>,
    photos: photos::Photos,
}

/// Where background tasks are spawned while the core runs.
#[derive(Clone)]
struct Runner {
    tracker: TaskTracker,
    cancel: CancellationToken,
    per_account: Arc<std::sync::Mutex<std::collections::HashMap<i64, CancellationToken>>>,
}

/// A connection attempt waiting for its redirect.
struct PendingConnect {
    authorization: connect::Authorization,
    api_base: String,
    site_id: String,
    client: marketplace::oauth::ClientCredentials,
    listener: Option<tokio::task::AbortHandle>,
}

impl Drop for PendingConnect {
    fn drop(&mut self) {
        if let Some(l) = self.listener.take() {
            l.abort();
        }
    }
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

    /// Starts connecting an account: returns the authorization address to open in the browser.
    /// When the redirect URI is a loopback `http://` address, a listener catches the redirect
    /// and finishes by itself; otherwise (and always as a fallback) the user pastes the address
    /// they landed on into [`Core::finish_connect`].
    /// An empty secret means "the one remembered for this site and application id".
    pub async fn begin_connect(
        self: &Arc<Self>,
        request: accounts::ConnectRequest,
    ) -> Result<String> {
        let client_id = request.client_id.trim().to_owned();
        let redirect_uri = request.redirect_uri.trim().to_owned();
        let mut client_secret = request.client_secret.trim().to_owned();
        if client_secret.is_empty()
            && let Some(saved) = applications::load(self.secrets.clone(), &request.site_id).await?
            && saved.client.client_id == client_id
        {
            client_secret = saved.client.client_secret.expose().clone();
        }
        if client_id.is_empty() || client_secret.is_empty() {
            return Err(Error::InvalidInput(
                "the application id and secret are required".into(),
            ));
        }
        if url::Url::parse(&redirect_uri).is_err() {
            return Err(Error::InvalidInput(
                "the redirect URI must be a full address (https://…)".into(),
            ));
        }
        let endpoints = &self.config.endpoints;
        let auth_base = match &endpoints.auth_base {
            Some(base) => base.clone(),
            None => connect::auth_host(&request.site_id)
                .ok_or_else(|| Error::InvalidInput(format!("unknown site {}", request.site_id)))?
                .to_owned(),
        };
        let api_base = endpoints
            .api_base
            .clone()
            .unwrap_or_else(|| marketplace::MERCADO_LIBRE_API.to_owned());
        let authorization = connect::Authorization::begin(&auth_base, &client_id, &redirect_uri)?;
        let url = authorization.url.clone();
        // A new attempt replaces (and stops listening for) the previous one.
        *locked(&self.pending) = None;
        let listener = authorization.catch_redirect().map(|catcher| {
            let core = Arc::clone(self);
            tokio::spawn(async move {
                match catcher.await {
                    Ok(landed) => {
                        if let Err(e) = core.finish_connect(&landed).await {
                            tracing::warn!(error = %e, "connecting from the caught redirect failed");
                            core.events
                                .publish(Event::ConnectionFailed { code: e.code() });
                        }
                    }
                    Err(e) => tracing::info!(error = %e, "no redirect caught; waiting for a paste"),
                }
            })
            .abort_handle()
        });
        *locked(&self.pending) = Some(PendingConnect {
            authorization,
            api_base,
            site_id: request.site_id,
            client: marketplace::oauth::ClientCredentials {
                client_id,
                client_secret: secrets::Sensitive::new(client_secret),
            },
            listener,
        });
        Ok(url)
    }

    /// Finishes the pending connection from the address the browser landed on: checks `state`,
    /// exchanges the code (with the PKCE verifier), stores the tokens in the keyring, and starts
    /// syncing the account.
    pub async fn finish_connect(&self, landed: &str) -> Result<accounts::AccountSummary> {
        let (connection, site_id) = {
            let pending = locked(&self.pending);
            let p = pending.as_ref().ok_or_else(|| {
                Error::InvalidInput("no connection is in progress; start again".into())
            })?;
            let code = p.authorization.code_from_redirect(landed)?;
            let connection = accounts::Connection {
                api_base: p.api_base.clone(),
                client: p.client.clone(),
                code,
                redirect_uri: p.authorization.redirect_uri.clone(),
                pkce: Some(p.authorization.pkce().clone()),
            };
            (connection, p.site_id.clone())
        };
        let (client, redirect_uri) = (connection.client.clone(), connection.redirect_uri.clone());
        let account = self.connect(connection).await?;
        // The next account of this site needs only the browser step.
        if let Err(e) =
            applications::remember(self.secrets.clone(), &site_id, &client, &redirect_uri).await
        {
            tracing::warn!(error = %e, "could not remember the application");
        }
        tracing::info!(
            account_id = account.id,
            "account connected from the browser"
        );
        // Taken out before dropping, so a listener finishing this very call is not aborted
        // while it runs it.
        if let Some(mut done) = locked(&self.pending).take() {
            done.listener = None;
        }
        self.sessions.remove(account.id);
        self.spawn_account(&account)?;
        self.events.publish(Event::AccountsChanged);
        Ok(account.into())
    }

    /// The application remembered for `site_id` (no secret), to prefill the connect form.
    pub async fn saved_application(
        &self,
        site_id: &str,
    ) -> Result<Option<applications::ApplicationInfo>> {
        applications::info(self.secrets.clone(), site_id).await
    }

    /// Disconnects an account: stops its sync, removes its secrets from the keyring and its
    /// data from the store.
    pub async fn disconnect(&self, account_id: i64) -> Result<()> {
        if let Some(runner) = locked(&self.runner).clone()
            && let Some(token) = locked(&runner.per_account).remove(&account_id)
        {
            token.cancel();
        }
        self.sessions.remove(account_id);
        accounts::forget_secrets(self.secrets.clone(), account_id).await?;
        self.store
            .run(move |c| store::accounts::delete(c, account_id))
            .await?;
        tracing::info!(account_id, "account disconnected");
        self.events.publish(Event::AccountsChanged);
        Ok(())
    }

    /// Starts the sync tasks of `account` when the core is running (replacing earlier ones).
    fn spawn_account(&self, account: &Account) -> Result<()> {
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
            runner.tracker.spawn(sync::run_bulk(ctx, session, token));
        }
        Ok(())
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
            idle_poll_interval: self
                .config
                .idle_poll_interval
                .max(self.config.poll_interval),
            focused: self.focused.clone(),
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
            if account.status != "connected" {
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
        runner.tracker.spawn(async move {
            if let Err(e) = outbox.run(transport, worker_cancel).await {
                tracing::error!(error = %e, "outbox worker stopped");
            }
        });
        Ok(Running {
            tracker: runner.tracker,
            cancel,
        })
    }

    /// One page of the inbox.
    pub async fn inbox(&self, query: InboxQuery) -> Result<InboxPage> {
        self.store.run(move |c| inbox::list(c, &query)).await
    }

    /// One page of the inbox grouped by listing or by buyer.
    pub async fn inbox_groups(
        &self,
        query: inbox::groups::GroupQuery,
    ) -> Result<inbox::groups::GroupPage> {
        self.store
            .run(move |c| inbox::groups::list(c, &query))
            .await
    }

    /// One page of everything waiting for the seller: questions and conversations.
    pub async fn waiting(
        &self,
        query: inbox::waiting::WaitingQuery,
    ) -> Result<inbox::waiting::WaitingPage> {
        self.store
            .run(move |c| inbox::waiting::list(c, &query))
            .await
    }

    /// One page of post-sale conversations.
    pub async fn conversations(
        &self,
        query: inbox::conversations::ConversationQuery,
    ) -> Result<inbox::conversations::ConversationPage> {
        self.store
            .run(move |c| inbox::conversations::list(c, &query))
            .await
    }

    /// A post-sale conversation with all its messages.
    pub async fn conversation(
        &self,
        account_id: i64,
        pack_id: i64,
    ) -> Result<inbox::conversations::ConversationThread> {
        self.store
            .run(move |c| inbox::conversations::thread(c, account_id, pack_id))
            .await
    }

    /// A listing's photo as a `data:` URL (fetched once, then from the store).
    pub async fn listing_photo(&self, item_id: &str) -> Result<Option<String>> {
        self.photos
            .for_listing(&self.store, item_id, self.clock.now())
            .await
    }

    /// The detail pane's context of a question: the buyer's history and the listing's stock.
    pub async fn question_context(
        &self,
        question_id: i64,
    ) -> Result<inbox::context::QuestionContext> {
        self.store
            .run(move |c| inbox::context::for_question(c, question_id))
            .await
    }

    /// Queues an answer; it is sent by the outbox worker.
    pub async fn answer(&self, question_id: i64, text: &str) -> Result<i64> {
        self.outbox.queue_answer(question_id, text).await
    }

    /// Queues a post-sale message to the buyer of `pack_id` (a pack, or an order without one).
    pub async fn send_message(&self, account_id: i64, pack_id: i64, text: &str) -> Result<i64> {
        let buyer_id = self
            .store
            .run(move |c| {
                use rusqlite::OptionalExtension;
                // The order names the buyer; until it is synced, the buyer's own messages do.
                Ok(c.query_row(
                    "SELECT buyer_id FROM orders WHERE +account_id = ?1 AND (pack_id = ?2 OR id = ?2)
                       AND buyer_id IS NOT NULL
                     UNION ALL
                     SELECT from_id FROM messages WHERE account_id = ?1 AND pack_id = ?2
                       AND from_id != ?1
                     LIMIT 1",
                    rusqlite::params![account_id, pack_id],
                    |r| r.get::<_, i64>(0),
                )
                .optional()?)
            })
            .await?
            .ok_or_else(|| {
                Error::NotFound(format!("no order or conversation with pack {pack_id}"))
            })?;
        let write = outbox::Write::Message {
            pack_id,
            buyer_id,
            text: text.trim().to_owned(),
            queued_at: self.clock.now(),
        };
        self.outbox.queue_write(account_id, write).await
    }

    /// Queues new stock for a listing (or one of its variations).
    pub async fn set_stock(
        &self,
        account_id: i64,
        item_id: &str,
        variation_id: Option<i64>,
        quantity: i64,
    ) -> Result<i64> {
        let write = outbox::Write::Stock {
            item_id: item_id.to_owned(),
            variation_id,
            quantity,
        };
        self.outbox.queue_write(account_id, write).await
    }

    /// Queues deleting a question (spam, insults).
    pub async fn delete_question(&self, question_id: i64) -> Result<i64> {
        let account_id = self
            .store
            .run(move |c| store::questions::get(c, question_id))
            .await?
            .ok_or_else(|| Error::NotFound(format!("question {question_id}")))?
            .account_id;
        self.outbox
            .queue_write(account_id, outbox::Write::DeleteQuestion { question_id })
            .await
    }

    /// Queues blocking a buyer from asking `account_id` questions.
    pub async fn block_buyer(&self, account_id: i64, buyer_id: i64) -> Result<i64> {
        self.outbox
            .queue_write(account_id, outbox::Write::BlockBuyer { buyer_id })
            .await
    }

    /// Quick replies offered for `item_id` (all when `None`), most used first.
    pub async fn templates(
        &self,
        item_id: Option<String>,
    ) -> Result<Vec<store::templates::Template>> {
        self.store
            .run(move |c| store::templates::list(c, item_id.as_deref()))
            .await
    }

    /// Creates (`id` = `None`) or updates a quick reply; returns its id.
    pub async fn save_template(
        &self,
        id: Option<i64>,
        draft: store::templates::Draft,
    ) -> Result<i64> {
        if draft.title.trim().is_empty() || draft.text.trim().is_empty() {
            return Err(Error::InvalidInput(
                "a quick reply needs a title and a text".into(),
            ));
        }
        let now = self.clock.now();
        self.store
            .run(move |c| store::templates::save(c, id, &draft, now))
            .await
    }

    /// Deletes a quick reply.
    pub async fn delete_template(&self, id: i64) -> Result<()> {
        self.store
            .run(move |c| store::templates::delete(c, id))
            .await
    }

    /// Fills a quick reply for a question (the preview, and what is inserted).
    pub async fn render_template(
        &self,
        text: String,
        question_id: i64,
    ) -> Result<replies::Rendered> {
        let ctx = self
            .store
            .run(move |c| replies::context_for(c, question_id))
            .await?;
        Ok(replies::render(&text, &ctx))
    }

    /// Counts one use of a quick reply (most used come first).
    pub async fn template_used(&self, id: i64) -> Result<()> {
        self.store.run(move |c| store::templates::used(c, id)).await
    }

    /// Checks a text being typed (length, phones, e-mails, links).
    pub fn lint(&self, text: &str, kind: replies::TextKind) -> replies::Lint {
        replies::lint(text, kind)
    }

    /// The seller's past answers for a question, best first.
    pub async fn suggestions(&self, question_id: i64) -> Result<Vec<replies::Suggestion>> {
        self.store
            .run({
                let stats = self.word_stats.clone();
                move |c| replies::suggestions(c, &stats, question_id, 5)
            })
            .await
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

    /// What the tray shows now.
    pub async fn tray_status(&self) -> Result<badge::TrayStatus> {
        let page = self
            .inbox(InboxQuery {
                status: inbox::StatusFilter::Unanswered,
                limit: Some(1),
                ..InboxQuery::default()
            })
            .await?;
        let now = self.clock.now();
        let oldest = page
            .items
            .first()
            .and_then(|q| chrono::DateTime::parse_from_rfc3339(&q.date_created).ok())
            .map(|at| (now - at.with_timezone(&chrono::Utc)).num_minutes());
        Ok(badge::status(page.unanswered, oldest, self.language()))
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
