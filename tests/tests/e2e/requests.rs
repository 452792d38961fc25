//! Support requests (issue 5): drafts and the recap check, submission, the lifecycle on both
//! sides, messages, history, watchers, notifications, the time-based rules, concurrency and
//! isolation between companies.

use chrono::Duration;
use portal_api::clock::Clock as _;
use portal_tests::{Gql, Person, Role, TestApp, on_both_databases};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

const SAVE: &str = "mutation($i: SaveRequestDraftInput!) { saveRequestDraft(input: $i) { request { id version state humanId title } problems { field reason message } } }";
const SUBMIT: &str = "mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { request { id humanId state version } problems { field reason } } }";
const ACT: &str = "mutation($i: TransitionRequestInput!) { transitionRequest(input: $i) { request { state version closedAt autoCloseAt allowedActions } } }";
const MESSAGE: &str = "mutation($i: AddRequestMessageInput!) { addRequestMessage(input: $i) { request { state } message { id side body } } }";
const ASSIGN: &str = "mutation($i: AssignRequestInput!) { assignRequest(input: $i) { request { version assignee { id } } } }";
const READ: &str = "query($id: ID) { request(id: $id) { id humanId state version allowedActions title requester { id } assignee { id } messages(first: 50) { edges { node { side action body author { id } } } } history(first: 50) { edges { node { kind action fromState toState comment side actor { id } } } } watchers { contact { id } wantsMail } } }";

fn ct(id: Uuid) -> String {
    format!("ct_{}", id.simple())
}

fn bastien_form() -> Value {
    json!({
        "category": "SOFTWARE_USAGE",
        "kind": "HOW_TO",
        "urgency": "MEDIUM",
        "title": "Automate the stock update of parts sold online",
        "description": "We update our business referential by hand in Design. How can we automate it: manually, from a script, or through the API?",
        "product": "Iterop Design",
        "environment": { "module": "Design", "os": "Linux", "browser": "Firefox", "version": "4.2" },
        "tag": "PIECES-AUTO-17"
    })
}

async fn save(app: &TestApp, who: &Person, input: Value) -> Gql {
    app.graphql_as(Some(&who.token), SAVE, json!({ "i": input }))
        .await
}

/// A submitted request of `who`: its ID.
async fn submitted(app: &TestApp, who: &Person) -> String {
    let saved = save(app, who, json!({ "form": bastien_form() })).await;
    let id = saved.ok()["saveRequestDraft"]["request"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let done = app
        .graphql_as(
            Some(&who.token),
            SUBMIT,
            json!({ "i": { "requestId": id } }),
        )
        .await;
    assert_eq!(
        done.ok()["submitRequest"]["request"]["state"],
        "SUPPORT_ANALYSIS"
    );
    id
}

async fn act(app: &TestApp, who: &Person, id: &str, action: &str, text: Option<&str>) -> Gql {
    app.graphql_as(
        Some(&who.token),
        ACT,
        json!({ "i": { "requestId": id, "action": action, "text": text } }),
    )
    .await
}

async fn read(app: &TestApp, who: &Person, id: &str) -> Value {
    app.graphql_as(Some(&who.token), READ, json!({ "id": id }))
        .await
        .ok()["request"]
        .clone()
}

/// The subjects of the request mails written to the outbox for `address`, in order: decided
/// in the transaction of each change, so no waiting is needed to know what was not sent.
async fn outbox(app: &TestApp, address: &str) -> Vec<String> {
    entity::mail_outbox::Entity::find()
        .filter(entity::mail_outbox::Column::ToAddress.eq(address))
        .filter(entity::mail_outbox::Column::Kind.eq("REQUEST_NOTICE"))
        .order_by_asc(entity::mail_outbox::Column::Id)
        .all(app.state.deps().db.reader())
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.subject)
        .collect()
}

async fn run_timers(app: &TestApp) -> portal_api::requests::timers::Report {
    portal_api::requests::timers::run_due(app.state.deps())
        .await
        .unwrap()
}

/// Sessions that outlive the months these tests move the clock by.
fn long_sessions(settings: &mut portal_tests::Settings) {
    let years = 10 * 366 * 86_400;
    settings.auth.session_idle_secs = years;
    settings.auth.admin_session_idle_secs = years;
    settings.auth.session_absolute_secs = years;
}

fn history_actions(request: &Value) -> Vec<String> {
    request["history"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["node"]["kind"] == "STATE_CHANGED")
        .map(|e| e["node"]["action"].as_str().unwrap().to_owned())
        .collect()
}

