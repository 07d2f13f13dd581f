//! How the installers are signed for the updater: not at all (a contributor's build, which must
//! still succeed), with the release's own key (`TAURI_SIGNING_PRIVATE_KEY` and
//! `MOSTRADOR_UPDATER_PUBKEY` in the environment, as the release workflow passes them), or with
//! a throwaway key made for the test run, so the tests check what a signed release carries.

use std::path::PathBuf;
use std::process::Command;

use anyhow::Context;

use crate::env;

/// The signing a bundle build uses.
pub enum Signing {
    /// No update artifacts: the configuration as committed.
    Unsigned,
    /// Update artifacts signed with this private key, verified in the app by this public key.
    Key {
        /// The private key's file or contents (what the Tauri CLI takes).
        private: String,
        /// The public key, as written into the app's configuration.
        public: String,
        /// The throwaway key has no password; the release's comes with the environment.
        without_password: bool,
    },
}

/// Where the test run's throwaway key pair lives (its `.pub` beside it).
pub fn throwaway_key_path() -> PathBuf {
    env::target_dir().join("updater-key/mostrador-test.key")
}

impl Signing {
    /// The release's key when the environment carries one, else none.
    pub fn from_environment() -> Self {
        match (
            std::env::var("TAURI_SIGNING_PRIVATE_KEY"),
            std::env::var("MOSTRADOR_UPDATER_PUBKEY"),
        ) {
            (Ok(private), Ok(public)) if !private.is_empty() && !public.is_empty() => Self::Key {
                private,
                public,
                without_password: false,
            },
            _ => Self::Unsigned,
        }
    }

    /// A key pair made for the tests (kept between runs, so an unchanged build is not redone).
    pub fn throwaway() -> anyhow::Result<Self> {
        let key = throwaway_key_path();
        let public_file = key.with_extension("key.pub");
        if !key.exists() || !public_file.exists() {
            std::fs::create_dir_all(key.parent().expect("a parent"))?;
            crate::steps::run(
                Command::new(env::root().join("ui/node_modules/.bin/tauri"))
                    .args(["signer", "generate", "--ci", "-p", "", "-f", "-w"])
                    .arg(&key),
            )?;
        }
        let public = std::fs::read_to_string(&public_file)
            .with_context(|| format!("read {}", public_file.display()))?;
        Ok(Self::Key {
            private: key.display().to_string(),
            public: public.trim().to_owned(),
            without_password: true,
        })
    }

    /// Applies this signing to a `tauri build` command: the environment the CLI signs with and
    /// the configuration that makes it produce update artifacts and lets the app verify them.
    pub fn apply(&self, cmd: &mut Command) -> anyhow::Result<()> {
        let Self::Key {
            private,
            public,
            without_password,
        } = self
        else {
            return Ok(());
        };
        let overlay = serde_json::json!({
            "bundle": { "createUpdaterArtifacts": true },
            "plugins": { "updater": { "pubkey": public } },
        });
        let file = env::target_dir().join("updater-key/signed.conf.json");
        std::fs::create_dir_all(file.parent().expect("a parent"))?;
        std::fs::write(&file, serde_json::to_string_pretty(&overlay)?)?;
        cmd.arg("--config")
            .arg(&file)
            .env("TAURI_SIGNING_PRIVATE_KEY", private);
        if *without_password {
            cmd.env("TAURI_SIGNING_PRIVATE_KEY_PASSWORD", "");
        }
        Ok(())
    }
}
