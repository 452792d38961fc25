//! No N+1 (issue 14): a page of every list, with its usual columns, costs the same number of
//! SQL statements whatever its size, on both databases.

use portal_tests::{TestApp, on_both_databases};
use serde_json::{Value, json};

const REQUESTS: &str = "query($first: Int!) { requests(first: $first, scope: TEAM, orderBy: { field: UPDATED_AT, direction: DESC }) { totalCount edges { node {
    id humanId title state urgency category createdAt updatedAt allowedActions reopenableUntil
    company { id name } requester { id lastName company { name } } assignee { id lastName }
    messages(first: 50) { edges { node { body side author { id lastName } attachments { fileName uploadedBy { id } } } } }
    history(first: 50) { edges { node { kind fromState toState actor { id lastName } } } }
    watchers { contact { id lastName } wantsMail }
    attachments { fileName uploadedBy { id } }
} } } }";
const CONTACTS: &str =
    "query($first: Int!) { viewer { company { contacts(first: $first) { totalCount edges { node {
    id lastName firstName email supportRole securityAdministrator status company { id name }
} } } } } }";
const AUDIT: &str = "query($first: Int!) { auditEvents(first: $first) { edges { node {
    id occurredAt action actorId companyId targetKind targetId before after
} } } }";
const COMPANIES: &str = "query($first: Int!) { companies(first: $first) { edges { node {
    id humanId name kind language requireTwoFactor createdAt
} } } }";
const MESSAGES: &str = "query($id: ID, $first: Int!) { request(id: $id) {
    messages(first: $first) { edges { node { body author { id lastName company { name } } attachments { fileName uploadedBy { id } } } } }
    history(first: $first) { edges { node { kind actor { id lastName } } } }
} }";

/// The statements one answer costs: the fewest over three tries (the mail worker and timers
/// run statements of their own now and then), with the number of rows it listed.
async fn cost(
    app: &TestApp,
    token: &str,
    query: &str,
    vars: Value,
    rows: impl Fn(&Value) -> usize,
) -> (u64, usize) {
    let db = &app.state.deps().db;
    let mut fewest = u64::MAX;
    let mut listed = 0;
    // The fewest of several tries: background work (the mail worker, the reader of live
    // events) runs statements on the same connections now and then.
    for _ in 0..5 {
        let before = db.statements_run();
        let answer = app.graphql_as(Some(token), query, vars.clone()).await;
        let spent = db.statements_run() - before;
        listed = rows(answer.ok());
        fewest = fewest.min(spent);
    }
    (fewest, listed)
}

/// A list to measure: its name, whose token, the query and how to count its rows.
type List<'a> = (&'a str, &'a String, &'a str, fn(&Value) -> usize);

fn edges(list: &Value) -> usize {
    list["edges"].as_array().map_or(0, Vec::len)
}

/// Whole pages with every nested list exceed the default cost limit (the statements are what
/// this test is about); the mail worker and timers, which run statements of their own, wait.
fn generous(settings: &mut portal_tests::Settings) {
    settings.graphql.max_complexity = 1_000_000;
    settings.mail.poll_interval_ms = 3_600_000;
    settings.requests.job_interval_secs = 3_600;
}

