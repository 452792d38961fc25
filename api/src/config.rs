//! One typed configuration, loaded in layers: built-in defaults → optional TOML file →
//! `DATABASE_URL` → `PORTAL_…` environment variables → command-line flags.
//!
//! Nested keys use `__` in environment variables: `PORTAL_HTTP__BIND=0.0.0.0:8080` sets
//! `http.bind`. Every key and its default is listed in README.md.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// The configuration file read when `--config`/`PORTAL_CONFIG` name none and it exists.
pub const DEFAULT_CONFIG_FILE: &str = "portal.toml";

/// The largest page any connection field returns, whatever the configuration says.
pub const PAGE_SIZE_CEILING: u64 = 100;

/// Development (GraphiQL, introspection, field suggestions) or production (none of them unless
/// explicitly enabled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    Development,
    Production,
}

/// How log lines are written to standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// A value that must never be printed (it may hold a password).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself; call only where it is used, never to log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub profile: Profile,
    /// Where the embedded database and other local files live.
    pub data_dir: PathBuf,
    pub http: HttpSettings,
    pub database: DatabaseSettings,
    pub graphql: GraphqlSettings,
    pub websocket: WebSocketSettings,
    pub live: LiveSettings,
    pub auth: AuthSettings,
    pub mail: MailSettings,
    pub requests: RequestSettings,
    pub storage: StorageSettings,
    pub log: LogSettings,
}

/// Support requests: the time-based rules' job and attachments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestSettings {
    /// How often the job that auto-closes requests and sends reminders runs.
    pub job_interval_secs: u64,
    /// How long before the automatic closure of a proposed solution the customer is reminded
    /// (0: no reminder).
    pub closure_reminder_before_secs: u64,
    /// How often a customer who does not answer a clarification request is reminded
    /// (0: never).
    pub clarification_reminder_every_secs: u64,
    /// Largest attachment accepted, per file.
    pub max_attachment_bytes: u64,
    /// Most files one upload request may carry.
    pub max_files_per_upload: usize,
}

