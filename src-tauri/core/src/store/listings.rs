//! The `listings` table: the seller's items as last seen from the API.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::ts;
use crate::error::Result;

/// A listing (Mercado Libre item) of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// Item id, e.g. `MLA844702264`.
    pub id: String,
    /// Owning account.
    pub account_id: i64,
    /// Title.
    pub title: String,
    /// Price as a decimal string.
    pub price: Option<String>,
    /// Currency, e.g. `ARS`.
    pub currency_id: Option<String>,
    /// Stock available.
    pub available_quantity: Option<i64>,
    /// Item status, verbatim (`active`, `paused`, ...).
    pub status: Option<String>,
    /// Public URL.
    pub permalink: Option<String>,
    /// Thumbnail URL.
    pub thumbnail: Option<String>,
    /// Units sold, when the read included it.
    pub sold_quantity: Option<i64>,
    /// The seller's SKU (`seller_custom_field`).
    pub sku: Option<String>,
    /// The variations with their own stock; `None` when the read did not include them (the
    /// stored ones are then kept).
    pub variations: Option<Vec<Variation>>,
    /// Full, catalog and sub-status; `None` when the read did not include them (the stored
    /// ones are then kept).
    pub traits: Option<Traits>,
}

/// What decides whether a listing's stock can be edited, and how its status reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Traits {
    /// `shipping.logistic_type`; `fulfillment` is Full (Mercado Libre holds the stock).
    pub logistic_type: Option<String>,
    /// A catalog listing (its variations cannot change).
    pub catalog_listing: bool,
    /// e.g. `out_of_stock`.
    pub sub_status: Vec<String>,
}

/// A variation of a listing (size, colour...) with its own stock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variation {
    /// Mercado Libre variation id.
    pub id: i64,
    /// `(name, value)` pairs, e.g. `("Color", "Rojo")`.
    pub attributes: Vec<(String, String)>,
    /// Price as a decimal string.
    pub price: Option<String>,
    /// Stock available.
    pub available_quantity: i64,
    /// Units sold.
    pub sold_quantity: Option<i64>,
    /// The seller's SKU for this variation.
    pub sku: Option<String>,
}

/// Inserts or replaces a listing (and its variations, when the read included them).
pub fn upsert(conn: &Connection, l: &Listing, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO listings (id, account_id, title, price, currency_id, available_quantity,
                               status, permalink, thumbnail, updated_at, sold_quantity, sku,
                               has_variations)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT(id) DO UPDATE SET title = excluded.title, price = excluded.price,
             currency_id = excluded.currency_id, available_quantity = excluded.available_quantity,
             status = excluded.status, permalink = excluded.permalink,
             thumbnail = excluded.thumbnail, updated_at = excluded.updated_at,
             sold_quantity = COALESCE(excluded.sold_quantity, listings.sold_quantity),
             sku = COALESCE(excluded.sku, listings.sku),
             has_variations = CASE WHEN ?14 THEN excluded.has_variations
                                   ELSE listings.has_variations END",
    )?
    .execute(params![
        l.id,
        l.account_id,
        crate::inbox::search::inert(&l.title),
        l.price,
        l.currency_id,
        l.available_quantity,
        l.status,
        l.permalink,
        l.thumbnail,
        ts(now),
        l.sold_quantity,
        l.sku,
        l.variations.as_ref().is_some_and(|v| !v.is_empty()),
        l.variations.is_some(),
    ])?;
    if let Some(t) = &l.traits {
        conn.prepare_cached(
            "UPDATE listings SET logistic_type = ?2, catalog_listing = ?3, sub_status = ?4
             WHERE id = ?1",
        )?
        .execute(params![
            l.id,
            t.logistic_type,
            t.catalog_listing,
            serde_json::to_string(&t.sub_status).unwrap_or_else(|_| "[]".into())
        ])?;
    }
    if let Some(variations) = &l.variations {
        conn.prepare_cached("DELETE FROM listing_variations WHERE listing_id = ?1")?
            .execute([&l.id])?;
        let mut insert = conn.prepare_cached(
            "INSERT INTO listing_variations
                 (id, listing_id, attributes, price, available_quantity, sold_quantity, sku)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT(id) DO UPDATE SET listing_id = excluded.listing_id,
                 attributes = excluded.attributes, price = excluded.price,
                 available_quantity = excluded.available_quantity,
                 sold_quantity = excluded.sold_quantity, sku = excluded.sku",
        )?;
        for v in variations {
            let attributes = serde_json::to_string(&v.attributes).map_err(|e| {
                crate::error::Error::internal("cannot encode as JSON", Some(Box::new(e)))
            })?;
            insert.execute(params![
                v.id,
                l.id,
                attributes,
                v.price,
                v.available_quantity,
                v.sold_quantity,
                v.sku
            ])?;
        }
    }
    refresh_search_key(conn, &l.id)?;
    Ok(())
}

