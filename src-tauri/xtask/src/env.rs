//! The machine: where the workspace is, which system packages are present, installing what is
//! missing (apt on Debian/Ubuntu, only as root; otherwise the exact command is printed).

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, bail};

/// Packages to build the Tauri app.
pub const BUILD_PACKAGES: &[&str] = &[
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "libsoup-3.0-dev",
    "libjavascriptcoregtk-4.1-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libxdo-dev",
    "libssl-dev",
    "pkg-config",
    "build-essential",
    "file",
];

/// Packages to run the real-window tests headless.
pub const SESSION_PACKAGES: &[&str] = &[
    "xvfb",
    "xauth",
    "imagemagick",
    "webkit2gtk-driver",
    "dunst",
    "gnome-keyring",
    "libsecret-tools",
    "dbus-x11",
    "x11-utils",
    "xdotool",
    "fonts-liberation",
    // The UI's browser flows (Playwright drives the system's Chromium).
    "chromium",
];

/// Packages to check the installers: `rpm -qpl`/`-qpR` and `desktop-file-validate`.
pub const BUNDLE_PACKAGES: &[&str] = &["rpm", "desktop-file-utils"];

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The shared target directory.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Installs the missing Debian packages among `packages`.
pub fn ensure_packages(packages: &[&str]) -> anyhow::Result<()> {
    if which("dpkg-query").is_none() {
        println!(
            "xtask: not a Debian/Ubuntu system; install the equivalents of: {}",
            packages.join(" ")
        );
        return Ok(());
    }
    let missing: Vec<&str> = packages.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let command = format!(
        "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {}",
        missing.join(" ")
    );
    if !is_root() {
        bail!("missing system packages; run as root:\n  sudo sh -c '{command}'");
    }
    println!("xtask: installing {}", missing.join(" "));
    crate::steps::run(Command::new("sh").args(["-c", &command]))
}

/// Full path of a program on PATH (or in ~/.cargo/bin).
pub fn which(program: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.into_iter()
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// tauri-driver, installed with cargo when missing.
pub fn ensure_tauri_driver() -> anyhow::Result<PathBuf> {
    if let Some(p) = which("tauri-driver") {
        return Ok(p);
    }
    println!("xtask: installing tauri-driver");
    crate::steps::run(Command::new("cargo").args([
        "install",
        "tauri-driver",
        "--locked",
        "--version",
        "2.1.0",
    ]))?;
    which("tauri-driver").context("tauri-driver not found after installing it")
}

/// The UI's npm packages, installed from the lockfile when missing or stale.
pub fn ensure_ui_packages() -> anyhow::Result<()> {
    let ui = root().join("ui");
    let marker = ui.join("node_modules/.package-lock.json");
    let lock = ui.join("package-lock.json");
    let stale = match (marker.metadata(), lock.metadata()) {
        (Ok(m), Ok(l)) => m.modified()? < l.modified()?,
        _ => true,
    };
    if stale {
        println!("xtask: installing the UI's npm packages");
        // `npm install` (not `npm ci`): it follows the lockfile, while npm 11's `ci` rejects
        // lockfiles that leave out other platforms' optional packages (rollup's, here).
        crate::steps::run(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund"])
                .current_dir(&ui),
        )?;
    }
    Ok(())
}
