//! Shared support for Mostrador's integration tests: a sandbox on loopback, a core on a real
//! SQLite file connected to it through the real OAuth code exchange, and a notifier that records.
//!
//! Tests that need the desktop session (Secret Service, notification daemon, X server) call
//! [`require_desktop_session`] first: `cargo xtask test` provides that session, and without it
//! those tests fail with a message that says so rather than passing vacuously.

pub mod footprint;
pub mod kill9;
pub mod window;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use mostrador_core::marketplace::oauth::{ClientCredentials, Pkce};
use mostrador_core::notify::{Notification, Notifier};
use mostrador_core::secrets::{SecretStore, Sensitive};
use mostrador_core::{Core, CoreConfig, Running};
use mostrador_sandbox::{Sandbox, SandboxConfig};
use tokio_util::sync::CancellationToken;

/// Installs a test log subscriber once (RUST_LOG controls it).
pub fn init_logging() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_test_writer()
        .try_init();
}

/// Fails unless the private desktop session of `cargo xtask test` is present.
pub fn require_desktop_session() {
    assert!(
        std::env::var_os("MOSTRADOR_DESKTOP_SESSION").is_some()
            && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "this test needs the private D-Bus session with gnome-keyring and a notification daemon \
         that `cargo xtask test` sets up; run it through `cargo xtask test`"
    );
}

/// A keyring that refuses to store (`failing`) or to read too (`failing_reads`) while set: locked,
/// or its daemon restarting.
#[derive(Default)]
pub struct FlakyKeyring {
    /// The secrets it holds.
    pub inner: mostrador_core::secrets::MemoryStore,
    /// Refuse to store or delete.
    pub failing: std::sync::atomic::AtomicBool,
    /// Refuse to read.
    pub failing_reads: std::sync::atomic::AtomicBool,
}

impl SecretStore for FlakyKeyring {
    fn set(
        &self,
        key: &str,
        value: &mostrador_core::secrets::Sensitive<String>,
    ) -> mostrador_core::Result<()> {
        if self.failing.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(mostrador_core::Error::keyring(
                "the keyring is locked",
                None,
            ));
        }
        self.inner.set(key, value)
    }
    fn get(
        &self,
        key: &str,
    ) -> mostrador_core::Result<Option<mostrador_core::secrets::Sensitive<String>>> {
        if self.failing_reads.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(mostrador_core::Error::keyring(
                "the keyring is locked",
                None,
            ));
        }
        self.inner.get(key)
    }
    fn delete(&self, key: &str) -> mostrador_core::Result<()> {
        if self.failing.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(mostrador_core::Error::keyring(
                "the keyring is locked",
                None,
            ));
        }
        self.inner.delete(key)
    }
}

/// A notifier that remembers what it was asked to show.
#[derive(Default)]
pub struct RecordingNotifier {
    shown: Mutex<Vec<Notification>>,
}

impl RecordingNotifier {
    /// Everything shown so far.
    pub fn shown(&self) -> Vec<Notification> {
        self.shown.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Notifier for RecordingNotifier {
    fn show(&self, notification: Notification) {
        self.shown
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(notification);
    }
}

/// The system clock moved by a fixed offset: a computer whose clock is wrong.
#[derive(Debug, Clone, Copy)]
pub struct OffsetClock(pub chrono::Duration);

impl mostrador_core::clock::Clock for OffsetClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() + self.0
    }
}

/// How a [`Harness`] starts.
#[derive(Debug, Clone)]
pub struct Options {
    /// Size of the sandbox's seller.
    pub profile: mostrador_sandbox::seed::Profile,
    /// Latency, rate limit and faults of the sandbox from the start.
    pub faults: mostrador_sandbox::world::Faults,
    /// The new-questions poll interval.
    pub poll_interval: Duration,
    /// The bulk pass interval; `None` (the default) runs only the questions poll, so tests of
    /// the fast lane see only its requests.
    pub bulk_interval: Option<Duration>,
    /// The core's request budget per account.
    pub requests_per_second: u32,
    /// How far the core's clock is from the real one (a computer whose clock is off).
    pub clock_offset: chrono::Duration,
    /// Time between two linked-stock rounds of an account.
    pub link_interval: Duration,
    /// Time between two reads of the post-sale unread counts (idle); `None`: the poll interval.
    pub message_interval: Option<Duration>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            profile: mostrador_sandbox::seed::Profile::Tiny,
            faults: mostrador_sandbox::world::Faults::default(),
            poll_interval: Duration::from_secs(3600),
            bulk_interval: None,
            requests_per_second: 1000,
            clock_offset: chrono::Duration::zero(),
            link_interval: Duration::from_secs(15),
            message_interval: None,
        }
    }
}

