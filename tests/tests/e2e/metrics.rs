//! Dashboard figures (issue 14, SPEC §7): a scenario whose every figure is known by hand, who
//! may read which dashboard, bad input; and the checks the randomised workload of `counts`
//! runs: the kept counters equal a rebuild from the history, and the percentiles are within
//! their stated error of the exact ones.

use chrono::{DateTime, TimeZone, Utc};
use portal_tests::{Person, Role, Settings, TestApp, on_both_databases, request_form};
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
use serde_json::{Value, json};
use uuid::Uuid;

const METRICS: &str = "query($c: ID, $r: DayRangeInput) { metrics(companyId: $c, range: $r) {
    companyId from to
    byState { state count } byUrgency { urgency open total } byCategory { category open total }
    perDay { day submitted closed reopened } submitted closed reopenRate
    backlog { fromDays toDays count }
    firstResponse { samples medianSeconds p90Seconds relativeError }
    resolution { samples medianSeconds p90Seconds }
    waitingOnCustomer { samples medianSeconds p90Seconds }
    waitingOnSupport { samples medianSeconds p90Seconds }
    agentLoad { agent { id } open } } }";
const ACT: &str =
    "mutation($i: TransitionRequestInput!) { transitionRequest(input: $i) { request { state } } }";
const MESSAGE: &str =
    "mutation($i: AddRequestMessageInput!) { addRequestMessage(input: $i) { message { id } } }";
const ASSIGN: &str =
    "mutation($i: AssignRequestInput!) { assignRequest(input: $i) { request { id } } }";

/// Sessions that outlive the days a scenario lets pass.
pub fn long_sessions(settings: &mut Settings) {
    settings.auth.session_idle_secs = 120 * 86_400;
    settings.auth.admin_session_idle_secs = 120 * 86_400;
    settings.auth.session_absolute_secs = 120 * 86_400;
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
}

async fn act(app: &TestApp, who: &Person, id: &str, action: &str, text: Option<&str>) {
    let input = json!({ "i": { "requestId": id, "action": action, "text": text } });
    app.graphql_as(Some(&who.token), ACT, input).await.ok();
}

fn seconds(figure: &Value) -> f64 {
    figure.as_i64().unwrap() as f64
}

/// `figure` (whole seconds) is within 5 % of `hours`.
fn about(figure: &Value, hours: f64) -> bool {
    let exact = hours * 3600.0;
    (seconds(figure) - exact).abs() <= 0.05 * exact + 0.5
}

fn contact_id(person: &Person) -> String {
    format!("ct_{}", person.contact_id.simple())
}