/// Where attachments are kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageSettings {
    /// The local directory; `None`: `data_dir/attachments`. Ignored when `s3` is set.
    pub dir: Option<PathBuf>,
    /// An S3-compatible bucket instead of the local directory.
    pub s3: Option<S3Settings>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Settings {
    pub bucket: String,
    pub region: String,
    /// `None`: AWS itself; otherwise the address of an S3-compatible service.
    #[serde(default)]
    pub endpoint: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<Secret>,
    /// Allow a plain `http://` endpoint (a service on the same host or network only).
    #[serde(default)]
    pub allow_http: bool,
    /// Keys under this prefix, e.g. `portal/`.
    #[serde(default)]
    pub prefix: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSettings {
    pub bind: SocketAddr,
    /// The address people use to reach the portal; links in mails are built from it, never
    /// from a request's headers.
    pub public_url: String,
    /// How long in-flight requests may run after a shutdown signal.
    pub shutdown_grace_secs: u64,
    /// `/metrics` answers only requests with `Authorization: Bearer <token>`. Without one it is
    /// open in development and off (404) in production.
    pub metrics_token: Option<Secret>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `postgres://…` for PostgreSQL; `sqlite://…` or unset for the embedded database in
    /// `data_dir`.
    pub url: Option<Secret>,
    /// Pool size (readers on SQLite, where a single connection writes).
    pub max_connections: u32,
    /// How long a statement waits for a lock held by another process (SQLite).
    pub busy_timeout_ms: u64,
    /// How long a request waits for a pooled connection.
    pub acquire_timeout_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphqlSettings {
    pub max_depth: usize,
    pub max_complexity: usize,
    pub max_aliases: usize,
    pub max_page_size: u64,
    pub max_body_bytes: usize,
    pub execution_timeout_ms: u64,
    /// `None`: on in development, off in production.
    pub introspection: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSocketSettings {
    pub connection_init_timeout_ms: u64,
    pub keepalive_secs: u64,
    pub max_message_bytes: usize,
    pub read_buffer_bytes: usize,
    pub max_subscriptions: usize,
    /// WebSockets one client address may hold open at once, anonymous ones included.
    pub max_per_address: usize,
    /// WebSockets one session may hold open at once.
    pub max_per_session: usize,
}

/// Live updates (SPEC §8): the events subscriptions push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveSettings {
    /// How long events are kept for clients that resume after a disconnection; a cursor
    /// older than this is refused (`CURSOR_EXPIRED`) and the client reloads.
    pub retention_hours: u64,
    /// Events held per subscription that has not taken them yet; one that falls further
    /// behind reads what it missed from the database.
    pub buffer: usize,
    /// How often each instance looks for new events when nothing woke it (a commit on this
    /// instance, or PostgreSQL's `NOTIFY` from another, wakes it at once).
    pub poll_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// 32 bytes in base64 that encrypt second-factor secrets at rest. Required in production;
    /// in development, unset means a key generated once into `data_dir/secret.key`.
    pub secret_key: Option<Secret>,
    /// Name shown by authenticator apps.
    pub totp_issuer: String,
    pub session_idle_secs: u64,
    /// Idle expiry of sessions acting as a Security Administrator.
    pub admin_session_idle_secs: u64,
    pub session_absolute_secs: u64,
    /// How long the second login step may wait after the password step.
    pub challenge_secs: u64,
    pub setup_link_secs: u64,
    pub reset_link_secs: u64,
    /// `None`: `Secure` cookies named `__Host-session`, except in development when
    /// `http.public_url` is plain `http://` (then a cookie named `session` without `Secure`).
    pub cookie_secure: Option<bool>,
    /// Proxies whose `X-Forwarded-For` is believed; otherwise the socket address is the
    /// client's.
    pub trusted_proxies: Vec<IpAddr>,
    /// Credential checks (login steps, links, reset requests) per client address per minute.
    pub address_limit_per_minute: u32,
    /// Failed logins and password reset requests answer no sooner than this after they
    /// arrived, so an unknown login or address takes the same time as a known one (their own
    /// work differs by a few database writes, or by the mail worker's work that follows).
    pub answer_floor_ms: u64,
    /// Password hashes computed at once; `0` means one per core.
    pub hashing_parallelism: usize,
}

/// How mail leaves the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    /// The `From` address, e.g. `Support Portal <support@example.com>`.
    pub from: String,
    /// `None`: mails are written as `.eml` files into `data_dir/mail`.
    pub smtp: Option<SmtpSettings>,
    /// How often the mail worker looks for due mails it was not told about.
    pub poll_interval_ms: u64,
    /// Delivery attempts before a mail is marked failed.
    pub max_attempts: u32,
    /// Sent and failed mails are deleted from the outbox this many days after they were
    /// written.
    pub retention_days: u32,
    /// How long a worker holds the mails it claimed; a mail claimed by a server that stopped
    /// abruptly is sent by another (or the restarted one) after this. At least ten SMTP
    /// timeouts: a batch of ten mails must be sent within it, or a mail could go out twice.
    pub claim_lease_secs: u64,
}

/// Transport security of the SMTP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text (a local relay only).
    None,
    /// Plain connection upgraded with STARTTLS, which is required.
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub timeout_secs: u64,
    /// A PEM file of root certificates to trust besides the public ones (a company CA that
    /// signed the relay's certificate); only with `tls = "starttls"` or `"tls"`.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    /// A `tracing` filter such as `info` or `portal_api=debug,info`.
    pub level: String,
    pub format: LogFormat,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            profile: Profile::Development,
            data_dir: PathBuf::from("data"),
            http: HttpSettings {
                bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
                public_url: "http://localhost:8080".into(),
                shutdown_grace_secs: 30,
                metrics_token: None,
            },
            database: DatabaseSettings {
                url: None,
                max_connections: 8,
                busy_timeout_ms: 5_000,
                acquire_timeout_ms: 10_000,
            },
            graphql: GraphqlSettings {
                max_depth: 10,
                max_complexity: 2_000,
                max_aliases: 30,
                max_page_size: PAGE_SIZE_CEILING,
                max_body_bytes: 256 * 1024,
                execution_timeout_ms: 10_000,
                introspection: None,
            },
            websocket: WebSocketSettings {
                connection_init_timeout_ms: 10_000,
                keepalive_secs: 25,
                max_message_bytes: 64 * 1024,
                read_buffer_bytes: 1024,
                max_subscriptions: 64,
                max_per_address: 256,
                max_per_session: 16,
            },
            live: LiveSettings {
                retention_hours: 72,
                buffer: 128,
                poll_ms: 1000,
            },
            auth: AuthSettings {
                secret_key: None,
                totp_issuer: "Support Portal".into(),
                session_idle_secs: 30 * 60,
                admin_session_idle_secs: 15 * 60,
                session_absolute_secs: 12 * 3600,
                challenge_secs: 5 * 60,
                setup_link_secs: 72 * 3600,
                reset_link_secs: 30 * 60,
                cookie_secure: None,
                trusted_proxies: Vec::new(),
                address_limit_per_minute: 30,
                answer_floor_ms: 250,
                hashing_parallelism: 0,
            },
            mail: MailSettings {
                from: "Support Portal <support@localhost>".into(),
                smtp: None,
                poll_interval_ms: 2_000,
                max_attempts: 12,
                retention_days: 30,
                claim_lease_secs: 300,
            },
            requests: RequestSettings {
                job_interval_secs: 60,
                closure_reminder_before_secs: 24 * 3600,
                clarification_reminder_every_secs: 3 * 24 * 3600,
                max_attachment_bytes: 25 * 1024 * 1024,
                max_files_per_upload: 10,
            },
            storage: StorageSettings {
                dir: None,
                s3: None,
            },
            log: LogSettings {
                level: "info".into(),
                format: LogFormat::Text,
            },
        }
    }
}

