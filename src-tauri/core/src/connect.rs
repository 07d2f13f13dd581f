//! Connecting a seller account through the browser: the authorization URL with PKCE (S256) and
//! a random `state`, and reading the address Mercado Libre redirected to.
//!
//! Mercado Libre does not check `state`; we do: a redirect whose `state` differs from the one we
//! sent is refused. The redirect is caught by the shell's loopback listener, or pasted by the user
//! (Mercado Libre wants HTTPS redirect URIs registered exactly, which a desktop app cannot
//! always listen on), and both paths end in [`Authorization::code_from_redirect`].

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use url::Url;

use crate::error::{Error, Result};
use crate::marketplace::oauth::Pkce;

/// Characters of the random `state` and PKCE verifier (RFC 7636 unreserved characters).
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

fn random_text(len: usize) -> String {
    (0..len)
        .map(|_| ALPHABET[fastrand::usize(..ALPHABET.len())] as char)
        .collect()
}

/// The authorization host of a site (`MLA` → `https://auth.mercadolibre.com.ar`).
pub fn auth_host(site_id: &str) -> Option<&'static str> {
    Some(match site_id {
        "MLA" => "https://auth.mercadolibre.com.ar",
        "MLB" => "https://auth.mercadolivre.com.br",
        "MLM" => "https://auth.mercadolibre.com.mx",
        "MLC" => "https://auth.mercadolibre.cl",
        "MCO" => "https://auth.mercadolibre.com.co",
        "MLU" => "https://auth.mercadolibre.com.uy",
        "MPE" => "https://auth.mercadolibre.com.pe",
        "MEC" => "https://auth.mercadolibre.com.ec",
        "MLV" => "https://auth.mercadolibre.com.ve",
        _ => return None,
    })
}

/// One authorization attempt: the URL to open, and what is needed to finish it.
#[derive(Debug)]
pub struct Authorization {
    /// The address to open in the system browser.
    pub url: String,
    /// The redirect URI registered for the application.
    pub redirect_uri: String,
    state: String,
    pkce: Pkce,
}

impl Authorization {
    /// Starts an attempt against `auth_base` (a site's auth host, or the sandbox).
    pub fn begin(auth_base: &str, client_id: &str, redirect_uri: &str) -> Result<Self> {
        let state = random_text(32);
        let pkce = Pkce::from_verifier(random_text(64));
        let mut url = Url::parse(auth_base)
            .and_then(|u| u.join("/authorization"))
            .map_err(|e| Error::InvalidInput(format!("bad authorization address: {e}")))?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", &state)
            .append_pair("code_challenge", &pkce.challenge)
            .append_pair("code_challenge_method", "S256");
        Ok(Self {
            url: url.into(),
            redirect_uri: redirect_uri.to_owned(),
            state,
            pkce,
        })
    }

    /// The authorization code from the address the browser landed on, after checking `state`.
    pub fn code_from_redirect(&self, landed: &str) -> Result<String> {
        let url = Url::parse(landed.trim()).map_err(|_| {
            Error::InvalidInput(
                "that is not the address you landed on (it must start with https://)".into(),
            )
        })?;
        let param = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        if let Some(error) = param("error") {
            let detail = param("error_description").unwrap_or_default();
            return Err(Error::InvalidInput(format!(
                "Mercado Libre refused the authorization: {error} {detail}"
            )));
        }
        if param("state").as_deref() != Some(self.state.as_str()) {
            return Err(Error::InvalidInput(
                "the address does not belong to this connection attempt (state mismatch)".into(),
            ));
        }
        param("code")
            .filter(|c| !c.is_empty())
            .ok_or_else(|| Error::InvalidInput("the address has no authorization code".into()))
    }

    /// The PKCE pair to send with the code.
    pub fn pkce(&self) -> &Pkce {
        &self.pkce
    }
}

/// How long a loopback listener waits for the browser to come back.
const LISTEN_FOR: Duration = Duration::from_secs(600);

/// A listener waiting for the redirect.
pub type RedirectCatcher = Pin<Box<dyn Future<Output = Result<String>> + Send>>;

