//! The Mercado Libre client: HTTP, the API's error bodies, OAuth, and one module per resource.
//!
//! [`Api`] is an unauthenticated handle on one API base URL (`https://api.mercadolibre.com` or
//! the sandbox). [`Session`] adds an account's bearer token, refreshing it when it expires. Wire
//! types live in `dto` and are converted to domain types before anything leaves this module.

pub mod budget;
pub(crate) mod dto;
pub mod listings;
pub mod metrics;
pub mod oauth;
pub mod orders;
pub mod postsale;
pub mod questions;
pub mod resources;

use std::time::Duration;

use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::{Error, Result};
use budget::{Budget, Lane};

/// The production API base URL.
pub const MERCADO_LIBRE_API: &str = "https://api.mercadolibre.com";

/// Most ids a multiget (`/items?ids=`, `/users?ids=`) accepts.
pub const MULTIGET_MAX: usize = 20;

/// An HTTP handle on one API base URL. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Api {
    http: reqwest::Client,
    base: Url,
}

impl Api {
    /// A client for `base` (e.g. [`MERCADO_LIBRE_API`]).
    pub fn new(base: &str) -> Result<Self> {
        let base =
            Url::parse(base).map_err(|e| Error::InvalidInput(format!("bad API URL: {e}")))?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("Mostrador/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::internal("http client", Some(Box::new(e))))?;
        Ok(Self { http, base })
    }

    /// The base URL.
    pub fn base(&self) -> &Url {
        &self.base
    }

    pub(crate) fn request(&self, method: Method, path: &str) -> Result<RequestBuilder> {
        let url = self
            .base
            .join(path)
            .map_err(|e| Error::InvalidInput(format!("bad path {path}: {e}")))?;
        Ok(self
            .http
            .request(method, url)
            .header("accept", "application/json"))
    }
}

/// The largest response body read (Mercado Libre's biggest, a multiget of 20 listings with every
/// attribute, weighs a few hundred KB): a server sending more cannot make the app grow without
/// bound.
pub(crate) const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Reads a response body, refusing one over [`MAX_BODY_BYTES`] as soon as it passes it.
async fn read_capped(mut resp: reqwest::Response, what: &str) -> Result<Vec<u8>> {
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_BODY_BYTES as u64)
    {
        return Err(too_large(what));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(network_error)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(too_large(what));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn too_large(what: &str) -> Error {
    Error::Malformed {
        resource: what.to_owned(),
        detail: format!("the response is larger than {MAX_BODY_BYTES} bytes"),
    }
}

/// Sends a request and decodes a JSON success body; error bodies become [`Error`]s.
pub(crate) async fn send_json<T: DeserializeOwned>(req: RequestBuilder, what: &str) -> Result<T> {
    let resp = req.send().await.map_err(network_error)?;
    let status = resp.status();
    if status.is_success() {
        let bytes = read_capped(resp, what).await?;
        return serde_json::from_slice(&bytes).map_err(|e| Error::Malformed {
            resource: what.to_owned(),
            detail: e.to_string(),
        });
    }
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body: dto::ErrorBody = read_capped(resp, what)
        .await
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    Err(api_error(status, body, retry_after))
}

fn network_error(err: reqwest::Error) -> Error {
    Error::offline("the request failed", Some(Box::new(err)))
}

fn api_error(status: StatusCode, body: dto::ErrorBody, retry_after: Option<Duration>) -> Error {
    if status == StatusCode::TOO_MANY_REQUESTS {
        return Error::RateLimited { retry_after };
    }
    Error::Api {
        status: status.as_u16(),
        code: body.error.or(body.code).unwrap_or_else(|| "unknown".into()),
        message: body
            .message
            .or(body.error_description)
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned()),
    }
}

/// An authenticated session for one account: its token, its request budget and the lane its
/// requests wait in.
#[derive(Clone)]
pub struct Session {
    api: Api,
    account_id: i64,
    auth: std::sync::Arc<crate::accounts::Credentials>,
    budget: Budget,
    lane: Lane,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("account_id", &self.account_id)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A session for `account_id` using `auth` for its bearer token and spending `budget`, in
    /// the fast lane.
    pub fn new(
        api: Api,
        account_id: i64,
        auth: std::sync::Arc<crate::accounts::Credentials>,
        budget: Budget,
    ) -> Self {
        Self {
            api,
            account_id,
            auth,
            budget,
            lane: Lane::Fast,
        }
    }

