//! Seller accounts: connecting one (OAuth code exchange), and keeping its tokens usable.
//!
//! Tokens and the application's client secret live only in the [`SecretStore`] (the OS keyring).
//! [`Credentials`] hands out the access token and refreshes it single-flight: every caller of one
//! account waits on the same async lock, so one refresh request is made however many tasks need a
//! token at once, and the rotated refresh token is persisted before the new access token is used
//! (Mercado Libre accepts only the latest refresh token). A refused grant (`invalid_grant`)
//! becomes [`Error::ReconnectRequired`]; callers put the account in the reconnect state.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::marketplace::oauth::{self, ClientCredentials, Pkce, TokenSet};
use crate::marketplace::{Api, resources};
use crate::secrets::{SecretStore, Sensitive};
use crate::store::Store;
use crate::store::accounts::{self, Account};

/// Refresh this long before the access token expires.
const REFRESH_MARGIN: Duration = Duration::seconds(120);

fn tokens_key(account_id: i64) -> String {
    format!("account:{account_id}:tokens")
}

fn client_key(account_id: i64) -> String {
    format!("account:{account_id}:client")
}

/// The keyring form of a token set and its client credentials (this struct only exists on the
/// way into and out of the keyring).
#[derive(Serialize, Deserialize)]
struct StoredTokens {
    user_id: i64,
    access_token: String,
    refresh_token: Option<String>,
    expires_at: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
struct StoredClient {
    client_id: String,
    client_secret: String,
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::internal("keyring task failed", Some(Box::new(e))))?
}

fn save_tokens(secrets: &dyn SecretStore, account_id: i64, t: &TokenSet) -> Result<()> {
    let stored = StoredTokens {
        user_id: t.user_id,
        access_token: t.access_token.expose().clone(),
        refresh_token: t.refresh_token.as_ref().map(|r| r.expose().clone()),
        expires_at: t.expires_at,
    };
    let json = serde_json::to_string(&stored)
        .map_err(|e| Error::internal("cannot encode as JSON", Some(Box::new(e))))?;
    secrets.set(&tokens_key(account_id), &Sensitive::new(json))
}

fn load_tokens(secrets: &dyn SecretStore, account_id: i64) -> Result<Option<TokenSet>> {
    let Some(raw) = secrets.get(&tokens_key(account_id))? else {
        return Ok(None);
    };
    let s: StoredTokens = serde_json::from_str(raw.expose())
        .map_err(|e| Error::keyring("stored tokens unreadable", Some(Box::new(e))))?;
    Ok(Some(TokenSet {
        user_id: s.user_id,
        access_token: Sensitive::new(s.access_token),
        refresh_token: s.refresh_token.map(Sensitive::new),
        expires_at: s.expires_at,
    }))
}

fn load_client(secrets: &dyn SecretStore, account_id: i64) -> Result<Option<ClientCredentials>> {
    let Some(raw) = secrets.get(&client_key(account_id))? else {
        return Ok(None);
    };
    let s: StoredClient = serde_json::from_str(raw.expose())
        .map_err(|e| Error::keyring("stored client unreadable", Some(Box::new(e))))?;
    Ok(Some(ClientCredentials {
        client_id: s.client_id,
        client_secret: Sensitive::new(s.client_secret),
    }))
}

/// What the user supplied to connect an account. `Debug` leaves out the authorization code.
pub struct Connection {
    /// The site's API base (production or sandbox).
    pub api_base: String,
    /// The seller's Mercado Libre application.
    pub client: ClientCredentials,
    /// The `code` from the redirect.
    pub code: String,
    /// The redirect URI registered for the application (must match exactly).
    pub redirect_uri: String,
    /// The PKCE pair, when the application uses PKCE.
    pub pkce: Option<Pkce>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("api_base", &self.api_base)
            .field("client", &self.client)
            .field("redirect_uri", &self.redirect_uri)
            .field("pkce", &self.pkce)
            .finish_non_exhaustive()
    }
}

