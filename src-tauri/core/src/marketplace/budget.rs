//! One request budget per account, shared by all of its sync tasks and its outbox, and the retry
//! policy for idempotent reads.
//!
//! The budget is a `governor` GCRA limiter with a burst of one, so requests leave evenly spaced
//! and never bunch into a burst the API would refuse. Two lanes share it: the [`Lane::Fast`]
//! lane (the unanswered-questions poll and writes) always goes first; [`Lane::Bulk`] callers
//! (history, listings, orders...) step aside while a fast caller is waiting.
//!
//! Reads that fail with 429, a 5xx or a network error are retried with exponential backoff and
//! full jitter; a `Retry-After` from the server wins over the computed wait.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::error::Error;

/// Requests per second an account may make when nothing else is configured. Mercado Libre does
/// not publish a per-app quota; bulk item updates are reported to hit 429 at 5–7 req/s.
pub const DEFAULT_REQUESTS_PER_SECOND: u32 = 5;

/// Which queue a request waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// Latency matters: the new-questions poll, user actions.
    Fast,
    /// Background bulk reads.
    Bulk,
}

/// An account's request budget. Cheap to clone (shared).
#[derive(Clone)]
pub struct Budget {
    inner: Arc<Inner>,
}

struct Inner {
    limiter: DefaultDirectRateLimiter,
    clock: DefaultClock,
    fast_waiting: AtomicUsize,
    per_second: u32,
}

impl std::fmt::Debug for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Budget")
            .field("per_second", &self.inner.per_second)
            .finish_non_exhaustive()
    }
}

impl Budget {
    /// A budget of `per_second` requests per second (at least 1).
    pub fn per_second(per_second: u32) -> Self {
        let rate = NonZeroU32::new(per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_second(rate).allow_burst(NonZeroU32::MIN);
        Self {
            inner: Arc::new(Inner {
                limiter: RateLimiter::direct(quota),
                clock: DefaultClock::default(),
                fast_waiting: AtomicUsize::new(0),
                per_second: rate.get(),
            }),
        }
    }

    /// The configured rate.
    pub fn rate(&self) -> u32 {
        self.inner.per_second
    }

    /// Waits until this lane may send one request.
    pub async fn acquire(&self, lane: Lane) {
        let inner = &self.inner;
        let _announced = (lane == Lane::Fast).then(|| FastWaiting::new(&inner.fast_waiting));
        loop {
            if lane == Lane::Bulk && inner.fast_waiting.load(Ordering::SeqCst) > 0 {
                tokio::time::sleep(Duration::from_millis(2)).await;
                continue;
            }
            match inner.limiter.check() {
                Ok(()) => break,
                Err(not_until) => {
                    let wait = not_until.wait_time_from(inner.clock.now());
                    tokio::time::sleep(wait.max(Duration::from_micros(100))).await;
                }
            }
        }
    }
}

/// Counts a fast caller as waiting for as long as it lives (also when its future is dropped).
struct FastWaiting<'a>(&'a AtomicUsize);

impl<'a> FastWaiting<'a> {
    fn new(counter: &'a AtomicUsize) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        Self(counter)
    }
}

impl Drop for FastWaiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Default for Budget {
    fn default() -> Self {
        Self::per_second(DEFAULT_REQUESTS_PER_SECOND)
    }
}

/// How many times a read is tried in each lane before its error is returned.
pub fn attempts(lane: Lane) -> u32 {
    match lane {
        // The fast poll runs again in seconds anyway.
        Lane::Fast => 2,
        Lane::Bulk => 6,
    }
}

/// Whether a failed read is worth trying again.
pub fn is_transient(err: &Error) -> bool {
    match err {
        Error::Offline { .. } | Error::RateLimited { .. } => true,
        Error::Api { status, .. } => *status >= 500,
        _ => false,
    }
}

/// The wait before retry number `attempt` (1 = the first retry): `Retry-After` when the server
/// gave one, otherwise a random duration up to `base · 2^(attempt-1)`, capped at 30 s.
pub fn backoff(err: &Error, attempt: u32) -> Duration {
    if let Error::RateLimited {
        retry_after: Some(after),
    } = err
    {
        return *after;
    }
    let base = Duration::from_millis(250);
    let ceiling = (base * 2u32.saturating_pow(attempt.saturating_sub(1).min(10)))
        .min(Duration::from_secs(30));
    // Full jitter, with a small floor so a retry never spins.
    let millis = ceiling.as_millis().max(1) as u64;
    Duration::from_millis(fastrand::u64(millis / 10..=millis))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn spaces_requests_at_the_configured_rate() {
        let budget = Budget::per_second(50);
        let start = std::time::Instant::now();
        for _ in 0..26 {
            budget.acquire(Lane::Bulk).await;
        }
        // 26 requests at 50/s with a burst of one: 25 gaps of 20 ms.
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(480), "too fast: {took:?}");
        assert!(took < Duration::from_millis(1500), "too slow: {took:?}");
    }

    #[tokio::test]
    async fn the_fast_lane_goes_before_waiting_bulk_callers() {
        let budget = Budget::per_second(20);
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..10 {
            let (b, o) = (budget.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                b.acquire(Lane::Bulk).await;
                o.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(format!("bulk{i}"));
            }));
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
        budget.acquire(Lane::Fast).await;
        order
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push("fast".into());
        for t in tasks {
            t.await.expect("task");
        }
        let order = order.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let fast_at = order.iter().position(|s| s == "fast").expect("fast ran");
        // At 20/s about two bulk requests passed in the first 60 ms; the fast one is next or
        // next but one, never behind the whole queue.
        assert!(fast_at <= 4, "fast request waited behind bulk: {order:?}");
    }

    #[test]
    fn retry_after_wins_and_backoff_grows_with_a_cap() {
        let limited = Error::RateLimited {
            retry_after: Some(Duration::from_secs(3)),
        };
        assert_eq!(backoff(&limited, 1), Duration::from_secs(3));
        let offline = Error::offline("down", None);
        for attempt in 1..20 {
            let wait = backoff(&offline, attempt);
            assert!(wait <= Duration::from_secs(30), "capped: {wait:?}");
        }
        let first_max = (0..200).map(|_| backoff(&offline, 1)).max().expect("some");
        assert!(first_max <= Duration::from_millis(250));
        let later_max = (0..200).map(|_| backoff(&offline, 5)).max().expect("some");
        assert!(
            later_max > Duration::from_millis(1000),
            "grows: {later_max:?}"
        );
    }

    #[test]
    fn only_transient_errors_are_retried() {
        assert!(is_transient(&Error::offline("x", None)));
        assert!(is_transient(&Error::Api {
            status: 503,
            code: "service_not_available".into(),
            message: String::new()
        }));
        assert!(!is_transient(&Error::Api {
            status: 400,
            code: "bad_request".into(),
            message: String::new()
        }));
        assert!(!is_transient(&Error::ReconnectRequired { account_id: 1 }));
    }
}
