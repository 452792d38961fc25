//! The queues benchmark (issue 14), in one run on loopback, as a support agent over the demo
//! data with `--requests` requests:
//! 1. the first page (50) of the team queue with two filters (urgency, state) and a sort
//!    (last changed, newest first) through `/graphql`, against a raw handler running the SQL it
//!    needs (the session, the page) on the same pool;
//! 2. the console's tiles (team and personal: 12 figures) through `queueCounts`, against the
//!    naive raw answer (`GROUP BY state` over the requests);
//! 3. on SQLite, the same page again against the same two statements run with `rusqlite` (a
//!    synchronous driver, on a blocking thread): the physical limit of the embedded database;
//! 4. the same page sorted by the requester's name, which no index holds (every matching
//!    request is sorted), against the raw join that sorts by the same key.
//!
//! Run with `bench/run queues` (see bench/README.md).

#![allow(clippy::print_stdout)]

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bytes::Bytes;
use clap::Parser;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, StatusCode};
use portal_api::db::Db;
use portal_bench::demo_server::{self, Args, contact, statement};
use portal_bench::load::Target;
use rusqlite::{OpenFlags, OptionalExtension};
use sea_orm::{ConnectionTrait, Value};
use sha2::{Digest, Sha256};

const PAGE_QUERY: &str = "query Queue { requests(first: 50, scope: TEAM, filter: { urgencies: [HIGH, URGENT], states: [SUPPORT_ANALYSIS, CUSTOMER_CLARIFICATION] }, orderBy: { field: UPDATED_AT, direction: DESC }) { edges { node { id humanId title state urgency updatedAt } } } }";
const BY_NAME_QUERY: &str = "query Queue { requests(first: 50, scope: TEAM, filter: { urgencies: [HIGH, URGENT], states: [SUPPORT_ANALYSIS, CUSTOMER_CLARIFICATION] }, orderBy: { field: REQUESTER, direction: ASC }) { edges { node { id humanId title state urgency updatedAt } } } }";
const TILES_QUERY: &str = "query Tiles { team: queueCounts(scope: TEAM) { toClarify toValidate drafts active closed all } mine: queueCounts(scope: PERSONAL) { toClarify toValidate drafts active closed all } }";

const PAGE_SQL: &str = "SELECT id, human_id, title, state, urgency, updated_at FROM requests \
WHERE state <> 'DRAFT' AND urgency IN ('HIGH', 'URGENT') AND state IN ('SUPPORT_ANALYSIS', 'CUSTOMER_CLARIFICATION') \
ORDER BY updated_at DESC, id DESC LIMIT 51";
const BY_NAME_SQL: &str = "SELECT r.id, r.human_id, r.title, r.state, r.urgency, r.updated_at \
FROM requests r JOIN contacts c ON c.id = r.requester_contact_id \
WHERE r.state <> 'DRAFT' AND r.urgency IN ('HIGH', 'URGENT') AND r.state IN ('SUPPORT_ANALYSIS', 'CUSTOMER_CLARIFICATION') \
ORDER BY c.name_key, r.id LIMIT 51";
const TEAM_TILES_SQL: &str =
    "SELECT state, COUNT(*) FROM requests WHERE state <> 'DRAFT' GROUP BY state";
const MINE_TILES_SQL: &str =
    "SELECT state, COUNT(*) FROM requests WHERE assignee_contact_id = ? GROUP BY state";

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let setup = runtime.block_on(demo_server::start(
        args.requests,
        args.database_url.clone(),
        "lionel",
        |db, sqlite_file| {
            let raw = Router::new()
                .route("/raw/queue", post(raw_queue))
                .route("/raw/by_name", post(raw_by_name))
                .route("/raw/tiles", post(raw_tiles))
                .with_state(db);
            match sqlite_file.and_then(|file| open_rusqlite(&file).ok()) {
                Some(sqlite) => raw.merge(
                    Router::new()
                        .route("/rusqlite/queue", post(rusqlite_queue))
                        .with_state(sqlite),
                ),
                None => raw,
            }
        },
    ))?;
    let page = serde_json::json!({ "query": PAGE_QUERY }).to_string();
    let tiles = serde_json::json!({ "query": TILES_QUERY }).to_string();
    let by_name = serde_json::json!({ "query": BY_NAME_QUERY }).to_string();
    let mut pairs = vec![
        (
            "first page of the team queue, two filters, sorted",
            Target::post_json(setup.graphql, "/graphql", &setup.token, &page),
            Target::post_json(setup.raw, "/raw/queue", &setup.token, ""),
        ),
        (
            "12 tiles (team and personal)",
            Target::post_json(setup.graphql, "/graphql", &setup.token, &tiles),
            Target::post_json(setup.raw, "/raw/tiles", &setup.token, ""),
        ),
    ];
    runtime.block_on(same_page(&pairs[0].1, &pairs[0].2))?;
    pairs.push((
        "the same page sorted by requester name (no index)",
        Target::post_json(setup.graphql, "/graphql", &setup.token, &by_name),
        Target::post_json(setup.raw, "/raw/by_name", &setup.token, ""),
    ));
    runtime.block_on(same_page(&pairs[2].1, &pairs[2].2))?;
    if args.database_url.is_none() {
        let rusqlite = Target::post_json(setup.raw, "/rusqlite/queue", &setup.token, "");
        runtime.block_on(same_page(&pairs[0].1, &rusqlite))?;
        pairs.insert(
            2,
            (
                "the same page, raw side through rusqlite on a blocking thread",
                pairs[0].1.clone(),
                rusqlite,
            ),
        );
    }
    let duration = Duration::from_secs(args.seconds);
    let database = if args.database_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let title = format!("{database}, {} requests", args.requests);
    demo_server::print_side_by_side(&title, &pairs, args.rounds, duration)
}

