//! How the app starts: demo or the seller's own accounts, the welcome screen on a first launch,
//! the choice remembered between launches, and where Mercado Libre is (production, or a staging
//! address given in the environment).
//!
//! Demo data and real data never mix: the demo runs on its own database and secret namespace,
//! started fresh each time; the real store is only ever connected to Mercado Libre (or to the
//! address an operator set on purpose, which the app then says loudly).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

/// Which store and which Mercado Libre the app is working with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "Mode.ts")]
pub enum Mode {
    /// The built-in simulator with a seeded seller and simulated buyers.
    Demo,
    /// The seller's own accounts on Mercado Libre.
    Real,
}

/// What the window shows about the mode it runs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "AppMode.ts")]
pub struct AppMode {
    /// Demo or real.
    pub mode: Mode,
    /// No account and no choice made yet: show the welcome screen.
    pub welcome: bool,
    /// The API address, when it is not Mercado Libre's (a staging or test server).
    pub api_override: Option<String>,
    /// The authorization address, when it is not Mercado Libre's.
    pub auth_override: Option<String>,
}

/// How to start, given the command line, the real store and the remembered choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Start {
    /// The mode to open.
    pub mode: Mode,
    /// Whether the welcome screen comes first.
    pub welcome: bool,
}

/// The start rule: `--demo` forces the demo; a real account opens the real accounts; otherwise
/// the choice made on an earlier launch; with none, the welcome screen (over the empty real
/// store, so nothing simulated runs before the seller asks for it).
pub fn decide(forced_demo: bool, has_real_accounts: bool, remembered: Option<Mode>) -> Start {
    if forced_demo {
        return Start {
            mode: Mode::Demo,
            welcome: false,
        };
    }
    if has_real_accounts {
        return Start {
            mode: Mode::Real,
            welcome: false,
        };
    }
    match remembered {
        Some(mode) => Start {
            mode,
            welcome: false,
        },
        None => Start {
            mode: Mode::Real,
            welcome: true,
        },
    }
}

/// The file, in the data directory, that remembers the seller's choice.
const CHOICE_FILE: &str = "launch.json";

#[derive(Serialize, Deserialize)]
struct Choice {
    mode: Mode,
}

/// The choice made on an earlier launch, if any (an unreadable file counts as none).
pub fn remembered(data_dir: &Path) -> Option<Mode> {
    let raw = std::fs::read_to_string(data_dir.join(CHOICE_FILE)).ok()?;
    match serde_json::from_str::<Choice>(&raw) {
        Ok(c) => Some(c.mode),
        Err(e) => {
            tracing::warn!(error = %e, "the remembered start choice is unreadable; asking again");
            None
        }
    }
}

/// Remembers `mode` for the next launches (written whole, then renamed into place).
pub fn remember(data_dir: &Path, mode: Mode) -> Result<()> {
    let json = serde_json::to_string(&Choice { mode })
        .map_err(|e| Error::internal("start choice", Some(Box::new(e))))?;
    let tmp = data_dir.join(format!("{CHOICE_FILE}.tmp"));
    let io = |e: std::io::Error| Error::internal("cannot save the start choice", Some(Box::new(e)));
    std::fs::write(&tmp, json).map_err(io)?;
    std::fs::rename(&tmp, data_dir.join(CHOICE_FILE)).map_err(io)
}

/// The demo's own folder inside the data directory.
pub fn demo_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("demo")
}

/// The real store's file.
pub fn real_db(data_dir: &Path) -> PathBuf {
    data_dir.join("mostrador.db")
}

/// Environment variable replacing Mercado Libre's API address (staging, tests).
pub const API_BASE_VAR: &str = "MOSTRADOR_API_BASE";
/// Environment variable replacing the per-site authorization host (staging, tests).
pub const AUTH_BASE_VAR: &str = "MOSTRADOR_AUTH_BASE";

/// Where the API and the authorization page are; `None` means Mercado Libre's own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Endpoints {
    /// Replaces `https://api.mercadolibre.com`.
    pub api_base: Option<String>,
    /// Replaces the site's `https://auth.mercadolibre…` host.
    pub auth_base: Option<String>,
}

impl Endpoints {
    /// Both addresses at `base` (the demo's sandbox serves the API and the authorization page).
    pub fn all_at(base: &str) -> Self {
        Self {
            api_base: Some(base.to_owned()),
            auth_base: Some(base.to_owned()),
        }
    }

    /// Reads [`API_BASE_VAR`] and [`AUTH_BASE_VAR`] through `var` (empty counts as unset).
    /// An address that is not an absolute `http(s)` URL is refused rather than ignored.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let read = |name: &str| -> Result<Option<String>> {
            let Some(value) = var(name).map(|v| v.trim().trim_end_matches('/').to_owned()) else {
                return Ok(None);
            };
            if value.is_empty() {
                return Ok(None);
            }
            match url::Url::parse(&value) {
                Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
                    Ok(Some(value))
                }
                _ => Err(Error::InvalidInput(format!(
                    "{name} must be an http(s) address, not {value:?}"
                ))),
            }
        };
        Ok(Self {
            api_base: read(API_BASE_VAR)?,
            auth_base: read(AUTH_BASE_VAR)?,
        })
    }

    /// Whether anything differs from Mercado Libre's own addresses.
    pub fn is_overridden(&self) -> bool {
        self.api_base.is_some() || self.auth_base.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_rule() {
        let welcome = Start {
            mode: Mode::Real,
            welcome: true,
        };
        let demo = Start {
            mode: Mode::Demo,
            welcome: false,
        };
        let real = Start {
            mode: Mode::Real,
            welcome: false,
        };
        assert_eq!(decide(false, false, None), welcome, "first launch");
        assert_eq!(
            decide(false, false, Some(Mode::Demo)),
            demo,
            "chose the demo"
        );
        assert_eq!(
            decide(false, false, Some(Mode::Real)),
            real,
            "chose to connect"
        );
        assert_eq!(decide(false, true, Some(Mode::Demo)), real, "has accounts");
        assert_eq!(decide(true, true, None), demo, "--demo forces it");
    }

    #[test]
    fn the_choice_is_remembered_and_a_broken_file_asks_again() {
        let dir = tempfile::tempdir().expect("dir");
        assert_eq!(remembered(dir.path()), None);
        remember(dir.path(), Mode::Demo).expect("save");
        assert_eq!(remembered(dir.path()), Some(Mode::Demo));
        remember(dir.path(), Mode::Real).expect("save");
        assert_eq!(remembered(dir.path()), Some(Mode::Real));
        std::fs::write(dir.path().join(CHOICE_FILE), "{not json").expect("write");
        assert_eq!(remembered(dir.path()), None);
    }

    #[test]
    fn endpoints_from_the_environment() {
        let none = Endpoints::from_vars(|_| None).expect("none");
        assert!(!none.is_overridden());
        let set = Endpoints::from_vars(|k| match k {
            API_BASE_VAR => Some("http://127.0.0.1:9000/".into()),
            AUTH_BASE_VAR => Some("  ".into()),
            _ => None,
        })
        .expect("set");
        assert_eq!(set.api_base.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(set.auth_base, None);
        assert!(set.is_overridden());
        assert!(Endpoints::from_vars(|_| Some("ftp://x".into())).is_err());
        assert!(Endpoints::from_vars(|_| Some("api.example".into())).is_err());
    }
}
