//! The errors of the domain, in two kinds.
//!
//! Expected failures are [`ApiError`] variants: what went wrong, with the field and the facts a
//! client needs. The transport gives each one its stable wire code (`execution::codes`).
//! Unexpected ones become [`ApiError::Internal`]: their detail is logged with an error id and
//! clients see only a generic message with that id.

use std::sync::Arc;

/// Why an input value was refused; sent as `extensions.reason` and in form problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputReason {
    /// The value is missing or empty.
    Required,
    /// The value is longer than allowed.
    TooLong,
    /// The value does not have the expected form.
    InvalidFormat,
    /// The value is outside the allowed range.
    OutOfRange,
    /// The value is already used by another object.
    Taken,
    /// The value is shorter than allowed.
    TooShort,
    /// The password is too easy to guess (common, or made of the person's own names).
    TooGuessable,
    /// The link or code has expired, was already used, or never existed.
    InvalidOrExpired,
    /// The password or code given to confirm the change is wrong.
    WrongCredential,
    /// The contact is obsolete: reactivate it first.
    Obsolete,
    /// The caller's side may not change this field.
    NotEditable,
    /// The caller's roles do not allow this value.
    NotAllowed,
}

impl InputReason {
    /// Every reason, for clients' catalogues (the web app has a message for each).
    pub const ALL: [InputReason; 12] = [
        Self::Required,
        Self::TooLong,
        Self::InvalidFormat,
        Self::OutOfRange,
        Self::Taken,
        Self::TooShort,
        Self::TooGuessable,
        Self::InvalidOrExpired,
        Self::WrongCredential,
        Self::Obsolete,
        Self::NotEditable,
        Self::NotAllowed,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Required => "REQUIRED",
            Self::TooLong => "TOO_LONG",
            Self::InvalidFormat => "INVALID_FORMAT",
            Self::OutOfRange => "OUT_OF_RANGE",
            Self::Taken => "TAKEN",
            Self::TooShort => "TOO_SHORT",
            Self::TooGuessable => "TOO_GUESSABLE",
            Self::InvalidOrExpired => "INVALID_OR_EXPIRED",
            Self::WrongCredential => "WRONG_CREDENTIAL",
            Self::Obsolete => "OBSOLETE",
            Self::NotEditable => "NOT_EDITABLE",
            Self::NotAllowed => "NOT_ALLOWED",
        }
    }
}

/// An expected failure, or an unexpected one wrapped for logging.
///
/// `Display` is the message a client may read: it never contains the detail of an internal error.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// Input the user must correct; `field` names the argument or input field.
    #[error("{message}")]
    BadUserInput {
        field: String,
        reason: InputReason,
        message: String,
    },
    /// The object does not exist, or exists where the caller may not see it: both answer alike.
    #[error("{what} not found")]
    NotFound { what: &'static str },
    #[error("you are not allowed to do this")]
    Forbidden,
    #[error("authentication required")]
    Unauthenticated,
    /// The object changed since the caller read it, or a unique value is taken.
    #[error("{message}")]
    Conflict {
        field: Option<String>,
        message: String,
    },
    /// Unknown login, wrong password or code, disabled or throttled account: all alike.
    #[error("the login or the password is incorrect, or the account cannot log in now")]
    InvalidCredentials,
    /// Too many credential checks from this client address; retry later.
    #[error("too many attempts from your address; wait a minute and try again")]
    RateLimited,
    /// The operation needs a session opened with a second factor.
    #[error("this operation needs a session opened with two-factor authentication")]
    TwoFactorRequired,
    /// A request may check credentials once.
    #[error("a request may check credentials only once")]
    TooManyCredentialChecks,
    /// Too much work of this kind is waiting (password hashing); retry in a few seconds.
    #[error("the server is busy; try again in a few seconds")]
    ServerBusy,
    /// A request changed since the caller read it: its current state and version.
    #[error("the request changed since you read it: it is now {state} (version {version})")]
    StaleRequest { state: String, version: i32 },
    /// The lifecycle does not allow this action now: the current state and what is allowed.
    #[error("{action} is not allowed on a request in {state}")]
    ActionNotAllowed {
        action: &'static str,
        state: String,
        allowed: Vec<&'static str>,
    },
    /// A closed request can be reopened only within the company's reopen window.
    #[error("the request was closed on {closed_at}: the reopen window is over")]
    ReopenWindowOver {
        closed_at: chrono::DateTime<chrono::Utc>,
    },
    /// A live subscription's `after` cursor is older than the events kept
    /// (`live.retention_hours`): the client reloads its view and subscribes afresh.
    #[error("the events after this cursor are no longer kept: reload and subscribe again")]
    CursorExpired,
    #[error("internal server error")]
    Internal(Arc<anyhow::Error>),
}

impl ApiError {
    pub fn bad_input(
        field: impl Into<String>,
        reason: InputReason,
        message: impl Into<String>,
    ) -> Self {
        Self::BadUserInput {
            field: field.into(),
            reason,
            message: message.into(),
        }
    }

    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        Self::Internal(Arc::new(err.into()))
    }

    /// The input field the error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::BadUserInput { field, .. } => Some(field),
            Self::Conflict { field, .. } => field.as_deref(),
            _ => None,
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::internal(err)
    }
}

impl From<sea_orm::TransactionError<ApiError>> for ApiError {
    fn from(err: sea_orm::TransactionError<ApiError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(err) => Self::internal(err),
            sea_orm::TransactionError::Transaction(err) => err,
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// What an operation on a form gives: its result, or every problem with the input at once (each
/// a `BAD_USER_INPUT` naming its field), in which case nothing changed.
#[derive(Debug)]
#[must_use]
pub enum FormOutcome<T> {
    Done(T),
    Problems(Vec<ApiError>),
}

impl<T> FormOutcome<T> {
    /// `Done` when `problems` is empty, else the problems.
    pub fn check(problems: Vec<ApiError>, done: impl FnOnce() -> T) -> Self {
        if problems.is_empty() {
            Self::Done(done())
        } else {
            Self::Problems(problems)
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> FormOutcome<U> {
        match self {
            Self::Done(value) => FormOutcome::Done(f(value)),
            Self::Problems(problems) => FormOutcome::Problems(problems),
        }
    }
}
