//! Building and running the server: storage, migrations, schema, routes, graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::auth;
use crate::mail::{self, worker::Transport};

use crate::clock::SharedClock;
use crate::config::Settings;
use crate::db::Db;
use crate::deps::Deps;
use crate::http::state::AppState;

/// A bound, migrated, ready-to-serve portal.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    transport: Transport,
    /// Where the reader of live events starts.
    live_start: crate::live::Place,
}

impl Application {
    /// Connects to the configured database, applies migrations and binds the listener.
    pub async fn build(settings: Settings, clock: SharedClock) -> anyhow::Result<Self> {
        let db = Db::connect(&settings).await?;
        Self::build_with_db(settings, db, clock).await
    }

    /// Like [`Application::build`], on an already opened database.
    pub async fn build_with_db(
        settings: Settings,
        db: Db,
        clock: SharedClock,
    ) -> anyhow::Result<Self> {
        db.migrate()
            .await
            .context("cannot apply database migrations")?;
        let filled = crate::requests::repo::fill_search_keys(db.writer())
            .await
            .context("cannot fill the search keys of requests")?;
        if filled > 0 {
            // Views that search text counted requests without their keys.
            let txn = db.begin_write().await?;
            crate::views::kept::rebuild(&txn).await?;
            txn.commit().await?;
            tracing::info!(filled, "search keys of earlier requests filled");
        }
        if crate::metrics::repo::missing(db.writer())
            .await
            .context("cannot read the dashboard figures")?
        {
            let txn = db.begin_write().await?;
            let read = crate::metrics::repo::rebuild(&txn).await?;
            txn.commit().await?;
            tracing::info!(read, "dashboard figures of earlier requests made");
        }
        let live_start = crate::live::bus::start(&db)
            .await
            .context("cannot read where live events stand")?;
        let listener = TcpListener::bind(settings.http.bind)
            .await
            .with_context(|| format!("cannot listen on {}", settings.http.bind))?;
        let settings = Arc::new(settings);
        let deps = Deps::new(db, clock, Arc::clone(&settings))?;
        let transport = Transport::from_settings(&settings).context("invalid mail settings")?;
        tracing::info!(to = %transport.describe(&settings), "mail delivery");
        let state = AppState::new(deps);
        Ok(Self {
            listener,
            state,
            transport,
            live_start,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then stops accepting, lets in-flight requests finish
    /// (up to `http.shutdown_grace_secs`), closes WebSockets with 1001 and the database pools.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let state = self.state.clone();
        let workers = TaskTracker::new();
        let stop_workers = CancellationToken::new();
        workers.spawn(mail::worker::run(
            state.deps().clone(),
            self.transport,
            state.deps().mail.clone(),
            stop_workers.clone(),
        ));
        workers.spawn(maintenance(state.deps().clone(), stop_workers.clone()));
        workers.spawn(crate::live::bus::run(
            state.deps().clone(),
            self.live_start,
            stop_workers.clone(),
        ));
        workers.spawn(crate::requests::timers::run(
            state.deps().clone(),
            stop_workers.clone(),
        ));
        let router = crate::http::router(state.clone());
        let grace = Duration::from_secs(state.settings().http.shutdown_grace_secs);
        let signalled = {
            let state = state.clone();
            async move {
                shutdown.await;
                tracing::info!("shutting down: no new connections, finishing requests in flight");
                state.begin_shutdown();
            }
        };
        let server = axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(signalled);
        let mut server = std::pin::pin!(server.into_future());
        let result = tokio::select! {
            result = &mut server => result.map_err(anyhow::Error::from),
            () = async {
                state.shutdown_token().cancelled().await;
                tokio::time::sleep(grace).await;
            } => {
                tracing::warn!("requests still running after the grace period; stopping anyway");
                Ok(())
            }
        };
        let connections = state.connections();
        connections.close();
        let started = Instant::now();
        if tokio::time::timeout(grace, connections.wait())
            .await
            .is_err()
        {
            tracing::warn!("WebSocket connections still open after the grace period");
        }
        tracing::debug!(took = ?started.elapsed(), "WebSocket connections closed");
        stop_workers.cancel();
        workers.close();
        workers.wait().await;
        state.deps().db.close().await;
        tracing::info!("stopped");
        result
    }
}

/// Hourly clean-up of records no rule needs any more.
async fn maintenance(deps: Deps, stop: CancellationToken) {
    loop {
        if let Err(err) = auth::throttle::purge(deps.db.writer(), deps.clock.now()).await {
            tracing::warn!(%err, "cannot purge old credential attempts");
        }
        if let Err(err) = auth::address_counts::purge(deps.db.writer(), deps.clock.now()).await {
            tracing::warn!(%err, "cannot purge old per-address counts");
        }
        if let Err(err) = auth::known_clients::purge(deps.db.writer(), deps.clock.now()).await {
            tracing::warn!(%err, "cannot forget clients not seen for a year");
        }
        let now = deps.clock.now();
        if let Err(err) =
            crate::contacts::staged_repo::drop_of_dead_sessions(deps.db.writer(), now).await
        {
            tracing::warn!(%err, "cannot drop the staged role changes of ended sessions");
        }
        let retention = chrono::Duration::days(i64::from(deps.settings.mail.retention_days));
        match mail::purge(deps.db.writer(), now - retention).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "deleted sent mails past their retention"),
            Err(err) => tracing::warn!(%err, "cannot purge sent mails"),
        }
        // At most ten years (checked with the settings).
        let retention = chrono::Duration::hours(
            i64::try_from(deps.settings.live.retention_hours).unwrap_or(87_600),
        );
        match crate::live::prune(deps.db.writer(), now - retention).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "deleted live events past their retention"),
            Err(err) => tracing::warn!(%err, "cannot delete old live events"),
        }
        match crate::requests::attachments::sweep_orphans(&deps, now).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "deleted uploaded files no attachment names"),
            Err(err) => tracing::warn!(%err, "cannot sweep orphaned attachment files"),
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(Duration::from_secs(3600)) => {}
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
