//! Request queues (issue 14): the predefined queues in personal and team scope, filters on
//! every column, sorting with a stable tie-break, cursor paging while requests arrive,
//! `totalCount`, and bad input.

use std::collections::HashMap;

use chrono::Duration;
use portal_api::clock::Clock as _;
use portal_tests::{Gql, Person, Role, TestApp, on_both_databases};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use uuid::Uuid;

const SAVE: &str = "mutation($i: SaveRequestDraftInput!) { saveRequestDraft(input: $i) { request { id } problems { field reason } } }";
const SUBMIT: &str = "mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { request { humanId } problems { field } } }";
const ACT: &str =
    "mutation($i: TransitionRequestInput!) { transitionRequest(input: $i) { request { state } } }";
const ASSIGN: &str =
    "mutation($i: AssignRequestInput!) { assignRequest(input: $i) { request { version } } }";
const LIST: &str = "query($q: RequestQueue, $s: RequestScope, $f: RequestFilterInput, $o: RequestOrderInput, $first: Int, $after: String) {
    requests(queue: $q, scope: $s, filter: $f, orderBy: $o, first: $first, after: $after) {
        totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }";

/// The requests of the scenario, by name, and the people working on them.
struct World {
    ids: HashMap<&'static str, String>,
    human_ids: HashMap<&'static str, String>,
    created: HashMap<&'static str, chrono::DateTime<chrono::Utc>>,
    restricted: Person,
    advanced: Person,
    agent: Person,
    other_agent: Person,
    globex: Uuid,
}

impl World {
    fn names(&self, ids: &[String]) -> Vec<&'static str> {
        ids.iter()
            .map(|id| {
                *self
                    .ids
                    .iter()
                    .find(|(_, v)| *v == id)
                    .map(|(k, _)| k)
                    .unwrap_or(&"<unknown>")
            })
            .collect()
    }
}

/// A request row with every field at its type's default: what a projection leaves unread.
fn blank(state: entity::RequestState) -> entity::request::Model {
    let epoch = chrono::DateTime::<chrono::Utc>::default();
    entity::request::Model {
        id: Uuid::nil(),
        company_id: Uuid::nil(),
        requester_contact_id: Uuid::nil(),
        human_id: None,
        state,
        category: None,
        kind: None,
        urgency: None,
        title: None,
        description: None,
        product: None,
        environment_module: None,
        environment_os: None,
        environment_browser: None,
        environment_version: None,
        regression: false,
        started_on: None,
        happened_before: None,
        affected_users: None,
        external_reference: None,
        tag: None,
        notify_emails: String::new(),
        follow_up: false,
        assignee_contact_id: None,
        version: 0,
        created_at: epoch,
        updated_at: epoch,
        submitted_at: None,
        state_changed_at: epoch,
        closed_at: None,
        first_response_at: None,
        auto_close_at: None,
        remind_at: None,
        search_key: None,
        customer_wait_secs: 0,
        support_wait_secs: 0,
        follow_up_of_id: None,
    }
}

fn form(title: &str, urgency: &str) -> Value {
    json!({
        "category": "SOFTWARE_USAGE", "kind": "HOW_TO", "urgency": urgency, "title": title,
        "description": format!("{title}: what happens, since when, what we tried."),
        "product": "Iterop Design",
        "environment": { "module": "Design", "os": "Linux", "browser": "Firefox", "version": "4.2" },
    })
}

