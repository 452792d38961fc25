//! Live request updates (issue 15): delivery filtered by role and company at delivery time,
//! resuming after a cursor with no gap or duplicate, sessions and roles that end their
//! subscriptions within a second, and updates that cross server instances.

use std::time::{Duration, Instant};

use portal_tests::ws::WsClient;
use portal_tests::{Person, Role, TestApp, on_both_databases, request_form};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use uuid::Uuid;

const UPDATES: &str = "subscription($after: String, $requestId: ID, $queue: RequestQueue, $scope: RequestScope) { requestUpdates(after: $after, requestId: $requestId, queue: $queue, scope: $scope) { cursor kind action fromState toState hasComment actorId side messageId previousAssigneeId fields request { id humanId state companyId requesterId assigneeId version } } }";
const ACT: &str =
    "mutation($i: TransitionRequestInput!) { transitionRequest(input: $i) { request { state } } }";
const ASSIGN: &str =
    "mutation($i: AssignRequestInput!) { assignRequest(input: $i) { request { version } } }";
const MESSAGE: &str =
    "mutation($i: AddRequestMessageInput!) { addRequestMessage(input: $i) { message { id } } }";

const TILES: &str = "subscription($scope: RequestScope) { queueCountsUpdates(scope: $scope) { toClarify toValidate drafts active closed all } }";

/// The next tile counts sent on `ws`.
async fn tiles(ws: &mut WsClient) -> Value {
    let message = ws.next().await;
    assert_eq!(message["type"], "next", "{message}");
    assert!(message["payload"]["errors"].is_null(), "{message}");
    message["payload"]["data"]["queueCountsUpdates"].clone()
}

const CONTACT_UPDATES: &str = "subscription { contactUpdates { cursor kind contact { id supportRole securityAdministrator status version } } }";

/// The next contact update sent on `ws`.
async fn contact_update(ws: &mut WsClient) -> Value {
    let message = ws.next().await;
    assert_eq!(message["type"], "next", "{message}");
    assert!(message["payload"]["errors"].is_null(), "{message}");
    message["payload"]["data"]["contactUpdates"].clone()
}

fn ct(id: Uuid) -> String {
    format!("ct_{}", id.simple())
}

