//! The daily rollups (`question_days`, `sale_days`): recomputes the days the store's triggers
//! marked dirty, with SQL aggregates, in one transaction that also clears the marks. Cheap when
//! nothing changed (an empty index probe), so readers call it before every read.

use rusqlite::{Connection, TransactionBehavior};

use crate::error::Result;

/// Orders that never became a sale (not counted anywhere).
pub const NOT_SALES: &str = "('payment_required', 'payment_in_process', 'invalid')";

/// Recomputes every dirty day; returns how many (account, kind, day) marks it cleared.
pub fn refresh(conn: &mut Connection) -> Result<usize> {
    let dirty: i64 = conn.query_row("SELECT COUNT(*) FROM metrics_dirty", [], |r| r.get(0))?;
    if dirty == 0 {
        return Ok(0);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // A question day changes the cross-account row (account 0) of that day too.
    tx.execute_batch(
        "INSERT OR IGNORE INTO metrics_dirty
             SELECT 0, 'q', day FROM metrics_dirty WHERE kind = 'q' AND account_id != 0;
         DELETE FROM question_days WHERE (account_id, day) IN
             (SELECT account_id, day FROM metrics_dirty WHERE kind = 'q');
         DELETE FROM sale_days WHERE (account_id, day) IN
             (SELECT account_id, day FROM metrics_dirty WHERE kind = 's');",
    )?;
    tx.execute(QUESTION_DAYS, [])?;
    tx.execute(&SALE_DAYS.replace("{NOT_SALES}", NOT_SALES), [])?;
    let cleared = tx.execute("DELETE FROM metrics_dirty", [])?;
    tx.commit()?;
    Ok(cleared)
}

/// Received and waiting questions by creation day, answers and their response times by answer
/// day, for every dirty question day (account 0: all accounts), everyone (-1) and per member;
/// response times in seconds to a tenth (`questions.response_s`, kept by triggers).
/// Median and 90th percentile by nearest rank.
const QUESTION_DAYS: &str = "
INSERT INTO question_days (account_id, day, member_id, received, waiting_in, answered,
                           response_median_s, response_p90_s)
WITH d AS (SELECT account_id, day FROM metrics_dirty WHERE kind = 'q'),
asked AS (
    SELECT d.account_id, d.day, q.status
    FROM d CROSS JOIN questions q
      ON q.date_created >= d.day AND q.date_created < date(d.day, '+1 day')
     AND q.account_id = d.account_id
    UNION ALL
    SELECT 0, d.day, q.status
    FROM d CROSS JOIN questions q
      ON q.date_created >= d.day AND q.date_created < date(d.day, '+1 day')
    WHERE d.account_id = 0
),
recv AS (
    SELECT account_id, day, COUNT(*) AS received,
           SUM(status IN ('ANSWERED', 'UNANSWERED')) AS waiting_in
    FROM asked GROUP BY account_id, day
),
answers AS (
    SELECT d.account_id, d.day, q.answered_by, q.response_s AS secs
    FROM d CROSS JOIN questions q
      ON q.status = 'ANSWERED' AND q.answer_date >= d.day
     AND q.answer_date < date(d.day, '+1 day')
     -- Written so the planner keeps the answer-date index (an OR here scans by account).
     AND CASE WHEN d.account_id = 0 THEN 1 ELSE d.account_id = +q.account_id END
),
resp AS (
    SELECT account_id, day, -1 AS member_id, secs FROM answers
    UNION ALL
    SELECT account_id, day, answered_by, secs FROM answers WHERE answered_by IS NOT NULL
),
ranked AS (
    SELECT account_id, day, member_id, secs,
           ROW_NUMBER() OVER w AS rn, COUNT(*) OVER (PARTITION BY account_id, day, member_id) AS n
    FROM resp WINDOW w AS (PARTITION BY account_id, day, member_id ORDER BY secs)
),
stats AS (
    SELECT account_id, day, member_id, MAX(n) AS answered,
           MAX(CASE WHEN rn = (n + 1) / 2 THEN secs END) AS median,
           MAX(CASE WHEN rn = (9 * n + 9) / 10 THEN secs END) AS p90
    FROM ranked GROUP BY account_id, day, member_id
),
everyone AS (
    SELECT account_id, day FROM recv UNION SELECT account_id, day FROM stats
)
SELECT e.account_id, e.day, -1, COALESCE(r.received, 0), COALESCE(r.waiting_in, 0),
       COALESCE(s.answered, 0), s.median, s.p90
FROM everyone e
LEFT JOIN recv r ON r.account_id = e.account_id AND r.day = e.day
LEFT JOIN stats s ON s.account_id = e.account_id AND s.day = e.day AND s.member_id = -1
UNION ALL
SELECT account_id, day, member_id, 0, 0, answered, median, p90 FROM stats WHERE member_id > 0";

/// Sales by day for every dirty sales day: units and amount of those not cancelled, and the
/// thermometer's incidents (claims; seller cancellations without a claim; late dispatches).
const SALE_DAYS: &str = "
INSERT INTO sale_days (account_id, day, sales, units, amount, claims, cancellations,
                       dispatched, late)
WITH d AS (SELECT account_id, day FROM metrics_dirty WHERE kind = 's'),
sold AS (
    SELECT d.account_id, d.day, o.id, o.status, o.total_amount,
           EXISTS (SELECT 1 FROM claims c WHERE c.resource_id = o.id) AS claimed,
           s.status IN ('shipped', 'delivered', 'not_delivered') AS dispatched,
           COALESCE(s.delayed, 0) OR COALESCE(s.sla_status, '') = 'delayed' AS late
    FROM d
    JOIN orders o ON o.account_id = d.account_id
     AND o.date_created >= d.day AND o.date_created < date(d.day, '+1 day')
    LEFT JOIN shipments s ON s.id = o.shipping_id
    WHERE o.status NOT IN {NOT_SALES}
)
SELECT account_id, day, COUNT(*),
       COALESCE(SUM(CASE WHEN status != 'cancelled' THEN
           (SELECT SUM(quantity) FROM order_items WHERE order_id = sold.id) END), 0),
       COALESCE(SUM(CASE WHEN status != 'cancelled' THEN CAST(total_amount AS REAL) END), 0),
       SUM(claimed),
       SUM(status = 'cancelled' AND NOT claimed),
       SUM(COALESCE(dispatched, 0)),
       SUM(COALESCE(dispatched, 0) AND late)
FROM sold GROUP BY account_id, day";
