//! Helpers for the real-window tests: the notification bus monitor, WebDriver sessions on the
//! built app, clicks and typing that wait for their element, screenshots for a person to look at.

// A failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

/// How long an element may take to appear.
pub const WAIT: Duration = Duration::from_secs(30);

/// Watches the session bus for `Notify` calls (dbus-monitor, a real bus client).
pub struct BusMonitor {
    child: std::process::Child,
    output: Arc<Mutex<String>>,
}

impl BusMonitor {
    pub fn start() -> Self {
        let mut child = Command::new("dbus-monitor")
            .args([
                "--session",
                "interface='org.freedesktop.Notifications',member='Notify'",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor starts");
        let output = Arc::new(Mutex::new(String::new()));
        let sink = output.clone();
        let stdout = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let mut out = sink.lock().unwrap();
                out.push_str(&line);
                out.push('\n');
            }
        });
        Self { child, output }
    }

    /// The argument blocks of every `Notify` method call seen so far.
    pub fn notify_calls(&self) -> Vec<String> {
        let out = self.output.lock().unwrap().clone();
        out.split("method call")
            .filter(|block| block.contains("member=Notify"))
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for BusMonitor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Saves a screenshot under `MOSTRADOR_SCREENSHOTS` (when set) for a person to look at.
pub async fn screenshot(client: &Client, name: &str) {
    if let Some(dir) = std::env::var_os("MOSTRADOR_SCREENSHOTS") {
        let png = client.screenshot().await.expect("screenshot");
        std::fs::write(std::path::Path::new(&dir).join(name), png).expect("write screenshot");
    }
}

/// Clicks `css` once it appears (found again when the page re-rendered it meanwhile).
pub async fn click(client: &Client, css: &str) {
    let start = std::time::Instant::now();
    loop {
        let element = client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} appears: {e}"));
        match element.click().await {
            Ok(()) => return,
            Err(e) if start.elapsed() < WAIT => {
                tracing::debug!(css, error = %e, "element replaced; finding it again");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("{css} clicks: {e}"),
        }
    }
}

/// Types `text` into `css` (cleared first) once it appears.
pub async fn type_into(client: &Client, css: &str, text: &str) {
    let field = client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} appears: {e}"));
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

/// A WebDriver session on the app at `application` (the built app, or a script that starts it)
/// with `args`.
///
/// The app is single-instance: a copy still shutting down from an earlier session would take
/// the new launch's hand-over and leave WebDriver waiting, so this first waits for none to run.
///
/// The app keeps WebKitGTK's compositing (`--gpu-compositing`): on a machine without a GPU
/// render node it would draw without it, and WebKitWebDriver's screenshot then waits for a
/// compositing update that never comes. [`launch_as_shipped`] leaves the app's own choice.
pub async fn launch(application: &str, args: &[String]) -> Client {
    let mut args = args.to_vec();
    args.push("--gpu-compositing".into());
    launch_as_shipped(application, &args).await
}

/// [`launch`] with the app's own drawing choice: for measuring it, not for screenshots.
pub async fn launch_as_shipped(application: &str, args: &[String]) -> Client {
    let webdriver =
        std::env::var("WEBDRIVER_URL").unwrap_or_else(|_| "http://127.0.0.1:4444".into());
    end_leftover_session(&webdriver).await;
    end_leftover_app().await;
    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        json!({ "application": application, "args": args }),
    );
    // tauri-driver speaks plain HTTP on loopback: no TLS stack needed.
    let mut builder = ClientBuilder::new(HttpConnector::new());
    builder.capabilities(caps);
    let client = tokio::time::timeout(Duration::from_secs(120), builder.connect(&webdriver))
        .await
        .expect("the app's window within two minutes")
        .expect("tauri-driver session (is tauri-driver running?)");
    if let Ok(id) = client.session_id().await {
        let _ = std::fs::write(session_file(), id.unwrap_or_default());
    }
    client
}

