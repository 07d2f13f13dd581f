//! What happened to a claimed row, and what comes next: done, retried later (with backoff and
//! jitter), or failed for the seller to see. Only Mercado Libre's refusals fail a write.

use std::hash::BuildHasher;

use chrono::Duration;

use super::INTERNAL;
use crate::error::Error;

/// What happened to one claimed row.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    Done,
    Retry(String),
    Failed { code: String, message: String },
}

pub(super) fn classify(err: Error) -> Outcome {
    match err {
        e if e.is_transient() => Outcome::Retry(e.to_string()),
        // The grant is gone: keep the answer queued until the account is reconnected.
        e @ Error::ReconnectRequired { .. } => Outcome::Retry(e.to_string()),
        // Our own side failed (keyring, database, a pooled connection), or Mercado Libre's 2xx
        // answer was not what we expected: nothing says the write was refused. Retry, which
        // checks first whether it landed.
        e @ (Error::Keyring { .. }
        | Error::NoSecretService(_)
        | Error::Db(_)
        | Error::Pool(_)
        | Error::Internal { .. }
        | Error::Malformed { .. }) => Outcome::Retry(e.to_string()),
        Error::Api { code, message, .. } => Outcome::Failed { code, message },
        // Refused here, not by Mercado Libre (an invalid input, an unknown target).
        other => Outcome::Failed {
            code: INTERNAL.into(),
            message: other.to_string(),
        },
    }
}

/// The longest wait between two attempts at one write, in seconds: once the network or Mercado
/// Libre recovers, a waiting answer goes out within about a minute. The worker's few rows in
/// flight keep even a long queue of such retries far below the write limit.
const BACKOFF_CAP_SECS: i64 = 60;

/// 2^attempts seconds (capped at [`BACKOFF_CAP_SECS`]) plus up to 1 s of jitter.
pub(super) fn backoff(attempts: i64, salt: i64) -> Duration {
    let base = 2i64
        .saturating_pow(attempts.clamp(0, 16) as u32)
        .min(BACKOFF_CAP_SECS);
    let jitter = std::collections::hash_map::RandomState::new().hash_one((attempts, salt)) % 1000;
    Duration::seconds(base) + Duration::milliseconds(jitter as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_then_stays_at_a_minute() {
        let secs = |attempts| backoff(attempts, 7).num_seconds();
        assert_eq!(secs(1), 2);
        assert_eq!(secs(2), 4);
        assert_eq!(secs(5), 32);
        assert_eq!(secs(6), 60);
        assert_eq!(secs(40), 60);
        assert!(backoff(40, 7) < Duration::seconds(61));
    }
}
