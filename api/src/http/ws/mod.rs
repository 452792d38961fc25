//! `/graphql/ws`: GraphQL over WebSocket, with both sub-protocols.
//!
//! Close codes follow graphql-transport-ws: 4400 invalid message, 4401 subscribe before
//! acknowledgement, 4403 rejected credentials, 4406 no supported sub-protocol, 4408 no
//! `connection_init` in time, 4409 duplicate subscription id, 4429 second `connection_init`;
//! 1001 when the server shuts down. Read buffers are small (4 KiB by default instead of
//! 128 KiB) so idle connections cost little memory. A client address holds at most
//! `websocket.max_per_address` sockets at once, anonymous ones included: the upgrade of one
//! more answers 429. A session holds at most `websocket.max_per_session`: the
//! `connection_init` of one more is closed with 1008 (policy violation).

mod connection;
pub mod protocol;
mod running;
pub mod sockets;

use std::net::SocketAddr;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, header::ORIGIN};

use self::protocol::Protocol;
use crate::auth::login::Client;
use crate::config::Settings;
use crate::graphql::TokenSource;
use crate::http::state::AppState;

/// `GET /graphql/ws`: upgrades to a WebSocket speaking the client's preferred sub-protocol.
///
/// Credentials come from the `Authorization` header, the session cookie, or the
/// `connection_init` payload. A browser attaches the cookie to a WebSocket opened by any page,
/// so a cookie is honoured only when the `Origin` header is the portal's own (`http.public_url`);
/// otherwise the upgrade is refused with 403 (cross-site WebSocket hijacking).
pub async fn upgrade(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let token = super::graphql::session_token(&headers, state.settings());
    if matches!(token, Some((_, TokenSource::Cookie))) && !same_origin(state.settings(), &headers) {
        return (StatusCode::FORBIDDEN, "Cross-origin WebSocket refused").into_response();
    }
    let addr = super::graphql::client_addr(state.settings(), peer, &headers);
    let settings = &state.settings().websocket;
    let Some(slot) = state.sockets().try_open(addr, settings.max_per_address) else {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many WebSocket connections from this address",
        )
            .into_response();
    };
    let client = Client::new(Some(addr), super::graphql::user_agent(&headers));
    let ws = ws
        .read_buffer_size(settings.read_buffer_bytes)
        .write_buffer_size(0)
        .max_message_size(settings.max_message_bytes)
        .max_frame_size(settings.max_message_bytes)
        .protocols([Protocol::TRANSPORT_WS, Protocol::LEGACY]);
    let protocol = ws
        .selected_protocol()
        .and_then(|value| value.to_str().ok())
        .and_then(Protocol::from_name);
    let tracker = state.connections().clone();
    ws.on_upgrade(move |socket| {
        tracker.track_future(async move {
            connection::serve(state, socket, protocol, token, client).await;
            drop(slot);
        })
    })
}

/// Whether the request's `Origin` is the origin of `http.public_url` (scheme, host and port).
fn same_origin(settings: &Settings, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    origin.eq_ignore_ascii_case(public_origin(&settings.http.public_url))
}

/// `https://host:port` of a URL: everything before the path.
fn public_origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(slash) => &url[..after_scheme + slash],
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::public_origin;

    #[test]
    fn the_public_origin_drops_the_path() {
        assert_eq!(
            public_origin("https://support.example.com/portal/"),
            "https://support.example.com"
        );
        assert_eq!(
            public_origin("http://localhost:8080"),
            "http://localhost:8080"
        );
    }
}