/// Exchanges the code, stores the tokens in the keyring and the account in the store.
#[tracing::instrument(skip_all, fields(api = %conn.api_base), err)]
pub async fn connect(
    store: &Store,
    secrets: Arc<dyn SecretStore>,
    clock: &dyn Clock,
    conn: Connection,
) -> Result<Account> {
    let api = Api::new(&conn.api_base)?;
    let tokens = oauth::exchange_code(
        &api,
        &conn.client,
        &conn.code,
        &conn.redirect_uri,
        conn.pkce.as_ref(),
        clock.now(),
    )
    .await?;
    let (id, nickname, site_id) = resources::me(&api, &tokens.access_token).await?;
    if id != tokens.user_id {
        return Err(Error::internal(
            format!(
                "token issued for user {} but /users/me is {id}",
                tokens.user_id
            ),
            None,
        ));
    }
    let client = StoredClient {
        client_id: conn.client.client_id.clone(),
        client_secret: conn.client.client_secret.expose().clone(),
    };
    let client_json = serde_json::to_string(&client)
        .map_err(|e| Error::internal("cannot encode as JSON", Some(Box::new(e))))?;
    let secrets_for_save = secrets.clone();
    blocking(move || {
        save_tokens(secrets_for_save.as_ref(), id, &tokens)?;
        secrets_for_save.set(&client_key(id), &Sensitive::new(client_json))
    })
    .await?;
    let account = Account {
        id,
        nickname,
        site_id,
        api_base: conn.api_base,
        status: accounts::AccountStatus::Connected,
        baseline_done: false,
    };
    let row = account.clone();
    let now = clock.now();
    store.run(move |c| accounts::upsert(c, &row, now)).await?;
    tracing::info!(account_id = id, "account connected");
    Ok(account)
}

/// Removes an account's secrets from the keyring.
pub async fn forget_secrets(secrets: Arc<dyn SecretStore>, account_id: i64) -> Result<()> {
    blocking(move || {
        secrets.delete(&tokens_key(account_id))?;
        secrets.delete(&client_key(account_id))
    })
    .await
}

/// Hands out an account's access token, refreshing it single-flight.
pub struct Credentials {
    account_id: i64,
    secrets: Arc<dyn SecretStore>,
    clock: Arc<dyn Clock>,
    cached: tokio::sync::Mutex<Option<TokenSet>>,
    /// The cached tokens are newer than the keyring's (saving the rotated ones failed): they
    /// are saved again on the next use, and the keyring's spent refresh token is never read.
    unsaved: std::sync::atomic::AtomicBool,
}

