//! Crash safety: the `portal` binary is killed with SIGKILL at random moments while three people
//! work (a Security Administrator applying role batches, a customer submitting requests with
//! messages and log files, an agent pausing and resuming them, all of which write mails), then
//! restarted. After every restart every acknowledged write is there, no role batch is partial,
//! and an unacknowledged write is either whole or absent. At the end every mail the outbox
//! holds was delivered to the SMTP server, and after the orphan sweep every stored file belongs
//! to an attachment and every attachment has its file.
//!
//! `TEST_CRASH_ROUNDS` (default 50) sets the number of kills; `TEST_CRASH_SEED` the moments.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use entity::mail_outbox::{self, MailStatus};
use entity::{contact, request, request_attachment, request_message};
use portal_api::clock::ManualClock;
use portal_api::config::{Secret, Settings};
use portal_api::db::Db;
use portal_api::deps::Deps;
use portal_tests::cli::{Portal, Server};
use portal_tests::smtp::SmtpServer;
use portal_tests::{Backend, MULTIPART_TYPE, multipart_body};
use sea_orm::{ActiveEnum, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

const STAGE: &str = "mutation($i: StageRoleChangeInput!) { stageRoleChange(input: $i) { stagedChanges { contact { id } } } }";
const APPLY: &str =
    "mutation { applyRoleChanges { applied { contact { id } } problems { contactId code } } }";
const SAVE: &str = "mutation($i: SaveRequestDraftInput!) { saveRequestDraft(input: $i) { request { id } problems { field reason } } }";
const SUBMIT: &str = "mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { request { id humanId state } problems { field reason } } }";
const MESSAGE: &str = "mutation($i: AddRequestMessageInput!) { addRequestMessage(input: $i) { request { version state } message { id attachments { id url } } } }";
const TRANSITION: &str = "mutation($i: TransitionRequestInput!) { transitionRequest(input: $i) { request { version state } } }";

/// The pause between two operations of one person: a few dozen writes a second in all.
const PACE: Duration = Duration::from_millis(40);

/// The UUID inside a GraphQL ID (`rq_…`, `ct_…`).
fn uuid_of(id: &str) -> Uuid {
    let (_, hex) = id.split_once('_').expect("a typed ID");
    Uuid::parse_str(hex).expect("a UUID")
}

/// A small xorshift generator: the kill moments of a run, reproducible from its seed.
struct Moments(u64);

impl Moments {
    fn next_ms(&mut self, low: u64, high: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        low + self.0 % (high - low + 1)
    }
}

/// A client of one server process; `None` from a call means the server did not answer.
#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    async fn read(response: Result<reqwest::Response, reqwest::Error>) -> Option<Value> {
        let body = response.ok()?.bytes().await.ok()?;
        serde_json::from_slice(&body).ok()
    }

    async fn graphql(&self, token: &str, query: &str, variables: Value) -> Option<Value> {
        let response = self
            .http
            .post(format!("{}/graphql", self.base))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await;
        Self::read(response).await
    }

    async fn upload(
        &self,
        token: &str,
        query: &str,
        variables: Value,
        bytes: &[u8],
    ) -> Option<Value> {
        let body = multipart_body(
            query,
            variables,
            &[("variables.i.attachments.0", "trace.log", bytes)],
        );
        let response = self
            .http
            .post(format!("{}/graphql", self.base))
            .bearer_auth(token)
            .header("content-type", MULTIPART_TYPE)
            .header("graphql-require-preflight", "1")
            .body(body)
            .send()
            .await;
        Self::read(response).await
    }
}

/// The role batch: the same support role for three contacts, applied at once.
struct Batch {
    contacts: Vec<String>,
    acked: String,
    /// The role of an apply sent and not (yet) acknowledged.
    pending: Option<String>,
    applied: usize,
}

struct AckedMessage {
    request: Uuid,
    message: Uuid,
    body: String,
    attachment: Uuid,
    path: String,
    bytes: Vec<u8>,
}

/// The last acknowledged state of a request the agent works on, and the state an
/// unacknowledged transition would have led to.
struct Progress {
    version: i64,
    state: String,
    in_flight: Option<String>,
}

