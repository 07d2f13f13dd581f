//! Listings: the seller's item ids (`/users/{id}/items/search` with scan) and full item bodies
//! with variations (`/items?ids=`, 20 per request).

use reqwest::Method;
use serde::Deserialize;

use super::{MULTIGET_MAX, Session, dto};
use crate::error::Result;
use crate::store::listings::Listing;

/// Page size of an id scan (the endpoint's maximum).
pub const SCAN_PAGE: usize = 100;

/// The attributes a full listing read asks for.
const FULL_ATTRIBUTES: &str = "id,title,price,currency_id,available_quantity,sold_quantity,status,\
permalink,thumbnail,secure_thumbnail,seller_custom_field,variations,sub_status,catalog_listing,\
shipping,attributes";

#[derive(Debug, Deserialize)]
struct IdSearch {
    #[serde(default)]
    results: Vec<String>,
    scroll_id: Option<String>,
    paging: PagingDto,
}

#[derive(Debug, Deserialize)]
struct PagingDto {
    total: i64,
}

/// One page of a listing-id scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdPage {
    /// Item ids on this page.
    pub ids: Vec<String>,
    /// Where to continue; `None` after the last page.
    pub scroll_id: Option<String>,
    /// All of the seller's listings.
    pub total: i64,
}

/// The next page of a scan over all of the seller's listing ids (`scroll_id` from the previous
/// page, `None` to open a new scan).
pub async fn scan_ids(session: &Session, scroll_id: Option<&str>) -> Result<IdPage> {
    let path = format!("/users/{}/items/search", session.account_id());
    let page: IdSearch = session
        .call("items search", |api| {
            let mut req = api
                .request(Method::GET, &path)?
                .query(&[("search_type", "scan"), ("limit", &SCAN_PAGE.to_string())]);
            if let Some(s) = scroll_id {
                req = req.query(&[("scroll_id", s)]);
            }
            Ok(req)
        })
        .await?;
    let scroll_id = page.scroll_id.filter(|_| !page.results.is_empty());
    Ok(IdPage {
        ids: page.results,
        scroll_id,
        total: page.paging.total,
    })
}

/// Full reads of up to 20 listings (one request). Entries that are refused or malformed are
/// logged with their id and counted in the second value.
pub async fn read_chunk(session: &Session, ids: &[String]) -> Result<(Vec<Listing>, usize)> {
    debug_assert!(ids.len() <= MULTIGET_MAX);
    let joined = ids.join(",");
    let raw: Vec<serde_json::Value> = session
        .call("items multiget", |api| {
            Ok(api
                .request(Method::GET, "/items")?
                .query(&[("ids", joined.as_str()), ("attributes", FULL_ATTRIBUTES)]))
        })
        .await?;
    let (entries, mut skipped) = dto::multiget_entries(raw, &joined);
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        if entry.code != 200 {
            skipped += 1;
            tracing::warn!(code = entry.code, "listing refused in multiget; skipped");
            continue;
        }
        match dto::listing(session.account_id(), entry.body) {
            Ok(l) => out.push(l),
            Err(e) => {
                skipped += 1;
                tracing::warn!(error = %e, "skipping malformed listing");
            }
        }
    }
    Ok((out, skipped))
}

/// Sets the stock of a listing, or of one of its variations.
pub async fn set_stock(
    session: &Session,
    item_id: &str,
    variation_id: Option<i64>,
    quantity: i64,
) -> Result<()> {
    let body = match variation_id {
        // Mercado Libre deletes the variations whose ids a PUT leaves out: the listing is read
        // first (the store may not know a variation added on the site) and every id is sent.
        Some(v) => {
            let (found, _) = read_chunk(session, &[item_id.to_owned()]).await?;
            let ids: Vec<i64> = found
                .first()
                .and_then(|l| l.variations.as_ref())
                .map(|vs| vs.iter().map(|x| x.id).collect())
                .unwrap_or_default();
            if !ids.contains(&v) {
                return Err(crate::error::Error::NotFound(format!(
                    "variation {v} of listing {item_id}"
                )));
            }
            let list: Vec<serde_json::Value> = ids
                .iter()
                .map(|id| {
                    if *id == v {
                        serde_json::json!({ "id": id, "available_quantity": quantity })
                    } else {
                        serde_json::json!({ "id": id })
                    }
                })
                .collect();
            serde_json::json!({ "variations": list })
        }
        None => serde_json::json!({ "available_quantity": quantity }),
    };
    let path = format!("/items/{item_id}");
    let _: serde_json::Value = session
        .call("item update", |api| {
            Ok(api.request(Method::PUT, &path)?.json(&body))
        })
        .await?;
    Ok(())
}

/// Pauses (`paused`) or reactivates (`active`) a listing.
pub async fn set_status(session: &Session, item_id: &str, status: &str) -> Result<()> {
    let body = serde_json::json!({ "status": status });
    let path = format!("/items/{item_id}");
    let _: serde_json::Value = session
        .call("item status", |api| {
            Ok(api.request(Method::PUT, &path)?.json(&body))
        })
        .await?;
    Ok(())
}
