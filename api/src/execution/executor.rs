//! The steps every transport shares, gathered in the [`Executor`]: turning request parameters
//! into a checked `async_graphql::Request`, running it, and classifying the response.

use async_graphql::parser::parse_query;
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{Request, Response, ServerError, Variables};
use futures_util::stream::BoxStream;

use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

use super::cache::DocumentCache;
use super::codes::ErrorCode;
use super::document::{
    Limits, check_arguments, check_limits, check_subscription_root, check_variables,
    select_operation,
};
use super::response::{Outcome, bad_argument, finish_errors, request_error};
use crate::auth::address_limit::AddressLimiter;
use crate::config::Settings;
use crate::deps::Deps;
use crate::graphql::loaders::{Passes, counted};
use crate::graphql::{PortalSchema, RequestContext, build_schema};
use crate::live::RenderKey;

/// Parsed documents kept by the engine.
const CACHED_DOCUMENTS: usize = 256;

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
    /// A subscription's document, operation and variables (see `graphql::shared`).
    pub render_key: Option<RenderKey>,
    /// For a subscription: its parameters, to render its updates again without keeping its
    /// execution (see `graphql::direct`).
    pub rerun: Option<GraphqlParams>,
    /// The query text and requested operation, to remember a successful validation.
    key: (String, Option<String>),
    /// Whether the operation declares no variables (so its validation can be remembered).
    variable_free: bool,
    /// Whether this document and operation already passed validation.
    known_valid: bool,
    /// The polls of the execution, which start batched loads.
    passes: Arc<Passes>,
}

/// Why a request was refused before validation.
#[derive(Debug)]
pub struct Refused {
    pub code: ErrorCode,
    pub error: Box<ServerError>,
}

/// Runs GraphQL requests for every transport.
pub struct Executor {
    schema: PortalSchema,
    /// The same schema without re-validation, for documents known to be valid.
    known_valid_schema: PortalSchema,
    documents: DocumentCache,
    limits: Limits,
    /// Two hashes with keys of this process: a subscription's [`RenderKey`].
    render_hashers: [RandomState; 2],
}

impl Executor {
    pub fn new(deps: Deps, limiter: Arc<AddressLimiter>, settings: &Settings) -> Self {
        Self {
            schema: build_schema(
                deps.clone(),
                Arc::clone(&limiter),
                settings,
                async_graphql::ValidationMode::Strict,
            ),
            known_valid_schema: build_schema(
                deps,
                limiter,
                settings,
                async_graphql::ValidationMode::Fast,
            ),
            documents: DocumentCache::new(CACHED_DOCUMENTS),
            render_hashers: [RandomState::new(), RandomState::new()],
            limits: Limits {
                max_aliases: settings.graphql.max_aliases,
                max_depth: settings.graphql.max_depth,
            },
        }
    }

    fn parse(&self, params: &GraphqlParams) -> Result<(ExecutableDocument, bool), Refused> {
        if let Some(hit) = self
            .documents
            .get(&params.query, params.operation_name.as_deref())
        {
            return Ok(hit);
        }
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
        self.documents.insert(&params.query, &document);
        Ok((document, false))
    }

    /// Parses the document, chooses the operation and checks the limits and variables.
    pub fn prepare(
        &self,
        params: GraphqlParams,
        mut context: RequestContext,
    ) -> Result<Prepared, Refused> {
        let (document, known_valid) = self.parse(&params)?;
        let refuse = |refusal: super::document::Refusal| Refused {
            code: refusal.code,
            error: Box::new(request_error(refusal.code, refusal.message)),
        };
        let op = select_operation(&document, params.operation_name.as_deref()).map_err(refuse)?;
        check_limits(&document, op, self.limits).map_err(refuse)?;
        let operation_name = params
            .operation_name
            .clone()
            .or_else(|| single_operation_name(&document));
        check_subscription_root(&document, op, operation_name.as_deref()).map_err(refuse)?;
        check_variables(op, params.variables.as_ref()).map_err(refuse)?;
        check_arguments(&document, op, params.variables.as_ref()).map_err(|out| Refused {
            code: ErrorCode::BadUserInput,
            error: Box::new(bad_argument(&out.argument, out.reason, out.message)),
        })?;
        let operation_type = op.node.ty;
        let variable_free = op.node.variable_definitions.is_empty();
        let render_key =
            (operation_type == OperationType::Subscription).then(|| self.render_key(&params));
        if let Some(key) = render_key {
            context.set_render_key(key);
        }
        let rerun = render_key.is_some().then(|| params.clone());
        let variables = params
            .variables
            .map(Variables::from_json)
            .unwrap_or_default();
        let passes = context.passes();
        let mut request = Request::new(params.query.clone())
            .variables(variables)
            .data(context);
        if let Some(name) = &params.operation_name {
            request = request.operation_name(name.clone());
        }
        request.set_parsed_query(document);
        Ok(Prepared {
            request,
            operation_type,
            operation_name,
            render_key,
            rerun,
            key: (params.query, params.operation_name),
            passes,
            variable_free,
            known_valid,
        })
    }