/// Checks that ours and the raw handler list the same requests in the same order.
async fn same_page(ours: &Target, raw: &Target) -> anyhow::Result<()> {
    let ids = |body: Bytes| -> anyhow::Result<Vec<String>> {
        let json: serde_json::Value = serde_json::from_slice(&body)?;
        let edges = json["data"]["requests"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        Ok(edges
            .iter()
            .map(|e| e["node"]["humanId"].as_str().unwrap_or_default().to_owned())
            .collect())
    };
    let (a, b) = (
        ids(portal_bench::compare::fetch(ours).await?)?,
        ids(portal_bench::compare::fetch(raw).await?)?,
    );
    anyhow::ensure!(
        a == b && !a.is_empty(),
        "the pages differ: {a:?} against {b:?}"
    );
    println!("both list the same {} requests", a.len());
    Ok(())
}

async fn raw_queue(State(db): State<Db>, headers: HeaderMap) -> Response {
    raw_page(&db, &headers, PAGE_SQL).await
}

async fn raw_by_name(State(db): State<Db>, headers: HeaderMap) -> Response {
    raw_page(&db, &headers, BY_NAME_SQL).await
}

/// The session's contact, then a page, serialised.
async fn raw_page(db: &Db, headers: &HeaderMap, sql: &str) -> Response {
    if contact(db, headers).await.is_none() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let Ok(rows) = db.reader().query_all_raw(statement(db, sql, vec![])).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let edges: Vec<serde_json::Value> = rows
        .iter()
        .take(50)
        .map(|r| {
            serde_json::json!({ "node": {
                "id": r.try_get_by_index::<uuid::Uuid>(0).ok(),
                "humanId": r.try_get_by_index::<Option<String>>(1).ok().flatten(),
                "title": r.try_get_by_index::<Option<String>>(2).ok().flatten(),
                "state": r.try_get_by_index::<String>(3).ok(),
                "urgency": r.try_get_by_index::<Option<String>>(4).ok().flatten(),
                "updatedAt": r.try_get_by_index::<chrono::DateTime<chrono::Utc>>(5).ok(),
            } })
        })
        .collect();
    axum::Json(serde_json::json!({ "data": { "requests": { "edges": edges } } })).into_response()
}

/// One read-only connection (the benchmark's client sends one request at a time).
type Rusqlite = Arc<Mutex<rusqlite::Connection>>;

fn open_rusqlite(file: &Path) -> rusqlite::Result<Rusqlite> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = rusqlite::Connection::open_with_flags(file, flags)?;
    conn.pragma_update(None, "temp_store", "memory")?;
    let plan: Vec<String> = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {PAGE_SQL}"))?
        .query_map([], |r| r.get::<_, String>(3))?
        .collect::<Result<_, _>>()?;
    println!("SQLite's plan for the page: {}", plan.join("; "));
    Ok(Arc::new(Mutex::new(conn)))
}

async fn rusqlite_queue(State(sqlite): State<Rusqlite>, headers: HeaderMap) -> Response {
    let Some(token) = demo_server::bearer(&headers).map(str::to_owned) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    match tokio::task::spawn_blocking(move || rusqlite_page(&sqlite, &token)).await {
        Ok(Ok(Some(body))) => ([(CONTENT_TYPE, "application/json")], body).into_response(),
        Ok(Ok(None)) => StatusCode::UNAUTHORIZED.into_response(),
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The session's contact, then the page, serialised: the JSON of `raw_queue`.
fn rusqlite_page(sqlite: &Rusqlite, token: &str) -> anyhow::Result<Option<Vec<u8>>> {
    let conn = sqlite
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned connection"))?;
    let hash = Sha256::digest(token.as_bytes()).to_vec();
    let contact: Option<Option<uuid::Uuid>> = conn
        .prepare_cached(portal_api::auth::sessions::RESOLVE_SQL)?
        .query_row([hash], |r| r.get("contact_id"))
        .optional()?;
    if contact.flatten().is_none() {
        return Ok(None);
    }
    let mut page = conn.prepare_cached(PAGE_SQL)?;
    let edges = page
        .query_map([], |r| {
            Ok(serde_json::json!({ "node": {
                "id": r.get::<_, uuid::Uuid>(0)?,
                "humanId": r.get::<_, Option<String>>(1)?,
                "title": r.get::<_, Option<String>>(2)?,
                "state": r.get::<_, String>(3)?,
                "urgency": r.get::<_, Option<String>>(4)?,
                "updatedAt": r.get::<_, chrono::DateTime<chrono::Utc>>(5)?,
            } }))
        })?
        .take(50)
        .collect::<Result<Vec<_>, _>>()?;
    let answer = serde_json::json!({ "data": { "requests": { "edges": edges } } });
    Ok(Some(serde_json::to_vec(&answer)?))
}

async fn raw_tiles(State(db): State<Db>, headers: HeaderMap) -> Response {
    let Some(me) = contact(&db, &headers).await else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let mut figures = serde_json::Map::new();
    for (name, sql, values) in [
        ("team", TEAM_TILES_SQL, vec![]),
        ("mine", MINE_TILES_SQL, vec![Value::from(me)]),
    ] {
        let Ok(rows) = db.reader().query_all_raw(statement(&db, sql, values)).await else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let counts: serde_json::Map<String, serde_json::Value> = rows
            .iter()
            .filter_map(|r| {
                let state = r.try_get_by_index::<String>(0).ok()?;
                let n = r.try_get_by_index::<i64>(1).ok()?;
                Some((state, n.into()))
            })
            .collect();
        figures.insert(name.into(), counts.into());
    }
    axum::Json(serde_json::json!({ "data": figures })).into_response()
}
