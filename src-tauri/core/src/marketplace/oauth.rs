//! OAuth 2.0 against Mercado Libre: authorization-code exchange (with PKCE) and refresh.
//! Token requests are form-encoded in the body, as Mercado Libre asks.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use sha2::{Digest, Sha256};

use super::{Api, dto, send_json};
use crate::error::{AuthRefusal, Error, Result};
use crate::secrets::Sensitive;

/// The tokens of one account. Never serialized except into the OS keyring.
#[derive(Debug, Clone)]
pub struct TokenSet {
    /// Mercado Libre user id the grant belongs to.
    pub user_id: i64,
    /// Bearer token for API calls.
    pub access_token: Sensitive<String>,
    /// Single-use refresh token (rotates on every refresh).
    pub refresh_token: Option<Sensitive<String>>,
    /// When the access token stops working.
    pub expires_at: DateTime<Utc>,
}

/// The seller's own Mercado Libre application credentials.
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    /// APP ID.
    pub client_id: String,
    /// Client secret.
    pub client_secret: Sensitive<String>,
}

/// A PKCE verifier and its S256 challenge.
#[derive(Debug, Clone)]
pub struct Pkce {
    /// The secret verifier sent on the token request.
    pub verifier: Sensitive<String>,
    /// `BASE64URL(SHA256(verifier))`, sent on the authorization URL.
    pub challenge: String,
}

impl Pkce {
    /// Derives the S256 challenge for `verifier` (43–128 unreserved characters).
    pub fn from_verifier(verifier: String) -> Self {
        let digest = Sha256::digest(verifier.as_bytes());
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
        Self {
            verifier: Sensitive::new(verifier),
            challenge,
        }
    }
}

fn token_set(resp: dto::TokenResponse, now: DateTime<Utc>) -> TokenSet {
    TokenSet {
        user_id: resp.user_id,
        access_token: Sensitive::new(resp.access_token),
        refresh_token: resp.refresh_token.map(Sensitive::new),
        expires_at: now + Duration::seconds(resp.expires_in),
    }
}

/// Exchanges an authorization code for tokens.
pub async fn exchange_code(
    api: &Api,
    client: &ClientCredentials,
    code: &str,
    redirect_uri: &str,
    pkce: Option<&Pkce>,
    now: DateTime<Utc>,
) -> Result<TokenSet> {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("client_id", client.client_id.as_str()),
        ("client_secret", client.client_secret.expose().as_str()),
        ("code", code),
        ("redirect_uri", redirect_uri),
    ];
    if let Some(p) = pkce {
        form.push(("code_verifier", p.verifier.expose().as_str()));
    }
    let req = api.request(Method::POST, "/oauth/token")?.form(&form);
    match send_json(req, "oauth token").await {
        Ok(resp) => Ok(token_set(resp, now)),
        // The documented refusals become typed ones the seller gets a sentence for.
        Err(Error::Api {
            status,
            code,
            message,
        }) => Err(match AuthRefusal::from_oauth_error(&code) {
            Some(refusal) => Error::Authorization {
                refusal,
                detail: format!("{code}: {message}"),
            },
            None => Error::Api {
                status,
                code,
                message,
            },
        }),
        Err(e) => Err(e),
    }
}

/// Uses a refresh token; the response carries a NEW refresh token that replaces it.
pub async fn refresh(
    api: &Api,
    client: &ClientCredentials,
    refresh_token: &Sensitive<String>,
    now: DateTime<Utc>,
) -> Result<TokenSet> {
    let form = [
        ("grant_type", "refresh_token"),
        ("client_id", client.client_id.as_str()),
        ("client_secret", client.client_secret.expose().as_str()),
        ("refresh_token", refresh_token.expose().as_str()),
    ];
    let req = api.request(Method::POST, "/oauth/token")?.form(&form);
    Ok(token_set(send_json(req, "oauth token").await?, now))
}

/// Whether an error means the grant is gone and the user must connect again.
pub fn is_grant_revoked(err: &Error) -> bool {
    matches!(err, Error::Api { code, .. } if code == "invalid_grant" || code == "invalid_client")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_challenge_matches_rfc7636_example() {
        // RFC 7636, appendix B.
        let p = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
        assert_eq!(p.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }
}
