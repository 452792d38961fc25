//! The live-updates benchmark (issue 15), on loopback against the release `portal` binary with
//! the demo data set, in one run:
//!
//! 1. resident memory per idle subscription (each on its own WebSocket) at 2,000 and 10,000;
//! 2. the time from a change (a message added through `/graphql`) to its receipt by each of
//!    5,000 subscribers following everything, over rounds, with lost and duplicated updates
//!    counted;
//! 3. the server's CPU with 10,000 subscriptions, each following one request page, while
//!    changes fan out at a steady rate;
//! 4. with `--database-url`, the extra time an update takes to reach the subscribers of a
//!    second instance on the same PostgreSQL database.
//!
//! The server sends its mail (the changes notify people) to the end-to-end tests' SMTP server
//! on loopback, as a production server sends it to a relay.
//!
//! Run with `bench/run live` (see bench/README.md).

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used
)]

use std::collections::HashMap;
use std::time::{Duration, Instant};

use clap::Parser;
use futures_util::SinkExt;
use futures_util::stream::{SplitSink, StreamExt};
use portal_bench::load::span;
use portal_bench::process::{Portal, portal_binary};
use portal_tests::smtp::SmtpServer;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const EVERYTHING: &str =
    "subscription { requestUpdates { cursor kind messageId request { id state version } } }";
const ONE: &str = "subscription($id: ID) { requestUpdates(requestId: $id) { cursor kind messageId request { id state version } } }";
const MESSAGE: &str =
    "mutation($i: AddRequestMessageInput!) { addRequestMessage(input: $i) { message { id } } }";

#[derive(Parser, Debug)]
struct Args {
    /// Subscriptions at which memory is measured (the last is also the CPU phase's number).
    #[arg(long, value_delimiter = ',', default_value = "2000,10000")]
    idle: Vec<usize>,
    /// Subscribers of the fan-out latency phase.
    #[arg(long, default_value_t = 5000)]
    fanout: usize,
    /// Changes timed in the fan-out phase.
    #[arg(long, default_value_t = 20)]
    changes: usize,
    /// Changes per second in the CPU phase.
    #[arg(long, default_value_t = 100)]
    rate: u32,
    /// Seconds of each CPU round.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// CPU rounds.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Requests of the demo data set; the CPU phase's subscribers follow them round-robin.
    #[arg(long, default_value_t = 1000)]
    requests: usize,
    /// PostgreSQL URL of an empty database, instead of the embedded SQLite one; adds the
    /// two-instance phase.
    #[arg(long)]
    database_url: Option<String>,
    /// Serve the hand-written broadcaster the fan-out is compared with (`portal_bench::floor`).
    #[arg(long, hide = true)]
    floor_server: bool,
}

type Sink = SplitSink<WebSocketStream<MaybeTlsStream<TcpStream>>, Message>;

/// An update received: the message it is about, when.
type Receipt = (String, Instant);

/// What the load client reads of a graphql-transport-ws message.
#[derive(serde::Deserialize)]
struct Incoming {
    #[serde(rename = "type")]
    kind: String,
    payload: Option<Payload>,
}

#[derive(serde::Deserialize)]
struct Payload {
    data: Option<Data>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    request_updates: Option<Update>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Update {
    message_id: Option<String>,
}

/// Subscribers, each on its own socket, whose updates flow into one channel.
struct Subscribers {
    sinks: Vec<Sink>,
    receipts: mpsc::UnboundedReceiver<Receipt>,
    sender: mpsc::UnboundedSender<Receipt>,
}

impl Subscribers {
    fn new() -> Self {
        let (sender, receipts) = mpsc::unbounded_channel();
        Self {
            sinks: Vec::new(),
            receipts,
            sender,
        }
    }

