//! Connecting a seller account through the browser: the authorization URL with PKCE (S256) and
//! a random `state`, and reading the address Mercado Libre redirected to.
//!
//! Mercado Libre does not check `state`; we do: a redirect whose `state` differs from the one we
//! sent is refused. The redirect is caught by the shell's loopback listener, or pasted by the user
//! (Mercado Libre wants HTTPS redirect URIs registered exactly, which a desktop app cannot
//! always listen on), and both paths end in [`Authorization::code_from_redirect`].

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

    #[test]
    fn every_documented_site_has_an_auth_host() {
        assert_eq!(auth_host("MLB"), Some("https://auth.mercadolivre.com.br"));
        assert!(auth_host("XXX").is_none());
    }
}
