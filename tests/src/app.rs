//! `TestApp`: one running server with its own database, and one method per request kind.

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::Utc;
use portal_api::clock::ManualClock;
use portal_api::config::{Profile, Secret, Settings};
use portal_api::config::{SmtpSettings, SmtpTls};
use portal_api::db::Db;
use portal_api::startup::Application;

use crate::smtp::{SmtpSecurity, SmtpServer};
use portal_api::http::state::AppState;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::sync::oneshot;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// A database created for one test and dropped with it.
pub struct PgDatabase {
    name: String,
}

impl PgDatabase {
    /// A new empty database and its URL; `None` when PostgreSQL is unreachable outside CI.
    pub async fn create() -> Option<(Self, String)> {
        let admin_url = postgres_admin_url();
        let admin = match Database::connect(admin_url.as_str()).await {
            Ok(admin) => admin,
            Err(err) if in_ci() => {
                panic!("PostgreSQL is required under CI=true and unreachable at {admin_url}: {err}")
            }
            Err(err) => {
                eprintln!(
                    "!!! PostgreSQL unreachable at {admin_url} ({err}): skipping the PostgreSQL half of this test"
                );
                return None;
            }
        };
        let name = format!("portal_test_{}", uuid::Uuid::now_v7().simple());
        // A French ICU locale, as a production server may have, so that text ordering that
        // silently depends on the server's collation shows up in tests; plain otherwise.
        let localised = format!(
            "CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' \
             LOCALE_PROVIDER icu ICU_LOCALE 'fr-FR' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        );
        if admin.execute_unprepared(&localised).await.is_err() {
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create the test database");
        }
        drop(admin.close().await);
        let (without_query, query) = match admin_url.split_once('?') {
            Some((url, query)) => (url, format!("?{query}")),
            None => (admin_url.as_str(), String::new()),
        };
        let base = without_query
            .rsplit_once('/')
            .map_or(without_query, |(base, _)| base);
        Some((Self { name: name.clone() }, format!("{base}/{name}{query}")))
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let name = std::mem::take(&mut self.name);
        // Drop runs inside the test's runtime: use a thread with its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let admin = Database::connect(postgres_admin_url().as_str())
                    .await
                    .ok()?;
                let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                admin.execute_unprepared(&sql).await.ok()?;
                admin.close().await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("could not drop a PostgreSQL test database");
        }
    }
}

/// A GraphQL answer: HTTP status, media type and JSON body.
#[derive(Debug, Clone)]
pub struct Gql {
    pub status: u16,
    pub content_type: String,
    pub body: Value,
}

impl Gql {
    /// `data`, after checking there is no error.
    pub fn ok(&self) -> &Value {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {:#}",
            self.body
        );
        assert_eq!(self.status, 200, "{:#}", self.body);
        &self.body["data"]
    }

    /// The `extensions.code` of each error, in order.
    pub fn codes(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        e["extensions"]["code"]
                            .as_str()
                            .unwrap_or("<none>")
                            .to_owned()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The first error, which must exist.
    pub fn error(&self) -> &Value {
        &self.body["errors"][0]
    }
}

/// A running portal.
pub struct TestApp {
    pub addr: SocketAddr,
    pub base_url: String,
    pub http: reqwest::Client,
    pub state: AppState,
    pub clock: ManualClock,
    pub backend: Backend,
    pub data_dir: TempDir,
    /// The SMTP server the portal delivers to.
    pub smtp: SmtpServer,
    stop: Option<oneshot::Sender<()>>,
    // Declared last: dropped after the server has been told to stop.
    _pg: Option<PgDatabase>,
}

/// A server on a fresh SQLite database with default settings.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {})
        .await
        .expect("PostgreSQL unavailable")
}

