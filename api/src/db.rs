//! Storage: SeaORM over the embedded SQLite database or PostgreSQL.
//!
//! On SQLite, readers and the writer use separate pools: many read-only connections, and one
//! connection for every write transaction. Writes therefore queue inside the process instead of
//! racing for SQLite's lock, so clients never see "database is locked"; WAL mode lets reads go
//! on while a write commits. On PostgreSQL both handles share one pool.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, SqlxPostgresConnector, SqlxSqliteConnector, TransactionOptions,
    TransactionTrait,
};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::config::{DatabaseSettings, Settings};

/// Which database engine is behind the handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// Connection handles for reads and for write transactions.
#[derive(Debug, Clone)]
pub struct Db {
    read: DatabaseConnection,
    write: DatabaseConnection,
    engine: Engine,
    statements: Arc<AtomicU64>,
}

/// A connection that counts the statements it runs (transactions included) in `counter`.
fn counted(mut conn: DatabaseConnection, counter: &Arc<AtomicU64>) -> DatabaseConnection {
    let counter = Arc::clone(counter);
    conn.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    conn
}

/// Size of one pool, for `/metrics`.
#[derive(Debug, Clone, Copy)]
pub struct PoolStats {
    pub name: &'static str,
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

impl Db {
    /// Opens the configured database, creating the embedded one (and its directory) if needed.
    pub async fn connect(settings: &Settings) -> anyhow::Result<Self> {
        let url = settings.database_url();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::connect_postgres(&url, &settings.database).await
        } else if url.starts_with("sqlite:") {
            Self::connect_sqlite(&url, &settings.database, &settings.data_dir).await
        } else {
            anyhow::bail!("database.url must start with postgres:// or sqlite:")
        }
    }

    async fn connect_postgres(url: &str, cfg: &DatabaseSettings) -> anyhow::Result<Self> {
        let options = PgConnectOptions::from_str(url)
            .context("database.url is not a valid PostgreSQL URL")?
            .application_name("support-portal");
        let pool = PgPoolOptions::new()
            .max_connections(cfg.max_connections)
            .acquire_timeout(Duration::from_millis(cfg.acquire_timeout_ms))
            .connect_with(options)
            .await
            .context("cannot connect to PostgreSQL")?;
        let statements = Arc::default();
        let conn = counted(
            SqlxPostgresConnector::from_sqlx_postgres_pool(pool),
            &statements,
        );
        Ok(Self {
            read: conn.clone(),
            write: conn,
            engine: Engine::Postgres,
            statements,
        })
    }

