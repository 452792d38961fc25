//! The `portal` binary as a separate process: start-up time, resident memory, and the memory
//! held by idle WebSocket connections.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// The release `portal` binary next to this benchmark's executable.
pub fn portal_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let binary = exe.with_file_name("portal");
    anyhow::ensure!(
        binary.exists(),
        "{} is missing: run bench/run, which builds it",
        binary.display()
    );
    Ok(binary)
}

/// A running `portal serve`.
pub struct Portal {
    child: Child,
    pub addr: String,
    /// From spawning the process to the first `200` of `/readyz`.
    pub start_to_ready: Duration,
    _data_dir: tempfile::TempDir,
}

impl Portal {
    /// Starts the binary on an empty embedded database with `env` set.
    pub async fn start(env: &[(&str, &str)]) -> anyhow::Result<Self> {
        Self::start_in(tempfile::tempdir()?, env).await
    }

    /// Starts the binary on the data directory `data_dir` (its embedded database, unless `env`
    /// names another), which lives as long as the process.
    pub async fn start_in(
        data_dir: tempfile::TempDir,
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let started = Instant::now();
        let mut command = Command::new(portal_binary()?);
        command
            .arg("--data-dir")
            .arg(data_dir.path())
            .args(["--log-level", "warn", "serve", "--bind", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
        let mut lines = BufReader::new(stdout).lines();
        let mut addr = None;
        while let Some(line) = lines.next_line().await? {
            if let Some(rest) = line.strip_prefix("portal listening on http://") {
                addr = rest.split_whitespace().next().map(str::to_owned);
                break;
            }
        }
        let addr = addr.ok_or_else(|| anyhow::anyhow!("portal did not print its address"))?;
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        while !is_ready(&addr).await {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        Ok(Self {
            child,
            addr,
            start_to_ready: started.elapsed(),
            _data_dir: data_dir,
        })
    }

    /// The process ID.
    pub fn pid(&self) -> anyhow::Result<u32> {
        self.child
            .id()
            .ok_or_else(|| anyhow::anyhow!("process gone"))
    }

    /// Resident set size of the process, in KiB.
    pub fn rss_kib(&self) -> anyhow::Result<u64> {
        self.status_kib("VmRSS:")
    }

    /// The peak resident set size of the process since it started, in KiB.
    pub fn peak_rss_kib(&self) -> anyhow::Result<u64> {
        self.status_kib("VmHWM:")
    }

    /// A `/proc/<pid>/status` figure in KiB.
    fn status_kib(&self, field: &str) -> anyhow::Result<u64> {
        let pid = self
            .child
            .id()
            .ok_or_else(|| anyhow::anyhow!("process gone"))?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        status
            .lines()
            .find_map(|line| line.strip_prefix(field))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| anyhow::anyhow!("no {field}"))
    }

    /// Opens `count` graphql-transport-ws connections, initialised and idle, and keeps them.
    pub async fn idle_websockets(&self, count: usize) -> anyhow::Result<Vec<impl Sized>> {
        let mut sockets = Vec::with_capacity(count);
        for _ in 0..count {
            let mut request = format!("ws://{}/graphql/ws", self.addr).into_client_request()?;
            request
                .headers_mut()
                .insert("sec-websocket-protocol", "graphql-transport-ws".parse()?);
            let (mut ws, _) = tokio_tungstenite::connect_async(request).await?;
            ws.send(Message::text(r#"{"type":"connection_init"}"#))
                .await?;
            let ack = ws.next().await.ok_or_else(|| anyhow::anyhow!("closed"))??;
            anyhow::ensure!(ack.to_text()?.contains("connection_ack"), "no ack: {ack}");
            sockets.push(ws);
        }
        Ok(sockets)
    }
}

/// Whether `GET /readyz` answers 200, over a fresh TCP connection.
async fn is_ready(addr: &str) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else {
        return false;
    };
    let request = format!("GET /readyz HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).await.is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response).await;
    response.starts_with("HTTP/1.1 200")
}
