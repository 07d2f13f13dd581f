//! One page of the stock view: the listings (filtered and sorted in SQL, with the last 30 days
//! of sales, open questions and thresholds joined there), their count, then the variations of
//! the listings on the page. The count is its own statement: a window count over the page
//! query would make SQLite build and sort every row in full instead of keeping the page's top
//! rows (14 ms against 7 ms over 5,000 listings).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use super::{
    ReadOnlyReason, StockPage, StockQuery, StockRow, StockSort, StockStatus, StockVariation,
    default_threshold,
};
use crate::error::Result;
use crate::store::ts;

/// Most rows one page returns.
const MAX_LIMIT: u32 = 200;
/// The sales window days of cover are computed over.
const SALES_DAYS: i64 = 30;

/// The listings with their figures, as a CTE the page and its count share. SQLite flattens it
/// into each, so a figure neither filters nor sorts by (open questions, say) is not computed
/// for the count.
const BASE: &str = "
WITH base AS (
    SELECT l.id, l.account_id, a.nickname AS account, l.title, l.thumbnail, l.sku,
           COALESCE(l.available_quantity, 0) AS available, l.sold_quantity AS sold,
           {STATUS} AS status, l.price, l.currency_id, l.logistic_type, l.catalog_listing,
           COALESCE(s.units, 0) AS units,
           (SELECT COUNT(*) FROM questions q
            WHERE q.status = 'UNANSWERED' AND q.item_id = l.id) AS open_questions,
           COALESCE(tl.threshold, ts.threshold, :default) AS threshold,
           l.search_key
    FROM listings l
    JOIN accounts a ON a.id = l.account_id
    LEFT JOIN stock_sales s ON s.item_id = l.id AND s.variation_id = -1
    LEFT JOIN stock_thresholds tl ON tl.scope = 'listing' AND tl.key = l.id
    LEFT JOIN stock_thresholds ts ON ts.scope = 'sku' AND ts.key = l.sku
)";

/// Recomputes the units sold in the last 30 days per listing and per variation (after orders
/// were stored; and by a page when they are older than an hour).
pub fn refresh_sales(conn: &Connection, now: DateTime<Utc>) -> Result<()> {
    let since = ts(now - chrono::Duration::days(SALES_DAYS));
    conn.execute("DELETE FROM stock_sales", [])?;
    conn.execute(
        "INSERT INTO stock_sales (item_id, variation_id, units)
         SELECT oi.item_id, -1, SUM(oi.quantity)
         FROM orders o JOIN order_items oi ON oi.order_id = o.id
         WHERE o.date_created >= ?1 AND o.status != 'cancelled'
         GROUP BY oi.item_id",
        [&since],
    )?;
    conn.execute(
        "INSERT INTO stock_sales (item_id, variation_id, units)
         SELECT oi.item_id, oi.variation_id, SUM(oi.quantity)
         FROM orders o JOIN order_items oi ON oi.order_id = o.id
         WHERE o.date_created >= ?1 AND o.status != 'cancelled' AND oi.variation_id IS NOT NULL
         GROUP BY oi.item_id, oi.variation_id",
        [&since],
    )?;
    crate::store::settings::put(conn, SALES_KEY, &ts(now))
}

/// When the sales were last counted (in the settings).
const SALES_KEY: &str = "stock_sales_at";

/// Counts the sales again when they are older than an hour (or were never counted).
fn fresh_sales(conn: &Connection, now: DateTime<Utc>) -> Result<()> {
    let at: Option<String> = crate::store::settings::get(conn, SALES_KEY)?;
    let stale = at
        .and_then(|t| crate::store::parse_ts(&t).ok())
        .is_none_or(|t| now - t > chrono::Duration::hours(1) || t > now);
    if stale {
        refresh_sales(conn, now)?;
    }
    Ok(())
}

