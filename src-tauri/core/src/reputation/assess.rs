//! The thermometer and its forecast as a pure function of (site, sales history, today).
//!
//! Sales are bucketed by age in days and summed into prefix arrays, so the tally of any window
//! at any future day (with no new sales) costs O(1): the forecast's hundreds of "what if"
//! questions stay well under a millisecond for a seller with tens of thousands of sales.
//! Rates are compared with integers (count × 10,000 against limit in basis points × sales), so a
//! rate exactly on a limit stays in the level whatever floating point would say.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::sites::{self, Limits, Site};
use crate::error::Result;

/// One sale as the thermometer counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "ReputationSale.ts")]
pub struct Sale {
    /// The day of the sale.
    #[ts(type = "string")]
    pub date: NaiveDate,
    /// A claim was opened on it.
    #[serde(default)]
    pub claim: bool,
    /// The seller cancelled it.
    #[serde(default)]
    pub cancelled_by_seller: bool,
    /// It was dispatched through Mercado Envíos (counts toward the delayed rate).
    #[serde(default)]
    pub dispatched: bool,
    /// Its dispatch was late.
    #[serde(default)]
    pub late: bool,
}

/// A thermometer colour, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[ts(export, export_to = "ReputationLevel.ts")]
pub enum Level {
    /// Red.
    #[serde(rename = "1_red")]
    Red,
    /// Orange.
    #[serde(rename = "2_orange")]
    Orange,
    /// Yellow.
    #[serde(rename = "3_yellow")]
    Yellow,
    /// Light green (shown by Mercado Libre, never computed from rates; see `sites.json`).
    #[serde(rename = "4_light_green")]
    LightGreen,
    /// Green.
    #[serde(rename = "5_green")]
    Green,
}

impl Level {
    /// Mercado Libre's `level_id` spelling.
    pub fn id(self) -> &'static str {
        match self {
            Level::Red => "1_red",
            Level::Orange => "2_orange",
            Level::Yellow => "3_yellow",
            Level::LightGreen => "4_light_green",
            Level::Green => "5_green",
        }
    }

    /// Parses a `level_id` (`None` for anything else, e.g. a new seller's `null`).
    pub fn parse(id: &str) -> Option<Level> {
        [
            Level::Red,
            Level::Orange,
            Level::Yellow,
            Level::LightGreen,
            Level::Green,
        ]
        .into_iter()
        .find(|l| l.id() == id)
    }
}

/// The three rates, as fractions (0.015 is 1.5 %).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "ReputationRates.ts")]
pub struct Rates {
    /// Sales with a claim ÷ sales.
    pub claims: f64,
    /// Seller cancellations without a claim ÷ sales.
    pub cancellations: f64,
    /// Late dispatches ÷ dispatched sales.
    pub delayed: f64,
}

/// What one window holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "ReputationTally.ts")]
pub struct Tally {
    /// Sales.
    #[ts(type = "number")]
    pub sales: i64,
    /// Sales with a claim.
    #[ts(type = "number")]
    pub claims: i64,
    /// Seller cancellations without a claim.
    #[ts(type = "number")]
    pub cancellations: i64,
    /// Dispatched sales.
    #[ts(type = "number")]
    pub dispatched: i64,
    /// Of those, dispatched late.
    #[ts(type = "number")]
    pub late: i64,
}

impl Tally {
    pub(crate) fn add(&mut self, s: &Sale) {
        self.sales += 1;
        self.claims += i64::from(s.claim);
        self.cancellations += i64::from(s.cancelled_by_seller && !s.claim);
        self.dispatched += i64::from(s.dispatched);
        self.late += i64::from(s.dispatched && s.late);
    }

    fn plus(self, o: Tally) -> Tally {
        Tally {
            sales: self.sales + o.sales,
            claims: self.claims + o.claims,
            cancellations: self.cancellations + o.cancellations,
            dispatched: self.dispatched + o.dispatched,
            late: self.late + o.late,
        }
    }

    /// Sales with no incident (no claim, not cancelled): where new incidents are counted.
    fn clean(self) -> i64 {
        self.sales - self.claims - self.cancellations
    }

    fn rates(self) -> Rates {
        let frac = |n: i64, d: i64| if d > 0 { n as f64 / d as f64 } else { 0.0 };
        Rates {
            claims: frac(self.claims, self.sales),
            cancellations: frac(self.cancellations, self.sales),
            delayed: frac(self.late, self.dispatched),
        }
    }
}

/// The day a sale's incident leaves the window, and the level after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "ReputationLeaving.ts")]
pub struct Leaving {
    /// The first day without it.
    #[ts(type = "string")]
    pub date: NaiveDate,
    /// The level from that day on, with no new sales.
    pub level_after: Option<Level>,
}

