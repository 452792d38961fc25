//! A real WebSocket client for `/graphql/ws`.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{
    Message,
    http::{HeaderName, HeaderValue},
};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

use crate::app::{Instance, TestApp};

const WAIT: Duration = Duration::from_secs(10);

/// What a connection receives, keep-alives aside.
#[derive(Debug, PartialEq)]
pub enum WsEvent {
    Message(Value),
    /// Close code and reason (1005 when the server closed without a code).
    Closed(u16, String),
}

/// One client connection.
pub struct WsClient {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// The sub-protocol the server selected, if any.
    pub protocol: Option<String>,
}

impl TestApp {
    /// Opens `/graphql/ws` asking for `protocols` (comma-separated, or none).
    pub async fn ws(&self, protocols: Option<&str>) -> WsClient {
        let headers: Vec<(&str, &str)> = protocols
            .map(|p| ("sec-websocket-protocol", p))
            .into_iter()
            .collect();
        self.try_ws(&headers).await.expect("WebSocket upgrade")
    }

    /// Opens `/graphql/ws` with extra request headers; the HTTP status when the upgrade is
    /// refused.
    pub async fn try_ws(&self, headers: &[(&str, &str)]) -> Result<WsClient, u16> {
        WsClient::open(&self.base_url, headers).await
    }

    /// A `graphql-transport-ws` connection, initialised and acknowledged.
    pub async fn ws_ready(&self, token: Option<&str>) -> WsClient {
        WsClient::ready(&self.base_url, token).await
    }
}

impl Instance {
    /// A `graphql-transport-ws` connection to this instance, initialised and acknowledged.
    pub async fn ws_ready(&self, token: Option<&str>) -> WsClient {
        WsClient::ready(&self.base_url, token).await
    }
}

impl WsClient {
    /// Opens `/graphql/ws` of the server at `base_url` (`http://…`) with extra request
    /// headers; the HTTP status when the upgrade is refused.
    pub async fn open(base_url: &str, headers: &[(&str, &str)]) -> Result<WsClient, u16> {
        let address = base_url.trim_start_matches("http://");
        let mut request = format!("ws://{address}/graphql/ws")
            .into_client_request()
            .unwrap();
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
            request
                .headers_mut()
                .insert(name, HeaderValue::from_str(value).unwrap());
        }
        let (stream, response) = match connect_async(request).await {
            Ok(connected) => connected,
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                return Err(response.status().as_u16());
            }
            Err(err) => panic!("WebSocket upgrade failed: {err}"),
        };
        let protocol = response
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(WsClient { stream, protocol })
    }

    /// A `graphql-transport-ws` connection to the server at `base_url`, initialised and
    /// acknowledged.
    pub async fn ready(base_url: &str, token: Option<&str>) -> WsClient {
        let headers = [("sec-websocket-protocol", "graphql-transport-ws")];
        let mut client = Self::open(base_url, &headers)
            .await
            .expect("WebSocket upgrade");
        let payload = token.map_or(
            json!({}),
            |token| json!({ "authorization": format!("Bearer {token}") }),
        );
        client
            .send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        assert_eq!(client.next().await["type"], "connection_ack");
        client
    }
}

impl WsClient {
    pub async fn send(&mut self, message: Value) {
        self.send_text(&message.to_string()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.stream.send(Message::text(text)).await.expect("send");
    }

    pub async fn send_binary(&mut self, bytes: &[u8]) {
        self.stream
            .send(Message::binary(bytes.to_vec()))
            .await
            .expect("send");
    }

    /// What the server sends next: a JSON message, keep-alives skipped (`ping` is answered,
    /// `ka` ignored), or the close of the connection.
    pub async fn event(&mut self) -> WsEvent {
        loop {
            let message = tokio::time::timeout(WAIT, self.stream.next())
                .await
                .expect("a message or a close within 10 s");
            match message {
                Some(Ok(Message::Text(text))) => {
                    let value: Value = serde_json::from_str(&text).expect("JSON message");
                    match value["type"].as_str() {
                        Some("ping") => self.send(json!({ "type": "pong" })).await,
                        Some("ka") => {}
                        _ => return WsEvent::Message(value),
                    }
                }
                Some(Ok(Message::Close(Some(CloseFrame { code, reason })))) => {
                    return WsEvent::Closed(u16::from(code), reason.to_string());
                }
                Some(Ok(Message::Close(None))) | None => {
                    return WsEvent::Closed(1005, String::new());
                }
                Some(Ok(_)) => {}
                Some(Err(err)) => panic!("connection failed instead of closing: {err}"),
            }
        }
    }

    /// The next JSON message (keep-alives skipped); panics if the server closes instead.
    pub async fn next(&mut self) -> Value {
        match self.event().await {
            WsEvent::Message(value) => value,
            WsEvent::Closed(code, reason) => panic!("closed unexpectedly: {code} {reason}"),
        }
    }

    /// Waits for the server to close the connection; its close code and reason.
    pub async fn closed(&mut self) -> (u16, String) {
        loop {
            if let WsEvent::Closed(code, reason) = self.event().await {
                return (code, reason);
            }
        }
    }

    /// Closes the connection from the client side.
    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
    }
}
