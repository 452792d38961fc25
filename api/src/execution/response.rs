//! Turning an executed (or refused) GraphQL request into what clients may see.
//!
//! Every error leaves with a stable `extensions.code`. Internal errors are logged with an error
//! id and replaced by a generic message carrying that id: no SQL, paths or crate names reach a
//! client.

use std::collections::BTreeMap;

use async_graphql::{ServerError, Value};
use serde::Serialize;

use super::codes::{ErrorCode, code_of};
use crate::error::{ApiError, InputReason};

/// A GraphQL response as sent: `data` is absent for request errors.
#[derive(Debug, Serialize)]
pub struct ResponseBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<&'a Value>,
    #[serde(skip_serializing_if = "<[ServerError]>::is_empty")]
    pub errors: &'a [ServerError],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: &'a BTreeMap<String, Value>,
}

/// The stage a request stopped at, which decides the HTTP status and the presence of `data`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Validated and executed: `data` is present, errors (if any) are field errors.
    Executed,
    /// Refused before execution (validation, variables, limits).
    RequestError,
}

/// Sets `extensions.code` (and `field`, `reason` where known) on each error and hides the
/// detail of unexpected ones. Returns the codes, for metrics.
pub fn finish_errors(errors: &mut [ServerError], outcome: Outcome) -> Vec<ErrorCode> {
    errors
        .iter_mut()
        .map(|error| finish_error(error, outcome))
        .collect()
}

fn finish_error(error: &mut ServerError, outcome: Outcome) -> ErrorCode {
    if let Some(api) = error.source::<ApiError>().cloned() {
        return apply_api_error(error, &api);
    }
    // Integers are checked before execution; any other value async-graphql fails to coerce
    // while running is still the client's input, not a server fault.
    if outcome == Outcome::Executed
        && let Some(reason) = coercion_failure(&error.message)
    {
        set_code(error, ErrorCode::BadUserInput);
        let extensions = error.extensions.get_or_insert_with(Default::default);
        extensions.set("reason", reason.as_str());
        return ErrorCode::BadUserInput;
    }
    let code = match outcome {
        Outcome::RequestError => request_error_code(&error.message),
        // Only our own resolvers raise field errors; anything else is a bug to log.
        Outcome::Executed => return hide_internal(error, &error.message.clone()),
    };
    set_code(error, code);
    code
}

fn apply_api_error(error: &mut ServerError, api: &ApiError) -> ErrorCode {
    if let ApiError::Internal(detail) = api {
        return hide_internal(error, &format!("{detail:#}"));
    }
    let code = code_of(api);
    set_code(error, code);
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if let Some(field) = api.field() {
        extensions.set("field", field);
    }
    match api {
        ApiError::BadUserInput { reason, .. } => extensions.set("reason", reason.as_str()),
        ApiError::StaleRequest { state, version } => {
            extensions.set("state", state.as_str());
            extensions.set("version", *version);
        }
        ApiError::ActionNotAllowed { state, allowed, .. } => {
            extensions.set("state", state.as_str());
            extensions.set(
                "allowedActions",
                async_graphql::Value::List(allowed.iter().map(|a| (*a).into()).collect()),
            );
        }
        ApiError::ReopenWindowOver { closed_at } => {
            extensions.set("closedAt", closed_at.to_rfc3339());
        }
        _ => {}
    }
    code
}

fn hide_internal(error: &mut ServerError, detail: &str) -> ErrorCode {
    let error_id = uuid::Uuid::now_v7().simple().to_string();
    tracing::error!(error_id = %error_id, path = ?error.path, detail, "internal error in a GraphQL request");
    error.message = format!("Internal server error (error id {error_id})");
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", ErrorCode::InternalServerError.as_str());
    extensions.set("errorId", error_id);
    ErrorCode::InternalServerError
}

fn set_code(error: &mut ServerError, code: ErrorCode) {
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code.as_str());
}

