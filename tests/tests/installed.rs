//! The `.deb` as a seller installs it (`cargo xtask bundle` builds it first): `apt-get install`
//! resolves its declared dependencies; the installed `/usr/bin/mostrador` starts in demo mode
//! inside the project's desktop session and lists questions; starting it at login points at the
//! installed binary; a second launch hands over to the first; the desktop entry validates and
//! the icons are in place; the `.rpm` lists the same files and its dependencies. The package is
//! removed at the end, whatever happened.

// A failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use fantoccini::Locator;
use mostrador_tests::window::{WAIT, appears, free_port, launch, screenshot};
use mostrador_tests::{eventually, require_desktop_session};
use serde_json::json;

const INSTALLED: &str = "/usr/bin/mostrador";

fn bundle(kind: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let dir = target.join("release/bundle").join(kind);
    std::fs::read_dir(&dir)
        .ok()
        .and_then(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| p.extension().is_some_and(|x| x == kind))
        })
        .unwrap_or_else(|| {
            panic!(
                "no .{kind} in {}: run `cargo xtask bundle` first",
                dir.display()
            )
        })
}

fn output(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Where the login item goes: the freedesktop autostart folder of the user's home (the
/// autostart plugin writes there whatever `XDG_CONFIG_HOME` says).
fn login_item() -> PathBuf {
    PathBuf::from(std::env::var("HOME").unwrap_or_default())
        .join(".config/autostart/Mostrador.desktop")
}

/// Removes the package (and the login item this test made) when the test ends, passed or not.
struct Installed;

impl Drop for Installed {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(login_item());
        let _ = Command::new("apt-get")
            .args(["remove", "-y", "mostrador"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .status();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_deb_installs_starts_in_demo_mode_and_is_removed() {
    require_desktop_session();
    let deb = bundle("deb");
    let rpm = bundle("rpm");

    // The rpm: its files and what it needs.
    let files = output("rpm", &["-qpl", &rpm.display().to_string()]);
    for needed in [
        "/usr/bin/mostrador",
        "/usr/share/applications/Mostrador.desktop",
        "/usr/share/icons/hicolor/128x128/apps/mostrador.png",
    ] {
        assert!(
            files.lines().any(|l| l == needed),
            "the rpm has {needed}:\n{files}"
        );
    }
    let requires = output("rpm", &["-qpR", &rpm.display().to_string()]);
    assert!(requires.contains("libwebkit2gtk-4.1.so.0"), "{requires}");
    assert!(requires.contains("libgtk-3.so.0"), "{requires}");

    // The deb, installed as a seller would (its dependencies resolved by apt).
    let _installed = Installed;
    output(
        "apt-get",
        &[
            "install",
            "-y",
            "--no-install-recommends",
            &deb.display().to_string(),
        ],
    );
    assert!(Path::new(INSTALLED).exists());
    let entry = "/usr/share/applications/Mostrador.desktop";
    output("desktop-file-validate", &[entry]);
    let desktop = std::fs::read_to_string(entry).unwrap();
    assert!(desktop.contains("Exec=mostrador"), "{desktop}");
    assert!(desktop.contains("Categories=Office;"), "{desktop}");
    for size in ["32x32", "128x128", "256x256@2"] {
        let icon = format!("/usr/share/icons/hicolor/{size}/apps/mostrador.png");
        assert!(Path::new(&icon).exists(), "{icon}");
    }

    // The installed binary, in demo mode.
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let args: Vec<String> = [
        "--demo",
        "--data-dir",
        &data.path().display().to_string(),
        "--sandbox-port",
        &port.to_string(),
    ]
    .map(str::to_owned)
    .to_vec();
    let client = launch(INSTALLED, &args).await;
    appears(
        &client,
        "[data-testid=question-row]",
        "the inbox's questions",
    )
    .await;
    appears(&client, "[data-testid=demo-banner]", "the demo label").await;
    screenshot(&client, "installed-app.png").await;

    // Starting at login runs the installed binary.
    let saved = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke('preferences_set', arguments[0])
               .then(() => done('ok'), (e) => done(JSON.stringify(e)));",
            vec![
                json!({ "preferences": { "start_at_login": true, "start_minimized": true,
                                          "language": null, "theme": "system" } }),
            ],
        )
        .await
        .unwrap();
    assert_eq!(saved, json!("ok"));
    let login = login_item();
    let item =
        std::fs::read_to_string(&login).unwrap_or_else(|e| panic!("{}: {e}", login.display()));
    assert!(item.contains(&format!("Exec={INSTALLED}")), "{item}");

    // A second launch of the installed binary hands over to the first and exits.
    let mut second = Command::new(INSTALLED)
        .args(["--demo"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status = eventually(WAIT, "the second launch to exit", || {
        let done = second.try_wait();
        async move { Ok(done?) }
    })
    .await
    .unwrap();
    assert!(status.success(), "{status}");
    assert!(
        !client
            .find_all(Locator::Css("[data-testid=question-row]"))
            .await
            .unwrap()
            .is_empty()
    );
    // Back to how it was: no login item left behind.
    let _ = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke('preferences_set', arguments[0]).then(done, done);",
            vec![
                json!({ "preferences": { "start_at_login": false, "start_minimized": false,
                                          "language": null, "theme": "system" } }),
            ],
        )
        .await;
    let _ = client.close().await;
}

/// The installers as a signed release makes them (`cargo xtask test` signs with a key made for
/// the run): each carries an update signature that the app's public key verifies, and that a
/// single changed byte breaks.
#[test]
fn the_installers_carry_update_signatures_that_verify() {
    use base64::Engine;
    use minisign_verify::{PublicKey, Signature};

    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let public = std::fs::read_to_string(target.join("updater-key/mostrador-test.key.pub"))
        .expect("the run's public key: `cargo xtask test` builds signed installers");
    let decode = |b64: &str| {
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .unwrap(),
        )
        .unwrap()
    };
    let key = PublicKey::decode(&decode(&public)).unwrap();
    for kind in ["deb", "rpm"] {
        let installer = bundle(kind);
        let mut sig_path = installer.clone().into_os_string();
        sig_path.push(".sig");
        let sig = std::fs::read_to_string(&sig_path)
            .unwrap_or_else(|e| panic!("{}: {e}", PathBuf::from(&sig_path).display()));
        let signature = Signature::decode(&decode(&sig)).unwrap();
        let mut bytes = std::fs::read(&installer).unwrap();
        key.verify(&bytes, &signature, false)
            .unwrap_or_else(|e| panic!("the .{kind}'s signature verifies: {e}"));
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x01;
        assert!(
            key.verify(&bytes, &signature, false).is_err(),
            "a changed .{kind} no longer verifies"
        );
    }
}