on_both_databases! {
    async fn every_dashboard_figure_follows_the_requests_lifecycle(app) with long_sessions; {
        app.clock.set(at(2, 9));
        let acme = app.customer_company("Acme").await;
        let globex = app.customer_company("Globex").await;
        let lead = app.person(Role::Advanced, acme.id).await;
        let colleague = app.person(Role::Restricted, acme.id).await;
        let other = app.person(Role::Advanced, globex.id).await;
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        let second_agent = app.person(Role::Agent, Uuid::nil()).await;
        let manager = app.person(Role::Manager, Uuid::nil()).await;

        // Monday 2 March, 09:00: two Acme requests, one of Globex, and a draft that never counts.
        let r1 = app.submitted_request(&lead.token, request_form("Export fails", "URGENT")).await;
        let r2 = app.submitted_request(&colleague.token, request_form("Add a site", "LOW")).await;
        app.submitted_request(&other.token, request_form("Licence key", "HIGH")).await;
        app.graphql_as(Some(&lead.token), "mutation($i: SaveRequestDraftInput!) { saveRequestDraft(input: $i) { request { id } } }",
            json!({ "i": { "form": request_form("Not yet", "HIGH") } })).await.ok();
        // 11:00 the first answer on r1 (a message), 12:00 on r2 (a question).
        app.clock.set(at(2, 11));
        app.graphql_as(Some(&agent.token), MESSAGE, json!({ "i": { "requestId": r1, "body": "Looking at it." } })).await.ok();
        app.clock.set(at(2, 12));
        act(&app, &agent, &r2, "REQUEST_CLARIFICATION", Some("Which site?")).await;
        // Tuesday 12:00 the customer answers; 14:00 a solution for r1, validated at 17:00.
        app.clock.set(at(3, 12));
        act(&app, &colleague, &r2, "CLARIFY", Some("Lyon.")).await;
        app.graphql_as(Some(&agent.token), ASSIGN, json!({ "i": { "requestId": r1 } })).await.ok();
        app.clock.set(at(3, 14));
        act(&app, &agent, &r1, "PROPOSE_CLOSURE", Some("Fixed in 4.2.2.")).await;
        app.clock.set(at(3, 17));
        act(&app, &lead, &r1, "VALIDATE_CLOSURE", None).await;
        // Wednesday 17:00 reopened, closed again by the customer at 18:00.
        app.clock.set(at(4, 17));
        act(&app, &lead, &r1, "REOPEN", Some("It came back.")).await;
        app.clock.set(at(4, 18));
        act(&app, &lead, &r1, "CLOSE", None).await;
        let to = json!({ "i": { "requestId": r2, "agentId": contact_id(&second_agent) } });
        app.graphql_as(Some(&manager.token), ASSIGN, to).await.ok();

        let range = json!({ "from": "2026-03-01", "to": "2026-03-08" });
        let acme_board = app.graphql_as(Some(&lead.token), METRICS, json!({ "r": range })).await;
        let m = &acme_board.ok()["metrics"];
        assert_eq!(m["companyId"], format!("co_{}", acme.id.simple()));
        assert_eq!((m["from"].as_str(), m["to"].as_str()), (Some("2026-03-01"), Some("2026-03-08")));
        assert_eq!(m["byState"], json!([
            { "state": "SUPPORT_ANALYSIS", "count": 1 }, { "state": "CUSTOMER_CLARIFICATION", "count": 0 },
            { "state": "WAITING_EXTERNAL", "count": 0 }, { "state": "WAITING_CORRECTION", "count": 0 },
            { "state": "SOLUTION_PROPOSED", "count": 0 }, { "state": "CLOSED", "count": 1 },
        ]));
        assert_eq!(m["byUrgency"], json!([
            { "urgency": "LOW", "open": 1, "total": 1 }, { "urgency": "MEDIUM", "open": 0, "total": 0 },
            { "urgency": "HIGH", "open": 0, "total": 0 }, { "urgency": "URGENT", "open": 0, "total": 1 },
        ]), "the draft (HIGH) never counts");
        assert_eq!(m["byCategory"][0], json!({ "category": "SOFTWARE_USAGE", "open": 1, "total": 2 }));
        let days = m["perDay"].as_array().unwrap();
        assert_eq!(days.len(), 7);
        assert_eq!(days[1], json!({ "day": "2026-03-02", "submitted": 2, "closed": 0, "reopened": 0 }));
        assert_eq!(days[2], json!({ "day": "2026-03-03", "submitted": 0, "closed": 1, "reopened": 0 }));
        assert_eq!(days[3], json!({ "day": "2026-03-04", "submitted": 0, "closed": 1, "reopened": 1 }));
        assert_eq!((m["submitted"].as_i64(), m["closed"].as_i64()), (Some(2), Some(2)));
        assert_eq!(m["reopenRate"], 0.5);
        // Wednesday: r2 (submitted Monday) is two days old.
        assert_eq!(m["backlog"][1], json!({ "fromDays": 1, "toDays": 3, "count": 1 }));
        let backlog: i64 = m["backlog"].as_array().unwrap().iter().map(|b| b["count"].as_i64().unwrap()).sum();
        assert_eq!(backlog, 1);
        // First responses 2 h (r1) and 3 h (r2): nearest-rank median 2 h, p90 3 h.
        let first = &m["firstResponse"];
        assert_eq!((first["samples"].as_i64(), first["relativeError"].as_f64()), (Some(2), Some(0.05)));
        assert!(about(&first["medianSeconds"], 2.0) && about(&first["p90Seconds"], 3.0), "{first}");
        // r1 closed twice: 32 h then 57 h after its submission.
        let resolution = &m["resolution"];
        assert_eq!(resolution["samples"], 2);
        assert!(about(&resolution["medianSeconds"], 32.0) && about(&resolution["p90Seconds"], 57.0), "{resolution}");
        // Waiting on the customer: 3 h (solution proposed) at both closings; on support 29 h,
        // then 30 h (one more hour after the reopening).
        let customer = &m["waitingOnCustomer"];
        assert!(about(&customer["medianSeconds"], 3.0) && about(&customer["p90Seconds"], 3.0), "{customer}");
        let support = &m["waitingOnSupport"];
        assert!(about(&support["medianSeconds"], 29.0) && about(&support["p90Seconds"], 30.0), "{support}");
        assert_eq!(m["agentLoad"], json!([{ "agent": { "id": contact_id(&second_agent) }, "open": 1 }]), "r1 is closed");

        // A range without closings has no rate and no durations.
        let quiet = app.graphql_as(Some(&lead.token), METRICS, json!({ "r": { "from": "2026-02-01", "to": "2026-03-01" } })).await;
        let q = &quiet.ok()["metrics"];
        assert_eq!((q["reopenRate"].clone(), q["resolution"]["medianSeconds"].clone()), (Value::Null, Value::Null));
        assert_eq!(q["resolution"]["samples"], 0);

        // The manager sees every company, or one.
        let every = app.graphql_as(Some(&manager.token), METRICS, json!({ "r": range })).await;
        assert_eq!(every.ok()["metrics"]["submitted"], 3);
        assert_eq!(every.ok()["metrics"]["companyId"], Value::Null);
        let one = app.graphql_as(Some(&manager.token), METRICS, json!({ "r": range, "c": format!("co_{}", globex.id.simple()) })).await;
        assert_eq!(one.ok()["metrics"]["submitted"], 1);
        assert_eq!(one.ok()["metrics"]["byUrgency"][2], json!({ "urgency": "HIGH", "open": 1, "total": 1 }));
        // Without a range: the 30 days ending today.
        let default = app.graphql_as(Some(&manager.token), "{ metrics { from to submitted } }", json!({})).await;
        assert_eq!(default.ok()["metrics"], json!({ "from": "2026-02-03", "to": "2026-03-05", "submitted": 3 }));

        // A database from before the figures (no counters, no waiting times) gets them at startup.
        let db = app.state.deps().db.writer();
        for sql in ["DELETE FROM metric_counts", "DELETE FROM metric_days", "UPDATE requests SET customer_wait_secs = 0, support_wait_secs = 0"] {
            db.execute_unprepared(sql).await.unwrap();
        }
        // Sums over days that are over are kept in memory a few minutes (nothing but a rebuild
        // changes them): this instance still shows them until it forgets.
        let kept = app.graphql_as(Some(&lead.token), METRICS, json!({ "r": range })).await;
        assert_eq!(kept.ok()["metrics"]["submitted"], 2);
        app.state.deps().settled_sums.clear();
        let wiped = app.graphql_as(Some(&lead.token), METRICS, json!({ "r": range })).await;
        assert_eq!(wiped.ok()["metrics"]["submitted"], 0);
        let upgraded = app.another_instance().await;
        let rebuilt = upgraded.graphql_as(Some(&lead.token), METRICS, json!({ "r": range })).await;
        assert_eq!(rebuilt.ok(), acme_board.ok());

        // Who may not.
        for (who, company) in [(&colleague, None), (&agent, None), (&lead, Some(globex.id))] {
            let c = company.map(|id| format!("co_{}", id.simple()));
            let refused = app.graphql_as(Some(&who.token), METRICS, json!({ "c": c })).await;
            assert_eq!(refused.codes(), ["FORBIDDEN"]);
        }
        let provider = format!("co_{}", manager.company_id.simple());
        let unknown = app.graphql_as(Some(&manager.token), METRICS, json!({ "c": provider })).await;
        assert_eq!(unknown.codes(), ["NOT_FOUND"]);
        let anonymous = app.graphql_as(None, METRICS, json!({})).await;
        assert_eq!(anonymous.codes(), ["UNAUTHENTICATED"]);
        // Bad ranges.
        for (range, field, reason) in [
            (json!({ "from": "2026-03-08", "to": "2026-03-01" }), "range", "OUT_OF_RANGE"),
            (json!({ "from": "2026-03-01", "to": "2026-03-01" }), "range", "OUT_OF_RANGE"),
            (json!({ "from": "2010-01-01", "to": "2026-03-01" }), "range", "OUT_OF_RANGE"),
            (json!({ "from": "2026-02-30", "to": "2026-03-01" }), "range.from", "INVALID_FORMAT"),
            (json!({ "from": "2026-03-01", "to": "next week" }), "range.to", "INVALID_FORMAT"),
        ] {
            let refused = app.graphql_as(Some(&lead.token), METRICS, json!({ "r": range })).await;
            assert_eq!(refused.codes(), ["BAD_USER_INPUT"], "{range}");
            assert_eq!(refused.error()["extensions"]["field"], field, "{range}");
            assert_eq!(refused.error()["extensions"]["reason"], reason, "{range}");
        }
    }
}