    /// Opens one more socket with one subscription.
    async fn open(
        &mut self,
        addr: &str,
        token: &str,
        query: &str,
        variables: Value,
    ) -> anyhow::Result<()> {
        let mut request = format!("ws://{addr}/graphql/ws").into_client_request()?;
        request
            .headers_mut()
            .insert("sec-websocket-protocol", "graphql-transport-ws".parse()?);
        // tungstenite zeroes its whole read buffer (128 KiB by default) before every read: with
        // thousands of sockets that memset took a sixth of this machine's CPU, beside the server
        // being measured. The server reads into 1 KiB (`websocket.read_buffer_bytes`).
        let config = WebSocketConfig::default().read_buffer_size(4096);
        let (ws, _) =
            tokio_tungstenite::connect_async_with_config(request, Some(config), false).await?;
        let (mut sink, mut stream) = ws.split();
        let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } });
        sink.send(Message::text(init.to_string())).await?;
        let ack = stream
            .next()
            .await
            .ok_or_else(|| anyhow::anyhow!("closed"))??;
        anyhow::ensure!(ack.to_text()?.contains("connection_ack"), "no ack: {ack}");
        let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": query, "variables": variables } });
        sink.send(Message::text(subscribe.to_string())).await?;
        let sender = self.sender.clone();
        tokio::spawn(async move {
            while let Some(Ok(message)) = stream.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                // Every message is parsed whole, as a client would, into just what is read.
                let Ok(message) = serde_json::from_str::<Incoming>(text.as_str()) else {
                    continue;
                };
                if message.kind != "next" {
                    continue;
                }
                let id = message
                    .payload
                    .and_then(|p| p.data)
                    .and_then(|d| d.request_updates)
                    .and_then(|u| u.message_id)
                    .unwrap_or_default();
                if sender.send((id, Instant::now())).is_err() {
                    return;
                }
            }
        });
        self.sinks.push(sink);
        Ok(())
    }

    fn len(&self) -> usize {
        self.sinks.len()
    }

    /// Receipts of `message`, waiting until `expected` or `timeout`; other receipts seen on the
    /// way are counted in `others`.
    async fn collect(
        &mut self,
        message: &str,
        expected: usize,
        timeout: Duration,
        others: &mut usize,
    ) -> Vec<Instant> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut times = Vec::with_capacity(expected);
        while times.len() < expected {
            match tokio::time::timeout_at(deadline, self.receipts.recv()).await {
                Ok(Some((id, at))) if id == message => times.push(at),
                Ok(Some(_)) => *others += 1,
                Ok(None) | Err(_) => break,
            }
        }
        times
    }

    /// Everything received until nothing came for `quiet`.
    async fn drain(&mut self, quiet: Duration) -> Vec<Receipt> {
        let mut all = Vec::new();
        while let Ok(Some(receipt)) = tokio::time::timeout(quiet, self.receipts.recv()).await {
            all.push(receipt);
        }
        all
    }
}

/// The demo logins printed by `portal demo`: login → token.
fn demo_tokens(output: &str) -> HashMap<String, String> {
    output
        .lines()
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let token = match words.iter().position(|w| *w == "TOTP") {
                Some(at) => words.get(at.checked_sub(1)?)?,
                None => words.last()?,
            };
            (token.len() > 30 && line.starts_with("  "))
                .then(|| (words[0].to_owned(), (*token).to_owned()))
        })
        .collect()
}

