//! What every service needs: storage, time, password hashing, secrets, mail and configuration.
//!
//! This module imports only low-level modules (configuration, storage, clock, the hashing
//! pool, the secret box, the file store, the mail signal, the memo): nothing of the schema or
//! the transports, so the domain never reaches them through it.

use std::sync::Arc;

use sea_orm::{DatabaseTransaction, DbErr};

use crate::auth::passwords::PasswordHasher;
use crate::auth::secrets::SecretBox;
use crate::auth::sessions::SessionPolicy;
use crate::clock::SharedClock;
use crate::config::Settings;
use crate::db::Db;
use crate::files::FileStore;
use crate::live::Bus;
use crate::mail::MailSignal;
use crate::memo::Memo;

/// Rows of counters added up: (metric, day or bucket, n).
pub type Sums = Vec<(String, i32, i64)>;

/// The dependencies of services.
#[derive(Clone)]
pub struct Deps {
    pub db: Db,
    pub clock: SharedClock,
    pub passwords: PasswordHasher,
    pub settings: Arc<Settings>,
    pub secrets: SecretBox,
    pub sessions: SessionPolicy,
    /// Wakes the mail worker after a commit that wrote mail.
    pub mail: MailSignal,
    /// Where attachments are kept.
    pub files: FileStore,
    /// Dashboard sums over days that are over (see `metrics`): kept 5 minutes at most.
    pub settled_sums: Arc<Memo<Sums>>,
    /// Wakes this instance's reader of live events after a commit that wrote some, and hands
    /// them to its subscriptions.
    pub live: Bus,
}

impl Deps {
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
            mail: MailSignal::default(),
            files: FileStore::from_settings(&settings)?,
            settled_sums: Arc::new(Memo::new(std::time::Duration::from_secs(300), 1_000)),
            live: Bus::new(settings.live.buffer),
            settings,
        })
    }

    /// Commits a write transaction, then wakes the mail worker for the mails it wrote into the
    /// outbox and the reader of live events for its events (a wake for nothing costs one empty
    /// poll).
    pub async fn commit(&self, txn: DatabaseTransaction) -> Result<(), DbErr> {
        txn.commit().await?;
        self.mail.wake();
        self.live.wake();
        Ok(())
    }
}

impl std::fmt::Debug for Deps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deps")
            .field("engine", &self.db.engine())
            .finish_non_exhaustive()
    }
}
