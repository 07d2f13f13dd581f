//! The tray icon: the unanswered count and the age of the oldest unanswered question in its
//! title/tooltip, an alert variant of the icon while anything waits, and a menu (open, pause
//! notifications for an hour, sync now, quit). Closing the window hides it here; sync goes on.

use std::sync::Arc;

use mostrador_core::Core;
use mostrador_core::inbox::{InboxQuery, StatusFilter};
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager};

const TRAY_ID: &str = "main";

/// Shows and focuses the main window.
pub fn show_main(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Builds the tray icon and its menu.
pub fn build(app: &AppHandle, core: Arc<Core>) -> tauri::Result<TrayIcon> {
    let open = MenuItem::with_id(app, "open", "Abrir Mostrador", true, None::<&str>)?;
    let pause = MenuItem::with_id(
        app,
        "pause",
        "Pausar notificaciones 1 h",
        true,
        None::<&str>,
    )?;
    let sync = MenuItem::with_id(app, "sync", "Sincronizar ahora", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Salir", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &pause, &sync, &quit])?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(Image::from_bytes(include_bytes!("../../icons/tray.png"))?)
        .tooltip("Mostrador")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(move |app, event| match event.id.as_ref() {
            "open" => show_main(app),
            "pause" => {
                let core = core.clone();
                tauri::async_runtime::spawn(async move {
                    if let Err(e) = core.pause_notifications(60).await {
                        tracing::warn!(error = %e, "could not pause notifications");
                    }
                });
            }
            "sync" => core.sync_now(),
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

/// "3 h 10" / "25 min": how long the oldest question has waited.
fn age(minutes: i64) -> String {
    if minutes < 60 {
        format!("{minutes} min")
    } else if minutes < 24 * 60 {
        format!("{} h {:02}", minutes / 60, minutes % 60)
    } else {
        format!("{} d", minutes / (24 * 60))
    }
}

/// Recomputes the tray's count, age and icon from the store.
pub async fn refresh(app: &AppHandle, core: &Core) {
    let page = core
        .inbox(InboxQuery {
            status: StatusFilter::Unanswered,
            limit: Some(1),
            offset: None,
        })
        .await;
    let Ok(page) = page else {
        return;
    };
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let oldest = page
        .items
        .first()
        .and_then(|q| chrono::DateTime::parse_from_rfc3339(&q.date_created).ok());
    let text = match (page.unanswered, oldest) {
        (0, _) | (_, None) => "Mostrador: sin preguntas pendientes".to_owned(),
        (n, Some(at)) => {
            let minutes = (chrono::Utc::now() - at.with_timezone(&chrono::Utc))
                .num_minutes()
                .max(0);
            format!(
                "Mostrador: {n} sin responder · la más antigua espera {}",
                age(minutes)
            )
        }
    };
    let _ = tray.set_tooltip(Some(&text));
    let _ = tray.set_title(Some(if page.unanswered > 0 {
        page.unanswered.to_string()
    } else {
        String::new()
    }));
    let icon: &[u8] = if page.unanswered > 0 {
        include_bytes!("../../icons/tray-alert.png")
    } else {
        include_bytes!("../../icons/tray.png")
    };
    if let Ok(image) = Image::from_bytes(icon) {
        let _ = tray.set_icon(Some(image));
    }
}
