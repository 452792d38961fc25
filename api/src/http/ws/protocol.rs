//! The two GraphQL-over-WebSocket sub-protocols: `graphql-transport-ws` (the graphql-ws
//! library) and the legacy `graphql-ws` (subscriptions-transport-ws). Both are mapped to one
//! set of incoming and outgoing messages.

use serde::Deserialize;
use serde_json::Value;

use crate::execution::executor::GraphqlParams;

/// A negotiated sub-protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `graphql-transport-ws`.
    TransportWs,
    /// `graphql-ws`, the protocol of the deprecated subscriptions-transport-ws.
    Legacy,
}

impl Protocol {
    pub const TRANSPORT_WS: &'static str = "graphql-transport-ws";
    pub const LEGACY: &'static str = "graphql-ws";

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            Self::TRANSPORT_WS => Some(Self::TransportWs),
            Self::LEGACY => Some(Self::Legacy),
            _ => None,
        }
    }
}

/// What a client can send, whichever the protocol.
#[derive(Debug)]
pub enum Incoming {
    Init {
        payload: Option<serde_json::Map<String, Value>>,
    },
    Subscribe {
        id: String,
        params: GraphqlParams,
    },
    Complete {
        id: String,
    },
    Ping {
        payload: Option<Value>,
    },
    Pong,
    /// Legacy `connection_terminate`.
    Terminate,
}

/// What the server sends.
#[derive(Debug)]
pub enum Outgoing {
    Ack,
    Ping,
    Pong {
        payload: Option<Value>,
    },
    /// Legacy keep-alive.
    KeepAlive,
    /// An execution result; `body` is a serialised GraphQL response.
    Next {
        id: String,
        body: String,
    },
    /// Request errors of an operation; `errors` is a serialised JSON array.
    Error {
        id: String,
        errors: String,
    },
    Complete {
        id: String,
    },
}

#[derive(Deserialize)]
struct OperationPayload {
    query: String,
    #[serde(rename = "operationName", default)]
    operation_name: Option<String>,
    #[serde(default)]
    variables: Option<serde_json::Map<String, Value>>,
    #[serde(default)]
    #[allow(dead_code)]
    extensions: Option<serde_json::Map<String, Value>>,
}

