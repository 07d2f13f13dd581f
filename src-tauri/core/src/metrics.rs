//! The metrics screen's figures: questions, response times, sales, conversion and the
//! reputation rates per day, for one account or all, over a range of days. Everything is
//! aggregated in SQL from the daily rollups ([`rollup`]), which the store's triggers keep
//! current day by day.

pub mod rollup;
mod series;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use series::series;

/// Longest range one request may cover, in days.
pub const MAX_RANGE_DAYS: i64 = 400;
/// Days whose visits may still arrive (Mercado Libre reports them up to 48 h late).
pub const PROVISIONAL_DAYS: i64 = 2;

/// Which figures to compute.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "MetricsQuery.ts")]
pub struct MetricsQuery {
    /// One account, or every account when absent.
    #[ts(type = "number | null")]
    #[serde(default)]
    #[ts(type = "number | null")]
    pub account_id: Option<i64>,
    /// The last N days up to today (7, 30, 60, 120...); ignored when `from` is given.
    #[ts(type = "number | null")]
    #[serde(default)]
    #[ts(type = "number | null")]
    pub days: Option<i64>,
    /// A custom range's first day.
    #[ts(type = "string | null")]
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// A custom range's last day (today when absent).
    #[ts(type = "string | null")]
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

/// One day of every series.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "MetricsDay.ts")]
pub struct MetricsDay {
    /// The day (UTC).
    #[ts(type = "string")]
    pub day: NaiveDate,
    /// Questions asked.
    #[ts(type = "number")]
    pub received: i64,
    /// Answers given.
    #[ts(type = "number")]
    pub answered: i64,
    /// Questions waiting for an answer at the end of the day.
    #[ts(type = "number")]
    pub unanswered: i64,
    /// Median seconds from question to answer, of the day's answers.
    pub response_median_s: Option<f64>,
    /// 90th percentile of the same.
    pub response_p90_s: Option<f64>,
    /// Sales (orders that became sales, cancelled ones included).
    #[ts(type = "number")]
    pub sales: i64,
    /// Units sold (sales not cancelled).
    #[ts(type = "number")]
    pub units: i64,
    /// Their amount in the site's currency (`null` when the accounts use different ones).
    pub amount: Option<f64>,
    /// Visits to the listings, when reported.
    #[ts(type = "number | null")]
    pub visits: Option<i64>,
    /// Units sold ÷ visits.
    pub conversion: Option<f64>,
    /// The visits of this day may still grow.
    pub provisional: bool,
    /// Over the reputation window ending this day: sales with a claim ÷ sales.
    pub claims_rate: Option<f64>,
    /// Likewise, seller cancellations without a claim ÷ sales.
    pub cancellations_rate: Option<f64>,
    /// Likewise, late dispatches ÷ dispatched sales.
    pub delayed_rate: Option<f64>,
}

/// One team member's answers per day.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "MemberResponse.ts")]
pub struct MemberResponse {
    /// The member.
    #[ts(type = "number")]
    pub member_id: i64,
    /// Their name.
    pub name: String,
    /// The day.
    #[ts(type = "string")]
    pub day: NaiveDate,
    /// Answers that day.
    #[ts(type = "number")]
    pub answered: i64,
    /// Median response seconds.
    pub response_median_s: Option<f64>,
    /// 90th percentile.
    pub response_p90_s: Option<f64>,
}

/// A colour's limits as fractions, for the bands drawn behind the rate charts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[ts(export, export_to = "RateBands.ts")]
pub struct RateBands {
    /// Highest rates that stay green (claims, cancellations, delayed).
    pub green: [f64; 3],
    /// ... yellow.
    pub yellow: [f64; 3],
    /// ... orange; above is red.
    pub orange: [f64; 3],
}

/// Everything the metrics screen draws.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "Metrics.ts")]
pub struct Metrics {
    /// First day.
    #[ts(type = "string")]
    pub from: NaiveDate,
    /// Last day.
    #[ts(type = "string")]
    pub to: NaiveDate,
    /// The currency of `amount` (`null` when the accounts use different ones).
    pub currency: Option<String>,
    /// The reputation window the rates are computed over, in days.
    #[ts(type = "number")]
    pub window_days: i64,
    /// The site's limits (`null` when the accounts are on sites with different ones).
    pub bands: Option<RateBands>,
    /// One entry per day, oldest first.
    pub days: Vec<MetricsDay>,
    /// Response times per member and day.
    pub members: Vec<MemberResponse>,
}

#[cfg(test)]
mod tests;
