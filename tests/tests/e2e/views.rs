//! Saved views and console tiles (issue 14): Save / Save As / rename / delete / pin / order,
//! personal to their owner, opening their requests with their filter and order, still opening
//! when they name something that no longer exists, and bad input refused with its field.

use portal_tests::{Gql, Person, Role, TestApp, on_both_databases, request_form};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use uuid::Uuid;

const SAVE: &str = "mutation($i: SaveViewInput!) { saveView(input: $i) { view { id name version queue scope columns orderBy { field direction } filter pinned warnings count } problems { field reason } } }";
const RENAME: &str = "mutation($i: RenameViewInput!) { renameView(input: $i) { view { name version } problems { field reason } } }";
const PIN: &str = "mutation($i: PinViewInput!) { pinView(input: $i) { id pinned } }";
const ORDER: &str = "mutation($i: OrderTilesInput!) { orderTiles(input: $i) { id } }";
const DELETE: &str = "mutation($i: ViewInput!) { deleteView(input: $i) { deletedViewId } }";
const OPEN: &str = "query($id: ID!) { savedView(id: $id) { name warnings columns count requests(first: 50) { totalCount edges { node { title urgency } } } } }";
const LIST: &str = "query($p: Boolean) { savedViews(pinned: $p) { id name } }";

async fn save(app: &TestApp, who: &Person, input: Value) -> Gql {
    app.graphql_as(Some(&who.token), SAVE, json!({ "i": input }))
        .await
}

fn problems(answer: &Gql, mutation: &str) -> Value {
    answer.ok()[mutation]["problems"].clone()
}

