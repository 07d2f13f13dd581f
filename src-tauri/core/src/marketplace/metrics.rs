//! The seller's figures: reputation (`/users/{id}`), questions response time and daily visits.

use reqwest::Method;
use serde::Deserialize;

use super::Session;
use crate::error::{Error, Result};
use crate::store::reputation::Snapshot;

#[derive(Debug, Deserialize)]
struct UserDto {
    seller_reputation: Option<ReputationDto>,
}

#[derive(Debug, Deserialize)]
struct ReputationDto {
    level_id: Option<String>,
    power_seller_status: Option<String>,
    real_level: Option<String>,
    protection_end_date: Option<String>,
    transactions: Option<TransactionsDto>,
    #[serde(default)]
    metrics: serde_json::Value,
}

#[derive(Debug, Deserialize)]
struct TransactionsDto {
    total: Option<i64>,
    completed: Option<i64>,
    canceled: Option<i64>,
}

/// The seller's reputation as Mercado Libre shows it now.
pub async fn reputation(session: &Session) -> Result<Snapshot> {
    let path = format!("/users/{}", session.account_id());
    let raw: serde_json::Value = session
        .call("user", |api| api.request(Method::GET, &path))
        .await?;
    let user: UserDto = serde_json::from_value(raw).map_err(|e| Error::Malformed {
        resource: format!("user {}", session.account_id()),
        detail: e.to_string(),
    })?;
    let r = user.seller_reputation.ok_or_else(|| Error::Malformed {
        resource: format!("user {}", session.account_id()),
        detail: "no seller_reputation".into(),
    })?;
    let t = r.transactions;
    Ok(Snapshot {
        account_id: session.account_id(),
        level_id: r.level_id,
        power_seller_status: r.power_seller_status,
        real_level: r.real_level,
        protection_end_date: r.protection_end_date,
        transactions_total: t.as_ref().and_then(|t| t.total),
        transactions_completed: t.as_ref().and_then(|t| t.completed),
        transactions_canceled: t.as_ref().and_then(|t| t.canceled),
        metrics: r.metrics,
    })
}

/// The seller's questions response time document, verbatim (`None` when Mercado Libre has no
/// figure yet: 404).
pub async fn response_time(session: &Session) -> Result<Option<serde_json::Value>> {
    let path = format!("/users/{}/questions/response_time", session.account_id());
    match session
        .call("response time", |api| api.request(Method::GET, &path))
        .await
    {
        Ok(v) => Ok(Some(v)),
        Err(Error::Api { status: 404, .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
struct WindowDto {
    #[serde(default)]
    results: Vec<DayDto>,
}

#[derive(Debug, Deserialize)]
struct DayDto {
    date: String,
    total: i64,
}

/// Visits to all of the seller's listings for each of the last `days` days (at most 150):
/// `(YYYY-MM-DD, visits)`.
pub async fn visits(session: &Session, days: u32) -> Result<Vec<(String, i64)>> {
    let path = format!("/users/{}/items_visits/time_window", session.account_id());
    let days = days.clamp(1, 150).to_string();
    let raw: WindowDto = session
        .call("visits", |api| {
            Ok(api
                .request(Method::GET, &path)?
                .query(&[("last", days.as_str()), ("unit", "day")]))
        })
        .await?;
    Ok(raw
        .results
        .into_iter()
        .map(|d| (d.date.chars().take(10).collect(), d.total))
        .collect())
}
