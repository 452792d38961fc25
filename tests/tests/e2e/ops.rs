//! Operations: liveness, readiness, metrics, request ids, shutdown of open WebSockets.

use portal_tests::{Role, on_both_databases};
use sea_orm::ConnectionTrait;
use serde_json::json;

on_both_databases! {
    async fn health_and_readiness_reflect_the_database_and_migrations(app) {
        assert_eq!(app.get("/healthz").await.status(), 200);
        let ready = app.get("/readyz").await;
        assert_eq!(ready.status(), 200);
        assert_eq!(ready.text().await.unwrap(), "ready");
        // Forget that the last migration ran: the server is no longer ready.
        let db = &app.state.deps().db;
        let txn = db.begin_write().await.unwrap();
        txn.execute_unprepared("DELETE FROM seaql_migrations").await.unwrap();
        txn.commit().await.unwrap();
        let not_ready = app.get("/readyz").await;
        assert_eq!(not_ready.status(), 503);
        assert!(not_ready.text().await.unwrap().contains("migrations pending"));
    }

    async fn metrics_count_operations_errors_and_pool_connections(app) {
        app.graphql_as(None, "query ListThings { __typename }", json!(null)).await;
        app.graphql_as(None, "query ListThings { __typename }", json!(null)).await;
        app.graphql("{ companies { edges { cursor } } }").await;
        app.graphql("{ nope }").await;
        let text = app.get("/metrics").await.text().await.unwrap();
        assert!(
            text.contains(r#"portal_graphql_requests_total{operation="ListThings",transport="http"} 2"#),
            "{text}"
        );
        assert!(text.contains(r#"portal_graphql_errors_total{code="UNAUTHENTICATED"} 1"#), "{text}");
        assert!(text.contains(r#"portal_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"} 1"#), "{text}");
        assert!(text.contains("portal_graphql_request_duration_seconds_bucket"), "{text}");
        assert!(text.contains("portal_db_pool_connections{"), "{text}");
    }

    async fn metrics_need_the_configured_token(app) with |s: &mut portal_tests::Settings| {
        s.http.metrics_token = Some(portal_api::config::Secret::new("scrape-me-0123456789"));
    }; {
        assert_eq!(app.get("/metrics").await.status(), 404);
        assert_eq!(app.get_as(Some("wrong-token"), "/metrics").await.status(), 404);
        let scraped = app.get_as(Some("scrape-me-0123456789"), "/metrics").await;
        assert_eq!(scraped.status(), 200);
        assert!(scraped.text().await.unwrap().contains("portal_db_pool_connections{"));
    }

    async fn production_keeps_metrics_off_without_a_token(app) with |s: &mut portal_tests::Settings| {
        s.profile = portal_api::config::Profile::Production;
    }; {
        assert_eq!(app.get("/metrics").await.status(), 404);
        assert_eq!(app.get("/healthz").await.status(), 200);
    }

    async fn graphql_answers_are_never_cached(app) {
        let answer = app.post_raw(&[("content-type", "application/json")], r#"{"query":"{ __typename }"}"#).await;
        assert_eq!(answer.status(), 200);
        assert_eq!(answer.headers()["cache-control"], "no-store");
        let refused = app.post_raw(&[("content-type", "application/json")], "{").await;
        assert_eq!(refused.status(), 400);
        assert_eq!(refused.headers()["cache-control"], "no-store");
        let get = app.get_raw("query=%7B__typename%7D", &[]).await;
        assert_eq!(get.headers()["cache-control"], "no-store");
    }

    async fn every_response_carries_a_request_id_and_keeps_the_callers(app) {
        let generated = app.get("/healthz").await;
        let id = generated.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_eq!(id.len(), 36, "{id}");
        let kept = app
            .http
            .get(app.url("/healthz"))
            .header("x-request-id", "trace-me-123")
            .send()
            .await
            .unwrap();
        assert_eq!(kept.headers()["x-request-id"], "trace-me-123");
    }

    async fn shutting_down_closes_websockets_with_1001_and_turns_readiness_off(app) {
        let company = app.customer_company("Shutdown SA").await;
        let person = app.person(Role::Restricted, company.id).await;
        let mut ws = app.ws_ready(Some(&person.token)).await;
        ws.send(json!({ "id": "1", "type": "subscribe", "payload": {
            "query": "subscription { serverTime(intervalSeconds: 60) { sequence } }" } })).await;
        assert_eq!(ws.next().await["type"], "next");
        let mut app = app;
        app.state.begin_shutdown();
        let (code, reason) = ws.closed().await;
        assert_eq!(code, 1001, "{reason}");
        assert!(app.state.is_stopping());
        app.stop();
    }
}
