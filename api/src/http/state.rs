//! The state handed to HTTP handlers: the services' dependencies plus what only the transport
//! needs (the GraphQL executor, the per-address limiter, metrics, shutdown).

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use uuid::Uuid;

use super::metrics::Metrics;
use crate::auth::address_limit::AddressLimiter;
use crate::config::Settings;
use crate::deps::Deps;
use crate::execution::Executor;
use crate::http::ws::sockets::SocketCounts;

/// The state handed to HTTP handlers.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    deps: Deps,
    executor: Executor,
    metrics: Metrics,
    shutdown: CancellationToken,
    connections: TaskTracker,
    sockets: Arc<SocketCounts<IpAddr>>,
    session_sockets: Arc<SocketCounts<Uuid>>,
    stopping: AtomicBool,
}

impl AppState {
    /// The state of a server on `deps`: its executor runs the schema with the address limiter.
    pub fn new(deps: Deps) -> Self {
        let settings = Arc::clone(&deps.settings);
        let limiter = Arc::new(AddressLimiter::new(settings.auth.address_limit_per_minute));
        let executor = Executor::new(deps.clone(), limiter, &settings);
        let metrics = Metrics::new(deps.passwords.checks.clone());
        Self(Arc::new(Inner {
            deps,
            executor,
            metrics,
            shutdown: CancellationToken::new(),
            connections: TaskTracker::new(),
            sockets: Arc::default(),
            session_sockets: Arc::default(),
            stopping: AtomicBool::new(false),
        }))
    }

    /// What services need (storage, clock, mail, settings…).
    pub fn deps(&self) -> &Deps {
        &self.0.deps
    }

    pub fn settings(&self) -> &Settings {
        &self.0.deps.settings
    }

    /// Runs GraphQL requests.
    pub fn executor(&self) -> &Executor {
        &self.0.executor
    }

    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    /// Cancelled when the server begins to shut down; long-lived connections watch it.
    pub fn shutdown_token(&self) -> &CancellationToken {
        &self.0.shutdown
    }

    /// Tracks WebSocket connections so shutdown can wait for them to close.
    pub fn connections(&self) -> &TaskTracker {
        &self.0.connections
    }

    /// Open WebSockets per client address.
    pub fn sockets(&self) -> &Arc<SocketCounts<IpAddr>> {
        &self.0.sockets
    }

    /// Open WebSockets per session (counted from their `connection_init`).
    pub fn session_sockets(&self) -> &Arc<SocketCounts<Uuid>> {
        &self.0.session_sockets
    }

    /// Starts the shutdown: readiness turns false and long-lived connections are told to close.
    pub fn begin_shutdown(&self) {
        self.0.stopping.store(true, Ordering::Release);
        self.0.shutdown.cancel();
    }

    pub fn is_stopping(&self) -> bool {
        self.0.stopping.load(Ordering::Acquire)
    }
}