/// Saves (and unless `draft`, submits) a request a minute after the previous one.
async fn open(
    app: &TestApp,
    world: &mut World,
    name: &'static str,
    who: &Person,
    title: &str,
    urgency: &str,
    draft: bool,
) {
    app.clock.advance(Duration::minutes(1));
    world.created.insert(name, app.clock.now());
    let saved = app
        .graphql_as(
            Some(&who.token),
            SAVE,
            json!({ "i": { "form": form(title, urgency) } }),
        )
        .await;
    let id = saved.ok()["saveRequestDraft"]["request"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    if !draft {
        let submitted = app
            .graphql_as(
                Some(&who.token),
                SUBMIT,
                json!({ "i": { "requestId": id } }),
            )
            .await;
        let human_id = submitted.ok()["submitRequest"]["request"]["humanId"]
            .as_str()
            .unwrap()
            .to_owned();
        world.human_ids.insert(name, human_id);
    }
    world.ids.insert(name, id);
}

async fn act(app: &TestApp, who: &Person, id: &str, action: &str) {
    let text = (action != "VALIDATE_CLOSURE").then_some("Details in the attached note.");
    let acted = app
        .graphql_as(
            Some(&who.token),
            ACT,
            json!({ "i": { "requestId": id, "action": action, "text": text } }),
        )
        .await;
    acted.ok();
}

async fn take(app: &TestApp, who: &Person, id: &str) {
    app.graphql_as(
        Some(&who.token),
        ASSIGN,
        json!({ "i": { "requestId": id } }),
    )
    .await
    .ok();
}

/// Acme (a Support Restricted and a Support Advanced), Globex, two agents, and seven requests
/// across every queue.
async fn world(app: &TestApp) -> World {
    let acme = app.customer_company("Acme").await;
    let globex = app.customer_company("Globex").await;
    let mut world = World {
        ids: HashMap::new(),
        human_ids: HashMap::new(),
        created: HashMap::new(),
        restricted: app.person(Role::Restricted, acme.id).await,
        advanced: app.person(Role::Advanced, acme.id).await,
        agent: app.person(Role::Agent, Uuid::nil()).await,
        other_agent: app.person(Role::Agent, Uuid::nil()).await,
        globex: globex.id,
    };
    let globex_person = app.person(Role::Advanced, globex.id).await;
    let (restricted, advanced) = (world.restricted.clone(), world.advanced.clone());
    open(
        app,
        &mut world,
        "r1",
        &restricted,
        "Écran noir au démarrage",
        "HIGH",
        false,
    )
    .await;
    open(
        app,
        &mut world,
        "r2",
        &restricted,
        "Export CSV lent",
        "LOW",
        false,
    )
    .await;
    open(
        app,
        &mut world,
        "r3",
        &restricted,
        "Brouillon de Rémi",
        "LOW",
        true,
    )
    .await;
    open(
        app,
        &mut world,
        "a1",
        &advanced,
        "Licence expirée",
        "URGENT",
        false,
    )
    .await;
    open(
        app,
        &mut world,
        "a2",
        &advanced,
        "Question sur l'API",
        "MEDIUM",
        false,
    )
    .await;
    open(
        app,
        &mut world,
        "a3",
        &advanced,
        "Brouillon d'Anne",
        "MEDIUM",
        true,
    )
    .await;
    open(
        app,
        &mut world,
        "g1",
        &globex_person,
        "Écran bleu",
        "HIGH",
        false,
    )
    .await;
    let (agent, other) = (world.agent.clone(), world.other_agent.clone());
    let id = |n: &str| world.ids[n].clone();
    take(app, &agent, &id("r1")).await;
    act(app, &agent, &id("r1"), "REQUEST_CLARIFICATION").await;
    for name in ["a1", "a2"] {
        take(app, &agent, &id(name)).await;
        act(app, &agent, &id(name), "PROPOSE_CLOSURE").await;
    }
    act(app, &advanced, &id("a2"), "VALIDATE_CLOSURE").await;
    take(app, &other, &id("g1")).await;
    world
}

/// Every page of a list (pages of `first`), checking that `totalCount` is the number of rows.
async fn all_pages(app: &TestApp, who: &Person, mut vars: Value, first: i64) -> Vec<String> {
    vars["first"] = json!(first);
    let mut ids = Vec::new();
    loop {
        let page = app.graphql_as(Some(&who.token), LIST, vars.clone()).await;
        let list = page.ok()["requests"].clone();
        ids.extend(
            list["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["id"].as_str().unwrap().to_owned()),
        );
        if list["pageInfo"]["hasNextPage"] != true {
            assert_eq!(list["totalCount"], json!(ids.len()), "totalCount of {vars}");
            return ids;
        }
        vars["after"] = list["pageInfo"]["endCursor"].clone();
    }
}

async fn names(app: &TestApp, world: &World, who: &Person, vars: Value) -> Vec<&'static str> {
    world.names(&all_pages(app, who, vars, 100).await)
}

fn bad_input(answer: &Gql) -> (String, String) {
    assert_eq!(answer.codes(), ["BAD_USER_INPUT"], "{:#}", answer.body);
    let extensions = &answer.error()["extensions"];
    (
        extensions["field"].as_str().unwrap_or_default().to_owned(),
        extensions["reason"].as_str().unwrap_or_default().to_owned(),
    )
}

on_both_databases! {
    async fn the_six_queues_in_personal_and_team_scope_show_what_each_role_may_see(app) {
        let w = world(&app).await;
        let (restricted, advanced, agent) = (&w.restricted, &w.advanced, &w.agent);
        assert_eq!(names(&app, &w, restricted, json!({})).await, ["r3", "r2", "r1"], "everything they may see, newest first");
        assert_eq!(names(&app, &w, restricted, json!({ "s": "PERSONAL" })).await, ["r3", "r2", "r1"]);
        let team = app.graphql_as(Some(&restricted.token), LIST, json!({ "s": "TEAM" })).await;
        assert_eq!(bad_input(&team), ("scope".into(), "NOT_ALLOWED".into()));

        let queue = |q: &str, s: &str| json!({ "q": q, "s": s });
        assert_eq!(names(&app, &w, advanced, queue("ALL", "TEAM")).await, ["a3", "a2", "a1", "r2", "r1"], "not a colleague's draft, not another company's");
        assert_eq!(names(&app, &w, advanced, queue("ALL", "PERSONAL")).await, ["a3", "a2", "a1"]);
        assert_eq!(names(&app, &w, advanced, queue("TO_CLARIFY", "TEAM")).await, ["r1"]);
        assert_eq!(names(&app, &w, advanced, queue("TO_CLARIFY", "PERSONAL")).await, Vec::<&str>::new());
        assert_eq!(names(&app, &w, advanced, queue("TO_VALIDATE", "TEAM")).await, ["a1"]);
        assert_eq!(names(&app, &w, advanced, queue("DRAFTS", "TEAM")).await, ["a3"]);
        assert_eq!(names(&app, &w, advanced, queue("ACTIVE", "TEAM")).await, ["a1", "r2", "r1"]);
        assert_eq!(names(&app, &w, advanced, queue("CLOSED", "TEAM")).await, ["a2"]);
        assert_eq!(names(&app, &w, restricted, queue("DRAFTS", "PERSONAL")).await, ["r3"]);

        // The support: assigned to me (personal), every company (team), unassigned, by company.
        assert_eq!(names(&app, &w, agent, queue("ALL", "PERSONAL")).await, ["a2", "a1", "r1"]);
        assert_eq!(names(&app, &w, agent, queue("ALL", "TEAM")).await, ["g1", "a2", "a1", "r2", "r1"]);
        assert_eq!(names(&app, &w, agent, queue("DRAFTS", "TEAM")).await, Vec::<&str>::new());
        assert_eq!(names(&app, &w, agent, queue("ACTIVE", "PERSONAL")).await, ["a1", "r1"]);
        let unassigned = json!({ "s": "TEAM", "f": { "unassigned": true } });
        assert_eq!(names(&app, &w, agent, unassigned).await, ["r2"]);
        let globex = json!({ "f": { "companyIds": [format!("co_{}", w.globex.simple())] } });
        assert_eq!(names(&app, &w, agent, globex).await, ["g1"]);
        let theirs_or_nobody = json!({ "f": { "assigneeIds": [format!("ct_{}", w.other_agent.contact_id.simple())], "unassigned": true } });
        assert_eq!(names(&app, &w, agent, theirs_or_nobody).await, ["g1", "r2"]);
        // A customer naming another company sees nothing of it.
        let elsewhere = json!({ "s": "TEAM", "f": { "companyIds": [format!("co_{}", w.globex.simple())] } });
        assert_eq!(names(&app, &w, advanced, elsewhere).await, Vec::<&str>::new());
    }

    async fn filters_take_several_values_date_ranges_and_a_search_ignoring_case_and_accents(app) {
        let w = world(&app).await;
        let agent = &w.agent;
        let filter = |f: Value| json!({ "f": f });
        assert_eq!(names(&app, &w, agent, filter(json!({ "urgencies": ["HIGH", "URGENT"] }))).await, ["g1", "a1", "r1"]);
        assert_eq!(names(&app, &w, agent, filter(json!({ "states": ["CLOSED", "SOLUTION_PROPOSED"] }))).await, ["a2", "a1"]);
        assert_eq!(names(&app, &w, agent, filter(json!({ "states": ["CLOSED"], "urgencies": ["URGENT"] }))).await, Vec::<&str>::new(), "columns combine");
        assert_eq!(names(&app, &w, agent, filter(json!({ "search": "ecran" }))).await, ["g1", "r1"]);
        assert_eq!(names(&app, &w, agent, filter(json!({ "search": "  ÉCRAN   NOIR " }))).await, ["r1"]);
        assert_eq!(names(&app, &w, agent, filter(json!({ "search": "since when" }))).await.len(), 5, "the description is searched");
        let human_id = w.human_ids["a1"].to_lowercase();
        assert_eq!(names(&app, &w, agent, filter(json!({ "search": human_id }))).await, ["a1"]);
        assert_eq!(names(&app, &w, agent, filter(json!({ "search": "100%_" }))).await, Vec::<&str>::new(), "LIKE wildcards are text");
        let range = json!({ "createdAt": { "from": w.created["r2"].to_rfc3339(), "to": w.created["a2"].to_rfc3339() } });
        assert_eq!(names(&app, &w, agent, filter(range)).await, ["a1", "r2"], "from included, to excluded");
        let closed = json!({ "closedAt": { "from": w.created["r1"].to_rfc3339() } });
        assert_eq!(names(&app, &w, agent, filter(closed)).await, ["a2"]);
        let requester = json!({ "requesterIds": [format!("ct_{}", w.restricted.contact_id.simple())] });
        assert_eq!(names(&app, &w, &w.advanced, json!({ "s": "TEAM", "f": requester })).await, ["r2", "r1"]);
        assert_eq!(names(&app, &w, agent, filter(json!({ "products": ["Iterop Design", "Other"] }))).await.len(), 5);
    }

    async fn every_sort_has_a_stable_tie_break_and_pages_hold_while_requests_arrive(app) {
        let mut w = world(&app).await;
        let agent = w.agent.clone();
        let order = |field: &str, direction: &str| json!({ "s": "TEAM", "o": { "field": field, "direction": direction } });
        assert_eq!(names(&app, &w, &agent, order("URGENCY", "DESC")).await, ["a1", "g1", "r1", "a2", "r2"]);
        assert_eq!(names(&app, &w, &agent, order("URGENCY", "ASC")).await, ["r2", "a2", "r1", "g1", "a1"]);
        assert_eq!(names(&app, &w, &agent, order("STATE", "ASC")).await, ["r2", "g1", "r1", "a1", "a2"], "lifecycle order, then ID");
        assert_eq!(names(&app, &w, &agent, order("HUMAN_ID", "ASC")).await, ["r1", "r2", "a1", "a2", "g1"]);
        assert_eq!(names(&app, &w, &agent, order("CLOSED_AT", "DESC")).await, ["a2", "g1", "a1", "r2", "r1"], "open requests after closed ones, descending");
        assert_eq!(names(&app, &w, &agent, order("CREATED_AT", "ASC")).await, ["r1", "r2", "a1", "a2", "g1"]);
        // People and companies by name (Advanced before Restricted; the two agents share a name,
        // their requests then go by ID), unassigned first in ascending order.
        assert_eq!(names(&app, &w, &agent, order("COMPANY", "DESC")).await, ["g1", "a2", "a1", "r2", "r1"]);
        assert_eq!(names(&app, &w, &agent, order("REQUESTER", "ASC")).await, ["a1", "a2", "g1", "r1", "r2"]);
        assert_eq!(names(&app, &w, &agent, order("ASSIGNEE", "ASC")).await, ["r2", "r1", "a1", "a2", "g1"]);
        assert_eq!(names(&app, &w, &agent, order("ASSIGNEE", "DESC")).await, ["g1", "a2", "a1", "r1", "r2"]);
        // Small pages give the same rows in the same order as one page.
        for field in ["CREATED_AT", "UPDATED_AT", "SUBMITTED_AT", "CLOSED_AT", "HUMAN_ID", "TITLE", "STATE", "URGENCY", "CATEGORY", "KIND", "PRODUCT", "TAG", "COMPANY", "REQUESTER", "ASSIGNEE"] {
            for direction in ["ASC", "DESC"] {
                let whole = all_pages(&app, &agent, order(field, direction), 100).await;
                let paged = all_pages(&app, &agent, order(field, direction), 2).await;
                assert_eq!(paged, whole, "{field} {direction}");
                assert_eq!(whole.len(), 5);
            }
        }

        // A page read, then a request arrives that sorts first: the next page neither repeats
        // nor skips a row.
        let first = app.graphql_as(Some(&agent.token), LIST, json!({ "first": 2, "s": "TEAM", "o": { "field": "URGENCY", "direction": "DESC" } })).await;
        let cursor = first.ok()["requests"]["pageInfo"]["endCursor"].clone();
        let restricted = w.restricted.clone();
        open(&app, &mut w, "n1", &restricted, "Tout est arrêté", "URGENT", false).await;
        let next = app.graphql_as(Some(&agent.token), LIST, json!({ "first": 2, "after": cursor, "s": "TEAM", "o": { "field": "URGENCY", "direction": "DESC" } })).await;
        let ids: Vec<String> = next.ok()["requests"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["id"].as_str().unwrap().to_owned()).collect();
        assert_eq!(w.names(&ids), ["r1", "a2"]);
        assert_eq!(next.ok()["requests"]["totalCount"], 6, "the count includes the newcomer");

        // A cursor only fits the order that made it.
        let other = app.graphql_as(Some(&agent.token), LIST, json!({ "after": cursor, "o": { "field": "TITLE" } })).await;
        assert_eq!(bad_input(&other).0, "after");
    }

    async fn requests_from_before_the_search_key_are_found_once_startup_fills_it(app) {
        let w = world(&app).await;
        let db = app.state.deps().db.writer();
        db.execute_unprepared("UPDATE requests SET search_key = NULL").await.unwrap();
        let search = json!({ "f": { "search": "écran" } });
        assert_eq!(names(&app, &w, &w.agent, search.clone()).await, Vec::<&str>::new());
        let filled = portal_api::requests::repo::fill_search_keys(db).await.unwrap();
        assert_eq!(filled, 7);
        assert_eq!(names(&app, &w, &w.agent, search).await, ["g1", "r1"]);
    }

    async fn request_rows_read_by_position_equal_seaorms_own_mapping(app) {
        use entity::request::{Column, Entity};
        use portal_api::requests::projection::{ListRead, ListedColumn};
        use portal_api::requests::repo::rows::{self, Projection};
        use sea_orm::{EntityTrait, QueryOrder, QueryTrait};
        world(&app).await;
        let db = app.state.deps().db.writer();
        // Every optional column holds a value somewhere, distinct from its neighbours'.
        db.execute_unprepared(
            "UPDATE requests SET external_reference = 'EXT-' || version, tag = 'tag', \
             affected_users = 12, happened_before = TRUE, started_on = '2026-01-02', \
             remind_at = created_at, first_response_at = updated_at, \
             auto_close_at = state_changed_at, follow_up_of_id = id, \
             customer_wait_secs = 5000000000, support_wait_secs = 7",
        )
        .await
        .unwrap();
        let seaorm = Entity::find().order_by_asc(Column::Id).all(db).await.unwrap();
        let read = |projection: Projection| async move {
            let mut select = Entity::find().order_by_asc(Column::Id);
            rows::select_columns(QueryTrait::query(&mut select), projection);
            let found = db.query_all(QueryTrait::as_query(&select)).await.unwrap();
            found
                .iter()
                .map(|row| rows::decode(row, projection).unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(seaorm.len(), 7);
        assert!(seaorm.iter().any(|r| r.assignee_contact_id.is_some() && r.closed_at.is_some()));
        assert_eq!(read(Projection::WHOLE).await, seaorm);
        // A projection reads its columns, what decides who sees a request and the sort column;
        // the rest keep their type's default.
        let some = ListRead::Columns(vec![ListedColumn::Title, ListedColumn::ClosedAt]);
        let narrow = read(Projection::of(&some, Some(Column::Tag))).await;
        for (ours, theirs) in narrow.iter().zip(&seaorm) {
            let expected = entity::request::Model {
                id: theirs.id,
                company_id: theirs.company_id,
                requester_contact_id: theirs.requester_contact_id,
                assignee_contact_id: theirs.assignee_contact_id,
                state: theirs.state,
                title: theirs.title.clone(),
                closed_at: theirs.closed_at,
                tag: theirs.tag.clone(),
                ..blank(theirs.state)
            };
            assert_eq!(ours, &expected);
        }
    }

    async fn a_page_of_plain_columns_reads_only_them_and_answers_like_whole_rows(app) {
        // Only columns (and people and companies): the list reads those columns alone. With the
        // description too, it reads whole rows. Both must give the same answers, in every
        // order and across pages.
        const FIELDS: &str = "id humanId state version company { name } category kind urgency \
            title product tag requester { lastName } assignee { lastName } createdAt updatedAt \
            submittedAt stateChangedAt closedAt __typename";
        let w = world(&app).await;
        let page = |extra: &str| {
            format!(
                "query($o: RequestOrderInput, $a: String) {{ requests(first: 2, after: $a, \
                 orderBy: $o) {{ totalCount edges {{ cursor node {{ {FIELDS} {extra} }} }} \
                 pageInfo {{ hasNextPage endCursor }} }} }}"
            )
        };
        let (narrow, whole) = (page(""), page("description"));
        let orders = [
            "CREATED_AT", "UPDATED_AT", "SUBMITTED_AT", "CLOSED_AT", "HUMAN_ID", "TITLE", "STATE",
            "URGENCY", "CATEGORY", "KIND", "PRODUCT", "TAG", "COMPANY", "REQUESTER", "ASSIGNEE",
        ];
        for who in [&w.agent, &w.advanced] {
            for field in orders {
                for direction in ["ASC", "DESC"] {
                    let mut vars = json!({ "o": { "field": field, "direction": direction } });
                    let mut pages = 0;
                    loop {
                        let a = app.graphql_as(Some(&who.token), &narrow, vars.clone()).await;
                        let b = app.graphql_as(Some(&who.token), &whole, vars.clone()).await;
                        let (a, mut b) = (a.ok()["requests"].clone(), b.ok()["requests"].clone());
                        for edge in b["edges"].as_array_mut().unwrap() {
                            let node = edge["node"].as_object_mut().unwrap();
                            assert!(node.remove("description").unwrap().is_string());
                        }
                        assert_eq!(a, b, "{field} {direction}, page {pages}");
                        pages += 1;
                        if a["pageInfo"]["hasNextPage"] != true {
                            break;
                        }
                        vars["a"] = a["pageInfo"]["endCursor"].clone();
                    }
                    assert!(pages >= 2, "{field} {direction}: {pages} page(s)");
                }
            }
        }
        // The narrow page does not read the columns it does not show: without one of them it
        // still answers, where the whole page cannot.
        let db = app.state.deps().db.writer();
        let rename = |from: &str, to: &str| {
            format!("ALTER TABLE requests RENAME COLUMN {from} TO {to}")
        };
        db.execute_unprepared(&rename("environment_os", "hidden_os")).await.unwrap();
        let list = |extra: &str| format!("{{ requests(first: 50) {{ edges {{ node {{ {FIELDS} {extra} }} }} }} }}");
        let narrow = app.graphql_as(Some(&w.agent.token), &list(""), json!({})).await;
        assert_eq!(narrow.ok()["requests"]["edges"].as_array().unwrap().len(), 5);
        let whole = app.graphql_as(Some(&w.agent.token), &list("description"), json!({})).await;
        assert_eq!(whole.codes(), ["INTERNAL_SERVER_ERROR"], "{:#}", whole.body);
        db.execute_unprepared(&rename("hidden_os", "environment_os")).await.unwrap();
    }

    async fn bad_queue_input_is_refused_with_its_field(app) {
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        let ask = |vars: Value| app.graphql_as(Some(&agent.token), LIST, vars);
        let inverted = ask(json!({ "f": { "createdAt": { "from": "2026-06-01T00:00:00Z", "to": "2026-01-01T00:00:00Z" } } })).await;
        assert_eq!(bad_input(&inverted), ("filter.createdAt".into(), "OUT_OF_RANGE".into()));
        let decades = ask(json!({ "f": { "closedAt": { "from": "2000-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z" } } })).await;
        assert_eq!(bad_input(&decades), ("filter.closedAt".into(), "OUT_OF_RANGE".into()));
        let many = ask(json!({ "f": { "states": vec!["CLOSED"; 10_000] } })).await;
        assert_eq!(bad_input(&many), ("filter.states".into(), "OUT_OF_RANGE".into()));
        let long = ask(json!({ "f": { "search": "x".repeat(201) } })).await;
        assert_eq!(bad_input(&long), ("filter.search".into(), "TOO_LONG".into()));
        let malformed = ask(json!({ "f": { "assigneeIds": ["not an id"] } })).await;
        assert_eq!(bad_input(&malformed).0, "filter.assigneeIds");
        let unknown = ask(json!({ "q": "EVERYTHING" })).await;
        assert!(!unknown.codes().is_empty() && unknown.body["data"].is_null(), "{:#}", unknown.body);
        let unknown_field = ask(json!({ "o": { "field": "PASSWORD_HASH" } })).await;
        assert!(!unknown_field.codes().is_empty(), "{:#}", unknown_field.body);
    }
}
