//! The stock view: every listing of every account with its variations, computed in SQL over
//! the store (days of cover from the last 30 days of sales, open questions, the low-stock
//! threshold that applies), and what makes a row read-only before anyone tries to edit it.
//!
//! Edits are not made here: they are queued as outbox writes ([`crate::outbox::Write::Stock`])
//! through the gate ([`crate::acting::Stock`]).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub mod links;
mod page;
mod thresholds;

pub use page::{page, refresh_sales};
pub use thresholds::{DEFAULT_THRESHOLD, default_threshold, set_default_threshold, set_threshold};

/// Listings (of every account) at or under their low-stock threshold, out of stock included;
/// closed ones left out. The tray's count.
pub fn low_count(conn: &rusqlite::Connection) -> crate::error::Result<i64> {
    let default = default_threshold(conn)?;
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM listings l
         WHERE COALESCE(l.status, '') != 'closed'
           AND COALESCE(l.available_quantity, 0) <= COALESCE(
               (SELECT t.threshold FROM stock_thresholds t
                WHERE t.scope = 'listing' AND t.key = l.id),
               (SELECT t.threshold FROM stock_thresholds t
                WHERE t.scope = 'sku' AND t.key = l.sku), ?1)",
        [default],
        |r| r.get(0),
    )?)
}

/// A listing's state as the stock view shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "StockStatus.ts")]
#[serde(rename_all = "snake_case")]
pub enum StockStatus {
    /// For sale.
    Active,
    /// Paused by the seller.
    Paused,
    /// Paused because nothing is left (or no stock at all).
    OutOfStock,
    /// Held by Mercado Libre for a review.
    UnderReview,
    /// Finished, expired or deleted.
    Closed,
    /// Any other state Mercado Libre reports.
    Other,
}

impl StockStatus {
    /// The SQL expression deriving it from a `listings l` row.
    pub(crate) const SQL: &'static str = "CASE
        WHEN l.status = 'closed' THEN 'closed'
        WHEN l.status = 'under_review' THEN 'under_review'
        WHEN COALESCE(l.available_quantity, 0) = 0 OR l.sub_status LIKE '%out_of_stock%'
            THEN 'out_of_stock'
        WHEN l.status = 'paused' THEN 'paused'
        WHEN l.status = 'active' THEN 'active'
        ELSE 'other' END";

    fn from_sql(s: &str) -> Self {
        match s {
            "active" => Self::Active,
            "paused" => Self::Paused,
            "out_of_stock" => Self::OutOfStock,
            "under_review" => Self::UnderReview,
            "closed" => Self::Closed,
            _ => Self::Other,
        }
    }

    fn as_sql(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Paused => "paused",
            Self::OutOfStock => "out_of_stock",
            Self::UnderReview => "under_review",
            Self::Closed => "closed",
            Self::Other => "other",
        }
    }
}

/// Why a row's stock cannot be edited from here: shown beside it, never learnt from an error
/// after the fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "ReadOnlyReason.ts")]
#[serde(rename_all = "snake_case")]
pub enum ReadOnlyReason {
    /// A Full listing: Mercado Libre holds the stock and refuses changes
    /// (`item.available_quantity.not_modifiable`).
    Fulfillment,
    /// A catalog listing's variation: Mercado Libre refuses variation changes
    /// (`variations.not_updatable`).
    Catalog,
    /// A closed listing.
    Closed,
}

/// The column a page is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, export_to = "StockSort.ts")]
#[serde(rename_all = "snake_case")]
pub enum StockSort {
    /// Title, A to Z.
    #[default]
    Title,
    /// SKU.
    Sku,
    /// Units available.
    Available,
    /// Units sold (all time, as Mercado Libre counts them).
    Sold,
    /// Status.
    Status,
    /// Price.
    Price,
    /// Days of cover.
    Cover,
    /// Open questions.
    Questions,
    /// Low-stock threshold.
    Threshold,
}

/// What the stock view asks for: filters, sort and the page.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, TS)]
#[ts(export, export_to = "StockQuery.ts")]
#[serde(default)]
pub struct StockQuery {
    /// One account, or all.
    #[ts(type = "number | null")]
    pub account_id: Option<i64>,
    /// One state, or all.
    pub status: Option<StockStatus>,
    /// Only rows at or under their threshold (and not out).
    pub low: bool,
    /// Only rows out of stock.
    pub out: bool,
    /// Only rows out of stock while buyers are asking about them.
    pub out_with_questions: bool,
    /// Only listings whose SKU (or a variation's) is in a confirmed linked group.
    pub linked: bool,
    /// Over title and SKUs, accents and case ignored.
    pub search: Option<String>,
    /// Sort column.
    pub sort: StockSort,
    /// Largest first.
    pub descending: bool,
    /// First row.
    pub offset: u32,
    /// Rows (at most 200).
    pub limit: u32,
}

