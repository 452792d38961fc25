//! The `portal` binary run as a separate process, as an operator would.

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;

use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::app::{Backend, PgDatabase};

/// The `portal` binary built next to the test executable (`scripts/test` builds it first).
pub fn portal_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target directory");
    let binary = dir.join("portal");
    assert!(
        binary.exists(),
        "{} is missing: run `cargo build --bin portal` first (scripts/test does)",
        binary.display()
    );
    binary
}

/// A data directory and database for running the binary.
pub struct Portal {
    pub data_dir: TempDir,
    pub database_url: Option<String>,
    /// Environment variables (`PORTAL_…` settings) given to every command.
    pub env: Vec<(String, String)>,
    _pg: Option<PgDatabase>,
}

/// A `portal serve` process.
pub struct Server {
    pub child: Child,
    pub base_url: String,
    pub stderr_path: PathBuf,
}

impl Portal {
    /// `None` when PostgreSQL is unreachable outside CI.
    pub async fn new(backend: Backend) -> Option<Self> {
        let data_dir = tempfile::tempdir().expect("temporary directory");
        let (pg, database_url) = match backend {
            Backend::Sqlite => (None, None),
            Backend::Postgres => {
                let (pg, url) = PgDatabase::create().await?;
                (Some(pg), Some(url))
            }
        };
        Some(Self {
            data_dir,
            database_url,
            env: Vec::new(),
            _pg: pg,
        })
    }

    /// A command for the binary with this data directory and database, and no stray
    /// `PORTAL_…` variables from the environment.
    pub fn command(&self) -> Command {
        let mut command = Command::new(portal_binary());
        for (key, _) in std::env::vars() {
            if key.starts_with("PORTAL_") || key == "DATABASE_URL" {
                command.env_remove(key);
            }
        }
        command.arg("--data-dir").arg(self.data_dir.path());
        if let Some(url) = &self.database_url {
            command.arg("--database-url").arg(url);
        }
        command.envs(self.env.iter().map(|(key, value)| (key, value)));
        command.kill_on_drop(true);
        command
    }

    /// Runs `portal <args>` to completion.
    pub async fn run(&self, args: &[&str]) -> Output {
        tokio::time::timeout(Duration::from_secs(60), self.command().args(args).output())
            .await
            .expect("portal finished within 60 s")
            .expect("portal started")
    }

    /// Starts `portal serve` on a free port and waits until it listens.
    pub async fn serve(&self, extra: &[&str]) -> Server {
        let stderr_path = self.data_dir.path().join("stderr.log");
        let stderr = std::fs::File::create(&stderr_path).expect("stderr file");
        let mut child = self
            .command()
            .args(extra)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::from(stderr))
            .spawn()
            .expect("portal serve started");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let base_url = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await.expect("stdout line") {
                if let Some(rest) = line.strip_prefix("portal listening on ") {
                    return rest.split_whitespace().next().map(str::to_owned);
                }
            }
            None
        })
        .await
        .expect("portal listened within 60 s")
        .expect("portal printed its address");
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Server {
            child,
            base_url,
            stderr_path,
        }
    }
}

impl Server {
    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let pid = self.child.id().expect("running process");
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// Waits for the process to exit; its exit code.
    pub async fn exit_code(&mut self) -> Option<i32> {
        tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("exit within 30 s")
            .expect("wait")
            .code()
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }
}
