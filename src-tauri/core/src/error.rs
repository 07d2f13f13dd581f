//! The core's error type and the stable codes the UI receives.
//!
//! Every fallible core operation returns [`Error`]. The shell sends the UI only
//! `{ code, message }`, where `code` is an [`ErrorCode`]: the UI branches on the code,
//! never on the message text. Add an `ErrorCode` variant only when a consumer uses it.

use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

/// An underlying error kept as the source of one of ours.
pub type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// `": <source>"`, so logs (which print `Display`) keep what failed underneath.
fn with_source(source: &Option<Source>) -> String {
    source
        .as_ref()
        .map(|s| format!(": {s}"))
        .unwrap_or_default()
}

/// Result alias used throughout the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong in a core operation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// SQLite rejected a statement.
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    /// No database connection could be taken from the pool.
    #[error("database pool error: {0}")]
    Pool(#[from] r2d2::Error),
    /// The database was written by a newer Mostrador.
    #[error(
        "the database schema (version {found}) is newer than this build supports ({supported})"
    )]
    SchemaTooNew {
        /// `user_version` found in the file.
        found: i64,
        /// Highest version this build knows.
        supported: i64,
    },
    /// The OS keyring failed.
    #[error("keyring error: {context}{}", with_source(source))]
    Keyring {
        /// What was being done.
        context: String,
        /// The keyring's own error, when there is one.
        #[source]
        source: Option<Source>,
    },
    /// No OS secret store is reachable (Linux without a Secret Service).
    #[error("no secret service is available: {0}")]
    NoSecretService(String),
    /// The network could not be reached (connect error, timeout, dropped connection).
    #[error("cannot reach Mercado Libre: {context}{}", with_source(source))]
    Offline {
        /// What was being done.
        context: String,
        /// The transport's own error, when there is one.
        #[source]
        source: Option<Source>,
    },
    /// Mercado Libre answered with an error body.
    #[error("Mercado Libre rejected the request ({status} {code}): {message}")]
    Api {
        /// HTTP status.
        status: u16,
        /// The API's `error` field, e.g. `invalid_question`.
        code: String,
        /// The API's human message.
        message: String,
    },
    /// Too many requests; retry later.
    #[error("rate limited by Mercado Libre")]
    RateLimited {
        /// Value of `Retry-After`, when the server sent one.
        retry_after: Option<Duration>,
    },
    /// The account's grant is no longer valid; the user must connect it again.
    #[error("account {account_id} must be reconnected")]
    ReconnectRequired {
        /// The Mercado Libre user id of the account.
        account_id: i64,
    },
    /// A payload from the API could not be understood.
    #[error("malformed payload from {resource}: {detail}")]
    Malformed {
        /// Which resource sent it.
        resource: String,
        /// What was wrong.
        detail: String,
    },
    /// Mercado Libre (or the connection attempt itself) refused to connect an account.
    #[error("the connection was refused: {refusal:?} {detail}")]
    Authorization {
        /// Which documented refusal.
        refusal: AuthRefusal,
        /// Mercado Libre's own words, for the log.
        detail: String,
    },
    /// The member at the keyboard may not do this.
    #[error("member {member_id} may not {permission:?}")]
    Forbidden {
        /// Who asked.
        member_id: i64,
        /// What they lack.
        permission: crate::team::Permission,
    },
    /// A wrong PIN; the next attempt may have to wait.
    #[error("wrong PIN")]
    WrongPin {
        /// Seconds before the next attempt is checked (0: at once).
        retry_after_seconds: i64,
    },
    /// Too many wrong PINs: no attempt is checked for a while.
    #[error("too many wrong PINs; try again in {retry_after_seconds} s")]
    PinLocked {
        /// Seconds left.
        retry_after_seconds: i64,
    },
    /// The caller passed something the operation refuses.
    #[error("{0}")]
    InvalidInput(String),
    /// The thing asked for does not exist locally.
    #[error("not found: {0}")]
    NotFound(String),
    /// A stock change to a listing whose stock cannot be changed from the app.
    #[error("the stock of {item_id} cannot be changed here ({reason:?})")]
    StockReadOnly {
        /// The listing.
        item_id: String,
        /// Why.
        reason: crate::stock::ReadOnlyReason,
    },
    /// Something failed that no other variant names (a task that died, an unreadable value).
    #[error("internal error: {context}{}", with_source(source))]
    Internal {
        /// What was being done.
        context: String,
        /// What failed underneath, when there is something.
        #[source]
        source: Option<Source>,
    },
}