/// A server on a fresh database of `backend`, with settings adjusted by `configure`. `None` when
/// PostgreSQL is unreachable outside CI.
pub async fn spawn_app_with(
    backend: Backend,
    configure: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    let data_dir = tempfile::tempdir().expect("temporary directory");
    let mut settings = Settings {
        data_dir: data_dir.path().to_path_buf(),
        profile: Profile::Development,
        ..Settings::default()
    };
    settings.http.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    settings.http.shutdown_grace_secs = 5;
    settings.log.level = std::env::var("TEST_LOG").unwrap_or_else(|_| "off".into());
    // The SMTP server starts once `configure` has said how the portal talks to it.
    settings.mail.smtp = Some(SmtpSettings {
        host: "127.0.0.1".into(),
        port: 0,
        tls: SmtpTls::None,
        username: None,
        password: None,
        timeout_secs: 5,
        ca_file: None,
    });
    settings.mail.poll_interval_ms = 200;
    // Tests make many failed logins; the one that checks the floor sets it.
    settings.auth.answer_floor_ms = 0;
    settings.auth.hashing_parallelism = 2;
    let pg = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => {
            let (pg, url) = PgDatabase::create().await?;
            settings.database.url = Some(Secret::new(url));
            settings.database.max_connections = 5;
            Some(pg)
        }
    };
    configure(&mut settings);
    let smtp = match settings.mail.smtp.as_mut() {
        Some(relay) => {
            let security = match relay.tls {
                SmtpTls::None => SmtpSecurity::Plain,
                SmtpTls::Starttls => SmtpSecurity::StartTls,
                SmtpTls::Tls => SmtpSecurity::Tls,
            };
            let credentials = relay
                .username
                .as_deref()
                .zip(relay.password.as_ref().map(Secret::expose));
            let server = SmtpServer::start_with(security, credentials).await;
            relay.port = server.addr.port();
            server
        }
        None => SmtpServer::start().await,
    };
    portal_api::telemetry::init(&settings.log);
    let clock = ManualClock::new(Utc::now());
    let db = Db::connect(&settings)
        .await
        .expect("open the test database");
    let app = Application::build_with_db(settings, db, Arc::new(clock.clone()))
        .await
        .expect("build the application");
    let addr = app.local_addr().expect("bound address");
    let state = app.state().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    Some(TestApp {
        addr,
        base_url: format!("http://{addr}"),
        http: reqwest::Client::new(),
        state,
        clock,
        backend,
        data_dir,
        smtp,
        stop: Some(stop),
        _pg: pg,
    })
}

/// Another server instance on a [`TestApp`]'s database, files and clock, as a second replica
/// behind a load balancer: its own memory (limiters, caches, workers), the same data.
pub struct Instance {
    pub base_url: String,
    http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
}

impl Instance {
    /// `POST /graphql` as a modern client.
    pub async fn graphql_as(&self, token: Option<&str>, query: &str, variables: Value) -> Gql {
        let mut request = self
            .http
            .post(format!("{}/graphql", self.base_url))
            .header("accept", "application/graphql-response+json")
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        TestApp::read(request.send().await.expect("POST /graphql")).await
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// A second server instance on this one's database, files and clock.
    pub async fn another_instance(&self) -> Instance {
        self.instance_on(self.state.deps().db.clone()).await
    }

    /// A second server instance with its own connections to this one's database (as another
    /// process would have), on the same files and clock.
    pub async fn separate_instance(&self) -> Instance {
        let db = Db::connect(self.state.settings())
            .await
            .expect("open the database again");
        self.instance_on(db).await
    }

    async fn instance_on(&self, db: Db) -> Instance {
        let settings = self.state.settings().clone();
        let app = Application::build_with_db(settings, db, Arc::new(self.clock.clone()))
            .await
            .expect("build the second instance");
        let addr = app.local_addr().expect("bound address");
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        Instance {
            base_url: format!("http://{addr}"),
            http: reqwest::Client::new(),
            stop: Some(stop),
        }
    }

    /// Stops the server the way a SIGTERM would.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// `POST /graphql` as a modern client (`Accept: application/graphql-response+json`).
    pub async fn graphql_as(&self, token: Option<&str>, query: &str, variables: Value) -> Gql {
        let mut request = self
            .http
            .post(self.url("/graphql"))
            .header("content-type", "application/json")
            .header("accept", "application/graphql-response+json")
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Self::read(request.send().await.expect("POST /graphql")).await
    }

    /// `POST /graphql` without credentials.
    pub async fn graphql(&self, query: &str) -> Gql {
        self.graphql_as(None, query, Value::Null).await
    }

    /// `POST /graphql` with raw headers and body, for protocol tests.
    pub async fn post_raw(
        &self,
        headers: &[(&str, &str)],
        body: impl Into<reqwest::Body>,
    ) -> reqwest::Response {
        let mut request = self.http.post(self.url("/graphql")).body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("POST /graphql")
    }

    /// `GET /graphql?<query_string>` with raw headers.
    pub async fn get_raw(&self, query_string: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.http.get(self.url(&format!("/graphql?{query_string}")));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("GET /graphql")
    }

    /// `GET /graphql` with the parameters URL-encoded.
    pub async fn graphql_get(&self, params: &[(&str, &str)], accept: &str) -> reqwest::Response {
        let query_string = serde_urlencoded_pairs(params);
        self.get_raw(&query_string, &[("accept", accept)]).await
    }

    /// Reads any response of `/graphql` into a [`Gql`].
    pub async fn read(response: reqwest::Response) -> Gql {
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = response.text().await.expect("response body");
        let body =
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
        Gql {
            status,
            content_type,
            body,
        }
    }

    /// `createCompany` as `token`.
    pub async fn create_company(
        &self,
        token: &str,
        name: &str,
        idempotency_key: Option<&str>,
    ) -> Gql {
        self.graphql_as(
            Some(token),
            "mutation Create($input: CreateCompanyInput!) {
               createCompany(input: $input) {
                 company { id humanId name kind }
                 problems { field reason message }
                 replayed
               }
             }",
            json!({ "input": { "name": name, "idempotencyKey": idempotency_key } }),
        )
        .await
    }

