//! One WebSocket connection: the init handshake, then its operations, each a stream of
//! messages that the connection's own task polls beside the socket (no task or channel per
//! operation: an idle subscription costs its stream alone, and an update reaches the socket
//! without a hop between tasks). Sending a message waits for the socket, which holds the
//! operations back when a client reads slowly.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::StreamExt;
use futures_util::stream::{self, AbortHandle, BoxStream, SelectAll};
use tokio::time::{Instant as TokioInstant, MissedTickBehavior, interval_at, sleep_until};
use uuid::Uuid;

use super::protocol::{self, Incoming, Outgoing, Protocol};
use super::running::{Running, error_array};
use super::sockets::SocketSlot;
use crate::auth::Actor;
use crate::auth::login::{self, Client};
use crate::execution::ErrorCode;
use crate::execution::executor::GraphqlParams;
use crate::graphql::{Direct, RequestContext, TokenSource};
use crate::http::state::AppState;

const INVALID_MESSAGE: u16 = 4400;
const UNAUTHORIZED: u16 = 4401;
const FORBIDDEN: u16 = 4403;
const SUBPROTOCOL_NOT_ACCEPTABLE: u16 = 4406;
const INIT_TIMEOUT: u16 = 4408;
const DUPLICATE_ID: u16 = 4409;
const TOO_MANY_INITS: u16 = 4429;
const GOING_AWAY: u16 = 1001;
const POLICY_VIOLATION: u16 = 1008;

/// A message of an operation, tagged with the generation of the operation it belongs to so
/// that a late message of a completed operation never reaches a newer one with the same id.
struct Tagged {
    generation: u64,
    message: Outgoing,
}

/// What an operation's stream yields.
enum FromOperation {
    Message(Tagged),
    /// Resolving the operation panicked (its stream ends with this).
    Panicked {
        id: String,
        generation: u64,
    },
}

struct Connection {
    state: AppState,
    protocol: Protocol,
    /// The credentials accepted at `connection_init`, re-resolved for every operation so that
    /// role changes and revocations apply to new operations at once.
    token: Option<(String, TokenSource)>,
    client: Client,
    acknowledged: bool,
    /// The place this connection takes among its session's sockets, once initialised.
    session_slot: Option<SocketSlot<Uuid>>,
    operations: HashMap<String, (u64, AbortHandle)>,
    next_generation: u64,
    /// The operations' streams, polled together.
    running: SelectAll<BoxStream<'static, FromOperation>>,
}

/// Why the loop stops.
enum Stop {
    Close(u16, &'static str),
    Gone,
}

/// Serves one upgraded connection until either side closes it.
pub async fn serve(
    state: AppState,
    mut socket: WebSocket,
    protocol: Option<Protocol>,
    header_token: Option<(String, TokenSource)>,
    client: Client,
) {
    let Some(protocol) = protocol else {
        close(
            &mut socket,
            SUBPROTOCOL_NOT_ACCEPTABLE,
            "Subprotocol not acceptable",
        )
        .await;
        return;
    };
    state.metrics().ws_connection_opened();
    let mut connection = Connection {
        state: state.clone(),
        protocol,
        token: header_token,
        client,
        acknowledged: false,
        session_slot: None,
        operations: HashMap::new(),
        next_generation: 0,
        running: SelectAll::new(),
    };
    let stop = connection.run(&mut socket).await;
    drop(connection.running);
    if let Stop::Close(code, reason) = stop {
        close(&mut socket, code, reason).await;
    }
    state.metrics().ws_connection_closed();
}

async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    // The peer may already be gone; nothing more to do then.
    let _ = socket.send(Message::Close(Some(frame))).await;
}

