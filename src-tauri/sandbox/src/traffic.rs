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
        let Some(id) = crate::activity::place_order(w, &item_id, buyer_id) else {
            continue;
        };
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
        let (order_id, pack, _buyer) = paid[pick];
        match kind {
            AfterSale::Message => {
                crate::activity::buyer_writes(w, pack, "Hola, ¿me confirman cuándo sale el envío?");
            }
            AfterSale::Claim => {
                if crate::activity::open_claim(w, order_id).is_none() {
                    continue;
                }
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
                crate::activity::delay_shipment(w, waiting[pick]);
            }
        }
        tracing::info!(?kind, order_id, "simulated after-sale event");
    }
}
