//! When the main window first appears: once its page has loaded, not when it is created.
//!
//! The window is declared hidden (`tauri.conf.json`). Shown at creation, it would be mapped
//! while its web process is still starting: the seller sees an empty frame, and WebKitGTK's UI
//! process blocks on that web process's first frame for up to half a second (measured on Linux
//! under Xvfb: the page began loading 0.9 s after the web process started; the UI thread spent
//! 0.5 s of that in the wait). Shown once the page has loaded, the first frame it maps is the
//! app itself.
//!
//! A launch that starts in the tray (`--minimized`, the login item, the seller's preference)
//! never reveals it; the tray and a second launch show it. A page that never finishes loading
//! still gets its window after [`FALLBACK`], so a broken start is visible rather than silent.

use std::sync::Mutex;
use std::time::Duration;

use tauri::{AppHandle, Manager};

/// How long a start waits for the page before showing the window anyway.
pub const FALLBACK: Duration = Duration::from_secs(5);

/// Where the start's reveal stands.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Setup has not decided yet whether the window appears.
    #[default]
    Undecided,
    /// The page loaded before setup decided.
    Loaded,
    /// The window appears when the page has loaded.
    Waiting,
    /// Shown, or never to be shown at start.
    Done,
}

/// The start's reveal (managed from the builder, so it exists before any page event).
#[derive(Default)]
pub struct Pending(Mutex<Phase>);

impl Pending {
    /// Moves to the next phase; whether the window is to be shown now.
    fn step(&self, event: Event) -> bool {
        let mut phase = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let (next, show) = match (*phase, event) {
            (Phase::Undecided, Event::Decided { shown: true }) => (Phase::Waiting, false),
            (Phase::Loaded, Event::Decided { shown: true }) => (Phase::Done, true),
            (Phase::Undecided | Phase::Loaded, Event::Decided { shown: false }) => {
                (Phase::Done, false)
            }
            (Phase::Undecided, Event::PageLoaded) => (Phase::Loaded, false),
            (Phase::Waiting, Event::PageLoaded | Event::Fallback) => (Phase::Done, true),
            (other, _) => (other, false),
        };
        *phase = next;
        show
    }
}

/// What moves the reveal on.
#[derive(Debug, Clone, Copy)]
enum Event {
    Decided { shown: bool },
    PageLoaded,
    Fallback,
}

/// Setup decided whether the window appears at start; if it does, it appears when the page
/// has loaded (now, if it already has), or after [`FALLBACK`].
pub fn at_start(app: &AppHandle, shown: bool) {
    if step(app, Event::Decided { shown }) {
        show(app);
    }
    if !shown {
        return;
    }
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FALLBACK).await;
        if step(&handle, Event::Fallback) {
            tracing::warn!("the page did not finish loading in time; showing the window");
            show(&handle);
        }
    });
}

/// The main window's page finished loading.
pub fn page_loaded(app: &AppHandle) {
    if step(app, Event::PageLoaded) {
        show(app);
    }
}

fn step(app: &AppHandle, event: Event) -> bool {
    app.try_state::<Pending>().is_some_and(|p| p.step(event))
}

fn show(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.set_focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_appears_once_when_the_page_has_loaded() {
        let p = Pending::default();
        assert!(!p.step(Event::Decided { shown: true }));
        assert!(p.step(Event::PageLoaded));
        // A reload, or the fallback firing later, does not show it again.
        assert!(!p.step(Event::PageLoaded));
        assert!(!p.step(Event::Fallback));
    }

    #[test]
    fn a_page_loaded_before_setup_decided_shows_the_window_at_the_decision() {
        let p = Pending::default();
        assert!(!p.step(Event::PageLoaded));
        assert!(p.step(Event::Decided { shown: true }));
        assert!(!p.step(Event::Fallback));
    }

    #[test]
    fn a_start_in_the_tray_never_reveals_the_window() {
        let p = Pending::default();
        assert!(!p.step(Event::Decided { shown: false }));
        assert!(!p.step(Event::PageLoaded));
        assert!(!p.step(Event::Fallback));
    }

    #[test]
    fn a_page_that_never_loads_gets_its_window_from_the_fallback() {
        let p = Pending::default();
        assert!(!p.step(Event::Decided { shown: true }));
        assert!(p.step(Event::Fallback));
        assert!(!p.step(Event::PageLoaded));
    }
}