/// Why an argument value failed to coerce to its type while the operation ran (validation
/// lets an `Int` literal or variable beyond 32 bits through), if that is what `message` says.
fn coercion_failure(message: &str) -> Option<InputReason> {
    if !(message.starts_with("Failed to parse \"") || message.starts_with("Expected input type \""))
    {
        return None;
    }
    Some(if message.contains("Only integers from") {
        InputReason::OutOfRange
    } else {
        InputReason::InvalidFormat
    })
}

/// The code of an error async-graphql raised while validating a document.
fn request_error_code(message: &str) -> ErrorCode {
    match message {
        "Query is nested too deep." => ErrorCode::QueryTooDeep,
        "Query is too complex." => ErrorCode::QueryTooComplex,
        _ if message.starts_with("The recursion depth of the query") => ErrorCode::QueryTooDeep,
        _ => ErrorCode::GraphqlValidationFailed,
    }
}

/// A request error naming the argument whose value is refused.
pub fn bad_argument(argument: &str, reason: InputReason, message: String) -> ServerError {
    let mut error = request_error(ErrorCode::BadUserInput, message);
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("field", argument);
    extensions.set("reason", reason.as_str());
    error
}

/// A request error raised by the transport itself (parsing, operation choice, limits).
pub fn request_error(code: ErrorCode, message: impl Into<String>) -> ServerError {
    let mut error = ServerError::new(message, None);
    set_code(&mut error, code);
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(error: &ServerError) -> String {
        let json = serde_json::to_value(error).unwrap();
        json["extensions"]["code"].as_str().unwrap().to_owned()
    }

    #[test]
    fn typed_errors_carry_their_code_field_and_reason() {
        let api = ApiError::bad_input(
            "first",
            InputReason::OutOfRange,
            "must be between 1 and 100",
        );
        let mut errors =
            vec![async_graphql::Error::from(api).into_server_error(Default::default())];
        let codes = finish_errors(&mut errors, Outcome::Executed);
        assert_eq!(codes, vec![ErrorCode::BadUserInput]);
        let json = serde_json::to_value(&errors[0]).unwrap();
        assert_eq!(json["message"], "must be between 1 and 100");
        assert_eq!(json["extensions"]["field"], "first");
        assert_eq!(json["extensions"]["reason"], "OUT_OF_RANGE");
    }

    #[test]
    fn internal_errors_are_replaced_by_a_generic_message_with_an_error_id() {
        let db_error =
            sea_orm::DbErr::Custom("relation \"companies\" does not exist at /src/db.rs".into());
        let api = ApiError::from(db_error);
        let mut errors =
            vec![async_graphql::Error::from(api).into_server_error(Default::default())];
        finish_errors(&mut errors, Outcome::Executed);
        let json = serde_json::to_value(&errors[0]).unwrap();
        let message = json["message"].as_str().unwrap();
        assert!(
            message.starts_with("Internal server error (error id "),
            "{message}"
        );
        assert!(!message.contains("companies") && !message.contains(".rs"));
        assert_eq!(json["extensions"]["code"], "INTERNAL_SERVER_ERROR");
        assert!(json["extensions"]["errorId"].as_str().is_some());
    }

    #[test]
    fn untyped_field_errors_are_treated_as_internal() {
        let mut errors = vec![ServerError::new("Data `Foo` does not exist.", None)];
        finish_errors(&mut errors, Outcome::Executed);
        assert_eq!(code_of(&errors[0]), "INTERNAL_SERVER_ERROR");
        assert!(!errors[0].message.contains("Foo"));
    }

    #[test]
    fn validation_errors_get_validation_and_limit_codes() {
        let mut errors = vec![
            ServerError::new("Unknown field \"x\" on type \"Query\".", None),
            ServerError::new("Query is nested too deep.", None),
            ServerError::new("Query is too complex.", None),
        ];
        let codes = finish_errors(&mut errors, Outcome::RequestError);
        assert_eq!(
            codes,
            vec![
                ErrorCode::GraphqlValidationFailed,
                ErrorCode::QueryTooDeep,
                ErrorCode::QueryTooComplex
            ]
        );
        assert_eq!(errors[0].message, "Unknown field \"x\" on type \"Query\".");
    }
}
