//! Which core the window talks to, and switching at run time: the demo (the sandbox in process,
//! its own database and keyring namespace, fresh every time) or the seller's real accounts (the
//! persistent database, the OS keyring, Mercado Libre or the addresses the environment names).
//!
//! A switch opens and starts the new core first, then makes it the active one, then stops the
//! old one; the window is told (`app://mode`) and refetches everything.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::Context;
use mostrador_core::clock::SystemClock;
use mostrador_core::launch::{self, AppMode, Endpoints, Mode};
use mostrador_core::secrets::{KeyringStore, MemoryStore, SecretStore, Sensitive};
use mostrador_core::{Core, CoreConfig, Running};
use mostrador_sandbox::Sandbox;
use tauri::{AppHandle, Emitter, Manager};
use tokio_util::sync::CancellationToken;

use crate::cli::Options;

/// Keyring namespace of the real accounts; the demo's adds `.demo`, so they never mix.
pub const KEYRING_SERVICE: &str = "com.mostrador.app";

/// Event telling the window the mode changed: it refetches everything.
pub const MODE_EVENT: &str = "app://mode";

/// One running core and what runs beside it.
pub struct Active {
    /// Demo or real.
    pub mode: Mode,
    /// The core the commands call.
    pub core: Arc<Core>,
    running: std::sync::Mutex<Option<Running>>,
    sandbox: std::sync::Mutex<Option<Sandbox>>,
    bridge: CancellationToken,
}

/// The modes of this app: the active one, and how to open either.
pub struct Modes {
    data_dir: PathBuf,
    options: Options,
    /// Where real connections go (Mercado Libre, or the environment's addresses).
    endpoints: Endpoints,
    welcome: AtomicBool,
    active: RwLock<Option<Arc<Active>>>,
    switching: tokio::sync::Mutex<()>,
}

/// Demo secrets go to the OS keyring when one answers, else stay in memory (the sandbox's tokens
/// are worthless outside this process).
fn demo_secrets() -> Arc<dyn SecretStore> {
    let keyring = KeyringStore::new(format!("{KEYRING_SERVICE}.demo"));
    let probe = Sensitive::new("ok".to_owned());
    let (tx, rx) = std::sync::mpsc::channel();
    let k = keyring.clone();
    std::thread::spawn(move || {
        let _ = tx.send(k.set("probe", &probe).and_then(|_| k.delete("probe")));
    });
    match rx.recv_timeout(Duration::from_secs(5)) {
        Ok(Ok(())) => Arc::new(keyring),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "no usable OS keyring; demo tokens stay in memory");
            Arc::new(MemoryStore::default())
        }
        Err(_) => {
            tracing::warn!("the OS keyring did not answer; demo tokens stay in memory");
            Arc::new(MemoryStore::default())
        }
    }
}

/// The OS language (LC_ALL, LC_MESSAGES, LANG) and the local UTC offset, for notifications.
fn os_locale() -> mostrador_core::notify::Locale {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty() && v != "C" && v != "POSIX")
        .unwrap_or_default();
    mostrador_core::notify::Locale {
        language: mostrador_core::notify::Language::from_locale(&locale),
        utc_offset_minutes: chrono::Local::now().offset().local_minus_utc() / 60,
    }
}

impl Modes {
    /// Reads the environment's addresses and decides how this launch starts.
    pub fn new(data_dir: PathBuf, options: Options) -> anyhow::Result<(Self, Mode)> {
        let endpoints = Endpoints::from_vars(|k| std::env::var(k).ok())?;
        if let Some(api) = &endpoints.api_base {
            tracing::warn!(api = %api, "{} is set: real accounts use this API address", launch::API_BASE_VAR);
        }
        if let Some(auth) = &endpoints.auth_base {
            tracing::warn!(auth = %auth, "{} is set: real accounts authorize there", launch::AUTH_BASE_VAR);
        }
        let real_db = launch::real_db(&data_dir);
        let has_accounts = real_db.exists() && {
            let store = mostrador_core::store::Store::open(&real_db)?;
            !mostrador_core::store::accounts::list(&*store.conn()?)?.is_empty()
        };
        let start = launch::decide(options.demo, has_accounts, launch::remembered(&data_dir));
        Ok((
            Self {
                data_dir,
                options,
                endpoints,
                welcome: AtomicBool::new(start.welcome),
                active: RwLock::new(None),
                switching: tokio::sync::Mutex::new(()),
            },
            start.mode,
        ))
    }

