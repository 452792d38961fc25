//! Typed errors: stable codes, the offending field, and nothing internal leaked.

use portal_tests::{Role, on_both_databases};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

on_both_databases! {
    async fn anonymous_callers_get_unauthenticated_and_others_forbidden(app) {
        let query = "{ companies { edges { cursor } } }";
        let anonymous = app.graphql(query).await;
        assert_eq!(anonymous.codes(), vec!["UNAUTHENTICATED"]);
        let company = app.customer_company("Acme").await;
        for role in [Role::Restricted, Role::SupportAdministrator, Role::SecurityAdministrator] {
            let person = app.person(role, company.id).await;
            let answer = app.graphql_as(Some(&person.token), query, Value::Null).await;
            assert_eq!(answer.codes(), vec!["FORBIDDEN"], "{role:?}");
        }
        // The support lists every company too (to filter requests by company).
        for role in [Role::Agent, Role::Manager] {
            let person = app.person(role, company.id).await;
            let answer = app.graphql_as(Some(&person.token), query, Value::Null).await;
            assert!(!answer.ok()["companies"]["edges"].as_array().unwrap().is_empty(), "{role:?}");
        }
        let unknown_token = app.graphql_as(Some("not-a-session"), query, Value::Null).await;
        assert_eq!(unknown_token.codes(), vec!["UNAUTHENTICATED"]);
    }

    async fn bad_input_names_the_offending_field(app) {
        let answer = app.node(None, "co_not-an-id").await;
        assert_eq!(answer.codes(), vec!["BAD_USER_INPUT"]);
        assert_eq!(answer.error()["extensions"]["field"], "id");
        assert_eq!(answer.error()["extensions"]["reason"], "INVALID_FORMAT");
        let operator = app.person(Role::Operator, uuid::Uuid::nil()).await;
        let cursor = app
            .graphql_as(Some(&operator.token), "{ companies(after: \"garbage\") { edges { cursor } } }", Value::Null)
            .await;
        assert_eq!(cursor.error()["extensions"]["field"], "after");
    }

    async fn unexpected_failures_show_only_a_generic_message_with_an_error_id(app) {
        let company = app.customer_company("Broken Storage").await;
        let admin = app.person(Role::SupportAdministrator, company.id).await;
        // Break the storage under the running server.
        let db = &app.state.deps().db;
        let txn = db.begin_write().await.unwrap();
        txn.execute_unprepared("ALTER TABLE contacts RENAME COLUMN name_key TO gone").await.unwrap();
        txn.commit().await.unwrap();
        let answer = app.contacts(&admin.token, json!({})).await;
        assert_eq!(answer.codes(), vec!["INTERNAL_SERVER_ERROR"], "{:#}", answer.body);
        let error = answer.error();
        let message = error["message"].as_str().unwrap();
        assert!(message.starts_with("Internal server error (error id "), "{message}");
        let text = answer.body.to_string().to_lowercase();
        for leak in ["name_key", "select", "sqlite", "postgres", "sqlx", "sea_orm", ".rs", "no such column", "does not exist"] {
            assert!(!text.contains(leak), "{leak} leaked in {text}");
        }
        assert!(error["extensions"]["errorId"].as_str().unwrap().len() >= 32);
    }
}
