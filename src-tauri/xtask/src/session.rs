//! A private desktop session for the tests: its own XDG directories, a private D-Bus session
//! (dbus-run-session), Xvfb, an unlocked gnome-keyring (Secret Service), the dunst notification
//! daemon and tauri-driver. Everything lives and dies inside dbus-run-session, and nothing is
//! written to `$HOME`.

use std::path::Path;
use std::process::Command;

use anyhow::Context;

use crate::env::{root, target_dir};
use crate::steps::run;

const STAGE: &str = r#"
set -euo pipefail
cleanup() { kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT

# The first free display from $XTASK_DISPLAY on (another session may hold one).
for n in $(seq "$XTASK_DISPLAY" $((XTASK_DISPLAY + 40))); do
  [ -e "/tmp/.X$n-lock" ] && continue
  Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb=$!
  export DISPLAY=":$n"
  for _ in $(seq 100); do
    xdpyinfo >/dev/null 2>&1 && break
    kill -0 "$xvfb" 2>/dev/null || break
    sleep 0.1
  done
  xdpyinfo >/dev/null 2>&1 && break
done
# The session's default web browser (xdg-open's x-scheme-handler) is a script that records the
# addresses it is given: tests read the file, and no real browser starts in the session.
export MOSTRADOR_OPENED_URLS="$XDG_RUNTIME_DIR/opened-urls"
cat > "$XDG_RUNTIME_DIR/browser" <<'EOS'
#!/bin/sh
printf '%s\n' "$1" >> "$MOSTRADOR_OPENED_URLS"
EOS
chmod +x "$XDG_RUNTIME_DIR/browser"
mkdir -p "$XDG_DATA_HOME/applications"
cat > "$XDG_DATA_HOME/applications/mostrador-test-browser.desktop" <<EOS
[Desktop Entry]
Type=Application
Name=Recording browser
Exec=$XDG_RUNTIME_DIR/browser %u
MimeType=x-scheme-handler/http;x-scheme-handler/https;
NoDisplay=true
EOS
printf '[Default Applications]\nx-scheme-handler/http=mostrador-test-browser.desktop\nx-scheme-handler/https=mostrador-test-browser.desktop\n' \
  > "$XDG_CONFIG_HOME/mimeapps.list"
export BROWSER="$XDG_RUNTIME_DIR/browser"
xdpyinfo >/dev/null 2>&1 || { echo "Xvfb did not start"; exit 1; }

# Unlock a fresh keyring before anything asks for it (a locked one makes calls hang).
eval "$(printf 'mostrador-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL

dunst >/dev/null 2>&1 &
for _ in $(seq 100); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner \
    string:org.freedesktop.Notifications 2>/dev/null | grep -q 'boolean true' && break
  sleep 0.1
done

"$XTASK_TAURI_DRIVER" --port 4444 --native-port 4445 >/dev/null 2>&1 &
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/4444) 2>/dev/null && break; sleep 0.1; done

export MOSTRADOR_DESKTOP_SESSION=1
eval "$XTASK_COMMAND"
"#;

/// Runs every Rust test (`cargo nextest run --workspace`) inside the private session.
pub fn run_tests(driver: &Path) -> anyhow::Result<()> {
    run_in_session(driver, "cargo nextest run --workspace --no-fail-fast")
}

/// Runs a shell command inside the private session.
pub fn run_in_session(driver: &Path, command: &str) -> anyhow::Result<()> {
    let base = target_dir().join("desktop-session");
    let _ = std::fs::remove_dir_all(&base);
    for sub in ["cache", "data", "config", "runtime"] {
        std::fs::create_dir_all(base.join(sub)).with_context(|| format!("create {sub}"))?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(base.join("runtime"), std::fs::Permissions::from_mode(0o700))?;
    }
    let script = base.join("stage.sh");
    std::fs::write(&script, STAGE)?;
    let display = 90 + std::process::id() % 60;
    let screenshots = target_dir().join("screenshots");
    std::fs::create_dir_all(&screenshots)?;
    run(Command::new("dbus-run-session")
        .args(["--", "bash"])
        .arg(&script)
        .current_dir(root())
        .env("XDG_CACHE_HOME", base.join("cache"))
        .env("XDG_DATA_HOME", base.join("data"))
        .env("XDG_CONFIG_HOME", base.join("config"))
        .env("XDG_RUNTIME_DIR", base.join("runtime"))
        .env("XTASK_DISPLAY", display.to_string())
        .env("XTASK_TAURI_DRIVER", driver)
        .env("MOSTRADOR_APP", target_dir().join("debug/mostrador"))
        .env(
            "MOSTRADOR_SANDBOX",
            target_dir().join("debug/mostrador-sandbox"),
        )
        .env("MOSTRADOR_SCREENSHOTS", screenshots)
        .env("WEBDRIVER_URL", "http://127.0.0.1:4444")
        .env("XTASK_COMMAND", command))
}
