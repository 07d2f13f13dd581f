//! One bulk pass over an account's resources: what runs, in which order, and how progress and
//! failures are reported.
//!
//! Independent resources run concurrently (they share the account's request budget, in the bulk
//! lane, so the new-questions poll still goes first). A resource that fails records its error
//! in its cursor row and is retried on the next pass; the others carry on. A refused grant stops
//! the pass and is returned, so the account goes to the reconnect state.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{claims, figures, history, listings, messages, orders};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::events::{Event, EventBus};
use crate::marketplace::Session;
use crate::store::{Store, cursors};

/// How often each resource is refreshed after its first full pass.
#[derive(Debug, Clone)]
pub struct Cadence {
    /// Listing ids are re-scanned (new and closed listings) this often; between scans only the
    /// listings touched by orders are re-read.
    pub listings_rescan: chrono::Duration,
    /// The whole question history is re-scanned this often (the fast poll covers new ones).
    pub history_rescan: chrono::Duration,
    /// Open shipments are all re-read this often; between, only those whose order changed.
    pub shipments_refresh: chrono::Duration,
    /// Reputation, response time and visits are read this often.
    pub figures_refresh: chrono::Duration,
}

impl Default for Cadence {
    fn default() -> Self {
        Self {
            listings_rescan: chrono::Duration::hours(6),
            history_rescan: chrono::Duration::hours(24),
            shipments_refresh: chrono::Duration::hours(1),
            figures_refresh: chrono::Duration::hours(6),
        }
    }
}

/// What a resource task needs during a pass.
pub struct Pass {
    /// The store.
    pub store: Store,
    /// The account's session, in the bulk lane.
    pub session: Session,
    /// Where progress goes.
    pub events: EventBus,
    /// Time.
    pub clock: Arc<dyn Clock>,
    /// When this pass started.
    pub started: DateTime<Utc>,
    /// Refresh intervals.
    pub cadence: Cadence,
    /// Displays notifications (new post-sale messages).
    pub notifier: Arc<dyn crate::notify::Notifier>,
    /// Language and local time of notifications.
    pub locale: crate::notify::Locale,
    /// Where linked stock queues its writes.
    pub outbox: crate::outbox::Outbox,
    /// Whether the account's messages lane runs beside this pass (then the pass reads the
    /// messages only when the lane has not lately).
    pub beside_messages_lane: bool,
}

impl Pass {
    /// The account.
    pub fn account_id(&self) -> i64 {
        self.session.account_id()
    }

    /// Publishes a resource's progress.
    pub fn progress(&self, resource: &str, done: i64, total: Option<i64>) {
        self.events.publish(Event::SyncProgress {
            account_id: self.account_id(),
            resource: resource.to_owned(),
            done,
            total,
        });
    }

    /// Whether `resource`'s last finished pass is older than `every` (or it never finished).
    pub async fn due(&self, resource: &'static str, every: chrono::Duration) -> Result<bool> {
        let account_id = self.account_id();
        let row = self
            .store
            .run(move |c| cursors::get(c, account_id, resource))
            .await?;
        let Some(last) = row.and_then(|r| r.last_run_at) else {
            return Ok(true);
        };
        let last = crate::store::parse_ts(&last)?;
        Ok(self.started - last >= every)
    }
}

/// Runs one pass. Returns the first refused-grant error; other failures are recorded per
/// resource and logged.
pub async fn run(pass: &Pass) -> Result<()> {
    // Boxed: six resource futures side by side are too large for the caller's stack frame.
    let (a, b, c, d, e, f) = tokio::join!(
        Box::pin(guarded(pass, history::RESOURCE, history::sync(pass))),
        Box::pin(guarded(pass, orders::RESOURCE, orders::sync(pass))),
        Box::pin(guarded(pass, listings::RESOURCE, listings::sync(pass))),
        Box::pin(guarded(pass, claims::RESOURCE, claims::sync(pass))),
        Box::pin(guarded(
            pass,
            messages::RESOURCE,
            messages::sync_if_stale(pass)
        )),
        Box::pin(guarded(pass, figures::RESOURCE, figures::sync(pass))),
    );
    for r in [a, b, c, d, f] {
        r?;
    }
    // The orders were read beside the messages, perhaps before the sale a buyer just wrote
    // about: read them again now (one request since the cursor) rather than a pass later.
    if !e?.is_empty() {
        tracing::info!(
            account_id = pass.account_id(),
            "messages about new sales; reading the orders again"
        );
        guarded(pass, orders::RESOURCE, orders::sync(pass)).await?;
    }
    automatic_messages(pass).await;
    Ok(())
}

/// Queues the automatic messages the orders and shipments just read made due. A failure is
/// logged: nothing was queued, and the next pass tries again.
async fn automatic_messages(pass: &Pass) {
    let (account_id, now) = (pass.account_id(), pass.started);
    match pass
        .store
        .run(move |c| crate::automatic::queue_due(c, account_id, now))
        .await
    {
        Ok(ids) => {
            if !ids.is_empty() {
                tracing::info!(account_id, queued = ids.len(), "automatic messages queued");
            }
            pass.outbox.announce_queued(ids);
        }
        Err(e) => tracing::warn!(account_id, error = %e, "automatic messages not queued"),
    }
}

/// Runs one resource; records and swallows its error (giving `T`'s default) unless the grant
/// was refused.
async fn guarded<T: Default>(
    pass: &Pass,
    resource: &'static str,
    work: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    match work.await {
        Ok(v) => Ok(v),
        Err(e @ Error::ReconnectRequired { .. }) => Err(e),
        Err(e) => {
            tracing::warn!(account_id = pass.account_id(), resource, error = %e, "sync of resource failed");
            let account_id = pass.account_id();
            let message = e.to_string();
            let _ = pass
                .store
                .run(move |c| cursors::set_error(c, account_id, resource, &message))
                .await;
            Ok(T::default())
        }
    }
}
