//! `/graphql/ws`: GraphQL over WebSocket, with both sub-protocols.
//!
//! Close codes follow graphql-transport-ws: 4400 invalid message, 4401 subscribe before
//! acknowledgement, 4403 rejected credentials, 4406 no supported sub-protocol, 4408 no
//! `connection_init` in time, 4409 duplicate subscription id, 4429 second `connection_init`;
//! 1001 when the server shuts down. Read buffers are small (4 KiB by default instead of
//! 128 KiB) so idle connections cost little memory.

mod connection;
pub mod protocol;

use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::response::Response;
use http::HeaderMap;

use self::protocol::Protocol;
use crate::state::AppState;

/// `GET /graphql/ws`: upgrades to a WebSocket speaking the client's preferred sub-protocol.
pub async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let settings = &state.settings().websocket;
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
    let header_token = super::graphql::bearer_token(&headers);
    let tracker = state.connections().clone();
    ws.on_upgrade(move |socket| {
        tracker.track_future(connection::serve(state, socket, protocol, header_token))
    })
}
