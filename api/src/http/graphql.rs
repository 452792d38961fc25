//! `POST /graphql` and `GET /graphql`, following the GraphQL-over-HTTP specification (the text
//! of 2026-08): media types negotiated from `Accept`, 400 for unparsable JSON or documents,
//! 422 for requests that are not well formed, fail validation or variable coercion, or name no
//! runnable operation, 405 for mutations over GET, 294 for partial success under
//! `application/graphql-response+json`, and no `data` entry whenever execution did not start.

use std::time::{Duration, Instant};

use async_graphql::ServerError;
use async_graphql::parser::types::OperationType;
use axum::body::Body;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::header::{ALLOW, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, StatusCode, Uri};

use super::cookies;
use super::graphiql;
use super::negotiate::{
    ContentTypeError, ResponseMedia, check_json_content_type, negotiate, wants_html,
};
use crate::auth::login::Client;
use crate::config::Settings;
use crate::execution::codes::{ErrorCode, code_of};
use crate::execution::executor::GraphqlParams;
use crate::execution::response::{Outcome, ResponseBody, request_error};
use crate::graphql::RequestContext;
use crate::graphql::context::TokenSource;
use crate::http::state::AppState;

/// The "294 Partial Success" status recommended by the specification.
const PARTIAL_SUCCESS: u16 = 294;

/// A request refused before reaching GraphQL, answered with a GraphQL-shaped error body.
#[derive(Debug)]
pub(super) struct Rejection {
    pub(super) status: StatusCode,
    code: ErrorCode,
    message: String,
    allow: Option<&'static str>,
    /// More `extensions` entries besides the code.
    extensions: Vec<(&'static str, async_graphql::Value)>,
}

impl Rejection {
    pub(super) fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            allow: None,
            extensions: Vec::new(),
        }
    }

    /// The answer to a service error, with the HTTP status its code calls for; internal
    /// errors are logged with an error id that alone is answered.
    pub(super) fn from_error(err: crate::error::ApiError) -> Self {
        let status = match code_of(&err) {
            ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden | ErrorCode::TwoFactorRequired => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::BadUserInput => StatusCode::BAD_REQUEST,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if let crate::error::ApiError::Internal(inner) = &err {
            let error_id = uuid::Uuid::now_v7().simple().to_string();
            tracing::error!(error = %inner, error_id, "an HTTP request failed");
            return Self::new(
                status,
                ErrorCode::InternalServerError,
                format!("Internal server error (error id {error_id})"),
            )
            .with("errorId", error_id);
        }
        Self::new(status, code_of(&err), err.to_string())
    }

    /// Adds an `extensions` entry.
    pub(super) fn with(
        mut self,
        key: &'static str,
        value: impl Into<async_graphql::Value>,
    ) -> Self {
        self.extensions.push((key, value.into()));
        self
    }

    pub(super) fn into_response(self, state: &AppState, media: ResponseMedia) -> Response {
        state.metrics().observe_error(self.code);
        let mut error = request_error(self.code, self.message);
        let extensions = error.extensions.get_or_insert_with(Default::default);
        for (key, value) in self.extensions {
            extensions.set(key, value);
        }
        let errors = [error];
        let mut response = encode(self.status, media, None, &errors);
        if let Some(allow) = self.allow {
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static(allow));
        }
        response
    }
}

/// `POST /graphql`.
pub async fn post(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable(&state);
    };
    if is_multipart(&headers) {
        return super::upload::post(&state, &headers, peer, body, media).await;
    }
    match read_post(&state, &headers, body).await {
        Ok(params) => run(&state, &headers, peer, params, false, media).await,
        Err(rejection) => rejection.into_response(&state, media),
    }
}

/// `GET /graphql`: queries only; a browser without a query gets GraphiQL in development.
pub async fn get(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let raw_query = uri.query().unwrap_or_default();
    if state.settings().graphiql_enabled() && wants_html(&headers) && !has_query_param(raw_query) {
        return graphiql::page(&headers).await;
    }
    let Some(media) = negotiate(&headers) else {
        return not_acceptable(&state);
    };
    if raw_query.len() > state.settings().graphql.max_body_bytes {
        let rejection = Rejection::new(
            StatusCode::URI_TOO_LONG,
            ErrorCode::BadRequest,
            "The URL is too long: use POST",
        );
        return rejection.into_response(&state, media);
    }
    match params_from_query_string(raw_query) {
        Ok(params) => run(&state, &headers, peer, params, true, media).await,
        Err(rejection) => rejection.into_response(&state, media),
    }
}