    /// Names a subscription's document, operation and variables: updates rendered for one are
    /// shared with every subscription of the same key (see `graphql::shared`). 128 bits keyed
    /// with this process's secrets: no client can make another document collide with its own.
    fn render_key(&self, params: &GraphqlParams) -> RenderKey {
        let variables = params
            .variables
            .as_ref()
            .map(serde_json::Value::to_string)
            .unwrap_or_default();
        let parts = (&params.query, &params.operation_name, &variables);
        RenderKey(self.render_hashers.each_ref().map(|h| h.hash_one(parts)))
    }

    /// Runs a query or mutation; classifies the response and finishes its errors.
    pub async fn execute(&self, prepared: Prepared) -> (Response, Outcome, Vec<ErrorCode>) {
        let schema = if prepared.known_valid && prepared.variable_free {
            &self.known_valid_schema
        } else {
            &self.schema
        };
        let mut response = counted(prepared.passes, schema.execute(prepared.request)).await;
        let (outcome, codes) = finish(&mut response);
        if outcome == Outcome::Executed && prepared.variable_free && !prepared.known_valid {
            let (query, operation) = &prepared.key;
            self.documents.mark_validated(query, operation.as_deref());
        }
        (response, outcome, codes)
    }

    /// Runs any operation as a stream of responses (one for queries and mutations).
    pub fn execute_stream(&self, prepared: Prepared) -> BoxStream<'static, Response> {
        Box::pin(counted(
            prepared.passes,
            self.schema.execute_stream(prepared.request),
        ))
    }

    /// Runs again a subscription that already started (and so passed validation) to render
    /// one update (see `graphql::direct`).
    pub fn render_stream(&self, prepared: Prepared) -> BoxStream<'static, Response> {
        Box::pin(counted(
            prepared.passes,
            self.known_valid_schema.execute_stream(prepared.request),
        ))
    }
}

fn single_operation_name(document: &ExecutableDocument) -> Option<String> {
    match &document.operations {
        async_graphql::parser::types::DocumentOperations::Multiple(ops) if ops.len() == 1 => {
            ops.keys().next().map(ToString::to_string)
        }
        _ => None,
    }
}

/// Classifies a response and finishes its errors (codes, hidden internals).
///
/// async-graphql answers a request it refused (validation, variables) with `data: null` and
/// errors that have no path; once execution starts, every error belongs to a field and has a
/// path, and `data` is present (null only when a non-null root field failed, with a path).
pub fn finish(response: &mut Response) -> (Outcome, Vec<ErrorCode>) {
    let refused = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty());
    let outcome = if refused {
        Outcome::RequestError
    } else {
        Outcome::Executed
    };
    let codes = finish_errors(&mut response.errors, outcome);
    (outcome, codes)
}

#[cfg(test)]
mod tests {
    use async_graphql::{PathSegment, ServerError, Value};

    use super::*;

    #[test]
    fn pathless_errors_without_data_are_request_errors_and_field_errors_are_not() {
        let mut refused = Response::from_errors(vec![ServerError::new("Unknown field", None)]);
        assert_eq!(finish(&mut refused).0, Outcome::RequestError);

        let mut field_error = ServerError::new("boom", None);
        field_error.path = vec![PathSegment::Field("node".into())];
        let mut root_null = Response::from_errors(vec![field_error]);
        assert_eq!(finish(&mut root_null).0, Outcome::Executed);

        let mut ok = Response::new(Value::from_json(serde_json::json!({ "a": 1 })).unwrap());
        assert_eq!(finish(&mut ok).0, Outcome::Executed);
    }
}
