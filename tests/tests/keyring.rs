//! Secrets through the real OS keyring: gnome-keyring's Secret Service on the private D-Bus
//! session that `cargo xtask test` starts. Never an in-memory fake here.

// A failed unwrap is a failed test, with its location; helpers here are test code too.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use mostrador_core::secrets::{KeyringStore, SecretStore, Sensitive};
use mostrador_tests::{Harness, require_desktop_session};

/// Keyring calls can hang on a locked collection; never wait forever.
fn with_timeout<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(20))
        .expect("keyring call timed out (is the collection unlocked?)")
}

#[test]
fn store_read_and_delete_a_token_in_the_secret_service() {
    require_desktop_session();
    let service = format!("com.mostrador.app.test.{}", std::process::id());
    let store = KeyringStore::new(service.clone());
    let token = Sensitive::new("APP_USR-1234567890-test-token".to_owned());
    let s = store.clone();
    let t = token.clone();
    with_timeout(move || s.set("account:1:tokens", &t)).unwrap();

    // A second, independent handle reads it back: it really is in the Secret Service.
    let again = KeyringStore::new(service.clone());
    let read = with_timeout(move || again.get("account:1:tokens")).unwrap();
    assert_eq!(
        read.as_ref().map(|v| v.expose().as_str()),
        Some(token.expose().as_str())
    );

    // secret-tool (libsecret) sees the same item.
    let out = std::process::Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            &service,
            "username",
            "account:1:tokens",
        ])
        .output()
        .expect("secret-tool runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), token.expose());

    let s = store.clone();
    with_timeout(move || s.delete("account:1:tokens")).unwrap();
    let s = store;
    assert!(
        with_timeout(move || s.get("account:1:tokens"))
            .unwrap()
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn connecting_an_account_keeps_tokens_in_the_keyring_and_out_of_sqlite() {
    require_desktop_session();
    let service = format!("com.mostrador.app.test.connect.{}", std::process::id());
    let store = Arc::new(KeyringStore::new(service.clone()));
    let h = Harness::start(store.clone(), Duration::from_secs(3600))
        .await
        .unwrap();
    let key = format!("account:{}:tokens", h.seller_id);
    let s = store.clone();
    let stored = with_timeout(move || s.get(&key))
        .unwrap()
        .expect("tokens in the keyring");
    assert!(
        stored.expose().contains("APP_USR-"),
        "the access token is in the keyring"
    );
    let db = std::fs::read(h.db_path()).unwrap();
    let wal = std::fs::read(h.db_path().with_extension("db-wal")).unwrap_or_default();
    for bytes in [db, wal] {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("APP_USR-"), "no access token in SQLite");
        assert!(
            !text.contains(mostrador_sandbox::CLIENT_SECRET),
            "no client secret in SQLite"
        );
    }
    let id = h.seller_id;
    let s: Arc<dyn SecretStore> = store.clone();
    mostrador_core::accounts::forget_secrets(s, id)
        .await
        .unwrap();
    let s = store.clone();
    let key = format!("account:{id}:tokens");
    assert!(
        with_timeout(move || s.get(&key)).unwrap().is_none(),
        "disconnect removes secrets"
    );
}
