//! Queue counts (issue 14): a randomised workload of submissions, every transition,
//! assignments, edits, messages and deleted drafts, after which every kept count equals a full
//! recount, every tile (`queueCounts`) equals the `totalCount` of its queue, for every person
//! and scope, and every pinned view's kept `count` the `totalCount` of its requests.
//!
//! `TEST_COUNTS_OPS` (default 1500) sets the number of operations; `TEST_COUNTS_SEED` the
//! choices (printed, so a failure can be replayed).

use std::collections::BTreeSet;

use chrono::{Duration, TimeZone, Utc};
use portal_api::clock::Clock;

use portal_tests::{Person, Role, TestApp, on_both_databases};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use uuid::Uuid;

const SAVE: &str =
    "mutation($i: SaveRequestDraftInput!) { saveRequestDraft(input: $i) { request { id } } }";
const SUBMIT: &str = "mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { request { id } problems { field } } }";
const DELETE: &str =
    "mutation($i: DeleteRequestDraftInput!) { deleteRequestDraft(input: $i) { deletedRequestId } }";
const ACT: &str =
    "mutation($i: TransitionRequestInput!) { transitionRequest(input: $i) { request { state } } }";
const ASSIGN: &str =
    "mutation($i: AssignRequestInput!) { assignRequest(input: $i) { request { id } } }";
const MESSAGE: &str =
    "mutation($i: AddRequestMessageInput!) { addRequestMessage(input: $i) { message { id } } }";
const ACTIONS: &str = "query($id: ID) { request(id: $id) { state allowedActions } }";
const COUNTS: &str = "query($s: RequestScope) { queueCounts(scope: $s) { toClarify toValidate drafts active closed all } }";
const TOTAL: &str = "query($q: RequestQueue, $s: RequestScope) { requests(queue: $q, scope: $s, first: 1) { totalCount } }";
const UPDATE: &str = "mutation($i: UpdateRequestInput!) { updateRequest(input: $i) { request { id } problems { field } } }";
const SAVE_VIEW: &str =
    "mutation($i: SaveViewInput!) { saveView(input: $i) { view { id } problems { field } } }";
const PIN: &str = "mutation($i: PinViewInput!) { pinView(input: $i) { id pinned } }";
const TILES: &str = "{ savedViews(pinned: true) { name count requests(first: 1) { totalCount } } }";

/// A small xorshift generator: the workload of a run, reproducible from its seed.
struct Choices(u64);

impl Choices {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }
}

fn form(n: usize) -> Value {
    let urgency = ["LOW", "MEDIUM", "HIGH", "URGENT"][n % 4];
    json!({
        "category": "SOFTWARE_USAGE", "kind": "ISSUE", "urgency": urgency, "title": format!("Request {n}"),
        "description": "What happens, since when, and what we tried.", "product": "Iterop Design",
        "environment": { "module": "Design", "os": "Linux", "browser": "Firefox", "version": "4.2" },
    })
}

/// A request of the workload: its ID and the customer who opened it.
struct Opened {
    id: String,
    by: usize,
}

/// The kept counts, and the same figures counted from the requests.
async fn kept_and_recounted(
    app: &TestApp,
) -> (
    BTreeSet<(String, Uuid, String, i64)>,
    BTreeSet<(String, Uuid, String, i64)>,
) {
    let db = app.state.deps().db.writer();
    let read = |sql: &'static str| async move {
        let rows = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap();
        rows.iter()
            .map(|r| {
                (
                    r.try_get_by_index::<String>(0).unwrap(),
                    r.try_get_by_index::<Uuid>(1).unwrap(),
                    r.try_get_by_index::<String>(2).unwrap(),
                    r.try_get_by_index::<i64>(3).unwrap(),
                )
            })
            .collect::<BTreeSet<_>>()
    };
    let kept = read("SELECT scope, owner_id, state, n FROM request_counts WHERE n <> 0").await;
    let mut recounted = read(
        "SELECT 'COMPANY', company_id, state, COUNT(*) FROM requests GROUP BY company_id, state",
    )
    .await;
    recounted.extend(read("SELECT 'REQUESTER', requester_contact_id, state, COUNT(*) FROM requests GROUP BY requester_contact_id, state").await);
    recounted.extend(read("SELECT 'ASSIGNEE', assignee_contact_id, state, COUNT(*) FROM requests WHERE assignee_contact_id IS NOT NULL GROUP BY assignee_contact_id, state").await);
    (kept, recounted)
}