impl Connection {
    async fn run(&mut self, socket: &mut WebSocket) -> Stop {
        let settings = self.state.settings().websocket.clone();
        let init_deadline =
            TokioInstant::now() + Duration::from_millis(settings.connection_init_timeout_ms);
        let keepalive_every = Duration::from_secs(settings.keepalive_secs.max(1));
        let mut keepalive = interval_at(TokioInstant::now() + keepalive_every, keepalive_every);
        keepalive.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let shutdown = self.state.shutdown_token().clone();
        // Made once: registering and dropping a waiter on every turn of the loop was about 2 %
        // of the server's CPU in a fan-out, where each turn sends one update.
        let shutting_down = shutdown.cancelled();
        tokio::pin!(shutting_down);
        loop {
            let step = tokio::select! {
                biased;
                () = &mut shutting_down => Err(Stop::Close(GOING_AWAY, "Server shutting down")),
                () = sleep_until(init_deadline), if !self.acknowledged => {
                    Err(Stop::Close(INIT_TIMEOUT, "Connection initialisation timeout"))
                }
                Some(step) = self.running.next(), if !self.running.is_empty() => match step {
                    FromOperation::Message(message) => self.forward(socket, message).await,
                    FromOperation::Panicked { id, generation } => {
                        self.operation_panicked(socket, id, generation).await
                    }
                },
                received = socket.recv() => match received {
                    // Boxed: handling a message (checking credentials, preparing an operation)
                    // takes far more room than waiting does, and the connection waits.
                    Some(Ok(message)) => Box::pin(self.receive(socket, message)).await,
                    Some(Err(_)) | None => Err(Stop::Gone),
                },
                _ = keepalive.tick(), if self.acknowledged => {
                    let ping = match self.protocol {
                        Protocol::TransportWs => Outgoing::Ping,
                        Protocol::Legacy => Outgoing::KeepAlive,
                    };
                    self.send(socket, &ping).await
                }
            };
            if let Err(stop) = step {
                return stop;
            }
        }
    }

    async fn send(&mut self, socket: &mut WebSocket, message: &Outgoing) -> Result<(), Stop> {
        let Some(text) = protocol::encode(self.protocol, message) else {
            return Ok(());
        };
        socket
            .send(Message::Text(text.into()))
            .await
            .map_err(|_| Stop::Gone)
    }

    async fn forward(&mut self, socket: &mut WebSocket, tagged: Tagged) -> Result<(), Stop> {
        let id = match &tagged.message {
            Outgoing::Next { id, .. } | Outgoing::Error { id, .. } | Outgoing::Complete { id } => {
                id.clone()
            }
            _ => return Ok(()),
        };
        let current = self.operations.get(&id).map(|(generation, _)| *generation);
        if current != Some(tagged.generation) {
            return Ok(()); // the client completed this operation already
        }
        if matches!(
            tagged.message,
            Outgoing::Error { .. } | Outgoing::Complete { .. }
        ) {
            self.operations.remove(&id);
        }
        self.send(socket, &tagged.message).await
    }

    /// An operation panicked: tell the client with an internal error and free its id.
    async fn operation_panicked(
        &mut self,
        socket: &mut WebSocket,
        id: String,
        generation: u64,
    ) -> Result<(), Stop> {
        if self.operations.get(&id).map(|(g, _)| *g) != Some(generation) {
            return Ok(()); // the client completed this operation already
        }
        self.operations.remove(&id);
        let error_id = uuid::Uuid::now_v7().simple().to_string();
        tracing::error!(error_id = %error_id, "a WebSocket operation panicked");
        let mut error = crate::execution::response::request_error(
            ErrorCode::InternalServerError,
            format!("Internal server error (error id {error_id})"),
        );
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("errorId", error_id);
        let errors = serde_json::to_string(&[error]).unwrap_or_else(|_| "[]".into());
        self.state
            .metrics()
            .observe_error(ErrorCode::InternalServerError);
        self.send(socket, &Outgoing::Error { id, errors }).await
    }

    async fn receive(&mut self, socket: &mut WebSocket, message: Message) -> Result<(), Stop> {
        let text = match message {
            Message::Text(text) => text,
            Message::Close(_) => return Err(Stop::Gone),
            Message::Ping(_) | Message::Pong(_) => return Ok(()),
            Message::Binary(_) => {
                return Err(Stop::Close(INVALID_MESSAGE, "Invalid message received"));
            }
        };
        let Some(incoming) = protocol::parse(self.protocol, text.as_str()) else {
            return Err(Stop::Close(INVALID_MESSAGE, "Invalid message received"));
        };
        match incoming {
            Incoming::Init { payload } => self.init(socket, payload).await,
            Incoming::Ping { payload } => self.send(socket, &Outgoing::Pong { payload }).await,
            Incoming::Pong => Ok(()),
            Incoming::Terminate => Err(Stop::Close(1000, "Normal closure")),
            Incoming::Subscribe { id, params } => self.subscribe(socket, id, params).await,
            Incoming::Complete { id } => {
                if let Some((_, task)) = self.operations.remove(&id) {
                    task.abort();
                }
                Ok(())
            }
        }
    }