    /// One page of the caller's company contacts.
    pub async fn contacts(&self, token: &str, arguments: Value) -> Gql {
        self.graphql_as(
            Some(token),
            "query Contacts($first: Int, $after: String, $filter: ContactFilterInput, $orderBy: ContactOrderInput) {
               viewer { company { contacts(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
                 totalCount
                 pageInfo { hasNextPage hasPreviousPage endCursor }
                 edges { cursor node { id lastName firstName email supportRole securityAdministrator status } }
               } } }
             }",
            arguments,
        )
        .await
    }

    /// `node(id:)` as `token`.
    pub async fn node(&self, token: Option<&str>, id: &str) -> Gql {
        self.graphql_as(
            token,
            "query Node($id: ID!) { node(id: $id) { id __typename } }",
            json!({ "id": id }),
        )
        .await
    }

    /// A GraphQL multipart request (files with an operation) as `token`, with the preflight
    /// header. `files` are (variable path, file name, bytes).
    pub async fn upload_as(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
        files: &[(&str, &str, &[u8])],
    ) -> Gql {
        let body = multipart_body(query, variables, files);
        let mut headers = vec![("graphql-require-preflight", "1")];
        let auth = token.map(|t| format!("Bearer {t}"));
        if let Some(auth) = &auth {
            headers.push(("authorization", auth));
        }
        Self::read(self.post_multipart(&headers, body).await).await
    }

    /// `POST /graphql` with a multipart body and exactly `headers` besides its content type.
    pub async fn post_multipart(
        &self,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> reqwest::Response {
        let mut all = vec![
            ("content-type", MULTIPART_TYPE),
            ("accept", "application/graphql-response+json"),
        ];
        all.extend_from_slice(headers);
        self.post_raw(&all, body).await
    }

    /// `GET` of a non-GraphQL path as `token`.
    pub async fn get_as(&self, token: Option<&str>, path: &str) -> reqwest::Response {
        let mut request = self.http.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("GET")
    }

    /// `GET` of a non-GraphQL path.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("GET")
    }
}

const BOUNDARY: &str = "portal-test-boundary-7MA4YWxkTrZu0gW";
/// The content type of [`multipart_body`]'s bodies.
pub const MULTIPART_TYPE: &str =
    "multipart/form-data; boundary=portal-test-boundary-7MA4YWxkTrZu0gW";

/// A GraphQL multipart body: `operations`, `map` (file `n` to the `n`th path), then the files,
/// each claiming to be a PNG whatever it holds (the server must not believe it).
pub fn multipart_body(query: &str, variables: Value, files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let operations = json!({ "query": query, "variables": variables });
    let map: serde_json::Map<String, Value> = files
        .iter()
        .enumerate()
        .map(|(n, (path, _, _))| (n.to_string(), json!([path])))
        .collect();
    let mut parts = vec![
        MultipartPart::field("operations", operations.to_string().as_bytes()),
        MultipartPart::field("map", Value::Object(map).to_string().as_bytes()),
    ];
    for (n, (_, name, bytes)) in files.iter().enumerate() {
        parts.push(MultipartPart::file(&n.to_string(), name, bytes));
    }
    encode_multipart(&parts)
}

/// One part of a multipart body.
pub struct MultipartPart {
    pub name: String,
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

impl MultipartPart {
    pub fn field(name: &str, bytes: &[u8]) -> Self {
        Self {
            name: name.to_owned(),
            file_name: None,
            bytes: bytes.to_vec(),
        }
    }

    pub fn file(name: &str, file_name: &str, bytes: &[u8]) -> Self {
        Self {
            name: name.to_owned(),
            file_name: Some(file_name.to_owned()),
            bytes: bytes.to_vec(),
        }
    }
}

/// Encodes parts with [`MULTIPART_TYPE`]'s boundary.
pub fn encode_multipart(parts: &[MultipartPart]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match &part.file_name {
            Some(file_name) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{}\"; filename=\"{file_name}\"\r\nContent-Type: image/png\r\n\r\n",
                    part.name
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{}\"\r\n\r\n", part.name).as_bytes(),
            ),
        }
        body.extend_from_slice(&part.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn serde_urlencoded_pairs(params: &[(&str, &str)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