/// Values given on the command line; each one set overrides every other layer.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub profile: Option<Profile>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub bind: Option<SocketAddr>,
    pub log_level: Option<String>,
    pub log_format: Option<LogFormat>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {0} does not exist")]
    MissingFile(PathBuf),
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl Settings {
    /// Loads every layer. `config_file` is the `--config` flag; without it `PORTAL_CONFIG`,
    /// then `portal.toml` in the working directory if present.
    pub fn load(config_file: Option<&Path>, overrides: &Overrides) -> Result<Self, ConfigError> {
        let from_env = std::env::var_os("PORTAL_CONFIG").map(PathBuf::from);
        let file = match config_file.map(Path::to_path_buf).or(from_env) {
            Some(path) if !path.exists() => return Err(ConfigError::MissingFile(path)),
            Some(path) => Some(path),
            None => Some(PathBuf::from(DEFAULT_CONFIG_FILE)).filter(|path| path.exists()),
        };
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        if let Ok(url) = std::env::var("DATABASE_URL") {
            figment = figment.merge(Serialized::default("database.url", url));
        }
        figment = figment.merge(Env::prefixed("PORTAL_").ignore(&["config"]).split("__"));
        figment = apply_overrides(figment, overrides);
        let settings: Settings = figment
            .extract()
            .map_err(|err| ConfigError::Invalid(err.to_string()))?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks what types cannot say.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |message: &str| Err(ConfigError::Invalid(message.to_owned()));
        if !(1..=PAGE_SIZE_CEILING).contains(&self.graphql.max_page_size) {
            return invalid("graphql.max_page_size must be between 1 and 100");
        }
        if self.graphql.max_depth == 0 || self.graphql.max_complexity == 0 {
            return invalid("graphql.max_depth and graphql.max_complexity must be positive");
        }
        if self.graphql.max_body_bytes < 1024 {
            return invalid("graphql.max_body_bytes must be at least 1024");
        }
        if self.graphql.execution_timeout_ms == 0 {
            return invalid("graphql.execution_timeout_ms must be positive");
        }
        if self.websocket.read_buffer_bytes < 1024 || self.websocket.max_message_bytes < 1024 {
            return invalid("websocket buffers and messages must allow at least 1024 bytes");
        }
        if self.websocket.max_per_address == 0 || self.websocket.max_per_session == 0 {
            return invalid("websocket.max_per_address and max_per_session must be positive");
        }
        if !(1..=87_600).contains(&self.live.retention_hours) {
            return invalid("live.retention_hours must be between 1 and 87600 (ten years)");
        }
        if self.live.buffer == 0 || self.live.poll_ms == 0 {
            return invalid("live.buffer and live.poll_ms must be positive");
        }
        if self.requests.job_interval_secs == 0 {
            return invalid("requests.job_interval_secs must be positive");
        }
        if !(1..=i32::MAX as u64).contains(&self.requests.max_attachment_bytes) {
            return invalid("requests.max_attachment_bytes must be between 1 and 2147483647");
        }
        if !(1..=100).contains(&self.requests.max_files_per_upload) {
            return invalid("requests.max_files_per_upload must be between 1 and 100");
        }
        if let Some(s3) = &self.storage.s3
            && (s3.bucket.is_empty() || s3.region.is_empty())
        {
            return invalid("storage.s3 needs a bucket and a region");
        }
        if self.database.max_connections == 0 {
            return invalid("database.max_connections must be positive");
        }
        if !(self.http.public_url.starts_with("http://")
            || self.http.public_url.starts_with("https://"))
        {
            return invalid("http.public_url must start with http:// or https://");
        }
        let auth = &self.auth;
        if auth.session_idle_secs == 0
            || auth.admin_session_idle_secs == 0
            || auth.session_absolute_secs == 0
            || auth.challenge_secs == 0
            || auth.setup_link_secs == 0
            || auth.reset_link_secs == 0
        {
            return invalid("auth durations must be positive");
        }
        if auth.address_limit_per_minute == 0 {
            return invalid("auth.address_limit_per_minute must be positive");
        }
        if self.profile == Profile::Production && auth.secret_key.is_none() {
            return invalid("auth.secret_key is required in production (32 bytes, base64)");
        }
        if self.profile == Profile::Production && auth.cookie_secure == Some(false) {
            return invalid("auth.cookie_secure cannot be false in production");
        }
        if self.profile == Profile::Production && self.mail.smtp.is_none() {
            return invalid("mail.smtp is required in production (.eml files are for development)");
        }
        let smtp_timeout = self.mail.smtp.as_ref().map_or(1, |smtp| smtp.timeout_secs);
        if self.mail.claim_lease_secs < smtp_timeout.saturating_mul(10).max(1)
            || self.mail.claim_lease_secs > 86_400
        {
            return invalid(
                "mail.claim_lease_secs must be at least ten times mail.smtp.timeout_secs, and at most 86400",
            );
        }
        if self.mail.from.parse::<lettre::message::Mailbox>().is_err() {
            return invalid("mail.from must be an address such as `Portal <portal@example.com>`");
        }
        if self.mail.max_attempts == 0 || self.mail.poll_interval_ms == 0 {
            return invalid("mail.max_attempts and mail.poll_interval_ms must be positive");
        }
        Ok(())
    }

    /// Whether session cookies are `Secure` and named `__Host-session`.
    pub fn secure_cookies(&self) -> bool {
        self.auth.cookie_secure.unwrap_or(
            self.profile == Profile::Production || self.http.public_url.starts_with("https://"),
        )
    }

    /// Whether the schema answers introspection queries.
    pub fn introspection_enabled(&self) -> bool {
        self.graphql
            .introspection
            .unwrap_or(self.profile == Profile::Development)
    }

    /// GraphiQL is a development tool only.
    pub fn graphiql_enabled(&self) -> bool {
        self.profile == Profile::Development
    }

    /// The directory of attachments when they are kept locally.
    pub fn attachments_dir(&self) -> PathBuf {
        self.storage
            .dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("attachments"))
    }

    /// The database URL to use: the configured one, or the embedded SQLite file.
    pub fn database_url(&self) -> String {
        match &self.database.url {
            Some(url) => url.expose().to_owned(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("portal.db").display()
            ),
        }
    }
}

