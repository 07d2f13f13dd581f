//! The notify-rust implementation of the core's `Notifier`: it only displays. What to show and
//! when is decided by `mostrador_core::notify`.
//!
//! Clicking a notification opens the app on that conversation: on Linux the notification
//! carries a `default` action and a blocking thread waits for the daemon's `ActionInvoked`; on
//! Windows and macOS the OS brings the app forward on click (the window then shows the inbox).

use mostrador_core::notify::{Notification, Notifier};
use tauri::{AppHandle, Emitter};

/// Event the window receives to open a question: its id.
pub const OPEN_QUESTION: &str = "notification://open";
/// Event the window receives to open a post-sale conversation: a [`ConversationTarget`].
pub const OPEN_CONVERSATION: &str = "notification://open-conversation";

/// The conversation a message notification is about (no pack when several were grouped).
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct ConversationTarget {
    /// The seller's account.
    pub account_id: i64,
    /// The pack, when the notification is about one conversation.
    pub pack_id: Option<i64>,
}

/// Shows native notifications.
pub struct DesktopNotifier {
    app: AppHandle,
}

impl DesktopNotifier {
    /// A notifier that routes clicks to `app`'s main window.
    pub fn new(app: AppHandle) -> Self {
        Self { app }
    }
}

/// Whether the notification server renders markup in bodies (freedesktop `body-markup`).
/// Asked once; buyer text is then escaped so it can never become markup.
#[cfg(all(unix, not(target_os = "macos")))]
fn server_renders_markup() -> bool {
    static MARKUP: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *MARKUP.get_or_init(|| {
        notify_rust::get_capabilities()
            .map(|caps| caps.iter().any(|c| c == "body-markup"))
            .unwrap_or(true)
    })
}

/// Escapes the characters a markup-rendering server would interpret.
pub fn escape_markup(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn open_conversation(app: &AppHandle, target: ConversationTarget) {
    crate::tray::show_main(app);
    if let Err(e) = app.emit(OPEN_CONVERSATION, target) {
        tracing::warn!(error = %e, "could not route a notification click");
    }
}

fn open_question(app: &AppHandle, question_id: i64) {
    crate::tray::show_main(app);
    if let Err(e) = app.emit(OPEN_QUESTION, question_id) {
        tracing::warn!(error = %e, "could not route a notification click");
    }
}

impl Notifier for DesktopNotifier {
    fn show(&self, n: Notification) {
        let app = self.app.clone();
        // show() talks to the OS and may block, and waiting for a click blocks until the
        // notification closes: never on an async worker.
        tauri::async_runtime::spawn_blocking(move || {
            let mut note = notify_rust::Notification::new();
            note.summary(&n.summary).appname("Mostrador");
            // Buyer text is untrusted: a server that renders body markup gets it escaped.
            #[cfg(all(unix, not(target_os = "macos")))]
            if server_renders_markup() {
                note.body(&escape_markup(&n.body));
            } else {
                note.body(&n.body);
            }
            #[cfg(not(all(unix, not(target_os = "macos"))))]
            note.body(&n.body);
            #[cfg(all(unix, not(target_os = "macos")))]
            {
                note.icon("com.mostrador.app")
                    .action("default", "Abrir")
                    .hint(notify_rust::Hint::Category("im.received".into()));
                if n.sound {
                    note.hint(notify_rust::Hint::SoundName("message-new-instant".into()));
                } else {
                    note.hint(notify_rust::Hint::SuppressSound(true));
                }
            }
            #[cfg(not(all(unix, not(target_os = "macos"))))]
            if n.sound {
                note.sound_name("Default");
            }
            match note.show() {
                #[cfg(all(unix, not(target_os = "macos")))]
                Ok(handle) => handle.wait_for_action(|action| {
                    if action == "default" {
                        use mostrador_core::notify::NotificationKind;
                        if n.kind == NotificationKind::NewMessage
                            || n.kind == NotificationKind::ShipmentDelayed
                            || (n.kind == NotificationKind::DeadlineSoon && n.pack_id.is_some())
                        {
                            let target = ConversationTarget {
                                account_id: n.account_id,
                                pack_id: n.pack_id,
                            };
                            open_conversation(&app, target);
                        } else {
                            open_question(&app, n.question_id);
                        }
                    }
                }),
                #[cfg(not(all(unix, not(target_os = "macos"))))]
                Ok(_) => {
                    let _ = &app;
                    let _ = (open_question, open_conversation);
                }
                Err(e) => {
                    tracing::warn!(question_id = n.question_id, error = %e, "notification not shown")
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::escape_markup;

    #[test]
    fn buyer_markup_is_escaped() {
        assert_eq!(
            escape_markup("<img src=x onerror=alert(1)> & <b>"),
            "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;"
        );
    }
}
