//! The `portal` command line, run as a separate process.

use std::time::Duration;

use portal_tests::Backend;
use portal_tests::cli::Portal;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn value_after<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find_map(|line| line.strip_prefix(label))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no {label} in {text}"))
}

async fn graphql(base_url: &str, token: &str, query: &str) -> Value {
    reqwest::Client::new()
        .post(format!("{base_url}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[test]
fn schema_prints_the_committed_sdl() {
    let output = std::process::Command::new(portal_tests::cli::portal_binary())
        .arg("schema")
        .output()
        .unwrap();
    assert!(output.status.success());
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../api/schema.graphql"
    ))
    .unwrap();
    assert_eq!(stdout(&output), committed);
}

#[test]
fn bad_configuration_is_refused_with_exit_code_2() {
    let output = std::process::Command::new(portal_tests::cli::portal_binary())
        .env("PORTAL_GRAPHQL__MAX_PAGE_SIZE", "1000")
        .arg("schema")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("max_page_size"));
}

#[tokio::test]
async fn the_demo_data_set_is_refused_under_the_production_profile() {
    let portal = Portal::new(Backend::Sqlite).await.unwrap();
    for args in [&["serve", "--demo"][..], &["demo"][..]] {
        let output = portal
            .command()
            .env("PORTAL_PROFILE", "production")
            .env(
                "PORTAL_AUTH__SECRET_KEY",
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            )
            .env("PORTAL_MAIL__SMTP__HOST", "smtp.example.com")
            .env("PORTAL_MAIL__SMTP__PORT", "587")
            .env("PORTAL_MAIL__SMTP__TLS", "starttls")
            .env("PORTAL_MAIL__SMTP__TIMEOUT_SECS", "10")
            .args(args)
            .output()
            .await
            .unwrap();
        assert!(!output.status.success(), "{args:?} succeeded");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("refused under the production profile"),
            "{args:?}: {stderr}"
        );
        assert!(
            !portal.data_dir.path().join("portal.db").exists(),
            "{args:?} opened the database"
        );
    }
}