/// Recomputes a listing's search key: its title and every SKU (its own and its variations'),
/// lowercase without accents, so a search for "cafe" finds "Café".
pub fn refresh_search_key(conn: &Connection, id: &str) -> Result<()> {
    let (title, sku): (String, Option<String>) =
        conn.query_row("SELECT title, sku FROM listings WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let mut key = crate::inbox::search::fold(&title);
    for s in sku.into_iter().chain(
        conn.prepare_cached(
            "SELECT sku FROM listing_variations WHERE listing_id = ?1 AND sku IS NOT NULL",
        )?
        .query_map([id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?,
    ) {
        key.push(' ');
        key.push_str(&crate::inbox::search::fold(&s));
    }
    conn.prepare_cached("UPDATE listings SET search_key = ?2 WHERE id = ?1")?
        .execute(params![id, key])?;
    Ok(())
}

/// A stored listing with its variations.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Listing>> {
    use rusqlite::OptionalExtension;
    let listing = conn
        .query_row(
            "SELECT id, account_id, title, price, currency_id, available_quantity, status,
                    permalink, thumbnail, sold_quantity, sku
             FROM listings WHERE id = ?1",
            [id],
            |r| {
                Ok(Listing {
                    id: r.get(0)?,
                    account_id: r.get(1)?,
                    title: r.get(2)?,
                    price: r.get(3)?,
                    currency_id: r.get(4)?,
                    available_quantity: r.get(5)?,
                    status: r.get(6)?,
                    permalink: r.get(7)?,
                    thumbnail: r.get(8)?,
                    sold_quantity: r.get(9)?,
                    sku: r.get(10)?,
                    variations: None,
                    traits: None,
                })
            },
        )
        .optional()?;
    let Some(mut listing) = listing else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT id, attributes, price, available_quantity, sold_quantity, sku
         FROM listing_variations WHERE listing_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, Option<i64>>(4)?,
            r.get::<_, Option<String>>(5)?,
        ))
    })?;
    let mut variations = Vec::new();
    for row in rows {
        let (vid, attributes, price, available_quantity, sold_quantity, sku) = row?;
        variations.push(Variation {
            id: vid,
            attributes: serde_json::from_str(&attributes).unwrap_or_default(),
            price,
            available_quantity,
            sold_quantity,
            sku,
        });
    }
    listing.variations = Some(variations);
    Ok(Some(listing))
}

/// How many listings an account has stored.
pub fn count(conn: &Connection, account_id: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM listings WHERE account_id = ?1",
        [account_id],
        |r| r.get(0),
    )?)
}

/// The account's listings stored from a partial read (by the question poll): no sold figures
/// or variations yet.
pub fn partial(conn: &Connection, account_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM listings WHERE account_id = ?1 AND sold_quantity IS NULL",
    )?;
    let rows = stmt.query_map([account_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Of `ids`, those not stored yet (each once, in input order).
pub fn missing(conn: &Connection, ids: &[String]) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM listings WHERE id = ?1")?;
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        if !stmt.exists([id])? && !out.contains(id) {
            out.push(id.clone());
        }
    }
    Ok(out)
}

/// The title of a listing, if stored.
pub fn title(conn: &Connection, id: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row("SELECT title FROM listings WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?)
}

/// The account a listing belongs to.
pub fn account_of(conn: &Connection, item_id: &str) -> Result<Option<i64>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT account_id FROM listings WHERE id = ?1",
            [item_id],
            |r| r.get(0),
        )
        .optional()?)
}