fn apply_overrides(mut figment: Figment, overrides: &Overrides) -> Figment {
    if let Some(profile) = overrides.profile {
        figment = figment.merge(Serialized::default("profile", profile));
    }
    if let Some(dir) = &overrides.data_dir {
        figment = figment.merge(Serialized::default("data_dir", dir));
    }
    if let Some(url) = &overrides.database_url {
        figment = figment.merge(Serialized::default("database.url", url));
    }
    if let Some(bind) = overrides.bind {
        figment = figment.merge(Serialized::default("http.bind", bind));
    }
    if let Some(level) = &overrides.log_level {
        figment = figment.merge(Serialized::default("log.level", level));
    }
    if let Some(format) = overrides.log_format {
        figment = figment.merge(Serialized::default("log.format", format));
    }
    figment
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail's closures return figment::Error
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_point_at_the_embedded_database() {
        let settings = Settings::default();
        settings.validate().unwrap();
        assert_eq!(settings.database_url(), "sqlite://data/portal.db?mode=rwc");
        assert!(settings.introspection_enabled());
        assert!(settings.graphiql_enabled());
    }

    #[test]
    fn production_turns_introspection_off_unless_enabled() {
        let mut settings = Settings {
            profile: Profile::Production,
            ..Settings::default()
        };
        assert!(!settings.introspection_enabled());
        assert!(!settings.graphiql_enabled());
        settings.graphql.introspection = Some(true);
        assert!(settings.introspection_enabled());
    }

    #[test]
    fn layers_apply_in_order_file_then_environment_then_flags() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "portal.toml",
                "profile = \"production\"\n[http]\nbind = \"127.0.0.1:9000\"\n\
                 public_url = \"https://support.example.com\"\n[log]\nlevel = \"debug\"\n",
            )?;
            jail.set_env("PORTAL_HTTP__BIND", "127.0.0.1:9100");
            jail.set_env("PORTAL_LOG__FORMAT", "json");
            jail.set_env("DATABASE_URL", "postgres://example/db");
            let overrides = Overrides {
                log_level: Some("warn".into()),
                ..Overrides::default()
            };
            let refused = Settings::load(None, &overrides).unwrap_err().to_string();
            assert!(refused.contains("auth.secret_key is required"), "{refused}");
            jail.set_env(
                "PORTAL_AUTH__SECRET_KEY",
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            );
            let refused = Settings::load(None, &overrides).unwrap_err().to_string();
            assert!(refused.contains("mail.smtp is required"), "{refused}");
            jail.set_env("PORTAL_MAIL__SMTP__HOST", "smtp.example.com");
            jail.set_env("PORTAL_MAIL__SMTP__PORT", "587");
            jail.set_env("PORTAL_MAIL__SMTP__TLS", "starttls");
            jail.set_env("PORTAL_MAIL__SMTP__TIMEOUT_SECS", "10");
            let settings = Settings::load(None, &overrides).unwrap();
            assert_eq!(settings.profile, Profile::Production);
            assert_eq!(settings.http.public_url, "https://support.example.com");
            assert_eq!(settings.http.bind.port(), 9100);
            assert_eq!(settings.log.format, LogFormat::Json);
            assert_eq!(settings.log.level, "warn");
            assert_eq!(settings.database_url(), "postgres://example/db");
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_and_out_of_range_values_are_refused() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("PORTAL_HTTP_BIND", "127.0.0.1:1");
            let err = Settings::load(None, &Overrides::default()).unwrap_err();
            assert!(err.to_string().contains("http_bind"), "{err}");
            Ok(())
        });
        figment::Jail::expect_with(|jail| {
            jail.set_env("PORTAL_GRAPHQL__MAX_PAGE_SIZE", "500");
            let err = Settings::load(None, &Overrides::default()).unwrap_err();
            assert!(err.to_string().contains("max_page_size"), "{err}");
            Ok(())
        });
        figment::Jail::expect_with(|jail| {
            jail.set_env("PORTAL_MAIL__CLAIM_LEASE_SECS", "5");
            let err = Settings::load(None, &Overrides::default()).unwrap_err();
            assert!(err.to_string().contains("claim_lease_secs"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn a_named_configuration_file_must_exist() {
        let err = Settings::load(
            Some(Path::new("/nonexistent/portal.toml")),
            &Overrides::default(),
        )
        .unwrap_err();
        assert!(matches!(err, ConfigError::MissingFile(_)));
    }

    #[test]
    fn secrets_do_not_print() {
        let secret = Secret::new("postgres://user:hunter2@db/portal");
        assert!(!format!("{secret:?}").contains("hunter2"));
    }
}
