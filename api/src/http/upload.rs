//! GraphQL multipart requests (the "GraphQL multipart request specification"): a
//! `multipart/form-data` body with an `operations` part (the JSON request), a `map` part
//! (which file goes to which variable) and then the files.
//!
//! - A plain HTML form can send `multipart/form-data` across sites, so the request must also
//!   carry `GraphQL-Require-Preflight` (or Apollo's `Apollo-Require-Preflight`), a header only
//!   scripts of the portal's own origin can add (CSRF).
//! - Only people who work on requests (customers with a support role, provider staff with a
//!   second factor) may send files; the check comes before any file byte is read.
//! - Each file streams to the attachment storage with its size limit, checksum and detected
//!   type; past the limit the request is refused with `ATTACHMENT_TOO_LARGE` and every file
//!   it carried is deleted.
//! - The operation then runs with placeholders for the files. Files it does not record (a
//!   refused mutation, a query) are deleted when it is over, unless a row names them.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::response::Response;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, StatusCode};
use multer::{Constraints, Multipart, SizeLimit};
use serde_json::Value;

use super::graphql::{Rejection, not_well_formed, params_from_json, request_context, run_in};
use super::negotiate::ResponseMedia;
use crate::execution::ErrorCode;
use crate::execution::executor::GraphqlParams;
use crate::files::{StoredFile, Uploads, WriteError};
use crate::graphql::context::RequestContext;
use crate::graphql::upload::Upload;
use crate::http::state::AppState;

/// Headers that prove the request came from a script, not a plain form.
const PREFLIGHT_HEADERS: [&str; 2] = ["graphql-require-preflight", "apollo-require-preflight"];

/// `POST /graphql` with `multipart/form-data`.
pub(super) async fn post(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    body: Body,
    media: ResponseMedia,
) -> Response {
    let uploads = Arc::new(Uploads::default());
    let context = request_context(state, headers, peer).with_uploads(uploads.clone());
    let received = receive(state, headers, &context, body, &uploads).await;
    let response = match received {
        Ok(params) => run_in(state, context, params, false, media).await,
        Err(rejection) => rejection.into_response(state, media),
    };
    // An operation stopped by the execution timeout may still be committing: its files stay.
    if response.status() != StatusCode::GATEWAY_TIMEOUT {
        delete_unrecorded(state, uploads.keys()).await;
    }
    response
}

/// Deletes the received files that no attachment row names: the operation refused them, failed,
/// replayed an earlier call, or was not a mutation that takes files.
async fn delete_unrecorded(state: &AppState, keys: Vec<String>) {
    let deps = state.deps();
    if let Err(err) = crate::requests::attachments::discard_unrecorded(deps, keys).await {
        tracing::warn!(%err, "cannot tell which uploaded files to delete; kept");
    }
}

/// Reads the parts and stores the files; on any refusal the files already stored stay in
/// `uploads`, for the caller to delete.
async fn receive(
    state: &AppState,
    headers: &HeaderMap,
    context: &RequestContext,
    body: Body,
    uploads: &Uploads,
) -> Result<GraphqlParams, Rejection> {
    let bad =
        |message: &str| Rejection::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message);
    if !PREFLIGHT_HEADERS
        .iter()
        .any(|name| headers.get(*name).is_some_and(|v| !v.is_empty()))
    {
        return Err(Rejection::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::PreflightHeaderRequired,
            "file uploads need the GraphQL-Require-Preflight header",
        ));
    }
    // Only people who work on requests send files, before any file byte is read.
    context
        .actor(state.deps())
        .await
        .and_then(|actor| actor.request_worker())
        .map_err(Rejection::from_error)?;
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| bad("multipart/form-data needs a boundary"))?;
    let settings = state.settings();
    let max_body = settings.graphql.max_body_bytes as u64;
    let max_file = settings.requests.max_attachment_bytes;
    let max_files = settings.requests.max_files_per_upload;
    // Room for the parts' headers. Each file's own limit is checked while it streams, not by
    // multer: past it the rest of the body is still read (and dropped) up to the whole-stream
    // limit, so the client gets the answer instead of a connection closed while it sends.
    let per_file = max_file + 64 * 1024;
    let limits = SizeLimit::new()
        .whole_stream(2 * max_body + max_files as u64 * per_file)
        .for_field("operations", max_body)
        .for_field("map", max_body);
    let mut multipart = Multipart::with_constraints(
        body.into_data_stream(),
        boundary,
        Constraints::new().size_limit(limits),
    );

    let mut operations = read_json_part(&mut multipart, "operations").await?;
    let map = read_json_part(&mut multipart, "map").await?;
    let slots = place_files(&mut operations, map, max_files)?;
    let params = params_from_json(&serde_json::to_vec(&operations).unwrap_or_default())?;

    let mut received = vec![false; slots.len()];
    while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        let Some(&index) = slots.get(&name) else {
            return Err(bad(&format!("the part {name:?} is not named in map")));
        };
        if std::mem::replace(&mut received[index], true) {
            return Err(bad(&format!("the file {name:?} is sent twice")));
        }
        let file_name = field.file_name().unwrap_or_default().to_owned();
        let deps = state.deps();
        let mut writer = deps
            .files
            .create(deps.clock.now(), max_file)
            .await
            .map_err(storage_failed)?;
        let written = loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if let Err(err) = writer.write(chunk).await {
                        break Err(err);
                    }
                }
                Ok(None) => break Ok(()),
                Err(err) => {
                    writer.abort().await;
                    return Err(malformed(err));
                }
            }
        };
        match written {
            Ok(()) => {
                let stored: StoredFile = writer.finish(&file_name).await.map_err(storage_failed)?;
                uploads.put(index, stored);
            }
            Err(WriteError::TooLarge { limit }) => {
                writer.abort().await;
                drop(field);
                drain(&mut multipart).await;
                return Err(Rejection::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorCode::AttachmentTooLarge,
                    format!("{file_name} is larger than the {limit} bytes allowed per file"),
                )
                .with("field", name)
                .with("fileName", file_name)
                .with("maxBytes", limit));
            }
            Err(err @ WriteError::Storage(_)) => {
                writer.abort().await;
                return Err(storage_failed(err));
            }
        }
    }
    if let Some((name, _)) = slots.iter().find(|(_, index)| !received[**index]) {
        return Err(bad(&format!("the file {name:?} named in map was not sent")));
    }
    Ok(params)
}

