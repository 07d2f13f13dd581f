//! Where tokens and client secrets live: the OS keyring, never SQLite, logs, events or the UI.
//!
//! [`SecretStore`] is the seam: [`KeyringStore`] uses the platform's native store (Secret
//! Service on Linux, Keychain on macOS, Credential Manager on Windows); [`MemoryStore`] is for
//! unit tests and for demo mode on a machine without a secret service. Secret values travel as
//! [`Sensitive`], which redacts `Debug` and has no `Serialize`, so a token cannot leak into a log
//! line or an IPC payload by accident.
//!
//! Keyring calls block (they talk D-Bus or a system API); call them from `spawn_blocking`.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use crate::error::{Error, Result};

/// A secret value. `Debug` prints `<redacted>`; there is deliberately no `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    /// Wraps a secret.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// Reads the secret. Call sites are the only places a secret is visible.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A key/value store for secrets, keyed by a short name such as `account:123:tokens`.
pub trait SecretStore: Send + Sync + 'static {
    /// Stores or replaces a secret.
    fn set(&self, key: &str, value: &Sensitive<String>) -> Result<()>;
    /// Reads a secret; `Ok(None)` when there is none.
    fn get(&self, key: &str) -> Result<Option<Sensitive<String>>>;
    /// Deletes a secret; deleting a missing one is not an error.
    fn delete(&self, key: &str) -> Result<()>;
}

/// The OS keyring, under one service name (the bundle identifier plus a namespace suffix,
/// so demo and development data never mix with a real installation's).
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    /// A store whose entries are filed under `service`.
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, key: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, key).map_err(map_keyring)
    }
}

fn map_keyring(err: keyring::Error) -> Error {
    match err {
        keyring::Error::NoStorageAccess(e) => Error::NoSecretService(e.to_string()),
        keyring::Error::PlatformFailure(e) => {
            let text = e.to_string();
            // On Linux a missing Secret Service shows up as a D-Bus "ServiceUnknown" failure.
            if text.contains("ServiceUnknown") || text.contains("org.freedesktop.secrets") {
                Error::NoSecretService(text)
            } else {
                Error::keyring(text, None)
            }
        }
        other => Error::keyring("the OS keyring refused", Some(Box::new(other))),
    }
}

impl SecretStore for KeyringStore {
    fn set(&self, key: &str, value: &Sensitive<String>) -> Result<()> {
        self.entry(key)?
            .set_password(value.expose())
            .map_err(map_keyring)
    }

    fn get(&self, key: &str) -> Result<Option<Sensitive<String>>> {
        match self.entry(key)?.get_password() {
            Ok(v) => Ok(Some(Sensitive::new(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring(e)),
        }
    }

    fn delete(&self, key: &str) -> Result<()> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring(e)),
        }
    }
}

/// Secrets held in process memory only.
#[derive(Debug, Default)]
pub struct MemoryStore {
    values: Mutex<HashMap<String, Sensitive<String>>>,
}

impl SecretStore for MemoryStore {
    fn set(&self, key: &str, value: &Sensitive<String>) -> Result<()> {
        let mut values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        values.insert(key.to_owned(), value.clone());
        Ok(())
    }

    fn get(&self, key: &str) -> Result<Option<Sensitive<String>>> {
        let values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        Ok(values.get(key).cloned())
    }

    fn delete(&self, key: &str) -> Result<()> {
        let mut values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        values.remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_debug_is_redacted() {
        let s = Sensitive::new("APP_USR-secret".to_owned());
        assert_eq!(
            format!("{s:?}"),
            "<redacted>",
            "a token must never reach a log line"
        );
    }

    #[test]
    fn memory_store_round_trip() {
        let store = MemoryStore::default();
        assert!(store.get("k").unwrap().is_none());
        store.set("k", &Sensitive::new("v".into())).unwrap();
        assert_eq!(store.get("k").unwrap().unwrap().expose(), "v");
        store.delete("k").unwrap();
        store.delete("k").unwrap();
        assert!(store.get("k").unwrap().is_none());
    }
}
