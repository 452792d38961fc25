//! A closed-loop HTTP/1.1 load generator: `connections` keep-alive connections, each sending
//! the next request as soon as the previous answer is read, for a fixed time. Latencies go to
//! an HDR histogram (microseconds).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use hdrhistogram::Histogram;
use http::{Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// One request, sent again and again.
#[derive(Clone, Debug)]
pub struct Target {
    pub addr: SocketAddr,
    pub method: Method,
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Bytes,
    /// When set, every second request sends this body instead (an action and its reverse).
    pub alternate: Option<Bytes>,
}

impl Target {
    /// A JSON `POST` to `path` with a bearer token.
    pub fn post_json(addr: SocketAddr, path: &str, token: &str, body: &str) -> Self {
        Self {
            addr,
            method: Method::POST,
            path: path.into(),
            headers: vec![
                ("content-type", "application/json".to_owned()),
                ("authorization", format!("Bearer {token}")),
            ],
            body: Bytes::from(body.to_owned()),
            alternate: None,
        }
    }
}

/// Settings of a portal started inside a benchmark: loopback on a free port, only errors
/// logged, data in `data_dir`, PostgreSQL when `database_url` is given.
pub fn bench_settings(
    data_dir: &std::path::Path,
    database_url: Option<String>,
) -> portal_api::config::Settings {
    let mut settings = portal_api::config::Settings {
        data_dir: data_dir.to_path_buf(),
        ..portal_api::config::Settings::default()
    };
    settings.http.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    settings.log.level = "error".into();
    settings.database.url = database_url.map(portal_api::config::Secret::new);
    settings
}

/// CPU seconds (user + system) of `/proc/<path>/stat`.
fn cpu_seconds(path: &str) -> f64 {
    let stat = std::fs::read_to_string(path).unwrap_or_default();
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let ticks = |index: usize| {
        fields
            .get(index)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or_default()
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// What a run measured.
#[derive(Debug)]
pub struct Stats {
    /// CPU time of the whole process minus the load generator's thread, per request (µs).
    pub server_cpu_us: f64,
    /// CPU time of the load generator's thread per request (µs).
    pub client_cpu_us: f64,
    pub requests: u64,
    pub failures: u64,
    pub elapsed: Duration,
    pub latency_us: Histogram<u64>,
}

impl Stats {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    pub fn p50_ms(&self) -> f64 {
        self.latency_us.value_at_quantile(0.50) as f64 / 1000.0
    }

    pub fn p95_ms(&self) -> f64 {
        self.latency_us.value_at_quantile(0.95) as f64 / 1000.0
    }

    pub fn p99_ms(&self) -> f64 {
        self.latency_us.value_at_quantile(0.99) as f64 / 1000.0
    }
}

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds")
}

async fn connection(target: Target, until: Instant) -> anyhow::Result<(u64, u64, Histogram<u64>)> {
    let stream = TcpStream::connect(target.addr).await?;
    stream.set_nodelay(true)?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let mut latencies = histogram();
    let (mut ok, mut failed) = (0u64, 0u64);
    while Instant::now() < until {
        let body = match &target.alternate {
            Some(alternate) if (ok + failed) % 2 == 1 => alternate.clone(),
            _ => target.body.clone(),
        };
        let mut request = Request::builder()
            .method(target.method.clone())
            .uri(&target.path)
            .header("host", target.addr.to_string());
        for (name, value) in &target.headers {
            request = request.header(*name, value);
        }
        let request = request.body(Full::new(body))?;
        let started = Instant::now();
        let response = sender.send_request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        let took = started.elapsed();
        if status.is_success() && !body.is_empty() {
            ok += 1;
            latencies.saturating_record(u64::try_from(took.as_micros()).unwrap_or(u64::MAX));
        } else {
            failed += 1;
        }
    }
    Ok((ok, failed, latencies))
}

/// Runs `target` with `connections` connections for `duration`, from a runtime of its own on
/// one thread (the server keeps the others).
pub fn run(target: &Target, connections: usize, duration: Duration) -> Stats {
    let target = target.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("client runtime");
        let process_before = cpu_seconds("/proc/self/stat");
        let client_before = cpu_seconds("/proc/thread-self/stat");
        let mut stats = runtime.block_on(async move {
            let started = Instant::now();
            let until = started + duration;
            let tasks: Vec<_> = (0..connections)
                .map(|_| tokio::spawn(connection(target.clone(), until)))
                .collect();
            let mut stats = Stats {
                server_cpu_us: 0.0,
                client_cpu_us: 0.0,
                requests: 0,
                failures: 0,
                elapsed: Duration::ZERO,
                latency_us: histogram(),
            };
            for task in tasks {
                match task.await {
                    Ok(Ok((ok, failed, latencies))) => {
                        stats.requests += ok;
                        stats.failures += failed;
                        stats
                            .latency_us
                            .add(latencies)
                            .expect("same histogram bounds");
                    }
                    Ok(Err(err)) => {
                        eprintln!("connection failed: {err}");
                        stats.failures += 1;
                    }
                    Err(err) => eprintln!("client task failed: {err}"),
                }
            }
            stats.elapsed = started.elapsed();
            stats
        });
        let client = cpu_seconds("/proc/thread-self/stat") - client_before;
        let process = cpu_seconds("/proc/self/stat") - process_before;
        let requests = stats.requests.max(1) as f64;
        stats.client_cpu_us = client * 1e6 / requests;
        stats.server_cpu_us = (process - client) * 1e6 / requests;
        stats
    })
    .join()
    .expect("load thread")
}

/// Min, median and max of the values.
pub fn span(values: &mut [f64]) -> (f64, f64, f64) {
    let min = values.iter().copied().fold(f64::MAX, f64::min);
    let max = values.iter().copied().fold(0.0, f64::max);
    (min, median(values), max)
}

/// Median of the values.
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or_default()
}
