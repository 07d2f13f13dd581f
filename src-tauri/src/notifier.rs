//! The notify-rust implementation of the core's `Notifier`: it only displays. What to show and
//! when is decided by `mostrador_core::notify`.

use mostrador_core::notify::{Notification, Notifier};

/// Shows native notifications (freedesktop D-Bus on Linux, the platform's own elsewhere).
pub struct DesktopNotifier;

impl Notifier for DesktopNotifier {
    fn show(&self, n: Notification) {
        // show() talks to the OS and may block; never on an async worker.
        tauri::async_runtime::spawn_blocking(move || {
            let mut note = notify_rust::Notification::new();
            note.summary(&n.summary).body(&n.body).appname("Mostrador");
            #[cfg(all(unix, not(target_os = "macos")))]
            note.icon("com.mostrador.app")
                .hint(notify_rust::Hint::Category("im.received".into()));
            if let Err(e) = note.show() {
                tracing::warn!(question_id = n.question_id, error = %e, "notification not shown");
            }
        });
    }
}