/// When `redirect_uri` is a loopback `http://` address with a port, a future that listens there
/// and resolves with the full address the browser was redirected to. `None` otherwise (HTTPS
/// redirects go to a page the user copies the address from).
pub fn catch_redirect(redirect_uri: &str) -> Option<RedirectCatcher> {
    let url = Url::parse(redirect_uri).ok()?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if url.scheme() != "http" || !loopback {
        return None;
    }
    let port = url.port()?;
    let path = url.path().to_owned();
    let origin = format!("http://{}:{port}", url.host_str().unwrap_or("127.0.0.1"));
    Some(Box::pin(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| Error::Internal(format!("cannot listen on port {port}: {e}")))?;
        let accept = async {
            loop {
                let (mut stream, _) = listener
                    .accept()
                    .await
                    .map_err(|e| Error::Internal(format!("redirect listener: {e}")))?;
                let mut head = Vec::with_capacity(2048);
                let mut buf = [0u8; 1024];
                while head.len() < 16 * 1024 && !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head);
                let target = head
                    .lines()
                    .next()
                    .and_then(|l| l.strip_prefix("GET "))
                    .and_then(|l| l.split(' ').next())
                    .unwrap_or("")
                    .to_owned();
                if target.starts_with(&path) && target.contains("state=") {
                    let page = "<!doctype html><meta charset=utf-8><title>Mostrador</title>\
                        <p style=\"font:16px sans-serif;margin:40px\">Listo. Volvé a Mostrador. \
                        · Pronto. Volte ao Mostrador. · Done. Go back to Mostrador.</p>";
                    let _ = stream
                        .write_all(
                            format!(
                                "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\n\
                                 content-length: {}\r\nconnection: close\r\n\r\n{page}",
                                page.len()
                            )
                            .as_bytes(),
                        )
                        .await;
                    return Ok(format!("{origin}{target}"));
                }
                let _ = stream
                    .write_all(
                        b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                    )
                    .await;
            }
        };
        tokio::time::timeout(LISTEN_FOR, accept)
            .await
            .map_err(|_| Error::InvalidInput("the browser did not come back in time".into()))?
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt() -> Authorization {
        Authorization::begin(
            "https://auth.mercadolibre.com.ar",
            "123",
            "https://example.com/cb",
        )
        .expect("begin")
    }

    #[test]
    fn the_url_carries_pkce_s256_and_a_random_state() {
        let a = attempt();
        let b = attempt();
        let url = Url::parse(&a.url).expect("url");
        assert_eq!(url.host_str(), Some("auth.mercadolibre.com.ar"));
        assert_eq!(url.path(), "/authorization");
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["code_challenge"], a.pkce().challenge);
        assert_eq!(q["redirect_uri"], "https://example.com/cb");
        assert_ne!(a.state, b.state, "state is random");
        assert!(a.pkce().verifier.expose().len() >= 43);
    }

    #[test]
    fn reads_the_code_only_with_the_right_state() {
        let a = attempt();
        let good = format!("https://example.com/cb?code=TG-1&state={}", a.state);
        assert_eq!(a.code_from_redirect(&good).expect("code"), "TG-1");
        let forged = "https://example.com/cb?code=TG-1&state=someone-else";
        assert!(matches!(
            a.code_from_redirect(forged),
            Err(Error::InvalidInput(m)) if m.contains("state")
        ));
        let refused = "https://example.com/cb?error=access_denied&error_description=no";
        assert!(a.code_from_redirect(refused).is_err());
        assert!(a.code_from_redirect("not a url").is_err());
    }

    #[tokio::test]
    async fn a_loopback_redirect_is_caught_with_its_query() {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
            probe.local_addr().expect("addr").port()
        };
        let redirect = format!("http://127.0.0.1:{port}/callback");
        let catcher = tokio::spawn(catch_redirect(&redirect).expect("loopback is caught"));
        let url = format!("{redirect}?code=TG-9&state=abc");
        let mut body = None;
        for _ in 0..50 {
            match reqwest::get(&url).await {
                Ok(r) => {
                    body = Some(r.text().await.expect("body"));
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        assert!(body.expect("answered").contains("Mostrador"));
        let landed = catcher.await.expect("task").expect("caught");
        assert_eq!(landed, url);
        assert!(
            catch_redirect("https://example.com/cb").is_none(),
            "https is pasted"
        );
    }

    #[test]
    fn every_documented_site_has_an_auth_host() {
        assert_eq!(auth_host("MLB"), Some("https://auth.mercadolivre.com.br"));
        assert!(auth_host("XXX").is_none());
    }
}
