//! Mostrador's Tauri shell: wiring only. It opens the core of the mode this launch starts in
//! (the welcome screen, the demo, or the seller's accounts; see [`mode`]), registers the
//! commands, bridges core events to the window and displays notifications. Business logic lives
//! in `mostrador-core`.

mod browser;
mod cli;
mod commands;
mod demo;
mod events;
mod logging;
mod mode;
mod navigation;
mod notifier;
mod rendering;
mod reveal;
mod runtime;
mod tray;
mod updates;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use tauri::{Manager, RunEvent};

use crate::commands::AppState;
use crate::mode::Modes;

fn setup(app: &mut tauri::App, options: cli::Options) -> anyhow::Result<()> {
    let base: PathBuf = match &options.data_dir {
        Some(dir) => dir.clone(),
        None => app.path().app_data_dir().context("no app data directory")?,
    };
    std::fs::create_dir_all(&base)?;
    let guard = logging::init(&base)?;
    app.manage(guard);

    let minimized = options.minimized;
    let keep_compositing = options.gpu_compositing;
    let (modes, first) = Modes::new(base, options)?;
    app.manage(AppState { modes });
    app.manage(tray::Shown::default());
    app.manage(tray::StatusLine::default());
    let handle = app.handle().clone();
    let start_minimized = tauri::async_runtime::block_on(async {
        let state = handle.state::<AppState>();
        state.modes.activate(&handle, first).await?;
        // An unreadable preference starts the window shown, as before it was ever set.
        let me = state.me();
        let minimized = me.acting().settings().preferences().await;
        let minimized = minimized.map(|p| p.start_minimized);
        anyhow::Ok(minimized.unwrap_or(false))
    })?;
    reveal::at_start(app.handle(), !(minimized || start_minimized));
    rendering::configure(app, keep_compositing);
    tray::build(app.handle())?;
    updates::start(app.handle());
    // The age of the oldest question changes with time alone: refresh the tray every minute.
    let handle = app.handle().clone();
    tauri::async_runtime::spawn(async move {
        loop {
            let core = handle.state::<AppState>().core();
            tray::refresh(&handle, &core).await;
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    });
    Ok(())
}

fn shutdown(app: &tauri::AppHandle) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    tauri::async_runtime::block_on(state.modes.shutdown());
    tracing::info!("stopped cleanly");
}

/// Declares the commands once: the handler the window invokes, and their names
/// (`mostrador --list-commands`, which the real-window test enumerates).
macro_rules! commands {
    ($($module:ident :: $name:ident),* $(,)?) => {
        /// Every command the window may invoke.
        const COMMAND_NAMES: &[&str] = &[$(stringify!($name)),*];

        fn invoke_handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(commands::$module::$name),*]
        }
    };
}

commands! {
    app::app_mode,
    app::app_mode_set,
    app::link_open,
    app::application_saved,
    app::update_status,
    app::update_install,
    team::team_me,
    team::team_members,
    team::team_switch,
    team::team_add,
    team::team_update,
    team::team_remove,
    team::team_set_pin,
    team::team_figures,
    inbox::inbox_list,
    inbox::inbox_groups,
    inbox::reply_send,
    inbox::sync_now,
    inbox::questions_delete,
    inbox::question_context,
    inbox::listing_photo,
    inbox::buyers_block,
    conversations::conversations_list,
    conversations::conversation_get,
    conversations::message_send,
    conversations::conversation_done,
    conversations::orders_list,
    conversations::contact_options,
    conversations::contact_buyer,
    conversations::waiting_list,
    conversations::deadlines_list,
    stock::stock_page,
    stock::stock_set,
    stock::stock_bulk,
    stock::stock_threshold_set,
    stock::stock_links,
    stock::stock_link_confirm,
    stock::stock_link_undo,
    stock::stock_ledger,
    metrics::metrics_series,
    metrics::reputation_thermometers,
    notifications::notifications_get,
    notifications::notifications_set,
    notifications::notifications_pause,
    accounts::account_list,
    accounts::connect_begin,
    accounts::connect_finish,
    accounts::account_disconnect,
    accounts::sync_progress,
    notifications::tray_status,
    replies::templates_list,
    replies::conversation_suggestions,
    replies::auto_rules_get,
    replies::auto_rule_set,
    replies::auto_rules_preview,
    replies::template_save,
    replies::template_delete,
    replies::template_render,
    replies::template_render_order,
    replies::template_used,
    replies::text_lint,
    replies::reply_suggestions,
    notifications::preferences_get,
    notifications::preferences_set,
}

/// Builds and runs the app.
pub fn run() {
    let options = match cli::parse(std::env::args().skip(1)) {
        Ok(o) if o.list_commands => {
            for name in COMMAND_NAMES {
                println!("{name}");
            }
            return;
        }
        Ok(o) => o,
        Err(e) => {
            eprintln!("mostrador: {e:#}");
            std::process::exit(2);
        }
    };
    let _runtime = match runtime::install() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("mostrador: no async runtime: {e}");
            std::process::exit(1);
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
            tracing::info!("a second launch handed over; showing the window");
            tray::show_main(app)
        }))
        .plugin(tauri_plugin_opener::init())
        // Updates are signed: a release carries the key that verifies them (see `updates`).
        .plugin(tauri_plugin_updater::Builder::new().build())
        // The window shows the app and nothing else: links open in the system browser.
        .plugin(navigation::guard())
        // Closing the window keeps Mostrador syncing in the tray; "Salir" in the tray quits.
        .on_window_event(|window, event| match event {
            tauri::WindowEvent::CloseRequested { api, .. } => {
                api.prevent_close();
                let _ = window.hide();
            }
            tauri::WindowEvent::Focused(focused) => {
                if let Some(state) = window.try_state::<commands::AppState>() {
                    state.core().set_focused(*focused);
                }
            }
            _ => {}
        })
        // The window appears once its page has loaded (see `reveal`).
        .manage(reveal::Pending::default())
        .on_page_load(|webview, payload| {
            if webview.label() == "main"
                && payload.event() == tauri::webview::PageLoadEvent::Finished
            {
                reveal::page_loaded(webview.app_handle());
            }
        })
        .setup(move |app| {
            setup(app, options).map_err(|e| {
                eprintln!("mostrador: cannot start: {e:#}");
                e.into()
            })
        })
        .invoke_handler(invoke_handler())
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