/// Every kept counter and waiting time, and the same made again from the requests' history
/// (in a transaction rolled back).
pub async fn kept_and_rebuilt(
    app: &TestApp,
) -> ((Vec<String>, Vec<String>), (Vec<String>, Vec<String>)) {
    let db = app.state.deps().db.writer();
    let kept = portal_api::metrics::repo::all(db).await.unwrap();
    let kept_waits = waits(db).await;
    let txn = db.begin().await.unwrap();
    portal_api::metrics::repo::rebuild(&txn).await.unwrap();
    let rebuilt = portal_api::metrics::repo::all(&txn).await.unwrap();
    let rebuilt_waits = waits(&txn).await;
    txn.rollback().await.unwrap();
    ((kept, rebuilt), (kept_waits, rebuilt_waits))
}

/// What only one of two sorted lists holds (at most 20 lines), each marked with its side.
pub fn difference(left: &[String], right: &[String]) -> Vec<String> {
    use std::collections::BTreeSet;
    let (l, r): (BTreeSet<&String>, BTreeSet<&String>) =
        (left.iter().collect(), right.iter().collect());
    let only_left = l.difference(&r).map(|s| format!("< {s}"));
    let only_right = r.difference(&l).map(|s| format!("> {s}"));
    only_left.chain(only_right).take(20).collect()
}

