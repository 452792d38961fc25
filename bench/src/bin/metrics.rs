//! The metrics benchmark (issue 14), in one run on loopback, as the demo support manager over
//! every company with `--requests` requests: each dashboard query through `/graphql` against
//! a raw handler answering the same figures from the requests and their history with plain
//! SQL on the same pool (what a portal without kept counters does).
//!
//! Run with `bench/run metrics` (see bench/README.md).

#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::{DateTime, Utc};
use clap::Parser;
use http::{HeaderMap, StatusCode};
use portal_api::db::Db;
use portal_bench::demo_server::{self, Args, contact, statement};
use portal_bench::load::Target;
use sea_orm::{ConnectionTrait, Value};
use serde_json::json;

/// The figures of one dashboard panel, as the portal answers them and as raw SQL does.
const PANELS: [(&str, &str, &str); 6] = [
    (
        "counts by state, urgency and category",
        "{ metrics { byState { state count } byUrgency { urgency open total } byCategory { category open total } } }",
        "counts",
    ),
    (
        "submitted / closed / reopened per day (90 days) and reopen rate",
        "{ metrics(range: RANGE) { perDay { day submitted closed reopened } reopenRate } }",
        "per-day",
    ),
    (
        "backlog by age",
        "{ metrics { backlog { fromDays toDays count } } }",
        "backlog",
    ),
    (
        "first response and resolution, median and p90 (90 days)",
        "{ metrics(range: RANGE) { firstResponse { medianSeconds p90Seconds } resolution { medianSeconds p90Seconds } } }",
        "durations",
    ),
    (
        "open load per agent",
        "{ metrics { agentLoad { agent { id } open } } }",
        "load",
    ),
    (
        "waiting on the customer and on support (90 days; raw: time to resolution only)",
        "{ metrics(range: RANGE) { waitingOnCustomer { medianSeconds p90Seconds } waitingOnSupport { medianSeconds p90Seconds } } }",
        "durations",
    ),
];

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let setup = runtime.block_on(demo_server::start(
        args.requests,
        args.database_url.clone(),
        "manon",
        |db, _| {
            Router::new()
                .route("/raw/{panel}", post(raw_panel))
                .with_state(db)
        },
    ))?;
    let today = Utc::now().date_naive();
    let range = format!(
        "{{ from: \"{}\", to: \"{}\" }}",
        today - chrono::Duration::days(89),
        today + chrono::Duration::days(1)
    );
    let pairs: Vec<(&str, Target, Target)> = PANELS
        .iter()
        .map(|(name, query, raw)| {
            let body = json!({ "query": query.replace("RANGE", &range) }).to_string();
            (
                *name,
                Target::post_json(setup.graphql, "/graphql", &setup.token, &body),
                Target::post_json(setup.raw, &format!("/raw/{raw}"), &setup.token, ""),
            )
        })
        .collect();
    runtime.block_on(check(&pairs))?;
    let database = if args.database_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let title = format!("{database}, {} requests, every company", args.requests);
    demo_server::print_side_by_side(
        &title,
        &pairs,
        args.rounds,
        Duration::from_secs(args.seconds),
    )
}

/// Both sides answer without errors, and the counts agree.
async fn check(pairs: &[(&str, Target, Target)]) -> anyhow::Result<()> {
    for (name, ours, raw) in pairs {
        let ours: serde_json::Value =
            serde_json::from_slice(&portal_bench::compare::fetch(ours).await?)?;
        anyhow::ensure!(ours.get("errors").is_none(), "{name}: {ours}");
        let raw: serde_json::Value =
            serde_json::from_slice(&portal_bench::compare::fetch(raw).await?)?;
        if name.starts_with("counts") {
            let states: i64 = ours["data"]["metrics"]["byState"]
                .as_array()
                .map(|a| a.iter().filter_map(|s| s["count"].as_i64()).sum())
                .unwrap_or_default();
            let counted: i64 = raw["rows"]
                .as_array()
                .map(|a| a.iter().filter_map(|r| r[3].as_i64()).sum())
                .unwrap_or_default();
            anyhow::ensure!(
                states == counted && states > 0,
                "{name}: {states} against {counted}"
            );
        }
    }
    println!("both sides answer every panel; the counts agree");
    Ok(())
}

const COUNTS_SQL: &str = "SELECT state, urgency, category, COUNT(*) FROM requests \
    WHERE state <> 'DRAFT' GROUP BY state, urgency, category";
const SUBMITTED_SQL: &str =
    "SELECT submitted_at FROM requests WHERE submitted_at >= ? AND state <> 'DRAFT'";
const CHANGES_SQL: &str = "SELECT occurred_at, from_state, to_state FROM request_events \
    WHERE kind = 'STATE_CHANGED' AND occurred_at >= ? AND (to_state = 'CLOSED' OR from_state = 'CLOSED')";
