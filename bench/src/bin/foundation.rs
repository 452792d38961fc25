//! The foundation benchmark (issue 2). In one run, on loopback:
//!
//! 1. `{__typename}` through `/graphql` vs a handler returning the same static JSON;
//! 2. the first 50 contacts of a company through `/graphql` vs a raw axum handler running the
//!    same SQL with sqlx on the same pool;
//! 3. the `portal` binary's time from start to ready on an empty database, its idle RSS, and
//!    the memory an idle WebSocket connection holds (with the 4 KiB read buffer and with
//!    tungstenite's default 128 KiB).
//!
//! Rounds alternate the scenarios so that the machine's noise hits all of them alike; the table
//! gives the median of the rounds. Run with `bench/run foundation` (see bench/README.md).

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used
)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use clap::Parser;
use http::Method;
use portal_api::clock::SystemClock;
use portal_api::config::{Secret, Settings};
use portal_api::db::Db;
use portal_api::startup::Application;
use portal_bench::load::{self, Stats, Target, median};
use portal_bench::process::Portal;
use portal_bench::raw;

#[derive(Parser, Debug)]
struct Args {
    /// Seconds per measurement.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Alternating rounds.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// PostgreSQL URL of an empty database to use instead of the embedded SQLite one.
    #[arg(long)]
    database_url: Option<String>,
    /// Only the scenarios whose name contains this text (e.g. `typename`, `contacts`).
    #[arg(long)]
    only: Option<String>,
    /// Database pool size (readers on SQLite).
    #[arg(long, default_value_t = Settings::default().database.max_connections)]
    pool: u32,
    /// Idle WebSocket connections for the memory measurement (0 skips the process figures).
    #[arg(long, default_value_t = 1000)]
    websockets: usize,
}