/// Makes an open request of Sophie's company the most recently changed one, with everything a
/// row can show (an assignee, a watcher, a message with a file), so that the one-row pages
/// need every batch the fifty-row pages need.
async fn full_first_row(app: &TestApp, agent: &str, customer: &str) {
    let viewer = app
        .graphql_as(
            Some(customer),
            "{ viewer { company { id } contact { id } } }",
            json!({}),
        )
        .await;
    let company = viewer.ok()["viewer"]["company"]["id"].clone();
    let contact = viewer.ok()["viewer"]["contact"]["id"].clone();
    let open = app.graphql_as(Some(agent), "query($c: ID!) { requests(first: 1, queue: ACTIVE, filter: { companyIds: [$c], unassigned: true }) { edges { node { id } } } }", json!({ "c": company })).await;
    let id = open.ok()["requests"]["edges"][0]["node"]["id"].clone();
    let taken = app
        .graphql_as(
            Some(agent),
            "mutation($i: AssignRequestInput!) { assignRequest(input: $i) { request { id } } }",
            json!({ "i": { "requestId": id } }),
        )
        .await;
    taken.ok();
    let watch =
        "mutation($i: AddRequestWatcherInput!) { addRequestWatcher(input: $i) { request { id } } }";
    app.graphql_as(
        Some(customer),
        watch,
        json!({ "i": { "requestId": id, "contactId": contact, "wantsMail": true } }),
    )
    .await
    .ok();
    let message =
        "mutation($i: AddRequestMessageInput!) { addRequestMessage(input: $i) { message { id } } }";
    let sent = app.upload_as(Some(agent), message, json!({ "i": { "requestId": id, "body": "The trace of the fix.", "attachments": [null] } }),
        &[("variables.i.attachments.0", "trace.log", b"step 1\nstep 2\n")]).await;
    sent.ok();
}

on_both_databases! {
    async fn a_page_of_every_list_costs_the_same_statements_whatever_its_size(app) with generous; {
        let summary = portal_api::demo::load_with(app.state.deps(), 0, 150).await.unwrap();
        let token = |login: &str| summary.logins.iter().find(|l| l.login == login).unwrap().token.clone();
        let (lionel, sophie, operator) = (token("lionel"), token("sophie"), token("operator"));
        full_first_row(&app, &lionel, &sophie).await;
        for name in ["Initech", "Umbrella", "Stark"] {
            let created = app.graphql_as(Some(&operator), "mutation($n: String!) { createCompany(input: { name: $n }) { problems { field } } }", json!({ "n": name })).await;
            assert_eq!(created.ok()["createCompany"]["problems"], json!([]));
        }
        let lists: [List; 5] = [
            ("requests (support)", &lionel, REQUESTS, |d| edges(&d["requests"])),
            ("requests (customer team)", &sophie, REQUESTS, |d| edges(&d["requests"])),
            ("contacts", &sophie, CONTACTS, |d| edges(&d["viewer"]["company"]["contacts"])),
            ("audit journal", &operator, AUDIT, |d| edges(&d["auditEvents"])),
            ("companies", &operator, COMPANIES, |d| edges(&d["companies"])),
        ];
        let mut report = Vec::new();
        for (name, who, query, rows) in lists {
            let (one, one_rows) = cost(&app, who, query, json!({ "first": 1 }), rows).await;
            let (many, many_rows) = cost(&app, who, query, json!({ "first": 50 }), rows).await;
            assert_eq!(one_rows, 1, "{name}");
            assert!(many_rows > 1, "{name}: {many_rows} rows");
            report.push(format!("{name}: {one} statements for 1 row, {many} for {many_rows}"));
        }
        // The longest conversation of the support's first page, its messages and history.
        let page = app.graphql_as(Some(&lionel), "{ requests(first: 100, scope: TEAM, orderBy: { field: UPDATED_AT }) { edges { node { id messages(first: 100) { edges { cursor } } } } } }", json!({})).await;
        let busiest = page.ok()["requests"]["edges"].as_array().unwrap().iter()
            .max_by_key(|e| edges(&e["node"]["messages"])).unwrap()["node"]["id"].clone();
        let rows = |d: &Value| edges(&d["request"]["messages"]);
        let (one, _) = cost(&app, &lionel, MESSAGES, json!({ "id": busiest, "first": 1 }), rows).await;
        let (many, many_rows) = cost(&app, &lionel, MESSAGES, json!({ "id": busiest, "first": 50 }), rows).await;
        assert!(many_rows > 1, "messages: {many_rows} rows");
        report.push(format!("messages and history: {one} statements for 1 row, {many} for {many_rows}"));
        let uneven: Vec<&String> = report.iter().filter(|line| {
            let numbers: Vec<&str> = line.split(' ').filter(|w| w.parse::<u64>().is_ok()).collect();
            numbers[0] != numbers[2]
        }).collect();
        assert!(uneven.is_empty(), "statements grow with the page:\n{}", report.join("\n"));
    }
}
