//! Mostrador's Tauri shell: wiring only. It opens the core, starts demo mode when no account is
//! connected, registers the commands, bridges core events to the window and displays
//! notifications. Business logic lives in `mostrador-core`.

mod browser;
mod cli;
mod commands;
mod demo;
mod events;
mod logging;
mod notifier;
mod tray;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use mostrador_core::clock::SystemClock;
use mostrador_core::secrets::{KeyringStore, MemoryStore, SecretStore, Sensitive};
use mostrador_core::{Core, CoreConfig, Running};
use mostrador_sandbox::Sandbox;
use tauri::{Manager, RunEvent};
use tokio_util::sync::CancellationToken;

use crate::commands::AppState;

/// Keyring namespace; demo data never mixes with a real installation's.
const KEYRING_SERVICE: &str = "com.mostrador.app";

/// Background work to stop on exit.
#[derive(Default)]
struct Lifecycle {
    running: Mutex<Option<Running>>,
    sandbox: Mutex<Option<Sandbox>>,
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

fn setup(app: &mut tauri::App, options: cli::Options) -> anyhow::Result<()> {
    let base: PathBuf = match &options.data_dir {
        Some(dir) => dir.clone(),
        None => app.path().app_data_dir().context("no app data directory")?,
    };
    std::fs::create_dir_all(&base)?;
    let guard = logging::init(&base)?;
    app.manage(guard);

    let real_db = base.join("mostrador.db");
    let has_accounts = real_db.exists() && {
        let store = mostrador_core::store::Store::open(&real_db)?;
        !mostrador_core::store::accounts::list(&*store.conn()?)?.is_empty()
    };
    let demo = options.demo || !has_accounts;
    let (db_path, secrets): (PathBuf, Arc<dyn SecretStore>) = if demo {
        // Demo data is ephemeral: a fresh seller every launch.
        let dir = base.join("demo");
        let _ = std::fs::remove_dir_all(&dir);
        (dir.join("mostrador.db"), demo_secrets())
    } else {
        (real_db, Arc::new(KeyringStore::new(KEYRING_SERVICE)))
    };
    tracing::info!(demo, db = %db_path.display(), "starting Mostrador");

    let core = Arc::new(Core::open(
        CoreConfig {
            poll_interval: options.poll_interval,
            idle_poll_interval: options.idle_poll_interval,
            locale: os_locale(),
            ..CoreConfig::new(db_path)
        },
        secrets,
        Arc::new(notifier::DesktopNotifier::new(app.handle().clone())),
        Arc::new(SystemClock),
    )?);
    let lifecycle = Lifecycle::default();
    let start_minimized = tauri::async_runtime::block_on(async {
        if demo {
            let sandbox = demo::start(&core, &options).await?;
            // Accounts connected from the UI in demo mode go to the sandbox as well.
            core.set_api_override(Some(sandbox.url()));
            *lifecycle.sandbox.lock().unwrap_or_else(|e| e.into_inner()) = Some(sandbox);
        }
        let running = core.start(CancellationToken::new()).await?;
        *lifecycle.running.lock().unwrap_or_else(|e| e.into_inner()) = Some(running);
        // An unreadable preference starts the window shown, as before it was ever set.
        let minimized = core.preferences().await.map(|p| p.start_minimized);
        anyhow::Ok(minimized.unwrap_or(false))
    })?;
    let start_hidden = options.minimized || start_minimized;
    if start_hidden && let Some(window) = app.get_webview_window("main") {
        let _ = window.hide();
    }
    app.manage(tray::Shown::default());
    events::bridge(app.handle().clone(), core.clone());
    tray::build(app.handle(), core.clone())?;
    // The age of the oldest question changes with time alone: refresh the tray every minute.
    let (handle, tray_core) = (app.handle().clone(), core.clone());
    tauri::async_runtime::spawn(async move {
        loop {
            tray::refresh(&handle, &tray_core).await;
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    });
    app.manage(AppState { core });
    app.manage(lifecycle);
    Ok(())
}

fn shutdown(app: &tauri::AppHandle) {
    let Some(lifecycle) = app.try_state::<Lifecycle>() else {
        return;
    };
    let running = lifecycle
        .running
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    let sandbox = lifecycle
        .sandbox
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    tauri::async_runtime::block_on(async {
        if let Some(r) = running {
            r.shutdown(Duration::from_secs(3)).await;
        }
        if let Some(s) = sandbox {
            s.stop().await;
        }
    });
    tracing::info!("stopped cleanly");
}

/// Builds and runs the app.
pub fn run() {
    let options = match cli::parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("mostrador: {e:#}");
            std::process::exit(2);
        }
    };
    let app = tauri::Builder::default()
        // The login item starts Mostrador hidden in the tray.
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec!["--minimized"]),
        ))
        // A second launch focuses the running app instead of starting another.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tray::show_main(app)
        }))
        // Closing the window keeps Mostrador syncing in the tray; "Salir" in the tray quits.
        .on_window_event(|window, event| match event {
            tauri::WindowEvent::CloseRequested { api, .. } => {
                api.prevent_close();
                let _ = window.hide();
            }
            tauri::WindowEvent::Focused(focused) => {
                if let Some(state) = window.try_state::<commands::AppState>() {
                    state.core.set_focused(*focused);
                }
            }
            _ => {}
        })
        .setup(move |app| {
            setup(app, options).map_err(|e| {
                eprintln!("mostrador: cannot start: {e:#}");
                e.into()
            })
        })
        .invoke_handler(tauri::generate_handler![
            commands::inbox::inbox_list,
            commands::inbox::inbox_groups,
            commands::inbox::reply_send,
            commands::inbox::sync_now,
            commands::inbox::questions_delete,
            commands::inbox::question_context,
            commands::inbox::listing_photo,
            commands::inbox::buyers_block,
            commands::conversations::conversations_list,
            commands::conversations::conversation_get,
            commands::conversations::message_send,
            commands::conversations::waiting_list,
            commands::notifications::notifications_get,
            commands::notifications::notifications_set,
            commands::notifications::notifications_pause,
            commands::accounts::account_list,
            commands::accounts::connect_begin,
            commands::accounts::connect_finish,
            commands::accounts::account_disconnect,
            commands::accounts::sync_progress,
            commands::notifications::tray_status,
            commands::replies::templates_list,
            commands::replies::template_save,
            commands::replies::template_delete,
            commands::replies::template_render,
            commands::replies::template_used,
            commands::replies::text_lint,
            commands::replies::reply_suggestions,
            commands::notifications::preferences_get,
            commands::notifications::preferences_set,
        ])
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|handle, event| {
            if let RunEvent::Exit = event {
                shutdown(handle);
            }
        }),
        Err(e) => {
            eprintln!("mostrador: {e:#}");
            std::process::exit(1);
        }
    }
}
