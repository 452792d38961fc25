//! Form problems in payloads: a refused input value comes back next to its field instead of as
//! an error, and every one at once.

use async_graphql::SimpleObject;

use super::enums::InputReasonGql;
use crate::error::{ApiError, ApiResult, FormOutcome};

/// A problem with one field of a form, to show next to that field.
#[derive(SimpleObject, Debug, Clone)]
pub struct InputProblem {
    /// The input field, as named in the schema (e.g. `name`).
    pub field: String,
    /// Why the value was refused.
    pub reason: InputReasonGql,
    /// An English explanation; clients translate by `reason`.
    pub message: String,
}

impl InputProblem {
    /// The form problem for a refused input value; other errors are not form problems.
    pub fn from_error(error: ApiError) -> Result<Self, ApiError> {
        match error {
            ApiError::BadUserInput {
                field,
                reason,
                message,
            } => Ok(Self {
                field,
                reason: reason.into(),
                message,
            }),
            other => Err(other),
        }
    }

    /// The form problems of refused input values (any other error is returned as such).
    pub fn from_errors(errors: Vec<ApiError>) -> ApiResult<Vec<Self>> {
        errors.into_iter().map(Self::from_error).collect()
    }
}

/// A payload's result and problems from a form operation's outcome.
pub fn outcome<T, N>(
    outcome: FormOutcome<T>,
    node: impl FnOnce(T) -> N,
) -> ApiResult<(Option<N>, Vec<InputProblem>)> {
    match outcome {
        FormOutcome::Done(value) => Ok((Some(node(value)), Vec::new())),
        FormOutcome::Problems(errors) => Ok((None, InputProblem::from_errors(errors)?)),
    }
}

/// An operation's result, or its refused input value as a form problem; any other error is
/// returned as such.
pub fn or_problem<T>(result: ApiResult<T>) -> ApiResult<(Option<T>, Vec<InputProblem>)> {
    match result {
        Ok(value) => Ok((Some(value), Vec::new())),
        Err(error) => Ok((None, vec![InputProblem::from_error(error)?])),
    }
}

/// Collects every input problem of a form instead of stopping at the first.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<InputProblem>);

impl Problems {
    /// The parsed value, or `None` with its problem kept (other errors are returned).
    pub fn check<T>(&mut self, parsed: ApiResult<T>) -> ApiResult<Option<T>> {
        match parsed {
            Ok(value) => Ok(Some(value)),
            Err(error) => {
                self.0.push(InputProblem::from_error(error)?);
                Ok(None)
            }
        }
    }

    /// Keeps every problem of a check that reports them all at once.
    pub fn check_all<T>(&mut self, parsed: Result<T, Vec<ApiError>>) -> ApiResult<Option<T>> {
        match parsed {
            Ok(value) => Ok(Some(value)),
            Err(errors) => {
                self.0.extend(InputProblem::from_errors(errors)?);
                Ok(None)
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