/// Saves a view and pins it to the owner's console.
async fn pin_view(
    app: &TestApp,
    owner: &Person,
    name: &str,
    queue: &str,
    scope: Value,
    filter: Value,
) {
    let input = json!({ "i": { "name": name, "queue": queue, "scope": scope, "filter": filter } });
    let saved = app.graphql_as(Some(&owner.token), SAVE_VIEW, input).await;
    let id = saved.ok()["saveView"]["view"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let pinned = app
        .graphql_as(
            Some(&owner.token),
            PIN,
            json!({ "i": { "viewId": id, "pinned": true } }),
        )
        .await;
    assert_eq!(pinned.ok()["pinView"]["pinned"], true);
}

/// Every pinned view of these people: its kept `count` against the `totalCount` of its
/// requests (counted), plus `offset`; how many views.
async fn check_views(app: &TestApp, people: &[&Person], offset: i64, when: &str) -> usize {
    let mut checked = 0;
    for person in people {
        let tiles = app.graphql_as(Some(&person.token), TILES, json!({})).await;
        for view in tiles.ok()["savedViews"].as_array().unwrap() {
            let total = view["requests"]["totalCount"].as_i64().unwrap();
            assert_eq!(
                view["count"].as_i64().unwrap(),
                total + offset,
                "view {} {when}",
                view["name"]
            );
            checked += 1;
        }
    }
    checked
}

/// Every tile of every person and scope against the `totalCount` of its queue.
async fn check_tiles(app: &TestApp, people: &[(&str, &Person, bool)]) -> usize {
    let mut checked = 0;
    for (name, person, team) in people {
        let scopes: Vec<Value> = if *team {
            vec![Value::Null, json!("PERSONAL"), json!("TEAM")]
        } else {
            vec![Value::Null, json!("PERSONAL")]
        };
        for scope in scopes {
            let tiles = app
                .graphql_as(Some(&person.token), COUNTS, json!({ "s": scope }))
                .await;
            let tiles = tiles.ok()["queueCounts"].clone();
            for (queue, field) in [
                ("TO_CLARIFY", "toClarify"),
                ("TO_VALIDATE", "toValidate"),
                ("DRAFTS", "drafts"),
                ("ACTIVE", "active"),
                ("CLOSED", "closed"),
                ("ALL", "all"),
            ] {
                let total = app
                    .graphql_as(
                        Some(&person.token),
                        TOTAL,
                        json!({ "q": queue, "s": scope }),
                    )
                    .await;
                assert_eq!(
                    tiles[field],
                    total.ok()["requests"]["totalCount"],
                    "{name}, scope {scope}, {queue}"
                );
                checked += 1;
            }
        }
    }
    checked
}

on_both_databases! {
    async fn every_kept_count_equals_a_recount_after_a_random_workload(app) with crate::metrics::long_sessions; {
        let ops: usize = std::env::var("TEST_COUNTS_OPS").ok().and_then(|v| v.parse().ok()).unwrap_or(1500);
        let seed: u64 = std::env::var("TEST_COUNTS_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(2026) | 1;
        // The workload spans about 3.5 days from 30 January (days and a month end for the
        // dashboard figures), less than the 5 days after which a proposed solution closes by
        // itself: only the workload changes requests.
        let start = Utc.with_ymd_and_hms(2026, 1, 30, 12, 0, 0).unwrap();
        app.clock.set(start);
        let step_max = (2 * 300_000 / ops.max(1)).max(1);
        let acme = app.customer_company("Acme").await;
        let globex = app.customer_company("Globex").await;
        let customers = [
            app.person(Role::Advanced, acme.id).await,
            app.person(Role::Restricted, acme.id).await,
            app.person(Role::SupportAdministrator, acme.id).await,
            app.person(Role::Advanced, globex.id).await,
        ];
        let agents = [app.person(Role::Agent, Uuid::nil()).await, app.person(Role::Agent, Uuid::nil()).await];
        let manager = app.person(Role::Manager, Uuid::nil()).await;
        let mut choices = Choices(seed);
        let mut drafts: Vec<Opened> = Vec::new();
        let mut submitted: Vec<Opened> = Vec::new();
        let mut done = [0usize; 8];
        // Pinned views filtering on every kind of column, for customers in both scopes and with
        // no scope (the restricted customer sees only their own there), and for the support.
        let co = |id: Uuid| format!("co_{}", id.simple());
        let ct = |p: &Person| format!("ct_{}", p.contact_id.simple());
        let views = [
            (&customers[0], "urgent", "ACTIVE", json!("TEAM"), json!({ "urgencies": ["HIGH", "URGENT"] })),
            (&customers[0], "search", "ALL", json!("PERSONAL"), json!({ "search": "request 1" })),
            (&customers[1], "lately", "ALL", Value::Null, json!({ "categories": ["SOFTWARE_USAGE"], "updatedAt": { "from": "2026-01-31T12:00:00Z" } })),
            (&customers[2], "tagged", "ALL", Value::Null, json!({ "tags": ["PO-7"] })),
            (&customers[2], "nobody's", "ACTIVE", json!("TEAM"), json!({ "unassigned": true })),
            (&customers[3], "closed 1 Feb", "CLOSED", json!("TEAM"), json!({ "closedAt": { "from": "2026-02-01T00:00:00Z", "to": "2026-02-02T00:00:00Z" } })),
            (&agents[0], "low or urgent", "ACTIVE", json!("PERSONAL"), json!({ "urgencies": ["LOW", "URGENT"] })),
            (&agents[1], "unassigned keys", "ALL", json!("TEAM"), json!({ "unassigned": true, "categories": ["LICENSE_KEYS", "SOFTWARE_USAGE"] })),
            (&manager, "acme", "ACTIVE", json!("TEAM"), json!({ "companyIds": [co(acme.id)], "assigneeIds": [ct(&agents[0])], "unassigned": true })),
            (&manager, "first customer", "ALL", Value::Null, json!({ "requesterIds": [ct(&customers[0])], "submittedAt": { "from": "2026-01-31T00:00:00Z" }, "kinds": ["ISSUE"] })),
        ];
        for (owner, name, queue, scope, filter) in views {
            pin_view(&app, owner, name, queue, scope, filter).await;
        }
        let owners: Vec<&Person> = customers.iter().chain(&agents).chain([&manager]).collect();
        for n in 0..ops {
            app.clock.advance(Duration::seconds(choices.below(step_max) as i64));
            match choices.below(100) {
                0..=19 => {
                    let by = choices.below(customers.len());
                    let saved = app.graphql_as(Some(&customers[by].token), SAVE, json!({ "i": { "form": form(n) } })).await;
                    let id = saved.ok()["saveRequestDraft"]["request"]["id"].as_str().unwrap().to_owned();
                    drafts.push(Opened { id, by });
                    done[0] += 1;
                }
                20..=34 if !drafts.is_empty() => {
                    let draft = drafts.swap_remove(choices.below(drafts.len()));
                    let answer = app.graphql_as(Some(&customers[draft.by].token), SUBMIT, json!({ "i": { "requestId": draft.id } })).await;
                    assert_eq!(answer.ok()["submitRequest"]["problems"], json!([]));
                    submitted.push(draft);
                    done[1] += 1;
                }
                35..=39 if !drafts.is_empty() => {
                    let draft = drafts.swap_remove(choices.below(drafts.len()));
                    app.graphql_as(Some(&customers[draft.by].token), DELETE, json!({ "i": { "requestId": draft.id } })).await.ok();
                    done[2] += 1;
                }
                40..=54 if !submitted.is_empty() => {
                    let request = &submitted[choices.below(submitted.len())];
                    let answer = if choices.below(2) == 0 {
                        let agent = choices.pick(&agents).unwrap();
                        app.graphql_as(Some(&agent.token), ASSIGN, json!({ "i": { "requestId": request.id } })).await
                    } else {
                        let agent = choices.pick(&agents).unwrap();
                        let to = format!("ct_{}", agent.contact_id.simple());
                        app.graphql_as(Some(&manager.token), ASSIGN, json!({ "i": { "requestId": request.id, "agentId": to } })).await
                    };
                    // A closed request cannot be assigned: that refusal is part of the workload.
                    if answer.codes().is_empty() { done[3] += 1; }
                }
                63..=69 if !submitted.is_empty() => {
                    // An edit: the support reclassifies, the requester tags.
                    let request = &submitted[choices.below(submitted.len())];
                    let (who, input) = if choices.below(2) == 0 {
                        let urgency = *choices.pick(&["LOW", "MEDIUM", "HIGH", "URGENT"]).unwrap();
                        let category = *choices.pick(&["SOFTWARE_USAGE", "LICENSE_KEYS", "SOFTWARE_DOWNLOAD"]).unwrap();
                        (choices.pick(&agents).unwrap(), json!({ "requestId": request.id, "urgency": urgency, "category": category }))
                    } else {
                        let tag = *choices.pick(&["PO-7", "PO-8", ""]).unwrap();
                        (&customers[request.by], json!({ "requestId": request.id, "tag": tag }))
                    };
                    let edited = app.graphql_as(Some(&who.token), UPDATE, json!({ "i": input })).await;
                    if edited.codes().is_empty() && edited.ok()["updateRequest"]["problems"] == json!([]) { done[7] += 1; }
                }
                55..=62 if !submitted.is_empty() => {
                    // A message: an agent's first one is the request's first response.
                    let request = &submitted[choices.below(submitted.len())];
                    let who = if choices.below(2) == 0 { choices.pick(&agents).unwrap() } else { &customers[request.by] };
                    let input = json!({ "i": { "requestId": request.id, "body": "Any news?" } });
                    let sent = app.graphql_as(Some(&who.token), MESSAGE, input).await;
                    // Closed requests take no message: a refusal that changes nothing.
                    if sent.codes().is_empty() { done[6] += 1; }
                }
                _ if !submitted.is_empty() => {
                    let request = &submitted[choices.below(submitted.len())];
                    let support = choices.below(2) == 0;
                    let who = if support { choices.pick(&agents).unwrap() } else { &customers[request.by] };
                    let read = app.graphql_as(Some(&who.token), ACTIONS, json!({ "id": request.id })).await;
                    let allowed: Vec<String> = read.ok()["request"]["allowedActions"].as_array().unwrap().iter()
                        .map(|a| a.as_str().unwrap().to_owned()).filter(|a| a != "ADD_MESSAGE").collect();
                    let Some(action) = choices.pick(&allowed) else { continue };
                    let input = json!({ "i": { "requestId": request.id, "action": action, "text": "Details in the attached note." } });
                    let acted = app.graphql_as(Some(&who.token), ACT, input).await;
                    // The reopen window can be over: that refusal changes nothing either.
                    if acted.codes().is_empty() { done[4] += 1; } else { done[5] += 1; }
                }
                _ => {}
            }
            // A view pinned on the way is counted then, and kept from there.
            if n + 1 == ops / 2 {
                pin_view(&app, &manager, "early", "ALL", Value::Null, json!({ "createdAt": { "to": "2026-01-31T06:00:00Z" }, "products": ["Iterop Design", "Other"] })).await;
            }
            if (n + 1) % 500 == 0 || n + 1 == ops {
                let when = format!("after {} operations (TEST_COUNTS_SEED={seed})", n + 1);
                assert_eq!(check_views(&app, &owners, 0, &when).await, 10 + usize::from(n + 1 >= ops / 2));
                let (kept, recounted) = kept_and_recounted(&app).await;
                assert_eq!(kept, recounted, "after {} operations (TEST_COUNTS_SEED={seed})", n + 1);
                let ((kept, rebuilt), (waits, replayed)) = crate::metrics::kept_and_rebuilt(&app).await;
                assert!(!kept.is_empty() || n < 100);
                let differ = crate::metrics::difference(&kept, &rebuilt);
                assert!(differ.is_empty(), "dashboard counters after {} operations (TEST_COUNTS_SEED={seed}), kept | rebuilt: {differ:#?}", n + 1);
                let differ = crate::metrics::difference(&waits, &replayed);
                assert!(differ.is_empty(), "waiting times after {} operations (TEST_COUNTS_SEED={seed}), kept | replayed: {differ:#?}", n + 1);
            }
            // The dashboard on the way too, several times a day: days that are over come from
            // memory once read, the others (changed since) from the database.
            if (n + 1) % 100 == 0 {
                crate::metrics::check_against_exact(&app, &manager, ("2026-01-30", "2026-03-02")).await;
            }
        }
        // Two days of January, February as a whole month, a day of March.
        assert!(app.clock.now() < Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap());
        let compared = crate::metrics::check_against_exact(&app, &manager, ("2026-01-30", "2026-03-02")).await;
        assert_eq!(compared, 4, "median and p90 of first response and resolution");
        // A range that cuts through the workload's days.
        let cut = crate::metrics::check_against_exact(&app, &manager, ("2026-01-31", "2026-02-02")).await;
        assert!(cut >= 2);
        assert!(done[1] > 10 && done[2] > 3 && done[3] > 10 && done[4] > 50 && done[6] > 10 && done[7] > 10, "the workload did little: {done:?} (TEST_COUNTS_SEED={seed})");
        let people = [
            ("acme advanced", &customers[0], true), ("acme restricted", &customers[1], false),
            ("acme administrator", &customers[2], true), ("globex advanced", &customers[3], true),
            ("agent", &agents[0], true), ("other agent", &agents[1], true), ("manager", &manager, true),
        ];
        let checked = check_tiles(&app, &people).await;
        assert_eq!(checked, 6 * 3 * 6 + 2 * 6, "six people with a team role, one without");
        // The views' figures are the kept ones, not counted when read.
        let db = app.state.deps().db.writer();
        db.execute_unprepared("UPDATE view_counts SET n = n + 1000, own = own + 1000").await.unwrap();
        assert_eq!(check_views(&app, &owners, 1000, "with the kept counts moved by 1000").await, 11);
    }

    async fn a_view_pinned_while_requests_change_counts_each_change_once(app) {
        // Each round pins a view of the requests changed since a moment, while a message is
        // added to every request at once: a change is either in the count made at pinning, or
        // moves it afterwards, never both nor neither.
        let acme = app.customer_company("Acme").await;
        let customer = app.person(Role::Advanced, acme.id).await;
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        app.clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
        let mut ids = Vec::new();
        for n in 0..24 {
            let saved = app.graphql_as(Some(&customer.token), SAVE, json!({ "i": { "form": form(n) } })).await;
            let id = saved.ok()["saveRequestDraft"]["request"]["id"].as_str().unwrap().to_owned();
            app.graphql_as(Some(&customer.token), SUBMIT, json!({ "i": { "requestId": id } })).await.ok();
            ids.push(id);
        }
        for round in 0..4 {
            app.clock.advance(Duration::minutes(10));
            let since = app.clock.now().to_rfc3339();
            app.clock.advance(Duration::minutes(1));
            let input = json!({ "i": { "name": format!("since {round}"), "scope": "TEAM", "filter": { "updatedAt": { "from": since } } } });
            let saved = app.graphql_as(Some(&agent.token), SAVE_VIEW, input).await;
            let view = saved.ok()["saveView"]["view"]["id"].as_str().unwrap().to_owned();
            let pin = app.graphql_as(Some(&agent.token), PIN, json!({ "i": { "viewId": view, "pinned": true } }));
            let messages = ids.iter().map(|id| {
                let input = json!({ "i": { "requestId": id, "body": format!("Round {round}") } });
                app.graphql_as(Some(&agent.token), MESSAGE, input)
            });
            let (pinned, sent) = tokio::join!(pin, futures_util::future::join_all(messages));
            pinned.ok();
            for answer in sent {
                answer.ok();
            }
            let when = format!("round {round}");
            assert_eq!(check_views(&app, &[&agent], 0, &when).await, round + 1);
            let tiles = app.graphql_as(Some(&agent.token), TILES, json!({})).await;
            let counts: Vec<i64> = tiles.ok()["savedViews"].as_array().unwrap().iter().map(|v| v["count"].as_i64().unwrap()).collect();
            assert!(counts.iter().all(|n| *n == 24), "every request changed in every round: {counts:?}");
        }
    }

    async fn a_draft_is_deleted_only_by_its_author_and_only_as_a_draft(app) {
        let acme = app.customer_company("Acme").await;
        let author = app.person(Role::Advanced, acme.id).await;
        let colleague = app.person(Role::SupportAdministrator, acme.id).await;
        let shared = &app;
        let save = |token: String| async move { shared.graphql_as(Some(&token), SAVE, json!({ "i": { "form": form(1) } })).await };
        let id = save(author.token.clone()).await.ok()["saveRequestDraft"]["request"]["id"].as_str().unwrap().to_owned();
        let theirs = app.graphql_as(Some(&colleague.token), DELETE, json!({ "i": { "requestId": id } })).await;
        assert_eq!(theirs.codes(), ["NOT_FOUND"], "a colleague does not even see it");
        let tiles = app.graphql_as(Some(&author.token), COUNTS, json!({})).await;
        assert_eq!(tiles.ok()["queueCounts"]["drafts"], 1);
        let deleted = app.graphql_as(Some(&author.token), DELETE, json!({ "i": { "requestId": id } })).await;
        assert_eq!(deleted.ok()["deleteRequestDraft"]["deletedRequestId"], id.as_str());
        let again = app.graphql_as(Some(&author.token), DELETE, json!({ "i": { "requestId": id } })).await;
        assert_eq!(again.codes(), ["NOT_FOUND"]);
        let tiles = app.graphql_as(Some(&author.token), COUNTS, json!({})).await;
        assert_eq!(tiles.ok()["queueCounts"]["drafts"], 0);

        let kept = save(author.token.clone()).await.ok()["saveRequestDraft"]["request"]["id"].as_str().unwrap().to_owned();
        app.graphql_as(Some(&author.token), SUBMIT, json!({ "i": { "requestId": kept } })).await.ok();
        let submitted = app.graphql_as(Some(&author.token), DELETE, json!({ "i": { "requestId": kept } })).await;
        assert_eq!(submitted.codes(), ["ACTION_NOT_ALLOWED"]);
        let restricted = app.person(Role::Restricted, acme.id).await;
        let team = app.graphql_as(Some(&restricted.token), COUNTS, json!({ "s": "TEAM" })).await;
        assert_eq!(team.error()["extensions"]["reason"], "NOT_ALLOWED");
    }
}
