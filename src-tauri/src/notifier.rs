//! The notify-rust implementation of the core's `Notifier`: it only displays. What to show and
//! when is decided by `mostrador_core::notify`.
//!
//! Clicking a notification opens the app on that conversation: on Linux the notification
//! carries a `default` action and a task waits for the daemon's `ActionInvoked` (or its
//! closing), at most [`ON_SCREEN`] of them at once; on Windows and macOS the OS brings the app
//! forward on click (the window then shows the inbox).

#[cfg(all(unix, not(target_os = "macos")))]
use std::collections::VecDeque;
#[cfg(all(unix, not(target_os = "macos")))]
use std::sync::{Arc, Mutex};

use mostrador_core::notify::{Notification, Notifier};
#[cfg(all(unix, not(target_os = "macos")))]
use notify_rust::{NotificationHandle, NotificationResponse};
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
    #[cfg(all(unix, not(target_os = "macos")))]
    on_screen: Arc<OnScreen<Arc<NotificationHandle>>>,
}

impl DesktopNotifier {
    /// A notifier that routes clicks to `app`'s main window.
    pub fn new(app: AppHandle) -> Self {
        Self {
            app,
            #[cfg(all(unix, not(target_os = "macos")))]
            on_screen: Arc::new(OnScreen::new(ON_SCREEN)),
        }
    }
}

/// Whether the notification server renders markup in bodies (freedesktop `body-markup`).
/// Asked once; buyer text is then escaped so it can never become markup.
#[cfg(all(unix, not(target_os = "macos")))]
async fn server_renders_markup() -> bool {
    static MARKUP: tokio::sync::OnceCell<bool> = tokio::sync::OnceCell::const_new();
    *MARKUP
        .get_or_init(|| async {
            // notify-rust asks the server through a blocking call.
            tauri::async_runtime::spawn_blocking(notify_rust::get_capabilities)
                .await
                .ok()
                .and_then(Result::ok)
                .is_none_or(|caps| caps.iter().any(|c| c == "body-markup"))
        })
        .await
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
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            let on_screen = self.on_screen.clone();
            tauri::async_runtime::spawn(show_and_route(app, on_screen, n));
        }
        // The OS routes a click by bringing the app forward; show() may block briefly.
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        tauri::async_runtime::spawn_blocking(move || {
            let _ = (&app, open_question, open_conversation);
            let mut note = notify_rust::Notification::new();
            note.summary(&n.summary).appname("Mostrador").body(&n.body);
            if n.sound {
                note.sound_name("Default");
            }
            if let Err(e) = note.show() {
                tracing::warn!(question_id = n.question_id, error = %e, "notification not shown");
            }
        });
    }
}

/// Shows `n` on the session's notification server and waits, without holding a thread, for
/// its click or its closing; the click opens what it is about. Showing it may close the
/// oldest notification still on screen (see [`OnScreen`]).
#[cfg(all(unix, not(target_os = "macos")))]
async fn show_and_route(
    app: AppHandle,
    on_screen: Arc<OnScreen<Arc<NotificationHandle>>>,
    n: Notification,
) {
    use mostrador_core::notify::NotificationKind;
    let mut note = notify_rust::Notification::new();
    note.summary(&n.summary).appname("Mostrador");
    // Buyer text is untrusted: a server that renders body markup gets it escaped.
    if server_renders_markup().await {
        note.body(&escape_markup(&n.body));
    } else {
        note.body(&n.body);
    }
    note.icon("com.mostrador.app")
        .action("default", "Abrir")
        .hint(notify_rust::Hint::Category("im.received".into()));
    if n.sound {
        note.hint(notify_rust::Hint::SoundName("message-new-instant".into()));
    } else {
        note.hint(notify_rust::Hint::SuppressSound(true));
    }
    let handle = match note.show_async().await {
        Ok(handle) => Arc::new(handle),
        Err(e) => {
            tracing::warn!(question_id = n.question_id, error = %e, "notification not shown");
            return;
        }
    };
    let (key, oldest) = on_screen.push(handle.clone());
    if let Some(oldest) = oldest {
        // Its own task then sees it closed and ends.
        oldest.close_async().await;
    }
    let mut clicked = false;
    handle
        .wait_for_action_async(|response| {
            clicked = matches!(response, NotificationResponse::Default)
        })
        .await;
    on_screen.remove(key);
    if !clicked {
        return;
    }
    let about_conversation = n.kind == NotificationKind::NewMessage
        || n.kind == NotificationKind::ShipmentDelayed
        || (n.kind == NotificationKind::DeadlineSoon && n.pack_id.is_some());
    if about_conversation {
        let target = ConversationTarget {
            account_id: n.account_id,
            pack_id: n.pack_id,
        };
        open_conversation(&app, target);
    } else {
        open_question(&app, n.question_id);
    }
}

/// How many notifications stay on screen waiting for a click. Showing one more closes the
/// oldest: the inbox and the tray hold everything it said, and each notification waited on
/// keeps a session-bus connection open, so a day of questions with the seller away must not
/// pile them up.
#[cfg(all(unix, not(target_os = "macos")))]
const ON_SCREEN: usize = 5;

/// The notifications on screen that still wait for a click, oldest first, at most a fixed
/// number: pushing one more hands back the oldest, for the caller to close.
#[cfg(all(unix, not(target_os = "macos")))]
struct OnScreen<T> {
    limit: usize,
    shown: Mutex<(u64, VecDeque<(u64, T)>)>,
}

#[cfg(all(unix, not(target_os = "macos")))]
impl<T> OnScreen<T> {
    fn new(limit: usize) -> Self {
        Self {
            limit,
            shown: Mutex::new((0, VecDeque::new())),
        }
    }

    /// Adds `item`; returns its key and the oldest item when that puts one over the limit.
    fn push(&self, item: T) -> (u64, Option<T>) {
        let mut guard = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        let (next, shown) = &mut *guard;
        let key = *next;
        *next += 1;
        shown.push_back((key, item));
        let oldest = (shown.len() > self.limit)
            .then(|| shown.pop_front().map(|(_, item)| item))
            .flatten();
        (key, oldest)
    }

    /// Forgets the item pushed under `key`, if it is still there.
    fn remove(&self, key: u64) {
        let mut guard = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        guard.1.retain(|(k, _)| *k != key);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.shown.lock().unwrap_or_else(|e| e.into_inner()).1.len()
    }
}

#[cfg(test)]
mod tests {
    use super::escape_markup;

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn on_screen_hands_back_the_oldest_beyond_its_limit() {
        let on_screen = super::OnScreen::new(2);
        let (a, none) = on_screen.push("a");
        assert_eq!(none, None);
        let (_, none) = on_screen.push("b");
        assert_eq!(none, None);
        let (c, oldest) = on_screen.push("c");
        assert_eq!(oldest, Some("a"), "the third hands back the first");
        assert_eq!(on_screen.len(), 2);
        // The first's task ends after it closed: its key is already gone, nothing else is.
        on_screen.remove(a);
        assert_eq!(on_screen.len(), 2);
        on_screen.remove(c);
        assert_eq!(on_screen.len(), 1);
        let (_, oldest) = on_screen.push("d");
        assert_eq!(oldest, None, "a click or a close makes room");
        let (_, oldest) = on_screen.push("e");
        assert_eq!(oldest, Some("b"));
    }

    #[test]
    fn buyer_markup_is_escaped() {
        assert_eq!(
            escape_markup("<img src=x onerror=alert(1)> & <b>"),
            "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;"
        );
    }
}
