//! GraphQL over WebSocket: both sub-protocols, every close rule, real clients.

use portal_tests::ws::WsEvent;
use portal_tests::{Role, on_both_databases};
use serde_json::json;

const SERVER_TIME: &str = "subscription { serverTime(intervalSeconds: 1) { now sequence } }";

on_both_databases! {
    async fn a_subscription_streams_over_graphql_transport_ws_until_completed(app) {
        let mut ws = app.ws_ready(None).await;
        assert_eq!(ws.protocol.as_deref(), Some("graphql-transport-ws"));
        ws.send(json!({ "id": "t1", "type": "subscribe", "payload": { "query": SERVER_TIME } })).await;
        for expected in 1..=2 {
            let message = ws.next().await;
            assert_eq!(message["type"], "next");
            assert_eq!(message["id"], "t1");
            assert_eq!(message["payload"]["data"]["serverTime"]["sequence"], expected);
            assert!(message["payload"]["data"]["serverTime"]["now"].as_str().unwrap().ends_with('Z')
                || message["payload"]["data"]["serverTime"]["now"].as_str().unwrap().contains("+00:00"));
        }
        ws.send(json!({ "id": "t1", "type": "complete" })).await;
        // The id is free again: a new subscription with it starts over.
        ws.send(json!({ "id": "t1", "type": "subscribe", "payload": { "query": SERVER_TIME } })).await;
        let message = ws.next().await;
        assert_eq!(message["payload"]["data"]["serverTime"]["sequence"], 1);
        ws.send(json!({ "type": "ping" })).await;
        loop {
            let message = ws.next().await;
            if message["type"] == "pong" {
                break;
            }
        }
    }

    async fn queries_and_errors_travel_over_the_websocket_too(app) {
        let company = app.customer_company("Socket SA").await;
        let admin = app.person(Role::SupportAdministrator, company.id).await;
        let mut ws = app.ws_ready(Some(&admin.token)).await;
        ws.send(json!({ "id": "q", "type": "subscribe", "payload": {
            "query": "query Me { viewer { company { name } } }", "operationName": "Me" } })).await;
        let result = ws.next().await;
        assert_eq!(result["type"], "next");
        assert_eq!(result["payload"]["data"]["viewer"]["company"]["name"], "Socket SA");
        assert_eq!(ws.next().await, json!({ "id": "q", "type": "complete" }));

        ws.send(json!({ "id": "bad", "type": "subscribe", "payload": { "query": "{ nope }" } })).await;
        let error = ws.next().await;
        assert_eq!(error["type"], "error");
        assert_eq!(error["payload"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");

        ws.send(json!({ "id": "range", "type": "subscribe", "payload": {
            "query": "subscription { serverTime(intervalSeconds: 0) { now } }" } })).await;
        let refused = ws.next().await;
        assert_eq!(refused["type"], "next");
        assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(ws.next().await["type"], "complete");
    }

    async fn the_legacy_graphql_ws_protocol_is_served(app) {
        let mut ws = app.ws(Some("graphql-ws")).await;
        assert_eq!(ws.protocol.as_deref(), Some("graphql-ws"));
        ws.send(json!({ "type": "connection_init", "payload": {} })).await;
        assert_eq!(ws.next().await["type"], "connection_ack");
        ws.send(json!({ "id": "1", "type": "start", "payload": { "query": SERVER_TIME } })).await;
        let data = ws.next().await;
        assert_eq!(data["type"], "data");
        assert_eq!(data["payload"]["data"]["serverTime"]["sequence"], 1);
        ws.send(json!({ "id": "1", "type": "stop" })).await;
        ws.send(json!({ "id": "2", "type": "start", "payload": { "query": "{ __typename }" } })).await;
        let mut seen = Vec::new();
        while seen.len() < 2 {
            let message = ws.next().await;
            if message["id"] == "2" {
                seen.push(message["type"].as_str().unwrap().to_owned());
            }
        }
        assert_eq!(seen, vec!["data", "complete"]);
        ws.send(json!({ "type": "connection_terminate" })).await;
        assert_eq!(ws.closed().await.0, 1000);
    }

    async fn one_address_holds_a_bounded_number_of_sockets_even_anonymous_ones(app) with |s: &mut portal_tests::Settings| {
        s.websocket.max_per_address = 2;
    }; {
        let mut first = app.ws_ready(None).await;
        let second = app.ws(Some("graphql-transport-ws")).await;
        let refused = app.try_ws(&[("sec-websocket-protocol", "graphql-transport-ws")]).await;
        assert_eq!(refused.err(), Some(429), "a third socket of the same address");
        // The open ones keep working.
        first.send(json!({ "id": "t", "type": "subscribe", "payload": { "query": SERVER_TIME } })).await;
        assert_eq!(first.next().await["type"], "next");
        // A closed socket gives its place back (once the server has seen it close).
        second.close().await;
        let mut reopened = None;
        for _ in 0..50 {
            if let Ok(ws) = app.try_ws(&[("sec-websocket-protocol", "graphql-transport-ws")]).await {
                reopened = Some(ws);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(reopened.is_some(), "a place freed by a closed socket");
    }

    async fn a_connection_without_init_is_closed_with_4408(app) with |s: &mut portal_tests::Settings| {
        s.websocket.connection_init_timeout_ms = 300;
    }; {
        let mut ws = app.ws(Some("graphql-transport-ws")).await;
        assert_eq!(ws.closed().await.0, 4408);
    }

    async fn protocol_violations_close_with_their_codes(app) {
        let mut early = app.ws(Some("graphql-transport-ws")).await;
        early.send(json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ __typename }" } })).await;
        assert_eq!(early.closed().await.0, 4401);

        let mut twice = app.ws_ready(None).await;
        twice.send(json!({ "type": "connection_init" })).await;
        assert_eq!(twice.closed().await.0, 4429);

        let mut duplicate = app.ws_ready(None).await;
        let subscribe = json!({ "id": "same", "type": "subscribe", "payload": { "query": SERVER_TIME } });
        duplicate.send(subscribe.clone()).await;
        duplicate.send(subscribe).await;
        assert_eq!(duplicate.closed().await.0, 4409);

        for invalid in ["not json", r#"{"type":"unknown"}"#, r#"{"type":"subscribe","id":"1"}"#] {
            let mut ws = app.ws_ready(None).await;
            ws.send_text(invalid).await;
            assert_eq!(ws.closed().await.0, 4400, "{invalid}");
        }
        let mut binary = app.ws_ready(None).await;
        binary.send_binary(b"{}").await;
        assert_eq!(binary.closed().await.0, 4400);

        let mut no_protocol = app.ws(None).await;
        assert_eq!(no_protocol.protocol, None);
        assert_eq!(no_protocol.closed().await.0, 4406);
    }

    async fn one_session_holds_a_bounded_number_of_sockets(app) with |s: &mut portal_tests::Settings| {
        s.websocket.max_per_session = 2;
    }; {
        let company = app.customer_company("Many Tabs SA").await;
        let person = app.person(Role::Restricted, company.id).await;
        let other = app.person(Role::Advanced, company.id).await;
        let first = app.ws_ready(Some(&person.token)).await;
        let _second = app.ws_ready(Some(&person.token)).await;
        let mut third = app.ws(Some("graphql-transport-ws")).await;
        let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {}", person.token) } });
        third.send(init.clone()).await;
        assert_eq!(third.closed().await.0, 1008, "a third socket of the same session");
        // Another session, and anonymous sockets, are not affected.
        app.ws_ready(Some(&other.token)).await.close().await;
        app.ws_ready(None).await.close().await;
        // A closed socket gives its place back (once the server has seen it close).
        first.close().await;
        let mut accepted = false;
        for _ in 0..50 {
            let mut again = app.ws(Some("graphql-transport-ws")).await;
            again.send(init.clone()).await;
            match again.event().await {
                WsEvent::Message(ack) => {
                    assert_eq!(ack["type"], "connection_ack");
                    accepted = true;
                    break;
                }
                WsEvent::Closed(code, _) => assert_eq!(code, 1008, "refused only for the limit"),
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(accepted, "a place freed by a closed socket");
    }

    async fn rejected_credentials_close_with_4403(app) {
        let mut ws = app.ws(Some("graphql-transport-ws")).await;
        ws.send(json!({ "type": "connection_init", "payload": { "authorization": "Bearer forged" } })).await;
        assert_eq!(ws.closed().await.0, 4403);
        let company = app.customer_company("Valid Token SA").await;
        let person = app.person(Role::Restricted, company.id).await;
        let ok = app.ws_ready(Some(&person.token)).await;
        ok.close().await;
    }
}
