//! Operational endpoints: liveness, readiness and Prometheus metrics.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::header::CONTENT_TYPE;
use http::{HeaderMap, StatusCode};
use sha2::{Digest, Sha256};

use super::graphql::bearer_token;
use crate::config::Profile;
use crate::http::state::AppState;

/// `GET /healthz`: the process is alive.
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: the database answers, every migration is applied, and the server is not
/// shutting down.
pub async fn readyz(State(state): State<AppState>) -> Response {
    if state.is_stopping() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    let db = &state.deps().db;
    if let Err(err) = db.ping().await {
        tracing::warn!(%err, "readiness: database unreachable");
        return (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response();
    }
    match db.pending_migrations().await {
        Ok(0) => (StatusCode::OK, "ready").into_response(),
        Ok(pending) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{pending} migrations pending"),
        )
            .into_response(),
        Err(err) => {
            tracing::warn!(%err, "readiness: cannot read migrations");
            (StatusCode::SERVICE_UNAVAILABLE, "migrations unknown").into_response()
        }
    }
}

/// `GET /metrics`: Prometheus text exposition, for the bearer of `http.metrics_token` (open
/// in development without one, off in production).
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let settings = state.settings();
    let allowed = match &settings.http.metrics_token {
        // Digests are compared, so the time taken says nothing about the token.
        Some(token) => bearer_token(&headers)
            .is_some_and(|given| Sha256::digest(given) == Sha256::digest(token.expose())),
        None => settings.profile != Profile::Production,
    };
    if !allowed {
        return StatusCode::NOT_FOUND.into_response();
    }
    let body = state.metrics().render(&state.deps().db);
    (
        [(
            CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