/// A sandbox plus a core connected to its demo seller.
pub struct Harness {
    /// The simulated Mercado Libre.
    pub sandbox: Sandbox,
    /// The core under test.
    pub core: Arc<Core>,
    /// What the core asked to notify.
    pub notifier: Arc<RecordingNotifier>,
    /// Control-API client.
    pub http: reqwest::Client,
    /// The demo seller's id.
    pub seller_id: i64,
    dir: tempfile::TempDir,
    running: Option<Running>,
}

impl Harness {
    /// Starts a sandbox (no simulated traffic) and a core on a fresh SQLite file, connected
    /// through `/_sandbox/authorize` + the real `/oauth/token` exchange with PKCE.
    pub async fn start(
        secrets: Arc<dyn SecretStore>,
        poll_interval: Duration,
    ) -> anyhow::Result<Self> {
        let recorder = Arc::new(RecordingNotifier::default());
        Self::start_with(secrets, poll_interval, recorder.clone(), recorder).await
    }

    /// Like [`Harness::start`], with the core announcing through `core_notifier`.
    pub async fn start_with(
        secrets: Arc<dyn SecretStore>,
        poll_interval: Duration,
        core_notifier: Arc<dyn Notifier>,
        notifier: Arc<RecordingNotifier>,
    ) -> anyhow::Result<Self> {
        let options = Options {
            poll_interval,
            ..Options::default()
        };
        Self::start_opts(secrets, options, core_notifier, notifier).await
    }

    /// Starts a sandbox and a core as `options` say.
    pub async fn start_opts(
        secrets: Arc<dyn SecretStore>,
        options: Options,
        core_notifier: Arc<dyn Notifier>,
        notifier: Arc<RecordingNotifier>,
    ) -> anyhow::Result<Self> {
        init_logging();
        let sandbox = Sandbox::start(SandboxConfig {
            profile: options.profile,
            faults: options.faults,
            ..SandboxConfig::default()
        })
        .await?;
        let dir = tempfile::tempdir()?;
        let core = Core::open(
            CoreConfig {
                poll_interval: options.poll_interval,
                idle_poll_interval: options.poll_interval,
                bulk_interval: options.bulk_interval,
                requests_per_second: options.requests_per_second,
                link_interval: options.link_interval,
                message_interval: options.message_interval.unwrap_or(options.poll_interval),
                endpoints: mostrador_core::launch::Endpoints::all_at(&sandbox.url()),
                ..CoreConfig::new(dir.path().join("mostrador.db"))
            },
            secrets,
            core_notifier,
            Arc::new(OffsetClock(options.clock_offset)),
        )?;
        let http = reqwest::Client::new();
        let pkce = Pkce::from_verifier("test-verifier-0123456789-abcdefghijklmnopqrstuv".into());
        let code: serde_json::Value = http
            .post(format!("{}/_sandbox/authorize", sandbox.url()))
            .json(&serde_json::json!({
                "redirect_uri": mostrador_sandbox::REDIRECT_URI,
                "code_challenge": pkce.challenge,
            }))
            .send()
            .await?
            .json()
            .await?;
        let code = code["code"].as_str().context("no code")?.to_owned();
        let account = core
            .engine()
            .connect(mostrador_core::accounts::Connection {
                api_base: sandbox.url(),
                client: ClientCredentials {
                    client_id: mostrador_sandbox::CLIENT_ID.into(),
                    client_secret: Sensitive::new(mostrador_sandbox::CLIENT_SECRET.into()),
                },
                code,
                redirect_uri: mostrador_sandbox::REDIRECT_URI.into(),
                pkce: Some(pkce),
            })
            .await?;
        Ok(Self {
            sandbox,
            core: Arc::new(core),
            notifier,
            http,
            seller_id: account.id,
            dir,
            running: None,
        })
    }

