//! App preferences that are not about notifications: starting with the system, starting
//! minimized (both off by default), the language and the theme (both follow the OS by default).
//! The core stores them and writes notifications and the tray in the chosen language; the shell
//! applies the rest to the OS (login items) and the UI to itself.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::notify::Language;
use crate::store::{Store, settings};

/// The settings key of [`AppPreferences`].
pub const SETTINGS_KEY: &str = "app";

/// The app preferences: how it starts, its language and its theme.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export, export_to = "AppPreferences.ts")]
pub struct AppPreferences {
    /// Launch Mostrador when the user logs in.
    pub start_at_login: bool,
    /// Start hidden in the tray (always the case when launched at login).
    pub start_minimized: bool,
    /// The language of the UI, notifications and tray; `None` follows the OS.
    #[ts(optional = nullable)]
    pub language: Option<Language>,
    /// Light or dark; `System` follows the OS.
    pub theme: Theme,
}

/// The UI's colours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, export_to = "Theme.ts")]
pub enum Theme {
    /// Follow the OS (light or dark).
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// The language chosen in settings, read inside a store transaction.
pub fn language_in(conn: &rusqlite::Connection) -> Result<Option<Language>> {
    Ok(settings::get::<AppPreferences>(conn, SETTINGS_KEY)?.language)
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
            language: Some(Language::Pt),
            theme: Theme::Dark,
        };
        set(&store, on.clone()).await.unwrap();
        let reopened = Store::open(&dir.path().join("mostrador.db")).unwrap();
        assert_eq!(get(&reopened).await.unwrap(), on);
        let conn = reopened.conn().unwrap();
        assert_eq!(language_in(&conn).unwrap(), Some(Language::Pt));
    }

    #[test]
    fn older_saved_preferences_read_with_the_new_fields_defaulted() {
        let old: AppPreferences =
            serde_json::from_str(r#"{"start_at_login":true,"start_minimized":false}"#).unwrap();
        assert_eq!(old.language, None);
        assert_eq!(old.theme, Theme::System);
        assert!(old.start_at_login);
    }
}