async fn graphql(
    http: &reqwest::Client,
    addr: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> anyhow::Result<Value> {
    let answer: Value = http
        .post(format!("http://{addr}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await?
        .json()
        .await?;
    anyhow::ensure!(answer["errors"].is_null(), "errors: {answer}");
    Ok(answer["data"].clone())
}

/// Adds a message; its ID and when it was sent.
async fn change(
    http: &reqwest::Client,
    addr: &str,
    token: &str,
    request: &str,
    n: usize,
) -> anyhow::Result<(String, Instant, Duration)> {
    let sent = Instant::now();
    let data = graphql(
        http,
        addr,
        token,
        MESSAGE,
        json!({ "i": { "requestId": request, "body": format!("update {n}") } }),
    )
    .await?;
    let took = sent.elapsed();
    let id = data["addRequestMessage"]["message"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    Ok((id, sent, took))
}

/// CPU seconds (user + system) the process has used so far.
fn cpu_seconds(pid: u32) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    Ok(ticks / 100.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.floor_server {
        return portal_bench::floor::serve().await;
    }
    let data_dir = tempfile::tempdir()?;
    let smtp = SmtpServer::start().await;
    let mut env: Vec<(&str, String)> = vec![
        ("PORTAL_WEBSOCKET__MAX_PER_ADDRESS", "100000".into()),
        ("PORTAL_WEBSOCKET__MAX_PER_SESSION", "100000".into()),
    ];
    env.extend([
        ("PORTAL_MAIL__SMTP__HOST", "127.0.0.1".into()),
        ("PORTAL_MAIL__SMTP__PORT", smtp.addr.port().to_string()),
        ("PORTAL_MAIL__SMTP__TLS", "none".into()),
        ("PORTAL_MAIL__SMTP__TIMEOUT_SECS", "10".into()),
    ]);
    if let Some(url) = &args.database_url {
        env.push(("PORTAL_DATABASE__URL", url.clone()));
    }
    let demo = tokio::process::Command::new(portal_binary()?)
        .arg("--data-dir")
        .arg(data_dir.path())
        .args([
            "--log-level",
            "warn",
            "demo",
            "--requests",
            &args.requests.to_string(),
        ])
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .await?;
    anyhow::ensure!(
        demo.status.success(),
        "portal demo failed: {}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let tokens = demo_tokens(&String::from_utf8_lossy(&demo.stdout));
    let agent = tokens
        .get("lionel")
        .ok_or_else(|| anyhow::anyhow!("no demo agent"))?
        .clone();
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let portal = Portal::start_in(data_dir, &env_refs).await?;
    let pid = portal.pid()?;
    let http = reqwest::Client::new();
    let mut requests: Vec<String> = Vec::new();
    let mut after = Value::Null;
    loop {
        let listed = graphql(&http, &portal.addr, &agent,
            "query($after: String) { requests(first: 100, after: $after, queue: ACTIVE) { edges { node { id } } pageInfo { hasNextPage endCursor } } }",
            json!({ "after": after })).await?;
        let page = &listed["requests"];
        requests.extend(
            page["edges"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| e["node"]["id"].as_str().map(str::to_owned)),
        );
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    anyhow::ensure!(!requests.is_empty(), "no open demo request");

    // 1 and 2: subscribers following everything.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let base = portal.rss_kib()?;
    let mut memory = Vec::new();
    let mut everything = Subscribers::new();
    let mut targets = args.idle.clone();
    targets.push(args.fanout);
    targets.sort_unstable();
    targets.dedup();
    let mut fanout = None;
    for target in targets {
        let opening = Instant::now();
        while everything.len() < target {
            everything
                .open(&portal.addr, &agent, EVERYTHING, json!({}))
                .await?;
        }
        eprintln!(
            "{target} subscriptions open ({:.1} s)",
            opening.elapsed().as_secs_f64()
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        if args.idle.contains(&target) {
            let rss = portal.rss_kib()?;
            memory.push((target, rss.saturating_sub(base) as f64 / target as f64));
        }
        if target == args.fanout {
            fanout = Some(
                fan_out(
                    &args,
                    &http,
                    &portal.addr,
                    &agent,
                    &requests[0],
                    &mut everything,
                )
                .await?,
            );
        }
    }
    drop(everything);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let floor = if args.fanout > 0 {
        Some(floor_fan_out(&args).await?)
    } else {
        None
    };

    // 4: a second instance on the same PostgreSQL database.
    let across = match args.database_url {
        Some(_) => {
            let second = Portal::start_in(tempfile::tempdir()?, &env_refs).await?;
            let mut local = Subscribers::new();
            let mut remote = Subscribers::new();
            for _ in 0..100 {
                local
                    .open(&portal.addr, &agent, EVERYTHING, json!({}))
                    .await?;
                remote
                    .open(&second.addr, &agent, EVERYTHING, json!({}))
                    .await?;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
            let (mut near, mut far, mut lost) = (Vec::new(), Vec::new(), 0);
            let mut others = 0;
            for k in 0..=args.changes {
                let (id, sent, _) = change(&http, &portal.addr, &agent, &requests[0], k).await?;
                let here = local
                    .collect(&id, 100, Duration::from_secs(10), &mut others)
                    .await;
                let there = remote
                    .collect(&id, 100, Duration::from_secs(10), &mut others)
                    .await;
                lost += 200 - here.len() - there.len();
                if k > 0 {
                    near.extend(here.iter().map(|at| ms(at.duration_since(sent))));
                    far.extend(there.iter().map(|at| ms(at.duration_since(sent))));
                }
            }
            near.sort_by(f64::total_cmp);
            far.sort_by(f64::total_cmp);
            Some(format!(
                "| change to receipt, 100 subscribers on the instance that made it / 100 on another, {} changes: p50 | {:.1} / {:.1} ms |\n\
                 | the same, p99 | {:.1} / {:.1} ms |\n\
                 | updates lost across both | {lost} |",
                args.changes,
                percentile(&near, 0.5),
                percentile(&far, 0.5),
                percentile(&near, 0.99),
                percentile(&far, 0.99),
            ))
        }
        None => None,
    };

    // 3: the same changes at a steady rate, first with nobody listening, then with request
    // pages open.
    let pages = args.idle.iter().copied().max().unwrap_or(0);
    let mut followers = Subscribers::new();
    let steady = Steady {
        args: &args,
        http: &http,
        addr: &portal.addr,
        token: &agent,
        requests: &requests,
        pid,
    };
    let mut alone = Vec::new();
    for round in 0..args.rounds {
        alone.push(steady.round(round, &mut followers, 0).await?.0);
    }
    eprintln!("CPU without subscribers measured");
    for n in 0..pages {
        let request = &requests[n % requests.len()];
        followers
            .open(&portal.addr, &agent, ONE, json!({ "id": request }))
            .await?;
    }
    eprintln!("{pages} request-page subscriptions open");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut cpu = Vec::new();
    let mut delivered = Vec::new();
    for round in 0..args.rounds {
        let (used, received, expected) = steady.round(round, &mut followers, pages).await?;
        cpu.push(used);
        delivered.push((received, expected));
    }

    println!();
    let engine = if args.database_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "Live updates, {engine} ({} open demo requests)",
        requests.len()
    );
    println!("| measure | value |");
    println!("| --- | ---: |");
    for (n, kib) in &memory {
        println!("| RSS per idle subscription, each on its own WebSocket, at {n} | {kib:.1} KiB |");
    }
    if let [(low, at_low), .., (high, at_high)] = memory.as_slice() {
        let slope = (at_high * *high as f64 - at_low * *low as f64) / (high - low) as f64;
        println!(
            "| the same, what each subscription from {low} to {high} added | {slope:.1} KiB |"
        );
    }
    if let Some(f) = fanout {
        println!("{f}");
    }
    if let Some(f) = floor {
        println!("{f}");
    }
    if let Some(a) = across {
        println!("{a}");
    }
    let (min, med, max) = span(&mut alone);
    println!(
        "| server CPU, no subscription, {} changes/s ({} rounds of {} s), min / median / max | {min:.0} / {med:.0} / {max:.0} % of one core |",
        args.rate, args.rounds, args.seconds
    );
    let (min, med, max) = span(&mut cpu);
    println!(
        "| server CPU, {pages} subscriptions on request pages, the same changes, min / median / max | {min:.0} / {med:.0} / {max:.0} % of one core |"
    );
    for (received, expected) in delivered {
        println!("| updates received / expected in a CPU round | {received} / {expected} |");
    }
    println!(
        "| mails taken by the SMTP server | {} |",
        smtp.mails().len()
    );
    Ok(())
}

/// Changes at `args.rate` per second for `args.seconds`.
struct Steady<'a> {
    args: &'a Args,
    http: &'a reqwest::Client,
    addr: &'a str,
    token: &'a str,
    requests: &'a [String],
    pid: u32,
}

impl Steady<'_> {
    /// One round: the server's CPU (% of one core), the updates `followers` received and
    /// how many they should have (`pages` subscriptions following the requests round-robin).
    async fn round(
        &self,
        round: usize,
        followers: &mut Subscribers,
        pages: usize,
    ) -> anyhow::Result<(f64, usize, usize)> {
        let count = self.requests.len();
        let followers_of = |request: usize| (0..pages).filter(|n| n % count == request).count();
        let before = cpu_seconds(self.pid)?;
        let started = Instant::now();
        let every = Duration::from_secs_f64(1.0 / f64::from(self.args.rate));
        let (mut sent, mut expected) = (0, 0);
        let mut tick = tokio::time::interval(every);
        let mut changes = Vec::new();
        while started.elapsed() < Duration::from_secs(self.args.seconds) {
            tick.tick().await;
            let index = (round * 7919 + sent) % count;
            expected += followers_of(index);
            let http = self.http.clone();
            let (addr, token) = (self.addr.to_owned(), self.token.to_owned());
            let request = self.requests[index].clone();
            changes.push(tokio::spawn(async move {
                change(&http, &addr, &token, &request, sent).await
            }));
            sent += 1;
        }
        for done in changes {
            done.await??;
        }
        let wall = started.elapsed().as_secs_f64();
        let used = (cpu_seconds(self.pid)? - before) / wall * 100.0;
        let received = followers.drain(Duration::from_secs(2)).await.len();
        Ok((used, received, expected))
    }
}

/// Times `args.changes` changes, one at a time, to every subscriber of `subscribers`.
async fn fan_out(
    args: &Args,
    http: &reqwest::Client,
    addr: &str,
    token: &str,
    request: &str,
    subscribers: &mut Subscribers,
) -> anyhow::Result<String> {
    let n = subscribers.len();
    let mut latencies = Vec::new();
    let mut mutation = Vec::new();
    let mut lost = 0;
    let mut others = 0;
    // One change to warm up.
    let (id, _, _) = change(http, addr, token, request, 0).await?;
    subscribers
        .collect(&id, n, Duration::from_secs(10), &mut others)
        .await;
    others = 0;
    for k in 1..=args.changes {
        let (id, sent, took) = change(http, addr, token, request, k).await?;
        mutation.push(ms(took));
        let times = subscribers
            .collect(&id, n, Duration::from_secs(10), &mut others)
            .await;
        let last = times.iter().max().map(|at| ms(at.duration_since(sent)));
        eprintln!(
            "change {k}: {} of {n} received, the last after {:.1} ms",
            times.len(),
            last.unwrap_or(f64::NAN)
        );
        lost += n - times.len();
        latencies.extend(times.iter().map(|at| ms(at.duration_since(sent))));
    }
    let duplicated = others + subscribers.drain(Duration::from_millis(500)).await.len();
    latencies.sort_by(f64::total_cmp);
    let (mmin, mmed, mmax) = span(&mut mutation);
    Ok(format!(
        "| change to receipt, {n} subscribers, {} changes: p50 / p99 / max | {:.1} / {:.1} / {:.1} ms |\n\
         | the change's own request (add a message), min / median / max | {mmin:.1} / {mmed:.1} / {mmax:.1} ms |\n\
         | updates lost / duplicated | {lost} / {duplicated} |",
        args.changes,
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(f64::NAN),
    ))
}

/// The same fan-out from the hand-written broadcaster of `portal_bench::floor`, run as a second
/// process: what one write per socket costs on this machine, with the same load client.
async fn floor_fan_out(args: &Args) -> anyhow::Result<String> {
    let mut server = tokio::process::Command::new(std::env::current_exe()?)
        .arg("--floor-server")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = server
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
    let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stdout));
    let line = lines.next_line().await?.unwrap_or_default();
    let addr = line
        .strip_prefix("floor listening on ")
        .ok_or_else(|| anyhow::anyhow!("the floor server printed {line:?}"))?
        .to_owned();
    let mut subscribers = Subscribers::new();
    while subscribers.len() < args.fanout {
        subscribers.open(&addr, "", EVERYTHING, json!({})).await?;
    }
    let mut control = Subscribers::new();
    control.open(&addr, "", EVERYTHING, json!({})).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let n = subscribers.len();
    let (mut latencies, mut lost, mut others) = (Vec::new(), 0, 0);
    for k in 0..=args.changes {
        let id = format!("floor-{k}");
        let sent = Instant::now();
        control.sinks[0]
            .send(Message::text(
                json!({ "type": "fire", "id": id }).to_string(),
            ))
            .await?;
        let times = subscribers
            .collect(&id, n, Duration::from_secs(10), &mut others)
            .await;
        if k > 0 {
            lost += n - times.len();
            latencies.extend(times.iter().map(|at| ms(at.duration_since(sent))));
        }
    }
    latencies.sort_by(f64::total_cmp);
    Ok(format!(
        "| the same fan-out from a hand-written broadcaster (no GraphQL, no database; `floor`), {n} sockets: p50 / p99 / max | {:.1} / {:.1} / {:.1} ms |\n\
         | its updates lost | {lost} |",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(f64::NAN),
    ))
}
