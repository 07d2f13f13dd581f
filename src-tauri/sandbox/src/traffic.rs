//! Simulated buyers: every `every`, a random buyer asks a random question on a random active
//! listing of the demo seller.

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
