//! The lifecycle benchmark (issue 5), in one run on loopback: an agent pauses a request for
//! external information and resumes it, again and again, through `transitionRequest` on
//! `/graphql`, against a raw axum handler running only the SQL the action needs (session,
//! locked read, update, history insert, outbox insert) on the same database.
//!
//! A third contender is the same portal with the keeping of request counts and metrics turned
//! off (`requests::repo::keep_aggregates`), in the same rounds: what those aggregates cost.
//!
//! The agent has `--pinned-views` views pinned (default 20), every one read by each change to
//! decide whether its kept count moves; half of them count requests waiting for external
//! information, so each transition moves them.
//!
//! Goals: our transitions per second ≥ 0.5 × raw (issue 5); with the aggregates ≥ 0.75 ×
//! without (issue 14). Run with `bench/run lifecycle` (see bench/README.md).

#![allow(clippy::print_stdout)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use clap::Parser;
use entity::{CompanyKind, ContactStatus, ProviderRole, SupportRole, company, contact, request};
use http::Method;
use portal_api::auth::sessions::{self, NewSession};
use portal_api::clock::SystemClock;
use portal_api::db::Db;
use portal_api::deps::Deps;
use portal_api::startup::Application;
use portal_bench::load::{self, Target, median};
use portal_bench::{compare, raw_lifecycle};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

#[derive(Parser, Debug)]
struct Args {
    /// Seconds per measurement.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Rounds (ours, then raw, alternating); the table gives medians.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Requests generated in the demo data (the aggregates' tables grow with them).
    #[arg(long, default_value_t = 3_000)]
    requests: usize,
    /// `postgres://…` to measure on PostgreSQL instead of the embedded SQLite.
    #[arg(long)]
    database_url: Option<String>,
    /// Filtered views the agent pins (their counts are kept by every change).
    #[arg(long, default_value_t = 20)]
    pinned_views: usize,
}

const ACT: &str = "mutation($i: TransitionRequestInput!) { transitionRequest(input: $i) { request { state version } } }";

fn target(addr: SocketAddr, path: &str, token: &str, body: Value, alternate: Value) -> Target {
    Target {
        addr,
        method: Method::POST,
        path: path.into(),
        headers: vec![
            ("content-type", "application/json".to_owned()),
            ("authorization", format!("Bearer {token}")),
        ],
        body: Bytes::from(body.to_string()),
        alternate: Some(Bytes::from(alternate.to_string())),
    }
}

fn ours_body(id: &str, action: &str) -> Value {
    json!({ "query": ACT, "variables": { "i": { "requestId": id, "action": action } } })
}