struct Ledger {
    batch: Batch,
    requests: Vec<Uuid>,
    /// The human ID of each acknowledged submission (request mails name it in their subject).
    human_ids: HashMap<Uuid, String>,
    /// Acknowledged transitions per request.
    transitions: HashMap<Uuid, usize>,
    messages: Vec<AckedMessage>,
    progress: HashMap<Uuid, Progress>,
    /// GraphQL errors nobody expected: every one fails the test.
    refusals: Vec<String>,
    /// Writes sent and unacknowledged when the server was killed.
    interrupted: usize,
}

type Shared = Arc<Mutex<Ledger>>;

/// The answer's data, or `None` after noting its errors as a refusal.
fn data_of(ledger: &Shared, what: &str, answer: &Value) -> Option<Value> {
    if answer.get("errors").is_some() || answer["data"].is_null() {
        ledger
            .lock()
            .unwrap()
            .refusals
            .push(format!("{what}: {answer}"));
        return None;
    }
    Some(answer["data"].clone())
}

async fn administrator(client: Client, token: String, ledger: Shared) {
    loop {
        tokio::time::sleep(PACE).await;
        let (contacts, target) = {
            let ledger = ledger.lock().unwrap();
            let target = if ledger.batch.acked == "SUPPORT_RESTRICTED" {
                "SUPPORT_ADVANCED"
            } else {
                "SUPPORT_RESTRICTED"
            };
            (ledger.batch.contacts.clone(), target.to_owned())
        };
        for contact in &contacts {
            let input = json!({ "i": { "contactId": contact, "roles": { "supportRole": target, "securityAdministrator": false } } });
            let Some(answer) = client.graphql(&token, STAGE, input).await else {
                return;
            };
            if data_of(&ledger, "stageRoleChange", &answer).is_none() {
                return;
            }
        }
        ledger.lock().unwrap().batch.pending = Some(target.clone());
        let Some(answer) = client.graphql(&token, APPLY, json!({})).await else {
            return;
        };
        let Some(data) = data_of(&ledger, "applyRoleChanges", &answer) else {
            return;
        };
        let mut ledger = ledger.lock().unwrap();
        if data["applyRoleChanges"]["problems"] != json!([]) {
            ledger.refusals.push(format!("applyRoleChanges: {answer}"));
            return;
        }
        ledger.batch.acked = target;
        ledger.batch.pending = None;
        ledger.batch.applied += 1;
    }
}