portal_tests::on_both_backends! {
    bootstrap_mails_a_set_up_link_and_the_operator_needs_a_second_factor(backend) {
        let portal = Portal::new(backend).await.unwrap();
        let first = portal.run(&["bootstrap", "--provider-name", "Nordlys", "--operator-email", "ops@nordlys.example"]).await;
        assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
        let text = stdout(&first);
        assert_eq!(value_after(&text, "Platform operator login:"), "operator");
        let link = value_after(&text, "Set-up link (72 h, once):").to_owned();
        let token = link.split_once("/account/setup#token=").unwrap().1.to_owned();
        let logs = String::from_utf8_lossy(&first.stderr);
        assert!(!logs.contains(&token), "links must not reach the logs");
        // Without SMTP settings the mail is an .eml file in the data directory.
        let mail_dir = portal.data_dir.path().join("mail");
        let files: Vec<_> = std::fs::read_dir(&mail_dir).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(files.len(), 1, "{files:?}");
        let eml = std::fs::read_to_string(&files[0]).unwrap();
        assert!(eml.contains("To: ops@nordlys.example") || eml.contains("<ops@nordlys.example>"), "{eml}");
        assert!(eml.contains("Message-ID: <"), "{eml}");

        // The first customer company and its Security Administrator, from the command line.
        let company = portal.run(&["create-company", "--name", "Command Line SA", "--admin-email", "boss@cli.example",
            "--admin-last-name", "Boss", "--admin-first-name", "Big"]).await;
        assert!(company.status.success(), "{}", String::from_utf8_lossy(&company.stderr));
        assert!(stdout(&company).contains("Company ACC-000002 (Command Line SA) created."), "{}", stdout(&company));
        let welcome = std::fs::read_dir(&mail_dir).unwrap().map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .find(|eml| eml.contains("boss@cli.example")).expect("a welcome mail for the administrator");
        assert!(welcome.contains("/account/setup#token="), "{welcome}");
        let twice = portal.run(&["create-company", "--name", "Other", "--admin-email", "not-an-email",
            "--admin-last-name", "A", "--admin-first-name", "B"]).await;
        assert_eq!(twice.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&twice.stderr).contains("--admin-email"));

        // Support staff, from the command line.
        let agent = portal.run(&["create-staff", "--email", "lionel@nordlys.example", "--last-name", "Martin",
            "--first-name", "Lionel", "--manager"]).await;
        assert!(agent.status.success(), "{}", String::from_utf8_lossy(&agent.stderr));
        assert!(stdout(&agent).contains("Support manager Lionel Martin <lionel@nordlys.example> created"), "{}", stdout(&agent));
        let welcome = std::fs::read_dir(&mail_dir).unwrap().map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .find(|eml| eml.contains("lionel@nordlys.example")).expect("a welcome mail for the manager");
        assert!(welcome.contains("/account/setup#token="), "{welcome}");
        let again = portal.run(&["create-staff", "--email", "lionel@nordlys.example", "--last-name", "Martin",
            "--first-name", "Lionel"]).await;
        assert_eq!(again.status.code(), Some(1), "the same person twice");

        let again = portal.run(&["bootstrap", "--operator-email", "other@nordlys.example"]).await;
        assert_eq!(again.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&again.stderr).contains("already bootstrapped"));

        let mut server = portal.serve(&[]).await;
        let url = &server.base_url;
        let password = "northern lights over the fjord";
        let activated = graphql(url, "", &format!(
            r#"mutation {{ activateAccount(input: {{token: "{token}", password: "{password}"}}) {{ done }} }}"#)).await;
        assert_eq!(activated["data"]["activateAccount"]["done"], true, "{activated}");
        let login = graphql(url, "", &format!(
            r#"mutation {{ login(input: {{login: "operator", password: "{password}"}}) {{ sessionToken }} }}"#)).await;
        let session = login["data"]["login"]["sessionToken"].as_str().unwrap().to_owned();
        let create = r#"mutation { createCompany(input: {name: "First Customer"}) { company { humanId } } }"#;
        let refused = graphql(url, &session, create).await;
        assert_eq!(refused["errors"][0]["extensions"]["code"], "TWO_FACTOR_REQUIRED", "{refused}");
        let enrollment = graphql(url, &session, &format!(
            r#"mutation {{ beginTwoFactorEnrollment(input: {{currentPassword: "{password}"}}) {{ enrollment {{ secret }} }} }}"#)).await;
        let secret = enrollment["data"]["beginTwoFactorEnrollment"]["enrollment"]["secret"].as_str().unwrap().to_owned();
        let totp = totp_rs::Builder::new()
            .with_secret(totp_rs::Secret::try_from_base32(&secret).unwrap())
            .build()
            .unwrap();
        let code = totp.generate(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs());
        let confirmed = graphql(url, &session, &format!(
            r#"mutation {{ confirmTwoFactor(input: {{code: "{code}"}}) {{ recoveryCodes sessionToken }} }}"#)).await;
        assert_eq!(confirmed["data"]["confirmTwoFactor"]["recoveryCodes"].as_array().map(Vec::len), Some(10), "{confirmed}");
        let session = confirmed["data"]["confirmTwoFactor"]["sessionToken"].as_str().unwrap().to_owned();
        let created = graphql(url, &session, create).await;
        assert_eq!(created["data"]["createCompany"]["company"]["humanId"], "ACC-000003", "{created}");
        server.terminate();
        assert_eq!(server.exit_code().await, Some(0));
    }

    migrate_and_demo_are_repeatable(backend) {
        let portal = Portal::new(backend).await.unwrap();
        let migrated = portal.run(&["migrate"]).await;
        assert!(migrated.status.success(), "{}", String::from_utf8_lossy(&migrated.stderr));
        assert!(stdout(&migrated).contains("migrations applied"));
        let demo = portal.run(&["demo"]).await;
        assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
        let text = stdout(&demo);
        assert!(text.contains("Demo data loaded."));
        let again = portal.run(&["demo"]).await;
        assert!(!stdout(&again).contains("Demo data loaded."), "the data set is loaded once");
        let token_of = |login: &str| {
            stdout(&again)
                .lines()
                .find(|line| line.trim_start().starts_with(&format!("{login} ")))
                // The session token: 43 base64url characters (a TOTP secret may follow it).
                .and_then(|line| line.split_whitespace().find(|word| word.len() == 43))
                .unwrap()
                .to_owned()
        };
        let sophie = token_of("sophie");
        let julien = token_of("julien");

        let mut server = portal.serve(&[]).await;
        let contacts = graphql(
            &server.base_url,
            &sophie,
            "{ viewer { company { name contacts { totalCount } } } }",
        )
        .await;
        assert_eq!(contacts["data"]["viewer"]["company"]["name"], "Pièces Auto", "{contacts}");
        assert_eq!(contacts["data"]["viewer"]["company"]["contacts"]["totalCount"], 66);
        // Julien's demo session comes with staged, unapplied role changes to review.
        let staged = graphql(&server.base_url, &julien, "{ stagedRoleChanges { contact { firstName } to { supportRole securityAdministrator } } }").await;
        let names: Vec<&str> = staged["data"]["stagedRoleChanges"].as_array().unwrap().iter()
            .map(|s| s["contact"]["firstName"].as_str().unwrap()).collect();
        assert_eq!(names, ["Camille", "Bastien"], "{staged}");
        // Requests in every submitted state, with their history, for the support to work on.
        let lionel = token_of("lionel");
        for state in ["SUPPORT_ANALYSIS", "CUSTOMER_CLARIFICATION", "WAITING_EXTERNAL", "WAITING_CORRECTION", "SOLUTION_PROPOSED", "CLOSED"] {
            let query = format!("{{ requests(first: 1, filter: {{ states: [{state}] }}) {{ edges {{ node {{ humanId state history(first: 20) {{ edges {{ node {{ action }} }} }} }} }} }} }}");
            let found = graphql(&server.base_url, &lionel, &query).await;
            let node = &found["data"]["requests"]["edges"][0]["node"];
            assert_eq!(node["state"], state, "{found}");
            assert!(node["humanId"].as_str().unwrap().starts_with("SR-"), "{found}");
            let steps = node["history"]["edges"].as_array().unwrap();
            assert_eq!(steps[0]["node"]["action"], "SAVE_DRAFT", "{found}");
            assert_eq!(steps[1]["node"]["action"], "SUBMIT", "{found}");
        }
        // Some customer messages come with a log file, which downloads.
        let mut after = String::new();
        let log = loop {
            let query = format!("{{ requests(first: 40{after}) {{ pageInfo {{ hasNextPage endCursor }} edges {{ node {{ attachments {{ url fileName contentType messageId }} }} }} }} }}");
            let page = graphql(&server.base_url, &lionel, &query).await;
            let found = page["data"]["requests"]["edges"].as_array().unwrap().iter()
                .flat_map(|e| e["node"]["attachments"].as_array().unwrap().clone())
                .find(|a| !a["messageId"].is_null());
            if let Some(found) = found {
                break found;
            }
            assert_eq!(page["data"]["requests"]["pageInfo"]["hasNextPage"], true, "no demo attachment");
            after = format!(", after: {}", page["data"]["requests"]["pageInfo"]["endCursor"]);
        };
        assert_eq!(log["contentType"], "text/plain", "{log}");
        // The URL is built from http.public_url; this server listens on a port of its own.
        let url = log["url"].as_str().unwrap();
        let url = format!("{}{}", server.base_url, &url[url.find("/attachments/").unwrap()..]);
        let body = reqwest::Client::new().get(url).bearer_auth(&lionel).send().await.unwrap().text().await.unwrap();
        assert!(body.contains("certificate chain incomplete"), "{body}");
        server.terminate();
        assert_eq!(server.exit_code().await, Some(0));
    }

    sigterm_finishes_requests_in_flight_closes_websockets_and_exits_0(backend) {
        let portal = Portal::new(backend).await.unwrap();
        let mut server = portal.serve(&["--log-format", "json", "--log-level", "info"]).await;
        let address = server.base_url.trim_start_matches("http://").to_owned();

        // A WebSocket with a running subscription.
        let (mut ws, _) = tokio_tungstenite::connect_async({
            use tokio_tungstenite::tungstenite::client::IntoClientRequest;
            let mut request = format!("ws://{address}/graphql/ws").into_client_request().unwrap();
            request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().unwrap());
            request
        })
        .await
        .unwrap();
        use futures_util::{SinkExt, StreamExt};
        ws.send(tokio_tungstenite::tungstenite::Message::text(r#"{"type":"connection_init"}"#)).await.unwrap();
        ws.next().await.unwrap().unwrap();

        // A request in flight: headers and half the body sent before the signal.
        let body = r#"{"query":"{ __typename }"}"#;
        let mut tcp = tokio::net::TcpStream::connect(&address).await.unwrap();
        let head = format!(
            "POST /graphql HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\nx-request-id: inflight-42\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        tcp.write_all(head.as_bytes()).await.unwrap();
        tcp.write_all(&body.as_bytes()[..10]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;

        server.terminate();
        let close = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                match ws.next().await {
                    Some(Ok(tokio_tungstenite::tungstenite::Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                    Some(Ok(_)) => continue,
                    _ => return None,
                }
            }
        })
        .await
        .unwrap();
        assert_eq!(close, Some(1001));

        tokio::time::sleep(Duration::from_millis(200)).await;
        tcp.write_all(&body.as_bytes()[10..]).await.unwrap();
        let mut response = String::new();
        tcp.read_to_string(&mut response).await.unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(response.contains(r#"{"data":{"__typename":"Query"}}"#), "{response}");

        assert_eq!(server.exit_code().await, Some(0));
        // New connections are refused once it stopped.
        assert!(tokio::net::TcpStream::connect(&address).await.is_err());

        // Logs are JSON lines carrying the request id.
        let logs = server.stderr();
        let lines: Vec<Value> = logs.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"))).collect();
        assert!(lines.iter().any(|l| l.to_string().contains("inflight-42")), "{logs}");
    }
}
