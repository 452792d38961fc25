//! Contact administration (issue 4): adding contacts, the role batch, obsolete marking, the
//! security policy, switching company and the audit journal.

use portal_tests::{Gql, Person, Role, TestApp, on_both_databases};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use uuid::Uuid;

const ADD: &str = "mutation($i: AddContactInput!) { addContact(input: $i) { contact { id email supportRole securityAdministrator status } problems { field reason } } }";
const STAGE: &str = "mutation($i: StageRoleChangeInput!) { stageRoleChange(input: $i) { stagedChanges { contact { id } from { supportRole securityAdministrator } to { supportRole securityAdministrator } } } }";
const STAGED: &str = "{ stagedRoleChanges { contact { id } from { supportRole securityAdministrator } to { supportRole securityAdministrator } } }";
const APPLY: &str = "mutation { applyRoleChanges { applied { contact { id supportRole securityAdministrator version } from { supportRole } to { supportRole securityAdministrator } } problems { contactId code message roles { supportRole securityAdministrator } } } }";
const OBSOLETE: &str = "mutation($i: ContactStatusInput!) { markContactObsolete(input: $i) { contact { status } problems { code message roles { supportRole securityAdministrator } } } }";
const REACTIVATE: &str = "mutation($i: ContactStatusInput!) { reactivateContact(input: $i) { contact { status supportRole } problems { code } } }";
const UPDATE: &str = "mutation($i: UpdateContactInput!) { updateContact(input: $i) { contact { lastName version } problems { field reason } } }";
const ME: &str = "{ viewer { mustEnrollSecondFactor contact { supportRole securityAdministrator status } company { name } memberships { company { name } } } }";
const JOURNAL: &str = "query($f: AuditEventFilterInput) { auditEvents(first: 50, filter: $f) { edges { node { action targetId before after companyId } } } }";

const ORDERED: &str = "query($o: AuditEventOrderInput, $a: String, $f: AuditEventFilterInput) { auditEvents(first: 2, after: $a, filter: $f, orderBy: $o) { edges { node { action } } pageInfo { hasNextPage endCursor } } }";

fn actions_of(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap().to_owned())
        .collect()
}

fn ct(id: Uuid) -> String {
    format!("ct_{}", id.simple())
}

fn co(id: Uuid) -> String {
    format!("co_{}", id.simple())
}

async fn stage(
    app: &TestApp,
    admin: &Person,
    contact: Uuid,
    support: Value,
    security: bool,
) -> Gql {
    app.graphql_as(Some(&admin.token), STAGE, json!({ "i": {
        "contactId": ct(contact), "roles": { "supportRole": support, "securityAdministrator": security } } })).await
}

async fn apply(app: &TestApp, admin: &Person) -> Gql {
    app.graphql_as(Some(&admin.token), APPLY, json!({})).await
}

async fn me(app: &TestApp, person: &Person) -> Value {
    app.graphql_as(Some(&person.token), ME, json!({}))
        .await
        .ok()["viewer"]
        .clone()
}

async fn journal(app: &TestApp, token: &str, filter: Value) -> Gql {
    app.graphql_as(Some(token), JOURNAL, json!({ "f": filter }))
        .await
}

/// Runs `mutation` as `person` while their company is held (the writer on SQLite, its row lock
/// on PostgreSQL), so that the request waits past its capability check; meanwhile `demotion`
/// (an assignment to their contact row) is committed by the holder. Returns the answer.
async fn demoted_while_waiting(
    app: &TestApp,
    company_id: Uuid,
    person: &Person,
    demotion: &str,
    mutation: &str,
) -> Gql {
    let db = &app.state.deps().db;
    let blocker = db.begin_write().await.unwrap();
    if app.backend == portal_tests::Backend::Postgres {
        blocker
            .execute_unprepared(&format!(
                "SELECT id FROM companies WHERE id = '{company_id}' FOR UPDATE"
            ))
            .await
            .unwrap();
    }
    let answer = app.graphql_as(Some(&person.token), mutation, json!({}));
    let demote = async move {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let backend = blocker.get_database_backend();
        let sql = portal_api::sql::placeholders(
            backend,
            &format!("UPDATE contacts SET {demotion} WHERE id = ?"),
        );
        let values: [sea_orm::Value; 1] = [person.contact_id.into()];
        let demoted = blocker
            .execute_raw(sea_orm::Statement::from_sql_and_values(
                backend, sql, values,
            ))
            .await
            .unwrap();
        assert_eq!(demoted.rows_affected(), 1);
        blocker.commit().await.unwrap();
    };
    tokio::join!(answer, demote).0
}