/// Why connecting an account was refused: Mercado Libre's documented OAuth errors, plus the
/// checks the app makes itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthRefusal {
    /// `invalid_client`: the application id or secret is wrong.
    InvalidClient,
    /// `invalid_grant`: the code expired, was used already, or belongs to another application.
    InvalidGrant,
    /// `redirect_uri_mismatch`: the redirect address differs from the registered one.
    RedirectUriMismatch,
    /// `unauthorized_application`: Mercado Libre blocked the application.
    UnauthorizedApplication,
    /// `unauthorized_client`: the application lacks the grant or the scopes.
    UnauthorizedClient,
    /// `invalid_operator_user_id`: a collaborator tried; only the account's owner can connect.
    OperatorUser,
    /// The seller declined on the authorization page (`access_denied`).
    Denied,
    /// The address pasted or caught does not belong to this attempt (`state` differs).
    StateMismatch,
}

impl AuthRefusal {
    /// The refusal named by an OAuth `error` value, if it is one of the documented ones.
    pub fn from_oauth_error(error: &str) -> Option<Self> {
        Some(match error {
            "invalid_client" => Self::InvalidClient,
            "invalid_grant" => Self::InvalidGrant,
            "redirect_uri_mismatch" => Self::RedirectUriMismatch,
            "unauthorized_application" => Self::UnauthorizedApplication,
            "unauthorized_client" => Self::UnauthorizedClient,
            "invalid_operator_user_id" => Self::OperatorUser,
            "access_denied" => Self::Denied,
            _ => return None,
        })
    }
}

/// Stable error codes sent to the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "ErrorCode.ts")]
pub enum ErrorCode {
    /// Local database problem.
    Database,
    /// OS keyring problem.
    Keyring,
    /// No Secret Service on this Linux session.
    NoSecretService,
    /// Network unreachable.
    Offline,
    /// Mercado Libre refused the request.
    MarketplaceRejected,
    /// Rate limited.
    RateLimited,
    /// The account needs to be connected again.
    ReconnectRequired,
    /// Connecting: the application id or secret is wrong.
    InvalidClient,
    /// Connecting: the authorization code expired or was already used.
    InvalidGrant,
    /// Connecting: the redirect address is not the registered one.
    RedirectUriMismatch,
    /// Connecting: Mercado Libre blocked the application.
    UnauthorizedApplication,
    /// Connecting: the application lacks the grant or the scopes.
    UnauthorizedClient,
    /// Connecting: a collaborator cannot connect; the account's owner must.
    OperatorCannotConnect,
    /// Connecting: the seller declined on Mercado Libre's page.
    AuthorizationDenied,
    /// Connecting: the address is not from this attempt.
    StateMismatch,
    /// The member at the keyboard may not do this.
    Forbidden,
    /// A wrong PIN.
    WrongPin,
    /// Too many wrong PINs; wait.
    PinLocked,
    /// Input refused (empty answer, too long, ...).
    InvalidInput,
    /// Unknown id.
    NotFound,
    /// A stock change to a Full listing, a catalog listing's variation or a closed listing.
    StockReadOnly,
    /// Anything else.
    Internal,
}

impl Error {
    /// The network failed while `context`.
    pub fn offline(context: impl Into<String>, source: Option<Source>) -> Self {
        Self::Offline {
            context: context.into(),
            source,
        }
    }

