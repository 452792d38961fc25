//! The web app (`web/`, built by Vite into `web/dist`): its files by path, and `index.html` for
//! every other page path, so that a deep link (`/requests/SR-2026-000123`) opens the app, which
//! then routes it. Release builds embed the files in the binary; debug builds read them from
//! `web/dist` on each request, so a rebuilt app shows without rebuilding the server.
//!
//! Vite names what it bundles by content (`/assets/index-3f2a….js`): those files are cached for
//! a year. Everything else, `index.html` first, is revalidated on every use by its SHA-256 ETag,
//! so a new release is picked up at once. Text files go gzipped to clients that accept it,
//! compressed once per process and kept (the whole app is about 1.5 MB, 0.5 MB gzipped).

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Mutex, OnceLock};

use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG,
    IF_NONE_MATCH, REFERRER_POLICY, VARY, X_CONTENT_TYPE_OPTIONS,
};
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};

#[derive(rust_embed::Embed)]
#[folder = "../web/dist/"]
#[allow_missing = true]
struct Assets;

/// What the app may load: only its own files and API, no inline script, no framing.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; \
     form-action 'self'; frame-ancestors 'none'";

/// Answers every path no API route took.
pub async fn serve(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::NOT_FOUND.into_response();
    }
    let path = uri.path().trim_start_matches('/');
    // Debug builds read files from disk: no path may climb out of web/dist.
    if path.split(['/', '\\']).any(|segment| segment == "..") {
        return StatusCode::NOT_FOUND.into_response();
    }
    // GraphiQL's page is served at GET /graphql in development only.
    if let Some(file) = Assets::get(path).filter(|_| !path.is_empty() && path != GRAPHIQL) {
        return file_response(path, file, &headers).await;
    }
    // A missing file (a name with an extension, or anything under /assets/) is a 404; any other
    // path is a page of the app.
    let last = path.rsplit('/').next().unwrap_or_default();
    if path.starts_with("assets/") || last.contains('.') {
        return StatusCode::NOT_FOUND.into_response();
    }
    page("index.html", &headers).await
}

const GRAPHIQL: &str = "graphiql.html";

/// One of the app's HTML pages (`index.html`, `graphiql.html`), or a 503 that says how to
/// build the app.
pub(super) async fn page(name: &str, headers: &HeaderMap) -> Response {
    match Assets::get(name) {
        Some(file) => file_response(name, file, headers).await,
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(CACHE_CONTROL, "no-store")],
            "The web app is not built: `scripts/run` builds it (or `npm ci --prefix web && \
             npm run build --prefix web`). The API is at /graphql.\n",
        )
            .into_response(),
    }
}

async fn file_response(
    path: &str,
    file: rust_embed::EmbeddedFile,
    headers: &HeaderMap,
) -> Response {
    let hash = file.metadata.sha256_hash();
    let media = content_type(path);
    let gzip = if compressible(media) && accepts_gzip(headers) {
        gzipped(hash, file.data.clone()).await
    } else {
        None
    };
    // Each encoding is its own representation, with its own tag.
    let suffix = if gzip.is_some() { "-gz" } else { "" };
    let etag = format!("\"{}{suffix}\"", hex(&hash[..16]));
    let cache = if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut response = if headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|given| given.split(',').any(|tag| tag.trim() == etag))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else if let Some(body) = gzip {
        ([(CONTENT_TYPE, media), (CONTENT_ENCODING, "gzip")], body).into_response()
    } else {
        ([(CONTENT_TYPE, media)], file.data).into_response()
    };
    let out = response.headers_mut();
    if compressible(media) {
        out.insert(VARY, HeaderValue::from_static("accept-encoding"));
    }
    out.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        out.insert(ETAG, value);
    }
    out.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Set-up and reset links carry their token in the fragment, which no Referer holds; the
    // app needs no Referer at all.
    out.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if path.ends_with(".html") {
        out.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    response
}

fn compressible(media: &str) -> bool {
    media.starts_with("text/") || media.contains("json") || media.contains("svg")
}

/// Whether `Accept-Encoding` lists gzip (without `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| p.replace(' ', "").eq_ignore_ascii_case("q=0"));
            name.eq_ignore_ascii_case("gzip") && !refused
        })
}

/// The gzipped copy of a file, by its content hash: made once (on a blocking thread) and kept.
async fn gzipped(hash: [u8; 32], data: Cow<'static, [u8]>) -> Option<Bytes> {
    static CACHE: OnceLock<Mutex<HashMap<[u8; 32], Bytes>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(found) = cache.lock().ok()?.get(&hash) {
        return Some(found.clone());
    }
    let compressed = tokio::task::spawn_blocking(move || {
        let mut encoder = GzEncoder::new(Vec::with_capacity(data.len() / 3), Compression::best());
        encoder.write_all(&data).ok()?;
        encoder.finish().ok().map(Bytes::from)
    })
    .await
    .ok()??;
    cache.lock().ok()?.insert(hash, compressed.clone());
    Some(compressed)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The media type of the files Vite writes, by extension.
fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();
    match extension.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::{accepts_gzip, content_type};
    use http::HeaderMap;

    #[test]
    fn gzip_goes_to_clients_that_accept_it() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert("accept-encoding", value.parse().unwrap());
            accepts_gzip(&headers)
        };
        assert!(with("gzip, deflate, br, zstd"));
        assert!(with("br;q=1.0, GZIP;q=0.5"));
        assert!(!with("gzip;q=0"));
        assert!(!with("gzip; q=0, br"));
        assert!(!with("identity"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn the_files_vite_writes_get_their_media_type() {
        assert_eq!(
            content_type("assets/index-1a2b.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type("assets/index-1a2b.CSS"),
            "text/css; charset=utf-8"
        );
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("favicon.svg"), "image/svg+xml");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }
}
