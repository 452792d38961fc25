use async_graphql::SimpleObject;

use crate::error::{ApiError, InputReason};

/// A problem with one field of a form, to show next to that field.
#[derive(SimpleObject, Debug, Clone)]
pub struct InputProblem {
    /// The input field, as named in the schema (e.g. `name`).
    pub field: String,
    /// Why the value was refused.
    pub reason: InputReason,
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
                reason,
                message,
            }),
            other => Err(other),
        }
    }
}
