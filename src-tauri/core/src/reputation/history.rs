//! The thermometer of a connected account, from the store: its sales per day (the
//! `sale_days` rollup), assessed with the site's rules, beside the reputation Mercado Libre
//! last showed (the newest snapshot), with a note when the two differ and why, when the app can
//! tell.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use super::assess::{Assessment, Level, Tally, assess_days};
use crate::error::Result;

/// What Mercado Libre showed for the account (its newest daily snapshot).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "ReputationShown.ts")]
pub struct Shown {
    /// The snapshot's day.
    pub day: String,
    /// The displayed `level_id` (`null` for new sellers).
    pub level: Option<Level>,
    /// The true level of a protected seller.
    pub real_level: Option<Level>,
    /// When the protection ends.
    pub protection_end: Option<String>,
    /// `silver`, `gold`, `platinum` (MercadoLíder), verbatim.
    pub power_seller_status: Option<String>,
    /// The window Mercado Libre used (`"60 days"`), verbatim.
    pub period: Option<String>,
    /// Its rates (the true ones inside `excluded` for a protected seller).
    pub rates: Option<super::Rates>,
}

/// Why the app's level differs from the one shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "ReputationDifference.ts")]
#[serde(rename_all = "snake_case")]
pub enum Difference {
    /// The seller is protected: Mercado Libre shows green; `real_level` is the true one.
    Protection,
    /// Mercado Libre evaluated another window.
    Window,
    /// Mercado Libre counts fewer claims than the store holds (some were excluded).
    ClaimsExcluded,
    /// Light green: new sellers and the recovery benefit, never computed from rates.
    Benefit,
    /// The store does not hold the same sales (a sync still catching up, cancellations the
    /// buyer asked for), or another cause the app cannot see.
    Unknown,
}

/// One account's thermometer.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "Thermometer.ts")]
pub struct Thermometer {
    /// The account.
    #[ts(type = "number")]
    pub account_id: i64,
    /// Its nickname.
    pub nickname: String,
    /// The app's own assessment and forecast.
    pub assessment: Assessment,
    /// What Mercado Libre showed, when a snapshot was taken.
    pub shown: Option<Shown>,
    /// Set when the shown level (or the real level of a protected seller) differs from the
    /// app's.
    pub difference: Option<Difference>,
}

/// The account's sales per day over the last year (the rollup must be fresh).
pub fn days(
    conn: &Connection,
    account_id: i64,
    today: NaiveDate,
) -> Result<Vec<(NaiveDate, Tally)>> {
    let since = (today - chrono::Duration::days(400)).to_string();
    let mut stmt = conn.prepare_cached(
        "SELECT day, sales, claims, cancellations, dispatched, late FROM sale_days
         WHERE account_id = ?1 AND day >= ?2",
    )?;
    let rows = stmt.query_map(rusqlite::params![account_id, since], |r| {
        let day: String = r.get(0)?;
        Ok((
            day,
            Tally {
                sales: r.get(1)?,
                claims: r.get(2)?,
                cancellations: r.get(3)?,
                dispatched: r.get(4)?,
                late: r.get(5)?,
            },
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (day, tally) = row?;
        if let Ok(date) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") {
            out.push((date, tally));
        }
    }
    Ok(out)
}

/// The thermometer of `account_id` on `today` (the rollup must be fresh).
pub fn thermometer(conn: &Connection, account_id: i64, today: NaiveDate) -> Result<Thermometer> {
    let (site, nickname): (String, String) = conn.query_row(
        "SELECT site_id, nickname FROM accounts WHERE id = ?1",
        [account_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let assessment = assess_days(&site, days(conn, account_id, today)?, today)?;
    let shown = shown(conn, account_id)?;
    let difference = shown.as_ref().and_then(|s| difference(s, &assessment));
    Ok(Thermometer {
        account_id,
        nickname,
        assessment,
        shown,
        difference,
    })
}

/// day, level_id, real_level, protection_end_date, power_seller_status, metrics.
type SnapshotRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

fn shown(conn: &Connection, account_id: i64) -> Result<Option<Shown>> {
    let row: Option<SnapshotRow> = conn
        .query_row(
            "SELECT day, level_id, real_level, protection_end_date, power_seller_status, metrics
             FROM reputation_snapshots WHERE account_id = ?1 ORDER BY day DESC LIMIT 1",
            [account_id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()?;
    let Some((day, level, real, protection_end, power, metrics)) = row else {
        return Ok(None);
    };
    let metrics: serde_json::Value = serde_json::from_str(&metrics).unwrap_or_default();
    // A protected seller's true figures are inside `excluded`.
    let rate = |key: &str| {
        let m = &metrics[key];
        m["excluded"]["real_rate"]
            .as_f64()
            .or_else(|| m["rate"].as_f64())
    };
    let rates = match (
        rate("claims"),
        rate("cancellations"),
        rate("delayed_handling_time"),
    ) {
        (Some(claims), Some(cancellations), Some(delayed)) => Some(super::Rates {
            claims,
            cancellations,
            delayed,
        }),
        _ => None,
    };
    Ok(Some(Shown {
        day,
        level: level.as_deref().and_then(parse_level),
        real_level: real.as_deref().and_then(parse_level),
        protection_end,
        power_seller_status: power,
        period: metrics["claims"]["period"].as_str().map(str::to_owned),
        rates,
    }))
}

/// A `level_id` (`5_green`) or a bare colour (`red`, as `real_level` is written).
fn parse_level(text: &str) -> Option<Level> {
    Level::parse(text).or_else(|| {
        [
            Level::Red,
            Level::Orange,
            Level::Yellow,
            Level::LightGreen,
            Level::Green,
        ]
        .into_iter()
        .find(|l| {
            l.id()
                .split_once('_')
                .is_some_and(|(_, colour)| colour == text)
        })
    })
}

fn difference(shown: &Shown, app: &Assessment) -> Option<Difference> {
    if shown.real_level.is_some() || shown.protection_end.is_some() {
        // Protected: what is shown is not the true level.
        return (shown.level != app.level || shown.real_level != app.level)
            .then_some(Difference::Protection);
    }
    if shown.level == app.level {
        return None;
    }
    if shown.level == Some(Level::LightGreen) {
        return Some(Difference::Benefit);
    }
    let window = shown
        .period
        .as_deref()
        .and_then(|p| p.split_whitespace().next()?.parse::<i64>().ok());
    if window.is_some_and(|w| w != app.window_days) {
        return Some(Difference::Window);
    }
    if shown
        .rates
        .is_some_and(|r| r.claims + 1e-9 < app.rates.claims)
    {
        return Some(Difference::ClaimsExcluded);
    }
    Some(Difference::Unknown)
}