on_both_databases! {
    async fn adding_a_contact_creates_a_pending_account_with_a_welcome_mail_or_links_an_existing_one(app) {
        let company = app.customer_company("Acme").await;
        let admin = app.person(Role::SupportAdministrator, company.id).await;
        let add = |email: &str| json!({ "i": { "lastName": "Martin", "firstName": "Zoé", "email": email } });
        let added = app.graphql_as(Some(&admin.token), ADD, add("zoe.martin@acme.example")).await;
        let contact = &added.ok()["addContact"]["contact"];
        assert_eq!(contact["status"], "ACTIVE");
        assert_eq!(contact["supportRole"], Value::Null, "roles come through the batch");
        let welcome = app.smtp.wait_for("zoe.martin@acme.example", 1).await.remove(0);
        assert!(welcome.link_token("http").is_some(), "{}", welcome.text());

        let again = app.graphql_as(Some(&admin.token), ADD, add("ZOE.MARTIN@acme.example")).await;
        assert_eq!(again.ok()["addContact"]["problems"][0]["reason"], "TAKEN");
        let bad = app.graphql_as(Some(&admin.token), ADD, json!({ "i": { "lastName": "", "firstName": "Zoé", "email": "nope" } })).await;
        let fields: Vec<&str> = bad.ok()["addContact"]["problems"].as_array().unwrap().iter().map(|p| p["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["lastName", "email"], "every problem at once");

        // The same person added to a second company: linked and told, no second account.
        let other = app.customer_company("Globex").await;
        let other_admin = app.person(Role::SecurityAdministrator, other.id).await;
        let linked = app.graphql_as(Some(&other_admin.token), ADD, add("zoe.martin@acme.example")).await;
        assert_eq!(linked.ok()["addContact"]["problems"], json!([]));
        let told = app.smtp.wait_for("zoe.martin@acme.example", 2).await;
        assert!(told[1].text().contains("Globex"), "{}", told[1].text());

        let restricted = app.person(Role::Restricted, company.id).await;
        let refused = app.graphql_as(Some(&restricted.token), ADD, add("x@acme.example")).await;
        assert_eq!(refused.codes(), ["FORBIDDEN"]);
    }

    async fn staged_changes_show_old_and_new_and_apply_all_at_once_on_the_next_request(app) {
        let company = app.customer_company("Acme").await;
        let admin = app.person(Role::SecurityAdministrator, company.id).await;
        let alice = app.person(Role::Restricted, company.id).await;
        let bob = app.person(Role::Advanced, company.id).await;
        stage(&app, &admin, alice.contact_id, json!("SUPPORT_ADVANCED"), true).await.ok();
        let staged = stage(&app, &admin, bob.contact_id, json!("SUPPORT_ADMINISTRATOR"), false).await;
        let list = &staged.ok()["stageRoleChange"]["stagedChanges"];
        assert_eq!(list.as_array().unwrap().len(), 2);
        assert_eq!(list[0]["from"], json!({ "supportRole": "SUPPORT_RESTRICTED", "securityAdministrator": false }));
        assert_eq!(list[0]["to"], json!({ "supportRole": "SUPPORT_ADVANCED", "securityAdministrator": true }));
        // Editing a staged change replaces it; nothing is applied yet.
        stage(&app, &admin, alice.contact_id, json!("SUPPORT_ADVANCED"), false).await.ok();
        assert_eq!(me(&app, &alice).await["contact"]["supportRole"], "SUPPORT_RESTRICTED");
        let listed = app.graphql_as(Some(&admin.token), STAGED, json!({})).await;
        assert_eq!(listed.ok()["stagedRoleChanges"][1]["to"]["securityAdministrator"], false);

        let applied = apply(&app, &admin).await;
        assert_eq!(applied.ok()["applyRoleChanges"]["problems"], json!([]));
        assert_eq!(applied.ok()["applyRoleChanges"]["applied"].as_array().unwrap().len(), 2);
        assert_eq!(me(&app, &alice).await["contact"]["supportRole"], "SUPPORT_ADVANCED", "the very next request");
        assert_eq!(me(&app, &bob).await["contact"]["supportRole"], "SUPPORT_ADMINISTRATOR");
        let mail = app.smtp.wait_for(&alice.email, 1).await.remove(0);
        assert!(mail.text().contains("Support Advanced"), "{}", mail.text());
        let after = app.graphql_as(Some(&admin.token), STAGED, json!({})).await;
        assert_eq!(after.ok()["stagedRoleChanges"], json!([]));

        let entries = journal(&app, &admin.token, json!({ "actions": ["CONTACT_ROLES_CHANGED"] })).await;
        let edges = entries.ok()["auditEvents"]["edges"].as_array().unwrap().clone();
        assert_eq!(edges.len(), 2);
        let alice_entry = edges.iter().find(|e| e["node"]["targetId"] == ct(alice.contact_id).as_str()).unwrap();
        assert_eq!(alice_entry["node"]["before"]["supportRole"], "SUPPORT_RESTRICTED");
        assert_eq!(alice_entry["node"]["after"]["supportRole"], "SUPPORT_ADVANCED");
        let batch = journal(&app, &admin.token, json!({ "actions": ["ROLE_BATCH_APPLIED"] })).await;
        let changes = batch.ok()["auditEvents"]["edges"][0]["node"]["after"]["changes"].as_array().unwrap().clone();
        assert_eq!(changes.len(), 2);
        assert!(changes.iter().any(|c| c["contactId"] == ct(alice.contact_id).as_str()), "the journal quotes API ids: {changes:?}");
    }

    async fn unapplied_changes_are_dropped_when_the_session_ends(app) {
        let company = app.customer_company("Acme").await;
        let admin = app.person(Role::SecurityAdministrator, company.id).await;
        let alice = app.person(Role::Restricted, company.id).await;
        stage(&app, &admin, alice.contact_id, json!("SUPPORT_ADVANCED"), false).await.ok();
        let out = app.graphql_as(Some(&admin.token), "mutation { logout }", json!({})).await;
        assert_eq!(out.ok()["logout"], true);
        let rows = app.state.deps().db.writer().query_one_raw(sea_orm::Statement::from_string(
            app.state.deps().db.backend(), "SELECT COUNT(*) FROM staged_role_changes".to_owned())).await.unwrap().unwrap();
        assert_eq!(rows.try_get_by_index::<i64>(0).unwrap(), 0);
        assert_eq!(me(&app, &alice).await["contact"]["supportRole"], "SUPPORT_RESTRICTED", "failing to apply reverts");
    }

    async fn one_support_role_combines_with_security_administrator_and_obsolete_needs_no_role(app) {
        let company = app.customer_company("Acme").await;
        let admin = app.person(Role::SecurityAdministrator, company.id).await;
        let alice = app.person(Role::Advanced, company.id).await;
        stage(&app, &admin, alice.contact_id, json!("SUPPORT_ADMINISTRATOR"), true).await.ok();
        assert_eq!(apply(&app, &admin).await.ok()["applyRoleChanges"]["problems"], json!([]));
        let two = app.graphql_as(Some(&admin.token), STAGE, json!({ "i": { "contactId": ct(alice.contact_id),
            "roles": { "supportRole": ["SUPPORT_ADVANCED", "SUPPORT_RESTRICTED"], "securityAdministrator": false } } })).await;
        assert_eq!(two.codes(), ["GRAPHQL_VALIDATION_FAILED"], "two support roles cannot even be expressed");

        let refused = app.graphql_as(Some(&admin.token), OBSOLETE, json!({ "i": { "id": ct(alice.contact_id) } })).await;
        let problem = &refused.ok()["markContactObsolete"]["problems"][0];
        assert_eq!(problem["code"], "ROLES_REMAIN");
        assert_eq!(problem["roles"], json!({ "supportRole": "SUPPORT_ADMINISTRATOR", "securityAdministrator": true }));
        // Staged removal is not enough: it must be applied.
        stage(&app, &admin, alice.contact_id, Value::Null, false).await.ok();
        let still = app.graphql_as(Some(&admin.token), OBSOLETE, json!({ "i": { "id": ct(alice.contact_id) } })).await;
        assert_eq!(still.ok()["markContactObsolete"]["problems"][0]["code"], "ROLES_REMAIN");
        apply(&app, &admin).await.ok();
        let done = app.graphql_as(Some(&admin.token), OBSOLETE, json!({ "i": { "id": ct(alice.contact_id) } })).await;
        assert_eq!(done.ok()["markContactObsolete"]["contact"]["status"], "OBSOLETE");
        assert_eq!(me(&app, &alice).await["company"], Value::Null, "an obsolete contact acts for nobody");
        let staging = stage(&app, &admin, alice.contact_id, json!("SUPPORT_RESTRICTED"), false).await;
        assert_eq!(staging.error()["extensions"]["reason"], "OBSOLETE");
        let back = app.graphql_as(Some(&admin.token), REACTIVATE, json!({ "i": { "id": ct(alice.contact_id) } })).await;
        assert_eq!(back.ok()["reactivateContact"]["contact"], json!({ "status": "ACTIVE", "supportRole": null }));
        let actions: Vec<String> = journal(&app, &admin.token, json!({ "targetId": ct(alice.contact_id) })).await.ok()["auditEvents"]["edges"]
            .as_array().unwrap().iter().map(|e| e["node"]["action"].as_str().unwrap().to_owned()).collect();
        assert_eq!(actions, ["CONTACT_REACTIVATED", "CONTACT_OBSOLETED", "CONTACT_ROLES_CHANGED", "CONTACT_ROLES_CHANGED"]);
        // Oldest first, a page at a time; a cursor fits only the order that made it.
        let filter = json!({ "targetId": ct(alice.contact_id) });
        let oldest = json!({ "field": "OCCURRED_AT", "direction": "ASC" });
        let first = app.graphql_as(Some(&admin.token), ORDERED, json!({ "o": oldest, "f": filter })).await;
        let page = first.ok()["auditEvents"].clone();
        assert_eq!(actions_of(&page), ["CONTACT_ROLES_CHANGED", "CONTACT_ROLES_CHANGED"]);
        assert_eq!(page["pageInfo"]["hasNextPage"], true);
        let after = page["pageInfo"]["endCursor"].clone();
        let next = app.graphql_as(Some(&admin.token), ORDERED, json!({ "o": oldest, "f": filter, "a": after })).await;
        let next = next.ok()["auditEvents"].clone();
        assert_eq!(actions_of(&next), ["CONTACT_OBSOLETED", "CONTACT_REACTIVATED"]);
        assert_eq!(next["pageInfo"]["hasNextPage"], false);
        let mixed = app.graphql_as(Some(&admin.token), ORDERED, json!({ "f": filter, "a": after })).await;
        assert_eq!(mixed.codes(), ["BAD_USER_INPUT"]);
        assert_eq!(mixed.error()["extensions"]["field"], "after");
    }

    async fn a_batch_removing_the_last_security_administrator_writes_nothing(app) {
        let company = app.customer_company("Acme").await;
        let admin = app.person(Role::SecurityAdministrator, company.id).await;
        let alice = app.person(Role::Restricted, company.id).await;
        stage(&app, &admin, alice.contact_id, json!("SUPPORT_ADVANCED"), false).await.ok();
        stage(&app, &admin, admin.contact_id, json!("SUPPORT_ADVANCED"), false).await.ok();
        let refused = apply(&app, &admin).await;
        let problems = refused.ok()["applyRoleChanges"]["problems"].as_array().unwrap().clone();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0]["code"], "LAST_SECURITY_ADMINISTRATOR");
        assert_eq!(problems[0]["contactId"], ct(admin.contact_id).as_str());
        assert_eq!(me(&app, &alice).await["contact"]["supportRole"], "SUPPORT_RESTRICTED", "nothing written");
        let kept = app.graphql_as(Some(&admin.token), STAGED, json!({})).await;
        assert_eq!(kept.ok()["stagedRoleChanges"].as_array().unwrap().len(), 2, "the batch is kept to fix");
        // Handing the role over in the same batch is fine.
        stage(&app, &admin, alice.contact_id, json!("SUPPORT_ADVANCED"), true).await.ok();
        assert_eq!(apply(&app, &admin).await.ok()["applyRoleChanges"]["problems"], json!([]));
        assert_eq!(me(&app, &alice).await["contact"]["securityAdministrator"], true);
    }

    async fn overlapping_batches_applied_at_once_give_one_winner_and_conflicts(app) {
        let company = app.customer_company("Acme").await;
        let first = app.person(Role::SecurityAdministrator, company.id).await;
        let second = app.person(Role::SecurityAdministrator, company.id).await;
        let mut people = Vec::new();
        for _ in 0..4 {
            people.push(app.person(Role::Restricted, company.id).await);
        }
        for person in &people {
            stage(&app, &first, person.contact_id, json!("SUPPORT_ADVANCED"), false).await.ok();
            stage(&app, &second, person.contact_id, json!("SUPPORT_ADMINISTRATOR"), false).await.ok();
        }
        let (a, b) = tokio::join!(apply(&app, &first), apply(&app, &second));
        let results = [a.ok()["applyRoleChanges"].clone(), b.ok()["applyRoleChanges"].clone()];
        let winners: Vec<&Value> = results.iter().filter(|r| r["problems"] == json!([])).collect();
        assert_eq!(winners.len(), 1, "{results:?}");
        let loser = results.iter().find(|r| r["problems"] != json!([])).unwrap();
        assert_eq!(loser["applied"], json!([]));
        assert_eq!(loser["problems"].as_array().unwrap().len(), 4);
        assert!(loser["problems"].as_array().unwrap().iter().all(|p| p["code"] == "CONFLICT"));
        let won = winners[0]["applied"][0]["to"]["supportRole"].as_str().unwrap().to_owned();
        for person in &people {
            assert_eq!(me(&app, person).await["contact"]["supportRole"], won.as_str(), "no partial batch");
        }
    }

    async fn twenty_edits_with_one_version_give_one_winner(app) {
        let company = app.customer_company("Acme").await;
        let admin = app.person(Role::SupportAdministrator, company.id).await;
        let alice = app.person(Role::Restricted, company.id).await;
        let edits = (0..20).map(|n| {
            let app = &app;
            let token = admin.token.clone();
            async move {
                app.graphql_as(Some(&token), UPDATE, json!({ "i": { "id": ct(alice.contact_id), "version": 1, "lastName": format!("Name{n}") } })).await
            }
        });
        let answers = futures_util::future::join_all(edits).await;
        let won = answers.iter().filter(|a| a.codes().is_empty()).count();
        let conflicts = answers.iter().filter(|a| a.codes() == ["CONFLICT"]).count();
        assert_eq!((won, conflicts), (1, 19));
        let winner = answers.iter().find(|a| a.codes().is_empty()).unwrap();
        assert_eq!(winner.ok()["updateContact"]["contact"]["version"], 2);
    }

    async fn another_company_s_contacts_answer_like_unknown_ids(app) {
        let company = app.customer_company("Acme").await;
        let other = app.customer_company("Globex").await;
        let admin = app.person(Role::SecurityAdministrator, company.id).await;
        let stranger = app.person(Role::Restricted, other.id).await;
        let unknown = Uuid::now_v7();
        for (query, input) in [
            (OBSOLETE, json!({ "id": ct(stranger.contact_id) })),
            (UPDATE, json!({ "id": ct(stranger.contact_id), "version": 1, "lastName": "X" })),
        ] {
            let theirs = app.graphql_as(Some(&admin.token), query, json!({ "i": input })).await;
            let mut input_unknown = input.clone();
            input_unknown["id"] = json!(ct(unknown));
            let none = app.graphql_as(Some(&admin.token), query, json!({ "i": input_unknown })).await;
            assert_eq!(theirs.codes(), ["NOT_FOUND"]);
            assert_eq!(theirs.error()["message"], none.error()["message"]);
        }
        let theirs = stage(&app, &admin, stranger.contact_id, json!("SUPPORT_ADVANCED"), false).await;
        let none = stage(&app, &admin, unknown, json!("SUPPORT_ADVANCED"), false).await;
        assert_eq!(theirs.codes(), ["NOT_FOUND"]);
        assert_eq!(theirs.error()["message"], none.error()["message"]);
    }

    async fn a_demoted_administrator_cannot_apply_what_they_staged(app) {
        let company = app.customer_company("Acme").await;
        let first = app.person(Role::SecurityAdministrator, company.id).await;
        let second = app.person(Role::SecurityAdministrator, company.id).await;
        let alice = app.person(Role::Restricted, company.id).await;
        stage(&app, &first, alice.contact_id, json!("SUPPORT_ADMINISTRATOR"), true).await.ok();
        stage(&app, &second, first.contact_id, json!("SUPPORT_RESTRICTED"), false).await.ok();
        assert_eq!(apply(&app, &second).await.ok()["applyRoleChanges"]["problems"], json!([]));
        assert_eq!(apply(&app, &first).await.codes(), ["FORBIDDEN"]);
        assert_eq!(me(&app, &alice).await["contact"]["securityAdministrator"], false);
    }

    async fn a_support_administrator_edits_neither_another_contacts_email_nor_a_security_administrator(app) {
        let company = app.customer_company("Acme").await;
        let support = app.person_with_password(Role::SupportAdministrator, company.id, "orange piano quietly jumps").await;
        let security = app.person(Role::SecurityAdministrator, company.id).await;
        let alice = app.person(Role::Restricted, company.id).await;
        let update = |id: Uuid, changes: Value| {
            let mut input = json!({ "id": ct(id), "version": 1 });
            input.as_object_mut().unwrap().extend(changes.as_object().unwrap().clone());
            json!({ "i": input })
        };
        let renamed = app.graphql_as(Some(&support.token), UPDATE, update(alice.contact_id, json!({ "lastName": "Renamed" }))).await;
        assert_eq!(renamed.ok()["updateContact"]["contact"]["lastName"], "Renamed");
        let email = app.graphql_as(Some(&support.token), UPDATE, update(alice.contact_id, json!({ "version": 2, "email": "other@acme.example" }))).await;
        assert_eq!(email.ok()["updateContact"]["problems"], json!([{ "field": "email", "reason": "NOT_EDITABLE" }]));
        let own = app.graphql_as(Some(&support.token), UPDATE, update(support.contact_id, json!({ "email": "support.new@acme.example", "currentPassword": "orange piano quietly jumps" }))).await;
        assert_eq!(own.ok()["updateContact"]["problems"], json!([]), "their own address is theirs to change");
        let admin = app.graphql_as(Some(&support.token), UPDATE, update(security.contact_id, json!({ "lastName": "Hijacked" }))).await;
        assert_eq!(admin.codes(), ["FORBIDDEN"]);
        let by_security = app.graphql_as(Some(&security.token), UPDATE, update(alice.contact_id, json!({ "version": 2, "email": "alice.new@acme.example" }))).await;
        assert_eq!(by_security.ok()["updateContact"]["problems"], json!([]));
    }

    async fn a_changed_email_address_is_told_at_the_old_and_the_new_address(app) {
        let company = app.customer_company("Acme").await;
        let admin = app.person(Role::SecurityAdministrator, company.id).await;
        let alice = app.person(Role::Restricted, company.id).await;
        let moved = app.graphql_as(Some(&admin.token), UPDATE, json!({ "i": {
            "id": ct(alice.contact_id), "version": 1, "email": "alice.moved@acme.example" } })).await;
        assert_eq!(moved.ok()["updateContact"]["problems"], json!([]));
        for address in [alice.email.as_str(), "alice.moved@acme.example"] {
            let mail = app.smtp.wait_for(address, 1).await.remove(0);
            assert!(mail.text().contains(&format!("from {} to alice.moved@acme.example", alice.email)), "{}", mail.text());
        }
    }

    async fn administrative_changes_check_the_callers_right_inside_their_transaction(app) {
        let company = app.customer_company("Acme").await;
        let admin = app.person(Role::SecurityAdministrator, company.id).await;
        app.person(Role::SecurityAdministrator, company.id).await;
        let policy = "mutation { setCompanySecurityPolicy(input: { requireTwoFactor: true }) { company { requireTwoFactor } } }";
        let answer = demoted_while_waiting(&app, company.id, &admin, "security_admin = FALSE", policy).await;
        assert_eq!(answer.codes(), ["FORBIDDEN"], "{:#}", answer.body);
        let company_now = app.graphql_as(
            Some(&app.person(Role::SecurityAdministrator, company.id).await.token),
            "{ viewer { company { requireTwoFactor } } }",
            json!({}),
        ).await;
        assert_eq!(company_now.ok()["viewer"]["company"]["requireTwoFactor"], false, "nothing written");
    }

    async fn the_operator_s_changes_check_their_role_inside_their_transaction(app) {
        let operator = app.person(Role::Operator, Uuid::nil()).await;
        let create = "mutation { createCompany(input: { name: \"Umbrella\" }) { company { id } problems { field } } }";
        let answer = demoted_while_waiting(&app, operator.company_id, &operator, "provider_role = NULL", create).await;
        assert_eq!(answer.codes(), ["FORBIDDEN"], "{:#}", answer.body);
        let db = app.state.deps().db.writer();
        let sql = "SELECT COUNT(*) FROM companies WHERE name = 'Umbrella'";
        let companies = db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
        assert_eq!(companies.try_get_by_index::<i64>(0).unwrap(), 0, "nothing written");
    }

    async fn provider_staff_without_a_second_factor_read_no_company(app) {
        let company = app.customer_company("Acme").await;
        let agent = app.person(Role::Agent, Uuid::nil()).await;
        let node = "query($id: ID!) { node(id: $id) { id } }";
        let with = app.graphql_as(Some(&agent.token), node, json!({ "id": co(company.id) })).await;
        assert_eq!(with.ok()["node"]["id"], co(company.id));
        let deps = app.state.deps();
        let session = portal_api::auth::sessions::open(deps.db.writer(), &deps.sessions, deps.clock.now(),
            portal_api::auth::sessions::NewSession {
                account_id: portal_api::ids::AccountId::from_uuid(agent.account_id),
                contact_id: Some(portal_api::ids::ContactId::from_uuid(agent.contact_id)),
                security_admin: false,
                two_factor: false,
            }).await.unwrap();
        let without = app.graphql_as(Some(session.expose()), node, json!({ "id": co(company.id) })).await;
        assert_eq!(without.ok()["node"], Value::Null);
    }

    async fn a_company_requiring_two_factor_leads_contacts_to_enrol_first(app) {
        let company = app.customer_company("Acme").await;
        let admin = app.person(Role::SecurityAdministrator, company.id).await;
        let support = app.person(Role::SupportAdministrator, company.id).await;
        let policy = "mutation { setCompanySecurityPolicy(input: { requireTwoFactor: true }) { company { requireTwoFactor } } }";
        let set = app.graphql_as(Some(&admin.token), policy, json!({})).await;
        assert_eq!(set.ok()["setCompanySecurityPolicy"]["company"]["requireTwoFactor"], true);
        // A session opened without a second factor.
        let deps = app.state.deps();
        let token = portal_api::auth::sessions::open(deps.db.writer(), &deps.sessions, deps.clock.now(),
            portal_api::auth::sessions::NewSession { account_id: portal_api::ids::AccountId::from_uuid(support.account_id), contact_id: Some(portal_api::ids::ContactId::from_uuid(support.contact_id)), security_admin: false, two_factor: false }).await.unwrap();
        let without = Person { token: token.expose().to_owned(), ..support.clone() };
        assert_eq!(me(&app, &without).await["mustEnrollSecondFactor"], true);
        assert_eq!(app.contacts(&without.token, json!({})).await.codes(), ["TWO_FACTOR_REQUIRED"]);
        assert_eq!(me(&app, &support).await["mustEnrollSecondFactor"], false);
        assert!(app.contacts(&support.token, json!({})).await.codes().is_empty());
        let restricted = app.person(Role::Restricted, company.id).await;
        assert_eq!(app.graphql_as(Some(&restricted.token), policy, json!({})).await.codes(), ["FORBIDDEN"]);
        let entries = journal(&app, &admin.token, json!({ "actions": ["SECURITY_POLICY_CHANGED"] })).await;
        assert_eq!(entries.ok()["auditEvents"]["edges"][0]["node"]["after"]["requireTwoFactor"], true);
    }

    async fn the_journal_shows_each_security_administrator_their_company_only(app) {
        let company = app.customer_company("Acme").await;
        let other = app.customer_company("Globex").await;
        let admin = app.person(Role::SecurityAdministrator, company.id).await;
        let other_admin = app.person(Role::SecurityAdministrator, other.id).await;
        let alice = app.person(Role::Restricted, company.id).await;
        let bob = app.person(Role::Restricted, other.id).await;
        stage(&app, &admin, alice.contact_id, json!("SUPPORT_ADVANCED"), false).await.ok();
        apply(&app, &admin).await.ok();
        stage(&app, &other_admin, bob.contact_id, json!("SUPPORT_ADVANCED"), false).await.ok();
        apply(&app, &other_admin).await.ok();
        let mine = journal(&app, &admin.token, json!({})).await;
        let edges = mine.ok()["auditEvents"]["edges"].as_array().unwrap().clone();
        assert!(!edges.is_empty());
        assert!(edges.iter().all(|e| e["node"]["companyId"] == co(company.id).as_str()));
        // Asking for another company changes nothing for a Security Administrator.
        let sneaky = journal(&app, &admin.token, json!({ "companyId": co(other.id) })).await;
        assert_eq!(sneaky.ok()["auditEvents"]["edges"].as_array().unwrap().len(), edges.len());
        let operator = app.person(Role::Operator, company.id).await;
        let all = journal(&app, &operator.token, json!({ "actions": ["ROLE_BATCH_APPLIED"] })).await;
        assert_eq!(all.ok()["auditEvents"]["edges"].as_array().unwrap().len(), 2);
        for role in [Role::Restricted, Role::SupportAdministrator, Role::Agent] {
            let person = app.person(role, company.id).await;
            assert_eq!(journal(&app, &person.token, json!({})).await.codes(), ["FORBIDDEN"], "{role:?}");
        }
        let anonymous = app.graphql_as(None, JOURNAL, json!({ "f": {} })).await;
        assert_eq!(anonymous.codes(), ["UNAUTHENTICATED"]);
        // No statement can change the journal, not even one run directly on the database.
        let db = app.state.deps().db.writer();
        assert!(db.execute_unprepared("UPDATE audit_events SET action = 'FORGED'").await.is_err());
        assert!(db.execute_unprepared("DELETE FROM audit_events").await.is_err());
    }

    async fn the_operator_creates_a_company_with_its_first_security_administrator(app) {
        let operator = app.person(Role::Operator, Uuid::nil()).await;
        let created = app.graphql_as(Some(&operator.token),
            "mutation { createCompany(input: { name: \"Initech\", requireTwoFactor: true, autoCloseAfterSeconds: 86400 }) { company { id requireTwoFactor autoCloseAfterSecondsValue: autoCloseAfterSeconds } problems { field } } }", json!({})).await;
        let company = created.ok()["createCompany"]["company"].clone();
        assert_eq!(company["requireTwoFactor"], true);
        assert_eq!(company["autoCloseAfterSecondsValue"], 86400);
        let create_admin = "mutation($i: CreateSecurityAdministratorInput!) { createSecurityAdministrator(input: $i) { contact { securityAdministrator } problems { field } } }";
        let input = json!({ "i": { "companyId": company["id"], "lastName": "Lumbergh", "firstName": "Bill", "email": "bill@initech.example" } });
        let first = app.graphql_as(Some(&operator.token), create_admin, input.clone()).await;
        assert_eq!(first.ok()["createSecurityAdministrator"]["contact"]["securityAdministrator"], true);
        app.smtp.wait_for("bill@initech.example", 1).await;
        let mut second_input = input.clone();
        second_input["i"]["email"] = json!("milton@initech.example");
        assert_eq!(app.graphql_as(Some(&operator.token), create_admin, second_input).await.codes(), ["CONFLICT"]);
        let bad_range = app.graphql_as(Some(&operator.token),
            "mutation { createCompany(input: { name: \"Short\", autoCloseAfterSeconds: 5 }) { company { id } problems { field reason } } }", json!({})).await;
        assert_eq!(bad_range.ok()["createCompany"]["problems"][0]["field"], "autoCloseAfterSeconds");
    }

    async fn a_person_in_two_companies_switches_between_them(app) {
        let acme = app.customer_company("Acme").await;
        let globex = app.customer_company("Globex").await;
        let person = app.person(Role::Restricted, acme.id).await;
        let admin = app.person(Role::SecurityAdministrator, globex.id).await;
        app.graphql_as(Some(&admin.token), ADD, json!({ "i": { "lastName": "Test", "firstName": "Restricted", "email": person.email } })).await.ok();
        let before = me(&app, &person).await;
        assert_eq!(before["company"]["name"], "Acme");
        assert_eq!(before["memberships"].as_array().unwrap().len(), 2);
        let switch = "mutation($i: SwitchCompanyInput!) { switchCompany(input: $i) { contact { supportRole } } }";
        let switched = app.graphql_as(Some(&person.token), switch, json!({ "i": { "companyId": co(globex.id) } })).await;
        assert_eq!(switched.ok()["switchCompany"]["contact"]["supportRole"], Value::Null);
        assert_eq!(me(&app, &person).await["company"]["name"], "Globex");
        let elsewhere = app.customer_company("Hooli").await;
        let refused = app.graphql_as(Some(&person.token), switch, json!({ "i": { "companyId": co(elsewhere.id) } })).await;
        assert_eq!(refused.codes(), ["NOT_FOUND"]);
    }
}