    async fn connect_sqlite(
        url: &str,
        cfg: &DatabaseSettings,
        data_dir: &Path,
    ) -> anyhow::Result<Self> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
        let base = SqliteConnectOptions::from_str(url)
            .context("database.url is not a valid SQLite URL")?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_millis(cfg.busy_timeout_ms))
            .pragma("temp_store", "memory");
        let acquire = Duration::from_millis(cfg.acquire_timeout_ms);
        // Switching a new file to WAL needs a lock that `busy_timeout` does not wait for, so
        // processes opening one new file at once retry briefly.
        let mut attempt = 0;
        let writer = loop {
            let opened = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .acquire_timeout(acquire)
                .connect_with(base.clone().create_if_missing(true))
                .await;
            match opened {
                Ok(pool) => break pool,
                Err(err) if attempt < 20 && err.to_string().contains("locked") => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(err) => return Err(err).context("cannot open the SQLite database"),
            }
        };
        let reader = SqlitePoolOptions::new()
            .max_connections(cfg.max_connections)
            .acquire_timeout(acquire)
            .connect_with(base.read_only(true))
            .await
            .context("cannot open the SQLite database for reading")?;
        let statements = Arc::default();
        Ok(Self {
            read: counted(
                SqlxSqliteConnector::from_sqlx_sqlite_pool(reader),
                &statements,
            ),
            write: counted(
                SqlxSqliteConnector::from_sqlx_sqlite_pool(writer),
                &statements,
            ),
            engine: Engine::Sqlite,
            statements,
        })
    }

    /// For queries that change nothing. On SQLite these connections are read-only.
    pub fn reader(&self) -> &DatabaseConnection {
        &self.read
    }

    /// For every transaction that writes.
    pub fn writer(&self) -> &DatabaseConnection {
        &self.write
    }

    /// How many SQL statements this process has run (for `/metrics`, and for tests that check
    /// a page costs as many statements whatever its size).
    pub fn statements_run(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Starts a write transaction (`BEGIN IMMEDIATE` on SQLite, so that the write lock is taken
    /// up front and waited for, never failed on mid-transaction). Dropping it uncommitted rolls
    /// it back.
    pub async fn begin_write(&self) -> Result<DatabaseTransaction, DbErr> {
        let options = TransactionOptions {
            sqlite_transaction_mode: (self.engine == Engine::Sqlite)
                .then_some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        self.write.begin_with_options(options).await
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Fresh planner statistics after a bulk load. On PostgreSQL `VACUUM ANALYZE` (the
    /// visibility map too, so index-only scans work at once and autovacuum does not start on
    /// the new rows under load). On SQLite `ANALYZE` with skip-scans turned off: with them the
    /// planner reads every request in two states through `(company_id, state)` and sorts them
    /// rather than walk `(updated_at, id)` until a page is full (a team queue's first page
    /// took 70 ms instead of 2 ms at 100,000 requests); then a change of schema so that every
    /// open connection loads the statistics, not only the one that gathered them; then the
    /// bulk load's write-ahead log copied into the database and emptied (left at its size,
    /// each later commit's checkpoint copies it bit by bit under the readers' feet).
    pub async fn refresh_statistics(&self) -> Result<(), DbErr> {
        let statements: &[&str] = match self.engine {
            Engine::Postgres => &["VACUUM ANALYZE"],
            Engine::Sqlite => &[
                "ANALYZE",
                "UPDATE sqlite_stat1 SET stat = stat || ' noskipscan' \
                 WHERE stat NOT LIKE '%noskipscan%'",
                "CREATE TABLE IF NOT EXISTS statistics_reloaded (x INTEGER)",
                "DROP TABLE IF EXISTS statistics_reloaded",
                "PRAGMA wal_checkpoint(TRUNCATE)",
            ],
        };
        for sql in statements {
            self.write.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    pub fn backend(&self) -> DatabaseBackend {
        self.write.get_database_backend()
    }

    /// Applies every pending migration, all in one transaction. On PostgreSQL an advisory lock
    /// makes instances starting together apply them once, one after the other.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        let txn = self.begin_write().await?;
        if self.engine == Engine::Postgres {
            txn.execute_unprepared("SELECT pg_advisory_xact_lock(7426150315)")
                .await?;
        }
        Migrator::up(&txn, None).await?;
        txn.commit().await
    }

    /// Number of migrations not yet applied.
    pub async fn pending_migrations(&self) -> Result<usize, DbErr> {
        Ok(Migrator::get_pending_migrations_read_only(&self.read)
            .await?
            .len())
    }

    /// A round trip to the database.
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.read.ping().await
    }

    pub fn pool_stats(&self) -> Vec<PoolStats> {
        match self.engine {
            Engine::Postgres => {
                let pool = self.write.get_postgres_connection_pool();
                vec![PoolStats {
                    name: "main",
                    size: pool.size(),
                    idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
                    max: pool.options().get_max_connections(),
                }]
            }
            Engine::Sqlite => [("read", &self.read), ("write", &self.write)]
                .into_iter()
                .map(|(name, conn)| {
                    let pool = conn.get_sqlite_connection_pool();
                    PoolStats {
                        name,
                        size: pool.size(),
                        idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
                        max: pool.options().get_max_connections(),
                    }
                })
                .collect(),
        }
    }

    /// Closes every pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        match self.engine {
            Engine::Postgres => self.write.get_postgres_connection_pool().close().await,
            Engine::Sqlite => {
                self.read.get_sqlite_connection_pool().close().await;
                self.write.get_sqlite_connection_pool().close().await;
            }
        }
    }
}

/// Whether a database error is a unique-constraint violation (a taken value, or a concurrent
/// insert of the same key).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
