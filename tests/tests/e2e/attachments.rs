//! Attachments (issue 5): GraphQL multipart uploads to drafts, messages and lifecycle actions,
//! the size limit, names and types, downloads only through a visible request, and no file left
//! behind by anything refused.

use portal_tests::{
    Gql, MULTIPART_TYPE, MultipartPart, Person, Role, TestApp, encode_multipart, multipart_body,
    on_both_databases,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

const SAVE: &str =
    "mutation($i: SaveRequestDraftInput!) { saveRequestDraft(input: $i) { request { id } } }";
const SUBMIT: &str =
    "mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { request { state } } }";
const ATTACH: &str = "mutation($i: AddDraftAttachmentsInput!) { addDraftAttachments(input: $i) { request { id } attachments { id fileName contentType sizeBytes sha256 url messageId uploadedBy { id } } } }";
const REMOVE: &str = "mutation($i: RemoveDraftAttachmentInput!) { removeDraftAttachment(input: $i) { request { attachments { id } } } }";
const MESSAGE: &str = "mutation($i: AddRequestMessageInput!) { addRequestMessage(input: $i) { message { id attachments { id fileName } } } }";
const ACT: &str =
    "mutation($i: TransitionRequestInput!) { transitionRequest(input: $i) { request { state } } }";
const READ: &str = "query($id: ID) { request(id: $id) { attachments { id fileName messageId } messages(first: 20) { edges { node { id body attachments { id fileName contentType } } } } } }";

/// A PNG signature and header: the server must call it `image/png` whatever the client says.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn form() -> Value {
    json!({ "category": "SOFTWARE_USAGE", "kind": "ISSUE", "urgency": "HIGH",
            "title": "Signature fails", "description": "The DocuSign envelope is refused." })
}

async fn draft(app: &TestApp, who: &Person) -> String {
    let saved = app
        .graphql_as(Some(&who.token), SAVE, json!({ "i": { "form": form() } }))
        .await;
    saved.ok()["saveRequestDraft"]["request"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn attach(app: &TestApp, who: &Person, request: &str, files: &[(&str, &[u8])]) -> Gql {
    let nulls: Vec<Value> = files.iter().map(|_| Value::Null).collect();
    let paths: Vec<String> = (0..files.len())
        .map(|n| format!("variables.i.files.{n}"))
        .collect();
    let with_paths: Vec<(&str, &str, &[u8])> = files
        .iter()
        .zip(&paths)
        .map(|((name, bytes), path)| (path.as_str(), *name, *bytes))
        .collect();
    app.upload_as(
        Some(&who.token),
        ATTACH,
        json!({ "i": { "requestId": request, "files": nulls } }),
        &with_paths,
    )
    .await
}

/// Every file in the attachment storage.
fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&app.data_dir.path().join("attachments"), &mut files);
    files
}

fn path_of(url: &str) -> String {
    let at = url.find("/attachments/").unwrap();
    url[at..].to_owned()
}

