//! Connecting an account through the browser, as the core runs it: the pending attempt (its
//! `state`, PKCE verifier and redirect listener), finishing it from the caught or pasted
//! redirect, remembering the application, and disconnecting. Reached through the gate
//! ([`crate::acting::Accounts`]).

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::events::Event;
use crate::{Core, accounts, applications, connect, locked, marketplace, secrets, store};

/// A connection attempt waiting for its redirect.
pub(crate) struct PendingConnect {
    authorization: connect::Authorization,
    api_base: String,
    site_id: String,
    client: marketplace::oauth::ClientCredentials,
    listener: Option<tokio::task::AbortHandle>,
}

impl Drop for PendingConnect {
    fn drop(&mut self) {
        if let Some(l) = self.listener.take() {
            l.abort();
        }
    }
}

impl Core {
    /// Starts connecting an account: returns the authorization address to open in the browser.
    /// When the redirect URI is a loopback `http://` address, a listener catches the redirect
    /// and finishes by itself; otherwise (and always as a fallback) the user pastes the address
    /// they landed on into [`Core::finish_connect`].
    /// An empty secret means "the one remembered for this site and application id".
    pub(crate) async fn begin_connect(
        self: &Arc<Self>,
        request: accounts::ConnectRequest,
    ) -> Result<String> {
        let client_id = request.client_id.trim().to_owned();
        let redirect_uri = request.redirect_uri.trim().to_owned();
        let mut client_secret = request.client_secret.trim().to_owned();
        if client_secret.is_empty()
            && let Some(saved) = applications::load(self.secrets.clone(), &request.site_id).await?
            && saved.client.client_id == client_id
        {
            client_secret = saved.client.client_secret.expose().clone();
        }
        if client_id.is_empty() || client_secret.is_empty() {
            return Err(Error::InvalidInput(
                "the application id and secret are required".into(),
            ));
        }
        if url::Url::parse(&redirect_uri).is_err() {
            return Err(Error::InvalidInput(
                "the redirect URI must be a full address (https://…)".into(),
            ));
        }
        let endpoints = &self.config.endpoints;
        let auth_base = match &endpoints.auth_base {
            Some(base) => base.clone(),
            None => connect::auth_host(&request.site_id)
                .ok_or_else(|| Error::InvalidInput(format!("unknown site {}", request.site_id)))?
                .to_owned(),
        };
        let api_base = endpoints
            .api_base
            .clone()
            .unwrap_or_else(|| marketplace::MERCADO_LIBRE_API.to_owned());
        let authorization = connect::Authorization::begin(&auth_base, &client_id, &redirect_uri)?;
        let url = authorization.url.clone();
        // A new attempt replaces (and stops listening for) the previous one.
        *locked(&self.pending) = None;
        let listener = authorization.catch_redirect().map(|catcher| {
            let core = Arc::clone(self);
            tokio::spawn(async move {
                match catcher.await {
                    Ok(landed) => {
                        if let Err(e) = core.finish_connect(&landed).await {
                            tracing::warn!(error = %e, "connecting from the caught redirect failed");
                            core.events
                                .publish(Event::ConnectionFailed { code: e.code() });
                        }
                    }
                    Err(e) => tracing::info!(error = %e, "no redirect caught; waiting for a paste"),
                }
            })
            .abort_handle()
        });
        *locked(&self.pending) = Some(PendingConnect {
            authorization,
            api_base,
            site_id: request.site_id,
            client: marketplace::oauth::ClientCredentials {
                client_id,
                client_secret: secrets::Sensitive::new(client_secret),
            },
            listener,
        });
        Ok(url)
    }

    /// Finishes the pending connection from the address the browser landed on: checks `state`,
    /// exchanges the code (with the PKCE verifier), stores the tokens in the keyring, and starts
    /// syncing the account.
    pub(crate) async fn finish_connect(&self, landed: &str) -> Result<accounts::AccountSummary> {
        let (connection, site_id) = {
            let pending = locked(&self.pending);
            let p = pending.as_ref().ok_or_else(|| {
                Error::InvalidInput("no connection is in progress; start again".into())
            })?;
            let code = p.authorization.code_from_redirect(landed)?;
            let connection = accounts::Connection {
                api_base: p.api_base.clone(),
                client: p.client.clone(),
                code,
                redirect_uri: p.authorization.redirect_uri.clone(),
                pkce: Some(p.authorization.pkce().clone()),
            };
            (connection, p.site_id.clone())
        };
        let (client, redirect_uri) = (connection.client.clone(), connection.redirect_uri.clone());
        let account = self.engine().connect(connection).await?;
        // The next account of this site needs only the browser step.
        if let Err(e) =
            applications::remember(self.secrets.clone(), &site_id, &client, &redirect_uri).await
        {
            tracing::warn!(error = %e, "could not remember the application");
        }
        tracing::info!(
            account_id = account.id,
            "account connected from the browser"
        );
        // Taken out before dropping, so a listener finishing this very call is not aborted
        // while it runs it.
        if let Some(mut done) = locked(&self.pending).take() {
            done.listener = None;
        }
        self.sessions.remove(account.id);
        self.spawn_account(&account)?;
        self.events.publish(Event::AccountsChanged);
        Ok(account.into())
    }

    /// Disconnects an account: stops its sync, removes its secrets from the keyring and its
    /// data from the store.
    pub(crate) async fn disconnect(&self, account_id: i64) -> Result<()> {
        if let Some(runner) = locked(&self.runner).clone()
            && let Some(token) = locked(&runner.per_account).remove(&account_id)
        {
            token.cancel();
        }
        self.sessions.remove(account_id);
        accounts::forget_secrets(self.secrets.clone(), account_id).await?;
        self.store
            .run(move |c| store::accounts::delete(c, account_id))
            .await?;
        tracing::info!(account_id, "account disconnected");
        self.events.publish(Event::AccountsChanged);
        Ok(())
    }
}
