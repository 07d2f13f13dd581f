//! Golden cases computed by hand (one per rule: the window switch, an exact limit, the
//! minimum of sales, a red seller, each site's columns) and properties over random histories.

use chrono::{Duration, NaiveDate};

use super::assess::tally_of;
use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default()
}

fn sale(age: i64) -> Sale {
    Sale {
        date: today() - Duration::days(age),
        claim: false,
        cancelled_by_seller: false,
        dispatched: true,
        late: false,
    }
}

/// 100 sales, ages 0..59 once and 0..39 once more; claims at ages 10 and 40, late dispatches
/// at ages 5, 20 and 50.
fn mla_yellow() -> Vec<Sale> {
    let mut sales: Vec<Sale> = (0..100).map(|i| sale(i % 60)).collect();
    for (age, claim) in [(10, true), (40, true), (5, false), (20, false), (50, false)] {
        if let Some(s) = sales
            .iter_mut()
            .find(|s| s.date == today() - Duration::days(age) && !s.claim && !s.late)
        {
            if claim {
                s.claim = true;
            } else {
                s.late = true;
            }
        }
    }
    sales
}

fn assessed(site: &str, sales: &[Sale]) -> Assessment {
    assess(site, sales, today()).unwrap_or_else(|e| panic!("{site}: {e}"))
}

#[test]
fn a_yellow_seller_of_argentina_with_its_forecast() {
    let a = assessed("MLA", &mla_yellow());
    assert_eq!(a.window_days, 60);
    assert_eq!(a.sales_in_window, 100);
    assert_eq!(a.level, Some(Level::Yellow));
    assert!((a.rates.claims - 0.02).abs() < 1e-12);
    assert!((a.rates.delayed - 0.03).abs() < 1e-12);
    // 4 claims of 100 = 4 % > 3 %: orange.
    assert_eq!(a.more_claims_to_drop, Some(2));
    // 3 of 100 = 3 % > 2.5 %: orange.
    assert_eq!(a.more_cancellations_to_drop, Some(3));
    // 16 of 100 = 16 % > 15 %: orange.
    assert_eq!(a.more_delays_to_drop, Some(13));
    // 2 claims of 134 sales = 1.49 % ≤ 1.5 %.
    assert_eq!(a.sales_to_green, Some(34));
    let leaving: Vec<(i64, Option<Level>)> = a
        .leaves_window
        .iter()
        .map(|l| ((l.date - today()).num_days(), l.level_after))
        .collect();
    assert_eq!(
        leaving,
        vec![
            // The late dispatch of age 50 leaves; 90 sales, 2 claims (2.2 %).
            (10, Some(Level::Yellow)),
            // The claim of age 40 leaves: 80 sales, 1 claim (1.25 %).
            (20, Some(Level::Green)),
            // Then fewer than 50 sales in 60 days: the 365-day window takes every sale back.
            (40, Some(Level::Yellow)),
            (50, Some(Level::Yellow)),
            (55, Some(Level::Yellow)),
        ]
    );
    assert_eq!(a.timeline.len(), 60);
    assert_eq!(a.timeline[19].level, Some(Level::Green));
    assert_eq!(a.timeline[39].level, Some(Level::Yellow));
    assert!(!a.lider_rates);
}

#[test]
fn a_rate_exactly_on_a_limit_keeps_the_level() {
    // 3 claims in 200 sales is 1.5 % exactly; floating point says 1.5000000000000002 %.
    let mut sales: Vec<Sale> = (0..200).map(|i| sale(i % 60)).collect();
    for s in sales.iter_mut().take(3) {
        s.claim = true;
    }
    assert_eq!(assessed("MLA", &sales).level, Some(Level::Green));
    sales[3].claim = true;
    assert_eq!(assessed("MLA", &sales).level, Some(Level::Yellow));
    // Ecuador: 1 claim in 25 sales is 4 %, green's and Líder's limit.
    let mut sales: Vec<Sale> = (0..25).map(|i| sale(i * 4)).collect();
    sales[0].claim = true;
    let a = assessed("MEC", &sales);
    assert_eq!(
        (a.window_days, a.level, a.lider_rates),
        (120, Some(Level::Green), true)
    );
}

#[test]
fn a_red_brazilian_seller_below_the_threshold_uses_the_year() {
    // 20 sales in the last 30 days: fewer than 60, so 365 days; 2 claims = 10 % > 8 %.
    let mut sales: Vec<Sale> = (0..20).map(sale).collect();
    sales.push(Sale {
        claim: true,
        ..sale(200)
    });
    sales[0].claim = true;
    let a = assessed("MLB", &sales);
    assert_eq!((a.window_days, a.sales_in_window), (365, 21));
    assert_eq!(a.level, Some(Level::Red));
    assert_eq!(a.more_claims_to_drop, None);
    // 40 more make 60 sales in 60 days: the 60-day window leaves the old claim out, and
    // 1 claim in 60 sales is 1.67 % ≤ 2 % (in the year's window it would take 79).
    assert_eq!(a.sales_to_green, Some(40));
}

#[test]
fn no_colour_below_ten_sales() {
    let sales: Vec<Sale> = (0..9).map(sale).collect();
    let a = assessed("MLM", &sales);
    assert_eq!(a.level, None);
    assert_eq!(a.more_claims_to_drop, None);
    assert_eq!(a.sales_to_green, None);
    assert!(a.timeline.iter().all(|d| d.level.is_none()));
    assert!(assess("MLV", &sales, today()).is_err());
}

