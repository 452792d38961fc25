//! The login benchmark (issue 3): the p99 latency of a cheap authenticated query
//! (`{ viewer { twoFactor } }`) when the server is idle, and while 50 clients log in again and
//! again (each its own account, each login one Argon2id check), in one run on loopback.
//! Goal: p99 under load ≤ 2 × idle p99. Run with `bench/run login` (see bench/README.md).

#![allow(clippy::print_stdout)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use clap::Parser;
use entity::AccountState;
use http::Method;
use portal_api::accounts::repo::{self as accounts, NewAccount};
use portal_api::clock::SystemClock;
use portal_api::config::{Secret, Settings};
use portal_api::db::Db;
use portal_api::domain::{Email, Language};
use portal_api::startup::Application;
use portal_bench::load::{self, Stats, Target, median};

#[derive(Parser, Debug)]
struct Args {
    /// Seconds per measurement.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Rounds (idle, then under load, alternating); the table gives medians.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Clients logging in at once.
    #[arg(long, default_value_t = 50)]
    logins: usize,
    /// `postgres://…` to measure on PostgreSQL instead of the embedded SQLite.
    #[arg(long)]
    database_url: Option<String>,
}

const PASSWORD: &str = "benchmark passphrase of some length";

fn target(addr: SocketAddr, token: Option<&str>, body: String) -> Target {
    let mut headers = vec![("content-type", "application/json".to_owned())];
    if let Some(token) = token {
        headers.push(("authorization", format!("Bearer {token}")));
    }
    Target {
        addr,
        method: Method::POST,
        path: "/graphql".into(),
        headers,
        body: Bytes::from(body),
        alternate: None,
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let (addr, token, logins, _dir) = runtime.block_on(start(&args))?;
    let viewer = target(
        addr,
        Some(&token),
        r#"{"query":"{ viewer { twoFactor } }"}"#.into(),
    );
    let duration = Duration::from_secs(args.seconds);
    let (mut idle, mut loaded, mut per_sec) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..args.rounds {
        let quiet = load::run(&viewer, 1, duration);
        let login_threads: Vec<_> = logins
            .iter()
            .map(|t| {
                let t = t.clone();
                std::thread::spawn(move || load::run(&t, 1, duration))
            })
            .collect();
        let busy = load::run(&viewer, 1, duration);
        let login_stats: Vec<Stats> = login_threads
            .into_iter()
            .filter_map(|handle| handle.join().ok())
            .collect();
        let logins_done: u64 = login_stats.iter().map(|s| s.requests).sum();
        let failures: u64 = login_stats.iter().map(|s| s.failures).sum();
        println!(
            "round {}: idle p99 {:.2} ms, under load p99 {:.2} ms ({} queries), {:.0} logins/s ({failures} failed)",
            round + 1,
            quiet.p99_ms(),
            busy.p99_ms(),
            busy.requests,
            logins_done as f64 / args.seconds as f64
        );
        idle.push(quiet.p99_ms());
        loaded.push(busy.p99_ms());
        per_sec.push(logins_done as f64 / args.seconds as f64);
    }
    let (idle, loaded) = (median(&mut idle), median(&mut loaded));
    println!();
    println!(
        "| measure | idle | {} logins running | ratio | goal |",
        args.logins
    );
    println!("| --- | ---: | ---: | ---: | ---: |");
    println!(
        "| p99 of `{{ viewer {{ twoFactor }} }}` | {idle:.2} ms | {loaded:.2} ms | {:.2} | ≤ 2 |",
        loaded / idle.max(f64::EPSILON)
    );
    println!(
        "| logins completed per second | | {:.0} | | |",
        median(&mut per_sec)
    );
    Ok(())
}

/// Starts the portal in this process with one viewer session and `logins` accounts that have a
/// password; returns the login requests.
async fn start(
    args: &Args,
) -> anyhow::Result<(SocketAddr, String, Vec<Target>, tempfile::TempDir)> {
    let data_dir = tempfile::tempdir()?;
    let mut settings = Settings {
        data_dir: data_dir.path().to_path_buf(),
        ..Settings::default()
    };
    settings.http.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    settings.log.level = "error".into();
    settings.database.url = args.database_url.clone().map(Secret::new);
    // Every client is on 127.0.0.1: the per-address limit would stop the benchmark.
    settings.auth.address_limit_per_minute = u32::MAX;
    portal_api::telemetry::init(&settings.log);
    let db = Db::connect(&settings).await?;
    let app = Application::build_with_db(settings, db, Arc::new(SystemClock)).await?;
    let deps = app.state().deps().clone();
    let summary = portal_api::demo::load(&deps, 0).await?;
    let token = summary
        .logins
        .iter()
        .find(|login| login.login == "camille")
        .map(|login| login.token.clone())
        .ok_or_else(|| anyhow::anyhow!("demo login missing"))?;
    let hash = deps.passwords.hash(PASSWORD.into()).await?;
    let txn = deps.db.begin_write().await?;
    let mut bodies = Vec::new();
    for n in 0..args.logins {
        let login = format!("bench{n}@load.example");
        let email = Email::parse(&login, "email")?;
        accounts::insert(
            &txn,
            NewAccount {
                login: login.clone(),
                email,
                display_name: format!("Bench {n}"),
                language: Language::En,
                state: AccountState::Active,
                password_hash: Some(hash.clone()),
                must_change_password: false,
            },
            deps.clock.now(),
        )
        .await?;
        bodies.push(
            serde_json::json!({
                "query": "mutation($i: LoginInput!) { login(input: $i) { status } }",
                "variables": { "i": { "login": login, "password": PASSWORD } },
            })
            .to_string(),
        );
    }
    txn.commit().await?;
    let addr = app.local_addr()?;
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let logins = bodies.into_iter().map(|b| target(addr, None, b)).collect();
    Ok((addr, token, logins, data_dir))
}
