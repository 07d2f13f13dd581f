//! Simulated buyers: every `every`, a random buyer asks a random question on a random active
//! listing of the demo seller ([`run`]); and, at their own rate, buyers purchase ([`sales`]):
//! each sale is a paid order that decrements the listing's (or variation's) stock and pauses the
//! listing as `out_of_stock` when it reaches zero; buyers also write post-sale messages, open
//! claims, and shipments fall behind their dispatch deadline ([`after_sale`]).

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::routes::{Shared, lock};
use crate::seed::QUESTION_TEXTS;

/// Runs until `cancel` fires.
pub async fn run(world: Shared, every: Duration, cancel: CancellationToken) {
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
        let mut w = lock(&world);
        let active: Vec<String> = w
            .items
            .values()
            .filter(|i| i.status == "active")
            .map(|i| i.id.clone())
            .collect();
        if active.is_empty() || w.buyer_ids.is_empty() {
            continue;
        }
        let pick = w.rng.below(active.len());
        let item = active[pick].clone();
        let buyers = w.buyer_ids.len();
        let pick = w.rng.below(buyers);
        let from = w.buyer_ids[pick];
        let pick = w.rng.below(QUESTION_TEXTS.len());
        let text = QUESTION_TEXTS[pick];
        let now = w.now();
        if let Some(id) = w.add_question(&item, from, text, now) {
            tracing::info!(question_id = id, item = %item, "simulated buyer asked");
        }
    }
}

/// Places a paid order on a random active listing of the demo seller every `every`.
pub async fn sales(world: Shared, every: Duration, cancel: CancellationToken) {
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
        let mut guard = lock(&world);
        let w = &mut *guard;
        let seller = w.seller_id;
        let active: Vec<String> = w
            .items
            .values()
            .filter(|i| i.seller_id == seller && i.status == "active" && i.available_quantity > 0)
            .map(|i| i.id.clone())
            .collect();
        if active.is_empty() || w.buyer_ids.is_empty() {
            continue;
        }
        let pick = w.rng.below(active.len());
        let item_id = active[pick].clone();
        let pick = w.rng.below(w.buyer_ids.len());
        let buyer_id = w.buyer_ids[pick];
        let now = w.now();
        let Some(item) = w.items.get_mut(&item_id) else {
            continue;
        };
        let variation_id = item
            .variations
            .iter_mut()
            .find(|v| v.available_quantity > 0)
            .map(|v| {
                v.available_quantity -= 1;
                v.sold_quantity += 1;
                v.id
            });
        item.available_quantity -= 1;
        item.sold_quantity += 1;
        item.version += 1;
        if item.available_quantity <= 0 {
            item.available_quantity = 0;
            item.status = "paused".into();
            item.sub_status = vec!["out_of_stock".into()];
        }
        let unit_price_cents = item.price_cents;
        let id = 2_000_012_000_000 + w.orders.len() as i64;
        w.orders.insert(
            id,
            crate::world::Order {
                id,
                seller_id: seller,
                buyer_id,
                item_id: item_id.clone(),
                variation_id,
                quantity: 1,
                unit_price_cents,
                status: "paid".into(),
                date_created: now,
                last_updated: now,
                pack_id: None,
                shipping_id: Some(43_000_000_000 + id % 1_000_000_000),
            },
        );
        let mut rng = w.rng.clone();
        crate::seed::post_sale(w, &mut rng, id, now);
        w.rng = rng;
        tracing::info!(order_id = id, item = %item_id, "simulated buyer purchased");
    }
}

/// What [`after_sale`] simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterSale {
    /// A buyer writes in the conversation of one of their paid orders.
    Message,
    /// A buyer opens a claim on a paid order.
    Claim,
    /// A shipment not yet dispatched passes its dispatch deadline.
    Delay,
}

/// Simulates one kind of after-sale event every `every`, on the demo seller's orders.
pub async fn after_sale(
    world: Shared,
    kind: AfterSale,
    every: Duration,
    cancel: CancellationToken,
) {
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
        let mut guard = lock(&world);
        let w = &mut *guard;
        let now = w.now();
        let seller = w.seller_id;
        let paid: Vec<(i64, i64, i64)> = w
            .orders
            .values()
            .filter(|o| o.seller_id == seller && o.status == "paid")
            .map(|o| (o.id, o.pack_id.unwrap_or(o.id), o.buyer_id))
            .collect();
        if paid.is_empty() {
            continue;
        }
        let pick = w.rng.below(paid.len());
        let (order_id, pack, buyer) = paid[pick];
        match kind {
            AfterSale::Message => {
                let id = w.token("MSG", buyer);
                w.messages
                    .entry(pack)
                    .or_default()
                    .push(crate::world::Message {
                        id,
                        from: buyer,
                        to: seller,
                        text: "Hola, ¿me confirman cuándo sale el envío?".into(),
                        date: now,
                        read: None,
                    });
            }
            AfterSale::Claim => {
                if w.claims.values().any(|c| c.order_id == order_id) {
                    continue;
                }
                let id = 5_100_000_000 + w.claims.len() as i64;
                w.claims.insert(
                    id,
                    crate::world::Claim {
                        id,
                        order_id,
                        seller_id: seller,
                        buyer_id: buyer,
                        status: "opened".into(),
                        stage: "claim".into(),
                        reason_id: "PDD9949".into(),
                        date_created: now,
                        last_updated: now,
                    },
                );
            }
            AfterSale::Delay => {
                let waiting: Vec<i64> = w
                    .shipments
                    .values()
                    .filter(|s| {
                        s.seller_id == seller
                            && s.shipped_at.is_none()
                            && s.status != "cancelled"
                            && s.handling_deadline > now
                    })
                    .map(|s| s.id)
                    .collect();
                if waiting.is_empty() {
                    continue;
                }
                let pick = w.rng.below(waiting.len());
                if let Some(s) = w.shipments.get_mut(&waiting[pick]) {
                    s.handling_deadline = now - chrono::Duration::minutes(1);
                    s.substatus = Some("delayed".into());
                    s.last_updated = now;
                }
            }
        }
        tracing::info!(?kind, order_id, "simulated after-sale event");
    }
}
