//! What the detail pane shows around a question: the buyer's earlier questions and orders with
//! this seller, and the listing's stock per variation.

use rusqlite::{Connection, params};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::store::{listings, questions};

/// An earlier question of the same buyer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "EarlierQuestion.ts")]
pub struct EarlierQuestion {
    /// Question id.
    #[ts(type = "number")]
    pub id: i64,
    /// Listing title (or id).
    pub item_title: String,
    /// The question (untrusted text).
    pub text: String,
    /// Its status.
    pub status: crate::store::questions::QuestionStatus,
    /// The answer, if any.
    pub answer_text: Option<String>,
    /// When it was asked.
    pub date_created: String,
}

/// An order of the same buyer with this seller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "BuyerOrder.ts")]
pub struct BuyerOrder {
    /// Order id.
    #[ts(type = "number")]
    pub id: i64,
    /// Status verbatim.
    pub status: String,
    /// When it was placed.
    pub date_created: String,
    /// Total as a decimal string.
    pub total_amount: Option<String>,
    /// Currency.
    pub currency_id: Option<String>,
    /// What was bought (first line's title).
    pub item_title: Option<String>,
}

/// Stock of one variation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "VariationStock.ts")]
pub struct VariationStock {
    /// Variation id.
    #[ts(type = "number")]
    pub id: i64,
    /// "Color: Azul · Talle: M".
    pub label: String,
    /// Units available.
    #[ts(type = "number")]
    pub available_quantity: i64,
}

/// The detail pane's context of a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "QuestionContext.ts")]
pub struct QuestionContext {
    /// The buyer's other questions to this account, newest first (at most 20).
    pub earlier_questions: Vec<EarlierQuestion>,
    /// The buyer's orders with this account, newest first (at most 20).
    pub orders: Vec<BuyerOrder>,
    /// The listing's variations with their stock.
    pub variations: Vec<VariationStock>,
    /// The listing's status (`active`, `paused`, ...), when synced.
    pub listing_status: Option<String>,
}

/// The context of `question_id`.
pub fn for_question(conn: &Connection, question_id: i64) -> Result<QuestionContext> {
    let q = questions::get(conn, question_id)?
        .ok_or_else(|| Error::NotFound(format!("question {question_id}")))?;
    let mut stmt = conn.prepare_cached(
        "SELECT q.id, COALESCE(l.title, q.item_id), q.text, q.status, q.answer_text, q.date_created
         FROM questions q LEFT JOIN listings l ON l.id = q.item_id
         WHERE q.buyer_id = ?1 AND q.account_id = ?2 AND q.id != ?3
         ORDER BY q.date_created DESC LIMIT 20",
    )?;
    let earlier_questions = stmt
        .query_map(params![q.buyer_id, q.account_id, q.id], |r| {
            Ok(EarlierQuestion {
                id: r.get(0)?,
                item_title: r.get(1)?,
                text: r.get(2)?,
                status: r.get(3)?,
                answer_text: r.get(4)?,
                date_created: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.status, o.date_created, o.total_amount, o.currency_id,
                (SELECT title FROM order_items WHERE order_id = o.id ORDER BY line LIMIT 1)
         FROM orders o WHERE o.buyer_id = ?1 AND o.account_id = ?2
         ORDER BY o.date_created DESC LIMIT 20",
    )?;
    let orders = stmt
        .query_map(params![q.buyer_id, q.account_id], |r| {
            Ok(BuyerOrder {
                id: r.get(0)?,
                status: r.get(1)?,
                date_created: r.get(2)?,
                total_amount: r.get(3)?,
                currency_id: r.get(4)?,
                item_title: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let listing = listings::get(conn, &q.item_id)?;
    let listing_status = listing.as_ref().and_then(|l| l.status.clone());
    let variations = listing
        .and_then(|l| l.variations)
        .unwrap_or_default()
        .into_iter()
        .map(|v| VariationStock {
            id: v.id,
            label: v
                .attributes
                .iter()
                .map(|(n, val)| format!("{n}: {val}"))
                .collect::<Vec<_>>()
                .join(" · "),
            available_quantity: v.available_quantity,
        })
        .collect();
    Ok(QuestionContext {
        earlier_questions,
        orders,
        variations,
        listing_status,
    })
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::store::listings::{Listing, Variation};
    use crate::store::orders::{self, Order, OrderItem};
    use crate::store::questions::tests::{sample, seed_account};
    use crate::store::testing::temp_store;

    #[test]
    fn the_buyers_history_and_the_listings_stock() {
        let (_d, store) = temp_store();
        let conn = store.conn().expect("conn");
        seed_account(&conn);
        let now = Utc::now();
        let open = sample(1);
        let item = open.item_id.clone();
        listings::upsert(
            &conn,
            &Listing {
                id: item.clone(),
                account_id: 7,
                title: "Remera".into(),
                price: Some("9990".into()),
                currency_id: Some("ARS".into()),
                available_quantity: Some(5),
                status: Some("active".into()),
                permalink: None,
                thumbnail: None,
                sold_quantity: Some(1),
                sku: None,
                variations: Some(vec![Variation {
                    id: 11,
                    attributes: vec![
                        ("Color".into(), "Azul".into()),
                        ("Talle".into(), "M".into()),
                    ],
                    price: None,
                    available_quantity: 5,
                    sold_quantity: None,
                    sku: None,
                }]),
                traits: None,
            },
            now,
        )
        .expect("listing");
        questions::upsert(&conn, &open, now).expect("open");
        let mut earlier = sample(2);
        earlier.buyer_id = open.buyer_id;
        earlier.text = "¿Hay talle L?".into();
        questions::upsert(&conn, &earlier, now).expect("earlier");
        let mut stranger = sample(3);
        stranger.buyer_id = open.buyer_id + 1;
        questions::upsert(&conn, &stranger, now).expect("stranger");
        orders::upsert(
            &conn,
            &Order {
                id: 500,
                account_id: 7,
                status: "paid".into(),
                date_created: Utc
                    .with_ymd_and_hms(2026, 10, 1, 12, 0, 0)
                    .single()
                    .expect("d"),
                last_updated: now,
                total_amount: Some("9990".into()),
                currency_id: Some("ARS".into()),
                buyer_id: Some(open.buyer_id),
                buyer_nickname: None,
                buyer_first_name: None,
                pack_id: None,
                shipping_id: None,
                tags: vec![],
                items: vec![OrderItem {
                    item_id: item,
                    variation_id: Some(11),
                    title: Some("Remera".into()),
                    quantity: 1,
                    unit_price: Some("9990".into()),
                    sku: None,
                }],
            },
        )
        .expect("order");

        let ctx = for_question(&conn, 1).expect("context");
        let earlier_ids: Vec<i64> = ctx.earlier_questions.iter().map(|e| e.id).collect();
        assert_eq!(earlier_ids, vec![2], "only this buyer's other questions");
        assert_eq!(ctx.orders.len(), 1);
        assert_eq!(ctx.orders[0].item_title.as_deref(), Some("Remera"));
        assert_eq!(ctx.variations[0].label, "Color: Azul · Talle: M");
        assert_eq!(ctx.variations[0].available_quantity, 5);
        assert_eq!(ctx.listing_status.as_deref(), Some("active"));
        assert!(for_question(&conn, 99).is_err());
    }
}
