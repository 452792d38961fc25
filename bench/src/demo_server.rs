//! A portal over the demo data beside a raw axum server on the same database, for the
//! benchmarks that compare a GraphQL query with the SQL it needs (queues, metrics).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use http::HeaderMap;
use http::header::AUTHORIZATION;
use portal_api::clock::SystemClock;
use portal_api::db::Db;
use portal_api::startup::Application;
use sea_orm::{ConnectionTrait, Statement, Value};
use sha2::{Digest, Sha256};

use crate::load::{self, Target, median, span};

/// The options of a side-by-side benchmark over the demo data.
#[derive(clap::Parser, Debug)]
pub struct Args {
    /// Seconds per measurement.
    #[arg(long, default_value_t = 3)]
    pub seconds: u64,
    /// Rounds (ours, then raw, alternating); the table gives min / median / max of the p50s.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Requests generated in the demo data.
    #[arg(long, default_value_t = 100_000)]
    pub requests: usize,
    /// `postgres://…` to measure on PostgreSQL instead of the embedded SQLite.
    #[arg(long)]
    pub database_url: Option<String>,
}

/// The two servers and a session of the demo person the benchmark acts as.
pub struct Setup {
    pub graphql: SocketAddr,
    pub raw: SocketAddr,
    pub token: String,
    _dir: tempfile::TempDir,
}

/// The demo data in a fresh database, the portal built on it (not serving yet), and a session
/// of one demo person.
pub struct Loaded {
    /// The data directory (on SQLite, the database is in it); removed when dropped.
    pub data_dir: tempfile::TempDir,
    pub app: Application,
    pub db: Db,
    pub token: String,
}

/// Loads the demo data with `requests` requests into a fresh database (SQLite in a temporary
/// directory, or `database_url`) and signs in as the demo person `login`.
pub async fn load_demo(
    requests: usize,
    database_url: Option<String>,
    login: &str,
) -> anyhow::Result<Loaded> {
    let data_dir = tempfile::tempdir()?;
    let settings = load::bench_settings(data_dir.path(), database_url);
    portal_api::telemetry::init(&settings.log);
    let db = Db::connect(&settings).await?;
    let app = Application::build_with_db(settings, db.clone(), Arc::new(SystemClock)).await?;
    let loading = Instant::now();
    let summary = portal_api::demo::load_with(app.state().deps(), 0, requests).await?;
    println!(
        "loaded the demo data with {requests} requests in {:.1} s",
        loading.elapsed().as_secs_f64()
    );
    let token = summary
        .logins
        .iter()
        .find(|l| l.login == login)
        .map(|l| l.token.clone())
        .ok_or_else(|| anyhow::anyhow!("no {login} in the demo data"))?;
    Ok(Loaded {
        data_dir,
        app,
        db,
        token,
    })
}

/// [`load_demo`], then starts the portal and the raw server `routes` on loopback (given the
/// pools and, on SQLite, the database file).
pub async fn start(
    requests: usize,
    database_url: Option<String>,
    login: &str,
    routes: impl FnOnce(Db, Option<std::path::PathBuf>) -> Router,
) -> anyhow::Result<Setup> {
    let sqlite = database_url.is_none();
    let Loaded {
        data_dir,
        app,
        db,
        token,
    } = load_demo(requests, database_url, login).await?;
    let sqlite_file = sqlite.then(|| data_dir.path().join("portal.db"));
    let graphql = app.local_addr()?;
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let raw = listener.local_addr()?;
    let routes = routes(db, sqlite_file);
    tokio::spawn(async move { axum::serve(listener, routes).await });
    Ok(Setup {
        graphql,
        raw,
        token,
        _dir: data_dir,
    })
}

/// A statement with `?` placeholders for the database's backend.
pub fn statement(db: &Db, sql: &str, values: Vec<Value>) -> Statement {
    let backend = db.reader().get_database_backend();
    Statement::from_sql_and_values(backend, portal_api::sql::placeholders(backend, sql), values)
}

/// The bearer token of a request.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// The session's contact (what the portal resolves first on every request).
pub async fn contact(db: &Db, headers: &HeaderMap) -> Option<uuid::Uuid> {
    let token = bearer(headers)?;
    let hash = Sha256::digest(token.as_bytes()).to_vec();
    let sql = portal_api::auth::sessions::RESOLVE_SQL;
    let row = db
        .reader()
        .query_one_raw(statement(db, sql, vec![hash.into()]))
        .await
        .ok()??;
    row.try_get::<Option<uuid::Uuid>>("", "contact_id").ok()?
}

/// Measures each (name, ours, raw) pair in `rounds` alternating rounds of `duration` on one
/// connection and prints a Markdown row per pair: min / median / max of the rounds' p50,
/// the ratio of the medians, each side's p95 (median of the rounds) and their ratio, each
/// side's p99 (median of the rounds and worst), and the
/// server's CPU time per request on each side (median of the rounds).
pub fn print_side_by_side(
    title: &str,
    pairs: &[(&str, Target, Target)],
    rounds: usize,
    duration: Duration,
) -> anyhow::Result<()> {
    println!();
    println!(
        "| {title} | ours p50 min / median / max | raw p50 min / median / max | ratio of medians | p95 ours / raw (median), ratio | ours p99 median / max | raw p99 median / max | server CPU per request, ours / raw |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, ours_target, raw_target) in pairs {
        let (mut ours, mut raw) = (Vec::new(), Vec::new());
        let (mut ours_p95, mut raw_p95) = (Vec::new(), Vec::new());
        let (mut ours_p99, mut raw_p99) = (Vec::new(), Vec::new());
        let (mut ours_cpu, mut raw_cpu) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            let a = load::run(ours_target, 1, duration);
            let b = load::run(raw_target, 1, duration);
            anyhow::ensure!(a.failures == 0 && b.failures == 0, "{name}: failures");
            ours.push(a.p50_ms());
            ours_p95.push(a.p95_ms());
            raw_p95.push(b.p95_ms());
            ours_p99.push(a.p99_ms());
            ours_cpu.push(a.server_cpu_us);
            raw.push(b.p50_ms());
            raw_p99.push(b.p99_ms());
            raw_cpu.push(b.server_cpu_us);
        }
        let (o_min, o_med, o_max) = span(&mut ours);
        let (r_min, r_med, r_max) = span(&mut raw);
        let (_, p95, _) = span(&mut ours_p95);
        let (_, raw_p95, _) = span(&mut raw_p95);
        let (_, p99_med, p99_max) = span(&mut ours_p99);
        let (_, raw_p99_med, raw_p99_max) = span(&mut raw_p99);
        println!(
            "| {name} | {o_min:.2} / {o_med:.2} / {o_max:.2} ms | {r_min:.2} / {r_med:.2} / {r_max:.2} ms | {:.3} | {p95:.2} / {raw_p95:.2} ms, {:.3} | {p99_med:.2} / {p99_max:.2} ms | {raw_p99_med:.2} / {raw_p99_max:.2} ms | {:.0} / {:.0} µs |",
            o_med / r_med.max(f64::EPSILON),
            p95 / raw_p95.max(f64::EPSILON),
            median(&mut ours_cpu),
            median(&mut raw_cpu),
        );
    }
    Ok(())
}
