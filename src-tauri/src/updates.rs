//! Updates of the installed app: whether this build can update itself (a release built with
//! the signing key carries the public key and the release feed's address), a check shortly
//! after start and then every few hours, what the window is told, and installing on the
//! owner's word. A build without the key (a source build, the tests) never checks.

use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_updater::UpdaterExt;

/// Event telling the window an update was found (its payload is an [`UpdateInfo`]).
pub const UPDATE_AVAILABLE: &str = "app://update-available";

/// How long after start the first check waits (the first sync comes first).
const FIRST_CHECK: Duration = Duration::from_secs(30);
/// Between checks.
const EVERY: Duration = Duration::from_secs(6 * 60 * 60);

/// An update the feed offers, as the window shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct UpdateInfo {
    /// The version offered.
    pub version: String,
    /// The running version.
    pub current_version: String,
    /// The release notes, when the feed has them.
    pub notes: Option<String>,
}

/// The last update found (none until a check finds one).
#[derive(Default)]
pub struct Found(Mutex<Option<UpdateInfo>>);

impl Found {
    /// The update found, if any.
    pub fn get(&self) -> Option<UpdateInfo> {
        self.0.lock().map(|g| g.clone()).unwrap_or(None)
    }

    fn set(&self, info: UpdateInfo) {
        if let Ok(mut g) = self.0.lock() {
            *g = Some(info);
        }
    }
}

/// Whether the build's configuration lets it update: a public key and at least one feed
/// address. Both are written into the configuration by a release build with the signing key.
pub fn configured(updater: Option<&serde_json::Value>) -> bool {
    let Some(updater) = updater else {
        return false;
    };
    let has_key = updater["pubkey"]
        .as_str()
        .is_some_and(|k| !k.trim().is_empty());
    let has_feed = updater["endpoints"]
        .as_array()
        .is_some_and(|e| !e.is_empty());
    has_key && has_feed
}

fn configured_app<R: Runtime>(app: &AppHandle<R>) -> bool {
    configured(app.config().plugins.0.get("updater"))
}

/// Starts the periodic check when this build can update; otherwise does nothing.
pub fn start(app: &AppHandle) {
    app.manage(Found::default());
    if !configured_app(app) {
        tracing::info!("updates: this build carries no update key; not checking");
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FIRST_CHECK).await;
        loop {
            check(&app).await;
            tokio::time::sleep(EVERY).await;
        }
    });
}

async fn check(app: &AppHandle) {
    let found = match app.updater() {
        Ok(updater) => updater.check().await,
        Err(e) => Err(e),
    };
    match found {
        Ok(Some(update)) => {
            let info = UpdateInfo {
                version: update.version,
                current_version: update.current_version,
                notes: update.body,
            };
            tracing::info!(version = %info.version, "updates: a new version is available");
            app.state::<Found>().set(info.clone());
            if let Err(e) = app.emit(UPDATE_AVAILABLE, &info) {
                tracing::warn!(error = %e, "updates: could not tell the window");
            }
        }
        Ok(None) => tracing::debug!("updates: up to date"),
        // Offline or the feed is down: the next check tries again.
        Err(e) => tracing::warn!(error = %e, "updates: the check failed"),
    }
}

/// Downloads the update, verifies its signature against the build's key, installs it and
/// restarts into it.
pub async fn install(app: &AppHandle) -> anyhow::Result<()> {
    anyhow::ensure!(configured_app(app), "this build does not update itself");
    let update = app
        .updater()?
        .check()
        .await?
        .ok_or_else(|| anyhow::anyhow!("no update is available any more"))?;
    tracing::info!(version = %update.version, "updates: installing");
    update.download_and_install(|_, _| {}, || {}).await?;
    app.restart()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::configured;

    #[test]
    fn only_a_build_with_a_key_and_a_feed_checks() {
        assert!(!configured(None));
        assert!(!configured(Some(&json!({ "pubkey": "", "endpoints": [] }))));
        assert!(!configured(Some(
            &json!({ "pubkey": "  ", "endpoints": ["https://example.com/latest.json"] })
        )));
        assert!(!configured(Some(
            &json!({ "pubkey": "dW50cnVzdGVk", "endpoints": [] })
        )));
        assert!(configured(Some(&json!({
            "pubkey": "dW50cnVzdGVk",
            "endpoints": ["https://example.com/latest.json"]
        }))));
    }
}