impl From<OperationPayload> for GraphqlParams {
    fn from(payload: OperationPayload) -> Self {
        Self {
            query: payload.query,
            operation_name: payload.operation_name,
            variables: payload.variables.map(Value::Object),
        }
    }
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum TransportWsMessage {
    ConnectionInit {
        #[serde(default)]
        payload: Option<serde_json::Map<String, Value>>,
    },
    Ping {
        #[serde(default)]
        payload: Option<Value>,
    },
    Pong {
        #[serde(default)]
        #[allow(dead_code)]
        payload: Option<Value>,
    },
    Subscribe {
        id: String,
        payload: OperationPayload,
    },
    Complete {
        id: String,
    },
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum LegacyMessage {
    ConnectionInit {
        #[serde(default)]
        payload: Option<serde_json::Map<String, Value>>,
    },
    Start {
        id: String,
        payload: OperationPayload,
    },
    Stop {
        id: String,
    },
    ConnectionTerminate,
}

/// Reads a text frame; `None` for anything that is not a valid message of the protocol.
pub fn parse(protocol: Protocol, text: &str) -> Option<Incoming> {
    let incoming = match protocol {
        Protocol::TransportWs => match serde_json::from_str::<TransportWsMessage>(text).ok()? {
            TransportWsMessage::ConnectionInit { payload } => Incoming::Init { payload },
            TransportWsMessage::Ping { payload } => Incoming::Ping { payload },
            TransportWsMessage::Pong { .. } => Incoming::Pong,
            TransportWsMessage::Subscribe { id, payload } => Incoming::Subscribe {
                id,
                params: payload.into(),
            },
            TransportWsMessage::Complete { id } => Incoming::Complete { id },
        },
        Protocol::Legacy => match serde_json::from_str::<LegacyMessage>(text).ok()? {
            LegacyMessage::ConnectionInit { payload } => Incoming::Init { payload },
            LegacyMessage::Start { id, payload } => Incoming::Subscribe {
                id,
                params: payload.into(),
            },
            LegacyMessage::Stop { id } => Incoming::Complete { id },
            LegacyMessage::ConnectionTerminate => Incoming::Terminate,
        },
    };
    match &incoming {
        Incoming::Subscribe { id, .. } | Incoming::Complete { id } if id.is_empty() => None,
        _ => Some(incoming),
    }
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// Writes a message as a text frame; `None` when the protocol has no such message.
pub fn encode(protocol: Protocol, message: &Outgoing) -> Option<String> {
    use Protocol::{Legacy, TransportWs};
    Some(match (protocol, message) {
        (_, Outgoing::Ack) => r#"{"type":"connection_ack"}"#.to_owned(),
        (TransportWs, Outgoing::Ping) => r#"{"type":"ping"}"#.to_owned(),
        (TransportWs, Outgoing::Pong { payload: None }) => r#"{"type":"pong"}"#.to_owned(),
        (
            TransportWs,
            Outgoing::Pong {
                payload: Some(payload),
            },
        ) => {
            format!(r#"{{"type":"pong","payload":{payload}}}"#)
        }
        (Legacy, Outgoing::KeepAlive) => r#"{"type":"ka"}"#.to_owned(),
        (TransportWs, Outgoing::Next { id, body }) => {
            format!(
                r#"{{"id":{},"type":"next","payload":{body}}}"#,
                json_string(id)
            )
        }
        (Legacy, Outgoing::Next { id, body }) => {
            format!(
                r#"{{"id":{},"type":"data","payload":{body}}}"#,
                json_string(id)
            )
        }
        (_, Outgoing::Error { id, errors }) => {
            format!(
                r#"{{"id":{},"type":"error","payload":{errors}}}"#,
                json_string(id)
            )
        }
        (_, Outgoing::Complete { id }) => {
            format!(r#"{{"id":{},"type":"complete"}}"#, json_string(id))
        }
        (Legacy, Outgoing::Ping | Outgoing::Pong { .. }) | (TransportWs, Outgoing::KeepAlive) => {
            return None;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_ws_messages_are_read_strictly() {
        let p = Protocol::TransportWs;
        assert!(matches!(
            parse(p, r#"{"type":"connection_init"}"#),
            Some(Incoming::Init { payload: None })
        ));
        assert!(matches!(
            parse(p, r#"{"type":"connection_init","payload":{"token":"t"}}"#),
            Some(Incoming::Init { payload: Some(_) })
        ));
        assert!(matches!(
            parse(
                p,
                r#"{"type":"subscribe","id":"1","payload":{"query":"{a}"}}"#
            ),
            Some(Incoming::Subscribe { .. })
        ));
        for invalid in [
            "not json",
            r#"{"type":"connection_init","payload":"text"}"#,
            r#"{"type":"subscribe","id":"1"}"#,
            r#"{"type":"subscribe","id":"","payload":{"query":"{a}"}}"#,
            r#"{"type":"subscribe","id":1,"payload":{"query":"{a}"}}"#,
            r#"{"type":"start","id":"1","payload":{"query":"{a}"}}"#,
            r#"{"type":"unknown"}"#,
        ] {
            assert!(parse(p, invalid).is_none(), "{invalid}");
        }
    }

    #[test]
    fn legacy_messages_map_to_the_same_operations() {
        let p = Protocol::Legacy;
        assert!(matches!(
            parse(p, r#"{"type":"start","id":"1","payload":{"query":"{a}"}}"#),
            Some(Incoming::Subscribe { .. })
        ));
        assert!(matches!(
            parse(p, r#"{"type":"stop","id":"1"}"#),
            Some(Incoming::Complete { .. })
        ));
        assert!(matches!(
            parse(p, r#"{"type":"connection_terminate"}"#),
            Some(Incoming::Terminate)
        ));
        assert!(
            parse(
                p,
                r#"{"type":"subscribe","id":"1","payload":{"query":"{a}"}}"#
            )
            .is_none()
        );
    }

    #[test]
    fn results_are_named_per_protocol() {
        let next = Outgoing::Next {
            id: "a\"b".into(),
            body: r#"{"data":{}}"#.into(),
        };
        assert_eq!(
            encode(Protocol::TransportWs, &next).unwrap(),
            r#"{"id":"a\"b","type":"next","payload":{"data":{}}}"#
        );
        assert_eq!(
            encode(Protocol::Legacy, &next).unwrap(),
            r#"{"id":"a\"b","type":"data","payload":{"data":{}}}"#
        );
        assert!(encode(Protocol::Legacy, &Outgoing::Ping).is_none());
    }
}
