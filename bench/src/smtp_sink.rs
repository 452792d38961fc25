//! A mail relay on loopback that takes every mail and keeps only a count: what a benchmark's
//! server sends its mail to, as a production server must (it refuses to start without
//! `mail.smtp`), instead of writing one `.eml` file per mail as the development default does.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// A running sink.
pub struct SmtpSink {
    pub port: u16,
    received: Arc<AtomicU64>,
}

impl SmtpSink {
    /// Starts on a free loopback port: plain text, no authentication.
    pub async fn start() -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let received = Arc::new(AtomicU64::new(0));
        let count = Arc::clone(&received);
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(session(socket, Arc::clone(&count)));
            }
        });
        Ok(Self { port, received })
    }

    /// The portal's settings that send its mail here.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("PORTAL_MAIL__SMTP__HOST", "127.0.0.1".into()),
            ("PORTAL_MAIL__SMTP__PORT", self.port.to_string()),
            ("PORTAL_MAIL__SMTP__TLS", "none".into()),
            ("PORTAL_MAIL__SMTP__TIMEOUT_SECS", "10".into()),
        ]
    }

    /// Mails accepted so far.
    pub fn received(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }
}

/// One SMTP session: every command is accepted; a mail counts once its data ended.
async fn session(socket: TcpStream, received: Arc<AtomicU64>) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink ESMTP\r\n").await?;
    let mut line = Vec::new();
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let command = line.get(..4).unwrap_or_default().to_ascii_uppercase();
        let reply: &[u8] = match command.as_slice() {
            b"EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
            b"DATA" => {
                write.write_all(b"354 go on\r\n").await?;
                loop {
                    line.clear();
                    if lines.read_until(b'\n', &mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == b".\r\n" || line == b".\n" {
                        break;
                    }
                }
                received.fetch_add(1, Ordering::Relaxed);
                b"250 kept\r\n"
            }
            b"QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => b"250 ok\r\n",
        };
        write.write_all(reply).await?;
    }
}
