//! Developer tasks for Mostrador: `cargo xtask demo | test | bench | bundle`.
//!
//! - `demo`: installs missing system packages (apt, as root; otherwise prints the command), the
//!   UI's npm packages, builds the UI and the app, and launches the app in demo mode.
//! - `test`: the whole suite: formatting, clippy, generated-binding freshness, UI type-check and
//!   tests, the Rust tests, and the real-window end-to-end test, inside a private desktop session
//!   (Xvfb, D-Bus, unlocked gnome-keyring, a notification daemon, tauri-driver).
//! - `bench`: release-build benchmarks, printed as `bench <name> <value> <unit>` lines.
//! - `bundle`: the Linux installers (`.deb`, `.rpm`) with the pinned Tauri CLI.
//!
//! Layout: [`env`] finds and installs tools, [`steps`] runs commands, [`session`] builds the
//! private desktop session.

mod env;
mod session;
mod signing;
mod steps;

use anyhow::bail;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("demo") => steps::demo(&args[1..]),
        Some("test") => steps::test(),
        Some("bench") => steps::bench(),
        Some("bundle") => steps::bundle().map(|_| ()),
        Some("session") => steps::session(&args[1..]),
        _ => bail!(
            "usage: cargo xtask <demo [app args…] | test | bench | bundle | session -- <command>>"
        ),
    }
}