/// One day of the forecast timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "ReputationDay.ts")]
pub struct ForecastDay {
    /// The day.
    #[ts(type = "string")]
    pub date: NaiveDate,
    /// The level that day, with no new sales.
    pub level: Option<Level>,
}

/// The thermometer of one seller on one day, and where it is heading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "ReputationAssessment.ts")]
pub struct Assessment {
    /// The site whose rules applied.
    pub site: String,
    /// The day assessed.
    #[ts(type = "string")]
    pub today: NaiveDate,
    /// The window in days (the site's short one, or 365 below the sales threshold).
    #[ts(type = "number")]
    pub window_days: i64,
    /// Sales in the window.
    #[ts(type = "number")]
    pub sales_in_window: i64,
    /// The counts behind the rates.
    pub tally: Tally,
    /// The three rates.
    pub rates: Rates,
    /// The colour: the worst any rate reaches; `null` below the minimum of sales.
    pub level: Option<Level>,
    /// Each metric's own colour (claims, cancellations, delayed).
    pub metric_levels: Option<[Level; 3]>,
    /// The rates are within MercadoLíder's column.
    pub lider_rates: bool,
    /// The fewest new claims (on sales in the window without an incident) that lower the level;
    /// `null` when red, without a colour, or when no number of them would.
    #[ts(type = "number | null")]
    pub more_claims_to_drop: Option<i64>,
    /// Likewise for seller cancellations.
    #[ts(type = "number | null")]
    pub more_cancellations_to_drop: Option<i64>,
    /// Likewise for late dispatches (on dispatched sales dispatched on time).
    #[ts(type = "number | null")]
    pub more_delays_to_drop: Option<i64>,
    /// Below green: the fewest new sales without incidents (dispatched on time) that bring it
    /// back to green.
    #[ts(type = "number | null")]
    pub sales_to_green: Option<i64>,
    /// For each day an incident leaves the window (soonest first): the level after it.
    pub leaves_window: Vec<Leaving>,
    /// The next 60 days' levels with no new sales.
    pub timeline: Vec<ForecastDay>,
}

/// Days the timeline covers.
pub const TIMELINE_DAYS: i64 = 60;

/// Assesses `sales` on `today` with `site_id`'s rules. Sales after `today` or older than the
/// long window are ignored.
pub fn assess(site_id: &str, sales: &[Sale], today: NaiveDate) -> Result<Assessment> {
    let mut days: std::collections::BTreeMap<NaiveDate, Tally> = Default::default();
    for s in sales {
        days.entry(s.date).or_default().add(s);
    }
    assess_days(site_id, days, today)
}

/// [`assess`] over sales already counted per day (as the store keeps them).
pub fn assess_days(
    site_id: &str,
    days: impl IntoIterator<Item = (NaiveDate, Tally)>,
    today: NaiveDate,
) -> Result<Assessment> {
    let site = sites::site(site_id)?;
    let table = sites::table();
    let history = History::new(days, today, table.long_window_days);
    let rules = Rules {
        site,
        min_sales: table.min_sales,
        long: table.long_window_days,
    };
    let now = rules.at(&history, 0, 0);
    let level = rules.level(now.tally);
    let more = |bump: fn(Tally, i64) -> Option<Tally>| -> Option<i64> {
        let current = level?;
        if current == Level::Red {
            return None;
        }
        (1..)
            .map_while(|k| bump(now.tally, k).map(|t| (k, t)))
            .find(|(_, t)| rules.level(*t).is_some_and(|l| l < current))
            .map(|(k, _)| k)
    };
    let more_claims_to_drop = more(|t, k| {
        (k <= t.clean()).then_some(Tally {
            claims: t.claims + k,
            ..t
        })
    });
    let more_cancellations_to_drop = more(|t, k| {
        (k <= t.clean()).then_some(Tally {
            cancellations: t.cancellations + k,
            ..t
        })
    });
    let more_delays_to_drop = more(|t, k| {
        (k <= t.dispatched - t.late).then_some(Tally {
            late: t.late + k,
            ..t
        })
    });
    let sales_to_green = match level {
        Some(l) if l < Level::Green => (1..=SALES_SEARCH_LIMIT)
            .find(|n| rules.level(rules.at(&history, 0, *n).tally) == Some(Level::Green)),
        _ => None,
    };
    let mut leaves_window: Vec<Leaving> = history
        .incident_ages()
        .filter(|age| *age < now.window)
        .map(|age| now.window - age)
        .collect::<std::collections::BTreeSet<i64>>()
        .into_iter()
        .map(|days| Leaving {
            date: today + Duration::days(days),
            level_after: rules.level(rules.at(&history, days, 0).tally),
        })
        .collect();
    leaves_window.sort_by_key(|l| l.date);
    let timeline = (1..=TIMELINE_DAYS)
        .map(|days| ForecastDay {
            date: today + Duration::days(days),
            level: rules.level(rules.at(&history, days, 0).tally),
        })
        .collect();
    Ok(Assessment {
        site: site_id.to_owned(),
        today,
        window_days: now.window,
        sales_in_window: now.tally.sales,
        tally: now.tally,
        rates: now.tally.rates(),
        level,
        metric_levels: rules.metric_levels(now.tally),
        lider_rates: level.is_some() && rules.within(now.tally, &site.lider),
        more_claims_to_drop,
        more_cancellations_to_drop,
        more_delays_to_drop,
        sales_to_green,
        leaves_window,
        timeline,
    })
}

