//! The seller's own Mercado Libre applications, remembered per site after a successful
//! connection, so a second account of the same site needs only the browser step.
//!
//! The whole record (id, secret, redirect address) lives in the OS keyring; the UI only ever
//! sees [`ApplicationInfo`], which has no secret.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::marketplace::oauth::ClientCredentials;
use crate::secrets::{SecretStore, Sensitive};

fn key(site_id: &str) -> String {
    format!("application:{site_id}")
}

/// The keyring form (exists only on the way into and out of the keyring).
#[derive(Serialize, Deserialize)]
struct Stored {
    client_id: String,
    client_secret: String,
    redirect_uri: String,
}

/// What the connect form may show about a remembered application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "ApplicationInfo.ts")]
pub struct ApplicationInfo {
    /// The application id (APP ID).
    pub client_id: String,
    /// The redirect address registered for it.
    pub redirect_uri: String,
}

/// A remembered application with its secret, for the next connection.
pub struct Application {
    /// Id and secret.
    pub client: ClientCredentials,
    /// The registered redirect address.
    pub redirect_uri: String,
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::internal("keyring task failed", Some(Box::new(e))))?
}

/// Remembers the application used to connect an account of `site_id`.
pub async fn remember(
    secrets: Arc<dyn SecretStore>,
    site_id: &str,
    client: &ClientCredentials,
    redirect_uri: &str,
) -> Result<()> {
    let stored = Stored {
        client_id: client.client_id.clone(),
        client_secret: client.client_secret.expose().clone(),
        redirect_uri: redirect_uri.to_owned(),
    };
    let json = serde_json::to_string(&stored)
        .map_err(|e| Error::internal("cannot encode as JSON", Some(Box::new(e))))?;
    let key = key(site_id);
    blocking(move || secrets.set(&key, &Sensitive::new(json))).await
}

/// The application remembered for `site_id`, with its secret.
pub async fn load(secrets: Arc<dyn SecretStore>, site_id: &str) -> Result<Option<Application>> {
    let key = key(site_id);
    let Some(raw) = blocking(move || secrets.get(&key)).await? else {
        return Ok(None);
    };
    let s: Stored = serde_json::from_str(raw.expose())
        .map_err(|e| Error::keyring("stored application unreadable", Some(Box::new(e))))?;
    Ok(Some(Application {
        client: ClientCredentials {
            client_id: s.client_id,
            client_secret: Sensitive::new(s.client_secret),
        },
        redirect_uri: s.redirect_uri,
    }))
}

/// What the connect form shows for `site_id` (no secret).
pub async fn info(secrets: Arc<dyn SecretStore>, site_id: &str) -> Result<Option<ApplicationInfo>> {
    Ok(load(secrets, site_id).await?.map(|a| ApplicationInfo {
        client_id: a.client.client_id,
        redirect_uri: a.redirect_uri,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryStore;

    #[tokio::test]
    async fn remembered_per_site_and_shown_without_the_secret() {
        let secrets: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
        assert_eq!(info(secrets.clone(), "MLA").await.expect("info"), None);
        let client = ClientCredentials {
            client_id: "123".into(),
            client_secret: Sensitive::new("s3cret".into()),
        };
        remember(secrets.clone(), "MLA", &client, "https://example.com/cb")
            .await
            .expect("remember");
        let shown = info(secrets.clone(), "MLA").await.expect("info");
        assert_eq!(
            shown,
            Some(ApplicationInfo {
                client_id: "123".into(),
                redirect_uri: "https://example.com/cb".into()
            })
        );
        assert!(!format!("{shown:?}").contains("s3cret"));
        let full = load(secrets.clone(), "MLA")
            .await
            .expect("load")
            .expect("some");
        assert_eq!(full.client.client_secret.expose(), "s3cret");
        assert_eq!(info(secrets, "MLB").await.expect("info"), None);
    }
}