on_both_databases! {
    async fn bastien_and_lionel_work_a_request_from_draft_to_closure_with_mails(app) with long_sessions; {
        let company = app.customer_company("Pièces Auto").await;
        let bastien = app.person(Role::Restricted, company.id).await;
        let lionel = app.person(Role::Agent, Uuid::nil()).await;

        // A first draft with only a category: every missing field at once, by field.
        let draft = save(&app, &bastien, json!({ "form": { "category": "SOFTWARE_USAGE" } })).await;
        let payload = &draft.ok()["saveRequestDraft"];
        assert_eq!(payload["request"]["state"], "DRAFT");
        assert_eq!(payload["request"]["humanId"], Value::Null);
        let fields: Vec<&str> = payload["problems"].as_array().unwrap().iter().map(|p| p["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["kind", "urgency", "title", "description"]);
        let id = payload["request"]["id"].as_str().unwrap().to_owned();

        // Submitting an incomplete draft changes nothing and lists the same problems.
        let early = app.graphql_as(Some(&bastien.token), SUBMIT, json!({ "i": { "requestId": id } })).await;
        assert_eq!(early.ok()["submitRequest"]["request"], Value::Null);
        assert_eq!(early.ok()["submitRequest"]["problems"].as_array().unwrap().len(), 4);

        // The agent does not see drafts.
        assert_eq!(read(&app, &lionel, &id).await, Value::Null);

        // Completed, checked (recap), submitted.
        let edited = save(&app, &bastien, json!({ "requestId": id, "version": 1, "form": bastien_form() })).await;
        assert_eq!(edited.ok()["saveRequestDraft"]["problems"], json!([]));
        let stale = save(&app, &bastien, json!({ "requestId": id, "version": 1, "form": bastien_form() })).await;
        assert_eq!(stale.codes(), ["CONFLICT"]);
        let done = app.graphql_as(Some(&bastien.token), SUBMIT, json!({ "i": { "requestId": id, "version": 2 } })).await;
        let request = &done.ok()["submitRequest"]["request"];
        let human_id = request["humanId"].as_str().unwrap().to_owned();
        assert!(human_id.starts_with("SR-20") && human_id.len() == 14, "{human_id}");
        assert_eq!(request["state"], "SUPPORT_ANALYSIS");

        // Lionel is told, takes the request, and asks for a clarification.
        let new = app.smtp.wait_for(&lionel.email, 1).await;
        assert!(new[0].header("Subject").unwrap().contains(&human_id));
        assert!(new[0].text().contains("was submitted"), "{}", new[0].text());
        let taken = app.graphql_as(Some(&lionel.token), ASSIGN, json!({ "i": { "requestId": id } })).await;
        assert_eq!(taken.ok()["assignRequest"]["request"]["assignee"]["id"], ct(lionel.contact_id));
        let question = "Do you want to update it by hand, from a script or through the API?";
        let asked = act(&app, &lionel, &id, "REQUEST_CLARIFICATION", Some(question)).await;
        assert_eq!(asked.ok()["transitionRequest"]["request"]["state"], "CUSTOMER_CLARIFICATION");
        // Bastien is told his request is taken in charge, then asked.
        let mails = app.smtp.wait_for(&bastien.email, 2).await;
        let about = |subject: &str| mails.iter().find(|m| m.header("Subject").unwrap().contains(subject)).map(|m| m.text());
        assert!(about("Request taken in charge").unwrap().contains("in the hands of a support agent"));
        assert!(about("Clarification requested").unwrap().contains(question));

        // Bastien adds a message: the request stays on his side; Lionel is told.
        let note = app.graphql_as(Some(&bastien.token), MESSAGE, json!({ "i": { "requestId": id, "body": "I am asking my manager and come back to you." } })).await;
        assert_eq!(note.ok()["addRequestMessage"]["request"]["state"], "CUSTOMER_CLARIFICATION");
        assert_eq!(note.ok()["addRequestMessage"]["message"]["side"], "CUSTOMER");
        let told = app.smtp.wait_for(&lionel.email, 2).await;
        assert!(told[1].header("Subject").unwrap().contains("New message from the customer"));

        // The next day he clarifies: back to the support.
        app.clock.advance(Duration::days(1));
        let answer = act(&app, &bastien, &id, "CLARIFY", Some("From a script, please.")).await;
        assert_eq!(answer.ok()["transitionRequest"]["request"]["state"], "SUPPORT_ANALYSIS");
        app.smtp.wait_for(&lionel.email, 3).await;

        // Lionel proposes the closure with the final answer.
        let proposed = act(&app, &lionel, &id, "PROPOSE_CLOSURE", Some("Use the JUEL methods; see the capture.")).await;
        let state = &proposed.ok()["transitionRequest"]["request"];
        assert_eq!(state["state"], "SOLUTION_PROPOSED");
        assert!(state["autoCloseAt"].is_string());
        let mails = app.smtp.wait_for(&bastien.email, 3).await;
        let proposal = mails.iter().find(|m| m.header("Subject").unwrap().contains("Solution proposed")).unwrap();
        assert!(proposal.text().contains("closes automatically on"), "{}", proposal.text());

        // Bastien validates: closed; Lionel is told.
        let validated = act(&app, &bastien, &id, "VALIDATE_CLOSURE", None).await;
        let closed = &validated.ok()["transitionRequest"]["request"];
        assert_eq!(closed["state"], "CLOSED");
        assert!(closed["closedAt"].is_string());
        assert_eq!(closed["allowedActions"], json!(["REOPEN"]));
        let told = app.smtp.wait_for(&lionel.email, 4).await;
        assert!(told[3].header("Subject").unwrap().contains("Closure validated"));

        // Everything is in the history, with who, from and to; messages by side.
        let seen = read(&app, &bastien, &id).await;
        assert_eq!(history_actions(&seen), [
            "SAVE_DRAFT", "SUBMIT", "REQUEST_CLARIFICATION", "CLARIFY", "PROPOSE_CLOSURE", "VALIDATE_CLOSURE"
        ]);
        let clarify = seen["history"]["edges"].as_array().unwrap().iter()
            .find(|e| e["node"]["action"] == "REQUEST_CLARIFICATION").unwrap();
        assert_eq!(clarify["node"]["fromState"], "SUPPORT_ANALYSIS");
        assert_eq!(clarify["node"]["toState"], "CUSTOMER_CLARIFICATION");
        assert_eq!(clarify["node"]["comment"], question);
        assert_eq!(clarify["node"]["actor"]["id"], ct(lionel.contact_id));
        assert!(seen["history"]["edges"].as_array().unwrap().iter().any(|e| e["node"]["kind"] == "ASSIGNED"));
        let bodies: Vec<&str> = seen["messages"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["body"].as_str().unwrap()).collect();
        assert_eq!(bodies, [question, "I am asking my manager and come back to you.", "From a script, please.", "Use the JUEL methods; see the capture."]);
        let support_only = app.graphql_as(Some(&bastien.token), "query($id: ID) { request(id: $id) { messages(side: SUPPORT) { edges { node { body action } } } } }", json!({ "id": id })).await;
        let actions: Vec<&str> = support_only.ok()["request"]["messages"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["REQUEST_CLARIFICATION", "PROPOSE_CLOSURE"]);

        // By human ID too; and the journal has every lifecycle action.
        let by_human = app.graphql_as(Some(&lionel.token), "query($h: String) { request(humanId: $h) { id } }", json!({ "h": human_id })).await;
        assert_eq!(by_human.ok()["request"]["id"], id);
        let journal: Vec<String> = entity::audit_event::Entity::find()
            .filter(entity::audit_event::Column::Action.starts_with("REQUEST_"))
            .order_by_asc(entity::audit_event::Column::Id)
            .all(app.state.deps().db.reader()).await.unwrap()
            .into_iter().map(|e| e.action).collect();
        assert_eq!(journal, [
            "REQUEST_DRAFT_CREATED", "REQUEST_SUBMITTED", "REQUEST_ASSIGNED", "REQUEST_CLARIFICATION_REQUESTED",
            "REQUEST_MESSAGE_ADDED", "REQUEST_CLARIFIED", "REQUEST_CLOSURE_PROPOSED", "REQUEST_CLOSURE_VALIDATED"
        ]);
        // The company's Security Administrator reads them through the API, about this request.
        let security = app.person(Role::SecurityAdministrator, bastien.company_id).await;
        let entries = app.graphql_as(Some(&security.token),
            "query($f: AuditEventFilterInput) { auditEvents(first: 50, filter: $f) { edges { node { action targetKind targetId } } } }",
            json!({ "f": { "targetId": id } })).await;
        let entries = entries.ok()["auditEvents"]["edges"].as_array().unwrap().clone();
        assert_eq!(entries.len(), 8, "{entries:?}");
        assert!(entries.iter().all(|e| e["node"]["targetKind"] == "REQUEST" && e["node"]["targetId"] == id.as_str()), "{entries:?}");

        // He can reopen it within six months.
        app.clock.advance(Duration::days(150));
        let reopened = act(&app, &bastien, &id, "REOPEN", None).await;
        assert_eq!(reopened.ok()["transitionRequest"]["request"]["state"], "SUPPORT_ANALYSIS");
    }

    async fn each_allowed_action_says_whether_it_needs_a_text_from_that_side(app) {
        let company = app.customer_company("Acme").await;
        let customer = app.person(Role::Restricted, company.id).await;
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        let id = submitted(&app, &customer).await;
        let query = "query($id: ID) { request(id: $id) { allowedActions actions { action textRequired } } }";
        let of = |answer: &Gql| {
            let request = answer.ok()["request"].clone();
            let actions: Vec<(String, bool)> = request["actions"].as_array().unwrap().iter()
                .map(|a| (a["action"].as_str().unwrap().to_owned(), a["textRequired"].as_bool().unwrap()))
                .collect();
            let names: Vec<&str> = actions.iter().map(|(a, _)| a.as_str()).collect();
            assert_eq!(json!(names), request["allowedActions"], "the same actions in the same order");
            actions
        };
        let by_customer = of(&app.graphql_as(Some(&customer.token), query, json!({ "id": id })).await);
        assert!(by_customer.contains(&("CLOSE".to_owned(), false)), "{by_customer:?}");
        assert!(by_customer.contains(&("ADD_MESSAGE".to_owned(), true)), "{by_customer:?}");
        let by_agent = of(&app.graphql_as(Some(&agent.token), query, json!({ "id": id })).await);
        for expected in [("REQUEST_CLARIFICATION", true), ("PAUSE_FOR_EXTERNAL", false), ("PROPOSE_CLOSURE", true), ("CLOSE", true)] {
            assert!(by_agent.contains(&(expected.0.to_owned(), expected.1)), "{expected:?} in {by_agent:?}");
        }
    }

    async fn actions_not_allowed_name_the_state_and_what_is_allowed(app) {
        let company = app.customer_company("Acme").await;
        let customer = app.person(Role::Restricted, company.id).await;
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        let id = submitted(&app, &customer).await;

        let refused = act(&app, &customer, &id, "VALIDATE_CLOSURE", None).await;
        assert_eq!(refused.codes(), ["ACTION_NOT_ALLOWED"]);
        let ext = &refused.error()["extensions"];
        assert_eq!(ext["state"], "SUPPORT_ANALYSIS");
        assert_eq!(ext["allowedActions"], json!(["CLOSE", "ADD_MESSAGE"]));

        let agent_only = act(&app, &customer, &id, "PAUSE_FOR_EXTERNAL", None).await;
        assert_eq!(agent_only.codes(), ["ACTION_NOT_ALLOWED"]);

        let no_question = act(&app, &agent, &id, "REQUEST_CLARIFICATION", Some("   ")).await;
        assert_eq!(no_question.codes(), ["BAD_USER_INPUT"]);
        assert_eq!(no_question.error()["extensions"]["field"], "text");
        let no_final_answer = act(&app, &agent, &id, "CLOSE", None).await;
        assert_eq!(no_final_answer.error()["extensions"]["field"], "text");

        // Refusing a closure needs a reason; then the request goes back to the support.
        act(&app, &agent, &id, "PROPOSE_CLOSURE", Some("Restart the service.")).await.ok();
        let no_reason = act(&app, &customer, &id, "REFUSE_CLOSURE", None).await;
        assert_eq!(no_reason.error()["extensions"]["field"], "text");
        let refused = act(&app, &customer, &id, "REFUSE_CLOSURE", Some("Still failing after restart.")).await;
        assert_eq!(refused.ok()["transitionRequest"]["request"]["state"], "SUPPORT_ANALYSIS");

        // Pause, resume, R&D, correction delivered, close by the agent with a final answer.
        for (action, state) in [
            ("PAUSE_FOR_EXTERNAL", "WAITING_EXTERNAL"),
            ("RESUME", "SUPPORT_ANALYSIS"),
            ("SEND_TO_RND", "WAITING_CORRECTION"),
            ("DELIVER_CORRECTION", "SOLUTION_PROPOSED"),
        ] {
            let moved = act(&app, &agent, &id, action, None).await;
            assert_eq!(moved.ok()["transitionRequest"]["request"]["state"], state, "{action}");
        }
        let closed = act(&app, &agent, &id, "CLOSE", Some("Fixed in 4.2.1.")).await;
        assert_eq!(closed.ok()["transitionRequest"]["request"]["state"], "CLOSED");
        let message = app.graphql_as(Some(&customer.token), MESSAGE, json!({ "i": { "requestId": id, "body": "thanks" } })).await;
        assert_eq!(message.codes(), ["ACTION_NOT_ALLOWED"]);
        assert_eq!(message.error()["extensions"]["allowedActions"], json!(["REOPEN"]));
    }

    async fn two_agents_acting_at_once_never_both_apply_on_a_stale_view(app) {
        let company = app.customer_company("Acme").await;
        let customer = app.person(Role::Restricted, company.id).await;
        let first = app.person(Role::Agent, Uuid::nil()).await;
        let second = app.person(Role::Agent, Uuid::nil()).await;
        for round in 0..3 {
            let id = submitted(&app, &customer).await;
            let version = read(&app, &first, &id).await["version"].clone();
            let (a, b) = tokio::join!(
                app.graphql_as(Some(&first.token), ACT, json!({ "i": { "requestId": id, "version": version, "action": "PAUSE_FOR_EXTERNAL" } })),
                app.graphql_as(Some(&second.token), ACT, json!({ "i": { "requestId": id, "version": version, "action": "SEND_TO_RND" } })),
            );
            let outcomes = [&a, &b];
            let winners: Vec<&&Gql> = outcomes.iter().filter(|g| g.codes().is_empty()).collect();
            assert_eq!(winners.len(), 1, "round {round}: {a:?} {b:?}");
            let loser = outcomes.iter().find(|g| !g.codes().is_empty()).unwrap();
            assert_eq!(loser.codes(), ["CONFLICT"]);
            let winner_state = winners[0].ok()["transitionRequest"]["request"]["state"].clone();
            assert_eq!(loser.error()["extensions"]["state"], winner_state, "the conflict names the current state");
            let history = read(&app, &first, &id).await;
            assert_eq!(history_actions(&history).len(), 3, "exactly one of the two actions applied");

            // Without a version, the second decides on the first's result.
            let id = submitted(&app, &customer).await;
            let (a, b) = tokio::join!(
                act(&app, &first, &id, "PAUSE_FOR_EXTERNAL", None),
                act(&app, &second, &id, "PAUSE_FOR_EXTERNAL", None),
            );
            let mut codes = [a.codes(), b.codes()];
            codes.sort();
            assert_eq!(codes[0], Vec::<String>::new());
            assert_eq!(codes[1], ["ACTION_NOT_ALLOWED"]);
        }
    }

    async fn concurrent_submissions_get_distinct_request_ids(app) {
        let company = app.customer_company("Acme").await;
        let customer = app.person(Role::Restricted, company.id).await;
        let mut drafts = Vec::new();
        for _ in 0..12 {
            let saved = save(&app, &customer, json!({ "form": bastien_form() })).await;
            drafts.push(saved.ok()["saveRequestDraft"]["request"]["id"].as_str().unwrap().to_owned());
        }
        let submits = drafts.iter().map(|id| app.graphql_as(Some(&customer.token), SUBMIT, json!({ "i": { "requestId": id } })));
        let results = futures_util::future::join_all(submits).await;
        let mut ids: Vec<String> = results.iter().map(|r| r.ok()["submitRequest"]["request"]["humanId"].as_str().unwrap().to_owned()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 12);
        let year = {
            use chrono::Datelike;
            use portal_api::clock::Clock;
            app.clock.now().year()
        };
        assert_eq!(ids[0], format!("SR-{year}-000001"));
        assert_eq!(ids[11], format!("SR-{year}-000012"));
    }

    async fn proposed_solutions_close_by_themselves_after_a_reminder(app) with long_sessions; {
        let company = app.customer_company("Acme").await;
        let customer = app.person(Role::Restricted, company.id).await;
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        let id = submitted(&app, &customer).await;
        act(&app, &agent, &id, "PROPOSE_CLOSURE", Some("Done.")).await.ok();
        assert_eq!(run_timers(&app).await, Default::default(), "nothing is due yet");

        // One day before the five days are up, the customer is reminded, once.
        app.clock.advance(Duration::days(4) + Duration::hours(1));
        let report = run_timers(&app).await;
        assert_eq!(report.closure_reminders, 1);
        assert_eq!(run_timers(&app).await.closure_reminders, 0, "idempotent");
        // The mail worker may deliver the proposal and the reminder in either order.
        let subjects = |mails: Vec<portal_tests::smtp::ReceivedMail>| -> Vec<String> {
            mails.iter().map(|m| m.header("Subject").unwrap_or_default()).collect()
        };
        let delivered = subjects(app.smtp.wait_for(&customer.email, 2).await);
        assert!(delivered.iter().any(|s| s.contains("Reminder: a solution awaits your validation")), "{delivered:?}");
        assert_eq!(read(&app, &customer, &id).await["state"], "SOLUTION_PROPOSED");

        // After five days: closed by the portal, told, journaled, in the history.
        app.clock.advance(Duration::hours(23));
        assert_eq!(run_timers(&app).await.auto_closed, 1);
        assert_eq!(run_timers(&app).await.auto_closed, 0, "idempotent");
        let seen = read(&app, &customer, &id).await;
        assert_eq!(seen["state"], "CLOSED");
        let last = seen["history"]["edges"].as_array().unwrap().last().unwrap()["node"].clone();
        assert_eq!(last["action"], "AUTO_CLOSE");
        assert_eq!(last["side"], "SYSTEM");
        assert_eq!(last["actor"], Value::Null);
        let delivered = subjects(app.smtp.wait_for(&customer.email, 3).await);
        assert!(delivered.iter().any(|s| s.contains("closed automatically")), "{delivered:?}");
    }

    async fn reopening_is_allowed_within_the_window_only(app) with long_sessions; {
        let company = app.customer_company("Acme").await;
        let customer = app.person(Role::Restricted, company.id).await;
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        let id = submitted(&app, &customer).await;
        act(&app, &customer, &id, "CLOSE", None).await.ok();
        app.clock.advance(Duration::days(182));
        assert_eq!(act(&app, &agent, &id, "REOPEN", None).await.ok()["transitionRequest"]["request"]["state"], "SUPPORT_ANALYSIS");
        act(&app, &agent, &id, "CLOSE", Some("Answered.")).await.ok();
        app.clock.advance(Duration::days(184));
        let late = act(&app, &customer, &id, "REOPEN", None).await;
        assert_eq!(late.codes(), ["REOPEN_WINDOW_OVER"]);
        assert!(late.error()["extensions"]["closedAt"].is_string());
        assert_eq!(read(&app, &customer, &id).await["state"], "CLOSED");
    }

    async fn the_operator_changes_a_company_s_durations_and_they_apply(app) with long_sessions; {
        let company = app.customer_company("Acme").await;
        let customer = app.person(Role::Restricted, company.id).await;
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        let operator = app.person(Role::Operator, Uuid::nil()).await;
        let set = "mutation($i: SetCompanyDurationsInput!) { setCompanyDurations(input: $i) { company { autoCloseAfterSeconds reopenWindowSeconds } problems { field reason } } }";
        let company_id = format!("co_{}", company.id.simple());

        // Out of range: a problem by field, and nothing changes.
        let refused = app.graphql_as(Some(&operator.token), set, json!({ "i": { "companyId": company_id, "autoCloseAfterSeconds": 60, "reopenWindowSeconds": 86400 } })).await;
        assert_eq!(refused.ok()["setCompanyDurations"]["problems"], json!([{ "field": "autoCloseAfterSeconds", "reason": "OUT_OF_RANGE" }]));
        assert_eq!(refused.ok()["setCompanyDurations"]["company"], Value::Null);
        let changed = app.graphql_as(Some(&operator.token), set, json!({ "i": { "companyId": company_id, "autoCloseAfterSeconds": 7200, "reopenWindowSeconds": 86400 } })).await;
        assert_eq!(changed.ok()["setCompanyDurations"]["company"], json!({ "autoCloseAfterSeconds": 7200, "reopenWindowSeconds": 86400 }));
        let kept = app.graphql_as(Some(&operator.token), set, json!({ "i": { "companyId": company_id, "reopenWindowSeconds": 86400 } })).await;
        assert_eq!(kept.ok()["setCompanyDurations"]["company"]["autoCloseAfterSeconds"], 7200, "an absent value is kept");

        // A solution proposed now closes two hours later.
        let id = submitted(&app, &customer).await;
        app.graphql_as(Some(&agent.token), ASSIGN, json!({ "i": { "requestId": id } })).await.ok();
        let proposed = act(&app, &agent, &id, "PROPOSE_CLOSURE", Some("Fixed in 4.2.")).await;
        let deadline = proposed.ok()["transitionRequest"]["request"]["autoCloseAt"].as_str().unwrap().to_owned();
        let deadline = chrono::DateTime::parse_from_rfc3339(&deadline).unwrap();
        assert_eq!(deadline.with_timezone(&chrono::Utc) - app.clock.now(), Duration::hours(2));
        app.clock.advance(Duration::hours(2) + Duration::minutes(1));
        assert_eq!(run_timers(&app).await.auto_closed, 1);
        assert_eq!(read(&app, &customer, &id).await["state"], "CLOSED");

        // The one-day reopen window holds for requests closed before the change too.
        app.clock.advance(Duration::days(1) + Duration::minutes(1));
        assert_eq!(act(&app, &customer, &id, "REOPEN", None).await.codes(), ["REOPEN_WINDOW_OVER"]);

        // Journaled for the company; refused to anyone but the operator; the provider is no
        // customer company.
        let journal = entity::audit_event::Entity::find()
            .filter(entity::audit_event::Column::Action.eq("COMPANY_DURATIONS_CHANGED"))
            .all(app.state.deps().db.reader()).await.unwrap();
        assert_eq!(journal.len(), 1, "an unchanged value is not journaled again");
        assert_eq!(journal[0].company_id, Some(company.id));
        let by_agent = app.graphql_as(Some(&agent.token), set, json!({ "i": { "companyId": company_id, "reopenWindowSeconds": 0 } })).await;
        assert_eq!(by_agent.codes(), ["FORBIDDEN"]);
        let provider = format!("co_{}", app.provider_company().await.id.simple());
        let not_customer = app.graphql_as(Some(&operator.token), set, json!({ "i": { "companyId": provider, "reopenWindowSeconds": 0 } })).await;
        assert_eq!(not_customer.codes(), ["NOT_FOUND"]);
    }

    async fn a_closed_request_is_followed_up_by_a_new_one_that_names_it(app) with long_sessions; {
        let company = app.customer_company("Acme").await;
        let customer = app.person(Role::Advanced, company.id).await;
        let colleague = app.person(Role::Restricted, company.id).await;
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        let outsider = app.person(Role::Advanced, app.customer_company("Other").await.id).await;
        let original = submitted(&app, &customer).await;
        let follow = |of: &str| json!({ "form": bastien_form(), "followUpOf": of });

        // An open request is not followed up: write a message or wait for its closure.
        let open = save(&app, &customer, follow(&original)).await;
        assert_eq!(open.codes(), ["ACTION_NOT_ALLOWED"]);
        assert_eq!(open.error()["extensions"]["state"], "SUPPORT_ANALYSIS");

        // Closed and past its reopen window: a new request names it.
        act(&app, &customer, &original, "CLOSE", None).await.ok();
        app.clock.advance(Duration::days(200));
        assert_eq!(act(&app, &customer, &original, "REOPEN", None).await.codes(), ["REOPEN_WINDOW_OVER"]);
        let draft = save(&app, &customer, follow(&original)).await;
        let draft_id = draft.ok()["saveRequestDraft"]["request"]["id"].as_str().unwrap().to_owned();
        let done = app.graphql_as(Some(&customer.token), SUBMIT, json!({ "i": { "requestId": draft_id } })).await;
        assert_eq!(done.ok()["submitRequest"]["request"]["state"], "SUPPORT_ANALYSIS");
        let link = "query($id: ID) { request(id: $id) { followUpOf { id humanId state } } }";
        let seen = app.graphql_as(Some(&agent.token), link, json!({ "id": draft_id })).await;
        assert_eq!(seen.ok()["request"]["followUpOf"]["id"], original.as_str());
        assert_eq!(seen.ok()["request"]["followUpOf"]["state"], "CLOSED");
        let plain = app.graphql_as(Some(&agent.token), link, json!({ "id": original })).await;
        assert_eq!(plain.ok()["request"]["followUpOf"], Value::Null);

        // The link is set when the draft is created, not later.
        let later = save(&app, &customer, json!({ "requestId": draft_id, "form": bastien_form(), "followUpOf": original })).await;
        assert_eq!(later.codes(), ["BAD_USER_INPUT"]);
        assert_eq!(later.error()["extensions"]["field"], "followUpOf");

        // Another company's request is unknown; a colleague who cannot see the original (Support
        // Restricted) gets a follow-up of their own refused like an unknown ID.
        assert_eq!(save(&app, &outsider, follow(&original)).await.codes(), ["NOT_FOUND"]);
        assert_eq!(save(&app, &colleague, follow(&original)).await.codes(), ["NOT_FOUND"]);
    }

    async fn silent_customers_are_reminded_of_a_clarification_request(app) with |s: &mut portal_tests::Settings| {
        long_sessions(s);
        s.requests.clarification_reminder_every_secs = 2 * 86_400;
    }; {
        let company = app.customer_company("Acme").await;
        let customer = app.person(Role::Restricted, company.id).await;
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        let id = submitted(&app, &customer).await;
        act(&app, &agent, &id, "REQUEST_CLARIFICATION", Some("Which version?")).await.ok();
        app.clock.advance(Duration::days(1));
        assert_eq!(run_timers(&app).await.clarification_reminders, 0);
        // A message from the customer restarts the interval.
        app.graphql_as(Some(&customer.token), MESSAGE, json!({ "i": { "requestId": id, "body": "Looking." } })).await.ok();
        app.clock.advance(Duration::days(1) + Duration::hours(1));
        assert_eq!(run_timers(&app).await.clarification_reminders, 0);
        app.clock.advance(Duration::days(1));
        assert_eq!(run_timers(&app).await.clarification_reminders, 1);
        app.clock.advance(Duration::days(2));
        assert_eq!(run_timers(&app).await.clarification_reminders, 1, "again after the interval");
        let subjects = outbox(&app, &customer.email).await;
        assert_eq!(subjects.iter().filter(|s| s.contains("Reminder")).count(), 2, "{subjects:?}");
        act(&app, &customer, &id, "CLARIFY", Some("4.2")).await.ok();
        app.clock.advance(Duration::days(10));
        assert_eq!(run_timers(&app).await, Default::default(), "no reminder once answered");
    }

    async fn requests_are_visible_to_their_people_only(app) {
        let acme = app.customer_company("Acme").await;
        let globex = app.customer_company("Globex").await;
        let author = app.person(Role::Restricted, acme.id).await;
        let colleague = app.person(Role::Restricted, acme.id).await;
        let team = app.person(Role::Advanced, acme.id).await;
        let security = app.person(Role::SecurityAdministrator, acme.id).await;
        let stranger = app.person(Role::SupportAdministrator, globex.id).await;
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        let operator = app.person(Role::Operator, Uuid::nil()).await;
        let id = submitted(&app, &author).await;
        let draft = save(&app, &author, json!({ "form": { "title": "private" } })).await;
        let draft = draft.ok()["saveRequestDraft"]["request"]["id"].as_str().unwrap().to_owned();

        assert_eq!(read(&app, &author, &id).await["id"], id);
        assert_eq!(read(&app, &team, &id).await["id"], id, "team view");
        assert_eq!(read(&app, &security, &id).await["id"], id, "team view");
        assert_eq!(read(&app, &agent, &id).await["id"], id);
        assert_eq!(read(&app, &colleague, &id).await, Value::Null, "restricted: own requests only");
        assert_eq!(read(&app, &stranger, &id).await, Value::Null, "another company");
        for who in [&team, &agent, &colleague] {
            assert_eq!(read(&app, who, &draft).await, Value::Null, "drafts are their author's");
        }
        let node = app.node(Some(&stranger.token), &id).await;
        assert_eq!(node.ok()["node"], Value::Null);

        // Acting answers exactly like an unknown ID.
        let unknown = format!("rq_{}", Uuid::now_v7().simple());
        for target in [&id, &unknown] {
            let acted = act(&app, &stranger, target, "CLOSE", None).await;
            assert_eq!(acted.codes(), ["NOT_FOUND"]);
            assert_eq!(acted.error()["message"], "request not found");
            let message = app.graphql_as(Some(&stranger.token), MESSAGE, json!({ "i": { "requestId": target, "body": "hi" } })).await;
            assert_eq!(message.error()["message"], "request not found");
        }
        let operator_read = app.graphql_as(Some(&operator.token), READ, json!({ "id": id })).await;
        assert_eq!(operator_read.codes(), ["FORBIDDEN"]);

        // Lists follow the same rules.
        let list = "{ requests(first: 50) { edges { node { id } } } }";
        let count = |g: Gql| g.ok()["requests"]["edges"].as_array().unwrap().len();
        assert_eq!(count(app.graphql_as(Some(&author.token), list, json!({})).await), 2);
        assert_eq!(count(app.graphql_as(Some(&team.token), list, json!({})).await), 1);
        assert_eq!(count(app.graphql_as(Some(&colleague.token), list, json!({})).await), 0);
        assert_eq!(count(app.graphql_as(Some(&stranger.token), list, json!({})).await), 0);
        assert_eq!(count(app.graphql_as(Some(&agent.token), list, json!({})).await), 1);
        let to_clarify = app.graphql_as(Some(&author.token), "{ requests(filter: { states: [CUSTOMER_CLARIFICATION] }) { edges { node { id } } } }", json!({})).await;
        assert_eq!(count(to_clarify), 0);
    }

    async fn notifications_respect_follow_up_watchers_and_obsolete_contacts(app) {
        let company = app.customer_company("Acme").await;
        let author = app.person(Role::Restricted, company.id).await;
        let watcher = app.person(Role::Advanced, company.id).await;
        let quiet = app.person(Role::Advanced, company.id).await;
        let leaving = app.person(Role::Advanced, company.id).await;
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        let mut form = bastien_form();
        form["followUp"] = json!(false);
        form["notifyEmails"] = json!(["boss@acme.example", "BOSS@acme.example "]);
        let saved = save(&app, &author, json!({ "form": form })).await;
        let id = saved.ok()["saveRequestDraft"]["request"]["id"].as_str().unwrap().to_owned();
        app.graphql_as(Some(&author.token), SUBMIT, json!({ "i": { "requestId": id } })).await.ok();
        let watch = "mutation($i: AddRequestWatcherInput!) { addRequestWatcher(input: $i) { request { id } } }";
        for (who, wants) in [(&watcher, true), (&quiet, false), (&leaving, true)] {
            app.graphql_as(Some(&author.token), watch, json!({ "i": { "requestId": id, "contactId": ct(who.contact_id), "wantsMail": wants } })).await.ok();
        }
        // A contact of another company cannot watch.
        let other = app.customer_company("Globex").await;
        let outsider = app.person(Role::Restricted, other.id).await;
        let refused = app.graphql_as(Some(&author.token), watch, json!({ "i": { "requestId": id, "contactId": ct(outsider.contact_id) } })).await;
        assert_eq!(refused.codes(), ["NOT_FOUND"]);
        // `leaving` becomes obsolete.
        entity::contact::Entity::update_many()
            .col_expr(entity::contact::Column::SupportRole, sea_orm::sea_query::Expr::value(Option::<String>::None))
            .col_expr(entity::contact::Column::Status, sea_orm::sea_query::Expr::value("OBSOLETE"))
            .filter(entity::contact::Column::Id.eq(leaving.contact_id))
            .exec(app.state.deps().db.writer()).await.unwrap();

        act(&app, &agent, &id, "REQUEST_CLARIFICATION", Some("Which version?")).await.ok();
        assert_eq!(outbox(&app, &author.email).await, Vec::<String>::new(), "follow-up off");
        assert_eq!(outbox(&app, &watcher.email).await.len(), 1);
        assert_eq!(outbox(&app, &quiet.email).await, Vec::<String>::new(), "watcher without mail");
        assert_eq!(outbox(&app, &leaving.email).await, Vec::<String>::new(), "obsolete contact");
        assert_eq!(outbox(&app, "boss@acme.example").await.len(), 1, "one mail per address");
        let boss = app.smtp.wait_for("boss@acme.example", 1).await;
        assert!(boss[0].text().contains("Which version?"));

        // Customer actions mail the assignee only, once someone is assigned.
        let other_agent = app.person(Role::Agent, Uuid::nil()).await;
        app.graphql_as(Some(&agent.token), ASSIGN, json!({ "i": { "requestId": id } })).await.ok();
        act(&app, &author, &id, "CLARIFY", Some("4.2")).await.ok();
        assert_eq!(outbox(&app, &agent.email).await.len(), 2, "submitted, clarified");
        assert_eq!(outbox(&app, &other_agent.email).await, Vec::<String>::new());

        // Watchers can be removed; the history says so.
        let unwatch = "mutation($i: RemoveRequestWatcherInput!) { removeRequestWatcher(input: $i) { request { watchers { contact { id } } } } }";
        let removed = app.graphql_as(Some(&author.token), unwatch, json!({ "i": { "requestId": id, "contactId": ct(watcher.contact_id) } })).await;
        assert!(removed.codes().is_empty(), "{removed:?}");
        let seen = read(&app, &author, &id).await;
        let kinds: Vec<&str> = seen["history"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["kind"].as_str().unwrap()).collect();
        assert!(kinds.contains(&"WATCHER_ADDED") && kinds.contains(&"WATCHER_REMOVED"), "{kinds:?}");
        assert_eq!(seen["watchers"].as_array().unwrap().len(), 2);
    }

    async fn managers_dispatch_and_agents_take_and_edit_the_classification(app) {
        let company = app.customer_company("Acme").await;
        let customer = app.person(Role::Restricted, company.id).await;
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        let colleague = app.person(Role::Agent, Uuid::nil()).await;
        let manager = app.person(Role::Manager, Uuid::nil()).await;
        let id = submitted(&app, &customer).await;
        // The manager picks whom to give it to from the support staff, by name, and only them.
        let listed = app.graphql_as(Some(&manager.token), "{ supportStaff { id lastName firstName providerRole } }", json!({})).await;
        let staff = listed.ok()["supportStaff"].as_array().unwrap().clone();
        let ids: Vec<&str> = staff.iter().map(|c| c["id"].as_str().unwrap()).collect();
        for person in [&agent, &colleague, &manager] {
            assert!(ids.contains(&ct(person.contact_id).as_str()), "{staff:?}");
        }
        assert!(!ids.contains(&ct(customer.contact_id).as_str()), "{staff:?}");
        assert!(staff.iter().all(|c| c["providerRole"] == "SUPPORT_AGENT" || c["providerRole"] == "SUPPORT_MANAGER"), "{staff:?}");
        let names: Vec<String> = staff.iter().map(|c| format!("{} {}", c["lastName"], c["firstName"]).to_lowercase()).collect();
        assert!(names.windows(2).all(|w| w[0] <= w[1]), "by name: {names:?}");
        let give = |to: &Person| json!({ "i": { "requestId": id, "agentId": ct(to.contact_id) } });
        let refused = app.graphql_as(Some(&agent.token), ASSIGN, give(&colleague)).await;
        assert_eq!(refused.codes(), ["FORBIDDEN"]);
        let given = app.graphql_as(Some(&manager.token), ASSIGN, give(&colleague)).await;
        assert_eq!(given.ok()["assignRequest"]["request"]["assignee"]["id"], ct(colleague.contact_id));
        assert!(outbox(&app, &colleague.email).await.last().unwrap().contains("assigned to you"));
        let not_staff = app.graphql_as(Some(&manager.token), ASSIGN, give(&customer)).await;
        assert_eq!(not_staff.codes(), ["NOT_FOUND"]);

        let update = "mutation($i: UpdateRequestInput!) { updateRequest(input: $i) { request { urgency category kind version } problems { field reason } } }";
        let edited = app.graphql_as(Some(&agent.token), update, json!({ "i": { "requestId": id, "urgency": "URGENT", "category": "SOFTWARE_USAGE", "kind": "ISSUE" } })).await;
        assert_eq!(edited.ok()["updateRequest"]["request"]["urgency"], "URGENT");
        // The customer was told when the request was taken in charge, and now what changed.
        let told = app.smtp.wait_for(&customer.email, 2).await;
        let about = |subject: &str| told.iter().find(|m| m.header("Subject").unwrap().contains(subject)).map(|m| m.text());
        assert!(about("Request taken in charge").is_some());
        let reclassified = about("Request reclassified").unwrap();
        assert!(reclassified.contains("urgency: ") && reclassified.contains("→ URGENT"), "{reclassified}");
        assert!(reclassified.contains("kind: ") && reclassified.contains("→ ISSUE"), "{reclassified}");
        let not_theirs = app.graphql_as(Some(&customer.token), update, json!({ "i": { "requestId": id, "urgency": "LOW" } })).await;
        assert_eq!(not_theirs.error()["extensions"]["reason"], "NOT_EDITABLE");
        let invalid = app.graphql_as(Some(&agent.token), update, json!({ "i": { "requestId": id, "category": "LICENSE_KEYS" } })).await;
        assert_eq!(invalid.ok()["updateRequest"]["problems"][0]["field"], "kind");
        let tagged = app.graphql_as(Some(&customer.token), update, json!({ "i": { "requestId": id, "tag": "PO-99" } })).await;
        assert!(tagged.codes().is_empty(), "{tagged:?}");
        let seen = app.graphql_as(Some(&customer.token), "query($id: ID) { request(id: $id) { tag history(first: 50) { edges { node { kind field before after } } } } }", json!({ "id": id })).await;
        let fields: Vec<(String, String)> = seen.ok()["request"]["history"]["edges"].as_array().unwrap().iter()
            .filter(|e| e["node"]["kind"] == "FIELD_CHANGED")
            .map(|e| (e["node"]["field"].as_str().unwrap().to_owned(), e["node"]["after"].as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(fields, [
            ("kind".to_owned(), "\"ISSUE\"".to_owned()),
            ("urgency".to_owned(), "\"URGENT\"".to_owned()),
            ("tag".to_owned(), "\"PO-99\"".to_owned()),
        ]);
    }

    async fn the_operator_creates_support_staff_who_then_work_on_requests(app) {
        let operator = app.person(Role::Operator, Uuid::nil()).await;
        let create = "mutation($i: CreateSupportStaffInput!) { createSupportStaff(input: $i) { contact { id providerRole } problems { field } } }";
        let input = json!({ "i": { "lastName": "Dupont", "firstName": "Lionel", "email": "lionel@provider.example", "role": "SUPPORT_AGENT" } });
        let created = app.graphql_as(Some(&operator.token), create, input.clone()).await;
        assert_eq!(created.ok()["createSupportStaff"]["contact"]["providerRole"], "SUPPORT_AGENT");
        let welcome = app.smtp.wait_for("lionel@provider.example", 1).await;
        assert!(welcome[0].link_token("http").is_some());
        let company = app.customer_company("Acme").await;
        let admin = app.person(Role::SecurityAdministrator, company.id).await;
        let refused = app.graphql_as(Some(&admin.token), create, input).await;
        assert_eq!(refused.codes(), ["FORBIDDEN"]);
    }

    async fn idempotency_keys_make_retried_drafts_and_messages_single(app) {
        let company = app.customer_company("Acme").await;
        let customer = app.person(Role::Restricted, company.id).await;
        let input = json!({ "form": bastien_form(), "idempotencyKey": "draft-1" });
        let a = save(&app, &customer, input.clone()).await;
        let b = save(&app, &customer, input).await;
        assert_eq!(a.ok()["saveRequestDraft"]["request"]["id"], b.ok()["saveRequestDraft"]["request"]["id"]);
        let id = submitted(&app, &customer).await;
        let message = json!({ "i": { "requestId": id, "body": "Any news?", "idempotencyKey": "msg-1" } });
        let a = app.graphql_as(Some(&customer.token), MESSAGE, message.clone()).await;
        let b = app.graphql_as(Some(&customer.token), MESSAGE, message).await;
        assert_eq!(a.ok()["addRequestMessage"]["message"]["id"], b.ok()["addRequestMessage"]["message"]["id"]);
        let seen = read(&app, &customer, &id).await;
        assert_eq!(seen["messages"]["edges"].as_array().unwrap().len(), 1);
    }
}
