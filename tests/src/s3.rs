//! An S3-compatible server for the tests of the S3 storage option: s3rver (Node.js, installed
//! into `tests/interop` by `scripts/test`), on a free port with a bucket of its own.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tempfile::TempDir;
use tokio::process::{Child, Command};

/// The bucket every server starts with.
pub const BUCKET: &str = "portal";
/// s3rver's built-in credentials (it checks signatures with them).
pub const ACCESS_KEY: &str = "S3RVER";

/// A running s3rver; stopped when dropped.
pub struct S3Server {
    pub endpoint: String,
    _dir: TempDir,
    _child: Child,
}

impl S3Server {
    pub async fn start() -> Self {
        let interop = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("interop");
        let bin = interop.join("node_modules/s3rver/bin/s3rver.js");
        assert!(
            bin.exists(),
            "run `npm ci --prefix tests/interop` first (scripts/test does)"
        );
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            listener.local_addr().expect("its address").port()
        };
        let dir = tempfile::tempdir().expect("temporary directory");
        let child = Command::new("node")
            .arg(&bin)
            .args(["-d"])
            .arg(dir.path())
            .args(["-a", "127.0.0.1", "-p", &port.to_string(), "--silent"])
            .args(["--configure-bucket", BUCKET])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs s3rver");
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                return Self {
                    endpoint: format!("http://{addr}"),
                    _dir: dir,
                    _child: child,
                };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("s3rver did not start on {addr}");
    }
}
