//! A seller's first day in the real window (the built app under Xvfb, driven through
//! tauri-driver, the real Secret Service keyring).
//!
//! - Without `--demo` on an empty data directory: the welcome screen, the guided connection to
//!   a simulator started as a separate process standing in for Mercado Libre (through
//!   `MOSTRADOR_API_BASE` / `MOSTRADOR_AUTH_BASE`), the account in the persistent store and its
//!   tokens in the keyring only; a restart opens on that account with its data and no demo label;
//!   a withdrawn permission is reconnected with the remembered application.
//! - With `--demo`: the label on every screen, post-sale conversations and their orders within a
//!   minute, listing links opened in the system browser while the window stays on the app, and a
//!   second launch handing over to the first.
//! - With `--minimized` (the login item): the app loads in a window that is never shown.

// A failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, Locator};
use mostrador_tests::window::{
    WAIT, app_path, click, launch, present, screenshot, text_of, type_into,
};
use mostrador_tests::{eventually, require_desktop_session};
use serde_json::Value;

/// The simulator's binary as its own process, standing in for Mercado Libre.
struct RemoteSandbox {
    child: Child,
    url: String,
}

impl RemoteSandbox {
    fn start() -> Self {
        let bin = std::env::var("MOSTRADOR_SANDBOX")
            .expect("MOSTRADOR_SANDBOX: the simulator's binary (cargo xtask test sets it)");
        let mut child = Command::new(bin)
            .args(["--port", "0", "--profile", "tiny", "--seed", "11"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the simulator starts");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let url = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_owned();
        Self { child, url }
    }
}

impl Drop for RemoteSandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A launcher for the app with the two environment variables set (WebDriver starts a program
/// with arguments only).
fn launcher(dir: &Path, sandbox: &str) -> PathBuf {
    let script = dir.join("mostrador-staging");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nexport MOSTRADOR_API_BASE={sandbox}\nexport MOSTRADOR_AUTH_BASE={sandbox}\n\
             exec '{}' \"$@\"\n",
            app_path()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    script
}

/// Addresses the app handed to the session's browser so far.
fn opened_urls() -> String {
    std::env::var_os("MOSTRADOR_OPENED_URLS")
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default()
}

/// Follows "allow" on the simulator's authorization page, as the seller's browser would; the
/// address it redirects to.
async fn consent(http: &reqwest::Client, authorization_url: &str) -> String {
    let page = http
        .get(authorization_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = page.find("id=allow href=\"").expect("allow link") + 15;
    let end = page[start..].find('"').expect("end") + start;
    page[start..end].replace("&amp;", "&")
}

/// Waits until no app process runs on `data_dir` (the WebDriver session ended it).
async fn app_gone(data_dir: &Path) {
    let needle = data_dir.display().to_string();
    eventually(WAIT, "the app to exit", || {
        let needle = needle.clone();
        async move {
            let out = Command::new("pgrep").args(["-f", &needle]).output()?;
            Ok(out.stdout.is_empty().then_some(()))
        }
    })
    .await
    .unwrap();
}

async fn account_ids_in(db: &Path) -> Vec<i64> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT id FROM accounts ORDER BY id").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_seller_connects_their_own_account_and_finds_it_after_a_restart() {
    require_desktop_session();
    mostrador_tests::init_logging();
    let sandbox = RemoteSandbox::start();
    let http = reqwest::Client::new();
    let creds: Value = http
        .get(format!("{}/_sandbox/credentials", sandbox.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let seller = &creds["sellers"][0];
    let seller_id = seller["user_id"].as_i64().unwrap();
    let nickname = seller["nickname"].as_str().unwrap().to_owned();
    let scripts = tempfile::tempdir().unwrap();
    let app = launcher(scripts.path(), &sandbox.url);
    let data_dir = tempfile::tempdir().unwrap();
    let args: Vec<String> = vec![
        "--data-dir".into(),
        data_dir.path().display().to_string(),
        "--poll-ms".into(),
        "500".into(),
    ];
    let app = app.display().to_string();

    // Just installed: the welcome screen, nothing simulated running.
    let client = launch(&app, &args).await;
    text_of(&client, "[data-testid=welcome]").await;
    screenshot(&client, "first-day-welcome.png").await;
    click(&client, "[data-testid=welcome-connect]").await;

    // The guided connection, with the staging address called out.
    let warning = text_of(&client, "[data-testid=endpoint-warning]").await;
    assert!(warning.contains(&sandbox.url), "{warning}");
    assert!(!present(&client, "[data-testid=demo-banner]").await);
    for step in 1..=4 {
        text_of(&client, &format!("[data-testid=guide-step-{step}]")).await;
    }
    screenshot(&client, "first-day-guide.png").await;
    click(&client, "[data-testid=open-developers]").await;
    eventually(WAIT, "the developers' site in the browser", || async {
        Ok(opened_urls()
            .contains("https://developers.mercadolibre.com.ar/")
            .then_some(()))
    })
    .await
    .unwrap();
    let redirect = client
        .find(Locator::Css("[data-testid=redirect-value]"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    assert!(redirect.starts_with("http://127.0.0.1:"), "{redirect}");
    type_into(
        &client,
        "[data-testid=connect-client-id]",
        creds["client_id"].as_str().unwrap(),
    )
    .await;
    type_into(
        &client,
        "[data-testid=connect-client-secret]",
        creds["client_secret"].as_str().unwrap(),
    )
    .await;
    click(&client, "[data-testid=connect-begin]").await;
    let authorization = text_of(&client, "[data-testid=connect-url]").await;
    assert!(
        authorization.starts_with(&format!("{}/authorization?", sandbox.url)),
        "{authorization}"
    );
    assert!(
        opened_urls().contains(&authorization),
        "opened in the browser"
    );
    screenshot(&client, "first-day-authorize.png").await;

    // The seller allows; the browser comes back to this computer and the app catches it.
    let landed = consent(&http, &authorization).await;
    assert!(landed.starts_with(&redirect), "{landed}");
    let page = http.get(&landed).send().await.unwrap();
    assert_eq!(page.status(), 200);
    text_of(&client, "[data-testid=connect-done]").await;
    let shown = text_of(&client, "[data-testid=account]").await;
    assert!(shown.contains(&nickname), "{shown}");
    assert!(present(&client, "[data-testid=account-connected]").await);
    screenshot(&client, "first-day-connected.png").await;

    // Syncing: the seller's unanswered questions reach the inbox.
    click(&client, "[data-testid=nav-inbox]").await;
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=question-row]"))
        .await
        .expect("the seller's questions");
    assert!(!present(&client, "[data-testid=demo-banner]").await);

    // The account is in the persistent store; its tokens and the secret only in the keyring.
    let db = data_dir.path().join("mostrador.db");
    assert_eq!(account_ids_in(&db).await, vec![seller_id]);
    for file in ["mostrador.db", "mostrador.db-wal"] {
        let bytes = std::fs::read(data_dir.path().join(file)).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        for secret in ["APP_USR-", "TG-", creds["client_secret"].as_str().unwrap()] {
            assert!(!text.contains(secret), "{file} holds {secret}");
        }
    }
    let keyring = Command::new("secret-tool")
        .args(["search", "--all", "service", "com.mostrador.app"])
        .output()
        .unwrap();
    let keyring = String::from_utf8_lossy(&keyring.stdout).into_owned()
        + &String::from_utf8_lossy(&keyring.stderr);
    assert!(
        keyring.contains(&format!("account:{seller_id}:tokens")),
        "{keyring}"
    );
    assert!(keyring.contains("application:MLA"), "{keyring}");
    let _ = client.close().await;
    app_gone(data_dir.path()).await;

    // A restart opens on the account, syncing, its data still there, no demo and no welcome.
    let client = launch(&app, &args).await;
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=question-row]"))
        .await
        .expect("the inbox after a restart");
    assert!(!present(&client, "[data-testid=welcome]").await);
    assert!(!present(&client, "[data-testid=demo-banner]").await);
    click(&client, "[data-testid=nav-accounts]").await;
    text_of(&client, "[data-testid=account-connected]").await;
    screenshot(&client, "first-day-restart.png").await;

    // Hours later the access token has expired: answering refreshes it (rotating the refresh
    // token) and the answer lands.
    http.post(format!("{}/_sandbox/clock", sandbox.url))
        .json(&serde_json::json!({ "advance_seconds": 7 * 3600 }))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    click(&client, "[data-testid=nav-inbox]").await;
    click(&client, "[data-testid=question-row]").await;
    let answer = "¡Hola! Sí, lo tenemos en stock y sale hoy.";
    type_into(&client, "[data-testid=answer-input]", answer).await;
    click(&client, "[data-testid=answer-send]").await;
    eventually(WAIT, "the answer after a token refresh", || async {
        let list: Vec<Value> = http
            .get(format!("{}/_sandbox/answers", sandbox.url))
            .send()
            .await?
            .json()
            .await?;
        Ok(list
            .iter()
            .any(|a| a["text"].as_str() == Some(answer))
            .then_some(()))
    })
    .await
    .unwrap();
    click(&client, "[data-testid=nav-accounts]").await;

    // The seller withdraws the permission on Mercado Libre: reconnecting needs only the
    // browser step (the application is remembered), here with the pasted address.
    http.post(format!("{}/_sandbox/revoke", sandbox.url))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    client
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css("[data-testid=account-reconnect]"))
        .await
        .expect("the reconnect state");
    screenshot(&client, "first-day-reconnect.png").await;
    let prefilled = client
        .find(Locator::Css("[data-testid=connect-client-id]"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(prefilled.as_deref(), creds["client_id"].as_str());
    click(&client, "[data-testid=connect-begin]").await;
    let authorization = text_of(&client, "[data-testid=connect-url]").await;
    let landed = consent(&http, &authorization).await;
    type_into(&client, "[data-testid=connect-landed]", &landed).await;
    click(&client, "[data-testid=connect-finish]").await;
    eventually(WAIT, "the account connected again", || async {
        Ok((!present(&client, "[data-testid=account-reconnect]").await
            && present(&client, "[data-testid=account-connected]").await)
            .then_some(()))
    })
    .await
    .unwrap();
    let _ = client.close().await;
    app_gone(data_dir.path()).await;

    // After a whole session (connect, sync, restart, a token refresh and an answer, reconnect
    // through a refused grant): no token, code or client secret in the store, its WAL or the
    // logs.
    let logs: Vec<std::path::PathBuf> = std::fs::read_dir(data_dir.path().join("logs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!logs.is_empty(), "the app wrote its log");
    let files = [db.clone(), data_dir.path().join("mostrador.db-wal")]
        .into_iter()
        .chain(logs);
    for file in files {
        let bytes = std::fs::read(&file).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        for secret in ["APP_USR-", "TG-", creds["client_secret"].as_str().unwrap()] {
            assert!(!text.contains(secret), "{} holds {secret}", file.display());
        }
    }
}

async fn invoke(client: &Client, script: &str) -> Value {
    client.execute_async(script, vec![]).await.unwrap()
}

/// Whether the main window is shown, asked through the window itself.
const VISIBLE: &str = "const done = arguments[arguments.length - 1];
    window.__TAURI_INTERNALS__.invoke('plugin:window|is_visible', { label: 'main' })
      .then(done, (e) => done(String(e)));";

#[tokio::test(flavor = "multi_thread")]
async fn a_start_in_the_tray_loads_the_app_without_ever_showing_the_window() {
    require_desktop_session();
    mostrador_tests::init_logging();
    let data_dir = tempfile::tempdir().unwrap();
    let args: Vec<String> = vec![
        "--demo".into(),
        "--minimized".into(),
        "--data-dir".into(),
        data_dir.path().display().to_string(),
    ];
    let client = launch(&app_path(), &args).await;
    // The page loads and syncs in the hidden window.
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=question-row]"))
        .await
        .expect("the demo's questions in the hidden window");
    // Past the reveal's fallback (5 s after setup), it is still hidden: only the tray or a
    // second launch shows it.
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert_eq!(invoke(&client, VISIBLE).await, Value::Bool(false));
    let _ = client.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_is_labelled_everywhere_comes_alive_and_keeps_links_outside() {
    require_desktop_session();
    mostrador_tests::init_logging();
    let data_dir = tempfile::tempdir().unwrap();
    // The demo's own traffic at its default pace; only questions are left out.
    let args: Vec<String> = vec![
        "--demo".into(),
        "--data-dir".into(),
        data_dir.path().display().to_string(),
        "--question-every".into(),
        "0".into(),
    ];
    let client = launch(&app_path(), &args).await;
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=question-row]"))
        .await
        .expect("the demo's questions");
    // The window, declared hidden, appeared once its page had loaded.
    assert_eq!(invoke(&client, VISIBLE).await, Value::Bool(true));
    for view in ["replies", "accounts", "settings", "inbox"] {
        click(&client, &format!("[data-testid=nav-{view}]")).await;
        assert!(
            present(&client, "[data-testid=demo-banner]").await,
            "the demo label on {view}"
        );
    }

    // Post-sale conversations with their orders, within a minute of starting.
    click(&client, "[data-testid=kind-messages]").await;
    client
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css("[data-testid=conversation-row]"))
        .await
        .expect("conversations within a minute")
        .click()
        .await
        .unwrap();
    text_of(&client, "[data-testid=pack-items]").await;
    screenshot(&client, "demo-conversations.png").await;

    // A listing's link opens in the system browser; the window stays on the app.
    click(&client, "[data-testid=kind-questions]").await;
    click(&client, "[data-testid=question-row]").await;
    let before = client.current_url().await.unwrap();
    click(&client, "[data-testid=permalink]").await;
    eventually(WAIT, "the listing in the browser", || async {
        Ok(opened_urls()
            .lines()
            .any(|u| u.starts_with("https://articulo.mercadolibre.com.ar/"))
            .then_some(()))
    })
    .await
    .unwrap();
    assert_eq!(client.current_url().await.unwrap(), before);

    // Even a script cannot take the window elsewhere.
    client
        .execute(
            "window.location.href = 'https://example.com/'; return true",
            vec![],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(client.current_url().await.unwrap(), before);
    assert!(present(&client, "[data-testid=demo-banner]").await);

    // The command opens Mercado Libre's pages only.
    for refused in [
        "http://articulo.mercadolibre.com.ar/MLA-1",
        "https://example.com/",
        "https://mercadolibre.com.ar.example.com/",
        "file:///etc/passwd",
    ] {
        let code = invoke(
            &client,
            &format!(
                "const done = arguments[arguments.length - 1];
                 window.__TAURI_INTERNALS__.invoke('link_open', {{ url: {refused:?} }})
                   .then(() => done('opened'), (e) => done(e.code));"
            ),
        )
        .await;
        assert_eq!(code, "invalid_input", "{refused}");
        assert!(!opened_urls().contains(refused), "{refused}");
    }

    // A second launch hands over to the first: the hidden window comes back, and it exits.
    client
        .execute(
            "return window.__TAURI_INTERNALS__.invoke('plugin:window|close', { label: 'main' })",
            vec![],
        )
        .await
        .unwrap();
    let visible = VISIBLE;
    eventually(WAIT, "the window hidden", || async {
        Ok((invoke(&client, visible).await == Value::Bool(false)).then_some(()))
    })
    .await
    .unwrap();
    let other = tempfile::tempdir().unwrap();
    let mut second = Command::new(app_path())
        .args(["--demo", "--data-dir"])
        .arg(other.path())
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
        !other.path().join("mostrador.db").exists() && !other.path().join("demo").exists(),
        "the second launch opened no store"
    );
    eventually(WAIT, "the first window shown again", || async {
        Ok((invoke(&client, visible).await == Value::Bool(true)).then_some(()))
    })
    .await
    .unwrap();
    let _ = client.close().await;
}
