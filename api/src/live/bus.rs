//! Each instance's one reader of `live_events`: woken by a local commit, by PostgreSQL's
//! `NOTIFY` from any instance, or by its poll, it reads the committed events after the last
//! place it read, in order, and hands each to the local subscriptions of its topics.

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::fanout::{self, Inbox, Registry, Topic};
use super::{Event, Place, repo};
use crate::db::{Db, Engine};
use crate::deps::Deps;

/// Events read in one go.
const BATCH: u64 = 500;

/// How soon to look again, at first, for events that could not be read yet.
const WAITING_POLL: Duration = Duration::from_millis(5);

/// What connects the writers, the reader and the subscriptions of one instance.
#[derive(Clone)]
pub struct Bus {
    registry: Arc<Mutex<Registry>>,
    /// Events held per subscription that has not taken them yet.
    buffer: usize,
    wake: Arc<Notify>,
}

impl Bus {
    /// `buffer`: events held per subscription that has not taken them yet.
    pub fn new(buffer: usize) -> Self {
        Self {
            registry: Arc::default(),
            buffer,
            wake: Arc::default(),
        }
    }

    /// Tells the reader that a commit wrote events.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// The events of `topics` read from now on. A subscription that falls `buffer` events
    /// behind is told (`Received::Lagged`) and reads what it missed from the database.
    pub fn listen(&self, topics: Vec<Topic>) -> Inbox {
        Inbox::open(&self.registry, self.buffer, topics)
    }
}

/// Where this instance's reader starts: the last event that can be read now. Taken before
/// the instance serves anything, so that no subscription can start before it and wait for an
/// event the reader would then skip.
pub async fn start(db: &Db) -> Result<Place, sea_orm::DbErr> {
    repo::head(db.reader()).await
}

/// Reads events after `start` and hands them to the subscriptions until `stop`.
pub async fn run(deps: Deps, start: Place, stop: CancellationToken) {
    if deps.db.engine() == Engine::Postgres {
        let url = deps.settings.database_url();
        tokio::spawn(listen(url, deps.live.clone(), stop.clone()));
    }
    let poll = Duration::from_millis(deps.settings.live.poll_ms);
    let mut last = start;
    let postgres = deps.db.engine() == Engine::Postgres;
    let mut waited = Duration::ZERO;
    loop {
        let mut wait = poll;
        match read_after(&deps, last).await {
            Ok(place) => last = place,
            Err(err) => tracing::warn!(%err, "cannot read live events; retrying"),
        }
        // An event behind a transaction still running: look again soon rather than wait for
        // a wake (that transaction may write no event, or roll back), less and less often
        // while it runs on.
        if postgres && repo::waiting(deps.db.reader(), last).await.unwrap_or(false) {
            waited = (waited * 2).clamp(WAITING_POLL, poll);
            wait = waited;
        } else {
            waited = Duration::ZERO;
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = deps.live.wake.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// Hands every event after `last` to the subscriptions of its topics; returns the place of the
/// last one.
async fn read_after(deps: &Deps, mut last: Place) -> Result<Place, sea_orm::DbErr> {
    loop {
        let rows = repo::after(deps.db.reader(), last, BATCH).await?;
        let full = rows.len() as u64 == BATCH;
        let events: Vec<_> = rows
            .into_iter()
            .map(|row| Arc::new(Event::from_row(&deps.secrets, row)))
            .collect();
        let mut registry = fanout::lock(&deps.live.registry);
        for event in events {
            last = event.place;
            registry.deliver(&event);
        }
        if !full {
            return Ok(last);
        }
    }
}

/// Wakes the reader on every `NOTIFY` of the channel, and after a lost connection (the
/// notifications sent meanwhile are lost; the reader catches up by place).
async fn listen(url: String, bus: Bus, stop: CancellationToken) {
    let mut listener = None;
    loop {
        let step = async {
            let listener = match &mut listener {
                Some(listener) => listener,
                None => listener.insert(connect(&url).await?),
            };
            // `None`: the connection was lost; the next call reconnects.
            listener.try_recv().await.map(|_| ())
        };
        let result = tokio::select! {
            () = stop.cancelled() => return,
            result = step => result,
        };
        bus.wake();
        if let Err(err) = result {
            tracing::warn!(%err, "cannot listen for live events; retrying");
            listener = None;
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }
}

/// The listener's own connection, named so that operators (and tests) can tell it apart.
async fn connect(url: &str) -> Result<PgListener, sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?.application_name("support-portal-listener");
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    let mut listener = PgListener::connect_with(&pool).await?;
    listener.listen(repo::CHANNEL).await?;
    Ok(listener)
}