/// The most new sales the "back to green" search tries.
const SALES_SEARCH_LIMIT: i64 = 1_000_000;

/// Sales bucketed by age (0 = today), summed: `prefix[a]` holds every sale younger than `a` days.
struct History {
    prefix: Vec<Tally>,
    incident_ages: Vec<i64>,
}

impl History {
    fn new(
        tallies: impl IntoIterator<Item = (NaiveDate, Tally)>,
        today: NaiveDate,
        long: i64,
    ) -> History {
        let days = long.max(1) as usize;
        let mut by_age = vec![Tally::default(); days];
        let mut incident_ages = Vec::new();
        for (date, t) in tallies {
            let age = (today - date).num_days();
            if !(0..long).contains(&age) {
                continue;
            }
            let slot = &mut by_age[age as usize];
            *slot = slot.plus(t);
            if t.claims + t.cancellations + t.late > 0 {
                incident_ages.push(age);
            }
        }
        let mut prefix = Vec::with_capacity(days + 1);
        let mut sum = Tally::default();
        prefix.push(sum);
        for t in by_age {
            sum = sum.plus(t);
            prefix.push(sum);
        }
        History {
            prefix,
            incident_ages,
        }
    }

    /// Every sale younger than `age` days (clamped to what is kept).
    fn younger_than(&self, age: i64) -> Tally {
        let i = age.clamp(0, self.prefix.len() as i64 - 1) as usize;
        self.prefix[i]
    }

    fn incident_ages(&self) -> impl Iterator<Item = i64> + '_ {
        self.incident_ages.iter().copied()
    }
}

/// A window as it stands some day.
struct Window {
    window: i64,
    tally: Tally,
}

struct Rules<'a> {
    site: &'a Site,
    min_sales: i64,
    long: i64,
}

impl Rules<'_> {
    /// The window `days` after today, with `extra` sales without incidents made today.
    fn at(&self, history: &History, days: i64, extra: i64) -> Window {
        // On day today+days, a sale of age `a` is `a + days` old: it is in an N-day window when
        // a < N - days.
        let recent = history.younger_than(self.site.threshold_days - days).sales + extra;
        let window = if recent >= self.site.threshold_sales {
            self.site.window_days
        } else {
            self.long
        };
        let mut tally = history.younger_than(window - days);
        tally.sales += extra;
        tally.dispatched += extra;
        Window { window, tally }
    }

    fn metric_levels(&self, t: Tally) -> Option<[Level; 3]> {
        if t.sales < self.min_sales {
            return None;
        }
        let s = self.site;
        let grade = |n: i64, d: i64, pick: fn(&Limits) -> f64| {
            [
                (Level::Green, &s.green),
                (Level::Yellow, &s.yellow),
                (Level::Orange, &s.orange),
            ]
            .into_iter()
            .find(|(_, limits)| at_most(n, d, pick(limits)))
            .map_or(Level::Red, |(l, _)| l)
        };
        Some([
            grade(t.claims, t.sales, |l| l.claims),
            grade(t.cancellations, t.sales, |l| l.cancellations),
            grade(t.late, t.dispatched, |l| l.delayed),
        ])
    }

    fn level(&self, t: Tally) -> Option<Level> {
        self.metric_levels(t)
            .and_then(|levels| levels.into_iter().min())
    }

    fn within(&self, t: Tally, limits: &Limits) -> bool {
        at_most(t.claims, t.sales, limits.claims)
            && at_most(t.cancellations, t.sales, limits.cancellations)
            && at_most(t.late, t.dispatched, limits.delayed)
    }
}

/// `n ÷ d` is at most `percent` %, exactly (no denominator is no rate).
fn at_most(n: i64, d: i64, percent: f64) -> bool {
    let basis_points = (percent * 100.0).round() as i64;
    d <= 0 || n * 10_000 <= basis_points * d
}

/// A window's tally from a list of sales, counted directly (the reference the prefix sums are
/// checked against in tests).
#[cfg(test)]
pub(super) fn tally_of(sales: &[Sale], today: NaiveDate, window: i64) -> Tally {
    let mut t = Tally::default();
    for s in sales {
        let age = (today - s.date).num_days();
        if (0..window).contains(&age) {
            t.add(s);
        }
    }
    t
}