/// Status, headers of interest and body of a download.
async fn download(
    app: &TestApp,
    who: Option<&Person>,
    path: &str,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let response = app.get_as(who.map(|p| p.token.as_str()), path).await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.unwrap().to_vec();
    (status, headers, body)
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

on_both_databases! {
    async fn files_go_with_drafts_messages_and_actions_and_only_people_who_see_the_request_download_them(app) {
        let company = app.customer_company("Pièces Auto").await;
        let bastien = app.person(Role::Restricted, company.id).await;
        let colleague = app.person(Role::Restricted, company.id).await;
        let team = app.person(Role::Advanced, company.id).await;
        let lionel = app.person(Role::Agent, Uuid::nil()).await;
        let operator = app.person(Role::Operator, Uuid::nil()).await;
        let elsewhere = app.customer_company("Autre SA").await;
        let stranger = app.person(Role::SecurityAndSupportAdministrator, elsewhere.id).await;

        let id = draft(&app, &bastien).await;
        let log = "2026-11-21 10:02 ERROR envelope refused\n".repeat(50);
        let attached = attach(&app, &bastien, &id, &[
            ("C:\\Users\\bastien\\capture\u{202e}gnp.exe", PNG),
            ("journal.log", log.as_bytes()),
        ]).await;
        let files = attached.ok()["addDraftAttachments"]["attachments"].as_array().unwrap().clone();
        assert_eq!(files.len(), 2);
        assert_eq!(files[0]["fileName"], "capturegnp.exe");
        assert_eq!(files[0]["contentType"], "image/png");
        assert_eq!(files[0]["sizeBytes"], PNG.len());
        assert_eq!(files[0]["sha256"], hex_sha256(PNG));
        assert_eq!(files[0]["messageId"], Value::Null);
        assert_eq!(files[0]["uploadedBy"]["id"], format!("ct_{}", bastien.contact_id.simple()));
        assert_eq!(files[1]["fileName"], "journal.log");
        assert_eq!(files[1]["contentType"], "text/plain");
        assert_eq!(stored_files(&app).len(), 2);
        let png_path = path_of(files[0]["url"].as_str().unwrap());
        let log_path = path_of(files[1]["url"].as_str().unwrap());

        // The author downloads the bytes as they were sent, never to be run by the browser.
        let (status, headers, body) = download(&app, Some(&bastien), &png_path).await;
        assert_eq!(status, 200);
        assert_eq!(body, PNG);
        assert_eq!(headers["content-type"], "image/png");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(headers["content-security-policy"].to_str().unwrap().starts_with("sandbox"));
        assert_eq!(headers["cache-control"], "private, no-store");
        let (_, headers, body) = download(&app, Some(&bastien), &log_path).await;
        assert_eq!(body, log.as_bytes());
        assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
        assert_eq!(headers["content-disposition"], "inline; filename=\"journal.log\"; filename*=UTF-8''journal.log");

        // Nobody else sees a draft: they get exactly what an unknown attachment gets.
        let unknown = format!("/attachments/ra_{}", Uuid::now_v7().simple());
        let (status, _, unknown_body) = download(&app, Some(&lionel), &unknown).await;
        assert_eq!(status, 404);
        let unknown_json: Value = serde_json::from_slice(&unknown_body).unwrap();
        assert_eq!(unknown_json["errors"][0]["extensions"]["code"], "NOT_FOUND");
        for who in [&lionel, &team, &colleague, &stranger] {
            let (status, _, body) = download(&app, Some(who), &png_path).await;
            assert_eq!((status, body.as_slice()), (404, unknown_body.as_slice()));
        }

        // The author takes a file off the draft: row and bytes are gone.
        let log_id = files[1]["id"].as_str().unwrap();
        let removed = app.graphql_as(Some(&bastien.token), REMOVE, json!({ "i": { "attachmentId": log_id } })).await;
        assert_eq!(removed.ok()["removeDraftAttachment"]["request"]["attachments"].as_array().unwrap().len(), 1);
        assert_eq!(download(&app, Some(&bastien), &log_path).await.0, 404);
        assert_eq!(stored_files(&app).len(), 1);

        // Submitted: the support and the team see it; other contacts and companies do not.
        let submitted = app.graphql_as(Some(&bastien.token), SUBMIT, json!({ "i": { "requestId": id } })).await;
        assert_eq!(submitted.ok()["submitRequest"]["request"]["state"], "SUPPORT_ANALYSIS");
        for who in [&lionel, &team, &bastien] {
            let (status, _, body) = download(&app, Some(who), &png_path).await;
            assert_eq!((status, body.as_slice()), (200, PNG));
        }
        for who in [&colleague, &stranger] {
            let (status, _, body) = download(&app, Some(who), &png_path).await;
            assert_eq!((status, body.as_slice()), (404, unknown_body.as_slice()));
        }
        assert_eq!(download(&app, None, &png_path).await.0, 401);
        assert_eq!(download(&app, Some(&operator), &png_path).await.0, 403);

        // HEAD tells the size without the bytes.
        let head = app.http.head(app.url(&png_path)).bearer_auth(&lionel.token).send().await.unwrap();
        assert_eq!(head.status(), 200);
        assert_eq!(head.headers()["content-length"], PNG.len().to_string().as_str());
        assert!(head.bytes().await.unwrap().is_empty());

        // A submitted request's attachments are its record: none added or removed outside
        // messages, and a refused upload leaves no file.
        let refused = attach(&app, &bastien, &id, &[("late.txt", b"late")]).await;
        assert_eq!(refused.codes(), vec!["ACTION_NOT_ALLOWED"]);
        let png_id = files[0]["id"].as_str().unwrap();
        let refused = app.graphql_as(Some(&bastien.token), REMOVE, json!({ "i": { "attachmentId": png_id } })).await;
        assert_eq!(refused.codes(), vec!["ACTION_NOT_ALLOWED"]);
        assert_eq!(stored_files(&app).len(), 1);

        // Lionel asks a question with a screenshot; Bastien answers with a log.
        let question = app.upload_as(
            Some(&lionel.token),
            ACT,
            json!({ "i": { "requestId": id, "action": "REQUEST_CLARIFICATION", "text": "Is this the error you see?", "attachments": [null] } }),
            &[("variables.i.attachments.0", "expected.png", PNG)],
        ).await;
        assert_eq!(question.ok()["transitionRequest"]["request"]["state"], "CUSTOMER_CLARIFICATION");
        let answer = app.upload_as(
            Some(&bastien.token),
            MESSAGE,
            json!({ "i": { "requestId": id, "body": "Here is the full log.", "attachments": [null, null] } }),
            &[("variables.i.attachments.0", "full.log", b"line 1\nline 2\n"), ("variables.i.attachments.1", "more.bin", b"\0\x01\x02\x03")],
        ).await;
        let message = &answer.ok()["addRequestMessage"]["message"];
        assert_eq!(message["attachments"][0]["fileName"], "full.log");
        assert_eq!(message["attachments"][1]["fileName"], "more.bin");

        // Files go with a text; an action without one refuses them and keeps none.
        let textless = app.upload_as(
            Some(&bastien.token),
            ACT,
            json!({ "i": { "requestId": id, "action": "CLARIFY", "attachments": [null] } }),
            &[("variables.i.attachments.0", "alone.png", PNG)],
        ).await;
        assert_eq!(textless.codes(), vec!["BAD_USER_INPUT"]);
        assert_eq!(textless.body["errors"][0]["extensions"]["field"], "text");
        // A retried message (same idempotency key) returns the first one and keeps no new file.
        let keyed = json!({ "i": { "requestId": id, "body": "Screenshot attached", "idempotencyKey": "retry-me-0001", "attachments": [null] } });
        for _ in 0..2 {
            let sent = app.upload_as(Some(&bastien.token), MESSAGE, keyed.clone(), &[("variables.i.attachments.0", "retry.png", PNG)]).await;
            assert_eq!(sent.ok()["addRequestMessage"]["message"]["attachments"][0]["fileName"], "retry.png");
        }
        assert_eq!(stored_files(&app).len(), 5);

        let request = app.graphql_as(Some(&lionel.token), READ, json!({ "id": id })).await.ok()["request"].clone();
        let names: Vec<&str> = request["attachments"].as_array().unwrap().iter().map(|a| a["fileName"].as_str().unwrap()).collect();
        assert_eq!(names, ["capturegnp.exe", "expected.png", "full.log", "more.bin", "retry.png"]);
        let messages = request["messages"]["edges"].as_array().unwrap();
        let with_files: Vec<(&str, usize)> = messages
            .iter()
            .map(|e| (e["node"]["body"].as_str().unwrap(), e["node"]["attachments"].as_array().unwrap().len()))
            .collect();
        assert_eq!(with_files, [("Is this the error you see?", 1), ("Here is the full log.", 2), ("Screenshot attached", 1)]);
        assert_eq!(messages[1]["node"]["attachments"][1]["contentType"], "application/octet-stream");
        assert_eq!(request["attachments"][1]["messageId"], messages[0]["node"]["id"]);
        assert_eq!(stored_files(&app).len(), 5);

        // The same request seen by another company: no attachment, no file.
        let other = app.graphql_as(Some(&stranger.token), READ, json!({ "id": id })).await;
        assert_eq!(other.ok()["request"], Value::Null);
    }

    async fn an_oversized_file_is_refused_with_the_limit_and_nothing_is_kept(app) with |s: &mut portal_tests::Settings| { s.requests.max_attachment_bytes = 64 * 1024; }; {
        let company = app.customer_company("Pièces Auto").await;
        let bastien = app.person(Role::Restricted, company.id).await;
        let id = draft(&app, &bastien).await;
        let exactly = vec![b'a'; 64 * 1024];
        let over = vec![b'b'; 64 * 1024 + 1];
        let refused = attach(&app, &bastien, &id, &[("fits.txt", &exactly), ("dump.txt", &over)]).await;
        assert_eq!(refused.status, 413);
        assert_eq!(refused.codes(), vec!["ATTACHMENT_TOO_LARGE"]);
        let extensions = &refused.body["errors"][0]["extensions"];
        assert_eq!(extensions["fileName"], "dump.txt");
        assert_eq!(extensions["maxBytes"], 64 * 1024);
        assert_eq!(extensions["field"], "1");
        assert_eq!(refused.body.get("data"), None);
        assert!(stored_files(&app).is_empty(), "{:?}", stored_files(&app));

        // A much larger file (within the request's whole-body limit) is answered the same way,
        // not with a connection closed while the client sends.
        let huge = vec![b'c'; 2 * 1024 * 1024];
        let refused = attach(&app, &bastien, &id, &[("huge.bin", &huge)]).await;
        assert_eq!(refused.codes(), vec!["ATTACHMENT_TOO_LARGE"]);

        let read = app.graphql_as(Some(&bastien.token), READ, json!({ "id": id })).await;
        assert_eq!(read.ok()["request"]["attachments"], json!([]));
        let accepted = attach(&app, &bastien, &id, &[("fits.txt", &exactly)]).await;
        assert_eq!(accepted.ok()["addDraftAttachments"]["attachments"][0]["sizeBytes"], 64 * 1024);
        assert_eq!(stored_files(&app).len(), 1);
    }

    async fn the_hourly_sweep_deletes_day_old_files_that_no_attachment_names(app) {
        let company = app.customer_company("Pièces Auto").await;
        let bastien = app.person(Role::Restricted, company.id).await;
        let id = draft(&app, &bastien).await;
        let kept = attach(&app, &bastien, &id, &[("kept.png", PNG)]).await;
        let kept_path = path_of(kept.ok()["addDraftAttachments"]["attachments"][0]["url"].as_str().unwrap());
        // What a client that went away mid-operation leaves: a file no row names.
        let deps = app.state.deps();
        deps.files.put_bytes(chrono::Utc::now(), "orphan.txt", b"left behind".to_vec().into()).await.unwrap();
        assert_eq!(stored_files(&app).len(), 2);

        let sweep = portal_api::requests::attachments::sweep_orphans;
        assert_eq!(sweep(deps, chrono::Utc::now()).await.unwrap(), 0, "younger than a day");
        assert_eq!(stored_files(&app).len(), 2);
        let tomorrow = chrono::Utc::now() + chrono::Duration::hours(25);
        assert_eq!(sweep(deps, tomorrow).await.unwrap(), 1);
        assert_eq!(stored_files(&app).len(), 1);
        assert_eq!(download(&app, Some(&bastien), &kept_path).await.2, PNG);
        assert_eq!(sweep(deps, tomorrow).await.unwrap(), 0);
    }

    async fn uploads_need_the_preflight_header_a_session_and_a_well_formed_body(app) {
        let company = app.customer_company("Pièces Auto").await;
        let bastien = app.person(Role::Restricted, company.id).await;
        let id = draft(&app, &bastien).await;
        let variables = json!({ "i": { "requestId": id, "files": [null] } });
        let body = || multipart_body(ATTACH, variables.clone(), &[("variables.i.files.0", "a.txt", b"hello")]);
        let bearer = format!("Bearer {}", bastien.token);

        // A plain HTML form can post multipart across sites, but cannot add this header.
        let response = app.post_multipart(&[("authorization", &bearer)], body()).await;
        let answer = TestApp::read(response).await;
        assert_eq!((answer.status, answer.codes()), (400, vec!["PREFLIGHT_HEADER_REQUIRED".to_owned()]));
        // Files are refused before they are read without a session.
        let response = app.post_multipart(&[("graphql-require-preflight", "1")], body()).await;
        let answer = TestApp::read(response).await;
        assert_eq!((answer.status, answer.codes()), (401, vec!["UNAUTHENTICATED".to_owned()]));
        // Nor from people who do not work on requests.
        let operator = app.person(Role::Operator, Uuid::nil()).await;
        let operator_bearer = format!("Bearer {}", operator.token);
        let response = app.post_multipart(&[("graphql-require-preflight", "1"), ("authorization", &operator_bearer)], body()).await;
        let answer = TestApp::read(response).await;
        assert_eq!((answer.status, answer.codes()), (403, vec!["FORBIDDEN".to_owned()]));
        assert!(stored_files(&app).is_empty());
        // Apollo clients' header works too.
        let response = app.post_multipart(&[("apollo-require-preflight", "true"), ("authorization", &bearer)], body()).await;
        let answer = TestApp::read(response).await;
        assert_eq!(answer.ok()["addDraftAttachments"]["attachments"][0]["fileName"], "a.txt");
        assert_eq!(stored_files(&app).len(), 1);

        let headers = [("graphql-require-preflight", "1"), ("authorization", bearer.as_str())];
        let operations = json!({ "query": ATTACH, "variables": variables }).to_string();
        let malformed: Vec<(&str, Vec<MultipartPart>)> = vec![
            ("map first", vec![MultipartPart::field("map", b"{\"0\":[\"variables.i.files.0\"]}"), MultipartPart::field("operations", operations.as_bytes())]),
            ("map to a non-null variable", vec![MultipartPart::field("operations", operations.as_bytes()), MultipartPart::field("map", b"{\"0\":[\"variables.i.requestId\"]}"), MultipartPart::file("0", "a.txt", b"x")]),
            ("file not in map", vec![MultipartPart::field("operations", operations.as_bytes()), MultipartPart::field("map", b"{\"0\":[\"variables.i.files.0\"]}"), MultipartPart::file("7", "a.txt", b"x")]),
            ("file in map not sent", vec![MultipartPart::field("operations", operations.as_bytes()), MultipartPart::field("map", b"{\"0\":[\"variables.i.files.0\"]}")]),
            ("operations not JSON", vec![MultipartPart::field("operations", b"{nope"), MultipartPart::field("map", b"{}")]),
        ];
        for (case, parts) in malformed {
            let answer = TestApp::read(app.post_multipart(&headers, encode_multipart(&parts)).await).await;
            assert!(answer.status == 400 || answer.status == 422, "{case}: {}", answer.status);
            assert_eq!(answer.body.get("data"), None, "{case}");
            assert_eq!(stored_files(&app).len(), 1, "{case}");
        }
        let eleven: Vec<String> = (0..11).map(|n| format!("variables.i.files.{n}")).collect();
        let files: Vec<(&str, &str, &[u8])> = eleven.iter().map(|p| (p.as_str(), "f.txt", b"x".as_slice())).collect();
        let too_many = app.upload_as(Some(&bastien.token), ATTACH, json!({ "i": { "requestId": id, "files": vec![Value::Null; 11] } }), &files).await;
        assert_eq!(too_many.status, 413);
        assert_eq!(stored_files(&app).len(), 1);

        // A JSON request cannot name a file, even with the placeholder the transport uses.
        let forged = app.graphql_as(Some(&bastien.token), ATTACH, json!({ "i": { "requestId": id, "files": ["upload:0"] } })).await;
        assert_eq!(forged.codes(), vec!["BAD_USER_INPUT"]);
        // One file is never recorded twice, even when the map puts it in two places.
        let twice = encode_multipart(&[
            MultipartPart::field("operations", json!({ "query": ATTACH, "variables": { "i": { "requestId": id, "files": [null, null] } } }).to_string().as_bytes()),
            MultipartPart::field("map", b"{\"0\":[\"variables.i.files.0\",\"variables.i.files.1\"]}"),
            MultipartPart::file("0", "twice.txt", b"x"),
        ]);
        let answer = TestApp::read(app.post_multipart(&headers, twice).await).await;
        assert_eq!(answer.codes(), vec!["BAD_USER_INPUT"]);
        // A mutation refused after the files arrived (another person's draft) keeps none.
        let other = app.person(Role::Restricted, company.id).await;
        let not_theirs = attach(&app, &other, &id, &[("b.txt", b"b")]).await;
        assert_eq!(not_theirs.codes(), vec!["NOT_FOUND"]);
        assert_eq!(stored_files(&app).len(), 1);
        assert_eq!(MULTIPART_TYPE.split(';').next(), Some("multipart/form-data"));
    }
}

/// The S3 option against a real S3-compatible server: a file of two parts (S3 parts are 5 MiB)
/// goes up and comes back whole, an oversized one leaves nothing, removal deletes the object,
/// and the local directory stays unused.
async fn attachments_live_in_an_s3_bucket_when_configured(backend: portal_tests::Backend) {
    use portal_api::config::{S3Settings, Secret};
    use portal_tests::s3::{ACCESS_KEY, BUCKET, S3Server};

    let s3 = S3Server::start().await;
    let endpoint = s3.endpoint.clone();
    let Some(app) = portal_tests::spawn_app_with(backend, move |settings| {
        settings.requests.max_attachment_bytes = 8 * 1024 * 1024;
        settings.storage.s3 = Some(S3Settings {
            bucket: BUCKET.into(),
            region: "us-east-1".into(),
            endpoint: Some(endpoint),
            access_key_id: Some(ACCESS_KEY.into()),
            secret_access_key: Some(Secret::new(ACCESS_KEY)),
            allow_http: true,
            prefix: "portal-test".into(),
        });
    })
    .await
    else {
        return;
    };
    let files = &app.state.deps().files;
    let company = app.customer_company("Pièces Auto").await;
    let bastien = app.person(Role::Restricted, company.id).await;
    let id = draft(&app, &bastien).await;

    let big: Vec<u8> = (0..(5 * 1024 * 1024 + 300_000))
        .map(|i| (i % 251) as u8)
        .collect();
    let attached = attach(
        &app,
        &bastien,
        &id,
        &[("export.bin", &big), ("shot.png", PNG)],
    )
    .await;
    let rows = attached.ok()["addDraftAttachments"]["attachments"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(rows[0]["sizeBytes"], big.len());
    assert_eq!(rows[0]["sha256"], hex_sha256(&big));
    assert_eq!(rows[1]["contentType"], "image/png");
    let keys = files.keys().await.unwrap();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(stored_files(&app).is_empty());

    let (status, _, body) = download(
        &app,
        Some(&bastien),
        &path_of(rows[0]["url"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        body == big,
        "the downloaded file differs ({} bytes)",
        body.len()
    );

    let over = vec![b'z'; 8 * 1024 * 1024 + 1];
    let refused = attach(&app, &bastien, &id, &[("over.bin", &over)]).await;
    assert_eq!(refused.codes(), vec!["ATTACHMENT_TOO_LARGE"]);
    assert_eq!(files.keys().await.unwrap().len(), 2);

    let removed = app
        .graphql_as(
            Some(&bastien.token),
            REMOVE,
            json!({ "i": { "attachmentId": rows[1]["id"] } }),
        )
        .await;
    assert_eq!(
        removed.ok()["removeDraftAttachment"]["request"]["attachments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(files.keys().await.unwrap().len(), 1);
}

mod s3_storage {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::attachments_live_in_an_s3_bucket_when_configured(portal_tests::Backend::Sqlite)
            .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::attachments_live_in_an_s3_bucket_when_configured(portal_tests::Backend::Postgres)
            .await;
    }
}