fn raw_body(uuid: Uuid, action: &str) -> Value {
    json!({ "requestId": uuid.to_string(), "action": action })
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let setup = runtime.block_on(start(&args))?;
    let node_id = format!("rq_{}", setup.request.simple());
    let ours = target(
        setup.graphql,
        "/graphql",
        &setup.agent_token,
        ours_body(&node_id, "PAUSE_FOR_EXTERNAL"),
        ours_body(&node_id, "RESUME"),
    );
    let raw = target(
        setup.raw,
        "/raw/transition",
        &setup.agent_token,
        raw_body(setup.request, "PAUSE_FOR_EXTERNAL"),
        raw_body(setup.request, "RESUME"),
    );
    let mut raw_resume = raw.clone();
    raw_resume.body = raw_resume.alternate.clone().unwrap_or_default();

    // Both answer alike: one action each way, and the version moves by one each time.
    let start_version = runtime.block_on(version(&setup.deps, setup.request))?.1;
    let paused = runtime.block_on(compare::fetch(&ours))?;
    let resumed = runtime.block_on(compare::fetch(&raw_resume))?;
    let paused: Value = serde_json::from_slice(&paused)?;
    let resumed: Value = serde_json::from_slice(&resumed)?;
    let expect = |answer: &Value, state: &str, version: i32| {
        answer
            == &json!({ "data": { "transitionRequest": { "request": { "state": state, "version": version } } } })
    };
    anyhow::ensure!(
        expect(&paused, "WAITING_EXTERNAL", start_version + 1)
            && expect(&resumed, "SUPPORT_ANALYSIS", start_version + 2),
        "unexpected answers: {paused} / {resumed}"
    );
    let mut applied: i64 = 2;

    let duration = Duration::from_secs(args.seconds);
    let (mut ours_rates, mut raw_rates, mut ours_p50, mut raw_p50) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut bare_rates, mut bare_p50) = (Vec::new(), Vec::new());
    for round in 0..args.rounds {
        let mut rates = Vec::new();
        for (name, which) in [
            ("ours", &ours),
            ("ours without aggregates", &ours),
            ("raw", &raw),
        ] {
            let bare = name == "ours without aggregates";
            portal_api::requests::repo::keep_aggregates(!bare);
            let stats = load::run(which, 1, duration);
            portal_api::requests::repo::keep_aggregates(true);
            anyhow::ensure!(stats.failures == 0, "{name}: {} failures", stats.failures);
            applied += stats.requests as i64;
            // An odd count leaves the request paused: resume it (untimed) for the next run.
            if stats.requests % 2 == 1 {
                runtime.block_on(compare::fetch(&raw_resume))?;
                applied += 1;
            }
            rates.push((stats.per_second(), stats.p50_ms()));
        }
        println!(
            "round {}: ours {:.0}/s (p50 {:.2} ms), without aggregates {:.0}/s (p50 {:.2} ms), raw {:.0}/s (p50 {:.2} ms)",
            round + 1,
            rates[0].0,
            rates[0].1,
            rates[1].0,
            rates[1].1,
            rates[2].0,
            rates[2].1
        );
        ours_rates.push(rates[0].0);
        ours_p50.push(rates[0].1);
        bare_rates.push(rates[1].0);
        bare_p50.push(rates[1].1);
        raw_rates.push(rates[2].0);
        raw_p50.push(rates[2].1);
    }
    // Every answer counted was an applied transition: the version says so.
    let (state, end_version) = runtime.block_on(version(&setup.deps, setup.request))?;
    anyhow::ensure!(
        i64::from(end_version - start_version) == applied && state == "SUPPORT_ANALYSIS",
        "{applied} transitions answered but the version moved by {} (state {state})",
        end_version - start_version
    );

    let spans = [&mut ours_rates, &mut bare_rates, &mut raw_rates].map(|v| spread(v));
    let (ours, raw) = (median(&mut ours_rates), median(&mut raw_rates));
    let bare = median(&mut bare_rates);
    let (ours_p50, raw_p50) = (median(&mut ours_p50), median(&mut raw_p50));
    let bare_p50 = median(&mut bare_p50);
    println!();
    println!(
        "| {}, {} requests, {} pinned views (one agent, one connection) | ours | ours without aggregates | raw SQL | ours / raw (goal ≥ 0.5) | ours / without aggregates (goal ≥ 0.75) |",
        if args.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        args.requests,
        args.pinned_views
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    println!(
        "| transitions per second (PAUSE_FOR_EXTERNAL / RESUME), min / median / max of rounds | {} | {} | {} | {:.2} | {:.2} |",
        spans[0],
        spans[1],
        spans[2],
        ours / raw.max(f64::EPSILON),
        ours / bare.max(f64::EPSILON)
    );
    println!("| p50 latency | {ours_p50:.2} ms | {bare_p50:.2} ms | {raw_p50:.2} ms | | |");
    println!("| transitions applied and checked against the version | {applied} | | | |");
    Ok(())
}

/// "min / median / max" of per-second rates.
fn spread(values: &mut [f64]) -> String {
    let (min, median, max) = load::span(values);
    format!("{min:.0} / {median:.0} / {max:.0}")
}

struct Setup {
    graphql: SocketAddr,
    raw: SocketAddr,
    agent_token: String,
    request: Uuid,
    deps: Deps,
    _dir: tempfile::TempDir,
}

/// The request's state and version.
async fn version(deps: &Deps, id: Uuid) -> anyhow::Result<(String, i32)> {
    let row = request::Entity::find_by_id(id)
        .one(deps.db.writer())
        .await?
        .ok_or_else(|| anyhow::anyhow!("the request is gone"))?;
    Ok((
        portal_api::requests::state_code(row.state.into()),
        row.version,
    ))
}

/// A session with a second factor for `contact`.
async fn session(deps: &Deps, contact: &contact::Model) -> anyhow::Result<String> {
    let token = sessions::open(
        deps.db.writer(),
        &deps.sessions,
        deps.clock.now(),
        NewSession {
            account_id: portal_api::ids::AccountId::from_uuid(contact.account_id),
            contact_id: Some(portal_api::ids::ContactId::from_uuid(contact.id)),
            security_admin: contact.security_admin,
            two_factor: true,
        },
    )
    .await?;
    Ok(token.expose().to_owned())
}