fn titles(view: &Value) -> Vec<String> {
    view["requests"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
        .collect()
}

on_both_databases! {
    async fn a_saved_view_opens_its_requests_and_is_saved_renamed_pinned_ordered_and_deleted(app) {
        let acme = app.customer_company("Acme").await;
        let anne = app.person(Role::Advanced, acme.id).await;
        let colleague = app.person(Role::Advanced, acme.id).await;
        for (title, urgency) in [("Écran noir", "URGENT"), ("Export lent", "LOW"), ("Licence", "HIGH")] {
            app.submitted_request(&colleague.token, request_form(title, urgency)).await;
        }
        let urgent = json!({
            "name": "Urgent à l'équipe", "queue": "ACTIVE", "scope": "TEAM",
            "filter": { "urgencies": ["HIGH", "URGENT"] }, "columns": ["HUMAN_ID", "TITLE", "URGENCY"],
            "orderBy": { "field": "URGENCY", "direction": "DESC" },
        });
        let saved = save(&app, &anne, urgent.clone()).await;
        let view = saved.ok()["saveView"]["view"].clone();
        assert_eq!(view["queue"], "ACTIVE");
        assert_eq!(view["scope"], "TEAM");
        assert_eq!(view["columns"], json!(["HUMAN_ID", "TITLE", "URGENCY"]));
        assert_eq!(view["orderBy"], json!({ "field": "URGENCY", "direction": "DESC" }));
        assert_eq!(view["filter"]["urgencies"], json!(["HIGH", "URGENT"]));
        assert_eq!(view["count"], 2);
        let id = view["id"].as_str().unwrap().to_owned();
        let opened = app.graphql_as(Some(&anne.token), OPEN, json!({ "id": id })).await;
        assert_eq!(titles(&opened.ok()["savedView"]), ["Écran noir", "Licence"], "its filter, in its order");
        assert_eq!(opened.ok()["savedView"]["warnings"], json!([]));

        // Personal: a colleague neither sees nor changes it.
        let theirs = app.graphql_as(Some(&colleague.token), OPEN, json!({ "id": id })).await;
        assert_eq!(theirs.ok()["savedView"], Value::Null);
        let renamed_by_them = app.graphql_as(Some(&colleague.token), RENAME, json!({ "i": { "viewId": id, "name": "Mine now" } })).await;
        assert_eq!(renamed_by_them.codes(), ["NOT_FOUND"]);
        assert_eq!(app.graphql_as(Some(&colleague.token), LIST, json!({})).await.ok()["savedViews"], json!([]));

        // Save over it (with the version read), Save As a second one, names unique per person.
        let mut changed = urgent.clone();
        changed["viewId"] = json!(id);
        changed["version"] = json!(1);
        changed["filter"] = json!({ "urgencies": ["URGENT"] });
        let over = save(&app, &anne, changed.clone()).await;
        assert_eq!(over.ok()["saveView"]["view"]["count"], 1);
        assert_eq!(over.ok()["saveView"]["view"]["version"], 2);
        let stale = save(&app, &anne, changed).await;
        assert_eq!(stale.codes(), ["CONFLICT"], "{:#}", stale.body);
        let same_name = save(&app, &anne, json!({ "name": "URGENT A L'EQUIPE" })).await;
        assert_eq!(problems(&same_name, "saveView"), json!([{ "field": "name", "reason": "TAKEN" }]));
        assert_eq!(problems(&save(&app, &colleague, json!({ "name": "Urgent à l'équipe" })).await, "saveView"), json!([]), "another person's name is free");
        let all = save(&app, &anne, json!({ "name": "Tout" })).await;
        let all_id = all.ok()["saveView"]["view"]["id"].as_str().unwrap().to_owned();
        let renamed = app.graphql_as(Some(&anne.token), RENAME, json!({ "i": { "viewId": all_id, "name": "Toutes les demandes" } })).await;
        assert_eq!(renamed.ok()["renameView"]["view"]["name"], "Toutes les demandes");

        // Pinned views are the console's tiles, in the owner's order.
        for view in [&id, &all_id] {
            app.graphql_as(Some(&anne.token), PIN, json!({ "i": { "viewId": view, "pinned": true } })).await.ok();
        }
        let tiles = |g: Gql| g.ok()["savedViews"].as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
        assert_eq!(tiles(app.graphql_as(Some(&anne.token), LIST, json!({ "p": true })).await), [id.clone(), all_id.clone()]);
        app.graphql_as(Some(&anne.token), ORDER, json!({ "i": { "viewIds": [all_id, id] } })).await.ok();
        assert_eq!(tiles(app.graphql_as(Some(&anne.token), LIST, json!({ "p": true })).await), [all_id.clone(), id.clone()]);
        let partial = app.graphql_as(Some(&anne.token), ORDER, json!({ "i": { "viewIds": [all_id] } })).await;
        assert_eq!(partial.codes(), ["BAD_USER_INPUT"]);
        assert_eq!(partial.error()["extensions"]["field"], "viewIds");

        let deleted = app.graphql_as(Some(&anne.token), DELETE, json!({ "i": { "viewId": id } })).await;
        assert_eq!(deleted.ok()["deleteView"]["deletedViewId"], id.as_str());
        assert_eq!(tiles(app.graphql_as(Some(&anne.token), LIST, json!({ "p": true })).await), [all_id]);
    }

    async fn a_view_naming_what_no_longer_exists_still_opens_with_warnings(app) {
        let acme = app.customer_company("Acme").await;
        let anne = app.person(Role::Advanced, acme.id).await;
        app.submitted_request(&anne.token, request_form("Écran noir", "URGENT")).await;
        app.submitted_request(&anne.token, request_form("Licence", "HIGH")).await;
        let saved = save(&app, &anne, json!({
            "name": "Old", "filter": { "urgencies": ["HIGH", "URGENT"] }, "columns": ["TITLE", "ASSIGNEE"],
            "orderBy": { "field": "TITLE", "direction": "ASC" } })).await;
        let id = saved.ok()["saveView"]["view"]["id"].clone();
        // As if a release had renamed an urgency and a column since the view was saved.
        let db = app.state.deps().db.writer();
        db.execute_unprepared("UPDATE saved_views SET definition = REPLACE(REPLACE(definition, '\"URGENT\"', '\"CRITICAL\"'), '\"ASSIGNEE\"', '\"OWNER\"')").await.unwrap();
        let opened = app.graphql_as(Some(&anne.token), OPEN, json!({ "id": id })).await;
        let view = &opened.ok()["savedView"];
        assert_eq!(view["columns"], json!(["TITLE"]));
        let warnings = view["warnings"].to_string();
        assert!(warnings.contains("CRITICAL") && warnings.contains("OWNER"), "{warnings}");
        assert_eq!(titles(view), ["Licence"], "the rest of the filter still applies");
    }

    async fn bad_view_input_is_refused_with_its_field_and_writes_nothing(app) {
        let acme = app.customer_company("Acme").await;
        let restricted = app.person(Role::Restricted, acme.id).await;
        let count = || async {
            let db = app.state.deps().db.writer();
            let row = db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), "SELECT COUNT(*) FROM saved_views")).await.unwrap().unwrap();
            row.try_get_by_index::<i64>(0).unwrap()
        };
        assert_eq!(problems(&save(&app, &restricted, json!({ "name": "   " })).await, "saveView"), json!([{ "field": "name", "reason": "REQUIRED" }]));
        assert_eq!(problems(&save(&app, &restricted, json!({ "name": "x".repeat(81) })).await, "saveView"), json!([{ "field": "name", "reason": "TOO_LONG" }]));
        let team = save(&app, &restricted, json!({ "name": "Team", "scope": "TEAM" })).await;
        assert_eq!(problems(&team, "saveView"), json!([{ "field": "scope", "reason": "NOT_ALLOWED" }]));
        let columns = save(&app, &restricted, json!({ "name": "Twice", "columns": ["TITLE", "TITLE"] })).await;
        assert_eq!(columns.ok()["saveView"]["view"]["columns"], json!(["TITLE"]), "a column repeated is shown once");
        let range = save(&app, &restricted, json!({ "name": "Range", "filter": { "createdAt": { "from": "2026-06-01T00:00:00Z", "to": "2026-01-01T00:00:00Z" } } })).await;
        assert_eq!(range.error()["extensions"]["field"], "filter.createdAt");
        let unknown = app.graphql_as(Some(&restricted.token), RENAME, json!({ "i": { "viewId": format!("vw_{}", Uuid::now_v7().simple()), "name": "X" } })).await;
        assert_eq!(unknown.codes(), ["NOT_FOUND"]);
        assert_eq!(count().await, 1);
        for n in 1..200 {
            assert_eq!(problems(&save(&app, &restricted, json!({ "name": format!("View {n}") })).await, "saveView"), json!([]));
        }
        let too_many = save(&app, &restricted, json!({ "name": "One more" })).await;
        assert_eq!(problems(&too_many, "saveView"), json!([{ "field": "name", "reason": "OUT_OF_RANGE" }]));
        assert_eq!(count().await, 200);
    }
}