impl Credentials {
    /// Credentials of `account_id`, read lazily from `secrets`.
    pub fn new(account_id: i64, secrets: Arc<dyn SecretStore>, clock: Arc<dyn Clock>) -> Self {
        Self {
            account_id,
            secrets,
            clock,
            cached: tokio::sync::Mutex::new(None),
            unsaved: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Saves the rotated tokens; on failure keeps them (in `cached`) and marks them unsaved.
    async fn persist(&self, tokens: &TokenSet) {
        let (secrets, id, to_save) = (self.secrets.clone(), self.account_id, tokens.clone());
        match blocking(move || save_tokens(secrets.as_ref(), id, &to_save)).await {
            Ok(()) => self
                .unsaved
                .store(false, std::sync::atomic::Ordering::SeqCst),
            Err(e) => {
                tracing::error!(account_id = id, error = %e, "could not save the rotated tokens; keeping them and retrying");
                self.unsaved
                    .store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
    }

    async fn load(&self) -> Result<TokenSet> {
        let secrets = self.secrets.clone();
        let id = self.account_id;
        blocking(move || load_tokens(secrets.as_ref(), id))
            .await?
            .ok_or(Error::ReconnectRequired { account_id: id })
    }

    /// A valid access token, refreshed first when it is about to expire.
    pub async fn access_token(&self, api: &Api) -> Result<Sensitive<String>> {
        let mut cached = self.cached.lock().await;
        let current = match cached.take() {
            Some(t) => t,
            None => self.load().await?,
        };
        let fresh = if current.expires_at - REFRESH_MARGIN > self.clock.now() {
            current
        } else {
            match self.refresh(api, current.clone()).await {
                Ok(fresh) => fresh,
                Err(e) => {
                    // Keep what we hold (it may be newer than the keyring's).
                    *cached = Some(current);
                    return Err(e);
                }
            }
        };
        if self.unsaved.load(std::sync::atomic::Ordering::SeqCst) {
            self.persist(&fresh).await;
        }
        let token = fresh.access_token.clone();
        *cached = Some(fresh);
        Ok(token)
    }

    /// Called after the API refused `rejected`: refresh unless another caller already did.
    pub async fn refresh_after_rejection(
        &self,
        api: &Api,
        rejected: &Sensitive<String>,
    ) -> Result<Sensitive<String>> {
        let mut cached = self.cached.lock().await;
        let current = match cached.take() {
            Some(t) => t,
            None => self.load().await?,
        };
        let fresh = if current.access_token != *rejected {
            current
        } else {
            match self.refresh(api, current.clone()).await {
                Ok(fresh) => fresh,
                Err(e) => {
                    *cached = Some(current);
                    return Err(e);
                }
            }
        };
        if self.unsaved.load(std::sync::atomic::Ordering::SeqCst) {
            self.persist(&fresh).await;
        }
        let token = fresh.access_token.clone();
        *cached = Some(fresh);
        Ok(token)
    }

    /// Refreshes and persists the rotated tokens before returning them. Holds the caller's lock.
    async fn refresh(&self, api: &Api, current: TokenSet) -> Result<TokenSet> {
        let id = self.account_id;
        let Some(refresh_token) = current.refresh_token.clone() else {
            return Err(Error::ReconnectRequired { account_id: id });
        };
        let secrets = self.secrets.clone();
        let client = blocking(move || load_client(secrets.as_ref(), id))
            .await?
            .ok_or(Error::ReconnectRequired { account_id: id })?;
        tracing::info!(account_id = id, "refreshing access token");
        let fresh = match oauth::refresh(api, &client, &refresh_token, self.clock.now()).await {
            Ok(t) => t,
            Err(e) if oauth::is_grant_revoked(&e) => {
                tracing::warn!(account_id = id, error = %e, "grant refused; reconnect needed");
                return Err(Error::ReconnectRequired { account_id: id });
            }
            Err(e) => return Err(e),
        };
        // Mercado Libre already spent the old refresh token: the new ones are kept even when
        // the keyring refuses them now.
        self.persist(&fresh).await;
        Ok(fresh)
    }
}

/// The live sessions of connected accounts, by account id. Cheap to clone.
#[derive(Clone, Default)]
pub struct Sessions {
    inner: Arc<std::sync::RwLock<std::collections::HashMap<i64, crate::marketplace::Session>>>,
}

impl Sessions {
    /// Registers (or replaces) an account's session.
    pub fn insert(&self, session: crate::marketplace::Session) {
        let mut map = self.inner.write().unwrap_or_else(|e| e.into_inner());
        map.insert(session.account_id(), session);
    }

    /// Forgets an account's session (its cached tokens go with it).
    pub fn remove(&self, account_id: i64) {
        let mut map = self.inner.write().unwrap_or_else(|e| e.into_inner());
        map.remove(&account_id);
    }

    /// The session of `account_id`.
    pub fn get(&self, account_id: i64) -> Result<crate::marketplace::Session> {
        let map = self.inner.read().unwrap_or_else(|e| e.into_inner());
        map.get(&account_id)
            .cloned()
            .ok_or(Error::ReconnectRequired { account_id })
    }
}

impl crate::outbox::Transport for Sessions {
    async fn post_answer(
        &self,
        account_id: i64,
        question_id: i64,
        text: &str,
    ) -> Result<Option<crate::store::questions::Question>> {
        let session = self.get(account_id)?;
        crate::marketplace::questions::answer(&session, question_id, text).await
    }

    async fn fetch_question(
        &self,
        account_id: i64,
        question_id: i64,
    ) -> Result<crate::store::questions::Question> {
        let session = self.get(account_id)?;
        crate::marketplace::questions::get(&session, question_id).await
    }

    async fn send(&self, account_id: i64, write: &crate::outbox::Write) -> Result<Option<String>> {
        use crate::marketplace::{listings, postsale, questions};
        use crate::outbox::Write;
        let session = self.get(account_id)?;
        match write {
            Write::Message {
                pack_id,
                buyer_id,
                text,
                guide: None,
                via,
                attachment,
            } => {
                let mut ids = Vec::new();
                if let Some(file) = attachment {
                    let bytes = tokio::fs::read(&file.path).await.map_err(|e| {
                        Error::InvalidInput(format!(
                            "the attachment {:?} is no longer on this computer: {e}",
                            file.name
                        ))
                    })?;
                    ids.push(
                        postsale::upload_attachment(&session, &file.site_id, &file.name, bytes)
                            .await?,
                    );
                }
                postsale::send_message(&session, *pack_id, *buyer_id, text, via.as_deref(), &ids)
                    .await
            }
            Write::Message {
                pack_id,
                text,
                guide: Some(guide),
                ..
            } => postsale::send_guide_option(
                &session,
                *pack_id,
                &guide.option_id,
                guide.template_id.as_deref(),
                text,
            )
            .await
            .map_err(crate::marketplace::postsale::guide_refusal),
            Write::Stock {
                item_id,
                variation_id,
                quantity,
            } => listings::set_stock(&session, item_id, *variation_id, *quantity)
                .await
                .map(|()| None),
            Write::ListingStatus { item_id, status } => {
                listings::set_status(&session, item_id, status)
                    .await
                    .map(|()| None)
            }
            Write::DeleteQuestion { question_id } => questions::delete(&session, *question_id)
                .await
                .map(|()| None),
            Write::BlockBuyer { buyer_id } => questions::block_buyer(&session, *buyer_id)
                .await
                .map(|()| None),
        }
    }

    async fn landed(&self, account_id: i64, write: &crate::outbox::Write) -> Result<bool> {
        use crate::marketplace::questions;
        use crate::outbox::Write;
        let session = self.get(account_id)?;
        match write {
            // Reconciled by the outbox against the whole conversation.
            Write::Message { .. } => Ok(false),
            // Deleted already (or gone): the earlier attempt landed.
            Write::DeleteQuestion { question_id } => {
                match questions::get(&session, *question_id).await {
                    Ok(q) => Ok(q.status == "DELETED"),
                    Err(Error::Api { status: 404, .. }) => Ok(true),
                    Err(e) => Err(e),
                }
            }
            // In effect when Mercado Libre holds this quantity already (sending it again
            // would change nothing but cost a write).
            Write::Stock {
                item_id,
                variation_id,
                quantity,
            } => {
                let (found, _) = crate::marketplace::listings::read_chunk(
                    &session,
                    std::slice::from_ref(item_id),
                )
                .await?;
                let held = found.first().and_then(|l| match variation_id {
                    Some(v) => l
                        .variations
                        .as_ref()?
                        .iter()
                        .find(|x| x.id == *v)
                        .map(|x| x.available_quantity),
                    None => l.available_quantity,
                });
                Ok(held == Some(*quantity))
            }
            Write::BlockBuyer { buyer_id } => questions::is_blocked(&session, *buyer_id).await,
            // In effect when the listing has that status already.
            Write::ListingStatus { item_id, status } => {
                let (found, _) = crate::marketplace::listings::read_chunk(
                    &session,
                    std::slice::from_ref(item_id),
                )
                .await?;
                Ok(found
                    .first()
                    .is_some_and(|l| l.status.as_deref() == Some(status.as_str())))
            }
        }
    }

    async fn seller_messages(
        &self,
        account_id: i64,
        pack_id: i64,
    ) -> Result<Vec<crate::outbox::writes::SentMessage>> {
        let session = self.get(account_id)?;
        let (thread, _) = crate::marketplace::postsale::thread(&session, pack_id).await?;
        Ok(thread
            .into_iter()
            .filter(|m| m.from_id == account_id)
            .map(|m| crate::outbox::writes::SentMessage {
                id: m.id,
                text: m.text,
                status: m.status,
            })
            .collect())
    }
}

/// What the user enters to connect an account. The secret is wrapped as soon as it arrives and
/// goes only to the keyring.
#[derive(Deserialize, ts_rs::TS)]
#[ts(export, export_to = "ConnectRequest.ts")]
pub struct ConnectRequest {
    /// Site of the account, e.g. `MLA`.
    pub site_id: String,
    /// The seller's application id (APP ID).
    pub client_id: String,
    /// The application's secret key.
    pub client_secret: String,
    /// The redirect URI registered for the application, exactly.
    pub redirect_uri: String,
}

impl std::fmt::Debug for ConnectRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectRequest")
            .field("site_id", &self.site_id)
            .field("client_id", &self.client_id)
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

/// An account as the UI lists it (no secrets: those never leave the keyring).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export, export_to = "AccountSummary.ts")]
pub struct AccountSummary {
    /// Mercado Libre user id.
    #[ts(type = "number")]
    pub id: i64,
    /// Nickname.
    pub nickname: String,
    /// Site, e.g. `MLA`.
    pub site_id: String,
    /// Syncing, or waiting to be reconnected.
    pub status: accounts::AccountStatus,
}

impl From<Account> for AccountSummary {
    fn from(a: Account) -> Self {
        Self {
            id: a.id,
            nickname: a.nickname,
            site_id: a.site_id,
            status: a.status,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_a_code_token_or_secret() {
        let connection = Connection {
            api_base: "https://api.mercadolibre.com".into(),
            client: ClientCredentials {
                client_id: "123".into(),
                client_secret: Sensitive::new("shh-client-secret".into()),
            },
            code: "TG-code-123".into(),
            redirect_uri: "https://example.com/cb".into(),
            pkce: Some(Pkce::from_verifier(
                "verifier-0123456789-abcdefghijklmnopqrstuvwxyz".into(),
            )),
        };
        let tokens = TokenSet {
            user_id: 1,
            access_token: Sensitive::new("APP_USR-access".into()),
            refresh_token: Some(Sensitive::new("TG-refresh".into())),
            expires_at: Utc::now(),
        };
        let shown = format!("{connection:?} {tokens:?}");
        for secret in [
            "TG-code-123",
            "shh-client-secret",
            "APP_USR-access",
            "TG-refresh",
            "verifier-0123",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
}