/// Reads the next part, which must be `name` and hold JSON.
async fn read_json_part(multipart: &mut Multipart<'_>, name: &str) -> Result<Value, Rejection> {
    let field = multipart
        .next_field()
        .await
        .map_err(malformed)?
        .filter(|field| field.name() == Some(name))
        .ok_or_else(|| {
            Rejection::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                format!("the parts must start with operations, then map; {name} is missing"),
            )
        })?;
    let bytes = field.bytes().await.map_err(malformed)?;
    serde_json::from_slice(&bytes).map_err(|err| {
        Rejection::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            format!("{name} is not valid JSON: {err}"),
        )
    })
}

/// Puts a placeholder at every place `map` names and returns each file part's index.
fn place_files(
    operations: &mut Value,
    map: Value,
    max_files: usize,
) -> Result<HashMap<String, usize>, Rejection> {
    let Value::Object(map) = map else {
        return Err(not_well_formed("map must be an object"));
    };
    if map.len() > max_files {
        return Err(Rejection::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BadRequest,
            format!("at most {max_files} files per request"),
        )
        .with("maxFiles", max_files));
    }
    let mut slots = HashMap::with_capacity(map.len());
    for (index, (name, paths)) in map.into_iter().enumerate() {
        let paths = match paths {
            Value::Array(paths) if !paths.is_empty() => paths,
            _ => return Err(not_well_formed(format!("map.{name} must list paths"))),
        };
        for path in paths {
            let Value::String(path) = path else {
                return Err(not_well_formed(format!("map.{name} must list paths")));
            };
            let slot = locate(operations, &path).ok_or_else(|| {
                not_well_formed(format!("{path} is not a null variable of operations"))
            })?;
            *slot = Value::String(Upload::placeholder(index));
        }
        slots.insert(name, index);
    }
    Ok(slots)
}

/// The null value at a dotted path under `variables` (`variables.input.files.0`).
fn locate<'a>(operations: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut segments = path.split('.');
    if segments.next() != Some("variables") {
        return None;
    }
    let mut value = operations.get_mut("variables")?;
    for segment in segments {
        value = match value {
            Value::Object(object) => object.get_mut(segment)?,
            Value::Array(items) => items.get_mut(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    value.is_null().then_some(value)
}

/// Reads what is left of the body so the client, still sending, gets the answer instead of a
/// reset connection. The whole-stream limit bounds it.
async fn drain(multipart: &mut Multipart<'_>) {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}

fn malformed(err: multer::Error) -> Rejection {
    let status = match err {
        multer::Error::FieldSizeExceeded { .. } | multer::Error::StreamSizeExceeded { .. } => {
            StatusCode::PAYLOAD_TOO_LARGE
        }
        _ => StatusCode::BAD_REQUEST,
    };
    Rejection::new(
        status,
        ErrorCode::BadRequest,
        format!("the multipart body is malformed: {err}"),
    )
}

fn storage_failed(err: WriteError) -> Rejection {
    let error_id = uuid::Uuid::now_v7().simple().to_string();
    tracing::error!(%err, error_id, "cannot store an uploaded file");
    Rejection::new(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::InternalServerError,
        format!("the file could not be stored; try again later (error id {error_id})"),
    )
    .with("errorId", error_id)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn map_paths_become_placeholders_only_where_variables_are_null() {
        let mut operations = json!({
            "query": "mutation($input: AddDraftAttachmentsInput!) { addDraftAttachments(input: $input) { request { id } } }",
            "variables": { "input": { "requestId": "rq_1", "files": [null, null] }, "one": null },
        });
        let map = json!({ "a": ["variables.input.files.0"], "b": ["variables.input.files.1", "variables.one"] });
        let slots = place_files(&mut operations, map, 10).unwrap();
        assert_eq!(slots["a"], 0);
        assert_eq!(slots["b"], 1);
        assert_eq!(
            operations["variables"]["input"]["files"],
            json!(["upload:0", "upload:1"])
        );
        assert_eq!(operations["variables"]["one"], json!("upload:1"));

        for bad in [
            json!({ "a": ["variables.input.requestId"] }),
            json!({ "a": ["variables.input.files.7"] }),
            json!({ "a": ["query"] }),
            json!({ "a": [] }),
            json!({ "a": "variables.one" }),
            json!(["variables.one"]),
        ] {
            let mut operations = json!({ "query": "{a}", "variables": { "one": null, "input": { "requestId": "x", "files": [null] } } });
            assert!(
                place_files(&mut operations, bad.clone(), 10).is_err(),
                "{bad}"
            );
        }
        let mut operations = json!({ "query": "{a}", "variables": { "a": null, "b": null } });
        let refused = place_files(
            &mut operations,
            json!({ "0": ["variables.a"], "1": ["variables.b"] }),
            1,
        );
        assert_eq!(
            refused.err().map(|r| r.status),
            Some(StatusCode::PAYLOAD_TOO_LARGE)
        );
    }
}