async fn customer(client: Client, token: String, ledger: Shared, round: usize) {
    for n in 0.. {
        tokio::time::sleep(PACE).await;
        let form = json!({
            "category": "SOFTWARE_USAGE", "kind": "ISSUE", "urgency": "HIGH",
            "title": format!("Export stops halfway ({round}.{n})"),
            "description": "The nightly export of parts stops halfway with no error.",
        });
        let Some(answer) = client
            .graphql(&token, SAVE, json!({ "i": { "form": form } }))
            .await
        else {
            return;
        };
        let Some(data) = data_of(&ledger, "saveRequestDraft", &answer) else {
            return;
        };
        let id = data["saveRequestDraft"]["request"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let Some(answer) = client
            .graphql(&token, SUBMIT, json!({ "i": { "requestId": id } }))
            .await
        else {
            return;
        };
        let Some(data) = data_of(&ledger, "submitRequest", &answer) else {
            return;
        };
        if data["submitRequest"]["request"]["state"] != "SUPPORT_ANALYSIS" {
            ledger
                .lock()
                .unwrap()
                .refusals
                .push(format!("submitRequest: {answer}"));
            return;
        }
        let request = uuid_of(&id);
        {
            let mut ledger = ledger.lock().unwrap();
            ledger.requests.push(request);
            let human_id = data["submitRequest"]["request"]["humanId"].as_str();
            ledger
                .human_ids
                .insert(request, human_id.unwrap_or_default().to_owned());
        }

        let body = format!("The trace of run {round}.{n} is attached.");
        let bytes = format!("round {round} request {n}: export stopped at line 5120\n")
            .repeat(40)
            .into_bytes();
        let input = json!({ "i": { "requestId": id, "body": body, "attachments": [null] } });
        let Some(answer) = client.upload(&token, MESSAGE, input, &bytes).await else {
            return;
        };
        let Some(data) = data_of(&ledger, "addRequestMessage", &answer) else {
            return;
        };
        let payload = &data["addRequestMessage"];
        let attachment = &payload["message"]["attachments"][0];
        let url = attachment["url"].as_str().unwrap_or_default();
        let mut ledger = ledger.lock().unwrap();
        ledger.messages.push(AckedMessage {
            request,
            message: uuid_of(payload["message"]["id"].as_str().unwrap_or("x_")),
            body,
            attachment: uuid_of(attachment["id"].as_str().unwrap_or("x_")),
            path: url[url.find("/attachments/").unwrap_or(0)..].to_owned(),
            bytes,
        });
        ledger.progress.insert(
            request,
            Progress {
                version: payload["request"]["version"].as_i64().unwrap_or(-1),
                state: payload["request"]["state"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                in_flight: None,
            },
        );
    }
}

async fn agent(client: Client, token: String, ledger: Shared, killed: Arc<AtomicBool>) {
    let mut turn = 0_usize;
    while !killed.load(Ordering::SeqCst) {
        tokio::time::sleep(PACE).await;
        let picked = {
            let mut ledger = ledger.lock().unwrap();
            let mut ids: Vec<Uuid> = ledger.progress.keys().copied().collect();
            ids.sort();
            match ids.get(turn % ids.len().max(1)).copied() {
                Some(id) => {
                    let progress = ledger.progress.get_mut(&id).unwrap();
                    let (action, target) = if progress.state == "SUPPORT_ANALYSIS" {
                        ("PAUSE_FOR_EXTERNAL", "WAITING_EXTERNAL")
                    } else {
                        ("RESUME", "SUPPORT_ANALYSIS")
                    };
                    progress.in_flight = Some(target.to_owned());
                    Some((id, action))
                }
                None => None,
            }
        };
        turn += 1;
        let Some((id, action)) = picked else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let input =
            json!({ "i": { "requestId": format!("rq_{}", id.simple()), "action": action } });
        let Some(answer) = client.graphql(&token, TRANSITION, input).await else {
            return;
        };
        let Some(data) = data_of(&ledger, "transitionRequest", &answer) else {
            return;
        };
        let request = &data["transitionRequest"]["request"];
        let mut ledger = ledger.lock().unwrap();
        *ledger.transitions.entry(id).or_default() += 1;
        ledger.progress.insert(
            id,
            Progress {
                version: request["version"].as_i64().unwrap_or(-1),
                state: request["state"].as_str().unwrap_or_default().to_owned(),
                in_flight: None,
            },
        );
    }
}

/// Checks the database against the ledger after a restart, and brings the ledger up to what
/// the database holds (an unacknowledged write that was committed counts from now on).
async fn verify(db: &Db, client: &Client, token: &str, ledger: &Shared, messages_from: usize) {
    let reader = db.reader();
    let (contacts, requests, progress) = {
        let ledger = ledger.lock().unwrap();
        assert_eq!(ledger.refusals, Vec::<String>::new());
        let contacts: Vec<Uuid> = ledger.batch.contacts.iter().map(|id| uuid_of(id)).collect();
        let progress: Vec<Uuid> = ledger.progress.keys().copied().collect();
        (contacts, ledger.requests.clone(), progress)
    };

    // No partial batch; an acknowledged one is there.
    let rows = contact::Entity::find()
        .filter(contact::Column::Id.is_in(contacts))
        .all(reader)
        .await
        .unwrap();
    let roles: BTreeSet<String> = rows
        .iter()
        .map(|c| c.support_role.map_or("none".into(), |r| r.to_value()))
        .collect();
    {
        let mut ledger = ledger.lock().unwrap();
        assert_eq!(roles.len(), 1, "a partial role batch: {roles:?}");
        let role = roles.first().unwrap().clone();
        let batch = &mut ledger.batch;
        assert!(
            role == batch.acked || Some(&role) == batch.pending.as_ref(),
            "role {role}, acknowledged {}, pending {:?}",
            batch.acked,
            batch.pending
        );
        if batch.pending.is_some() {
            ledger.interrupted += 1;
        }
        ledger.batch.acked = role;
        ledger.batch.pending = None;
    }

    // Every acknowledged submission is there, submitted.
    let found = request::Entity::find()
        .filter(request::Column::Id.is_in(requests.clone()))
        .all(reader)
        .await
        .unwrap();
    assert_eq!(
        found.len(),
        requests.len(),
        "acknowledged requests are missing"
    );
    assert!(
        found
            .iter()
            .all(|r| r.state != request::RequestState::Draft)
    );

    // Every acknowledged transition is there; an unacknowledged one is whole or absent.
    let rows = request::Entity::find()
        .filter(request::Column::Id.is_in(progress))
        .all(reader)
        .await
        .unwrap();
    {
        let mut ledger = ledger.lock().unwrap();
        let mut interrupted = 0;
        for row in rows {
            let state = row.state.to_value();
            let version = i64::from(row.version);
            let known = ledger.progress.get_mut(&row.id).unwrap();
            let acknowledged = version == known.version && state == known.state;
            let completed = known
                .in_flight
                .as_ref()
                .is_some_and(|target| version == known.version + 1 && &state == target);
            assert!(
                acknowledged || completed,
                "request {}: {state} v{version}, acknowledged {} v{}, in flight {:?}",
                row.id,
                known.state,
                known.version,
                known.in_flight
            );
            interrupted += usize::from(known.in_flight.is_some());
            *known = Progress {
                version,
                state,
                in_flight: None,
            };
        }
        ledger.interrupted += interrupted;
    }

    // Every acknowledged message is there with its file, which downloads whole.
    let checks: Vec<(Uuid, String, Uuid, String, Vec<u8>)> = ledger.lock().unwrap().messages
        [messages_from..]
        .iter()
        .map(|m| {
            (
                m.message,
                m.body.clone(),
                m.attachment,
                m.path.clone(),
                m.bytes.clone(),
            )
        })
        .collect();
    for (message, body, attachment, path, bytes) in checks {
        let row = request_message::Entity::find_by_id(message)
            .one(reader)
            .await
            .unwrap();
        assert_eq!(row.map(|m| m.body), Some(body), "message {message}");
        let file = request_attachment::Entity::find_by_id(attachment)
            .one(reader)
            .await
            .unwrap()
            .expect("attachment row");
        assert_eq!(file.message_id, Some(message));
        let download = client
            .http
            .get(format!("{}{path}", client.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(download.status(), 200, "{path}");
        assert_eq!(
            download.bytes().await.unwrap().as_ref(),
            bytes.as_slice(),
            "{path}"
        );
    }
}

/// The session token `portal demo` printed for `login`.
fn token_of(demo: &str, login: &str) -> String {
    demo.lines()
        .find(|line| line.trim_start().starts_with(&format!("{login} ")))
        .and_then(|line| line.split_whitespace().find(|word| word.len() == 43))
        .unwrap_or_else(|| panic!("no token for {login} in {demo}"))
        .to_owned()
}

async fn kill(server: &mut Server) {
    server.child.start_kill().expect("SIGKILL");
    tokio::time::timeout(Duration::from_secs(10), server.child.wait())
        .await
        .expect("killed")
        .expect("wait");
}

#[expect(
    clippy::print_stderr,
    reason = "the seed and the figures of a run, shown when it fails"
)]
async fn crash_run(backend: Backend) {
    let Some(mut portal) = Portal::new(backend).await else {
        return;
    };
    let smtp = SmtpServer::start().await;
    for (key, value) in [
        ("PORTAL_MAIL__SMTP__HOST", "127.0.0.1".to_owned()),
        ("PORTAL_MAIL__SMTP__PORT", smtp.addr.port().to_string()),
        ("PORTAL_MAIL__SMTP__TLS", "none".to_owned()),
        ("PORTAL_MAIL__SMTP__TIMEOUT_SECS", "1".to_owned()),
        // Mails a killed server had claimed go out 10 s later.
        ("PORTAL_MAIL__CLAIM_LEASE_SECS", "10".to_owned()),
        ("PORTAL_MAIL__POLL_INTERVAL_MS", "100".to_owned()),
    ] {
        portal.env.push((key.to_owned(), value));
    }
    let demo = portal.run(&["demo", "--requests", "10"]).await;
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let demo = String::from_utf8_lossy(&demo.stdout).into_owned();
    let (sophie, bastien, lionel) = (
        token_of(&demo, "sophie"),
        token_of(&demo, "bastien"),
        token_of(&demo, "lionel"),
    );

    let mut settings = Settings {
        data_dir: portal.data_dir.path().to_path_buf(),
        ..Settings::default()
    };
    settings.database.url = portal.database_url.clone().map(Secret::new);
    let db = Db::connect(&settings).await.expect("the database");

    let mut server = portal.serve(&[]).await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut client = Client {
        http,
        base: server.base_url.clone(),
    };
    let roster = client
        .graphql(&sophie, "{ viewer { company { contacts(first: 100) { edges { node { id firstName supportRole securityAdministrator status } } } } } }", json!({}))
        .await
        .expect("contacts");
    let batch: Vec<String> = roster["data"]["viewer"]["company"]["contacts"]["edges"]
        .as_array()
        .expect("contacts")
        .iter()
        .map(|edge| &edge["node"])
        .filter(|c| {
            c["supportRole"] == "SUPPORT_RESTRICTED"
                && c["securityAdministrator"] == false
                && c["status"] == "ACTIVE"
        })
        .filter(|c| c["firstName"] != "Camille" && c["firstName"] != "Bastien")
        .take(3)
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(batch.len(), 3, "{roster}");
    let ledger: Shared = Arc::new(Mutex::new(Ledger {
        batch: Batch {
            contacts: batch,
            acked: "SUPPORT_RESTRICTED".into(),
            pending: None,
            applied: 0,
        },
        requests: Vec::new(),
        human_ids: HashMap::new(),
        transitions: HashMap::new(),
        messages: Vec::new(),
        progress: HashMap::new(),
        refusals: Vec::new(),
        interrupted: 0,
    }));

    let rounds: usize = std::env::var("TEST_CRASH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let seed: u64 = std::env::var("TEST_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    eprintln!("crash safety on {backend:?}: {rounds} kills, TEST_CRASH_SEED={seed}");
    let mut moments = Moments(seed);
    let mut checked = 0;
    for round in 0..rounds {
        let killed = Arc::new(AtomicBool::new(false));
        let tasks = [
            tokio::spawn(administrator(
                client.clone(),
                sophie.clone(),
                ledger.clone(),
            )),
            tokio::spawn(customer(
                client.clone(),
                bastien.clone(),
                ledger.clone(),
                round,
            )),
            tokio::spawn(agent(
                client.clone(),
                lionel.clone(),
                ledger.clone(),
                killed.clone(),
            )),
        ];
        tokio::time::sleep(Duration::from_millis(moments.next_ms(20, 600))).await;
        kill(&mut server).await;
        killed.store(true, Ordering::SeqCst);
        for task in tasks {
            task.await.expect("a workload task");
        }
        server = portal.serve(&[]).await;
        client.base = server.base_url.clone();
        verify(&db, &client, &bastien, &ledger, checked).await;
        checked = ledger.lock().unwrap().messages.len();
    }
    // Everything acknowledged in the whole run, once more.
    verify(&db, &client, &bastien, &ledger, 0).await;

    // No mail lost: every mail in the outbox goes out (those a killed server had claimed after
    // the lease), and the SMTP server received each one. The worker must keep going: 30 s
    // without a mail sent fails.
    let mut pending = usize::MAX;
    let mut progress_at = tokio::time::Instant::now();
    let outbox = loop {
        let outbox = mail_outbox::Entity::find().all(db.reader()).await.unwrap();
        let left = outbox
            .iter()
            .filter(|m| m.status == MailStatus::Pending)
            .count();
        if left == 0 {
            break outbox;
        }
        if left < pending {
            pending = left;
            progress_at = tokio::time::Instant::now();
        }
        assert!(
            progress_at.elapsed() < Duration::from_secs(30),
            "{left} mails pending, none sent for 30 s"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let received: BTreeSet<String> = smtp
        .mails()
        .iter()
        .filter_map(|m| m.header("Message-ID"))
        .map(|id| id.trim().trim_matches(['<', '>']).to_owned())
        .collect();
    for mail in &outbox {
        assert_eq!(
            mail.status,
            MailStatus::Sent,
            "{} to {}: {:?}",
            mail.kind,
            mail.to_address,
            mail.last_error
        );
        assert!(
            received.contains(mail.message_id.trim_matches(['<', '>'])),
            "{} to {} was marked sent and never arrived",
            mail.kind,
            mail.to_address
        );
    }
    // Every acknowledged write wrote its mails with it: a submission and a customer message
    // mail the support staff, an agent's transition the requester, a role batch each contact.
    let (expected, contacts, applied) = {
        let ledger = ledger.lock().unwrap();
        let expected: Vec<(String, usize)> = ledger
            .human_ids
            .iter()
            .map(|(request, human_id)| {
                let messages = ledger
                    .messages
                    .iter()
                    .filter(|m| m.request == *request)
                    .count();
                let transitions = ledger.transitions.get(request).copied().unwrap_or(0);
                (human_id.clone(), 1 + messages + transitions)
            })
            .collect();
        let contacts: Vec<Uuid> = ledger.batch.contacts.iter().map(|id| uuid_of(id)).collect();
        (expected, contacts, ledger.batch.applied)
    };
    for (human_id, writes) in expected {
        let prefix = format!("[{human_id}]");
        let mails = outbox
            .iter()
            .filter(|m| m.kind == "REQUEST_NOTICE" && m.subject.starts_with(&prefix))
            .count();
        assert!(
            mails >= writes,
            "{human_id}: {mails} mails for {writes} acknowledged writes"
        );
    }
    let changed = contact::Entity::find()
        .filter(contact::Column::Id.is_in(contacts))
        .all(db.reader())
        .await
        .unwrap();
    for contact in changed {
        let mails = outbox
            .iter()
            .filter(|m| m.kind == "ROLES_CHANGED" && m.to_address == contact.email)
            .count();
        assert!(
            mails >= applied,
            "{}: {mails} role mails for {applied} batches",
            contact.email
        );
    }
    server.terminate();
    assert_eq!(server.exit_code().await, Some(0), "{}", server.stderr());

    // No orphaned file past the sweep (run a day later), and no attachment without its file.
    let later = chrono::Utc::now() + chrono::Duration::hours(25);
    let deps = Deps::new(
        db.clone(),
        Arc::new(ManualClock::new(later)),
        Arc::new(settings),
    )
    .unwrap();
    portal_api::requests::attachments::sweep_orphans(&deps, later)
        .await
        .unwrap();
    let stored: BTreeSet<String> = deps
        .files
        .keys()
        .await
        .unwrap()
        .into_iter()
        .filter(|k| k.starts_with("attachments/"))
        .collect();
    let named: BTreeSet<String> = request_attachment::Entity::find()
        .all(db.reader())
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.storage_key)
        .collect();
    assert_eq!(stored, named, "stored files and attachment rows differ");

    let ledger = ledger.lock().unwrap();
    eprintln!(
        "crash safety on {backend:?}: {} batches, {} requests, {} messages with files, {} mails, {} writes interrupted",
        ledger.batch.applied,
        ledger.requests.len(),
        ledger.messages.len(),
        outbox.len(),
        ledger.interrupted
    );
    // The run did work, and the kills did land in the middle of it.
    assert!(
        ledger.batch.applied >= rounds / 5 && ledger.requests.len() >= rounds / 5,
        "too little work"
    );
    assert!(ledger.interrupted >= 1, "no kill interrupted a write");
    assert!(outbox.len() >= ledger.messages.len(), "mails were written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_acknowledged_write_mail_or_file_on_sqlite() {
    crash_run(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_acknowledged_write_mail_or_file_on_postgres() {
    crash_run(Backend::Postgres).await;
}
