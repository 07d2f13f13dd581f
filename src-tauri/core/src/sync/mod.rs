//! The sync engine: background tasks per connected account keeping the store current.
//!
//! Two loops per account share its request budget:
//! - [`run_account`], the fast lane: polls unanswered questions every `poll_interval`, hands new
//!   ones to the notification policy, and backs off (exponentially, up to 5 minutes) while the
//!   network or the API fails;
//! - [`run_messages`], the messages lane: every `message_interval` (the fast poll's interval
//!   while the window is focused) the unread counts of post-sale conversations, one request,
//!   then the threads that changed, and the announcement of what is new;
//! - [`run_bulk`], the bulk lane: every `bulk_interval` a [`pass`] over everything else
//!   (history, orders and shipments, listings and stock, claims, figures, and the messages when
//!   their lane has not run lately), each resource resuming from its persisted cursor.
//!
//! A refused grant parks the account in the reconnect state instead of looping. The shared
//! trigger cuts waits short. Every task stops when its cancellation token fires.

pub mod claims;
pub mod figures;
pub mod history;
pub mod links;
pub mod listings;
pub mod messages;
pub mod orders;
mod paging;
pub mod pass;
pub mod questions;

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::clock::Clock;
use crate::error::Error;
use crate::events::{Event, EventBus, SyncState};
use crate::marketplace::Session;
use crate::notify::{self, Notifier};
use crate::store::{Store, accounts};

/// Longest wait between polls while failing.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// A question this recent keeps the poll at its fast interval.
pub const RECENT: Duration = Duration::from_secs(600);

/// Everything an account task needs.
#[derive(Clone)]
pub struct SyncContext {
    /// The store.
    pub store: Store,
    /// Where events go.
    pub events: EventBus,
    /// Displays notifications.
    pub notifier: Arc<dyn Notifier>,
    /// Time.
    pub clock: Arc<dyn Clock>,
    /// Time between two unanswered-question polls while the window is focused or a question
    /// arrived in the last [`RECENT`].
    pub poll_interval: Duration,
    /// Time between two polls otherwise.
    pub idle_poll_interval: Duration,
    /// Whether the app's window has the focus (set by the shell).
    pub focused: Arc<std::sync::atomic::AtomicBool>,
    /// Wakes every account task for an immediate poll.
    pub trigger: Arc<tokio::sync::Notify>,
    /// Language and local time of notifications.
    pub locale: crate::notify::Locale,
    /// Time between two bulk passes.
    pub bulk_interval: Duration,
    /// Time between two reads of the post-sale unread counts while the window is not focused
    /// (focused: `poll_interval`).
    pub message_interval: Duration,
    /// Asks this account's bulk lane for a pass now; a request made while a pass runs starts
    /// the next one as soon as it ends (a stored permit, not a wake-up of waiters only).
    pub bulk_wake: Arc<tokio::sync::Notify>,
    /// How often each resource is refreshed.
    pub cadence: pass::Cadence,
    /// Where linked stock queues its writes.
    pub outbox: crate::outbox::Outbox,
    /// Time between two linked-stock rounds of an account.
    pub link_interval: Duration,
}