#[test]
fn every_site_grades_the_same_history_with_its_own_columns() {
    // 100 sales in 60 days, 3 claims (3 %), 2 cancellations (2 %), 11 late (11 %).
    let mut sales: Vec<Sale> = (0..100).map(|i| sale(i % 60)).collect();
    for s in &mut sales[0..3] {
        s.claim = true;
    }
    for s in &mut sales[3..5] {
        s.cancelled_by_seller = true;
    }
    for s in &mut sales[5..16] {
        s.late = true;
    }
    let expected = [
        // claims 3 ≤ 3 yellow; cancellations 2 ≤ 2.5 yellow; delayed 11 ≤ 15 yellow.
        ("MLA", Level::Yellow),
        ("MLM", Level::Yellow),
        // claims 3 ≤ 4.5 yellow; cancellations 2 ≤ 3.5 yellow; delayed 11 ≤ 18 yellow.
        ("MLB", Level::Yellow),
        // claims 3 ≤ 3.5 green; cancellations 2 ≤ 2.5 green; delayed 11 ≤ 12 green.
        ("MCO", Level::Green),
        ("MLC", Level::Green),
        ("MLU", Level::Green),
        // claims 3 ≤ 4; cancellations 2 ≤ 3; delayed 11 ≤ 12: green.
        ("MEC", Level::Green),
        // claims 3 > 2 (yellow ≤ 4.5); cancellations 2 ≤ 2.5; delayed 11 ≤ 12: yellow.
        ("MPE", Level::Yellow),
    ];
    for (site, level) in expected {
        assert_eq!(assessed(site, &sales).level, Some(level), "{site}");
    }
}

/// A forecast figure, which sales it may touch, and how it touches one.
type Case = (Option<i64>, fn(&Sale) -> bool, fn(&mut Sale));

/// A small deterministic generator of histories.
fn random_history(rng: &mut fastrand::Rng) -> Vec<Sale> {
    let n = rng.usize(0..400);
    let spread = [30, 90, 400][rng.usize(0..3)];
    (0..n)
        .map(|_| {
            let claim = rng.f64() < 0.04;
            Sale {
                date: today() - Duration::days(rng.i64(0..spread)),
                claim,
                cancelled_by_seller: rng.f64() < 0.03,
                dispatched: rng.f64() < 0.8,
                late: rng.f64() < 0.12,
            }
        })
        .collect()
}

const SITES: [&str; 8] = ["MLA", "MLB", "MLM", "MCO", "MLC", "MLU", "MEC", "MPE"];

#[test]
fn one_more_claim_never_improves_and_one_incident_less_never_worsens() {
    let mut rng = fastrand::Rng::with_seed(29);
    for round in 0..600 {
        let site = SITES[round % SITES.len()];
        let sales = random_history(&mut rng);
        let before = assessed(site, &sales).level;
        if let Some(i) = sales
            .iter()
            .position(|s| !s.claim && !s.cancelled_by_seller)
        {
            let mut worse = sales.clone();
            worse[i].claim = true;
            let after = assessed(site, &worse).level;
            assert!(
                after <= before,
                "{site} round {round}: {before:?} → {after:?}"
            );
        }
        if let Some(i) = sales
            .iter()
            .position(|s| s.claim || s.cancelled_by_seller || s.late)
        {
            let mut better = sales.clone();
            better[i] = Sale {
                claim: false,
                cancelled_by_seller: false,
                late: false,
                ..better[i]
            };
            let after = assessed(site, &better).level;
            assert!(
                after >= before,
                "{site} round {round}: {before:?} → {after:?}"
            );
        }
    }
}

#[test]
fn the_forecast_k_is_exact() {
    let mut rng = fastrand::Rng::with_seed(11);
    let mut checked = 0;
    for round in 0..400 {
        let site = SITES[round % SITES.len()];
        let sales = random_history(&mut rng);
        let a = assessed(site, &sales);
        let window = a.window_days;
        let in_window = |s: &Sale| (today() - s.date).num_days() < window;
        let cases: [Case; 3] = [
            (
                a.more_claims_to_drop,
                |s| !s.claim && !s.cancelled_by_seller,
                |s| s.claim = true,
            ),
            (
                a.more_cancellations_to_drop,
                |s| !s.claim && !s.cancelled_by_seller,
                |s| s.cancelled_by_seller = true,
            ),
            (
                a.more_delays_to_drop,
                |s| s.dispatched && !s.late,
                |s| s.late = true,
            ),
        ];
        for (k, eligible, mark) in cases {
            let Some(k) = k else { continue };
            let with = |n: i64| {
                let mut changed = sales.clone();
                changed
                    .iter_mut()
                    .filter(|s| in_window(s) && eligible(s))
                    .take(n as usize)
                    .for_each(mark);
                assessed(site, &changed).level
            };
            assert!(
                with(k) < a.level,
                "{site} round {round}: k={k} does not lower"
            );
            assert_eq!(
                with(k - 1),
                a.level,
                "{site} round {round}: k-1={} lowers",
                k - 1
            );
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} forecasts checked");
}

#[test]
fn prefix_sums_agree_with_counting_and_leaving_dates_are_incident_days() {
    let mut rng = fastrand::Rng::with_seed(5);
    for round in 0..200 {
        let sales = random_history(&mut rng);
        let a = assessed("MLA", &sales);
        assert_eq!(
            a.tally,
            tally_of(&sales, today(), a.window_days),
            "round {round}"
        );
        for l in &a.leaves_window {
            let left = l.date - Duration::days(a.window_days);
            assert!(
                sales.iter().any(|s| s.date == left
                    && (s.claim || s.cancelled_by_seller || (s.dispatched && s.late))),
                "round {round}: nothing leaves on {}",
                l.date
            );
        }
    }
}