async fn waits<C: ConnectionTrait>(conn: &C) -> Vec<String> {
    let sql = "SELECT id, customer_wait_secs, support_wait_secs FROM requests ORDER BY id";
    rows(conn, sql)
        .await
        .iter()
        .map(|r| {
            let id: Uuid = r.try_get_by_index(0).unwrap();
            let (c, s): (i64, i64) = (
                r.try_get_by_index(1).unwrap(),
                r.try_get_by_index(2).unwrap(),
            );
            format!("{id} {c} {s}")
        })
        .collect()
}

async fn rows<C: ConnectionTrait>(conn: &C, sql: &str) -> Vec<sea_orm::QueryResult> {
    conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .unwrap()
}

fn exact_percentile(samples: &mut [f64], q: f64) -> Option<f64> {
    samples.sort_by(f64::total_cmp);
    let rank = ((q * samples.len() as f64).ceil() as usize).max(1);
    samples.get(rank - 1).copied()
}

/// The manager's dashboard of every company over `range` against the figures counted from the
/// requests and their history: counts exactly, first response and resolution percentiles
/// within the stated error (and one second of rounding); how many durations were compared.
pub async fn check_against_exact(app: &TestApp, manager: &Person, range: (&str, &str)) -> usize {
    let vars = json!({ "r": { "from": range.0, "to": range.1 } });
    let answer = app.graphql_as(Some(&manager.token), METRICS, vars).await;
    let m = answer.ok()["metrics"].clone();
    let db = app.state.deps().db.writer();
    let durations = |sql: &'static str| async move {
        rows(db, sql)
            .await
            .iter()
            .map(|r| {
                let from: DateTime<Utc> = r.try_get_by_index(0).unwrap();
                let to: DateTime<Utc> = r.try_get_by_index(1).unwrap();
                (to, (to - from).num_microseconds().unwrap() as f64 / 1e6)
            })
            .collect::<Vec<_>>()
    };
    let start = Utc.from_utc_datetime(
        &chrono::NaiveDate::parse_from_str(range.0, "%Y-%m-%d")
            .unwrap()
            .into(),
    );
    let end = Utc.from_utc_datetime(
        &chrono::NaiveDate::parse_from_str(range.1, "%Y-%m-%d")
            .unwrap()
            .into(),
    );
    let within = |all: Vec<(DateTime<Utc>, f64)>| -> Vec<f64> {
        all.into_iter()
            .filter(|(at, _)| *at >= start && *at < end)
            .map(|(_, d)| d)
            .collect()
    };
    let mut first = within(durations("SELECT submitted_at, first_response_at FROM requests WHERE first_response_at IS NOT NULL").await);
    let mut resolution = within(durations(
        "SELECT r.submitted_at, e.occurred_at FROM request_events e JOIN requests r ON r.id = e.request_id \
         WHERE e.kind = 'STATE_CHANGED' AND e.to_state = 'CLOSED'").await);
    let reopened = within(durations(
        "SELECT r.submitted_at, e.occurred_at FROM request_events e JOIN requests r ON r.id = e.request_id \
         WHERE e.kind = 'STATE_CHANGED' AND e.from_state = 'CLOSED'").await).len();
    let submitted = within(durations("SELECT submitted_at, submitted_at FROM requests WHERE submitted_at IS NOT NULL AND state <> 'DRAFT'").await).len();
    assert_eq!(m["closed"].as_u64(), Some(resolution.len() as u64));
    assert_eq!(m["submitted"].as_u64(), Some(submitted as u64));
    let per_day: u64 = m["perDay"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["reopened"].as_u64().unwrap())
        .sum();
    assert_eq!(per_day, reopened as u64);
    let mut compared = 0;
    for (name, samples) in [
        ("firstResponse", &mut first),
        ("resolution", &mut resolution),
    ] {
        assert_eq!(
            m[name]["samples"].as_u64(),
            Some(samples.len() as u64),
            "{name}"
        );
        for (q, field) in [(0.5, "medianSeconds"), (0.9, "p90Seconds")] {
            let exact = exact_percentile(samples, q);
            let figure = m[name][field].as_f64();
            match (exact, figure) {
                (Some(exact), Some(figure)) => {
                    assert!(
                        (figure - exact).abs() <= 0.05 * exact + 1.0,
                        "{name} {field}: {figure} for {exact}"
                    );
                    compared += 1;
                }
                (None, None) => {}
                other => panic!("{name} {field}: {other:?}"),
            }
        }
    }
    compared
}
