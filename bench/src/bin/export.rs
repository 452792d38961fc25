//! The export benchmark (issue 14): the whole "all requests" queue of a support agent (every
//! company) downloaded as CSV and as an `.xlsx` workbook from a separate `portal serve`
//! process over the demo data, timing each download to its last byte and reading the
//! process's resident memory (now, and its peak since start) from `/proc`.
//!
//! Goal: a 100,000-row view exported in under 10 s with a peak RSS under 150 MB.
//! Run with `bench/run export` (see bench/README.md).

#![allow(clippy::print_stdout)]

use std::time::Instant;

use bytes::Bytes;
use clap::Parser;
use http::Method;
use portal_bench::load::{self, Target};
use portal_bench::process::Portal;
use portal_bench::{compare, demo_server};

#[derive(Parser, Debug)]
struct Args {
    /// Downloads of each format; the table gives min / median / max.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Requests generated in the demo data (the agent's export holds those not drafts).
    #[arg(long, default_value_t = 105_000)]
    requests: usize,
    /// `postgres://…` to measure on PostgreSQL instead of the embedded SQLite.
    #[arg(long)]
    database_url: Option<String>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(args))
}

/// Loads the demo data in this process, then serves it from a `portal serve` child process.
async fn run(args: Args) -> anyhow::Result<()> {
    let loaded = demo_server::load_demo(args.requests, args.database_url.clone(), "lionel").await?;
    let (data_dir, token) = (loaded.data_dir, loaded.token);
    drop(loaded.app);
    loaded.db.close().await;
    let mut env = vec![("PORTAL_LOG__LEVEL", "error")];
    if let Some(url) = &args.database_url {
        env.push(("PORTAL_DATABASE__URL", url.as_str()));
    }
    let portal = Portal::start_in(data_dir, &env).await?;
    let addr = portal.addr.parse()?;
    let get = |path: &str| Target {
        addr,
        method: Method::GET,
        path: path.into(),
        headers: vec![("authorization", format!("Bearer {token}"))],
        body: Bytes::new(),
        alternate: None,
    };
    let count = Target {
        method: Method::POST,
        path: "/graphql".into(),
        headers: vec![
            ("authorization", format!("Bearer {token}")),
            ("content-type", "application/json".into()),
        ],
        body: Bytes::from(r#"{"query":"{ requests(scope: TEAM, first: 1) { totalCount } }"}"#),
        ..get("/graphql")
    };
    let answer: serde_json::Value = serde_json::from_slice(&compare::fetch(&count).await?)?;
    let expected = answer["data"]["requests"]["totalCount"]
        .as_u64()
        .ok_or_else(|| anyhow::anyhow!("no totalCount: {answer}"))?;
    let idle_kib = portal.rss_kib()?;
    println!(
        "portal serving {expected} requests to the agent; resident {:.1} MB before any export",
        mib(idle_kib)
    );

    let csv = get("/export/requests.csv?scope=TEAM");
    let xlsx = get("/export/requests.xlsx?scope=TEAM");
    let (mut csv_secs, mut xlsx_secs) = (Vec::new(), Vec::new());
    let (mut csv_bytes, mut xlsx_bytes) = (0, 0);
    for round in 0..args.rounds {
        let (secs, body) = timed(&csv).await?;
        // A header line, then one line per request (no field holds a line break in the demo).
        let lines = body.iter().filter(|&&b| b == b'\n').count() as u64;
        anyhow::ensure!(
            lines == expected + 1,
            "the CSV has {lines} lines for {expected} requests"
        );
        csv_secs.push(secs);
        csv_bytes = body.len();
        let (secs, body) = timed(&xlsx).await?;
        anyhow::ensure!(body.starts_with(b"PK"), "not a workbook");
        xlsx_secs.push(secs);
        xlsx_bytes = body.len();
        println!(
            "round {}: CSV {:.2} s, xlsx {:.2} s, peak resident {:.1} MB",
            round + 1,
            csv_secs[round],
            xlsx_secs[round],
            mib(portal.peak_rss_kib()?)
        );
    }
    let peak_kib = portal.peak_rss_kib()?;
    println!();
    println!(
        "| {}, {expected} rows (every request of the agent's team scope) | min / median / max | size |",
        if args.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    println!("| --- | ---: | ---: |");
    println!(
        "| CSV download, to the last byte | {} | {:.1} MB |",
        spread(&mut csv_secs),
        mib(csv_bytes as u64 / 1024)
    );
    println!(
        "| xlsx download, to the last byte | {} | {:.1} MB |",
        spread(&mut xlsx_secs),
        mib(xlsx_bytes as u64 / 1024)
    );
    println!(
        "| portal resident memory: before the exports / peak since start (VmHWM) | {:.1} MB / {:.1} MB | |",
        mib(idle_kib),
        mib(peak_kib)
    );
    Ok(())
}

/// Seconds to the last byte of one download, and the body.
async fn timed(target: &Target) -> anyhow::Result<(f64, Bytes)> {
    let started = Instant::now();
    let body = compare::fetch(target).await?;
    Ok((started.elapsed().as_secs_f64(), body))
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// "min / median / max" of durations in seconds.
fn spread(values: &mut [f64]) -> String {
    let (min, median, max) = load::span(values);
    format!("{min:.2} / {median:.2} / {max:.2} s")
}