/// One page of the stock view as of `now`.
pub fn page(conn: &Connection, query: &StockQuery, now: DateTime<Utc>) -> Result<StockPage> {
    let default = default_threshold(conn)?;
    fresh_sales(conn, now)?;
    let base = BASE.replace("{STATUS}", StockStatus::SQL);
    let mut named: Vec<(&str, Value)> = vec![(":default", Value::Integer(default))];
    let mut filters: Vec<String> = Vec::new();
    if let Some(account) = query.account_id {
        filters.push("account_id = :account".into());
        named.push((":account", Value::Integer(account)));
    }
    if let Some(status) = query.status {
        filters.push("status = :status".into());
        named.push((":status", Value::Text(status.as_sql().into())));
    }
    if query.low {
        filters.push("available > 0 AND available <= threshold".into());
    }
    if query.out || query.out_with_questions {
        filters.push("status = 'out_of_stock'".into());
    }
    if query.out_with_questions {
        filters.push("open_questions > 0".into());
    }
    if query.linked {
        // As the rows are marked: a listing's own SKU when it has no variations, else a
        // variation's.
        filters.push(
            "(base.id IN (SELECT v.listing_id FROM listing_variations v
                          JOIN stock_links k ON k.sku = v.sku AND k.state = 'confirmed')
              OR (base.sku IN (SELECT sku FROM stock_links WHERE state = 'confirmed')
                  AND NOT EXISTS (SELECT 1 FROM listing_variations v
                                  WHERE v.listing_id = base.id)))"
                .into(),
        );
    }
    let words: Vec<String> = query
        .search
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .map(|w| crate::inbox::search::fold(w).replace(['\\', '%', '_'], ""))
        .filter(|w| !w.is_empty())
        .take(8)
        .collect();
    for (n, word) in words.iter().enumerate() {
        filters.push(format!("search_key LIKE '%' || :w{n} || '%'"));
        named.push((WORD_NAMES[n], Value::Text(word.clone())));
    }
    let filter = if filters.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", filters.join(" AND "))
    };
    let direction = if query.descending { "DESC" } else { "ASC" };
    let order = match query.sort {
        StockSort::Title => format!("title COLLATE NOCASE {direction}"),
        StockSort::Sku => format!("sku IS NULL, sku COLLATE NOCASE {direction}"),
        StockSort::Available => format!("available {direction}"),
        StockSort::Sold => format!("sold IS NULL, sold {direction}"),
        StockSort::Status => format!("status {direction}"),
        StockSort::Price => format!("price IS NULL, CAST(price AS REAL) {direction}"),
        StockSort::Cover => format!("cover IS NULL, cover {direction}"),
        StockSort::Questions => format!("open_questions {direction}"),
        StockSort::Threshold => format!("threshold {direction}"),
    };
    let limit = query.limit.clamp(1, MAX_LIMIT);
    let sql = format!(
        "{base}
         SELECT id, account_id, account, title, thumbnail, sku, available, sold, status, price,
                currency_id, logistic_type, catalog_listing, units, open_questions, threshold,
                CASE WHEN units > 0 THEN available * 1.0 * {SALES_DAYS} / units END AS cover
         FROM base {filter}
         ORDER BY {order}, id
         LIMIT {limit} OFFSET {offset}",
        offset = query.offset
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let named_refs: Vec<(&str, &dyn rusqlite::ToSql)> = named
        .iter()
        .map(|(k, v)| (*k, v as &dyn rusqlite::ToSql))
        .collect();
    let mut items = Vec::new();
    let mut full = HashSet::new();
    let mut catalog = HashSet::new();
    let mut rows = stmt.query(named_refs.as_slice())?;
    while let Some(r) = rows.next()? {
        let status = StockStatus::from_sql(&r.get::<_, String>("status")?);
        let logistic: Option<String> = r.get("logistic_type")?;
        let id: String = r.get("id")?;
        let read_only = if logistic.as_deref() == Some("fulfillment") {
            full.insert(id.clone());
            Some(ReadOnlyReason::Fulfillment)
        } else if status == StockStatus::Closed {
            Some(ReadOnlyReason::Closed)
        } else {
            None
        };
        if r.get::<_, bool>("catalog_listing")? {
            catalog.insert(id.clone());
        }
        let available: i64 = r.get("available")?;
        let threshold: i64 = r.get("threshold")?;
        items.push(StockRow {
            id,
            account_id: r.get("account_id")?,
            account: r.get("account")?,
            title: r.get("title")?,
            thumbnail: r.get("thumbnail")?,
            sku: r.get("sku")?,
            available,
            sold: r.get("sold")?,
            status,
            price: r.get("price")?,
            currency_id: r.get("currency_id")?,
            cover_days: r.get("cover")?,
            open_questions: r.get("open_questions")?,
            threshold,
            low: available > 0 && available <= threshold,
            read_only,
            pending: false,
            linked: false,
            variations: Vec::new(),
        });
    }
    drop(rows);
    let total = conn
        .prepare_cached(&format!("{base} SELECT COUNT(*) FROM base {filter}"))?
        .query_row(named_refs.as_slice(), |r| r.get(0))?;
    attach_variations(conn, &mut items, default, &full, &catalog)?;
    mark_pending(conn, &mut items)?;
    mark_linked(conn, &mut items)?;
    Ok(StockPage {
        items,
        total,
        default_threshold: default,
    })
}

