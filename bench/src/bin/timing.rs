//! The timing benchmark (issue 13): a failed login answers in the same time whether the login
//! exists or not, and so does a password reset request whether the address is an account's
//! (with the default `auth.answer_floor_ms`).
//! Requests alternate between the two paths (known first, then unknown first), one at a time
//! on one keep-alive connection, each known account asked once so that no throttling kicks in.
//! Goal: the medians within 10 %. Run with `bench/run timing` (see bench/README.md).

#![allow(clippy::print_stdout)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use clap::Parser;
use entity::AccountState;
use http::Request;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use portal_api::accounts::repo::{self as accounts, NewAccount};
use portal_api::clock::SystemClock;
use portal_api::config::{Secret, Settings};
use portal_api::db::Db;
use portal_api::domain::{Email, Language};
use portal_api::startup::Application;
use portal_bench::load::median;
use tokio::net::TcpStream;

#[derive(Parser, Debug)]
struct Args {
    /// Tries of each path (each known account is used once per measure).
    #[arg(long, default_value_t = 300)]
    tries: usize,
    /// `postgres://…` to measure on PostgreSQL instead of the embedded SQLite.
    #[arg(long)]
    database_url: Option<String>,
}

const PASSWORD: &str = "benchmark passphrase of some length";

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: SocketAddr) -> anyhow::Result<Sender> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    Ok(sender)
}

/// Sends one GraphQL request; its round-trip time and the answer.
async fn time(sender: &mut Sender, body: String) -> anyhow::Result<(Duration, String)> {
    let request = Request::post("/graphql")
        .header("host", "localhost")
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))?;
    sender.ready().await?;
    let started = Instant::now();
    let response = sender.send_request(request).await?;
    let answer = response.into_body().collect().await?.to_bytes();
    Ok((
        started.elapsed(),
        String::from_utf8_lossy(&answer).into_owned(),
    ))
}

fn login(login: &str) -> String {
    serde_json::json!({
        "query": "mutation($i: LoginInput!) { login(input: $i) { status } }",
        "variables": { "i": { "login": login, "password": "not the password at all" } },
    })
    .to_string()
}

fn reset(address: &str) -> String {
    serde_json::json!({
        "query": "mutation($i: RequestPasswordResetInput!) { requestPasswordReset(input: $i) { accepted } }",
        "variables": { "i": { "address": address } },
    })
    .to_string()
}

/// Milliseconds of `durations`: min, median, max.
fn summary(durations: &mut [f64]) -> (f64, f64, f64) {
    let min = durations.iter().copied().fold(f64::INFINITY, f64::min);
    let max = durations.iter().copied().fold(0.0, f64::max);
    (min, median(durations), max)
}

/// Times the known and the unknown requests alternately; (known, unknown) in ms, checking
/// that both answer the same.
async fn measure(
    sender: &mut Sender,
    known: &[String],
    unknown: &[String],
) -> anyhow::Result<(Vec<f64>, Vec<f64>)> {
    let (mut k, mut u) = (Vec::new(), Vec::new());
    for (n, (known, unknown)) in known.iter().zip(unknown).enumerate() {
        let (first, second) = if n % 2 == 0 {
            (known, unknown)
        } else {
            (unknown, known)
        };
        let (a, answer_a) = time(sender, first.clone()).await?;
        let (b, answer_b) = time(sender, second.clone()).await?;
        anyhow::ensure!(
            answer_a == answer_b,
            "different answers: {answer_a} / {answer_b}"
        );
        let (known_ms, unknown_ms) = if n % 2 == 0 { (a, b) } else { (b, a) };
        k.push(known_ms.as_secs_f64() * 1000.0);
        u.push(unknown_ms.as_secs_f64() * 1000.0);
    }
    Ok((k, u))
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(&args))
}

async fn run(args: &Args) -> anyhow::Result<()> {
    let data_dir = tempfile::tempdir()?;
    let mut settings = Settings {
        data_dir: data_dir.path().to_path_buf(),
        ..Settings::default()
    };
    settings.http.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    settings.log.level = "error".into();
    settings.database.url = args.database_url.clone().map(Secret::new);
    settings.auth.address_limit_per_minute = u32::MAX;
    portal_api::telemetry::init(&settings.log);
    let db = Db::connect(&settings).await?;
    let app = Application::build_with_db(settings, db, Arc::new(SystemClock)).await?;
    let deps = app.state().deps().clone();
    let hash = deps.passwords.hash(PASSWORD.into()).await?;
    let txn = deps.db.begin_write().await?;
    let mut known = Vec::new();
    for n in 0..args.tries {
        let address = format!("known{n}@timing.example");
        accounts::insert(
            &txn,
            NewAccount {
                login: address.clone(),
                email: Email::parse(&address, "email")?,
                display_name: format!("Known {n}"),
                language: Language::En,
                state: AccountState::Active,
                password_hash: Some(hash.clone()),
                must_change_password: false,
            },
            deps.clock.now(),
        )
        .await?;
        known.push(address);
    }
    txn.commit().await?;
    let unknown: Vec<String> = (0..args.tries)
        .map(|n| format!("unknown{n}@timing.example"))
        .collect();
    let addr = app.local_addr()?;
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let mut sender = connect(addr).await?;
    // Warm up both paths (connections, caches, the dummy hash).
    for _ in 0..5 {
        time(&mut sender, login("warm@timing.example")).await?;
        time(&mut sender, reset("warm@timing.example")).await?;
    }
    let logins = |list: &[String]| list.iter().map(|a| login(a)).collect::<Vec<_>>();
    let resets = |list: &[String]| list.iter().map(|a| reset(a)).collect::<Vec<_>>();
    let (mut login_known, mut login_unknown) =
        measure(&mut sender, &logins(&known), &logins(&unknown)).await?;
    let (mut reset_known, mut reset_unknown) =
        measure(&mut sender, &resets(&known), &resets(&unknown)).await?;
    let engine = if args.database_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!("{} tries of each, {engine}\n", args.tries);
    println!(
        "| request | existing: min / median / max | unknown: min / median / max | medians differ by | goal |"
    );
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (name, known, unknown) in [
        ("failed login", &mut login_known, &mut login_unknown),
        (
            "password reset request",
            &mut reset_known,
            &mut reset_unknown,
        ),
    ] {
        let (k_min, k_med, k_max) = summary(known);
        let (u_min, u_med, u_max) = summary(unknown);
        let gap = (k_med - u_med).abs() / k_med.min(u_med).max(f64::EPSILON) * 100.0;
        println!(
            "| {name} | {k_min:.2} / {k_med:.2} / {k_max:.2} ms | {u_min:.2} / {u_med:.2} / {u_max:.2} ms | {gap:.1} % | ≤ 10 %, {} |",
            if gap <= 10.0 { "met" } else { "missed" }
        );
    }
    Ok(())
}