fn target(addr: SocketAddr, path: &str, token: Option<&str>, body: &str) -> Target {
    let mut headers = vec![
        ("content-type", "application/json".to_owned()),
        ("accept", "application/graphql-response+json".to_owned()),
    ];
    if let Some(token) = token {
        headers.push(("authorization", format!("Bearer {token}")));
    }
    Target {
        addr,
        method: Method::POST,
        path: path.to_owned(),
        headers,
        body: Bytes::from(body.to_owned()),
        alternate: None,
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (graphql_addr, raw_addr, token, data_dir) =
        server_runtime.block_on(start_servers(&args))?;

    let typename_body = r#"{"query":"{ __typename }"}"#;
    let contacts_body = serde_json::json!({ "query": raw::CONTACTS_QUERY }).to_string();
    let scenarios = [
        (
            "{__typename}",
            "GraphQL",
            target(graphql_addr, "/graphql", None, typename_body),
        ),
        (
            "{__typename}",
            "static JSON",
            target(raw_addr, "/raw/typename", None, typename_body),
        ),
        (
            "50 contacts",
            "GraphQL",
            target(graphql_addr, "/graphql", Some(&token), &contacts_body),
        ),
        (
            "50 contacts",
            "raw SQL",
            target(raw_addr, "/raw/contacts", Some(&token), ""),
        ),
    ];
    portal_bench::compare::check_same_answers(&scenarios)?;

    let duration = Duration::from_secs(args.seconds);
    for (_, _, target) in scenarios.iter().step_by(2) {
        let _ = load::run(target, args.connections, Duration::from_secs(1));
    }
    let mut results: Vec<Vec<Stats>> = scenarios.iter().map(|_| Vec::new()).collect();
    let selected = |name: &str| {
        args.only
            .as_ref()
            .is_none_or(|only| name.contains(only.as_str()))
    };
    for round in 0..args.rounds {
        for (index, (name, _, target)) in scenarios.iter().enumerate() {
            if !selected(name) {
                continue;
            }
            let stats = load::run(target, args.connections, duration);
            eprintln!(
                "round {} {:<13} {:<12} {:>9.0} req/s, CPU per request: server {:.1} µs, client {:.1} µs ({} failures)",
                round + 1,
                scenarios[index].0,
                scenarios[index].1,
                stats.per_second(),
                stats.server_cpu_us,
                stats.client_cpu_us,
                stats.failures
            );
            results[index].push(stats);
        }
    }
    drop(data_dir);

    println!();
    println!(
        "HTTP on loopback, {} connections, {} rounds of {} s, database: {}",
        args.connections,
        args.rounds,
        args.seconds,
        if args.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    println!(
        "| scenario | server | req/s (median) | p50 ms | p99 ms | server CPU µs/req | vs raw |"
    );
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    let summary: Vec<(f64, f64, f64, f64)> = results
        .iter_mut()
        .map(|runs| {
            if runs.is_empty() {
                return (0.0, 0.0, 0.0, 0.0);
            }
            let rates: Vec<f64> = runs.iter().map(Stats::per_second).collect();
            let rate = median(&mut rates.clone());
            let best = runs
                .iter()
                .min_by(|a, b| {
                    (a.per_second() - rate)
                        .abs()
                        .total_cmp(&(b.per_second() - rate).abs())
                })
                .unwrap();
            (rate, best.p50_ms(), best.p99_ms(), best.server_cpu_us)
        })
        .collect();
    for (index, (scenario, server, _)) in scenarios.iter().enumerate() {
        if !selected(scenario) {
            continue;
        }
        let (rate, p50, p99, cpu) = summary[index];
        // Scenarios come in pairs: ours, then its baseline.
        let baseline = summary[index | 1].0;
        let ratio = format!("{:.2}", rate / baseline);
        println!(
            "| {scenario} | {server} | {rate:.0} | {p50:.2} | {p99:.2} | {cpu:.0} | {ratio} |"
        );
    }
    println!("Goals: {{__typename}} >= 0.85 of static JSON; 50 contacts >= 0.35 of raw SQL.");

    if args.websockets > 0 {
        server_runtime.block_on(process_figures(&args))?;
    }
    Ok(())
}

/// Starts the portal (with demo data: Pièces Auto has 66 contacts) and the raw routes on the
/// same database, in this process.
async fn start_servers(
    args: &Args,
) -> anyhow::Result<(SocketAddr, SocketAddr, String, tempfile::TempDir)> {
    let data_dir = tempfile::tempdir()?;
    let mut settings = Settings {
        data_dir: data_dir.path().to_path_buf(),
        ..Settings::default()
    };
    settings.http.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    settings.log.level = "error".into();
    settings.database.url = args.database_url.clone().map(Secret::new);
    settings.database.max_connections = args.pool;
    portal_api::telemetry::init(&settings.log);
    let db = Db::connect(&settings).await?;
    let app = Application::build_with_db(settings, db.clone(), Arc::new(SystemClock)).await?;
    let summary = portal_api::demo::load(app.state().deps(), 0).await?;
    let token = summary
        .logins
        .iter()
        .find(|login| login.login == "sophie")
        .map(|login| login.token.clone())
        .ok_or_else(|| anyhow::anyhow!("demo login missing"))?;
    let graphql_addr = app.local_addr()?;
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let raw_addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, raw::router(&db)).await });
    Ok((graphql_addr, raw_addr, token, data_dir))
}

async fn process_figures(args: &Args) -> anyhow::Result<()> {
    let mut start_times = Vec::new();
    for _ in 0..5 {
        let portal = Portal::start(&[]).await?;
        start_times.push(portal.start_to_ready.as_secs_f64() * 1000.0);
    }
    let start_ms = median(&mut start_times);
    let mut per_connection = Vec::new();
    let mut idle_rss = 0;
    for read_buffer in ["4096", "131072"] {
        // Every socket comes from loopback: lift the per-address limit above their number.
        let per_address = (args.websockets + 1).to_string();
        let portal = Portal::start(&[
            ("PORTAL_WEBSOCKET__READ_BUFFER_BYTES", read_buffer),
            ("PORTAL_WEBSOCKET__MAX_PER_ADDRESS", &per_address),
        ])
        .await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let before = portal.rss_kib()?;
        if read_buffer == "4096" {
            idle_rss = before;
        }
        let sockets = portal.idle_websockets(args.websockets).await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let after = portal.rss_kib()?;
        per_connection.push((
            read_buffer,
            (after.saturating_sub(before)) as f64 / args.websockets as f64,
        ));
        drop(sockets);
    }
    println!();
    println!("The portal binary on an empty SQLite database");
    println!("| measure | value |");
    println!("| --- | ---: |");
    println!("| start to ready (median of 5) | {start_ms:.0} ms |");
    println!("| idle RSS | {:.1} MiB |", idle_rss as f64 / 1024.0);
    for (buffer, kib) in per_connection {
        println!(
            "| RSS per idle WebSocket, {buffer}-byte read buffer ({} connections) | {kib:.1} KiB |",
            args.websockets
        );
    }
    Ok(())
}
