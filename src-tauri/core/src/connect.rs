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

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

use crate::error::{AuthRefusal, Error, Result};
use crate::marketplace::oauth::Pkce;

/// Characters of the random `state` and PKCE verifier (RFC 7636 unreserved characters).
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

/// `len` characters of [`ALPHABET`] from the OS's secure random source (rejection sampling, so
/// every character is equally likely).
fn random_text(len: usize) -> Result<String> {
    let limit = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        getrandom::fill(&mut buf)
            .map_err(|e| Error::internal("no secure random source", Some(Box::new(e))))?;
        out.extend(
            buf.iter()
                .filter(|b| **b < limit)
                .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
                .take(len - out.len()),
        );
    }
    Ok(out)
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
        let state = random_text(32)?;
        let pkce = Pkce::from_verifier(random_text(64)?);
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
            let detail = format!(
                "{error}: {}",
                param("error_description").unwrap_or_default()
            );
            return Err(match AuthRefusal::from_oauth_error(&error) {
                Some(refusal) => Error::Authorization { refusal, detail },
                None => Error::InvalidInput(format!(
                    "Mercado Libre refused the authorization ({detail})"
                )),
            });
        }
        if param("state").as_deref() != Some(self.state.as_str()) {
            return Err(Error::Authorization {
                refusal: AuthRefusal::StateMismatch,
                detail: "the address does not belong to this connection attempt".into(),
            });
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
/// How long one connection to the listener may take to send its request line and headers.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// The most a request head may weigh.
const MAX_HEAD: usize = 16 * 1024;

/// A listener waiting for the redirect.
pub type RedirectCatcher = Pin<Box<dyn Future<Output = Result<String>> + Send>>;

/// The loopback addresses to listen on for a redirect URI's host.
fn loopback_addrs(host: &str) -> Option<Vec<IpAddr>> {
    let v4 = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
    match host {
        "127.0.0.1" => Some(vec![v4]),
        "[::1]" => Some(vec![v6]),
        // The browser may resolve `localhost` to either.
        "localhost" => Some(vec![v4, v6]),
        _ => None,
    }
}

/// What one request to the listener was.
enum Arrival {
    /// The redirect of this attempt (or Mercado Libre's refusal of it): the full address.
    Redirect(String),
    /// Anything else: answered and ignored.
    Other,
}

/// Reads one request head (bounded in size and time) and answers it.
async fn serve_one(mut stream: TcpStream, origin: &str, path: &str, state: &str) -> Arrival {
    let mut head = Vec::with_capacity(2048);
    let mut buf = [0u8; 1024];
    let read = async {
        while head.len() < MAX_HEAD && !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
    };
    if tokio::time::timeout(REQUEST_TIMEOUT, read).await.is_err() {
        return Arrival::Other;
    }
    let head = String::from_utf8_lossy(&head);
    let target = head
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("GET "))
        .and_then(|l| l.split(' ').next())
        .unwrap_or("")
        .to_owned();
    let landed = format!("{origin}{target}");
    let query: Vec<(String, String)> = Url::parse(&landed)
        .map(|u| u.query_pairs().into_owned().collect())
        .unwrap_or_default();
    let has = |name: &str| query.iter().any(|(k, _)| k == name);
    let state_ok = query.iter().any(|(k, v)| k == "state" && v == state);
    let for_us = target.split('?').next() == Some(path) && (state_ok || has("error"));
    let (status, page) = if for_us {
        (
            "200 OK",
            "Listo. Volvé a Mostrador. · Pronto. Volte ao Mostrador. · Done. Go back to Mostrador.",
        )
    } else if target.split('?').next() == Some(path) && has("state") {
        (
            "400 Bad Request",
            "Esta dirección no es de este intento de conexión. · Este endereço não é desta \
             tentativa de conexão. · This address is not from this connection attempt.",
        )
    } else {
        ("404 Not Found", "")
    };
    let body = format!(
        "<!doctype html><meta charset=utf-8><title>Mostrador</title>\
         <p style=\"font:16px sans-serif;margin:40px\">{page}</p>"
    );
    let _ = stream
        .write_all(
            format!(
                "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
        .await;
    if for_us {
        Arrival::Redirect(landed)
    } else {
        Arrival::Other
    }
}

impl Authorization {
    /// When the redirect URI is a loopback `http://` address with a port, a future that listens
    /// on the address it names and resolves with the full address the browser was redirected
    /// to. Requests that are not this attempt's redirect (another `state`, another path) are
    /// answered and ignored, and listening goes on. `None` for other redirect URIs (HTTPS
    /// redirects go to a page the user copies the address from).
    pub fn catch_redirect(&self) -> Option<RedirectCatcher> {
        let url = Url::parse(&self.redirect_uri).ok()?;
        let host = url.host_str()?.to_owned();
        let addrs = loopback_addrs(&host)?;
        if url.scheme() != "http" {
            return None;
        }
        let port = url.port()?;
        let path = url.path().to_owned();
        let origin = format!("http://{host}:{port}");
        let state = self.state.clone();
        Some(Box::pin(async move {
            let mut listeners = Vec::new();
            for ip in &addrs {
                match TcpListener::bind(SocketAddr::new(*ip, port)).await {
                    Ok(l) => listeners.push(l),
                    Err(e) => tracing::debug!(%ip, port, error = %e, "cannot listen there"),
                }
            }
            if listeners.is_empty() {
                return Err(Error::internal(
                    format!("cannot listen for the redirect on {host}:{port}"),
                    None,
                ));
            }
            let (tx, mut rx) = tokio::sync::mpsc::channel::<TcpStream>(8);
            let acceptors: Vec<_> = listeners
                .into_iter()
                .map(|l| {
                    let tx = tx.clone();
                    tokio::spawn(async move {
                        while let Ok((stream, _)) = l.accept().await {
                            if tx.send(stream).await.is_err() {
                                return;
                            }
                        }
                    })
                })
                .collect();
            drop(tx);
            let wait = async {
                while let Some(stream) = rx.recv().await {
                    if let Arrival::Redirect(landed) =
                        serve_one(stream, &origin, &path, &state).await
                    {
                        return Ok(landed);
                    }
                }
                Err(Error::internal("the redirect listener stopped", None))
            };
            let outcome = tokio::time::timeout(LISTEN_FOR, wait).await;
            for a in acceptors {
                a.abort();
            }
            outcome
                .map_err(|_| Error::InvalidInput("the browser did not come back in time".into()))?
        }))
    }
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
            Err(Error::Authorization {
                refusal: AuthRefusal::StateMismatch,
                ..
            })
        ));
        let refused = "https://example.com/cb?error=access_denied&error_description=no";
        assert!(matches!(
            a.code_from_redirect(refused),
            Err(Error::Authorization {
                refusal: AuthRefusal::Denied,
                ..
            })
        ));
        let operator = "https://example.com/cb?error=invalid_operator_user_id";
        assert_eq!(
            a.code_from_redirect(operator).map_err(|e| e.code()).err(),
            Some(crate::ErrorCode::OperatorCannotConnect)
        );
        assert!(a.code_from_redirect("not a url").is_err());
    }

    fn free_port(ip: &str) -> u16 {
        let probe = std::net::TcpListener::bind((ip, 0)).expect("free port");
        probe.local_addr().expect("addr").port()
    }

    /// GETs `url` until the listener is up; the status and body.
    async fn get(url: &str) -> (u16, String) {
        for _ in 0..100 {
            if let Ok(r) = reqwest::get(url).await {
                return (r.status().as_u16(), r.text().await.expect("body"));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("nothing listens at {url}");
    }

    fn attempt_at(redirect: &str) -> Authorization {
        Authorization::begin("https://auth.mercadolibre.com.ar", "123", redirect).expect("begin")
    }

    #[tokio::test]
    async fn the_listener_ignores_a_wrong_state_and_catches_the_right_one() {
        let redirect = format!("http://127.0.0.1:{}/callback", free_port("127.0.0.1"));
        let a = attempt_at(&redirect);
        let catcher = tokio::spawn(a.catch_redirect().expect("loopback is caught"));
        let (status, body) = get(&format!("{redirect}?code=TG-1&state=forged")).await;
        assert_eq!(status, 400);
        assert!(body.contains("not from this connection attempt"));
        let (status, _) = get(&format!(
            "{}/favicon.ico",
            redirect.trim_end_matches("/callback")
        ))
        .await;
        assert_eq!(status, 404);
        assert!(
            !catcher.is_finished(),
            "still listening after a wrong state"
        );
        let right = format!("{redirect}?code=TG-9&state={}", a.state);
        let (status, body) = get(&right).await;
        assert_eq!(status, 200);
        assert!(body.contains("Mostrador"));
        let landed = catcher.await.expect("task").expect("caught");
        assert_eq!(landed, right);
        assert_eq!(a.code_from_redirect(&landed).expect("code"), "TG-9");
    }

    #[tokio::test]
    async fn an_idle_connection_does_not_block_the_redirect() {
        let redirect = format!("http://127.0.0.1:{}/cb", free_port("127.0.0.1"));
        let a = attempt_at(&redirect);
        let catcher = tokio::spawn(a.catch_redirect().expect("loopback is caught"));
        let addr = redirect
            .trim_start_matches("http://")
            .trim_end_matches("/cb")
            .to_owned();
        let mut idle = None;
        for _ in 0..100 {
            if let Ok(s) = tokio::net::TcpStream::connect(&addr).await {
                idle = Some(s);
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let _idle = idle.expect("connected");
        let right = format!("{redirect}?code=TG-2&state={}", a.state);
        let (status, _) = get(&right).await;
        assert_eq!(status, 200);
        assert_eq!(catcher.await.expect("task").expect("caught"), right);
    }

    #[tokio::test]
    async fn an_ipv6_loopback_redirect_is_caught_there() {
        if std::net::TcpListener::bind("[::1]:0").is_err() {
            // A machine with IPv6 switched off cannot register such a redirect either.
            eprintln!("no IPv6 loopback here");
            return;
        }
        let redirect = format!("http://[::1]:{}/callback", free_port("::1"));
        let a = attempt_at(&redirect);
        let catcher = tokio::spawn(a.catch_redirect().expect("IPv6 loopback is caught"));
        let right = format!("{redirect}?code=TG-6&state={}", a.state);
        let (status, _) = get(&right).await;
        assert_eq!(status, 200);
        assert_eq!(catcher.await.expect("task").expect("caught"), right);
    }

    #[tokio::test]
    async fn a_refusal_comes_back_through_the_listener_too() {
        let redirect = format!("http://localhost:{}/cb", free_port("127.0.0.1"));
        let a = attempt_at(&redirect);
        let catcher = tokio::spawn(a.catch_redirect().expect("localhost is caught"));
        let url = format!("http://127.0.0.1:{}/cb?error=redirect_uri_mismatch", {
            Url::parse(&redirect).expect("url").port().expect("port")
        });
        let (status, _) = get(&url).await;
        assert_eq!(status, 200);
        let landed = catcher.await.expect("task").expect("caught");
        assert!(matches!(
            a.code_from_redirect(&landed),
            Err(Error::Authorization {
                refusal: AuthRefusal::RedirectUriMismatch,
                ..
            })
        ));
        let https = attempt_at("https://example.com/cb");
        assert!(https.catch_redirect().is_none(), "https is pasted");
        let lan = attempt_at("http://192.168.1.5:8080/cb");
        assert!(
            lan.catch_redirect().is_none(),
            "only loopback is listened on"
        );
    }

    #[test]
    fn every_documented_site_has_an_auth_host() {
        assert_eq!(auth_host("MLB"), Some("https://auth.mercadolivre.com.br"));
        assert!(auth_host("XXX").is_none());
    }
}