    async fn init(
        &mut self,
        socket: &mut WebSocket,
        payload: Option<serde_json::Map<String, serde_json::Value>>,
    ) -> Result<(), Stop> {
        if self.acknowledged {
            return Err(Stop::Close(
                TOO_MANY_INITS,
                "Too many initialisation requests",
            ));
        }
        if let Some(token) = payload.as_ref().and_then(token_from_payload) {
            self.token = Some((token, TokenSource::Bearer));
        }
        if let Some((token, _)) = &self.token {
            match login::authenticate(self.state.deps(), Some(token)).await {
                Ok(Actor::Person(person)) => {
                    let max = self.state.settings().websocket.max_per_session;
                    let slot = self
                        .state
                        .session_sockets()
                        .try_open(person.session_id, max);
                    let Some(slot) = slot else {
                        return Err(Stop::Close(
                            POLICY_VIOLATION,
                            "Too many connections for this session",
                        ));
                    };
                    self.session_slot = Some(slot);
                }
                Ok(Actor::Anonymous) => return Err(Stop::Close(FORBIDDEN, "Forbidden")),
                Err(err) => {
                    tracing::error!(%err, "cannot check WebSocket credentials");
                    return Err(Stop::Close(1011, "Internal error"));
                }
            }
        }
        self.acknowledged = true;
        self.send(socket, &Outgoing::Ack).await
    }

    async fn subscribe(
        &mut self,
        socket: &mut WebSocket,
        id: String,
        params: GraphqlParams,
    ) -> Result<(), Stop> {
        if !self.acknowledged {
            return Err(Stop::Close(UNAUTHORIZED, "Unauthorized"));
        }
        if self.operations.contains_key(&id) {
            match self.protocol {
                Protocol::TransportWs => {
                    return Err(Stop::Close(
                        DUPLICATE_ID,
                        "Subscriber for this id already exists",
                    ));
                }
                // subscriptions-transport-ws replaces the running operation.
                Protocol::Legacy => {
                    if let Some((_, task)) = self.operations.remove(&id) {
                        task.abort();
                    }
                }
            }
        }
        let max = self.state.settings().websocket.max_subscriptions;
        if self.operations.len() >= max {
            let errors = error_array(
                ErrorCode::BadRequest,
                &format!("At most {max} operations may run at once"),
            );
            return self.send(socket, &Outgoing::Error { id, errors }).await;
        }
        let mut context = RequestContext::with_client(self.token.clone(), self.client.clone());
        let direct = Direct::new();
        context.set_direct(Arc::clone(&direct));
        let prepared = match self.state.executor().prepare(params, context) {
            Ok(prepared) => prepared,
            Err(refused) => {
                self.state.metrics().observe_error(refused.code);
                let errors =
                    serde_json::to_string(&[refused.error]).unwrap_or_else(|_| "[]".into());
                return self.send(socket, &Outgoing::Error { id, errors }).await;
            }
        };
        self.next_generation += 1;
        let generation = self.next_generation;
        let caller = (&self.token, &self.client);
        let running = Running::new(self.state.clone(), prepared, id.clone(), direct, caller);
        let operation = run_operation(running, id.clone(), generation);
        let (operation, handle) = stream::abortable(operation);
        self.running.push(operation.boxed());
        self.operations.insert(id, (generation, handle));
        Ok(())
    }
}

fn token_from_payload(payload: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    let raw = payload
        .get("authorization")
        .or_else(|| payload.get("Authorization"))
        .or_else(|| payload.get("token"))?
        .as_str()?;
    let token = raw
        .strip_prefix("Bearer ")
        .or_else(|| raw.strip_prefix("bearer "))
        .unwrap_or(raw);
    Some(token.trim().to_owned()).filter(|t| !t.is_empty())
}

/// One operation as the messages it sends (see [`Running`]); a panic ends it with an error.
fn run_operation(
    running: Running,
    id: String,
    generation: u64,
) -> impl futures_util::Stream<Item = FromOperation> + Send + 'static {
    let messages = stream::unfold(running, |mut running| async move {
        let message = running.step().await?;
        Some((message, running))
    });
    AssertUnwindSafe(messages)
        .catch_unwind()
        .map(move |step| match step {
            Ok(message) => FromOperation::Message(Tagged {
                generation,
                message,
            }),
            Err(_) => FromOperation::Panicked {
                id: id.clone(),
                generation,
            },
        })
}