fn not_acceptable(state: &AppState) -> Response {
    state.metrics().observe_error(ErrorCode::BadRequest);
    let body = r#"{"errors":[{"message":"Accept must allow application/graphql-response+json or application/json","extensions":{"code":"BAD_REQUEST"}}]}"#;
    (
        StatusCode::NOT_ACCEPTABLE,
        [(CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

fn has_query_param(raw_query: &str) -> bool {
    serde_urlencoded::from_str::<Vec<(String, String)>>(raw_query)
        .is_ok_and(|pairs| pairs.iter().any(|(key, _)| key == "query"))
}

async fn read_post(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<GraphqlParams, Rejection> {
    match check_json_content_type(headers) {
        Ok(()) => {}
        Err(ContentTypeError::Missing) => {
            return Err(Rejection::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::BadRequest,
                "Content-Type is required: use application/json",
            ));
        }
        Err(ContentTypeError::Unsupported) => {
            return Err(Rejection::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::BadRequest,
                "Unsupported Content-Type: use application/json (UTF-8)",
            ));
        }
    }
    let limit = state.settings().graphql.max_body_bytes;
    let too_large = || {
        Rejection::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BadRequest,
            format!("The request body exceeds {limit} bytes"),
        )
    };
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large());
    }
    let bytes: Bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large())?;
    params_from_json(&bytes)
}

pub(super) fn not_well_formed(message: impl Into<String>) -> Rejection {
    Rejection::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::BadRequest,
        message,
    )
}

/// Reads the JSON encoding of a GraphQL-over-HTTP request.
pub(super) fn params_from_json(bytes: &[u8]) -> Result<GraphqlParams, Rejection> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|err| {
        Rejection::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            format!("The body is not valid JSON: {err}"),
        )
    })?;
    let mut object = match value {
        serde_json::Value::Object(object) => object,
        serde_json::Value::Array(_) => {
            return Err(not_well_formed("Batched requests are not supported"));
        }
        _ => return Err(not_well_formed("The body must be a JSON object")),
    };
    let query = match object.remove("query") {
        Some(serde_json::Value::String(query)) => query,
        Some(_) => return Err(not_well_formed("query must be a string")),
        None => return Err(not_well_formed("query is required")),
    };
    let operation_name = match object.remove("operationName") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(name)) => Some(name),
        Some(_) => return Err(not_well_formed("operationName must be a string")),
    };
    let variables = optional_map(object.remove("variables"), "variables")?;
    optional_map(object.remove("extensions"), "extensions")?;
    Ok(GraphqlParams {
        query,
        operation_name,
        variables,
    })
}

fn optional_map(
    value: Option<serde_json::Value>,
    name: &str,
) -> Result<Option<serde_json::Value>, Rejection> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(map @ serde_json::Value::Object(_)) => Ok(Some(map)),
        Some(_) => Err(not_well_formed(format!("{name} must be an object"))),
    }
}

/// Reads the URL-encoded form of a GraphQL-over-HTTP request (GET).
fn params_from_query_string(raw: &str) -> Result<GraphqlParams, Rejection> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).map_err(|_| {
        Rejection::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            "The query string is malformed",
        )
    })?;
    let mut params = GraphqlParams::default();
    let mut seen_query = false;
    for (key, value) in pairs {
        match key.as_str() {
            "query" if seen_query => return Err(not_well_formed("query is given twice")),
            "query" => {
                seen_query = true;
                params.query = value;
            }
            "operationName" => params.operation_name = Some(value).filter(|v| !v.is_empty()),
            "variables" | "extensions" if value.is_empty() => {}
            "variables" | "extensions" => {
                let parsed: serde_json::Value = serde_json::from_str(&value).map_err(|_| {
                    Rejection::new(
                        StatusCode::BAD_REQUEST,
                        ErrorCode::BadRequest,
                        format!("{key} is not valid JSON"),
                    )
                })?;
                let map = optional_map(Some(parsed), &key)?;
                if key == "variables" {
                    params.variables = map;
                }
            }
            _ => {}
        }
    }
    if !seen_query {
        return Err(not_well_formed("query is required"));
    }
    Ok(params)
}

