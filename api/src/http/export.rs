//! `GET /export/requests.csv` and `GET /export/requests.xlsx`: every row of a saved view
//! (`?view=vw_…`, the caller's own) or of a queue (`?queue=ACTIVE&scope=TEAM`), its columns in
//! its order, for the session's person (cookie or bearer token) and with exactly the
//! visibility of the list. CSV streams page by page; the workbook is built with bounded memory
//! and then sent.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, Query, State};
use axum::response::Response;
use futures_util::StreamExt;
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use http::{HeaderMap, HeaderValue};
use serde::Deserialize;

use super::graphql::{Rejection, request_worker};
use super::negotiate::ResponseMedia;
use crate::auth::RequestWorker;
use crate::error::ApiError;
use crate::http::state::AppState;
use crate::views::{self, ExportPlan};

/// What to export.
#[derive(Debug, Default, Deserialize)]
pub struct ExportParams {
    /// A saved view's ID.
    view: Option<String>,
    /// A queue code (without a view).
    queue: Option<String>,
    /// `PERSONAL` or `TEAM` (without a view).
    scope: Option<String>,
}

async fn plan(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    params: &ExportParams,
) -> Result<(RequestWorker, ExportPlan), Rejection> {
    let deps = state.deps();
    let worker = request_worker(state, headers, peer).await?;
    let plan = views::export_plan(
        deps,
        &worker,
        params.view.as_deref(),
        params.queue.as_deref(),
        params.scope.as_deref(),
    )
    .await
    .map_err(Rejection::from_error)?;
    Ok((worker, plan))
}

fn headers(response: &mut Response, content_type: &'static str, file_name: &'static str) {
    let out = response.headers_mut();
    out.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    out.insert(CONTENT_DISPOSITION, HeaderValue::from_static(file_name));
    out.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    out.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
}

pub async fn csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request_headers: HeaderMap,
    Query(params): Query<ExportParams>,
) -> Response {
    let (worker, plan) = match plan(&state, &request_headers, peer, &params).await {
        Ok(found) => found,
        Err(rejection) => return rejection.into_response(&state, ResponseMedia::Json),
    };
    let rows = views::export_csv(state.deps().clone(), worker, plan).map(|chunk| {
        chunk.map_err(|err: ApiError| {
            // Headers are gone by now: the download stops short, and the log says why.
            tracing::error!(%err, "export stopped");
            std::io::Error::other("export stopped")
        })
    });
    let mut response = Response::new(Body::from_stream(rows));
    headers(
        &mut response,
        "text/csv; charset=utf-8",
        "attachment; filename=\"requests.csv\"",
    );
    response
}

pub async fn xlsx(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request_headers: HeaderMap,
    Query(params): Query<ExportParams>,
) -> Response {
    let built = match plan(&state, &request_headers, peer, &params).await {
        Ok((worker, plan)) => views::export_xlsx(state.deps(), &worker, &plan)
            .await
            .map_err(Rejection::from_error),
        Err(rejection) => Err(rejection),
    };
    match built {
        Ok(bytes) => {
            let mut response = Response::new(Body::from(bytes));
            headers(
                &mut response,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "attachment; filename=\"requests.xlsx\"",
            );
            response
        }
        Err(rejection) => rejection.into_response(&state, ResponseMedia::Json),
    }
}
