//! Every series of the metrics screen in two SQL statements over the rollups: one row per
//! calendar day (a recursive calendar joined to the question, sale and visit days, with window
//! functions for the running count of unanswered questions and the reputation window's rates),
//! and the per-member response times.

use chrono::{Duration, NaiveDate};
use rusqlite::{Connection, named_params};

use super::{MAX_RANGE_DAYS, MemberResponse, Metrics, MetricsDay, MetricsQuery, PROVISIONAL_DAYS};
use super::{RateBands, rollup};
use crate::error::{Error, Result};
use crate::reputation::sites;

/// The default range: the last four months.
const DEFAULT_DAYS: i64 = 120;
/// The rates' window when the accounts' sites disagree.
const FALLBACK_WINDOW: i64 = 60;

/// The figures `query` asks for, as of `today`. Brings the rollups up to date first.
pub fn series(conn: &mut Connection, query: &MetricsQuery, today: NaiveDate) -> Result<Metrics> {
    let to = query.to.unwrap_or(today);
    let from = match query.from {
        Some(from) => from,
        None => to - Duration::days(query.days.unwrap_or(DEFAULT_DAYS).max(1) - 1),
    };
    if from > to {
        return Err(Error::InvalidInput(format!(
            "the range starts after it ends ({from} > {to})"
        )));
    }
    if (to - from).num_days() >= MAX_RANGE_DAYS {
        return Err(Error::InvalidInput(format!(
            "a range covers at most {MAX_RANGE_DAYS} days"
        )));
    }
    rollup::refresh(conn)?;
    let site_ids: Vec<String> = {
        let mut stmt = conn.prepare_cached(
            "SELECT DISTINCT site_id FROM accounts WHERE ?1 IS NULL OR id = ?1 ORDER BY site_id",
        )?;
        stmt.query_map([query.account_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    if query.account_id.is_some() && site_ids.is_empty() {
        return Err(Error::NotFound("account".into()));
    }
    let rules: Vec<&sites::Site> = site_ids
        .iter()
        .filter_map(|s| sites::site(s).ok())
        .collect();
    let one = |f: fn(&sites::Site) -> String| {
        let mut values: Vec<String> = rules.iter().map(|s| f(s)).collect();
        values.sort();
        values.dedup();
        (values.len() == 1 && rules.len() == site_ids.len()).then(|| values.remove(0))
    };
    let currency = one(|s| s.currency.clone());
    let same_rules = one(|s| format!("{:?}", (s.window_days, s.green, s.yellow, s.orange)));
    let (window_days, bands) = match (same_rules, rules.first()) {
        (Some(_), Some(s)) => {
            let frac =
                |l: sites::Limits| [l.claims / 100.0, l.cancellations / 100.0, l.delayed / 100.0];
            (
                s.window_days,
                Some(RateBands {
                    green: frac(s.green),
                    yellow: frac(s.yellow),
                    orange: frac(s.orange),
                }),
            )
        }
        _ => (FALLBACK_WINDOW, None),
    };
    let start = from - Duration::days(window_days - 1);
    // The cross-account question rows live under account 0.
    let question_account = query.account_id.unwrap_or(0);
    let provisional_from = today - Duration::days(PROVISIONAL_DAYS - 1);
    let sql = DAYS_SQL.replace("{PRECEDING}", &(window_days - 1).to_string());
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        named_params! {
            ":start": start.to_string(),
            ":from": from.to_string(),
            ":to": to.to_string(),
            ":qacc": question_account,
            ":acc": query.account_id,
        },
        |r| {
            let day: String = r.get("day")?;
            let units: i64 = r.get("units")?;
            let visits: Option<i64> = r.get("visits")?;
            let (w_sales, w_dispatched): (i64, i64) = (r.get("w_sales")?, r.get("w_dispatched")?);
            let ratio = |n: i64, d: i64| (d > 0).then(|| n as f64 / d as f64);
            Ok((
                day,
                MetricsDay {
                    day: NaiveDate::MIN,
                    received: r.get("received")?,
                    answered: r.get("answered")?,
                    unanswered: r.get("unanswered")?,
                    response_median_s: r.get("response_median_s")?,
                    response_p90_s: r.get("response_p90_s")?,
                    sales: r.get("sales")?,
                    units,
                    amount: r.get("amount")?,
                    visits,
                    conversion: visits.and_then(|v| ratio(units, v)),
                    provisional: false,
                    claims_rate: ratio(r.get("w_claims")?, w_sales),
                    cancellations_rate: ratio(r.get("w_cancellations")?, w_sales),
                    delayed_rate: ratio(r.get("w_late")?, w_dispatched),
                },
            ))
        },
    )?;
    let mut days = Vec::with_capacity((to - from).num_days() as usize + 1);
    for row in rows {
        let (day, mut figures) = row?;
        figures.day = NaiveDate::parse_from_str(&day, "%Y-%m-%d")
            .map_err(|e| Error::internal(format!("bad calendar day {day:?}: {e}"), None))?;
        figures.provisional = figures.day >= provisional_from;
        if currency.is_none() {
            figures.amount = None;
        }
        days.push(figures);
    }
    drop(stmt);
    let members = members(conn, question_account, from, to)?;
    Ok(Metrics {
        from,
        to,
        currency,
        window_days,
        bands,
        days,
        members,
    })
}

fn members(
    conn: &Connection,
    account: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MemberResponse>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.member_id, COALESCE(m.name, ''), d.day, d.answered, d.response_median_s,
                d.response_p90_s
         FROM question_days d LEFT JOIN members m ON m.id = d.member_id
         WHERE d.account_id = ?1 AND d.member_id > 0 AND d.day >= ?2 AND d.day <= ?3
         ORDER BY d.member_id, d.day",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![account, from.to_string(), to.to_string()],
        |r| {
            let day: String = r.get(2)?;
            Ok(MemberResponse {
                member_id: r.get(0)?,
                name: r.get(1)?,
                day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").unwrap_or(NaiveDate::MIN),
                answered: r.get(3)?,
                response_median_s: r.get(4)?,
                response_p90_s: r.get(5)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One row per calendar day from `:start` (the reputation window before `:from`) to `:to`.
const DAYS_SQL: &str = "
WITH RECURSIVE cal(day) AS (
    SELECT :start UNION ALL SELECT date(day, '+1 day') FROM cal WHERE day < :to
),
q AS (
    SELECT day, received, waiting_in, answered, response_median_s, response_p90_s
    FROM question_days
    WHERE account_id = :qacc AND member_id = -1 AND day >= :start AND day <= :to
),
waiting_before AS (
    SELECT COALESCE(SUM(waiting_in - answered), 0) AS n FROM question_days
    WHERE account_id = :qacc AND member_id = -1 AND day < :start
),
s AS (
    SELECT day, SUM(sales) AS sales, SUM(units) AS units, SUM(amount) AS amount,
           SUM(claims) AS claims, SUM(cancellations) AS cancellations,
           SUM(dispatched) AS dispatched, SUM(late) AS late
    FROM sale_days
    WHERE (:acc IS NULL OR account_id = :acc) AND day >= :start AND day <= :to
    GROUP BY day
),
v AS (
    SELECT day, SUM(total) AS visits FROM visits_daily
    WHERE (:acc IS NULL OR account_id = :acc) AND day >= :start AND day <= :to
    GROUP BY day
),
joined AS (
    SELECT cal.day,
           COALESCE(q.received, 0) AS received, COALESCE(q.answered, 0) AS answered,
           COALESCE(q.waiting_in, 0) - COALESCE(q.answered, 0) AS delta,
           q.response_median_s, q.response_p90_s,
           COALESCE(s.sales, 0) AS sales, COALESCE(s.units, 0) AS units,
           COALESCE(s.amount, 0) AS amount, COALESCE(s.claims, 0) AS claims,
           COALESCE(s.cancellations, 0) AS cancellations,
           COALESCE(s.dispatched, 0) AS dispatched, COALESCE(s.late, 0) AS late,
           v.visits
    FROM cal LEFT JOIN q ON q.day = cal.day LEFT JOIN s ON s.day = cal.day
    LEFT JOIN v ON v.day = cal.day
),
rolled AS (
    SELECT *,
           (SELECT n FROM waiting_before)
               + SUM(delta) OVER (ORDER BY day ROWS UNBOUNDED PRECEDING) AS unanswered,
           SUM(sales) OVER w AS w_sales, SUM(claims) OVER w AS w_claims,
           SUM(cancellations) OVER w AS w_cancellations,
           SUM(dispatched) OVER w AS w_dispatched, SUM(late) OVER w AS w_late
    FROM joined
    WINDOW w AS (ORDER BY day ROWS BETWEEN {PRECEDING} PRECEDING AND CURRENT ROW)
)
SELECT * FROM rolled WHERE day >= :from ORDER BY day";