/// The bearer token of the request, if any. It is only ever hashed, never logged.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|token| !token.is_empty())
}

/// The session token of a request: the bearer token, or else the session cookie.
pub(crate) fn session_token(
    headers: &HeaderMap,
    settings: &Settings,
) -> Option<(String, TokenSource)> {
    bearer_token(headers)
        .map(|token| (token, TokenSource::Bearer))
        .or_else(|| cookies::read(headers, settings).map(|token| (token, TokenSource::Cookie)))
}

/// The client's address: the socket's peer, or, when that peer is a trusted proxy, the last
/// address of `X-Forwarded-For` that is not a trusted proxy.
pub(crate) fn client_addr(settings: &Settings, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    let trusted = &settings.auth.trusted_proxies;
    if !trusted.contains(&peer.ip()) {
        return peer.ip();
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|part| part.trim().parse().ok())
        .collect();
    forwarded
        .into_iter()
        .rev()
        .find(|addr| !trusted.contains(addr))
        .unwrap_or(peer.ip())
}

/// The GraphQL context of an HTTP request: its session token and client address.
pub(super) fn request_context(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
) -> RequestContext {
    let settings = state.settings();
    let client = Client::new(
        Some(client_addr(settings, peer, headers)),
        user_agent(headers),
    );
    RequestContext::with_client(session_token(headers, settings), client)
}

/// The person working on requests behind a plain HTTP request (downloads, exports): their
/// session, or the error a GraphQL request would get.
pub(super) async fn request_worker(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
) -> Result<crate::auth::RequestWorker, Rejection> {
    request_context(state, headers, peer)
        .actor(state.deps())
        .await
        .and_then(|actor| actor.request_worker())
        .map_err(Rejection::from_error)
}

/// The `User-Agent` header, when it is text.
pub(super) fn user_agent(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
}

async fn run(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    params: GraphqlParams,
    is_get: bool,
    media: ResponseMedia,
) -> Response {
    let context = request_context(state, headers, peer);
    run_in(state, context, params, is_get, media).await
}

/// Runs a request in `context` and encodes its response.
pub(super) async fn run_in(
    state: &AppState,
    context: RequestContext,
    params: GraphqlParams,
    is_get: bool,
    media: ResponseMedia,
) -> Response {
    let started = Instant::now();
    let prepared = match state.executor().prepare(params, context) {
        Ok(prepared) => prepared,
        Err(refused) => {
            let status = match refused.code {
                ErrorCode::GraphqlParseFailed => StatusCode::BAD_REQUEST,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            state
                .metrics()
                .observe_operation(None, "http", started.elapsed(), &[refused.code]);
            return encode(status, media, None, &[*refused.error]);
        }
    };
    match prepared.operation_type {
        OperationType::Mutation if is_get => {
            let mut rejection = Rejection::new(
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::BadRequest,
                "Mutations cannot be sent with GET: use POST",
            );
            rejection.allow = Some("POST");
            return rejection.into_response(state, media);
        }
        OperationType::Subscription => {
            let rejection =
                not_well_formed("Subscriptions are served over WebSocket at /graphql/ws");
            return rejection.into_response(state, media);
        }
        _ => {}
    }
    let timeout = Duration::from_millis(state.settings().graphql.execution_timeout_ms);
    let operation_name = prepared.operation_name.clone();
    let executed = tokio::time::timeout(timeout, state.executor().execute(prepared)).await;
    let Ok((response, outcome, codes)) = executed else {
        let metrics = state.metrics();
        metrics.observe_operation(
            operation_name.as_deref(),
            "http",
            started.elapsed(),
            &[ErrorCode::Timeout],
        );
        let errors = [request_error(
            ErrorCode::Timeout,
            "The request took too long and was stopped",
        )];
        return encode(StatusCode::GATEWAY_TIMEOUT, media, None, &errors);
    };
    state
        .metrics()
        .observe_operation(operation_name.as_deref(), "http", started.elapsed(), &codes);
    let (status, data) = match outcome {
        Outcome::RequestError => (StatusCode::UNPROCESSABLE_ENTITY, None),
        Outcome::Executed if response.errors.is_empty() || media == ResponseMedia::Json => {
            (StatusCode::OK, Some(&response.data))
        }
        Outcome::Executed => (
            StatusCode::from_u16(PARTIAL_SUCCESS).unwrap_or(StatusCode::OK),
            Some(&response.data),
        ),
    };
    let body = ResponseBody {
        data,
        errors: &response.errors,
        extensions: &response.extensions,
    };
    let mut http_response = respond(status, media, &body);
    // Set-Cookie from login and logout.
    for (name, value) in &response.http_headers {
        http_response.headers_mut().append(name, value.clone());
    }
    http_response
}

/// Whether the body is `multipart/form-data` (a GraphQL multipart request with files).
fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("multipart/form-data"))
}

