//! The steps every transport shares: turning request parameters into a checked
//! `async_graphql::Request`, and classifying the response.

use std::sync::Arc;

use async_graphql::parser::parse_query;
use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Response, ServerError, Variables};

use super::context::RequestContext;
use super::document::{check_limits, check_variables, operation_type, select_operation};
use super::response::{Outcome, finish_errors, request_error};
use crate::error::ErrorCode;

/// The parameters of a GraphQL request, as every transport receives them.
#[derive(Debug, Clone, Default)]
pub struct GraphqlParams {
    pub query: String,
    pub operation_name: Option<String>,
    /// A JSON object, or `None`.
    pub variables: Option<serde_json::Value>,
}

/// A request ready to execute.
pub struct Prepared {
    pub request: Request,
    pub operation_type: OperationType,
    pub operation_name: Option<String>,
    pub context: Arc<RequestContext>,
}

/// Why a request was refused before validation.
#[derive(Debug)]
pub struct Refused {
    pub code: ErrorCode,
    pub error: Box<ServerError>,
}

/// Parses the document, chooses the operation and checks the transport's limits.
pub fn prepare(
    params: GraphqlParams,
    context: Arc<RequestContext>,
    max_aliases: usize,
) -> Result<Prepared, Refused> {
    let document = parse_query(&params.query).map_err(|err| {
        let mut error = ServerError::from(err);
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", ErrorCode::GraphqlParseFailed.as_str());
        Refused {
            code: ErrorCode::GraphqlParseFailed,
            error: Box::new(error),
        }
    })?;
    let refuse = |refusal: super::document::Refusal| Refused {
        code: refusal.code,
        error: Box::new(request_error(refusal.code, refusal.message)),
    };
    let op = select_operation(&document, params.operation_name.as_deref()).map_err(refuse)?;
    check_limits(&document, op, max_aliases).map_err(refuse)?;
    check_variables(op, params.variables.as_ref()).map_err(refuse)?;
    let operation_type = operation_type(op);
    let operation_name = params
        .operation_name
        .clone()
        .or_else(|| single_operation_name(&document));
    let variables = params
        .variables
        .map(Variables::from_json)
        .unwrap_or_default();
    let mut request = Request::new(params.query)
        .variables(variables)
        .data(Arc::clone(&context));
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    request.set_parsed_query(document);
    Ok(Prepared {
        request,
        operation_type,
        operation_name,
        context,
    })
}

fn single_operation_name(
    document: &async_graphql::parser::types::ExecutableDocument,
) -> Option<String> {
    match &document.operations {
        async_graphql::parser::types::DocumentOperations::Multiple(ops) if ops.len() == 1 => {
            ops.keys().next().map(ToString::to_string)
        }
        _ => None,
    }
}

/// Classifies a response and finishes its errors (codes, hidden internals).
pub fn finish(response: &mut Response, context: &RequestContext) -> (Outcome, Vec<ErrorCode>) {
    let outcome = if context.was_validated() {
        Outcome::Executed
    } else {
        Outcome::RequestError
    };
    let codes = finish_errors(&mut response.errors, outcome);
    (outcome, codes)
}
