//! What every part of the running server shares.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::auth::passwords::PasswordHasher;
use crate::auth::secrets::SecretBox;
use crate::auth::sessions::SessionPolicy;
use crate::auth::throttle::AddressLimiter;
use crate::clock::SharedClock;
use crate::config::Settings;
use crate::db::Db;
use crate::files::FileStore;
use crate::graphql::Engine;
use crate::mail::MailSignal;
use crate::metrics::Metrics;

/// The dependencies of services: storage, time, password hashing, secrets, mail and
/// configuration.
#[derive(Clone)]
pub struct Services {
    pub db: Db,
    pub clock: SharedClock,
    pub passwords: PasswordHasher,
    pub settings: Arc<Settings>,
    pub secrets: SecretBox,
    pub sessions: SessionPolicy,
    pub limiter: Arc<AddressLimiter>,
    /// Wakes the mail worker after a commit that wrote mail.
    pub mail: MailSignal,
    /// Where attachments are kept.
    pub files: FileStore,
}

impl Services {
    pub fn new(db: Db, clock: SharedClock, settings: Arc<Settings>) -> anyhow::Result<Self> {
        let parallelism = match settings.auth.hashing_parallelism {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        Ok(Self {
            db,
            clock,
            passwords: PasswordHasher::new(parallelism),
            secrets: SecretBox::from_settings(&settings)?,
            sessions: SessionPolicy::from_settings(&settings),
            limiter: Arc::new(AddressLimiter::new(settings.auth.address_limit_per_minute)),
            mail: MailSignal::default(),
            files: FileStore::from_settings(&settings)?,
            settings,
        })
    }
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services")
            .field("engine", &self.db.engine())
            .finish_non_exhaustive()
    }
}

/// The state handed to HTTP handlers.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    services: Services,
    engine: Engine,
    metrics: Metrics,
    shutdown: CancellationToken,
    connections: TaskTracker,
    stopping: AtomicBool,
}

impl AppState {
    pub fn new(services: Services, engine: Engine, metrics: Metrics) -> Self {
        Self(Arc::new(Inner {
            services,
            engine,
            metrics,
            shutdown: CancellationToken::new(),
            connections: TaskTracker::new(),
            stopping: AtomicBool::new(false),
        }))
    }

    pub fn services(&self) -> &Services {
        &self.0.services
    }

    pub fn settings(&self) -> &Settings {
        &self.0.services.settings
    }

    /// Runs GraphQL requests.
    pub fn engine(&self) -> &Engine {
        &self.0.engine
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

    /// Starts the shutdown: readiness turns false and long-lived connections are told to close.
    pub fn begin_shutdown(&self) {
        self.0.stopping.store(true, Ordering::Release);
        self.0.shutdown.cancel();
    }

    pub fn is_stopping(&self) -> bool {
        self.0.stopping.load(Ordering::Acquire)
    }
}
