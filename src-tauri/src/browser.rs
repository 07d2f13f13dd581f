//! Opens an address in the user's default browser, with each platform's own launcher.

use std::process::{Command, Stdio};

/// Opens `url` (only `http`/`https` addresses) without waiting for the browser.
pub fn open(url: &str) -> std::io::Result<()> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(std::io::Error::other("only web addresses are opened"));
    }
    let mut cmd = launcher(url);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|_| ())
}

#[cfg(target_os = "linux")]
fn launcher(url: &str) -> Command {
    let mut c = Command::new("xdg-open");
    c.arg(url);
    c
}

#[cfg(target_os = "macos")]
fn launcher(url: &str) -> Command {
    let mut c = Command::new("open");
    c.arg(url);
    c
}

#[cfg(target_os = "windows")]
fn launcher(url: &str) -> Command {
    // `start` treats the first quoted argument as a window title: pass an empty one.
    let mut c = Command::new("cmd");
    c.args(["/C", "start", ""]).arg(url);
    c
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn launcher(url: &str) -> Command {
    let mut c = Command::new("xdg-open");
    c.arg(url);
    c
}