/// Parameter names for the search words (SQLite wants them spelt out).
const WORD_NAMES: [&str; 8] = [":w0", ":w1", ":w2", ":w3", ":w4", ":w5", ":w6", ":w7"];

fn attach_variations(
    conn: &Connection,
    items: &mut [StockRow],
    default: i64,
    full: &HashSet<String>,
    catalog: &HashSet<String>,
) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let ids: Vec<Value> = items.iter().map(|i| Value::Text(i.id.clone())).collect();
    let marks = vec!["?"; ids.len()].join(",");
    let sql = format!(
        "SELECT v.listing_id, v.id, v.attributes, v.sku, v.available_quantity, v.sold_quantity,
                (SELECT s.units FROM stock_sales s
                 WHERE s.item_id = v.listing_id AND s.variation_id = v.id) AS units,
                COALESCE((SELECT t.threshold FROM stock_thresholds t
                          WHERE t.scope = 'sku' AND t.key = v.sku),
                         (SELECT t.threshold FROM stock_thresholds t
                          WHERE t.scope = 'listing' AND t.key = v.listing_id),
                         ?) AS threshold
         FROM listing_variations v WHERE v.listing_id IN ({marks})
         ORDER BY v.listing_id, v.id"
    );
    let params: Vec<Value> = std::iter::once(Value::Integer(default))
        .chain(ids)
        .collect();
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut by_listing: HashMap<String, Vec<StockVariation>> = HashMap::new();
    let mut rows = stmt.query(params_from_iter(params.iter()))?;
    while let Some(r) = rows.next()? {
        let listing: String = r.get(0)?;
        let attributes: String = r.get(2)?;
        let available: i64 = r.get(4)?;
        let units: Option<i64> = r.get(6)?;
        let threshold: i64 = r.get(7)?;
        let read_only = if full.contains(&listing) {
            Some(ReadOnlyReason::Fulfillment)
        } else if catalog.contains(&listing) {
            Some(ReadOnlyReason::Catalog)
        } else {
            None
        };
        by_listing.entry(listing).or_default().push(StockVariation {
            id: r.get(1)?,
            attributes: serde_json::from_str(&attributes).unwrap_or_default(),
            sku: r.get(3)?,
            available,
            sold: r.get(5)?,
            cover_days: units
                .filter(|u| *u > 0)
                .map(|u| available as f64 * SALES_DAYS as f64 / u as f64),
            low: available > 0 && available <= threshold,
            read_only,
            pending: false,
            linked: false,
        });
    }
    for item in items.iter_mut() {
        if let Some(vs) = by_listing.remove(&item.id) {
            // A listing whose variations are all closed to edits is closed to edits too.
            if item.read_only.is_none()
                && !vs.is_empty()
                && vs.iter().all(|v| v.read_only.is_some())
            {
                item.read_only = vs[0].read_only;
            }
            item.variations = vs;
        }
    }
    Ok(())
}

/// Marks rows with a stock or status change waiting in the outbox (`item` or
/// `item:variation`).
fn mark_pending(conn: &Connection, items: &mut [StockRow]) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT target_id FROM outbox
         WHERE kind IN ('stock', 'listing_status') AND state IN ('pending', 'in_flight')",
    )?;
    let pending: HashSet<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if pending.is_empty() {
        return Ok(());
    }
    for item in items.iter_mut() {
        item.pending = pending.contains(&item.id);
        for v in &mut item.variations {
            v.pending = pending.contains(&format!("{}:{}", item.id, v.id));
            item.pending |= v.pending;
        }
    }
    Ok(())
}

/// Marks rows whose SKU is in a confirmed linked group.
fn mark_linked(conn: &Connection, items: &mut [StockRow]) -> Result<()> {
    let linked = super::links::confirmed_skus(conn)?;
    if linked.is_empty() {
        return Ok(());
    }
    let is = |sku: &Option<String>| sku.as_ref().is_some_and(|s| linked.contains(s));
    for item in items.iter_mut() {
        for v in &mut item.variations {
            v.linked = is(&v.sku);
        }
        item.linked = (item.variations.is_empty() && is(&item.sku))
            || item.variations.iter().any(|v| v.linked);
    }
    Ok(())
}
