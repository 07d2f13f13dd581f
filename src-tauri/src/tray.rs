//! The tray icon: the unanswered count and the age of the oldest unanswered question in its
//! title/tooltip, an alert variant of the icon while anything waits, and a menu (the status in
//! words, open, pause notifications for an hour, sync now, quit). Closing the window hides it
//! here; sync goes on.

use mostrador_core::Core;
use mostrador_core::badge::{self, TrayStatus};
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager};

use crate::commands::AppState;

const TRAY_ID: &str = "main";

/// Shows and focuses the main window.
pub fn show_main(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// The menu's first line: the status sentence ("Mostrador: 3 sin responder · la más antigua
/// espera 25 min"), inert. Linux's tray has no tooltip, and the count beside the icon alone
/// means nothing read aloud: a screen reader reads this line in the menu.
#[derive(Default)]
pub struct StatusLine(std::sync::Mutex<Option<MenuItem<tauri::Wry>>>);

/// The tray menu in the user's language.
fn menu(app: &AppHandle, core: &Core, low_stock: i64) -> tauri::Result<Menu<tauri::Wry>> {
    let language = core.language();
    let labels = badge::menu_labels(language);
    let sentence = app
        .try_state::<Shown>()
        .and_then(|shown| {
            shown
                .0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .as_ref()
                .map(|s| s.tooltip.clone())
        })
        .unwrap_or_else(|| badge::status(0, None, low_stock, language).tooltip);
    let status = MenuItem::with_id(app, "status", sentence, false, None::<&str>)?;
    if let Some(line) = app.try_state::<StatusLine>() {
        *line.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(status.clone());
    }
    let open = MenuItem::with_id(app, "open", labels.open, true, None::<&str>)?;
    let pause = MenuItem::with_id(app, "pause", labels.pause, true, None::<&str>)?;
    let sync = MenuItem::with_id(app, "sync", labels.sync, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", labels.quit, true, None::<&str>)?;
    match badge::low_stock_label(low_stock, language) {
        // Opens the window (on the stock view's filters once there).
        Some(label) => {
            let low = MenuItem::with_id(app, "open", label, true, None::<&str>)?;
            Menu::with_items(app, &[&status, &open, &low, &pause, &sync, &quit])
        }
        None => Menu::with_items(app, &[&status, &open, &pause, &sync, &quit]),
    }
}

/// Rewrites the menu and the tooltip after the language changed.
pub async fn relabel(app: &AppHandle, core: &Core) {
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        let low = core.tray_status().await.map(|s| s.low_stock).unwrap_or(0);
        match menu(app, core, low) {
            Ok(menu) => {
                let _ = tray.set_menu(Some(menu));
            }
            Err(e) => tracing::warn!(error = %e, "could not rebuild the tray menu"),
        }
    }
    refresh(app, core).await;
}

/// Builds the tray icon and its menu. Menu actions reach the core of the active mode.
pub fn build(app: &AppHandle) -> tauri::Result<TrayIcon> {
    let core = app.state::<AppState>().core();
    let menu = menu(app, &core, 0)?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(Image::from_bytes(include_bytes!("../../icons/tray.png"))?)
        .tooltip("Mostrador")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(move |app, event| match event.id.as_ref() {
            "open" => show_main(app),
            "pause" => {
                let me = app.state::<AppState>().me();
                tauri::async_runtime::spawn(async move {
                    let paused = me.acting().settings().pause_notifications(60).await;
                    if let Err(e) = paused {
                        tracing::warn!(error = %e, "could not pause notifications");
                    }
                });
            }
            "sync" => app.state::<AppState>().core().sync_now(),
            "quit" => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                show_main(tray.app_handle());
            }
        })
        .build(app)
}

/// What the tray shows, as last applied (read by the `tray_status` command).
#[derive(Default)]
pub struct Shown(pub std::sync::Mutex<Option<TrayStatus>>);

/// Recomputes the tray's count, age and icon from the store.
pub async fn refresh(app: &AppHandle, core: &Core) {
    let status = match core.tray_status().await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "could not compute the tray status");
            return;
        }
    };
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let _ = tray.set_tooltip(Some(&status.tooltip));
    if let Some(line) = app.try_state::<StatusLine>()
        && let Some(item) = line.0.lock().unwrap_or_else(|e| e.into_inner()).as_ref()
    {
        let _ = item.set_text(&status.tooltip);
    }
    let _ = tray.set_title(Some(&status.title));
    // What was applied last time: the icon (written to a file for the status area on Linux)
    // and the menu are set again only when what they show changed.
    let before = app.try_state::<Shown>().and_then(|shown| {
        shown
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|s| (s.unanswered > 0, s.low_stock))
    });
    let alert = status.unanswered > 0;
    if before.map(|(alert, _)| alert) != Some(alert) {
        let icon: &[u8] = if alert {
            include_bytes!("../../icons/tray-alert.png")
        } else {
            include_bytes!("../../icons/tray.png")
        };
        if let Ok(image) = Image::from_bytes(icon) {
            let _ = tray.set_icon(Some(image));
        }
    }
    if let Some(shown) = app.try_state::<Shown>() {
        // The low-stock line changed: the menu is rebuilt with it.
        if before.map(|(_, low_stock)| low_stock) != Some(status.low_stock)
            && let Ok(menu) = menu(app, core, status.low_stock)
        {
            let _ = tray.set_menu(Some(menu));
        }
        *shown.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(status);
    }
}