    /// Connects another of the sandbox's sellers (e.g. the demo seller's second account,
    /// `mostrador_sandbox::seed::OUTLET_ID`) through the same code exchange; its account id.
    pub async fn connect_user(&self, user_id: i64) -> anyhow::Result<i64> {
        let pkce = Pkce::from_verifier(format!(
            "test-verifier-{user_id}-0123456789-abcdefghijklmnopqrstuv"
        ));
        let code = self
            .sandbox
            .authorize_user(user_id, Some(pkce.challenge.clone()));
        let account = self
            .core
            .engine()
            .connect(mostrador_core::accounts::Connection {
                api_base: self.sandbox.url(),
                client: ClientCredentials {
                    client_id: mostrador_sandbox::CLIENT_ID.into(),
                    client_secret: Sensitive::new(mostrador_sandbox::CLIENT_SECRET.into()),
                },
                code,
                redirect_uri: mostrador_sandbox::REDIRECT_URI.into(),
                pkce: Some(pkce),
            })
            .await?;
        Ok(account.id)
    }

    /// The core as its owner (the member every store starts with).
    pub fn owner(&self) -> mostrador_core::acting::Acting<'_> {
        self.core.acting(&self.core.at_keyboard())
    }

    /// The SQLite file.
    pub fn db_path(&self) -> std::path::PathBuf {
        self.dir.path().join("mostrador.db")
    }

    /// Starts the core's background tasks.
    pub async fn run(&mut self) -> anyhow::Result<()> {
        self.running = Some(self.core.start(CancellationToken::new()).await?);
        Ok(())
    }

    /// Stops the background tasks.
    pub async fn stop(&mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown(Duration::from_secs(5)).await;
        }
    }

    /// Injects a buyer question through the control endpoint; returns its id.
    pub async fn inject_question(&self, text: &str) -> anyhow::Result<i64> {
        let q: serde_json::Value = self
            .http
            .post(format!("{}/_sandbox/questions", self.sandbox.url()))
            .json(&serde_json::json!({ "text": text }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        q["id"].as_i64().context("no id")
    }

    /// A buyer buys one unit of the demo seller's first listing with stock, through the control
    /// endpoint (one buyer in five writes with the purchase, as in the seeded history); returns the
    /// order's id (its conversation's pack id: the order has no pack).
    pub async fn inject_order(&self) -> anyhow::Result<i64> {
        self.place_order(false).await
    }

    /// A new sale whose buyer has not written (no conversation yet): its id.
    pub async fn inject_silent_order(&self) -> anyhow::Result<i64> {
        self.place_order(true).await
    }

    async fn place_order(&self, silent_buyer: bool) -> anyhow::Result<i64> {
        let order: serde_json::Value = self
            .http
            .post(format!("{}/_sandbox/orders", self.sandbox.url()))
            .json(&serde_json::json!({ "silent_buyer": silent_buyer }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        order["id"].as_i64().context("order id")
    }

    /// The buyer of `pack` writes `text` after the sale, through the control endpoint.
    pub async fn buyer_writes(&self, pack: i64, text: &str) -> anyhow::Result<()> {
        self.http
            .post(format!("{}/_sandbox/messages", self.sandbox.url()))
            .json(&serde_json::json!({ "pack_id": pack, "text": text }))
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }

    /// Answers the sandbox received: `(question_id, text)`.
    pub async fn sandbox_answers(&self) -> anyhow::Result<Vec<(i64, String)>> {
        let list: Vec<serde_json::Value> = self
            .http
            .get(format!("{}/_sandbox/answers", self.sandbox.url()))
            .send()
            .await?
            .json()
            .await?;
        Ok(list
            .iter()
            .map(|a| {
                (
                    a["question_id"].as_i64().unwrap_or_default(),
                    a["text"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect())
    }

    /// How many times the sandbox served `key` (e.g. `"GET /questions/search"`).
    pub async fn request_count(&self, key: &str) -> anyhow::Result<u64> {
        let map: std::collections::BTreeMap<String, u64> = self
            .http
            .get(format!("{}/_sandbox/requests", self.sandbox.url()))
            .send()
            .await?
            .json()
            .await?;
        Ok(map.get(key).copied().unwrap_or(0))
    }

    /// Injects faults.
    pub async fn set_faults(&self, faults: serde_json::Value) -> anyhow::Result<()> {
        self.http
            .post(format!("{}/_sandbox/settings", self.sandbox.url()))
            .json(&faults)
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }
}

/// Polls `check` every 50 ms until it returns `Some`, or fails after `timeout` saying `what`.
pub async fn eventually<T, F, Fut>(timeout: Duration, what: &str, mut check: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Option<T>>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = check().await? {
            return Ok(v);
        }
        if start.elapsed() > timeout {
            bail!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