    fn current(&self) -> Option<Arc<Active>> {
        self.active
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The active core. Every command goes through it.
    pub fn core(&self) -> Arc<Core> {
        match self.current() {
            Some(a) => a.core.clone(),
            // `setup` activates a mode before any window or command exists.
            None => unreachable!("no active mode before setup finished"),
        }
    }

    /// What the window shows about the mode.
    pub fn describe(&self) -> AppMode {
        let mode = self.current().map_or(Mode::Real, |a| a.mode);
        let real = mode == Mode::Real;
        AppMode {
            mode,
            welcome: real && self.welcome.load(Ordering::Relaxed),
            api_override: self.endpoints.api_base.clone().filter(|_| real),
            auth_override: self.endpoints.auth_base.clone().filter(|_| real),
        }
    }

    /// Opens and starts `mode`, makes it the active one, then stops the one it replaces.
    pub async fn activate(&self, app: &AppHandle, mode: Mode) -> anyhow::Result<()> {
        let _one_at_a_time = self.switching.lock().await;
        if self.current().is_some_and(|a| a.mode == mode) {
            return Ok(());
        }
        let next = Arc::new(self.open(app, mode).await?);
        crate::events::bridge(app.clone(), next.core.clone(), next.bridge.clone());
        let previous = self
            .active
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .replace(next.clone());
        tracing::info!(?mode, "mode active");
        if let Some(window) = app.get_webview_window("main") {
            next.core.set_focused(window.is_focused().unwrap_or(false));
        }
        crate::tray::refresh(app, &next.core).await;
        if let Some(old) = previous {
            stop(old).await;
        }
        Ok(())
    }

    /// The seller chose on the welcome screen or from the banner: remember it and switch.
    pub async fn choose(&self, app: &AppHandle, mode: Mode) -> anyhow::Result<AppMode> {
        if let Err(e) = launch::remember(&self.data_dir, mode) {
            tracing::warn!(error = %e, "could not remember the start choice");
        }
        self.welcome.store(false, Ordering::Relaxed);
        self.activate(app, mode).await?;
        let described = self.describe();
        let _ = app.emit(MODE_EVENT, described.clone());
        Ok(described)
    }

    fn config(&self, db_path: PathBuf, endpoints: Endpoints) -> CoreConfig {
        CoreConfig {
            poll_interval: self.options.poll_interval,
            idle_poll_interval: self.options.idle_poll_interval,
            locale: os_locale(),
            endpoints,
            ..CoreConfig::new(db_path)
        }
    }

    async fn open(&self, app: &AppHandle, mode: Mode) -> anyhow::Result<Active> {
        let notifier = Arc::new(crate::notifier::DesktopNotifier::new(app.clone()));
        let (core, sandbox) = match mode {
            Mode::Real => {
                let config = self.config(launch::real_db(&self.data_dir), self.endpoints.clone());
                let secrets: Arc<dyn SecretStore> = Arc::new(KeyringStore::new(KEYRING_SERVICE));
                let core = Core::open(config, secrets, notifier, Arc::new(SystemClock))?;
                (Arc::new(core), None)
            }
            Mode::Demo => {
                // Demo data is ephemeral: a fresh seller every time.
                let dir = launch::demo_dir(&self.data_dir);
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir).context("demo folder")?;
                let sandbox = crate::demo::start_sandbox(&self.options).await?;
                let config =
                    self.config(dir.join("mostrador.db"), Endpoints::all_at(&sandbox.url()));
                let secrets = tokio::task::spawn_blocking(demo_secrets).await?;
                let core = Arc::new(Core::open(
                    config,
                    secrets,
                    notifier,
                    Arc::new(SystemClock),
                )?);
                crate::demo::connect(&core, &sandbox).await?;
                crate::demo::seed_templates(&core).await?;
                (core, Some(sandbox))
            }
        };
        tracing::info!(?mode, "starting Mostrador");
        let running = core.start(CancellationToken::new()).await?;
        Ok(Active {
            mode,
            core,
            running: std::sync::Mutex::new(Some(running)),
            sandbox: std::sync::Mutex::new(sandbox),
            bridge: CancellationToken::new(),
        })
    }

    /// Stops the active mode (on exit).
    pub async fn shutdown(&self) {
        let active = self
            .active
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(a) = active {
            stop(a).await;
        }
    }
}

/// Stops a replaced (or the last) mode: its sync and outbox, its sandbox, its event bridge.
async fn stop(active: Arc<Active>) {
    active.bridge.cancel();
    let running = active
        .running
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    let sandbox = active
        .sandbox
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    if let Some(r) = running {
        r.shutdown(Duration::from_secs(3)).await;
    }
    if let Some(s) = sandbox {
        s.stop().await;
    }
}
