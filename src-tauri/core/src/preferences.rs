//! App preferences that are not about notifications: starting with the system and starting
//! minimized. Both are off by default. The core only stores them; the shell applies them to the
//! OS (login items) and to the window.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::store::{Store, settings};

/// The settings key of [`AppPreferences`].
pub const SETTINGS_KEY: &str = "app";

/// How the app starts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export, export_to = "AppPreferences.ts")]
pub struct AppPreferences {
    /// Launch Mostrador when the user logs in.
    pub start_at_login: bool,
    /// Start hidden in the tray (always the case when launched at login).
    pub start_minimized: bool,
}

/// Reads the preferences.
pub async fn get(store: &Store) -> Result<AppPreferences> {
    store.run(|c| settings::get(c, SETTINGS_KEY)).await
}

/// Replaces the preferences.
pub async fn set(store: &Store, value: AppPreferences) -> Result<()> {
    store
        .run(move |c| settings::put(c, SETTINGS_KEY, &value))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::temp_store;

    #[tokio::test]
    async fn off_by_default_and_persisted() {
        let (dir, store) = temp_store();
        assert_eq!(get(&store).await.unwrap(), AppPreferences::default());
        let on = AppPreferences {
            start_at_login: true,
            start_minimized: true,
        };
        set(&store, on.clone()).await.unwrap();
        let reopened = Store::open(&dir.path().join("mostrador.db")).unwrap();
        assert_eq!(get(&reopened).await.unwrap(), on);
    }
}
