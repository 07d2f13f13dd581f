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

/// 2^attempts seconds (capped at 5 minutes) plus up to 1 s of jitter.
pub(super) fn backoff(attempts: i64, salt: i64) -> Duration {
    let base = 2i64.saturating_pow(attempts.clamp(0, 16) as u32).min(300);
    let jitter = std::collections::hash_map::RandomState::new().hash_one((attempts, salt)) % 1000;
    Duration::seconds(base) + Duration::milliseconds(jitter as i64)
}
