//! Companies: created by the platform operator, seen only by their members and provider staff.

use portal_tests::{Role, on_both_databases};
use serde_json::{Value, json};

on_both_databases! {
    async fn the_operator_creates_companies_with_consecutive_human_ids(app) {
        let operator = app.person(Role::Operator, uuid::Uuid::nil()).await;
        let first = app.create_company(&operator.token, "  Pièces Auto  ", None).await;
        let second = app.create_company(&operator.token, "Clinique Saint-Roch", None).await;
        let first = &first.ok()["createCompany"]["company"];
        let second = &second.ok()["createCompany"]["company"];
        assert_eq!(first["name"], "Pièces Auto");
        assert_eq!(first["kind"], "CUSTOMER");
        let number = |c: &Value| c["humanId"].as_str().unwrap()[4..].parse::<u32>().unwrap();
        assert!(first["humanId"].as_str().unwrap().starts_with("ACC-"));
        assert_eq!(first["humanId"].as_str().unwrap().len(), 10);
        assert_eq!(number(second), number(first) + 1);
        assert!(first["id"].as_str().unwrap().starts_with("co_"));
    }

    async fn form_problems_come_back_by_field_and_create_nothing(app) {
        let operator = app.person(Role::Operator, uuid::Uuid::nil()).await;
        let answer = app.create_company(&operator.token, "   ", Some("has space")).await;
        let payload = &answer.ok()["createCompany"];
        assert_eq!(payload["company"], Value::Null);
        assert_eq!(
            payload["problems"],
            json!([
                { "field": "name", "reason": "REQUIRED", "message": "must not be empty" },
                { "field": "idempotencyKey", "reason": "INVALID_FORMAT", "message": "must be 1 to 128 printable ASCII characters" }
            ])
        );
        let list = app
            .graphql_as(Some(&operator.token), "{ companies { edges { node { kind } } } }", Value::Null)
            .await;
        let kinds = list.ok()["companies"]["edges"].as_array().unwrap().len();
        assert_eq!(kinds, 1, "only the provider organisation exists");
    }

    async fn only_the_operator_creates_companies(app) {
        let company = app.customer_company("Customer SA").await;
        for role in [Role::SecurityAndSupportAdministrator, Role::Agent, Role::Manager] {
            let person = app.person(role, company.id).await;
            let answer = app.create_company(&person.token, "Sneaky", None).await;
            assert_eq!(answer.codes(), vec!["FORBIDDEN"], "{role:?}");
        }
    }

    async fn another_companys_id_answers_exactly_like_an_unknown_one(app) {
        let own = app.customer_company("Own SA").await;
        let other = app.customer_company("Other SA").await;
        let admin = app.person(Role::SecurityAndSupportAdministrator, own.id).await;
        let own_id = format!("co_{}", own.id.simple());
        let other_id = format!("co_{}", other.id.simple());
        let unknown_id = format!("co_{}", uuid::Uuid::now_v7().simple());
        assert_eq!(app.node(Some(&admin.token), &own_id).await.ok()["node"]["id"], own_id.as_str());
        let hidden = app.node(Some(&admin.token), &other_id).await;
        let unknown = app.node(Some(&admin.token), &unknown_id).await;
        assert_eq!(hidden.body, unknown.body);
        assert_eq!(hidden.body, json!({ "data": { "node": null } }));
        let agent = app.person(Role::Agent, own.id).await;
        assert_eq!(app.node(Some(&agent.token), &other_id).await.ok()["node"]["__typename"], "Company");
    }

    async fn the_operator_lists_and_searches_companies_page_by_page(app) {
        let operator = app.person(Role::Operator, uuid::Uuid::nil()).await;
        for name in ["Élan Vital", "Elan Logistique", "Brasserie du Port"] {
            app.create_company(&operator.token, name, None).await.ok();
        }
        let search = app
            .graphql_as(
                Some(&operator.token),
                r#"{ companies(filter: {search: "ELAN"}) { edges { node { name } } } }"#,
                Value::Null,
            )
            .await;
        let names: Vec<&str> = search.ok()["companies"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["Élan Vital", "Elan Logistique"]);
        let query = "query($after: String) { companies(first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { name } } } }";
        let mut after = Value::Null;
        let mut seen = Vec::new();
        loop {
            let page = app.graphql_as(Some(&operator.token), query, json!({ "after": after })).await;
            let companies = &page.ok()["companies"];
            for edge in companies["edges"].as_array().unwrap() {
                seen.push(edge["node"]["name"].as_str().unwrap().to_owned());
            }
            if companies["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = companies["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(seen.len(), 4, "{seen:?}");
    }
}
