//! The `Upload` scalar of the GraphQL multipart request specification: in a multipart request,
//! the transport stores each file before the operation runs and puts a placeholder where the
//! `map` part says the file goes; resolvers turn placeholders back into stored files.

use async_graphql::{Context, InputValueError, InputValueResult, Scalar, ScalarType, Value};

use super::context::request;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::files::StoredFile;

/// How the transport marks the place of the `n`th file of a request.
pub const PLACEHOLDER_PREFIX: &str = "upload:";

/// A file sent in a GraphQL multipart request (`multipart/form-data` with `operations`, `map`
/// and the files, and the `GraphQL-Require-Preflight` header); in JSON requests there is no
/// way to send one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Upload(usize);

impl Upload {
    /// The placeholder of the file at `index`.
    pub fn placeholder(index: usize) -> String {
        format!("{PLACEHOLDER_PREFIX}{index}")
    }
}

/// A file sent in a GraphQL multipart request (`multipart/form-data` with `operations`, `map`
/// and the files, and the `GraphQL-Require-Preflight` header); JSON requests cannot send one.
#[Scalar(name = "Upload")]
impl ScalarType for Upload {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => text
                .strip_prefix(PLACEHOLDER_PREFIX)
                .and_then(|index| index.parse().ok())
                .map(Upload)
                .ok_or_else(|| {
                    InputValueError::custom("send files in a GraphQL multipart request")
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(Self::placeholder(self.0))
    }
}

/// The stored files of `uploads`; `field` names the argument for errors. Each file of a request
/// can be given once.
pub fn received(ctx: &Context<'_>, uploads: &[Upload], field: &str) -> ApiResult<Vec<StoredFile>> {
    let received = request(ctx)?.uploads();
    uploads
        .iter()
        .enumerate()
        .map(|(position, upload)| {
            received.take(upload.0).ok_or_else(|| {
                ApiError::bad_input(
                    format!("{field}.{position}"),
                    InputReason::Required,
                    "this file was not sent with the request, or is given twice",
                )
            })
        })
        .collect()
}
