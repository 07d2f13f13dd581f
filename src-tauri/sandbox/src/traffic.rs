//! Simulated buyers: every `every`, a random buyer asks a random question on a random active
//! listing of the demo seller ([`run`]); and, at their own rate, buyers purchase ([`sales`]):
//! each sale is a paid order that decrements the listing's (or variation's) stock and pauses the
//! listing as `out_of_stock` when it reaches zero.

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