/// Runs the account's sync loop until `cancel` fires.
pub async fn run_account(ctx: SyncContext, session: Session, cancel: CancellationToken) {
    let account_id = session.account_id();
    let mut failures: u32 = 0;
    let mut last_state = None;
    let mut last_new: Option<std::time::Instant> = None;
    let mut last_links: Option<std::time::Instant> = None;
    loop {
        if last_links.is_none_or(|t| t.elapsed() >= ctx.link_interval) {
            last_links = Some(std::time::Instant::now());
            match links::round(&ctx, &session).await {
                Ok((0, 0)) => {}
                Ok((sales, site)) => {
                    tracing::info!(account_id, sales, site, "linked stock moved")
                }
                Err(e) => tracing::warn!(account_id, error = %e, "linked stock round failed"),
            }
        }
        let state = match poll(&ctx, &session).await {
            Ok(new) => {
                failures = 0;
                if new > 0 {
                    last_new = Some(std::time::Instant::now());
                }
                SyncState::Ok
            }
            Err(Error::ReconnectRequired { .. }) => {
                let _ = ctx
                    .store
                    .run(move |c| {
                        accounts::set_status(c, account_id, accounts::AccountStatus::Reconnect)
                    })
                    .await;
                publish_state(&ctx, account_id, SyncState::Reconnect, &mut last_state);
                tracing::warn!(account_id, "sync paused until the account is reconnected");
                return;
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                tracing::warn!(account_id, error = %e, failures, "questions poll failed");
                match e {
                    Error::Offline { .. } => SyncState::Offline,
                    Error::RateLimited { .. } => SyncState::RateLimited,
                    _ => SyncState::Error,
                }
            }
        };
        publish_state(&ctx, account_id, state, &mut last_state);
        let fast = ctx.focused.load(std::sync::atomic::Ordering::Relaxed)
            || last_new.is_some_and(|t| t.elapsed() < RECENT);
        let interval = if fast {
            ctx.poll_interval
        } else {
            ctx.idle_poll_interval
        };
        let wait = if failures == 0 {
            interval
        } else {
            (ctx.poll_interval * 2u32.saturating_pow(failures.min(8))).min(MAX_BACKOFF)
        };
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = ctx.trigger.notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

/// Runs the account's messages lane until `cancel` fires: a buyer's new post-sale message is
/// read and announced within one `message_interval`, not at the next bulk pass. A refused
/// grant ends the lane (the questions lane parks the account).
pub async fn run_messages(ctx: SyncContext, session: Session, cancel: CancellationToken) {
    let account_id = session.account_id();
    loop {
        let pass = pass_of(&ctx, &session, true);
        let result = tokio::select! {
            _ = cancel.cancelled() => return,
            r = messages::sync(&pass) => r,
        };
        match result {
            Ok(unknown) if !unknown.is_empty() => {
                // A buyer wrote about a sale not read yet: the orders are read now, not at the
                // next bulk pass (the conversation shows the sale, its replies fill with it).
                tracing::info!(account_id, packs = ?unknown, "messages about new sales; syncing now");
                ctx.bulk_wake.notify_one();
            }
            Ok(_) => {}
            Err(Error::ReconnectRequired { .. }) => return,
            Err(e) => {
                tracing::warn!(account_id, error = %e, "messages lane failed");
                let message = e.to_string();
                let _ = ctx
                    .store
                    .run(move |c| {
                        crate::store::cursors::set_error(
                            c,
                            account_id,
                            messages::RESOURCE,
                            &message,
                        )
                    })
                    .await;
            }
        }
        let wait = if ctx.focused.load(std::sync::atomic::Ordering::Relaxed) {
            ctx.poll_interval
        } else {
            ctx.message_interval
        };
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = ctx.trigger.notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

/// Runs the account's bulk passes until `cancel` fires.
pub async fn run_bulk(ctx: SyncContext, session: Session, cancel: CancellationToken) {
    let account_id = session.account_id();
    let bulk = session.bulk();
    loop {
        let pass = pass_of(&ctx, &bulk, true);
        let result = tokio::select! {
            _ = cancel.cancelled() => return,
            r = pass::run(&pass) => r,
        };
        match result {
            Ok(()) => {}
            Err(Error::ReconnectRequired { .. }) => {
                let _ = ctx
                    .store
                    .run(move |c| {
                        accounts::set_status(c, account_id, accounts::AccountStatus::Reconnect)
                    })
                    .await;
                ctx.events.publish(Event::SyncStatus {
                    account_id,
                    state: SyncState::Reconnect,
                });
                tracing::warn!(
                    account_id,
                    "bulk sync paused until the account is reconnected"
                );
                return;
            }
            Err(e) => tracing::warn!(account_id, error = %e, "bulk pass failed"),
        }
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = ctx.trigger.notified() => {}
            _ = ctx.bulk_wake.notified() => {}
            _ = tokio::time::sleep(ctx.bulk_interval) => {}
        }
    }
}

/// One bulk pass over every resource of the session's account, the messages included.
pub async fn bulk_pass(ctx: &SyncContext, session: &Session) -> crate::error::Result<()> {
    pass::run(&pass_of(ctx, session, false)).await
}

/// A pass starting now, in the session's bulk lane; `beside_lane`: a messages lane runs
/// beside it, so it reads the messages only when that lane has not lately.
fn pass_of(ctx: &SyncContext, session: &Session, beside_lane: bool) -> pass::Pass {
    pass::Pass {
        store: ctx.store.clone(),
        session: session.bulk(),
        events: ctx.events.clone(),
        clock: ctx.clock.clone(),
        started: ctx.clock.now(),
        cadence: ctx.cadence.clone(),
        notifier: ctx.notifier.clone(),
        locale: ctx.locale.clone(),
        outbox: ctx.outbox.clone(),
        beside_messages_lane: beside_lane,
    }
}

fn publish_state(
    ctx: &SyncContext,
    account_id: i64,
    state: SyncState,
    last: &mut Option<SyncState>,
) {
    if *last != Some(state) {
        *last = Some(state);
        ctx.events.publish(Event::SyncStatus { account_id, state });
    }
}

/// One poll of the account's unanswered questions, then the notification policy.
pub async fn poll_once(ctx: &SyncContext, session: &Session) -> crate::error::Result<()> {
    poll(ctx, session).await.map(|_| ())
}

/// [`poll_once`], returning how many questions were new.
/// The notification step runs even when the poll failed: what is stored and not yet announced
/// (or due again) is announced.
async fn poll(ctx: &SyncContext, session: &Session) -> crate::error::Result<usize> {
    let polled =
        questions::poll_unanswered(&ctx.store, session, &ctx.events, ctx.clock.now()).await;
    if let Ok(report) = &polled
        && report.new > 0
    {
        tracing::info!(
            account_id = session.account_id(),
            new = report.new,
            "new questions"
        );
    }
    let announced = notify::announce(
        &ctx.store,
        &ctx.notifier,
        &ctx.clock,
        &ctx.locale,
        session.account_id(),
    )
    .await;
    // Listings buyers ask about that ran low (after stock moved in a pass or a linked round).
    let stock = notify::announce_stock(
        &ctx.store,
        &ctx.notifier,
        &ctx.clock,
        &ctx.locale,
        session.account_id(),
    )
    .await;
    // Deadlines an hour away (messages to answer, claims, dispatches).
    let deadlines = notify::announce_deadlines(
        &ctx.store,
        &ctx.notifier,
        &ctx.clock,
        &ctx.locale,
        session.account_id(),
    )
    .await;
    // Shipments Mercado Libre reports late (read by the bulk pass).
    let delays = notify::announce_delays(
        &ctx.store,
        &ctx.notifier,
        &ctx.clock,
        &ctx.locale,
        session.account_id(),
    )
    .await;
    let report = polled?;
    announced?;
    stock?;
    deadlines?;
    delays?;
    Ok(report.new)
}
