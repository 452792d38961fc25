//! The web app: how the server serves it, its unit tests (Vitest, `web/src/**/*.test.ts`), and
//! its own suite (Playwright, `web/tests`) in a real Chromium against `portal serve` with the
//! demo data set, on each database.
//! `scripts/test` installs Debian's chromium and the app's npm packages and builds the app
//! (`scripts/web-build`) before running these.

use std::path::PathBuf;
use std::time::Duration;

use portal_tests::cli::Portal;
use portal_tests::{Backend, spawn_app};

fn web_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web")
}

fn assert_built() {
    assert!(
        web_dir().join("dist/index.html").exists() && web_dir().join("node_modules").exists(),
        "the web app is not built: run `scripts/web-build` first (scripts/test does)"
    );
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_path_opens_the_app_and_its_files_are_cached_by_content() {
    assert_built();
    let app = spawn_app(Backend::Sqlite).await;
    let index = std::fs::read_to_string(web_dir().join("dist/index.html")).unwrap();
    for path in ["/", "/login", "/requests/SR-2026-000123", "/profile?x=1"] {
        let page = app.get(path).await;
        assert_eq!(page.status(), 200, "{path}");
        assert_eq!(header(&page, "content-type"), "text/html; charset=utf-8");
        assert_eq!(header(&page, "cache-control"), "no-cache", "{path}");
        assert!(header(&page, "content-security-policy").contains("frame-ancestors 'none'"));
        assert_eq!(page.text().await.unwrap(), index, "{path}");
    }

    // index.html is revalidated by its ETag; an unchanged app answers 304.
    let page = app.get("/requests/SR-2026-000123").await;
    let etag = header(&page, "etag").to_owned();
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
    let again = app
        .http
        .get(app.url("/"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // The hashed bundles Vite wrote are immutable for a year.
    let script = index
        .split("src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("index.html loads a script");
    assert!(script.starts_with("/assets/"), "{script}");
    let bundle = app.get(script).await;
    assert_eq!(bundle.status(), 200);
    assert_eq!(
        header(&bundle, "content-type"),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        header(&bundle, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    let plain_etag = header(&bundle, "etag").to_owned();
    let plain = bundle.bytes().await.unwrap();
    // Gzipped for clients that accept it (once per process), as its own representation.
    let gzipped = app
        .http
        .get(app.url(script))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&gzipped, "content-encoding"), "gzip");
    assert_eq!(header(&gzipped, "vary"), "accept-encoding");
    assert_ne!(header(&gzipped, "etag"), plain_etag);
    assert!(header(&gzipped, "etag").ends_with("-gz\""));
    let body = gzipped.bytes().await.unwrap();
    assert_eq!(&body[..2], &[0x1f, 0x8b], "a gzip stream");
    assert!(
        body.len() * 2 < plain.len(),
        "{} → {}",
        plain.len(),
        body.len()
    );
    let refused = app
        .http
        .get(app.url(script))
        .header("accept-encoding", "gzip;q=0")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&refused, "content-encoding"), "");
    assert_eq!(refused.bytes().await.unwrap(), plain);

    // A missing file is a 404, not the app; other methods are not pages; the API is untouched.
    // GraphiQL is served from the app's own bundles at GET /graphql, not as a file.
    let graphiql = app
        .http
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    let html = graphiql.text().await.unwrap();
    assert!(
        html.contains("GraphiQL") && html.contains("src=\"/assets/"),
        "{html}"
    );
    assert!(!html.contains("https://"), "no CDN: {html}");
    for path in [
        "/assets/missing-1234.js",
        "/favicon-missing.png",
        "/graphiql.html",
    ] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
    }
    // No path climbs out of web/dist (sent raw: HTTP clients would resolve the dots).
    for path in [
        "/assets/../../Cargo.toml",
        "/../README.md",
        "/assets/..%2F..%2FCargo.toml",
    ] {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        let status = answer.lines().next().unwrap_or_default().to_owned();
        assert!(
            status.contains(" 404 ") || status.contains(" 400 "),
            "{path}: {status}"
        );
    }
    let post = app.http.post(app.url("/requests")).send().await.unwrap();
    assert_eq!(post.status(), 404);
    assert_eq!(app.get("/healthz").await.text().await.unwrap(), "ok");
    let api = app.graphql("{ __typename }").await;
    assert_eq!(api.ok()["__typename"], "Query");
}

#[test]
fn the_web_app_s_unit_tests_pass() {
    assert_built();
    let output = std::process::Command::new("npm")
        .args(["run", "--silent", "test:unit"])
        .current_dir(web_dir())
        .output()
        .expect("npm runs");
    assert!(
        output.status.success(),
        "the web app's unit tests (Vitest) failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn every_error_code_and_input_problem_has_a_plain_message_in_both_languages() {
    use portal_api::error::InputReason;
    use portal_api::execution::ErrorCode;
    for language in ["en", "fr"] {
        let path = web_dir().join(format!("src/i18n/{language}.json"));
        let catalogue: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let missing: Vec<String> = ErrorCode::ALL
            .iter()
            .map(|code| format!("errors.{}", code.as_str()))
            .chain(
                InputReason::ALL
                    .iter()
                    .map(|r| format!("problems.{}", r.as_str())),
            )
            .filter(|key| {
                let (group, name) = key.split_once('.').unwrap();
                catalogue[group][name]
                    .as_str()
                    .is_none_or(|text| text.trim().is_empty())
            })
            .collect();
        assert!(missing.is_empty(), "{language}.json lacks {missing:?}");
    }
}

portal_tests::on_both_backends! {
    the_web_app_passes_its_browser_suite(backend) {
        assert_built();
        let portal = Portal::new(backend).await.unwrap();
        let demo = portal.run(&["demo"]).await;
        assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
        let mut server = portal.serve(&[]).await;
        let run = tokio::process::Command::new("npx")
            .args(["--no-install", "playwright", "test"])
            .env("PORTAL_URL", &server.base_url)
            // Screenshots of the key screens and failure artifacts, per database.
            .env("PLAYWRIGHT_OUTPUT_DIR", format!("test-results/{backend:?}").to_lowercase())
            // Mails are written there (no SMTP server configured): the set-up and reset links.
            .env("PORTAL_MAIL_DIR", portal.data_dir.path().join("mail"))
            .current_dir(web_dir())
            .kill_on_drop(true)
            .output();
        let output = tokio::time::timeout(Duration::from_secs(600), run)
            .await
            .expect("the browser suite finished within 10 minutes")
            .expect("npx runs");
        assert!(
            output.status.success(),
            "the browser suite failed:\n{}{}\nserver log:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            server.stderr()
        );
        server.terminate();
        assert_eq!(server.exit_code().await, Some(0));
    }
}