const BACKLOG_SQL: &str = "SELECT submitted_at FROM requests \
    WHERE state NOT IN ('DRAFT', 'CLOSED')";
const FIRST_RESPONSE_SQL: &str = "SELECT submitted_at, first_response_at FROM requests \
    WHERE first_response_at >= ?";
const RESOLUTION_SQL: &str = "SELECT r.submitted_at, e.occurred_at FROM request_events e \
    JOIN requests r ON r.id = e.request_id \
    WHERE e.kind = 'STATE_CHANGED' AND e.to_state = 'CLOSED' AND e.occurred_at >= ?";
const LOAD_SQL: &str = "SELECT assignee_contact_id, COUNT(*) FROM requests \
    WHERE state NOT IN ('DRAFT', 'CLOSED') AND assignee_contact_id IS NOT NULL \
    GROUP BY assignee_contact_id";

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    let rank = ((q * sorted.len() as f64).ceil() as usize).max(1);
    sorted.get(rank - 1).copied()
}

async fn raw_panel(
    State(db): State<Db>,
    Path(panel): Path<String>,
    headers: HeaderMap,
) -> Response {
    if contact(&db, &headers).await.is_none() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    match answer(&db, &panel).await {
        Ok(body) => axum::Json(body).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn answer(db: &Db, panel: &str) -> Result<serde_json::Value, sea_orm::DbErr> {
    let conn = db.reader();
    let since: DateTime<Utc> = Utc::now() - chrono::Duration::days(90);
    let rows =
        |sql: &'static str, values: Vec<Value>| conn.query_all_raw(statement(db, sql, values));
    let times = |r: &sea_orm::QueryResult, i| r.try_get_by_index::<DateTime<Utc>>(i);
    Ok(match panel {
        "counts" => {
            let found = rows(COUNTS_SQL, vec![]).await?;
            let rows: Vec<serde_json::Value> = found
                .iter()
                .map(|r| {
                    json!([
                        r.try_get_by_index::<String>(0).ok(),
                        r.try_get_by_index::<Option<String>>(1).ok().flatten(),
                        r.try_get_by_index::<Option<String>>(2).ok().flatten(),
                        r.try_get_by_index::<i64>(3).ok(),
                    ])
                })
                .collect();
            json!({ "rows": rows })
        }
        "per-day" => {
            let mut days: BTreeMap<String, [i64; 3]> = BTreeMap::new();
            for r in rows(SUBMITTED_SQL, vec![since.into()]).await? {
                days.entry(times(&r, 0)?.date_naive().to_string())
                    .or_default()[0] += 1;
            }
            let (mut closed, mut reopened) = (0, 0);
            for r in rows(CHANGES_SQL, vec![since.into()]).await? {
                let to: Option<String> = r.try_get_by_index(2)?;
                let i = if to.as_deref() == Some("CLOSED") {
                    1
                } else {
                    2
                };
                if i == 1 {
                    closed += 1
                } else {
                    reopened += 1
                }
                days.entry(times(&r, 0)?.date_naive().to_string())
                    .or_default()[i] += 1;
            }
            let rate = (closed > 0).then(|| reopened as f64 / closed as f64);
            json!({ "days": days, "reopenRate": rate })
        }
        "backlog" => {
            let today = Utc::now().date_naive();
            let mut buckets = [0i64; 7];
            for r in rows(BACKLOG_SQL, vec![]).await? {
                let age = (today - times(&r, 0)?.date_naive()).num_days().max(0);
                let i = [1, 3, 7, 30, 90, 365]
                    .iter()
                    .position(|b| age < *b)
                    .unwrap_or(6);
                buckets[i] += 1;
            }
            json!({ "backlog": buckets })
        }
        "durations" => {
            let mut out = serde_json::Map::new();
            for (name, sql) in [
                ("firstResponse", FIRST_RESPONSE_SQL),
                ("resolution", RESOLUTION_SQL),
            ] {
                let mut durations: Vec<f64> = Vec::new();
                for r in rows(sql, vec![since.into()]).await? {
                    let (from, to) = (times(&r, 0)?, times(&r, 1)?);
                    durations.push((to - from).num_seconds() as f64);
                }
                durations.sort_by(f64::total_cmp);
                out.insert(
                    name.into(),
                    json!({
                        "median": percentile(&durations, 0.5), "p90": percentile(&durations, 0.9)
                    }),
                );
            }
            out.into()
        }
        _ => {
            let found = rows(LOAD_SQL, vec![]).await?;
            let load: Vec<serde_json::Value> = found
                .iter()
                .map(|r| {
                    json!([
                        r.try_get_by_index::<uuid::Uuid>(0).ok(),
                        r.try_get_by_index::<i64>(1).ok()
                    ])
                })
                .collect();
            json!({ "load": load })
        }
    })
}