/// Where the open WebDriver session's id is kept between test processes.
fn session_file() -> std::path::PathBuf {
    std::env::temp_dir().join("mostrador-webdriver-session")
}

/// Ends the session an earlier test left open when it failed before closing its window:
/// tauri-driver holds one session at a time, and a leftover one would refuse every later test.
/// A session that was closed properly answers "invalid session id", which is fine.
async fn end_leftover_session(webdriver: &str) {
    let Ok(id) = std::fs::read_to_string(session_file()) else {
        return;
    };
    let _ = std::fs::remove_file(session_file());
    if id.trim().is_empty() {
        return;
    }
    let url = format!("{}/session/{}", webdriver.trim_end_matches('/'), id.trim());
    let ended = reqwest::Client::new()
        .delete(&url)
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map(|r| r.status().is_success())
        .unwrap_or(false);
    if ended {
        eprintln!("ended the WebDriver session {id} an earlier test left open");
    }
}

/// Waits until no `mostrador` process runs (an earlier session's app has exited).
pub async fn no_app_running() {
    let start = std::time::Instant::now();
    loop {
        let running = Command::new("pgrep")
            .args(["-x", "mostrador"])
            .output()
            .map(|o| !o.stdout.is_empty())
            .unwrap_or(false);
        if !running {
            return;
        }
        assert!(
            start.elapsed() < WAIT,
            "an earlier app did not exit within {WAIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Before a launch: waits for an earlier app to exit; one still running after [`WAIT`] was left
/// by a test that failed with its window open (its WebDriver session never closed) and is ended,
/// so this test starts alone.
async fn end_leftover_app() {
    let start = std::time::Instant::now();
    loop {
        let running = Command::new("pgrep")
            .args(["-x", "mostrador"])
            .output()
            .map(|o| !o.stdout.is_empty())
            .unwrap_or(false);
        if !running {
            return;
        }
        if start.elapsed() >= WAIT {
            eprintln!("an earlier app was still running after {WAIT:?}; ending it");
            let _ = Command::new("pkill")
                .args(["-9", "-x", "mostrador"])
                .status();
            tokio::time::sleep(Duration::from_secs(1)).await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The built app (`cargo xtask test` sets `MOSTRADOR_APP`).
pub fn app_path() -> String {
    std::env::var("MOSTRADOR_APP").expect("MOSTRADOR_APP: the built app (cargo xtask test sets it)")
}

/// Waits for `css` and returns its text (found again when the page re-rendered it meanwhile).
pub async fn text_of(client: &Client, css: &str) -> String {
    let start = std::time::Instant::now();
    loop {
        let element = client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} appears: {e}"));
        match element.text().await {
            Ok(text) => return text,
            Err(e) if start.elapsed() < WAIT => {
                tracing::debug!(css, error = %e, "element replaced; finding it again");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("{css}: {e}"),
        }
    }
}

/// Waits until `css` matches something, riding out the driver's transient errors (WebKit's
/// driver fails to describe an element the page replaced while it looked); `what` names it.
pub async fn appears(client: &Client, css: &str, what: &str) {
    let start = std::time::Instant::now();
    loop {
        match client.find_all(Locator::Css(css)).await {
            Ok(found) if !found.is_empty() => return,
            Ok(_) => {}
            Err(e) => tracing::debug!(css, error = %e, "looking again"),
        }
        assert!(
            start.elapsed() < WAIT,
            "{what}: {css} did not appear within {WAIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether `css` matches anything now.
pub async fn present(client: &Client, css: &str) -> bool {
    !client.find_all(Locator::Css(css)).await.unwrap().is_empty()
}

/// Calls a command of the app as its UI does (through Tauri's IPC), returning `{ok: value}` or
/// `{err: error}`.
pub async fn invoke(client: &Client, command: &str, args: &serde_json::Value) -> serde_json::Value {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__.invoke({command:?}, {args})
           .then((v) => done({{ ok: v === undefined ? null : v }}), (e) => done({{ err: e }}));"
    );
    client.execute_async(&script, vec![]).await.unwrap()
}
