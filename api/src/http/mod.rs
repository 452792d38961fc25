//! HTTP routes: `/graphql`, `/graphql/ws`, `/attachments/{id}`, `/export/…`, `/healthz`,
//! `/readyz`, `/metrics`, and the web app for every other path (the set-up and reset links of
//! mails, `/account/setup#token=…`, are its pages).

mod attachments;
pub mod cookies;
mod export;
mod graphiql;
pub mod graphql;
pub mod metrics;
pub mod negotiate;
mod ops;
pub mod state;
mod upload;
mod web;
pub mod ws;

use axum::Router;
use axum::routing::get;
use http::{HeaderName, Request};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::http::state::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The application's routes with request ids and request logging.
pub fn router(state: AppState) -> Router {
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request<_>| {
            let request_id = request
                .headers()
                .get(&REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            tracing::info_span!(
                "request",
                request_id = %request_id,
                method = %request.method(),
                path = %request.uri().path(),
            )
        })
        .on_response(DefaultOnResponse::new().level(Level::INFO));
    Router::new()
        .route(
            "/graphql",
            get(graphql::get)
                .post(graphql::post)
                .layer(axum::middleware::map_response(no_store)),
        )
        .route("/graphql/ws", get(ws::upgrade))
        .route("/attachments/{id}", get(attachments::download))
        .route("/export/requests.csv", get(export::csv))
        .route("/export/requests.xlsx", get(export::xlsx))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .fallback(web::serve)
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(trace)
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(CatchPanicLayer::custom(panic_response)),
        )
}

/// GraphQL answers are personal and current: no cache keeps them.
async fn no_store(mut response: axum::response::Response) -> axum::response::Response {
    response.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    response
}

/// A handler panicked: log it with an error id and answer 500 with only that id.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let error_id = uuid::Uuid::now_v7().simple().to_string();
    tracing::error!(error_id = %error_id, "a request handler panicked");
    let body = serde_json::json!({ "errors": [{
        "message": format!("Internal server error (error id {error_id})"),
        "extensions": { "code": "INTERNAL_SERVER_ERROR", "errorId": error_id },
    }]});
    (
        http::StatusCode::INTERNAL_SERVER_ERROR,
        [(
            http::header::CONTENT_TYPE,
            "application/json; charset=utf-8",
        )],
        body.to_string(),
    )
        .into_response()
}
