//! Users and items: the profile of the token's owner and multigets of listings and buyers.

use reqwest::Method;

use super::{Api, MULTIGET_MAX, Session, dto, send_json};
use crate::error::Result;
use crate::secrets::Sensitive;
use crate::store::listings::Listing;

/// The owner of an access token: `(user id, nickname, site id)`.
pub async fn me(api: &Api, access_token: &Sensitive<String>) -> Result<(i64, String, String)> {
    let req = api
        .request(Method::GET, "/users/me")?
        .bearer_auth(access_token.expose());
    let user: dto::UserDto = send_json(req, "users/me").await?;
    Ok((
        user.id,
        user.nickname,
        user.site_id.unwrap_or_else(|| "MLA".into()),
    ))
}

/// Reads `ids` in chunks of [`MULTIGET_MAX`], the chunks side by side (the session's budget
/// paces them), and returns the bodies of the entries that answered 200.
async fn multiget(
    session: &Session,
    path: &str,
    ids: &[String],
    attributes: Option<&str>,
) -> Result<Vec<serde_json::Value>> {
    let chunks = ids.chunks(MULTIGET_MAX).map(|chunk| async move {
        let joined = chunk.join(",");
        let entries: Vec<serde_json::Value> = session
            .call(path, |api| {
                let mut req = api
                    .request(Method::GET, path)?
                    .query(&[("ids", joined.as_str())]);
                if let Some(attrs) = attributes {
                    req = req.query(&[("attributes", attrs)]);
                }
                Ok(req)
            })
            .await?;
        Ok::<_, crate::error::Error>(dto::multiget_entries(entries, &joined).0)
    });
    let mut bodies = Vec::new();
    for entries in futures_util::future::try_join_all(chunks).await? {
        for entry in entries {
            if entry.code == 200 {
                bodies.push(entry.body);
            } else {
                tracing::warn!(path, code = entry.code, "multiget entry refused; skipped");
            }
        }
    }
    Ok(bodies)
}

/// Listings by id, 20 per request.
pub async fn items(session: &Session, ids: &[String]) -> Result<Vec<Listing>> {
    let attrs =
        "id,title,price,currency_id,available_quantity,status,permalink,thumbnail,secure_thumbnail";
    let bodies = multiget(session, "/items", ids, Some(attrs)).await?;
    let mut out = Vec::with_capacity(bodies.len());
    for body in bodies {
        match dto::listing(session.account_id(), body) {
            Ok(l) => out.push(l),
            Err(e) => tracing::warn!(error = %e, "skipping malformed item"),
        }
    }
    Ok(out)
}

/// Nicknames of up to 20 users (one request).
pub async fn users_chunk(session: &Session, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    users(session, &ids[..ids.len().min(MULTIGET_MAX)]).await
}

/// Buyer nicknames by id, 20 per request.
pub async fn users(session: &Session, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    let bodies = multiget(session, "/users", &ids, None).await?;
    let mut out = Vec::with_capacity(bodies.len());
    for body in bodies {
        match dto::buyer(body) {
            Ok(b) => out.push(b),
            Err(e) => tracing::warn!(error = %e, "skipping malformed user"),
        }
    }
    Ok(out)
}
