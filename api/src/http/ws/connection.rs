//! One WebSocket connection: the init handshake, then operations run as tasks whose results
//! flow back through a bounded channel to the single task that owns the socket.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::{Instant as TokioInstant, MissedTickBehavior, interval_at, sleep_until};
use uuid::Uuid;

use super::protocol::{self, Incoming, Outgoing, Protocol};
use super::sockets::SocketSlot;
use crate::auth::Actor;
use crate::auth::login::{self, Client};
use crate::execution::ErrorCode;
use crate::execution::executor::{GraphqlParams, Prepared, finish};
use crate::execution::response::{Outcome, ResponseBody};
use crate::graphql::{RequestContext, TokenSource};
use crate::http::state::AppState;
use async_graphql::parser::types::OperationType;

const INVALID_MESSAGE: u16 = 4400;
const UNAUTHORIZED: u16 = 4401;
const FORBIDDEN: u16 = 4403;
const SUBPROTOCOL_NOT_ACCEPTABLE: u16 = 4406;
const INIT_TIMEOUT: u16 = 4408;
const DUPLICATE_ID: u16 = 4409;
const TOO_MANY_INITS: u16 = 4429;
const GOING_AWAY: u16 = 1001;
const POLICY_VIOLATION: u16 = 1008;

/// A message from an operation task, tagged with the generation of the subscription it belongs
/// to so that a late message of a completed subscription never reaches a newer one with the
/// same id.
struct FromTask {
    generation: u64,
    message: Outgoing,
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
    tasks: JoinSet<()>,
    sender: mpsc::Sender<FromTask>,
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
    let (sender, receiver) = mpsc::channel(16);
    let mut connection = Connection {
        state: state.clone(),
        protocol,
        token: header_token,
        client,
        acknowledged: false,
        session_slot: None,
        operations: HashMap::new(),
        next_generation: 0,
        tasks: JoinSet::new(),
        sender,
    };
    let stop = connection.run(&mut socket, receiver).await;
    connection.tasks.abort_all();
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
    async fn run(
        &mut self,
        socket: &mut WebSocket,
        mut from_tasks: mpsc::Receiver<FromTask>,
    ) -> Stop {
        let settings = self.state.settings().websocket.clone();
        let init_deadline =
            TokioInstant::now() + Duration::from_millis(settings.connection_init_timeout_ms);
        let keepalive_every = Duration::from_secs(settings.keepalive_secs.max(1));
        let mut keepalive = interval_at(TokioInstant::now() + keepalive_every, keepalive_every);
        keepalive.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let shutdown = self.state.shutdown_token().clone();
        loop {
            let step = tokio::select! {
                biased;
                () = shutdown.cancelled() => Err(Stop::Close(GOING_AWAY, "Server shutting down")),
                () = sleep_until(init_deadline), if !self.acknowledged => {
                    Err(Stop::Close(INIT_TIMEOUT, "Connection initialisation timeout"))
                }
                Some(from_task) = from_tasks.recv() => self.forward(socket, from_task).await,
                Some(joined) = self.tasks.join_next(), if !self.tasks.is_empty() => {
                    match joined {
                        Err(err) if err.is_panic() => self.operation_panicked(socket, err.id()).await,
                        _ => Ok(()),
                    }
                }
                received = socket.recv() => match received {
                    Some(Ok(message)) => self.receive(socket, message).await,
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

    async fn send(&self, socket: &mut WebSocket, message: &Outgoing) -> Result<(), Stop> {
        let Some(text) = protocol::encode(self.protocol, message) else {
            return Ok(());
        };
        socket
            .send(Message::Text(text.into()))
            .await
            .map_err(|_| Stop::Gone)
    }

    async fn forward(&mut self, socket: &mut WebSocket, from_task: FromTask) -> Result<(), Stop> {
        let id = match &from_task.message {
            Outgoing::Next { id, .. } | Outgoing::Error { id, .. } | Outgoing::Complete { id } => {
                id.clone()
            }
            _ => return Ok(()),
        };
        let current = self.operations.get(&id).map(|(generation, _)| *generation);
        if current != Some(from_task.generation) {
            return Ok(()); // the client completed this operation already
        }
        if matches!(
            from_task.message,
            Outgoing::Error { .. } | Outgoing::Complete { .. }
        ) {
            self.operations.remove(&id);
        }
        self.send(socket, &from_task.message).await
    }

    /// An operation task panicked: tell the client with an internal error and free its id.
    async fn operation_panicked(
        &mut self,
        socket: &mut WebSocket,
        task: tokio::task::Id,
    ) -> Result<(), Stop> {
        let id = self
            .operations
            .iter()
            .find(|(_, (_, handle))| handle.id() == task)
            .map(|(id, _)| id.clone());
        let Some(id) = id else { return Ok(()) };
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
        let context = RequestContext::with_client(self.token.clone(), self.client.clone());
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
        let task = run_operation(
            self.state.clone(),
            prepared,
            id.clone(),
            generation,
            self.sender.clone(),
        );
        let handle = self.tasks.spawn(task);
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

fn error_array(code: ErrorCode, message: &str) -> String {
    let errors = [crate::execution::response::request_error(code, message)];
    serde_json::to_string(&errors).unwrap_or_else(|_| "[]".into())
}

/// Counts a running subscription in the metrics for as long as it lives.
struct SubscriptionGauge(AppState);

impl SubscriptionGauge {
    fn new(state: AppState) -> Self {
        state.metrics().ws_subscription_started();
        Self(state)
    }
}

impl Drop for SubscriptionGauge {
    fn drop(&mut self) {
        self.0.metrics().ws_subscription_ended();
    }
}

/// Runs one operation and sends its results; a query or mutation yields one result, a
/// subscription one per event.
async fn run_operation(
    state: AppState,
    prepared: Prepared,
    id: String,
    generation: u64,
    sender: mpsc::Sender<FromTask>,
) {
    let _gauge = SubscriptionGauge::new(state.clone());
    let started = Instant::now();
    let operation_name = prepared.operation_name.clone();
    // Queries and mutations get the execution timeout of HTTP; subscriptions live on.
    let deadline = (prepared.operation_type != OperationType::Subscription)
        .then(|| started + Duration::from_millis(state.settings().graphql.execution_timeout_ms));
    let mut stream = state.executor().execute_stream(prepared);
    let mut first = true;
    loop {
        let next = match deadline {
            Some(deadline) => match tokio::time::timeout_at(deadline.into(), stream.next()).await {
                Ok(next) => next,
                Err(_) => {
                    state.metrics().observe_operation(
                        operation_name.as_deref(),
                        "ws",
                        started.elapsed(),
                        &[ErrorCode::Timeout],
                    );
                    let errors = error_array(
                        ErrorCode::Timeout,
                        "The request took too long and was stopped",
                    );
                    let message = Outgoing::Error { id, errors };
                    // The connection may be closing; nobody needs the error then.
                    let _ = sender
                        .send(FromTask {
                            generation,
                            message,
                        })
                        .await;
                    return;
                }
            },
            None => stream.next().await,
        };
        let Some(mut response) = next else { break };
        let (outcome, codes) = finish(&mut response);
        if first {
            state.metrics().observe_operation(
                operation_name.as_deref(),
                "ws",
                started.elapsed(),
                &codes,
            );
            first = false;
        }
        let message = if outcome == Outcome::RequestError {
            let errors = serde_json::to_string(&response.errors).unwrap_or_else(|_| "[]".into());
            Outgoing::Error {
                id: id.clone(),
                errors,
            }
        } else {
            let body = ResponseBody {
                data: Some(&response.data),
                errors: &response.errors,
                extensions: &response.extensions,
            };
            let body = serde_json::to_string(&body).unwrap_or_else(|_| "{}".into());
            Outgoing::Next {
                id: id.clone(),
                body,
            }
        };
        let is_error = matches!(message, Outgoing::Error { .. });
        if sender
            .send(FromTask {
                generation,
                message,
            })
            .await
            .is_err()
            || is_error
        {
            return;
        }
    }
    let complete = FromTask {
        generation,
        message: Outgoing::Complete { id },
    };
    // The connection may be closing; then nobody needs the completion.
    let _ = sender.send(complete).await;
}
