//! `GET /attachments/{id}`: an attachment's bytes, streamed from storage, for people who can
//! see its request (session cookie or bearer token). Any other attachment, another company's
//! included, answers 404 exactly like an unknown ID.
//!
//! The response can never run as part of the portal: `Content-Security-Policy: sandbox`,
//! `X-Content-Type-Options: nosniff`, and the detected type; only images and plain text are
//! shown inline, everything else is offered as a download.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, State};
use axum::response::Response;
use http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
    ETAG, X_CONTENT_TYPE_OPTIONS,
};
use http::{HeaderMap, HeaderValue};

use super::graphql::{Rejection, request_worker};
use super::negotiate::ResponseMedia;
use crate::http::state::AppState;
use crate::ids::{AttachmentId, NodeId};
use crate::requests::attachments;

/// Types a browser may show in the page's place (sandboxed).
const INLINE_TYPES: [&str; 5] = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "text/plain",
];

pub async fn download(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    match find_and_open(&state, &headers, peer, &id).await {
        Ok(response) => response,
        Err(rejection) => rejection.into_response(&state, ResponseMedia::Json),
    }
}

async fn find_and_open(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    raw_id: &str,
) -> Result<Response, Rejection> {
    let deps = state.deps();
    let worker = request_worker(state, headers, peer).await?;
    let id = NodeId::typed::<AttachmentId>(raw_id, "id")
        .map_err(|_| Rejection::from_error(attachments::not_found()))?;
    let download = attachments::download(deps, &worker, id)
        .await
        .map_err(Rejection::from_error)?;
    let row = download.attachment.get();
    let (size, stream) = (download.size, download.bytes);
    let content_type = if row.content_type == "text/plain" {
        "text/plain; charset=utf-8".to_owned()
    } else {
        row.content_type.clone()
    };
    let inline = INLINE_TYPES.contains(&row.content_type.as_str());
    let mut response = Response::new(Body::from_stream(stream));
    let out = response.headers_mut();
    let value = |text: &str| {
        HeaderValue::from_str(text).unwrap_or(HeaderValue::from_static("application/octet-stream"))
    };
    out.insert(CONTENT_TYPE, value(&content_type));
    out.insert(CONTENT_LENGTH, HeaderValue::from(size));
    out.insert(
        CONTENT_DISPOSITION,
        value(&disposition(inline, &row.file_name)),
    );
    out.insert(ETAG, value(&format!("\"{}\"", row.sha256)));
    out.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    out.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
        ),
    );
    out.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}

/// `Content-Disposition` with an ASCII fallback name and the exact UTF-8 one (RFC 6266).
fn disposition(inline: bool, name: &str) -> String {
    let kind = if inline { "inline" } else { "attachment" };
    let fallback: String = name
        .chars()
        .map(|c| match c {
            ' ' => ' ',
            '"' | '\\' | '%' => '_',
            c if c.is_ascii_graphic() => c,
            _ => '_',
        })
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for byte in name.bytes() {
        let plain = byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte);
        if plain {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_offered_in_ascii_and_in_utf_8() {
        assert_eq!(
            disposition(false, "capture écran \"1\".png"),
            "attachment; filename=\"capture _cran _1_.png\"; filename*=UTF-8''capture%20%C3%A9cran%20%221%22.png"
        );
        assert_eq!(
            disposition(true, "log.txt"),
            "inline; filename=\"log.txt\"; filename*=UTF-8''log.txt"
        );
    }
}