fn encode(
    status: StatusCode,
    media: ResponseMedia,
    data: Option<&async_graphql::Value>,
    errors: &[ServerError],
) -> Response {
    let extensions = Default::default();
    respond(
        status,
        media,
        &ResponseBody {
            data,
            errors,
            extensions: &extensions,
        },
    )
}

fn respond(status: StatusCode, media: ResponseMedia, body: &ResponseBody<'_>) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => {
            let content_type = media.content_type(status.is_success());
            (status, [(CONTENT_TYPE, content_type)], bytes).into_response()
        }
        Err(err) => {
            tracing::error!(%err, "cannot serialise a GraphQL response");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_bodies_must_be_well_formed_requests() {
        let status = |body: &str| {
            params_from_json(body.as_bytes())
                .err()
                .map(|r| r.status.as_u16())
        };
        assert_eq!(status(r#"{"query":"{a}"}"#), None);
        assert_eq!(
            status(r#"{"query":"{a}","variables":null,"operationName":null,"extensions":null}"#),
            None
        );
        assert_eq!(status(r#"{"query":"{a}","unknown":1}"#), None);
        assert_eq!(status("{ \"not json"), Some(400));
        assert_eq!(status(""), Some(400));
        for bad in [
            r#"{"qeury":"{a}"}"#,
            r#"{"query":1}"#,
            r#"{"query":"{a}","variables":[7]}"#,
            r#"{"query":"{a}","variables":"x"}"#,
            r#"{"query":"{a}","operationName":false}"#,
            r#"{"query":"{a}","extensions":0}"#,
            r#"[{"query":"{a}"}]"#,
            r#""{a}""#,
        ] {
            assert_eq!(status(bad), Some(422), "{bad}");
        }
    }

    #[test]
    fn query_strings_decode_json_parameters_and_treat_empty_as_absent() {
        let params =
            params_from_query_string("query=%7Ba%7D&variables=%7B%22x%22%3A1%7D&operationName=")
                .unwrap();
        assert_eq!(params.query, "{a}");
        assert_eq!(params.variables, Some(serde_json::json!({"x": 1})));
        assert_eq!(params.operation_name, None);
        assert!(params_from_query_string("variables=%7B%7D").is_err());
        assert_eq!(
            params_from_query_string("query=x&variables=%5B%5D")
                .err()
                .map(|r| r.status.as_u16()),
            Some(422)
        );
        assert_eq!(
            params_from_query_string("query=x&variables=nope")
                .err()
                .map(|r| r.status.as_u16()),
            Some(400)
        );
    }

    #[test]
    fn the_client_address_comes_from_forwarded_headers_only_behind_a_trusted_proxy() {
        let mut settings = Settings::default();
        let peer: SocketAddr = "10.0.0.2:4000".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("198.51.100.7, 203.0.113.9"),
        );
        assert_eq!(client_addr(&settings, peer, &headers), peer.ip());
        settings.auth.trusted_proxies = vec![peer.ip()];
        let expected: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(client_addr(&settings, peer, &headers), expected);
        settings.auth.trusted_proxies.push(expected);
        let spoofable: IpAddr = "198.51.100.7".parse().unwrap();
        assert_eq!(client_addr(&settings, peer, &headers), spoofable);
    }

    #[test]
    fn bearer_tokens_are_read_from_the_authorization_header_only() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer_token(&headers), None);
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        assert_eq!(bearer_token(&headers).as_deref(), Some("abc"));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&headers), None);
    }
}
