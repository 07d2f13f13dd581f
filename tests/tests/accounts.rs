//! Accounts against the sandbox over loopback: connecting through the authorization page with
//! PKCE and `state`, single-flight token refresh with the rotated token in the real keyring,
//! and the reconnect state when Mercado Libre refuses the grant.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::Utc;
use mostrador_core::Event;
use mostrador_core::accounts::{ConnectRequest, Connection, Credentials};
use mostrador_core::clock::ManualClock;
use mostrador_core::connect::Authorization;
use mostrador_core::marketplace::budget::Budget;
use mostrador_core::marketplace::oauth::{ClientCredentials, Pkce};
use mostrador_core::marketplace::{Api, Session, metrics};
use mostrador_core::secrets::{KeyringStore, MemoryStore, SecretStore, Sensitive};
use mostrador_core::store::accounts::AccountStatus;
use mostrador_tests::{FlakyKeyring, Harness, eventually, require_desktop_session};

fn client() -> ClientCredentials {
    ClientCredentials {
        client_id: mostrador_sandbox::CLIENT_ID.into(),
        client_secret: Sensitive::new(mostrador_sandbox::CLIENT_SECRET.into()),
    }
}

/// Opens the authorization page like a browser and follows its "allow" link's target.
async fn consent(h: &Harness, attempt: &Authorization) -> anyhow::Result<String> {
    let html = h
        .http
        .get(&attempt.url)
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    let start = html.find("id=allow href=\"").context("allow link")? + "id=allow href=\"".len();
    let end = html[start..].find('"').context("end of link")? + start;
    Ok(html[start..end].replace("&amp;", "&"))
}

