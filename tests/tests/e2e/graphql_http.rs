//! GraphQL over HTTP, as the specification (2026-08 text) says it must behave.

use portal_tests::{Role, TestApp, on_both_databases};
use serde_json::{Value, json};

const GQL: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

async fn post(app: &TestApp, accept: Option<&str>, body: &str) -> portal_tests::Gql {
    let mut headers = vec![("content-type", "application/json")];
    if let Some(accept) = accept {
        headers.push(("accept", accept));
    }
    TestApp::read(app.post_raw(&headers, body.to_owned()).await).await
}

on_both_databases! {
    async fn the_response_media_type_follows_the_accept_header(app) {
        let typename = r#"{"query":"{ __typename }"}"#;
        for (accept, expected) in [
            (Some(GQL), GQL),
            (Some(JSON), JSON),
            (Some("application/graphql-response+json, application/json;q=0.9"), GQL),
            (Some("*/*"), JSON),
            (None, JSON),
        ] {
            let answer = post(&app, accept, typename).await;
            assert_eq!(answer.status, 200, "{accept:?}");
            assert!(answer.content_type.starts_with(expected), "{accept:?} gave {}", answer.content_type);
            assert!(answer.content_type.contains("charset=utf-8"));
            assert_eq!(answer.body, json!({ "data": { "__typename": "Query" } }));
        }
        let refused = app.post_raw(&[("content-type", JSON), ("accept", "text/html")], typename).await;
        assert_eq!(refused.status(), 406);
    }

    async fn requests_that_are_not_well_formed_get_4xx_and_no_data(app) {
        let cases = [
            ("{ \"not a JSON", 400),
            ("", 400),
            (r#"{"qeury":"{ __typename }"}"#, 422),
            (r#"{"query":{"obj":"ect"}}"#, 422),
            (r#"{"query":"{ __typename }","variables":[7]}"#, 422),
            (r#"{"query":"{ __typename }","variables":"string"}"#, 422),
            (r#"{"query":"{ __typename }","operationName":0}"#, 422),
            (r#"{"query":"{ __typename }","extensions":false}"#, 422),
            (r#"[{"query":"{ __typename }"},{"query":"{ __typename }"}]"#, 422),
        ];
        for accept in [GQL, JSON] {
            for (body, status) in cases {
                let answer = post(&app, Some(accept), body).await;
                assert_eq!(answer.status, status, "{body} with {accept}: {:#}", answer.body);
                assert!(answer.content_type.starts_with(GQL), "non-2xx answers are graphql-response+json");
                assert!(answer.body.get("data").is_none(), "{body}");
                assert_eq!(answer.codes(), vec!["BAD_REQUEST"], "{body}");
            }
        }
    }

    async fn null_optional_parameters_and_unknown_keys_are_accepted(app) {
        let body = r#"{"query":"query Q { __typename }","operationName":"Q","variables":null,"extensions":{"some":"value"},"future":1}"#;
        let answer = post(&app, Some(GQL), body).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body["data"]["__typename"], "Query");
        let utf8 = r#"{"query":"{ __type(name: \"Run🏃Swim🏊\") { name } }"}"#;
        let answer = app
            .post_raw(&[("content-type", "application/json; charset=utf-8"), ("accept", GQL)], utf8)
            .await;
        assert_eq!(answer.status(), 200);
    }

    async fn an_unparsable_document_is_400_and_an_invalid_one_is_422(app) {
        let unparsable = post(&app, Some(GQL), r#"{"query":"{"}"#).await;
        assert_eq!(unparsable.status, 400);
        assert!(unparsable.body.get("data").is_none());
        assert_eq!(unparsable.codes(), vec!["GRAPHQL_PARSE_FAILED"]);
        assert!(unparsable.error()["locations"].is_array());

        let invalid = post(&app, Some(GQL), r#"{"query":"{ doesNotExist }"}"#).await;
        assert_eq!(invalid.status, 422);
        assert!(invalid.body.get("data").is_none());
        assert_eq!(invalid.codes(), vec!["GRAPHQL_VALIDATION_FAILED"]);

        // A legacy client gets the same status codes for request errors.
        let legacy = post(&app, Some(JSON), r#"{"query":"{ doesNotExist }"}"#).await;
        assert_eq!(legacy.status, 422);
    }

    async fn variable_coercion_failures_are_422(app) {
        for (query, variables) in [
            ("query Q($id: ID!) { node(id: $id) { id } }", json!({ "id": null })),
            ("query Q($id: ID!) { node(id: $id) { id } }", json!({})),
            ("query Q($n: Int) { companies(first: $n) { pageInfo { hasNextPage } } }", json!({ "n": "ten" })),
            ("query CoerceFailure($id: ID!) { __typename }", json!({ "id": null })),
        ] {
            let answer = app.graphql_as(None, query, variables.clone()).await;
            assert_eq!(answer.status, 422, "{query} {variables}: {:#}", answer.body);
            assert!(answer.body.get("data").is_none());
        }
    }

    async fn the_operation_to_run_must_be_determinable(app) {
        let two = "query A { __typename } query B { __typename }";
        let answer = app.graphql_as(None, two, Value::Null).await;
        assert_eq!(answer.status, 422);
        assert_eq!(answer.codes(), vec!["OPERATION_RESOLUTION_FAILURE"]);
        let body = json!({ "query": two, "operationName": "B" }).to_string();
        assert_eq!(post(&app, Some(GQL), &body).await.status, 200);
        let body = json!({ "query": two, "operationName": "C" }).to_string();
        let unknown = post(&app, Some(GQL), &body).await;
        assert_eq!(unknown.status, 422);
        assert_eq!(unknown.codes(), vec!["OPERATION_RESOLUTION_FAILURE"]);
    }

    async fn get_runs_queries_with_url_encoded_variables(app) {
        let query = "query Type($name: String!) { __type(name: $name) { name } }";
        for accept in [GQL, JSON] {
            let answer = TestApp::read(
                app.graphql_get(&[("query", query), ("variables", r#"{"name":"Company"}"#)], accept).await,
            )
            .await;
            assert_eq!(answer.status, 200);
            assert_eq!(answer.body["data"]["__type"]["name"], "Company");
        }
        let empty_optional = app.graphql_get(&[("query", "{ __typename }"), ("operationName", ""), ("variables", "")], GQL).await;
        assert_eq!(empty_optional.status(), 200);
        let missing = app.get_raw("operationName=x", &[("accept", GQL)]).await;
        assert_eq!(missing.status(), 422);
    }

    async fn mutations_over_get_are_refused_with_405_and_change_nothing(app) {
        let operator = app.person(Role::Operator, uuid::Uuid::nil()).await;
        let mutation = r#"mutation { createCompany(input: {name: "Via GET"}) { company { id } } }"#;
        let response = app
            .http
            .get(app.url("/graphql"))
            .query(&[("query", mutation)])
            .header("accept", GQL)
            .bearer_auth(&operator.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405);
        assert_eq!(response.headers()["allow"], "POST");
        let companies = app
            .graphql_as(Some(&operator.token), "{ companies(first: 100) { edges { node { name } } } }", Value::Null)
            .await;
        let names: Vec<&str> = companies.ok()["companies"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap())
            .collect();
        assert!(!names.contains(&"Via GET"), "{names:?}");
    }

    async fn post_bodies_must_be_json_so_forms_cannot_send_mutations(app) {
        let body = r#"{"query":"{ __typename }"}"#;
        for content_type in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("application/json; charset=latin1"),
        ] {
            let mut headers = vec![("accept", GQL)];
            if let Some(content_type) = content_type {
                headers.push(("content-type", content_type));
            }
            let response = app.post_raw(&headers, body).await;
            assert_eq!(response.status(), 415, "{content_type:?}");
        }
        // Multipart is for file uploads, which need a header a form cannot send.
        let response = app
            .post_raw(&[("accept", GQL), ("content-type", "multipart/form-data; boundary=x")], body)
            .await;
        let answer = TestApp::read(response).await;
        assert_eq!((answer.status, answer.codes()), (400, vec!["PREFLIGHT_HEADER_REQUIRED".to_owned()]));
    }

    async fn other_methods_are_405_with_the_allowed_ones(app) {
        let response = app.http.put(app.url("/graphql")).body("{}").send().await.unwrap();
        assert_eq!(response.status(), 405);
        let allow = response.headers()["allow"].to_str().unwrap().to_owned();
        assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    }

    async fn partial_success_is_294_for_modern_clients_and_200_for_legacy_ones(app) {
        let company = app.customer_company("Partial SA").await;
        let restricted = app.person(Role::Restricted, company.id).await;
        let query = r#"{"query":"{ viewer { account { login } company { contacts { totalCount } } } }"}"#;
        for (accept, status, media) in [(GQL, 294, GQL), (JSON, 200, JSON)] {
            let response = app
                .post_raw(
                    &[("content-type", JSON), ("accept", accept), ("authorization", &format!("Bearer {}", restricted.token))],
                    query,
                )
                .await;
            let answer = TestApp::read(response).await;
            assert_eq!(answer.status, status);
            assert!(answer.content_type.starts_with(media));
            assert_eq!(answer.body["data"]["viewer"]["company"], Value::Null);
            assert_eq!(answer.body["data"]["viewer"]["account"]["login"], restricted.email.as_str());
            assert_eq!(answer.codes(), vec!["FORBIDDEN"]);
        }
    }

    async fn repeated_documents_get_the_same_answers_as_the_first_time(app) {
        // The engine keeps parsed documents and remembers which passed validation: repeats must
        // neither skip a check that matters nor lose one.
        for _ in 0..3 {
            assert_eq!(app.graphql("{ __typename }").await.body, json!({ "data": { "__typename": "Query" } }));
            let invalid = app.graphql("{ __typename nope }").await;
            assert_eq!(invalid.status, 422);
            assert_eq!(invalid.codes(), vec!["GRAPHQL_VALIDATION_FAILED"]);
        }
        let query = "query Page($first: Int) { companies(first: $first) { edges { cursor } } }";
        let valid = app.graphql_as(None, query, json!({ "first": 5 })).await;
        assert_eq!(valid.codes(), vec!["UNAUTHENTICATED"], "validated, executed, refused by the resolver");
        let wrong_type = app.graphql_as(None, query, json!({ "first": "five" })).await;
        assert_eq!(wrong_type.status, 422, "variables are checked on every request: {:#}", wrong_type.body);
        let two = "query A { __typename } query B { __typename nope }";
        for operation in ["A", "B", "A"] {
            let body = json!({ "query": two, "operationName": operation }).to_string();
            assert_eq!(post(&app, Some(GQL), &body).await.status, 422, "{operation}: validation covers the whole document");
        }
    }

    async fn subscriptions_are_not_served_over_http(app) {
        let answer = app.graphql("subscription { serverTime { now } }").await;
        assert_eq!(answer.status, 422);
        assert!(answer.body.get("data").is_none());
    }

    async fn browsers_get_graphiql_in_development(app) {
        let page = app.get_raw("", &[("accept", "text/html,application/xhtml+xml")]).await;
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("GraphiQL"));
    }

    async fn production_hides_graphiql_introspection_and_suggestions(app) with |settings: &mut portal_tests::Settings| {
        settings.profile = portal_api::config::Profile::Production;
    }; {
        let page = app.get_raw("", &[("accept", "text/html")]).await;
        assert_ne!(page.status(), 200);
        let introspection = app.graphql("{ __schema { types { name } } __type(name: \"Company\") { name } }").await;
        assert_eq!(introspection.body["data"], json!({ "__schema": null, "__type": null }), "{:#}", introspection.body);
        let typo = app.graphql("{ viewr { twoFactor } }").await;
        assert_eq!(typo.status, 422);
        assert!(!typo.error()["message"].as_str().unwrap().contains("Did you mean"));
    }
}
