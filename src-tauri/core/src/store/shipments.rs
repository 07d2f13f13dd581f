//! The `shipments` table: delivery state of open orders, with the dispatch SLA and delays.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::ts;
use crate::error::Result;

/// A shipment as last read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shipment {
    /// Mercado Libre shipment id.
    pub id: i64,
    /// Owning account.
    pub account_id: i64,
    /// The order shipped.
    pub order_id: Option<i64>,
    /// `ready_to_ship`, `shipped`, ... verbatim.
    pub status: String,
    /// Substatus verbatim.
    pub substatus: Option<String>,
    /// Creation time.
    pub date_created: Option<DateTime<Utc>>,
    /// Last change.
    pub last_updated: Option<DateTime<Utc>>,
    /// SLA status (`on_time`, `delayed`, ...), when read.
    pub sla_status: Option<String>,
    /// When the SLA expects the dispatch.
    pub sla_expected_date: Option<DateTime<Utc>>,
    /// Whether Mercado Libre reports a delay.
    pub delayed: bool,
    /// The carrier's tracking number, once dispatched.
    pub tracking_number: Option<String>,
    /// The carrier or its service, as Mercado Libre names it.
    pub carrier: Option<String>,
    /// The estimated delivery date Mercado Libre promised the buyer.
    pub estimated_delivery: Option<DateTime<Utc>>,
}

/// Inserts or replaces a shipment.
pub fn upsert(conn: &Connection, s: &Shipment, now: DateTime<Utc>) -> Result<()> {
    let values = params![
        s.id,
        s.account_id,
        s.order_id,
        s.status,
        s.substatus,
        s.date_created.map(ts),
        s.last_updated.map(ts),
        s.sla_status,
        s.sla_expected_date.map(ts),
        s.delayed,
        ts(now),
        s.tracking_number,
        s.carrier,
        s.estimated_delivery.map(ts)
    ];
    // An update, else an insert: an upsert's conflict clause would override the metrics
    // triggers' OR IGNORE and fail on a day already marked for recomputing.
    let updated = conn
        .prepare_cached(
            "UPDATE shipments SET order_id = ?3, status = ?4, substatus = ?5, date_created = ?6,
                 last_updated = ?7, sla_status = ?8, sla_expected_date = ?9, delayed = ?10,
                 updated_at = ?11, tracking_number = ?12, carrier = ?13,
                 estimated_delivery = ?14
             WHERE id = ?1 AND ?2 IS NOT NULL",
        )?
        .execute(values)?;
    if updated == 0 {
        conn.prepare_cached(
            "INSERT INTO shipments (id, account_id, order_id, status, substatus, date_created,
                                    last_updated, sla_status, sla_expected_date, delayed,
                                    updated_at, tracking_number, carrier, estimated_delivery)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?
        .execute(values)?;
    }
    Ok(())
}

/// How many shipments an account has stored.
pub fn count(conn: &Connection, account_id: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM shipments WHERE account_id = ?1",
        [account_id],
        |r| r.get(0),
    )?)
}