    /// The same session, waiting in the bulk lane (background reads).
    pub fn bulk(&self) -> Self {
        Self {
            lane: Lane::Bulk,
            ..self.clone()
        }
    }

    /// The account this session acts for.
    pub fn account_id(&self) -> i64 {
        self.account_id
    }

    /// Sends an authenticated request built by `build` within the account's budget. On a 401
    /// the token is refreshed once and the request repeated. Reads (GET) that fail transiently
    /// are retried with backoff; writes are sent once (the outbox decides about retrying them).
    pub(crate) async fn call<T, F>(&self, what: &str, build: F) -> Result<T>
    where
        T: DeserializeOwned,
        F: Fn(&Api) -> Result<RequestBuilder>,
    {
        let is_read = build(&self.api)?
            .build()
            .map(|r| r.method() == Method::GET)
            .unwrap_or(false);
        let tries = if is_read {
            budget::attempts(self.lane)
        } else {
            1
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.call_once(what, &build).await {
                Err(e) if attempt < tries && budget::is_transient(&e) => {
                    let wait = budget::backoff(&e, attempt);
                    tracing::debug!(what, attempt, error = %e, ?wait, "retrying read");
                    tokio::time::sleep(wait).await;
                }
                other => return other,
            }
        }
    }

    async fn call_once<T, F>(&self, what: &str, build: &F) -> Result<T>
    where
        T: DeserializeOwned,
        F: Fn(&Api) -> Result<RequestBuilder>,
    {
        let token = self.auth.access_token(&self.api).await?;
        self.budget.acquire(self.lane).await;
        let first = send_json(build(&self.api)?.bearer_auth(token.expose()), what).await;
        match first {
            Err(Error::Api { status: 401, .. }) => {
                let token = self.auth.refresh_after_rejection(&self.api, &token).await?;
                self.budget.acquire(self.lane).await;
                send_json(build(&self.api)?.bearer_auth(token.expose()), what).await
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A server that answers every request with `head` and then `body_bytes` bytes of JSON
    /// whitespace (chunked when no length is announced).
    async fn server(announce_length: bool, body_bytes: usize) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                let head = if announce_length {
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {body_bytes}\r\n\r\n"
                    )
                } else {
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_owned()
                };
                if s.write_all(head.as_bytes()).await.is_err() {
                    continue;
                }
                let chunk = vec![b' '; 1 << 20];
                let mut sent = 0;
                while sent < body_bytes {
                    let n = chunk.len().min(body_bytes - sent);
                    let piece = if announce_length {
                        chunk[..n].to_vec()
                    } else {
                        [format!("{n:x}\r\n").as_bytes(), &chunk[..n], b"\r\n"].concat()
                    };
                    if s.write_all(&piece).await.is_err() {
                        break;
                    }
                    sent += n;
                }
                if !announce_length {
                    let _ = s.write_all(b"0\r\n\r\n").await;
                }
            }
        });
        format!("http://{addr}")
    }

    #[tokio::test]
    async fn a_body_past_the_cap_is_refused_not_read_whole() {
        for announce in [true, false] {
            let base = server(announce, MAX_BODY_BYTES + 1024).await;
            let api = Api::new(&base).expect("api");
            let req = api.request(Method::GET, "/huge").expect("request");
            let err = send_json::<serde_json::Value>(req, "huge")
                .await
                .expect_err("refused");
            assert!(
                matches!(&err, Error::Malformed { detail, .. } if detail.contains("larger than")),
                "announced {announce}: {err}"
            );
        }
    }
}
