//! A real SMTP server on loopback for the tests: the protocol is `mailin`'s state machine, the
//! sockets are tokio's. Messages are kept in memory, decoded enough to read their headers,
//! text and links.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use mailin::{Action, AuthMechanism, Handler, Response, Session, SessionBuilder, response};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject as _;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A delivered message.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub from: String,
    pub to: Vec<String>,
    /// The message as received (headers and MIME body).
    pub raw: String,
    /// Whether it travelled over TLS.
    pub tls: bool,
    /// The user the client authenticated as, if it did.
    pub authenticated_as: Option<String>,
}

impl ReceivedMail {
    fn header_block(&self) -> &str {
        self.raw
            .split_once("\r\n\r\n")
            .map_or(self.raw.as_str(), |(h, _)| h)
    }

    /// Every header name, lower-cased.
    pub fn header_names(&self) -> Vec<String> {
        self.header_block()
            .split("\r\n")
            .filter(|line| !line.starts_with([' ', '\t']))
            .filter_map(|line| line.split_once(':').map(|(name, _)| name.to_lowercase()))
            .collect()
    }

    /// A top-level header's value, unfolded (encoded words are left as they are).
    pub fn header(&self, name: &str) -> Option<String> {
        let mut value: Option<String> = None;
        for line in self.header_block().split("\r\n") {
            if line.starts_with([' ', '\t']) {
                if let Some(v) = value.as_mut() {
                    v.push_str(line.trim_start());
                }
                continue;
            }
            if value.is_some() {
                break;
            }
            if let Some((key, rest)) = line.split_once(':')
                && key.eq_ignore_ascii_case(name)
            {
                value = Some(rest.trim().to_owned());
            }
        }
        value
    }

    /// The decoded body of the part with this content type (`text/plain` or `text/html`).
    pub fn part(&self, content_type: &str) -> Option<String> {
        for part in self.raw.split("\r\n--") {
            let Some((headers, body)) = part.split_once("\r\n\r\n") else {
                continue;
            };
            let lower = headers.to_lowercase();
            if !lower.contains(&format!("content-type: {content_type}")) {
                continue;
            }
            let body = body.trim_end_matches(['\r', '\n', '-']);
            return Some(if lower.contains("content-transfer-encoding: base64") {
                let compact: String = body.split_whitespace().collect();
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .unwrap_or_default();
                String::from_utf8_lossy(&bytes).into_owned()
            } else if lower.contains("content-transfer-encoding: quoted-printable") {
                decode_quoted_printable(body)
            } else {
                body.to_owned()
            });
        }
        None
    }

    pub fn text(&self) -> String {
        self.part("text/plain").unwrap_or_default()
    }

    /// The first link of the plain-text body starting with `prefix`.
    pub fn link(&self, prefix: &str) -> Option<String> {
        self.text()
            .split_whitespace()
            .find(|word| word.starts_with(prefix))
            .map(str::to_owned)
    }

    /// The `token` of the link's fragment.
    pub fn link_token(&self, prefix: &str) -> Option<String> {
        let link = self.link(prefix)?;
        link.split_once("#token=").map(|(_, t)| t.to_owned())
    }
}

fn decode_quoted_printable(body: &str) -> String {
    let mut bytes = Vec::new();
    let raw = body.replace("=\r\n", "");
    let mut iter = raw.bytes().peekable();
    while let Some(b) = iter.next() {
        if b == b'=' {
            let hi = iter.next();
            let lo = iter.next();
            if let (Some(hi), Some(lo)) = (hi, lo)
                && let Ok(v) = u8::from_str_radix(&format!("{}{}", hi as char, lo as char), 16)
            {
                bytes.push(v);
                continue;
            }
        }
        bytes.push(b);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[derive(Clone, Default)]
struct Inbox {
    mails: Arc<Mutex<Vec<ReceivedMail>>>,
    arrived: Arc<Notify>,
    /// While set, every connection gets `421 Service not available` and is closed.
    unavailable: Arc<AtomicBool>,
}

/// How a test server protects its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain text only.
    Plain,
    /// Plain text with the STARTTLS extension; mail is refused before TLS.
    StartTls,
    /// TLS from the first byte (implicit TLS, port 465 style).
    Tls,
}

/// The test certificate authority's certificate (PEM), which signed the test servers'
/// certificate for 127.0.0.1 and localhost.
pub fn test_ca_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/tls/ca.pem")
}