/// A variation in the stock view.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "StockVariation.ts")]
pub struct StockVariation {
    /// Mercado Libre's variation id.
    #[ts(type = "number")]
    pub id: i64,
    /// `[name, value]` pairs, e.g. `["Color", "Rojo"]`.
    pub attributes: Vec<(String, String)>,
    /// SKU.
    pub sku: Option<String>,
    /// Units available.
    #[ts(type = "number")]
    pub available: i64,
    /// Units sold.
    #[ts(type = "number | null")]
    pub sold: Option<i64>,
    /// Days the stock lasts at the last 30 days' pace (none without sales).
    pub cover_days: Option<f64>,
    /// At or under the threshold.
    pub low: bool,
    /// Why it cannot be edited here, if it cannot.
    pub read_only: Option<ReadOnlyReason>,
    /// A change is waiting in the outbox.
    pub pending: bool,
    /// Its stock moves with the same SKU on the seller's other accounts.
    pub linked: bool,
}

/// A listing in the stock view.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "StockRow.ts")]
pub struct StockRow {
    /// Item id.
    pub id: String,
    /// Its account.
    #[ts(type = "number")]
    pub account_id: i64,
    /// The account's nickname.
    pub account: String,
    /// Title.
    pub title: String,
    /// Photo.
    pub thumbnail: Option<String>,
    /// SKU.
    pub sku: Option<String>,
    /// Units available (the sum of its variations').
    #[ts(type = "number")]
    pub available: i64,
    /// Units sold.
    #[ts(type = "number | null")]
    pub sold: Option<i64>,
    /// State.
    pub status: StockStatus,
    /// Price as a decimal string.
    pub price: Option<String>,
    /// Its currency.
    pub currency_id: Option<String>,
    /// Days the stock lasts at the last 30 days' pace (none without sales).
    pub cover_days: Option<f64>,
    /// Unanswered questions about it.
    #[ts(type = "number")]
    pub open_questions: i64,
    /// The low-stock threshold that applies (listing, else SKU, else the default).
    #[ts(type = "number")]
    pub threshold: i64,
    /// At or under the threshold.
    pub low: bool,
    /// Why it cannot be edited here, if it cannot.
    pub read_only: Option<ReadOnlyReason>,
    /// A change is waiting in the outbox.
    pub pending: bool,
    /// Its stock moves with the same SKU on the seller's other accounts (or a variation's does).
    pub linked: bool,
    /// Its variations, when it has them.
    pub variations: Vec<StockVariation>,
}

/// One page of the stock view.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "StockPage.ts")]
pub struct StockPage {
    /// The rows.
    pub items: Vec<StockRow>,
    /// Rows matching in all.
    #[ts(type = "number")]
    pub total: i64,
    /// The default low-stock threshold (rows without their own).
    #[ts(type = "number")]
    pub default_threshold: i64,
}

/// A stock change asked for in bulk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[ts(export, export_to = "StockChange.ts")]
#[serde(tag = "op", content = "n", rename_all = "snake_case")]
pub enum StockChange {
    /// Set to N.
    Set(#[ts(type = "number")] i64),
    /// Add N.
    Add(#[ts(type = "number")] i64),
    /// Subtract N (never below 0).
    Subtract(#[ts(type = "number")] i64),
    /// Pause the listing (of a variation: its listing).
    Pause,
    /// Reactivate the listing.
    Activate,
}

impl StockChange {
    /// The new quantity from the current one (`None`: the change is the listing's status).
    pub fn apply(self, current: i64) -> Option<i64> {
        match self {
            Self::Set(n) => Some(n),
            Self::Add(n) => Some(current.saturating_add(n)),
            Self::Subtract(n) => Some(current.saturating_sub(n).max(0)),
            Self::Pause | Self::Activate => None,
        }
    }
}

/// A listing, or one of its variations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "StockTarget.ts")]
pub struct StockTarget {
    /// The listing.
    pub item_id: String,
    /// The variation, when the listing has them.
    #[ts(type = "number | null")]
    pub variation_id: Option<i64>,
}

#[cfg(test)]
mod tests;