/// Subscribes as operation `id` and gives the server a moment to start listening (the protocol
/// has no acknowledgement of a subscription).
async fn subscribe(ws: &mut WsClient, id: &str, variables: Value) {
    ws.send(json!({ "id": id, "type": "subscribe", "payload": { "query": UPDATES, "variables": variables } }))
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// The next update sent on `ws`.
async fn update(ws: &mut WsClient) -> Value {
    let message = ws.next().await;
    assert_eq!(message["type"], "next", "{message}");
    assert!(message["payload"]["errors"].is_null(), "{message}");
    message["payload"]["data"]["requestUpdates"].clone()
}

/// The error that ends a subscription, then its completion.
async fn ended_with(ws: &mut WsClient) -> String {
    let message = ws.next().await;
    assert_eq!(message["type"], "next", "{message}");
    let code = message["payload"]["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("an error: {message}"))
        .to_owned();
    assert_eq!(ws.next().await["type"], "complete");
    code
}

async fn act(app: &TestApp, who: &Person, id: &str, action: &str, text: Option<&str>) {
    let done = app
        .graphql_as(
            Some(&who.token),
            ACT,
            json!({ "i": { "requestId": id, "action": action, "text": text } }),
        )
        .await;
    done.ok();
}

async fn take(app: &TestApp, agent: &Person, id: &str) {
    app.graphql_as(
        Some(&agent.token),
        ASSIGN,
        json!({ "i": { "requestId": id } }),
    )
    .await
    .ok();
}

on_both_databases! {
    async fn updates_reach_exactly_those_who_may_see_the_request(app) {
        let alpha = app.customer_company("Alpha SA").await;
        let beta = app.customer_company("Beta SA").await;
        let requester = app.person(Role::Restricted, alpha.id).await;
        let colleague = app.person(Role::Restricted, alpha.id).await;
        let team = app.person(Role::SupportAdministrator, alpha.id).await;
        let stranger = app.person(Role::SupportAdministrator, beta.id).await;
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        let mut watchers = Vec::new();
        for person in [&team, &stranger, &agent, &colleague] {
            let mut ws = app.ws_ready(Some(&person.token)).await;
            subscribe(&mut ws, "u", json!({})).await;
            watchers.push(ws);
        }
        let [team_ws, stranger_ws, agent_ws, colleague_ws] = &mut watchers[..] else { unreachable!() };

        // Submitted: the team and the support are told; the draft before it was the
        // requester's alone.
        let id = app.submitted_request(&requester.token, request_form("Export fails", "HIGH")).await;
        for ws in [&mut *team_ws, &mut *agent_ws] {
            let submitted = update(ws).await;
            assert_eq!(submitted["kind"], "STATE_CHANGED");
            assert_eq!(submitted["action"], "SUBMIT");
            assert_eq!((submitted["fromState"].as_str(), submitted["toState"].as_str()), (Some("DRAFT"), Some("SUPPORT_ANALYSIS")));
            assert_eq!(submitted["request"]["id"], id.as_str());
            assert_eq!(submitted["request"]["requesterId"], ct(requester.contact_id));
            assert_eq!(submitted["actorId"], ct(requester.contact_id));
            assert_eq!(submitted["side"], "CUSTOMER");
            assert!(submitted["request"]["humanId"].as_str().unwrap().starts_with("SR-"));
        }

        // Taken, then a question to the customer with its text.
        take(&app, &agent, &id).await;
        act(&app, &agent, &id, "REQUEST_CLARIFICATION", Some("Which version?")).await;
        for ws in [&mut *team_ws, &mut *agent_ws] {
            let assigned = update(ws).await;
            assert_eq!(assigned["kind"], "ASSIGNED");
            assert_eq!(assigned["previousAssigneeId"], Value::Null);
            assert_eq!(assigned["request"]["assigneeId"], ct(agent.contact_id));
            let asked = update(ws).await;
            assert_eq!((asked["kind"].as_str(), asked["action"].as_str()), (Some("STATE_CHANGED"), Some("REQUEST_CLARIFICATION")));
            assert_eq!(asked["hasComment"], true);
            assert_eq!(asked["side"], "SUPPORT");
            assert_eq!(asked["request"]["state"], "CUSTOMER_CLARIFICATION");
        }

        // Another company's request: its own team and the support see it; Alpha's do not.
        let beta_requester = app.person(Role::Restricted, beta.id).await;
        let beta_id = app.submitted_request(&beta_requester.token, request_form("Login loop", "LOW")).await;
        // The colleague, who sees only their own requests, is told of their own draft first.
        let own = app.submitted_request(&colleague.token, request_form("My own", "LOW")).await;
        let first = update(stranger_ws).await;
        assert_eq!(first["request"]["id"], beta_id.as_str(), "nothing of Alpha reached Beta: {first}");
        assert_eq!(update(agent_ws).await["request"]["id"], beta_id.as_str());
        let created = update(colleague_ws).await;
        assert_eq!((created["kind"].as_str(), created["request"]["id"].as_str()), (Some("CREATED"), Some(own.as_str())));
        assert_eq!(created["request"]["state"], "DRAFT");
        assert_eq!(update(colleague_ws).await["action"], "SUBMIT");
        let next = update(team_ws).await;
        assert_eq!(next["request"]["id"], own.as_str(), "the team sees the colleague's request once submitted: {next}");
        assert_eq!(next["action"], "SUBMIT");

        // Following one request, or one queue, narrows what comes.
        let mut one = app.ws_ready(Some(&team.token)).await;
        subscribe(&mut one, "one", json!({ "requestId": id })).await;
        let mut queue = app.ws_ready(Some(&team.token)).await;
        subscribe(&mut queue, "q", json!({ "queue": "TO_CLARIFY" })).await;
        app.graphql_as(Some(&colleague.token), MESSAGE, json!({ "i": { "requestId": own, "body": "unrelated" } })).await.ok();
        act(&app, &requester, &id, "CLARIFY", Some("4.2")).await;
        let clarified = update(&mut one).await;
        assert_eq!((clarified["action"].as_str(), clarified["request"]["id"].as_str()), (Some("CLARIFY"), Some(id.as_str())));
        // Leaving the queue is told too, so a list can drop the request.
        let left = update(&mut queue).await;
        assert_eq!((left["fromState"].as_str(), left["toState"].as_str()), (Some("CUSTOMER_CLARIFICATION"), Some("SUPPORT_ANALYSIS")));

        // Another company's request cannot be followed, nor can it be told from an unknown one.
        let mut probe = app.ws_ready(Some(&stranger.token)).await;
        probe.send(json!({ "id": "p", "type": "subscribe", "payload": { "query": UPDATES, "variables": { "requestId": id } } })).await;
        assert_eq!(ended_with(&mut probe).await, "NOT_FOUND");
        // Support Restricted has no team scope.
        let mut restricted = app.ws_ready(Some(&colleague.token)).await;
        restricted.send(json!({ "id": "r", "type": "subscribe", "payload": { "query": UPDATES, "variables": { "scope": "TEAM" } } })).await;
        assert_eq!(ended_with(&mut restricted).await, "BAD_USER_INPUT");
        // Nobody without a session.
        let mut anonymous = app.ws_ready(None).await;
        anonymous.send(json!({ "id": "a", "type": "subscribe", "payload": { "query": UPDATES } })).await;
        assert_eq!(ended_with(&mut anonymous).await, "UNAUTHENTICATED");
    }

    async fn tile_counts_follow_the_changes_the_caller_sees(app) {
        let company = app.customer_company("Tiles SA").await;
        let requester = app.person(Role::Restricted, company.id).await;
        let team = app.person(Role::SupportAdministrator, company.id).await;
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        let first = app.submitted_request(&requester.token, request_form("Counted", "LOW")).await;
        let mut ws = app.ws_ready(Some(&team.token)).await;
        ws.send(json!({ "id": "t", "type": "subscribe", "payload": { "query": TILES, "variables": { "scope": "TEAM" } } })).await;
        let now = tiles(&mut ws).await;
        assert_eq!((now["active"].as_i64(), now["toClarify"].as_i64(), now["all"].as_i64()), (Some(1), Some(0), Some(1)));

        // The requester's draft moves nothing the team sees; its submission does.
        app.submitted_request(&requester.token, request_form("Counted too", "LOW")).await;
        let submitted = tiles(&mut ws).await;
        assert_eq!((submitted["active"].as_i64(), submitted["all"].as_i64()), (Some(2), Some(2)));
        take(&app, &agent, &first).await; // moves no count: nothing is sent
        act(&app, &agent, &first, "REQUEST_CLARIFICATION", Some("Which one?")).await;
        let asked = tiles(&mut ws).await;
        assert_eq!((asked["toClarify"].as_i64(), asked["active"].as_i64()), (Some(1), Some(2)));

        // Another company's changes are not the team's.
        let other = app.customer_company("Other Tiles SA").await;
        let stranger = app.person(Role::Restricted, other.id).await;
        app.submitted_request(&stranger.token, request_form("Not counted", "LOW")).await;
        act(&app, &requester, &first, "CLARIFY", Some("That one.")).await;
        let answered = tiles(&mut ws).await;
        assert_eq!((answered["toClarify"].as_i64(), answered["all"].as_i64()), (Some(0), Some(2)), "{answered}");
    }

    async fn a_subscription_resumes_after_its_cursor_with_no_gap_or_duplicate(app) {
        let company = app.customer_company("Resume SA").await;
        let requester = app.person(Role::Advanced, company.id).await;
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        let mut ws = app.ws_ready(Some(&requester.token)).await;
        subscribe(&mut ws, "u", json!({ "scope": "TEAM" })).await;
        let id = app.submitted_request(&requester.token, request_form("Resume me", "MEDIUM")).await;
        let created = update(&mut ws).await;
        assert_eq!(created["kind"], "CREATED");
        let submitted = update(&mut ws).await;
        assert_eq!(submitted["action"], "SUBMIT");
        let cursor = submitted["cursor"].as_str().unwrap().to_owned();
        ws.close().await;

        // Missed while disconnected.
        take(&app, &agent, &id).await;
        act(&app, &agent, &id, "REQUEST_CLARIFICATION", Some("Which browser?")).await;
        for n in 0..3 {
            app.graphql_as(Some(&agent.token), MESSAGE, json!({ "i": { "requestId": id, "body": format!("note {n}") } })).await.ok();
        }

        let mut back = app.ws_ready(Some(&requester.token)).await;
        subscribe(&mut back, "u", json!({ "scope": "TEAM", "after": cursor })).await;
        let mut kinds = Vec::new();
        let mut cursors = vec![cursor.clone()];
        for _ in 0..5 {
            let missed = update(&mut back).await;
            kinds.push(missed["kind"].as_str().unwrap().to_owned());
            cursors.push(missed["cursor"].as_str().unwrap().to_owned());
        }
        assert_eq!(kinds, ["ASSIGNED", "STATE_CHANGED", "MESSAGE_ADDED", "MESSAGE_ADDED", "MESSAGE_ADDED"]);
        // Then live ones, with nothing repeated.
        act(&app, &requester, &id, "CLARIFY", Some("Firefox")).await;
        let live = update(&mut back).await;
        assert_eq!(live["action"], "CLARIFY");
        cursors.push(live["cursor"].as_str().unwrap().to_owned());
        let distinct: std::collections::HashSet<_> = cursors.iter().collect();
        assert_eq!(distinct.len(), cursors.len(), "every update has its own cursor");

        // A cursor from the middle resumes from there.
        let mut middle = app.ws_ready(Some(&requester.token)).await;
        subscribe(&mut middle, "m", json!({ "scope": "TEAM", "after": cursors[3] })).await;
        let messages: Vec<_> = [update(&mut middle).await, update(&mut middle).await]
            .iter()
            .map(|u| u["kind"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(messages, ["MESSAGE_ADDED", "MESSAGE_ADDED"]);
        assert_eq!(update(&mut middle).await["action"], "CLARIFY");

        // A cursor that is not one, and one whose updates are no longer kept.
        let mut wrong = app.ws_ready(Some(&requester.token)).await;
        wrong.send(json!({ "id": "w", "type": "subscribe", "payload": { "query": UPDATES, "variables": { "after": "bm90LWEtY3Vyc29y" } } })).await;
        assert_eq!(ended_with(&mut wrong).await, "BAD_USER_INPUT");
        let deps = app.state.deps();
        let pruned = portal_api::live::prune(deps.db.writer(), deps.clock.now() + chrono::Duration::hours(1)).await.unwrap();
        assert!(pruned >= 8, "{pruned}");
        let mut late = app.ws_ready(Some(&requester.token)).await;
        late.send(json!({ "id": "l", "type": "subscribe", "payload": { "query": UPDATES, "variables": { "after": cursor } } })).await;
        assert_eq!(ended_with(&mut late).await, "CURSOR_EXPIRED");
    }

    async fn logout_and_role_reductions_end_subscriptions_within_a_second(app) {
        let company = app.customer_company("Cutoff SA").await;
        let security = app.person(Role::SecurityAdministrator, company.id).await;
        let leaving = app.person(Role::Advanced, company.id).await;
        let demoted = app.person(Role::SupportAdministrator, company.id).await;
        let obsolete = app.person(Role::Advanced, company.id).await;
        let mut sockets = Vec::new();
        for (person, variables) in [(&leaving, json!({})), (&demoted, json!({ "scope": "TEAM" })), (&obsolete, json!({}))] {
            let mut ws = app.ws_ready(Some(&person.token)).await;
            subscribe(&mut ws, "u", variables).await;
            sockets.push(ws);
        }
        let [leaving_ws, demoted_ws, obsolete_ws] = &mut sockets[..] else { unreachable!() };
        // The Security Administrator's contact list follows along; another company's does not.
        let elsewhere = app.customer_company("Elsewhere SA").await;
        let other_security = app.person(Role::SecurityAdministrator, elsewhere.id).await;
        let mut contacts_ws = app.ws_ready(Some(&security.token)).await;
        contacts_ws.send(json!({ "id": "c", "type": "subscribe", "payload": { "query": CONTACT_UPDATES } })).await;
        let mut other_ws = app.ws_ready(Some(&other_security.token)).await;
        other_ws.send(json!({ "id": "c", "type": "subscribe", "payload": { "query": CONTACT_UPDATES } })).await;
        let mut not_admin = app.ws_ready(Some(&leaving.token)).await;
        not_admin.send(json!({ "id": "c", "type": "subscribe", "payload": { "query": CONTACT_UPDATES } })).await;
        assert_eq!(ended_with(&mut not_admin).await, "FORBIDDEN");
        tokio::time::sleep(Duration::from_millis(300)).await;

        let started = Instant::now();
        app.graphql_as(Some(&leaving.token), "mutation { logout }", Value::Null).await.ok();
        assert_eq!(ended_with(leaving_ws).await, "UNAUTHENTICATED");
        assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());

        // "Log out everywhere" ends the subscriptions of every session of the account.
        let everywhere = app.person(Role::Advanced, company.id).await;
        let mut everywhere_ws = app.ws_ready(Some(&everywhere.token)).await;
        subscribe(&mut everywhere_ws, "u", json!({})).await;
        let started = Instant::now();
        let ended = app.graphql_as(Some(&everywhere.token), "mutation { logoutEverywhere }", Value::Null).await;
        assert_eq!(ended.ok()["logoutEverywhere"], 1);
        assert_eq!(ended_with(&mut everywhere_ws).await, "UNAUTHENTICATED");
        assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());

        let staged = app.graphql_as(Some(&security.token),
            "mutation($i: StageRoleChangeInput!) { stageRoleChange(input: $i) { stagedChanges { contact { id } } } }",
            json!({ "i": { "contactId": ct(demoted.contact_id), "roles": { "supportRole": "SUPPORT_RESTRICTED", "securityAdministrator": false } } })).await;
        staged.ok();
        let started = Instant::now();
        let applied = app.graphql_as(Some(&security.token), "mutation { applyRoleChanges { problems { code } } }", Value::Null).await;
        assert_eq!(applied.ok()["applyRoleChanges"]["problems"], json!([]));
        assert_eq!(ended_with(demoted_ws).await, "FORBIDDEN", "the team scope needs a team role");
        assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
        let roles = contact_update(&mut contacts_ws).await;
        assert_eq!(roles["kind"], "ROLES_CHANGED");
        assert_eq!(roles["contact"]["id"], ct(demoted.contact_id));
        assert_eq!(roles["contact"]["supportRole"], "SUPPORT_RESTRICTED");

        // A contact loses its roles before it is marked obsolete: that ends what it follows.
        app.graphql_as(Some(&security.token),
            "mutation($i: StageRoleChangeInput!) { stageRoleChange(input: $i) { stagedChanges { contact { id } } } }",
            json!({ "i": { "contactId": ct(obsolete.contact_id), "roles": { "supportRole": null, "securityAdministrator": false } } })).await.ok();
        let started = Instant::now();
        let applied = app.graphql_as(Some(&security.token), "mutation { applyRoleChanges { problems { code } } }", Value::Null).await;
        assert_eq!(applied.ok()["applyRoleChanges"]["problems"], json!([]));
        assert_eq!(ended_with(obsolete_ws).await, "FORBIDDEN");
        assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
        let marked = app.graphql_as(Some(&security.token),
            "mutation($i: ContactStatusInput!) { markContactObsolete(input: $i) { contact { status } } }",
            json!({ "i": { "id": ct(obsolete.contact_id) } })).await;
        assert_eq!(marked.ok()["markContactObsolete"]["contact"]["status"], "OBSOLETE");
        let removed = contact_update(&mut contacts_ws).await;
        assert_eq!((removed["kind"].as_str(), removed["contact"]["supportRole"].as_str()), (Some("ROLES_CHANGED"), None));
        let obsolete_now = contact_update(&mut contacts_ws).await;
        assert_eq!(obsolete_now["kind"], "MARKED_OBSOLETE");
        assert_eq!(obsolete_now["contact"]["status"], "OBSOLETE");
        assert_eq!(obsolete_now["contact"]["id"], ct(obsolete.contact_id));

        // Elsewhere's administrator heard nothing of Cutoff: their first update is their own.
        let newcomer = app.person(Role::Restricted, elsewhere.id).await;
        let marked = app.graphql_as(Some(&other_security.token),
            "mutation($i: StageRoleChangeInput!) { stageRoleChange(input: $i) { stagedChanges { contact { id } } } }",
            json!({ "i": { "contactId": ct(newcomer.contact_id), "roles": { "supportRole": "SUPPORT_ADVANCED", "securityAdministrator": false } } })).await;
        marked.ok();
        app.graphql_as(Some(&other_security.token), "mutation { applyRoleChanges { problems { code } } }", Value::Null).await.ok();
        let first = contact_update(&mut other_ws).await;
        assert_eq!(first["contact"]["id"], ct(newcomer.contact_id), "{first}");
    }

    async fn an_expiring_session_ends_its_subscriptions_when_it_expires(app)
        with |s: &mut portal_tests::Settings| { s.auth.session_idle_secs = 2; s.auth.admin_session_idle_secs = 2; }; {
        let company = app.customer_company("Expiry SA").await;
        let person = app.person(Role::Advanced, company.id).await;
        let mut ws = app.ws_ready(Some(&person.token)).await;
        let subscribed = Instant::now();
        subscribe(&mut ws, "u", json!({})).await;
        // The session has been idle past its two seconds when the subscription checks it again,
        // at the moment it would end.
        app.clock.advance(chrono::Duration::seconds(3));
        assert_eq!(ended_with(&mut ws).await, "UNAUTHENTICATED");
        let took = subscribed.elapsed();
        assert!(took < Duration::from_secs(3), "ended {took:?} after subscribing, for a session idle for at most 2 s");
    }

    async fn a_company_switch_narrows_the_session_s_subscriptions_to_the_new_company(app) {
        let acme = app.customer_company("Acme").await;
        let globex = app.customer_company("Globex").await;
        let person = app.person(Role::Advanced, acme.id).await;
        let acme_colleague = app.person(Role::Advanced, acme.id).await;
        let globex_colleague = app.person(Role::Advanced, globex.id).await;
        let globex_admin = app.person(Role::SecurityAdministrator, globex.id).await;
        // The person becomes Support Advanced at Globex too.
        let add = "mutation($i: AddContactInput!) { addContact(input: $i) { contact { id } } }";
        let added = app.graphql_as(Some(&globex_admin.token), add, json!({ "i": { "lastName": "Two", "firstName": "Companies", "email": person.email } })).await;
        let contact = added.ok()["addContact"]["contact"]["id"].as_str().unwrap().to_owned();
        let stage = "mutation($i: StageRoleChangeInput!) { stageRoleChange(input: $i) { stagedChanges { contact { id } } } }";
        app.graphql_as(Some(&globex_admin.token), stage, json!({ "i": { "contactId": contact, "roles": { "supportRole": "SUPPORT_ADVANCED", "securityAdministrator": false } } })).await.ok();
        let applied = app.graphql_as(Some(&globex_admin.token), "mutation { applyRoleChanges { problems { code } } }", Value::Null).await;
        assert_eq!(applied.ok()["applyRoleChanges"]["problems"], json!([]));

        let mut ws = app.ws_ready(Some(&person.token)).await;
        subscribe(&mut ws, "u", json!({ "scope": "TEAM" })).await;
        let at_acme = app.submitted_request(&acme_colleague.token, request_form("Acme's", "LOW")).await;
        assert_eq!(update(&mut ws).await["request"]["id"], at_acme.as_str(), "Acme's team request reaches them");

        let switch = "mutation($i: SwitchCompanyInput!) { switchCompany(input: $i) { contact { id } } }";
        let switched = app.graphql_as(Some(&person.token), switch, json!({ "i": { "companyId": format!("co_{}", globex.id.simple()) } })).await;
        assert_eq!(switched.ok()["switchCompany"]["contact"]["id"], contact.as_str());
        // From the switch on, Acme's changes are not theirs to see; Globex's are.
        let _ = app.submitted_request(&acme_colleague.token, request_form("Acme's, later", "LOW")).await;
        let at_globex = app.submitted_request(&globex_colleague.token, request_form("Globex's", "LOW")).await;
        let next = update(&mut ws).await;
        assert_eq!(next["request"]["id"], at_globex.as_str(), "the next update is Globex's: {next}");
        assert_eq!(next["request"]["companyId"], format!("co_{}", globex.id.simple()));
    }

    async fn an_update_made_on_one_instance_reaches_subscribers_of_another(app) {
        let company = app.customer_company("Replica SA").await;
        let requester = app.person(Role::Advanced, company.id).await;
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        let other = app.separate_instance().await;
        let mut ws = other.ws_ready(Some(&requester.token)).await;
        subscribe(&mut ws, "u", json!({ "scope": "TEAM" })).await;
        let id = app.submitted_request(&requester.token, request_form("Across", "LOW")).await;
        assert_eq!(update(&mut ws).await["kind"], "CREATED");
        assert_eq!(update(&mut ws).await["action"], "SUBMIT");

        // A burst of 20 messages, the listeners' connections killed in the middle of it:
        // every message arrives, once, in order.
        let burst = {
            let (url, token, id) = (app.url("/graphql"), agent.token.clone(), id.clone());
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                for n in 0..20 {
                    let sent = http.post(&url).bearer_auth(&token)
                        .json(&json!({ "query": MESSAGE, "variables": { "i": { "requestId": id, "body": format!("burst {n}") } } }))
                        .send().await.unwrap();
                    assert!(sent.status().is_success());
                    if n == 5 {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        let db = app.state.deps().db.writer();
        if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE application_name = 'support-portal-listener' AND datname = current_database()",
            ).await.unwrap();
        }
        burst.await.unwrap();
        let mut ids = Vec::new();
        for _ in 0..20 {
            let added = update(&mut ws).await;
            assert_eq!(added["kind"], "MESSAGE_ADDED");
            ids.push(added["messageId"].as_str().unwrap().to_owned());
        }
        let distinct: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), 20);
        // Nothing more came.
        take(&app, &agent, &id).await;
        assert_eq!(update(&mut ws).await["kind"], "ASSIGNED", "no update came twice");
    }

    async fn an_update_is_rendered_for_each_document_and_variables_once_and_shared(app) {
        // One update is resolved once per document and variables and shared by their
        // subscribers: those of the same document and variables get the same text, the others
        // their own, whoever resolved the update first.
        const TITLED: &str = "subscription($t: Boolean!) { requestUpdates { cursor kind request { id title @include(if: $t) } } }";
        const OTHER: &str = "subscription { requestUpdates { kind request { humanId } } }";
        let company = app.customer_company("Shared SA").await;
        let requester = app.person(Role::Advanced, company.id).await;
        let team = app.person(Role::SupportAdministrator, company.id).await;
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        let mut sockets = Vec::new();
        for (who, query, variables) in [
            (&agent, TITLED, json!({ "t": true })),
            (&agent, TITLED, json!({ "t": false })),
            (&agent, OTHER, json!({})),
            (&team, TITLED, json!({ "t": true })),
            (&team, TITLED, json!({ "t": false })),
        ] {
            let mut ws = app.ws_ready(Some(&who.token)).await;
            ws.send(json!({ "id": "s", "type": "subscribe", "payload": { "query": query, "variables": variables } })).await;
            sockets.push(ws);
        }
        // The same document on the legacy protocol: the update sent as rendered for the others
        // (see `graphql::direct`) is wrapped in that protocol's own message.
        let mut legacy = app.ws(Some("graphql-ws")).await;
        legacy.send(json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {}", agent.token) } })).await;
        assert_eq!(legacy.next().await["type"], "connection_ack");
        legacy.send(json!({ "id": "l", "type": "start", "payload": { "query": TITLED, "variables": { "t": true } } })).await;
        sockets.push(legacy);
        // Two root fields are refused, as GraphQL's validation says ("single root field"):
        // updates are shared per document, and an update is one event of one field.
        let mut two = app.ws_ready(Some(&agent.token)).await;
        for query in [
            "subscription { a: requestUpdates { kind } b: requestUpdates { cursor } }",
            "subscription { requestUpdates { kind } ...F } fragment F on Subscription { contactUpdates { kind } }",
        ] {
            two.send(json!({ "id": "t", "type": "subscribe", "payload": { "query": query } })).await;
            let refused = two.next().await;
            assert_eq!(refused["type"], "error", "{refused}");
            assert_eq!(refused["payload"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
            assert!(refused["payload"][0]["message"].as_str().unwrap().contains("only one top level field"));
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let id = app.submitted_request(&requester.token, request_form("Shared render", "LOW")).await;
        for round in 0..2 {
            if round == 1 {
                take(&app, &agent, &id).await;
            }
            let mut got = Vec::new();
            for ws in &mut sockets {
                let mut message = ws.next().await;
                while message["type"] == "ka" {
                    message = ws.next().await; // the legacy protocol's keep-alive
                }
                let kind = if got.len() == 5 { "data" } else { "next" };
                assert_eq!(message["type"], kind, "{message}");
                got.push(message["payload"].to_string());
            }
            let update: Value = serde_json::from_str(&got[0]).unwrap();
            let update = &update["data"]["requestUpdates"];
            assert_eq!(update["request"]["id"], id.as_str());
            assert_eq!(update["request"]["title"], "Shared render");
            assert_eq!(got[3], got[0], "same document and variables, same update");
            assert_eq!(got[4], got[1], "same document and variables, same update");
            assert_eq!(got[5], got[0], "the same update on the legacy protocol");
            let untitled: Value = serde_json::from_str(&got[1]).unwrap();
            let untitled = &untitled["data"]["requestUpdates"];
            assert_eq!(untitled["cursor"], update["cursor"]);
            assert!(untitled["request"].get("title").is_none(), "{untitled}");
            let other: Value = serde_json::from_str(&got[2]).unwrap();
            let other = &other["data"]["requestUpdates"];
            assert!(other.get("cursor").is_none(), "{other}");
            assert!(other["request"]["humanId"].as_str().unwrap().starts_with("SR-"), "{other}");
        }
    }
}

/// `POST /graphql` to a server process as the bearer of `token`.
async fn post(base_url: &str, token: &str, query: &str, variables: Value) -> Value {
    reqwest::Client::new()
        .post(format!("{base_url}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Two `portal serve` processes on one PostgreSQL database, as deployed behind a load
/// balancer: a request made through one reaches a subscriber of the other, and killing the
/// listeners' database connections during a burst of 20 messages loses none and repeats none.
/// PostgreSQL only: SQLite serves one process by design.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_server_processes_on_one_postgresql_share_their_updates() {
    use portal_tests::cli::Portal;
    let Some(portal) = Portal::new(portal_tests::Backend::Postgres).await else {
        return;
    };
    let demo = portal.run(&["demo"]).await;
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let printed = String::from_utf8_lossy(&demo.stdout).into_owned();
    let token_of = |login: &str| {
        printed
            .lines()
            .find(|line| line.trim_start().starts_with(&format!("{login} ")))
            .and_then(|line| line.split_whitespace().find(|word| word.len() == 43))
            .unwrap_or_else(|| panic!("a token for {login} in {printed}"))
            .to_owned()
    };
    let (bastien, lionel) = (token_of("bastien"), token_of("lionel"));
    let mut a = portal.serve(&[]).await;
    let mut b = portal.serve(&[]).await;

    let mut ws = WsClient::ready(&b.base_url, Some(&bastien)).await;
    subscribe(&mut ws, "u", json!({})).await;
    let save =
        "mutation($i: SaveRequestDraftInput!) { saveRequestDraft(input: $i) { request { id } } }";
    let saved = post(
        &a.base_url,
        &bastien,
        save,
        json!({ "i": { "form": request_form("Across processes", "LOW") } }),
    )
    .await;
    let id = saved["data"]["saveRequestDraft"]["request"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{saved}"))
        .to_owned();
    let submit =
        "mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { request { state } } }";
    let submitted = post(
        &a.base_url,
        &bastien,
        submit,
        json!({ "i": { "requestId": id } }),
    )
    .await;
    assert_eq!(
        submitted["data"]["submitRequest"]["request"]["state"], "SUPPORT_ANALYSIS",
        "{submitted}"
    );
    assert_eq!(update(&mut ws).await["kind"], "CREATED");
    let sent = update(&mut ws).await;
    assert_eq!(
        (sent["action"].as_str(), sent["request"]["id"].as_str()),
        (Some("SUBMIT"), Some(id.as_str()))
    );

    // The agent writes 20 messages through A; B's and A's listeners are killed meanwhile.
    let burst = {
        let (url, token, id) = (a.base_url.clone(), lionel.clone(), id.clone());
        tokio::spawn(async move {
            for n in 0..20 {
                let variables = json!({ "i": { "requestId": id, "body": format!("burst {n}") } });
                let added = post(&url, &token, MESSAGE, variables).await;
                assert!(
                    added["data"]["addRequestMessage"]["message"]["id"].is_string(),
                    "{added}"
                );
                if n == 5 {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(20)).await;
    let admin = sea_orm::Database::connect(portal.database_url.as_deref().unwrap())
        .await
        .unwrap();
    let killed = admin
        .execute_unprepared(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = 'support-portal-listener' AND datname = current_database()",
        )
        .await
        .unwrap();
    assert!(
        killed.rows_affected() >= 1,
        "a listener connection was there to kill"
    );
    burst.await.unwrap();
    let mut bodies = Vec::new();
    for _ in 0..20 {
        let added = update(&mut ws).await;
        assert_eq!(added["kind"], "MESSAGE_ADDED", "{added}");
        bodies.push(added["messageId"].as_str().unwrap().to_owned());
    }
    let distinct: std::collections::HashSet<_> = bodies.iter().collect();
    assert_eq!(distinct.len(), 20, "every message once");
    a.terminate();
    b.terminate();
    assert_eq!(a.exit_code().await, Some(0));
    assert_eq!(b.exit_code().await, Some(0));
}