fn tls_acceptor() -> TlsAcceptor {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/tls");
    let chain = CertificateDer::pem_file_iter(dir.join("server.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).unwrap();
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    TlsAcceptor::from(Arc::new(config))
}

struct Collector {
    inbox: Inbox,
    /// Whether the connection is encrypted now.
    tls: Arc<AtomicBool>,
    /// The `user:password` the server accepts, when it requires authentication.
    credentials: Option<(String, String)>,
    authenticated: Option<String>,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Collector {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        if self.credentials.is_some() && self.authenticated.is_none() {
            return response::AUTHENTICATION_REQUIRED;
        }
        self.from = from.to_owned();
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let mail = ReceivedMail {
            from: std::mem::take(&mut self.from),
            to: std::mem::take(&mut self.to),
            raw: String::from_utf8_lossy(&self.data).into_owned(),
            tls: self.tls.load(Ordering::SeqCst),
            authenticated_as: self.authenticated.clone(),
        };
        self.inbox.mails.lock().unwrap().push(mail);
        self.inbox.arrived.notify_waiters();
        response::OK
    }

    fn auth_plain(&mut self, _authz: &str, user: &str, password: &str) -> Response {
        match &self.credentials {
            Some((u, p)) if u == user && p == password => {
                self.authenticated = Some(user.to_owned());
                response::AUTH_OK
            }
            _ => response::INVALID_CREDENTIALS,
        }
    }
}

/// Why a conversation stopped.
enum Turn {
    Closed,
    UpgradeTls,
}

/// Answers the client's lines until it leaves or asks for STARTTLS.
async fn converse<S: AsyncRead + AsyncWrite + Unpin>(
    reader: &mut BufReader<S>,
    session: &mut Session<Collector>,
) -> Turn {
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return Turn::Closed,
            Ok(_) => {}
        }
        let reply = session.process(&line);
        if reply.action == Action::NoReply {
            continue;
        }
        let bytes = reply.buffer().unwrap();
        if reader.get_mut().write_all(&bytes).await.is_err() || reply.action == Action::Close {
            return Turn::Closed;
        }
        if reply.action == Action::UpgradeTls {
            return Turn::UpgradeTls;
        }
    }
}

/// A running SMTP server.
#[derive(Clone)]
pub struct SmtpServer {
    pub addr: SocketAddr,
    inbox: Inbox,
}

impl SmtpServer {
    /// Starts on a free loopback port, plain text, no authentication.
    pub async fn start() -> Self {
        Self::start_with(SmtpSecurity::Plain, None).await
    }

    /// Starts on a free loopback port with TLS as `security` says and, with `credentials`
    /// (`user`, `password`), refusing mail until the client has authenticated (AUTH PLAIN).
    pub async fn start_with(security: SmtpSecurity, credentials: Option<(&str, &str)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let credentials = credentials.map(|(u, p)| (u.to_owned(), p.to_owned()));
        Self::serve(listener, security, credentials)
    }

    /// While `false`, the server answers every connection with `421` (service not available)
    /// and closes it, as a mail server that is down for maintenance does.
    pub fn set_available(&self, available: bool) {
        self.inbox.unavailable.store(!available, Ordering::SeqCst);
    }

    fn serve(
        listener: TcpListener,
        security: SmtpSecurity,
        credentials: Option<(String, String)>,
    ) -> Self {
        let addr = listener.local_addr().unwrap();
        let inbox = Inbox::default();
        let accepting = inbox.clone();
        let acceptor = (security != SmtpSecurity::Plain).then(tls_acceptor);
        tokio::spawn(async move {
            let mut builder = SessionBuilder::new("test-smtp");
            if security == SmtpSecurity::StartTls {
                builder.enable_start_tls();
            }
            if credentials.is_some() {
                builder.enable_auth(AuthMechanism::Plain);
            }
            while let Ok((stream, peer)) = listener.accept().await {
                let tls = Arc::new(AtomicBool::new(false));
                let handler = Collector {
                    inbox: accepting.clone(),
                    tls: Arc::clone(&tls),
                    credentials: credentials.clone(),
                    authenticated: None,
                    from: String::new(),
                    to: Vec::new(),
                    data: Vec::new(),
                };
                let mut session = builder.build(peer.ip(), handler);
                let unavailable = accepting.unavailable.load(Ordering::SeqCst);
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let mut stream = stream;
                    if unavailable {
                        let _ = stream.write_all(b"421 Service not available\r\n").await;
                        return;
                    }
                    let greeting = session.greeting().buffer().unwrap();
                    if security == SmtpSecurity::Tls {
                        let Some(acceptor) = acceptor else { return };
                        let Ok(mut stream) = acceptor.accept(stream).await else {
                            return;
                        };
                        tls.store(true, Ordering::SeqCst);
                        session.tls_active();
                        if stream.write_all(&greeting).await.is_ok() {
                            converse(&mut BufReader::new(stream), &mut session).await;
                        }
                        return;
                    }
                    if stream.write_all(&greeting).await.is_err() {
                        return;
                    }
                    let mut reader = BufReader::new(stream);
                    if let Turn::UpgradeTls = converse(&mut reader, &mut session).await {
                        let Some(acceptor) = acceptor else { return };
                        let Ok(stream) = acceptor.accept(reader.into_inner()).await else {
                            return;
                        };
                        tls.store(true, Ordering::SeqCst);
                        session.tls_active();
                        converse(&mut BufReader::new(stream), &mut session).await;
                    }
                });
            }
        });
        Self { addr, inbox }
    }

    /// Every message received so far.
    pub fn mails(&self) -> Vec<ReceivedMail> {
        self.inbox.mails.lock().unwrap().clone()
    }

    /// The messages to `address`.
    pub fn mails_to(&self, address: &str) -> Vec<ReceivedMail> {
        self.mails()
            .into_iter()
            .filter(|m| m.to.iter().any(|to| to.eq_ignore_ascii_case(address)))
            .collect()
    }

    /// Waits (up to 10 s) until `address` has received `count` messages; returns them.
    pub async fn wait_for(&self, address: &str, count: usize) -> Vec<ReceivedMail> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let arrived = self.inbox.arrived.notified();
            let mails = self.mails_to(address);
            if mails.len() >= count {
                return mails;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                panic!(
                    "{address} received {} mails, expected {count}: {:#?}",
                    mails.len(),
                    self.mails()
                );
            }
        }
    }
}
