//! Explicit limits: every over-limit document is refused before execution.

use portal_tests::{Backend, Role, on_both_databases};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

/// Six levels deep.
const DEEP: &str = "{ viewer { company { contacts { edges { node { id } } } } } }";
/// Three levels deep.
const SHALLOW: &str = "{ viewer { account { id } } }";

on_both_databases! {
    async fn too_deep_documents_are_refused_before_execution(app) with |s: &mut portal_tests::Settings| {
        s.graphql.max_depth = 4;
    }; {
        assert_eq!(app.graphql(SHALLOW).await.status, 200);
        let deep = app.graphql(DEEP).await;
        assert_eq!(deep.status, 422, "{:#}", deep.body);
        assert_eq!(deep.codes(), vec!["QUERY_TOO_DEEP"]);
        assert!(deep.body.get("data").is_none());
    }

    async fn too_complex_documents_are_refused(app) with |s: &mut portal_tests::Settings| {
        s.graphql.max_complexity = 50;
    }; {
        let query = "{ companies(first: 100) { edges { node { id name humanId } } } }";
        let answer = app.graphql(query).await;
        assert_eq!(answer.status, 422, "{:#}", answer.body);
        assert_eq!(answer.codes(), vec!["QUERY_TOO_COMPLEX"]);
    }

    async fn too_many_aliases_are_refused(app) with |s: &mut portal_tests::Settings| {
        s.graphql.max_aliases = 5;
    }; {
        let fields: Vec<String> = (0..6).map(|n| format!("a{n}: __typename")).collect();
        let answer = app.graphql(&format!("{{ {} }}", fields.join(" "))).await;
        assert_eq!(answer.status, 422);
        assert_eq!(answer.codes(), vec!["TOO_MANY_ALIASES"]);
        let within: Vec<String> = (0..5).map(|n| format!("a{n}: __typename")).collect();
        assert_eq!(app.graphql(&format!("{{ {} }}", within.join(" "))).await.status, 200);
    }

    async fn fragment_bombs_are_refused_before_validation(app) {
        let mut query = String::from("query { ...F0 }\n");
        for level in 0..30 {
            query.push_str(&format!("fragment F{level} on Query {{ ...F{n} ...F{n} }}\n", n = level + 1));
        }
        query.push_str("fragment F30 on Query { __typename }\n");
        let started = std::time::Instant::now();
        let answer = app.graphql(&query).await;
        assert_eq!(answer.status, 422);
        assert_eq!(answer.codes(), vec!["QUERY_TOO_COMPLEX"]);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));

        // The same bomb in an operation that is not the one to run.
        let mut hidden = String::from("query A { __typename } query B { ...G0 }\n");
        for level in 0..20 {
            let n = level + 1;
            hidden.push_str(&format!("fragment G{level} on Query {{ ...G{n} ...G{n} ...G{n} ...G{n} }}\n"));
        }
        hidden.push_str("fragment G20 on Query { __typename }\n");
        let body = serde_json::json!({ "query": hidden, "operationName": "A" }).to_string();
        let started = std::time::Instant::now();
        let response = app.post_raw(&[("content-type", "application/json")], body).await;
        assert_eq!(response.status(), 422);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    async fn text_with_nul_is_bad_input_on_its_field_and_stores_nothing(app) {
        // Found by the fuzzer: PostgreSQL refuses NUL in text, so a reset request for such an
        // address failed with INTERNAL_SERVER_ERROR there, and SQLite stored it.
        let reset = app
            .graphql_as(
                None,
                "mutation($i: RequestPasswordResetInput!) { requestPasswordReset(input: $i) { accepted } }",
                json!({ "i": { "address": "m\u{0}@example.com" } }),
            )
            .await;
        assert_eq!(reset.codes(), vec!["BAD_USER_INPUT"], "{:#}", reset.body);
        assert_eq!(reset.error()["extensions"]["field"], "address");
        assert_eq!(reset.error()["extensions"]["reason"], "INVALID_FORMAT");
        let queued = entity::password_reset_request::Entity::find()
            .count(app.state.deps().db.reader())
            .await
            .unwrap();
        assert_eq!(queued, 0);

        let company = app.customer_company("Nul Bytes SA").await;
        let customer = app.person(Role::Restricted, company.id).await;
        let draft = app
            .graphql_as(
                Some(&customer.token),
                "mutation { saveRequestDraft(input: { form: { title: \"Stock\\u0000update\" } }) { request { id } } }",
                Value::Null,
            )
            .await;
        assert_eq!(draft.codes(), vec!["BAD_USER_INPUT"], "{:#}", draft.body);
        assert_eq!(draft.error()["extensions"]["field"], "title");
        let requests = entity::request::Entity::find()
            .count(app.state.deps().db.reader())
            .await
            .unwrap();
        assert_eq!(requests, 0);
    }

    async fn pages_are_capped_at_100(app) {
        let operator = app.person(Role::Operator, uuid::Uuid::nil()).await;
        for first in [0, -1, 101, 1000] {
            let answer = app
                .graphql_as(
                    Some(&operator.token),
                    "query($first: Int) { companies(first: $first) { edges { cursor } } }",
                    json!({ "first": first }),
                )
                .await;
            assert_eq!(answer.codes(), vec!["BAD_USER_INPUT"], "first: {first}");
            assert_eq!(answer.error()["extensions"]["field"], "first");
        }
    }

    async fn integers_beyond_32_bits_are_bad_input_on_their_argument(app) {
        let company = app.customer_company("Int Overflow SA").await;
        let customer = app.person(Role::Restricted, company.id).await;
        let draft = app
            .graphql_as(
                Some(&customer.token),
                "mutation { saveRequestDraft(input: { form: { title: \"t\" } }) { request { id } } }",
                Value::Null,
            )
            .await;
        let id = draft.ok()["saveRequestDraft"]["request"]["id"].as_str().unwrap().to_owned();
        // Not an integer of any width: validation refuses it before execution.
        let huge = app
            .graphql_as(Some(&customer.token), "{ requests(first: 99999999999999999999) { edges { cursor } } }", Value::Null)
            .await;
        assert_eq!(huge.status, 422, "{:#}", huge.body);
        assert!(huge.codes().iter().all(|c| c == "GRAPHQL_VALIDATION_FAILED"), "{:#}", huge.body);
        for value in ["2147483648", "-2147483649"] {
            let literal = format!("{{ requests(first: {value}) {{ edges {{ cursor }} }} }}");
            let nested = format!(
                "{{ request(id: \"{id}\") {{ messages(first: {value}) {{ edges {{ cursor }} }} history(first: {value}) {{ edges {{ cursor }} }} }} }}"
            );
            for query in [literal, nested] {
                let answer = app.graphql_as(Some(&customer.token), &query, Value::Null).await;
                assert!(answer.status < 500, "{value}: {:#}", answer.body);
                let errors = answer.body["errors"].as_array().cloned().unwrap_or_default();
                assert!(!errors.is_empty(), "{value}: {:#}", answer.body);
                for error in errors {
                    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{value}: {error}");
                    assert_eq!(error["extensions"]["field"], "first", "{value}: {error}");
                }
            }
        }
        let variable = app
            .graphql_as(
                Some(&customer.token),
                "query($n: Int) { requests(first: $n) { edges { cursor } } }",
                json!({ "n": 2_147_483_648_i64 }),
            )
            .await;
        assert!(variable.status < 500, "{:#}", variable.body);
        assert_eq!(variable.codes(), vec!["BAD_USER_INPUT"], "{:#}", variable.body);
    }

    async fn the_depth_limit_stops_deep_data_but_not_introspection(app) with |s: &mut portal_tests::Settings| {
        s.graphql.max_depth = 4;
    }; {
        let deep_data = "{ viewer { company { contacts { edges { node { id } } } } } }";
        let refused = app.graphql(deep_data).await;
        assert_eq!(refused.status, 422, "{:#}", refused.body);
        assert_eq!(refused.codes(), vec!["QUERY_TOO_DEEP"]);
        let mut type_ref = String::from("name");
        for _ in 0..9 {
            type_ref = format!("kind name ofType {{ {type_ref} }}");
        }
        let introspection = format!(
            "{{ __schema {{ types {{ fields {{ args {{ type {{ {type_ref} }} }} }} }} }} }}"
        );
        let answer = app.graphql(&introspection).await;
        assert_eq!(answer.status, 200, "{:#}", answer.body);
        assert!(answer.ok()["__schema"]["types"].as_array().is_some_and(|t| t.len() > 50));
    }

    async fn lists_cost_their_page_size_times_their_selection(app) {
        let company = app.customer_company("Costly Lists SA").await;
        let customer = app.person(Role::Restricted, company.id).await;
        let draft = app
            .graphql_as(
                Some(&customer.token),
                "mutation { saveRequestDraft(input: { form: { title: \"t\" } }) { request { id } } }",
                Value::Null,
            )
            .await;
        let id = draft.ok()["saveRequestDraft"]["request"]["id"].as_str().unwrap().to_owned();
        // 30 aliases × 100 messages, each up to 20,000 characters: refused before running.
        let aliases: Vec<String> = (0..30)
            .map(|n| format!("r{n}: request(id: \"{id}\") {{ messages(first: 100) {{ edges {{ node {{ body }} }} }} }}"))
            .collect();
        let answer = app
            .graphql_as(Some(&customer.token), &format!("{{ {} }}", aliases.join(" ")), Value::Null)
            .await;
        assert_eq!(answer.status, 422, "{:#}", answer.body);
        assert_eq!(answer.codes(), vec!["QUERY_TOO_COMPLEX"]);
        assert!(answer.body.get("data").is_none());
        for list in [
            "requests(first: 100) { edges { node { messages(first: 100) { edges { node { body } } } } } }",
            "requests(first: 100) { edges { node { history(first: 100) { edges { node { comment } } } } } }",
        ] {
            let nested = app.graphql_as(Some(&customer.token), &format!("{{ {list} }}"), Value::Null).await;
            assert_eq!(nested.codes(), vec!["QUERY_TOO_COMPLEX"], "{list}");
        }
        let one_page = app
            .graphql_as(
                Some(&customer.token),
                &format!("{{ request(id: \"{id}\") {{ messages(first: 20) {{ edges {{ node {{ body }} }} }} }} }}"),
                Value::Null,
            )
            .await;
        assert_eq!(one_page.status, 200, "{:#}", one_page.body);
    }

    async fn texts_and_searches_have_maximum_lengths(app) {
        let company = app.customer_company("Long Texts SA").await;
        let admin = app.person(Role::SecurityAndSupportAdministrator, company.id).await;
        let long_search = "é".repeat(201);
        let search = app.contacts(&admin.token, json!({ "filter": { "search": long_search } })).await;
        assert_eq!(search.codes(), vec!["BAD_USER_INPUT"], "{:#}", search.body);
        assert_eq!(search.error()["extensions"]["field"], "search");
        assert_eq!(search.error()["extensions"]["reason"], "TOO_LONG");
        let fine = app.contacts(&admin.token, json!({ "filter": { "search": "é".repeat(200) } })).await;
        assert!(fine.body.get("errors").is_none(), "{:#}", fine.body);

        let customer = app.person(Role::Restricted, company.id).await;
        let draft = app
            .graphql_as(
                Some(&customer.token),
                "mutation { saveRequestDraft(input: { form: { title: \"t\" } }) { request { id } } }",
                Value::Null,
            )
            .await;
        let id = draft.ok()["saveRequestDraft"]["request"]["id"].clone();
        let message = "mutation($i: AddRequestMessageInput!) { addRequestMessage(input: $i) { message { id } } }";
        let too_long = app
            .graphql_as(Some(&customer.token), message, json!({ "i": { "requestId": id, "body": "x".repeat(20_001) } }))
            .await;
        assert_eq!(too_long.codes(), vec!["BAD_USER_INPUT"], "{:#}", too_long.body);
        assert_eq!(too_long.error()["extensions"]["field"], "body");
        assert_eq!(too_long.error()["extensions"]["reason"], "TOO_LONG");
        let action = "mutation($i: TransitionRequestInput!) { transitionRequest(input: $i) { request { id } } }";
        let long_reason = app
            .graphql_as(
                Some(&customer.token),
                action,
                json!({ "i": { "requestId": id, "action": "CLOSE", "text": "x".repeat(20_001) } }),
            )
            .await;
        assert_eq!(long_reason.error()["extensions"]["field"], "text", "{:#}", long_reason.body);
        assert_eq!(long_reason.error()["extensions"]["reason"], "TOO_LONG");
    }

    async fn oversized_bodies_are_413(app) with |s: &mut portal_tests::Settings| {
        s.graphql.max_body_bytes = 4096;
    }; {
        let padding = " ".repeat(5000);
        let body = format!(r#"{{"query":"{{ __typename {padding} }}"}}"#);
        let response = app.post_raw(&[("content-type", "application/json")], body).await;
        assert_eq!(response.status(), 413);
        let long_url = app.get_raw(&format!("query={}", "%20".repeat(5000)), &[]).await;
        assert_eq!(long_url.status(), 414);
    }

    async fn slow_operations_are_stopped_at_the_execution_timeout_and_roll_back(app) with |s: &mut portal_tests::Settings| {
        s.graphql.execution_timeout_ms = 300;
    }; {
        let operator = app.person(Role::Operator, uuid::Uuid::nil()).await;
        let db = &app.state.deps().db;
        // Hold what the mutation needs: the writer on SQLite, a table lock on PostgreSQL.
        let blocker = db.begin_write().await.unwrap();
        if app.backend == Backend::Postgres {
            blocker.execute_unprepared("LOCK TABLE counters IN ACCESS EXCLUSIVE MODE").await.unwrap();
        }
        let answer = app.create_company(&operator.token, "Too Slow Ltd", None).await;
        assert_eq!(answer.status, 504, "{:#}", answer.body);
        assert_eq!(answer.codes(), vec!["TIMEOUT"]);

        // The same limit applies to a mutation sent over the WebSocket.
        let mut ws = app.ws_ready(Some(&operator.token)).await;
        ws.send(serde_json::json!({ "id": "slow", "type": "subscribe", "payload": {
            "query": "mutation { createCompany(input: {name: \"Too Slow Ltd\"}) { company { id } } }" } }))
            .await;
        let timed_out = ws.next().await;
        assert_eq!(timed_out["type"], "error", "{timed_out}");
        assert_eq!(timed_out["payload"][0]["extensions"]["code"], "TIMEOUT");

        drop(blocker);
        let list = app
            .graphql_as(Some(&operator.token), "{ companies(first: 100) { edges { node { name } } } }", Value::Null)
            .await;
        assert!(!list.ok().to_string().contains("Too Slow Ltd"));
    }
}
