//! The per-site reputation rules as data: windows, the sales threshold that picks the window,
//! and the colour limits of every site, read from `sites.json` (its source, date and the
//! choices made where the documentation is ambiguous are written inside it).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::error::{Error, Result};

/// The highest rate of each metric, in percent, that keeps one column of the table.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Limits {
    /// Sales with a claim ÷ sales.
    pub claims: f64,
    /// Seller cancellations without a claim ÷ sales.
    pub cancellations: f64,
    /// Late dispatches ÷ dispatched sales.
    pub delayed: f64,
}

/// One site's rules.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Site {
    /// The site's currency (amounts in the metrics are in it).
    pub currency: String,
    /// Sales needed within `threshold_days` for the short window.
    pub threshold_sales: i64,
    /// The days the threshold counts over.
    pub threshold_days: i64,
    /// The short window, in days.
    pub window_days: i64,
    /// MercadoLíder's column.
    pub lider: Limits,
    /// Green's column.
    pub green: Limits,
    /// Yellow's column.
    pub yellow: Limits,
    /// Orange's column; above it is red.
    pub orange: Limits,
}

/// The whole table.
#[derive(Debug, Deserialize)]
pub struct Table {
    /// Where the figures come from, and when they were read.
    pub source: String,
    /// The choices made where the documentation is ambiguous.
    pub notes: Vec<String>,
    /// Fewest sales in the window before any colour.
    pub min_sales: i64,
    /// The window when the threshold is not met, in days.
    pub long_window_days: i64,
    /// Every site by id (`MLA`, `MLB`, ...).
    pub sites: BTreeMap<String, Site>,
}

/// The table, parsed once.
pub fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        // The file ships inside the binary and a unit test parses it: a failure here is a
        // build defect, not an input error.
        #[allow(clippy::expect_used)]
        serde_json::from_str(include_str!("sites.json")).expect("sites.json is valid")
    })
}

/// The rules of `site_id`.
pub fn site(site_id: &str) -> Result<&'static Site> {
    table()
        .sites
        .get(site_id)
        .ok_or_else(|| Error::InvalidInput(format!("no reputation rules for site {site_id:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_site_of_the_documentation_is_there_with_ordered_columns() {
        let t = table();
        for id in ["MLA", "MLB", "MLM", "MCO", "MLC", "MLU", "MEC", "MPE"] {
            let s = site(id).unwrap_or_else(|e| panic!("{id}: {e}"));
            for (lo, hi) in [
                (s.lider, s.green),
                (s.green, s.yellow),
                (s.yellow, s.orange),
            ] {
                assert!(lo.claims <= hi.claims, "{id}");
                assert!(lo.cancellations <= hi.cancellations, "{id}");
                assert!(lo.delayed <= hi.delayed, "{id}");
            }
            assert!(s.window_days <= t.long_window_days);
        }
        assert_eq!(site("MLB").map(|s| s.threshold_sales).ok(), Some(60));
        assert_eq!(site("MLU").map(|s| s.window_days).ok(), Some(120));
        assert!(site("MLV").is_err());
        assert!(!t.source.is_empty() && t.notes.len() >= 3);
    }
}
