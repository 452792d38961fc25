//! The floor of a WebSocket fan-out on this machine: a hand-written broadcaster that answers
//! `connection_init`, ignores `subscribe`, and writes one fixed update (shaped and sized like the
//! portal's) to every socket when any socket sends `{"type":"fire","id":…}`. No GraphQL, no
//! database, no authorisation, no copy per socket: one task per socket woken by a broadcast
//! channel and one write, which is what any server must at least do. The live benchmark runs it
//! as a second process (`live --floor-server`) and times the same fan-out against it.

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast::{self, error::RecvError};
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// Serves until killed; prints `floor listening on <addr>` first.
pub async fn serve() -> anyhow::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    println!("floor listening on {}", listener.local_addr()?);
    let (fire, _) = broadcast::channel::<Utf8Bytes>(16);
    loop {
        let (stream, _) = listener.accept().await?;
        let fire = fire.clone();
        tokio::spawn(async move {
            // A client that goes away ends its connection; nothing else to do.
            let _ = connection(stream, fire).await;
        });
    }
}

/// An update as the portal sends it to the benchmark's subscriptions (the same fields, a cursor
/// of the same length).
fn update(id: &str) -> Utf8Bytes {
    let cursor = "c".repeat(75);
    format!(
        r#"{{"id":"1","type":"next","payload":{{"data":{{"requestUpdates":{{"cursor":"{cursor}","kind":"MESSAGE_ADDED","messageId":"{id}","request":{{"id":"rq_019b0a7c2f1e7d3a9c4b5e6f70812345","state":"SUPPORT_ANALYSIS","version":12}}}}}}}}}}"#
    )
    .into()
}

// The handshake callback's error type is tungstenite's (an HTTP response).
#[allow(clippy::result_large_err)]
async fn connection(stream: TcpStream, fire: broadcast::Sender<Utf8Bytes>) -> anyhow::Result<()> {
    let protocol = |_: &Request, mut response: Response| {
        response.headers_mut().insert(
            "sec-websocket-protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        Ok(response)
    };
    // The portal's own settings: a 1 KiB read buffer, every frame written at once.
    let config = WebSocketConfig::default()
        .read_buffer_size(1024)
        .write_buffer_size(0);
    let ws =
        tokio_tungstenite::accept_hdr_async_with_config(stream, protocol, Some(config)).await?;
    let (mut sink, mut incoming) = ws.split();
    let mut updates = fire.subscribe();
    loop {
        tokio::select! {
            message = incoming.next() => {
                let Some(Ok(Message::Text(text))) = message else {
                    return Ok(());
                };
                let value: Value = serde_json::from_str(text.as_str())?;
                match value["type"].as_str() {
                    Some("connection_init") => {
                        sink.send(Message::text(r#"{"type":"connection_ack"}"#)).await?;
                    }
                    Some("fire") => {
                        let id = value["id"].as_str().unwrap_or_default();
                        // Nobody listening is no error here.
                        let _ = fire.send(update(id));
                    }
                    _ => {}
                }
            }
            update = updates.recv() => match update {
                Ok(text) => sink.send(Message::Text(text)).await?,
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return Ok(()),
            },
        }
    }
}
