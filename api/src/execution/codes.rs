//! The stable codes clients read from `extensions.code`: those of the domain's errors and those
//! of the transport's own refusals (parsing, limits, uploads). Clients translate these; never
//! rename one.

use std::fmt;

use crate::error::ApiError;

/// A stable code sent in `extensions.code`. A new one goes into [`ErrorCode::ALL`] too: the
/// web app's catalogues must have a message for each (`tests/tests/e2e/web.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    BadUserInput,
    NotFound,
    Forbidden,
    Unauthenticated,
    Conflict,
    Timeout,
    InternalServerError,
    GraphqlParseFailed,
    GraphqlValidationFailed,
    BadRequest,
    OperationResolutionFailure,
    QueryTooDeep,
    QueryTooComplex,
    TooManyAliases,
    InvalidCredentials,
    RateLimited,
    TwoFactorRequired,
    TooManyCredentialChecks,
    ServerBusy,
    ActionNotAllowed,
    ReopenWindowOver,
    AttachmentTooLarge,
    PreflightHeaderRequired,
    CursorExpired,
}

impl ErrorCode {
    /// Every code, for clients' catalogues (the web app has a message for each).
    pub const ALL: [ErrorCode; 24] = [
        Self::BadUserInput,
        Self::NotFound,
        Self::Forbidden,
        Self::Unauthenticated,
        Self::Conflict,
        Self::Timeout,
        Self::InternalServerError,
        Self::GraphqlParseFailed,
        Self::GraphqlValidationFailed,
        Self::BadRequest,
        Self::OperationResolutionFailure,
        Self::QueryTooDeep,
        Self::QueryTooComplex,
        Self::TooManyAliases,
        Self::InvalidCredentials,
        Self::RateLimited,
        Self::TwoFactorRequired,
        Self::TooManyCredentialChecks,
        Self::ServerBusy,
        Self::ActionNotAllowed,
        Self::ReopenWindowOver,
        Self::AttachmentTooLarge,
        Self::PreflightHeaderRequired,
        Self::CursorExpired,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::NotFound => "NOT_FOUND",
            Self::Forbidden => "FORBIDDEN",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Conflict => "CONFLICT",
            Self::Timeout => "TIMEOUT",
            Self::InternalServerError => "INTERNAL_SERVER_ERROR",
            Self::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            Self::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            Self::BadRequest => "BAD_REQUEST",
            Self::OperationResolutionFailure => "OPERATION_RESOLUTION_FAILURE",
            Self::QueryTooDeep => "QUERY_TOO_DEEP",
            Self::QueryTooComplex => "QUERY_TOO_COMPLEX",
            Self::TooManyAliases => "TOO_MANY_ALIASES",
            Self::InvalidCredentials => "INVALID_CREDENTIALS",
            Self::RateLimited => "RATE_LIMITED",
            Self::TwoFactorRequired => "TWO_FACTOR_REQUIRED",
            Self::TooManyCredentialChecks => "TOO_MANY_CREDENTIAL_CHECKS",
            Self::ServerBusy => "SERVER_BUSY",
            Self::ActionNotAllowed => "ACTION_NOT_ALLOWED",
            Self::ReopenWindowOver => "REOPEN_WINDOW_OVER",
            Self::AttachmentTooLarge => "ATTACHMENT_TOO_LARGE",
            Self::PreflightHeaderRequired => "PREFLIGHT_HEADER_REQUIRED",
            Self::CursorExpired => "CURSOR_EXPIRED",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stable code clients read for a domain error.
pub fn code_of(error: &ApiError) -> ErrorCode {
    match error {
        ApiError::BadUserInput { .. } => ErrorCode::BadUserInput,
        ApiError::NotFound { .. } => ErrorCode::NotFound,
        ApiError::Forbidden => ErrorCode::Forbidden,
        ApiError::Unauthenticated => ErrorCode::Unauthenticated,
        ApiError::Conflict { .. } => ErrorCode::Conflict,
        ApiError::InvalidCredentials => ErrorCode::InvalidCredentials,
        ApiError::RateLimited => ErrorCode::RateLimited,
        ApiError::TwoFactorRequired => ErrorCode::TwoFactorRequired,
        ApiError::TooManyCredentialChecks => ErrorCode::TooManyCredentialChecks,
        ApiError::ServerBusy => ErrorCode::ServerBusy,
        ApiError::StaleRequest { .. } => ErrorCode::Conflict,
        ApiError::ActionNotAllowed { .. } => ErrorCode::ActionNotAllowed,
        ApiError::ReopenWindowOver { .. } => ErrorCode::ReopenWindowOver,
        ApiError::CursorExpired => ErrorCode::CursorExpired,
        ApiError::Internal(_) => ErrorCode::InternalServerError,
    }
}