    /// The keyring failed while `context`.
    pub fn keyring(context: impl Into<String>, source: Option<Source>) -> Self {
        Self::Keyring {
            context: context.into(),
            source,
        }
    }

    /// Something else failed while `context`.
    pub fn internal(context: impl Into<String>, source: Option<Source>) -> Self {
        Self::Internal {
            context: context.into(),
            source,
        }
    }

    /// The stable code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Db(_) | Error::Pool(_) | Error::SchemaTooNew { .. } => ErrorCode::Database,
            Error::Keyring { .. } => ErrorCode::Keyring,
            Error::NoSecretService(_) => ErrorCode::NoSecretService,
            Error::Offline { .. } => ErrorCode::Offline,
            Error::Api { .. } | Error::Malformed { .. } => ErrorCode::MarketplaceRejected,
            Error::RateLimited { .. } => ErrorCode::RateLimited,
            Error::ReconnectRequired { .. } => ErrorCode::ReconnectRequired,
            Error::Authorization { refusal, .. } => match refusal {
                AuthRefusal::InvalidClient => ErrorCode::InvalidClient,
                AuthRefusal::InvalidGrant => ErrorCode::InvalidGrant,
                AuthRefusal::RedirectUriMismatch => ErrorCode::RedirectUriMismatch,
                AuthRefusal::UnauthorizedApplication => ErrorCode::UnauthorizedApplication,
                AuthRefusal::UnauthorizedClient => ErrorCode::UnauthorizedClient,
                AuthRefusal::OperatorUser => ErrorCode::OperatorCannotConnect,
                AuthRefusal::Denied => ErrorCode::AuthorizationDenied,
                AuthRefusal::StateMismatch => ErrorCode::StateMismatch,
            },
            Error::Forbidden { .. } => ErrorCode::Forbidden,
            Error::WrongPin { .. } => ErrorCode::WrongPin,
            Error::PinLocked { .. } => ErrorCode::PinLocked,
            Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::StockReadOnly { .. } => ErrorCode::StockReadOnly,
            Error::Internal { .. } => ErrorCode::Internal,
        }
    }

    /// Whether this error concerns one entry only (Mercado Libre refuses or cannot find it, or
    /// sent it malformed): a sync logs it with the entry's id and goes on with the others.
    pub fn is_about_one_entry(&self) -> bool {
        matches!(
            self,
            Error::Malformed { .. }
                | Error::Api {
                    status: 400..=499,
                    ..
                }
        )
    }

    /// Whether retrying later may succeed: offline, rate limited, a 5xx, or a 409 (Mercado
    /// Libre's optimistic lock on a listing, or a pack locked by another write: the same write
    /// goes through once the other one is over).
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Offline { .. } | Error::RateLimited { .. } => true,
            Error::Api { status, .. } => *status >= 500 || *status == 409,
            _ => false,
        }
    }
}

/// The error the UI receives: a stable code and a human message (never a secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "UiError.ts")]
pub struct UiError {
    /// What kind of failure; the UI branches on this.
    pub code: ErrorCode,
    /// A sentence for the user.
    pub message: String,
}

impl From<Error> for UiError {
    fn from(err: Error) -> Self {
        Self {
            code: err.code(),
            message: err.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_and_keyring_errors_keep_what_failed_underneath() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
        let e = Error::offline("the request failed", Some(Box::new(io)));
        let source = std::error::Error::source(&e).expect("a source");
        assert_eq!(source.to_string(), "reset by peer");
        assert_eq!(
            e.to_string(),
            "cannot reach Mercado Libre: the request failed: reset by peer"
        );
        assert_eq!(e.code(), ErrorCode::Offline);
        let k = Error::keyring("locked", None);
        assert!(std::error::Error::source(&k).is_none());
        assert_eq!(k.code(), ErrorCode::Keyring);
    }
}