/// Starts the portal with the demo data (`--requests` requests), a new request submitted by a
/// customer, and the raw route on the same database.
async fn start(args: &Args) -> anyhow::Result<Setup> {
    let data_dir = tempfile::tempdir()?;
    let settings = load::bench_settings(data_dir.path(), args.database_url.clone());
    portal_api::telemetry::init(&settings.log);
    let db = Db::connect(&settings).await?;
    let app = Application::build_with_db(settings, db.clone(), Arc::new(SystemClock)).await?;
    let deps = app.state().deps().clone();
    let loading = Instant::now();
    portal_api::demo::load_with(&deps, 0, args.requests).await?;
    println!(
        "loaded the demo data in {:.1} s",
        loading.elapsed().as_secs_f64()
    );
    let reader = deps.db.reader();
    let agent = contact::Entity::find()
        .filter(contact::Column::ProviderRole.eq(ProviderRole::SupportAgent))
        .filter(contact::Column::Status.eq(ContactStatus::Active))
        .order_by_asc(contact::Column::Id)
        .one(reader)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no support agent in the demo"))?;
    let customers: Vec<Uuid> = company::Entity::find()
        .filter(company::Column::Kind.eq(CompanyKind::Customer))
        .all(reader)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let customer = contact::Entity::find()
        .filter(contact::Column::CompanyId.is_in(customers))
        .filter(contact::Column::SupportRole.eq(SupportRole::Restricted))
        .filter(contact::Column::Status.eq(ContactStatus::Active))
        .order_by_asc(contact::Column::Id)
        .one(reader)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no customer contact in the demo"))?;
    let agent_token = session(&deps, &agent).await?;
    let customer_token = session(&deps, &customer).await?;

    let graphql = app.local_addr()?;
    let mail = deps.mail.clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let raw_addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, raw_lifecycle::router(&db, mail)).await });

    let call_as = |token: &str, query: &str, variables: Value| {
        let mut t = target(graphql, "/graphql", token, json!(null), json!(null));
        t.body = Bytes::from(json!({ "query": query, "variables": variables }).to_string());
        t.alternate = None;
        t
    };
    let call = |query: &str, variables: Value| call_as(&customer_token, query, variables);
    let form = json!({ "category": "SOFTWARE_USAGE", "kind": "ISSUE", "urgency": "HIGH",
        "title": "Envelope refused", "description": "The signature of envelope 42 fails." });
    let saved = compare::fetch(&call(
        "mutation($i: SaveRequestDraftInput!) { saveRequestDraft(input: $i) { request { id } } }",
        json!({ "i": { "form": form } }),
    ))
    .await?;
    let saved: Value = serde_json::from_slice(&saved)?;
    let id = saved["data"]["saveRequestDraft"]["request"]["id"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("no draft: {saved}"))?
        .to_owned();
    let submitted = compare::fetch(&call(
        "mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { request { state } } }",
        json!({ "i": { "requestId": id } }),
    ))
    .await?;
    let submitted: Value = serde_json::from_slice(&submitted)?;
    anyhow::ensure!(
        submitted["data"]["submitRequest"]["request"]["state"] == "SUPPORT_ANALYSIS",
        "not submitted: {submitted}"
    );
    for n in 0..args.pinned_views {
        let filter = if n % 2 == 0 {
            json!({ "states": ["WAITING_EXTERNAL"], "urgencies": ["HIGH", "URGENT"] })
        } else {
            json!({ "categories": ["LICENSE_KEYS"], "search": format!("view {n}") })
        };
        let input =
            json!({ "i": { "name": format!("view {n}"), "scope": "TEAM", "filter": filter } });
        let save = "mutation($i: SaveViewInput!) { saveView(input: $i) { view { id } } }";
        let saved: Value =
            serde_json::from_slice(&compare::fetch(&call_as(&agent_token, save, input)).await?)?;
        let view = saved["data"]["saveView"]["view"]["id"].clone();
        let pin = "mutation($i: PinViewInput!) { pinView(input: $i) { pinned } }";
        let input = json!({ "i": { "viewId": view, "pinned": true } });
        let pinned: Value =
            serde_json::from_slice(&compare::fetch(&call_as(&agent_token, pin, input)).await?)?;
        anyhow::ensure!(
            pinned["data"]["pinView"]["pinned"] == true,
            "not pinned: {pinned}"
        );
    }
    let uuid = Uuid::try_parse(id.trim_start_matches("rq_"))?;
    Ok(Setup {
        graphql,
        raw: raw_addr,
        agent_token,
        request: uuid,
        deps,
        _dir: data_dir,
    })
}