fn token_requests(h: &Harness) -> u64 {
    mostrador_sandbox::routes::lock(h.sandbox.world())
        .requests
        .get("POST /oauth/token")
        .copied()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connecting_through_the_authorization_page_checks_state_and_verifier() -> anyhow::Result<()>
{
    let h = Harness::start(Arc::new(MemoryStore::default()), Duration::from_secs(3600)).await?;
    let connection = |code: String, pkce: Pkce| Connection {
        api_base: h.sandbox.url(),
        client: client(),
        code,
        redirect_uri: mostrador_sandbox::REDIRECT_URI.into(),
        pkce: Some(pkce),
    };

    // A redirect carrying another attempt's state is refused before any token request.
    let attempt = Authorization::begin(
        &h.sandbox.url(),
        mostrador_sandbox::CLIENT_ID,
        mostrador_sandbox::REDIRECT_URI,
    )?;
    let landed = consent(&h, &attempt).await?;
    assert!(
        landed.starts_with(mostrador_sandbox::REDIRECT_URI),
        "{landed}"
    );
    let other = Authorization::begin(
        &h.sandbox.url(),
        mostrador_sandbox::CLIENT_ID,
        mostrador_sandbox::REDIRECT_URI,
    )?;
    match other.code_from_redirect(&landed) {
        Err(e) => assert_eq!(e.code(), mostrador_core::ErrorCode::StateMismatch, "{e}"),
        other => bail!("a foreign state was accepted: {other:?}"),
    }

    // The right state but the wrong verifier: the token endpoint refuses the code.
    let code = attempt.code_from_redirect(&landed)?;
    let wrong = Pkce::from_verifier("a-verifier-that-was-never-sent-0123456789-abcdefghij".into());
    match h.core.engine().connect(connection(code, wrong)).await {
        Err(e) => assert_eq!(e.code(), mostrador_core::ErrorCode::InvalidGrant, "{e}"),
        other => bail!("a wrong verifier was accepted: {other:?}"),
    }

    // A fresh attempt with its own verifier connects the seller.
    let attempt = Authorization::begin(
        &h.sandbox.url(),
        mostrador_sandbox::CLIENT_ID,
        mostrador_sandbox::REDIRECT_URI,
    )?;
    let landed = consent(&h, &attempt).await?;
    let code = attempt.code_from_redirect(&landed)?;
    let account = h
        .core
        .engine()
        .connect(connection(code, attempt.pkce().clone()))
        .await?;
    assert_eq!(account.id, h.seller_id);
    assert_eq!(account.status, AccountStatus::Connected);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_callers_on_an_expiring_token_make_one_refresh() -> anyhow::Result<()> {
    require_desktop_session();
    let service = format!("com.mostrador.app.test.refresh.{}", std::process::id());
    let keyring = Arc::new(KeyringStore::new(service));
    let secrets: Arc<dyn SecretStore> = keyring.clone();
    let h = Harness::start(secrets.clone(), Duration::from_secs(3600)).await?;
    let key = format!("account:{}:tokens", h.seller_id);
    let read_tokens = {
        let secrets = secrets.clone();
        let key = key.clone();
        move || -> anyhow::Result<serde_json::Value> {
            let raw = secrets.get(&key)?.context("tokens in the keyring")?;
            Ok(serde_json::from_str(raw.expose())?)
        }
    };
    let before_tokens = tokio::task::spawn_blocking(read_tokens.clone()).await??;

    // Our clock says the access token is about to expire.
    let clock = Arc::new(ManualClock::new(Utc::now()));
    clock.advance(chrono::Duration::hours(6));
    let credentials = Arc::new(Credentials::new(h.seller_id, secrets.clone(), clock));
    let session = Session::new(
        Api::new(&h.sandbox.url())?,
        h.seller_id,
        credentials,
        Budget::per_second(1000),
    );
    let before = token_requests(&h);
    let calls = (0..50).map(|_| {
        let s = session.clone();
        tokio::spawn(async move { metrics::reputation(&s).await })
    });
    for call in calls.collect::<Vec<_>>() {
        call.await??;
    }
    assert_eq!(
        token_requests(&h) - before,
        1,
        "one refresh for fifty callers"
    );

    // The rotated refresh token is in the keyring, and it is the one the sandbox accepts.
    let after_tokens = tokio::task::spawn_blocking(read_tokens).await??;
    let (old, new) = (
        before_tokens["refresh_token"]
            .as_str()
            .context("old")?
            .to_owned(),
        after_tokens["refresh_token"]
            .as_str()
            .context("new")?
            .to_owned(),
    );
    assert_ne!(old, new, "the refresh token rotated");
    {
        let world = mostrador_sandbox::routes::lock(h.sandbox.world());
        assert!(world.refresh.contains_key(&new), "the stored token is live");
        assert!(!world.refresh.contains_key(&old), "the old one is spent");
    }
    tokio::task::spawn_blocking(move || keyring.delete(&key)).await??;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spent_refresh_token_puts_the_account_in_the_reconnect_state() -> anyhow::Result<()> {
    let secrets = Arc::new(MemoryStore::default());
    let mut h = Harness::start(secrets.clone(), Duration::from_millis(200)).await?;
    let key = format!("account:{}:tokens", h.seller_id);
    let stale = secrets.get(&key)?.context("tokens")?;

    // Another copy of the app refreshes: our stored refresh token is now spent.
    let clock = Arc::new(ManualClock::new(Utc::now()));
    clock.advance(chrono::Duration::hours(6));
    let other = Session::new(
        Api::new(&h.sandbox.url())?,
        h.seller_id,
        Arc::new(Credentials::new(h.seller_id, secrets.clone(), clock)),
        Budget::per_second(1000),
    );
    metrics::reputation(&other).await?;
    secrets.set(&key, &stale)?;
    // ...and our access token expires.
    h.http
        .post(format!("{}/_sandbox/clock", h.sandbox.url()))
        .json(&serde_json::json!({ "advance_seconds": 7 * 3600 }))
        .send()
        .await?
        .error_for_status()?;

    let mut events = h.core.subscribe();
    h.run().await?;
    eventually(Duration::from_secs(20), "the reconnect state", || {
        let core = &h.core;
        async move {
            let accounts = core.engine().accounts().await?;
            Ok((accounts[0].status == AccountStatus::Reconnect).then_some(()))
        }
    })
    .await?;
    let mut announced = false;
    while let Ok(e) = events.try_recv() {
        if matches!(
            e,
            Event::SyncStatus {
                state: mostrador_core::events::SyncState::Reconnect,
                ..
            }
        ) {
            announced = true;
        }
    }
    assert!(announced, "the UI is told the account needs reconnecting");
    h.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_flow_catches_a_loopback_redirect_and_disconnect_forgets_the_tokens()
-> anyhow::Result<()> {
    let secrets = Arc::new(MemoryStore::default());
    let h = Harness::start(secrets.clone(), Duration::from_secs(3600)).await?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let request = |redirect: &str| ConnectRequest {
        site_id: "MLA".into(),
        client_id: mostrador_sandbox::CLIENT_ID.into(),
        client_secret: mostrador_sandbox::CLIENT_SECRET.into(),
        redirect_uri: redirect.into(),
    };

    // Pasting an address from another attempt is refused.
    h.owner()
        .accounts()
        .begin_connect(&h.core, request("https://example.com/mostrador"))
        .await?;
    match h
        .owner()
        .accounts()
        .finish_connect("https://example.com/mostrador?code=TG-1&state=forged")
        .await
    {
        Err(e) => assert_eq!(e.code(), mostrador_core::ErrorCode::StateMismatch, "{e}"),
        other => bail!("a forged redirect was accepted: {other:?}"),
    }

    // With a loopback redirect URI the browser's return is caught by itself.
    let mut events = h.core.subscribe();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let url = h
        .owner()
        .accounts()
        .begin_connect(&h.core, request(&redirect))
        .await?;
    let attempt_page = h.http.get(&url).send().await?.text().await?;
    let start = attempt_page
        .find("id=allow href=\"")
        .context("allow link")?
        + 15;
    let end = attempt_page[start..].find('"').context("end")? + start;
    let landed = attempt_page[start..end].replace("&amp;", "&");
    assert!(landed.starts_with(&redirect), "{landed}");
    let page = eventually(Duration::from_secs(10), "the listener to answer", || {
        let http = h.http.clone();
        let landed = landed.clone();
        async move { Ok(http.get(&landed).send().await.ok()) }
    })
    .await?
    .text()
    .await?;
    assert!(page.contains("Mostrador"), "{page}");
    eventually(
        Duration::from_secs(10),
        "the account to be connected",
        || {
            let mut seen = false;
            while let Ok(e) = events.try_recv() {
                seen |= matches!(e, Event::AccountsChanged);
            }
            async move { Ok(seen.then_some(())) }
        },
    )
    .await?;
    let accounts = h.owner().accounts().list().await?;
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].status, AccountStatus::Connected);

    // The application is remembered for the site: the next account needs only the browser step.
    let saved = h
        .owner()
        .accounts()
        .saved_application("MLA")
        .await?
        .context("remembered")?;
    assert_eq!(saved.client_id, mostrador_sandbox::CLIENT_ID);
    assert_eq!(saved.redirect_uri, redirect);
    let again = ConnectRequest {
        client_secret: String::new(),
        ..request("https://example.com/mostrador")
    };
    h.owner().accounts().begin_connect(&h.core, again).await?;
    let other_app = ConnectRequest {
        client_id: "999".into(),
        client_secret: String::new(),
        ..request("https://example.com/mostrador")
    };
    assert_eq!(
        h.owner()
            .accounts()
            .begin_connect(&h.core, other_app)
            .await
            .map_err(|e| e.code())
            .err(),
        Some(mostrador_core::ErrorCode::InvalidInput),
        "another application's secret is never borrowed"
    );
    assert!(
        h.owner()
            .accounts()
            .saved_application("MLB")
            .await?
            .is_none()
    );

    // Disconnecting removes the account and its secrets.
    h.owner().accounts().disconnect(h.seller_id).await?;
    assert!(h.owner().accounts().list().await?.is_empty());
    assert!(
        secrets
            .get(&format!("account:{}:tokens", h.seller_id))?
            .is_none()
    );
    assert!(
        secrets
            .get(&format!("account:{}:client", h.seller_id))?
            .is_none()
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotated_tokens_the_keyring_refused_are_kept_and_saved_later() -> anyhow::Result<()> {
    let keyring = Arc::new(FlakyKeyring::default());
    let h = Harness::start(keyring.clone(), Duration::from_secs(3600)).await?;
    let key = format!("account:{}:tokens", h.seller_id);
    let stored_refresh = || -> anyhow::Result<String> {
        let raw = keyring.get(&key)?.context("tokens")?;
        let v: serde_json::Value = serde_json::from_str(raw.expose())?;
        Ok(v["refresh_token"].as_str().unwrap_or_default().to_owned())
    };
    let expire = || async {
        h.http
            .post(format!("{}/_sandbox/clock", h.sandbox.url()))
            .json(&serde_json::json!({ "advance_seconds": 7 * 3600 }))
            .send()
            .await?
            .error_for_status()?;
        anyhow::Ok(())
    };
    let first = stored_refresh()?;

    // The token expires; the refresh works but the keyring refuses the rotated tokens.
    expire().await?;
    keyring
        .failing
        .store(true, std::sync::atomic::Ordering::SeqCst);
    h.core.engine().poll_questions(h.seller_id).await?;
    assert_eq!(stored_refresh()?, first, "nothing could be saved");

    // The keyring is back: the next use saves the tokens held in memory.
    keyring
        .failing
        .store(false, std::sync::atomic::Ordering::SeqCst);
    h.core.engine().poll_questions(h.seller_id).await?;
    let second = stored_refresh()?;
    assert_ne!(
        second, first,
        "the rotated refresh token reached the keyring"
    );

    // And the spent one was never used again: another expiry refreshes fine.
    expire().await?;
    h.core.engine().poll_questions(h.seller_id).await?;
    assert_ne!(stored_refresh()?, second);
    let accounts = h.core.engine().accounts().await?;
    assert_eq!(accounts[0].status, AccountStatus::Connected);
    Ok(())
}

/// A thread of 150 messages whose pages carry no `paging.total`: every message is read (full
/// pages mean "maybe more"), not just the first page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_thread_without_a_total_is_read_whole() -> anyhow::Result<()> {
    let secrets = Arc::new(MemoryStore::default());
    let h = Harness::start(secrets.clone(), Duration::from_secs(3600)).await?;
    let pack = h.inject_order().await?;
    for n in 0..150 {
        h.buyer_writes(pack, &format!("mensaje {n}")).await?;
    }
    let expected = mostrador_sandbox::routes::lock(h.sandbox.world())
        .messages
        .get(&pack)
        .map_or(0, Vec::len);
    assert!(expected >= 150);
    h.http
        .post(format!("{}/_sandbox/settings", h.sandbox.url()))
        .json(&serde_json::json!({ "thread_without_total": true }))
        .send()
        .await?
        .error_for_status()?;
    let session = Session::new(
        Api::new(&h.sandbox.url())?,
        h.seller_id,
        Arc::new(Credentials::new(
            h.seller_id,
            secrets,
            Arc::new(mostrador_core::clock::SystemClock),
        )),
        Budget::per_second(1000),
    );
    let (thread, skipped) = mostrador_core::marketplace::postsale::thread(&session, pack).await?;
    assert_eq!((thread.len(), skipped), (expected, 0));
    Ok(())
}
