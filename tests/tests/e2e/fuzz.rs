//! The whole schema fuzzed by a third party: schemathesis (GraphQL mode, installed from PyPI in
//! a virtual environment by `scripts/test`) sends generated queries and mutations, valid and
//! invalid, anonymously, as a customer company's administrator and as the platform operator.
//! No answer may be a 5xx, carry an error without a `code` or with INTERNAL_SERVER_ERROR, break
//! the schema it publishes (a null in a non-null field), or take longer than the execution
//! timeout (`tests/fuzz/checks.py`).
//!
//! `TEST_FUZZ_EXAMPLES` (default 15 per operation) and `TEST_FUZZ_SEED` (default fixed, so
//! a CI run is reproducible) let a longer run explore more: `TEST_FUZZ_EXAMPLES=300
//! scripts/test fuzz` sends about 35,000 requests per database.

use std::path::{Path, PathBuf};

use portal_tests::{Person, Role, TestApp, on_both_databases};
use serde_json::{Value, json};
use uuid::Uuid;

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The schemathesis command `scripts/test` installed.
fn fuzzer() -> PathBuf {
    let path = match std::env::var_os("TEST_FUZZER") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(std::env::var_os("HOME").expect("HOME is set"))
            .join(".cache/support-portal/fuzz-venv/bin/schemathesis"),
    };
    assert!(
        path.exists(),
        "{} is missing: scripts/test installs the fuzzer (tests/fuzz/requirements.txt)",
        path.display()
    );
    path
}

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// Values the fuzzer draws strings from half of the time, so that generated arguments reach
/// real companies, contacts and requests instead of being refused as unknown IDs.
fn dictionary(ids: &[String], people: &[&Person]) -> String {
    let mut values: Vec<String> = ids.to_vec();
    for person in people {
        values.push(format!("ct_{}", person.contact_id.simple()));
        values.push(format!("co_{}", person.company_id.simple()));
        values.push(format!("ac_{}", person.account_id.simple()));
        values.push(person.email.clone());
    }
    values.extend(["fr", "en", "SR-2026-000001"].map(String::from));
    format!(
        "[dictionaries.known]\nvalues = {}\n\n[generation.dictionaries]\nstring = {{ dictionary = \"known\", probability = 0.5 }}\n",
        json!(values)
    )
}

/// One fuzzing run: its JSON report, or a failure message with the fuzzer's own account of
/// what it found (it prints a `curl` command reproducing each failure).
async fn fuzz(app: &TestApp, config: &Path, label: &str, token: Option<&str>) -> Value {
    let reports = app.data_dir.path().join(format!("fuzz-{label}"));
    let timeout = app.state.settings().graphql.execution_timeout_ms as f64 / 1000.0;
    let mut command = tokio::process::Command::new(fuzzer());
    command
        .env("SCHEMATHESIS_HOOKS", "checks")
        .env("PYTHONPATH", fuzz_dir())
        .current_dir(app.data_dir.path())
        .arg("--no-color")
        .arg("--config-file")
        .arg(config)
        .arg("run")
        .arg(app.url("/graphql"))
        .args([
            "--checks",
            "answers_without_server_error,response_schema_conformance",
        ])
        .args(["--max-response-time", &timeout.to_string()])
        .args([
            "--max-examples",
            &setting("TEST_FUZZ_EXAMPLES", 15).to_string(),
        ])
        .args(["--seed", &setting("TEST_FUZZ_SEED", 2026).to_string()])
        .args(["--workers", "2"])
        // Ending the session it fuzzes with would leave the rest of the run anonymous.
        .args(["--exclude-name-regex", "(^|\\.)logout(Everywhere)?$"])
        .args(["--report", "json", "--report-dir"])
        .arg(&reports);
    if let Some(token) = token {
        command.args(["--header", &format!("Authorization: Bearer {token}")]);
    }
    let output = command.output().await.expect("the fuzzer runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "fuzzing {label} found failures:\n{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = std::fs::read_dir(&reports)
        .expect("the report directory")
        .filter_map(Result::ok)
        .find(|entry| entry.path().extension().is_some_and(|e| e == "json"))
        .expect("a JSON report");
    let report: Value =
        serde_json::from_slice(&std::fs::read(report.path()).unwrap()).expect("a JSON report");
    assert_eq!(report["failures"], json!([]), "{label}: {stdout}");
    assert_eq!(report["errors"], json!([]), "{label}: {stdout}");
    report
}

/// A submitted request of `who`: its ID.
async fn request_of(app: &TestApp, who: &Person) -> String {
    let saved = app
        .graphql_as(
            Some(&who.token),
            "mutation($i: SaveRequestDraftInput!) { saveRequestDraft(input: $i) { request { id } } }",
            json!({ "i": { "form": {
                "category": "SOFTWARE_USAGE", "kind": "HOW_TO", "urgency": "MEDIUM",
                "title": "Fuzzing target", "description": "A request the fuzzer can reach."
            } } }),
        )
        .await;
    let id = saved.ok()["saveRequestDraft"]["request"]["id"]
        .as_str()
        .expect("a draft")
        .to_owned();
    let submitted = app
        .graphql_as(
            Some(&who.token),
            "mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { request { state } } }",
            json!({ "i": { "requestId": id } }),
        )
        .await;
    assert_eq!(
        submitted.ok()["submitRequest"]["request"]["state"],
        "SUPPORT_ANALYSIS"
    );
    id
}

on_both_databases! {
    async fn the_whole_schema_survives_fuzzing_anonymously_and_as_administrators(app)
        // Past the per-address budget every credential mutation would answer RATE_LIMITED
        // without reaching its resolver.
        with |s: &mut portal_tests::Settings| s.auth.address_limit_per_minute = 1_000_000; {
        let company = app.customer_company("Fuzzed Parts").await;
        let admin = app.person(Role::SecurityAndSupportAdministrator, company.id).await;
        let colleague = app.person(Role::Advanced, company.id).await;
        let operator = app.person(Role::Operator, Uuid::nil()).await;
        let request = request_of(&app, &colleague).await;
        let config = app.data_dir.path().join("fuzz.toml");
        std::fs::write(&config, dictionary(&[request], &[&admin, &colleague, &operator])).unwrap();

        let mut generated = 0;
        for (label, token) in [
            ("anonymous", None),
            ("administrator", Some(admin.token.as_str())),
            ("operator", Some(operator.token.as_str())),
        ] {
            let report = fuzz(&app, &config, label, token).await;
            let operations = &report["operations"];
            // Every operation but the two logouts was fuzzed.
            assert_eq!(operations["tested"], operations["selected"], "{label}: {operations}");
            assert_eq!(operations["selected"].as_u64().unwrap() + 2, operations["total"].as_u64().unwrap());
            generated += report["test_cases"]["generated"].as_u64().unwrap_or(0);
            if token.is_some() {
                // The session was honoured: the fuzzer got data back, not only refusals.
                let starved = report["warnings"]["missing_test_data"].as_array().map_or(0, Vec::len) as u64;
                let answered = operations["tested"].as_u64().unwrap() - starved;
                assert!(answered >= 5, "{label}: {answered} operations answered with data");
            }
        }
        assert!(generated >= 1_000, "{generated} test cases");
    }
}
