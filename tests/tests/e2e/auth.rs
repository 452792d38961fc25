//! Accounts, login with a second factor, sessions, password reset and mail (issue 3).

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use portal_api::clock::Clock as _;
use portal_api::config::{Secret as ConfigSecret, SmtpTls};
use portal_api::domain::Language;
use portal_tests::smtp::test_ca_file;
use portal_tests::{Gql, Role, TestApp, on_both_databases};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use totp_rs::{Algorithm, Builder, Secret};

const PASSWORD: &str = "orange piano quietly jumps";
const NEW_PASSWORD: &str = "violet harbour sings loudly";

const LOGIN: &str = "mutation($i: LoginInput!) { login(input: $i) { status sessionToken challenge challengeExpiresAt } }";
const COMPLETE: &str =
    "mutation($i: CompleteLoginInput!) { completeLogin(input: $i) { sessionToken } }";
const VIEWER: &str =
    "{ viewer { twoFactor twoFactorEnabled recoveryCodesLeft account { email state } } }";

async fn login(app: &TestApp, login: &str, password: &str) -> Gql {
    app.graphql_as(
        None,
        LOGIN,
        json!({ "i": { "login": login, "password": password } }),
    )
    .await
}

async fn complete(app: &TestApp, challenge: &str, factor: Value) -> Gql {
    let mut input = factor;
    input["challenge"] = json!(challenge);
    app.graphql_as(None, COMPLETE, json!({ "i": input })).await
}

fn token_of(gql: &Gql) -> String {
    let data = gql.ok();
    data["login"]["sessionToken"]
        .as_str()
        .or(data["completeLogin"]["sessionToken"].as_str())
        .unwrap_or_else(|| panic!("no session token: {:#}", gql.body))
        .to_owned()
}

async fn viewer(app: &TestApp, token: &str) -> Value {
    app.graphql_as(Some(token), VIEWER, Value::Null).await.ok()["viewer"].clone()
}

/// The code of a base32 secret for the time step containing `at`.
fn code(secret: &str, at: DateTime<Utc>) -> String {
    let totp = Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(30)
        .with_secret(Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap();
    totp.generate(at.timestamp() as u64).to_string()
}

/// Enrolls TOTP for the session's account (whose password is `PASSWORD`); returns the secret,
/// the recovery codes and the token of the session that replaces the caller's.
async fn enroll(app: &TestApp, token: &str) -> (String, Vec<String>, String) {
    let begun = app
        .graphql_as(
            Some(token),
            "mutation($i: BeginTwoFactorEnrollmentInput!) { beginTwoFactorEnrollment(input: $i) { enrollment { secret otpauthUri qrCodeSvg } problems { field reason } } }",
            json!({ "i": { "currentPassword": PASSWORD } }),
        )
        .await;
    let enrollment = &begun.ok()["beginTwoFactorEnrollment"]["enrollment"];
    let secret = enrollment["secret"].as_str().unwrap().to_owned();
    assert!(
        enrollment["otpauthUri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/")
    );
    assert!(enrollment["qrCodeSvg"].as_str().unwrap().contains("<svg"));
    let confirmed = app
        .graphql_as(
            Some(token),
            "mutation($i: ConfirmTwoFactorInput!) { confirmTwoFactor(input: $i) { recoveryCodes sessionToken problems { field reason } } }",
            json!({ "i": { "code": code(&secret, app.clock.now()) } }),
        )
        .await;
    let codes: Vec<String> = confirmed.ok()["confirmTwoFactor"]["recoveryCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    let session = confirmed.ok()["confirmTwoFactor"]["sessionToken"]
        .as_str()
        .unwrap()
        .to_owned();
    (secret, codes, session)
}

/// Moves the clock to the start of a fresh 30-second step, so tests can name steps exactly.
fn align(app: &TestApp) {
    let now = app.clock.now().timestamp();
    let next = (now / 30 + 1) * 30;
    app.clock.set(DateTime::from_timestamp(next, 0).unwrap());
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let db = app.state.deps().db.writer();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// `portal_password_checks_total` from `/metrics`.
async fn password_checks(app: &TestApp) -> u64 {
    let text = app.get("/metrics").await.text().await.unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix("portal_password_checks_total "))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or_else(|| panic!("no password check counter in {text}"))
}

/// Waits (up to 5 s) until `sql` counts `expected`; the last count.
async fn eventually(app: &TestApp, sql: &str, expected: i64) -> i64 {
    let mut last = -1;
    for _ in 0..50 {
        last = count(app, sql).await;
        if last == expected {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    last
}

on_both_databases! {
    async fn the_welcome_link_sets_a_strong_password_once_and_then_login_works(app) {
        app.invite("zoe@client.example", "Zoé Martin", Language::Fr).await;
        let mail = app.smtp.wait_for("zoe@client.example", 1).await.remove(0);
        assert_eq!(mail.header("Subject").as_deref(), Some("Votre compte sur le portail support"), "French for a French account");
        assert!(mail.text().starts_with("Bonjour Zoé Martin"), "{}", mail.text());
        let message_id = mail.header("Message-ID").unwrap();
        assert!(message_id.ends_with("@localhost>"), "{message_id}");
        let link = mail.link("http://localhost:8080/account/setup#token=").unwrap();
        let token = mail.link_token("http://localhost:8080/account/setup").unwrap();
        assert!(token.len() >= 43, "at least 256 bits: {link}");
        // Following the link opens the web app, whose page asks for the password (the browser
        // suite fills it in); the token stays in the fragment and out of every Referer.
        let page = app.get("/account/setup").await;
        assert_eq!(page.status(), 200);
        assert_eq!(page.headers()["referrer-policy"], "no-referrer");
        assert!(page.text().await.unwrap().contains("<div id=\"root\">"));

        let activate = "mutation($i: LinkPasswordInput!) { activateAccount(input: $i) { done problems { field reason } } }";
        for (weak, reason) in [("short", "TOO_SHORT"), ("password1234", "TOO_GUESSABLE"), ("zoe@client.example", "TOO_GUESSABLE")] {
            let refused = app.graphql_as(None, activate, json!({ "i": { "token": token, "password": weak } })).await;
            assert_eq!(refused.ok()["activateAccount"]["problems"][0]["reason"], reason, "{weak}");
        }
        assert_eq!(login(&app, "zoe@client.example", "password1234").await.codes(), ["INVALID_CREDENTIALS"]);
        let done = app.graphql_as(None, activate, json!({ "i": { "token": token, "password": PASSWORD } })).await;
        assert_eq!(done.ok()["activateAccount"]["done"], true);
        let again = app.graphql_as(None, activate, json!({ "i": { "token": token, "password": NEW_PASSWORD } })).await;
        assert_eq!(again.ok()["activateAccount"]["problems"][0]["reason"], "INVALID_OR_EXPIRED");
        assert!(!mail.raw.contains(PASSWORD), "no mail ever contains a password");

        let signed_in = login(&app, "zoe@client.example", PASSWORD).await;
        assert_eq!(signed_in.ok()["login"]["status"], "SIGNED_IN");
        let token = token_of(&signed_in);
        assert_eq!(viewer(&app, &token).await["account"]["state"], "ACTIVE");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_events WHERE action = 'ACCOUNT_ACTIVATED'").await, 1);
    }

    async fn set_up_links_expire_after_72_hours(app) {
        app.invite("late@client.example", "Late Comer", Language::En).await;
        let mail = app.smtp.wait_for("late@client.example", 1).await.remove(0);
        assert!(mail.text().contains("valid for 72 hours"));
        let token = mail.link_token("http://localhost:8080/account/setup").unwrap();
        app.clock.advance(Duration::hours(72));
        let answer = app.graphql_as(None, "mutation($i: LinkPasswordInput!) { activateAccount(input: $i) { done problems { reason } } }",
            json!({ "i": { "token": token, "password": PASSWORD } })).await;
        assert_eq!(answer.ok()["activateAccount"]["problems"][0]["reason"], "INVALID_OR_EXPIRED");
    }

    async fn a_failed_login_takes_the_same_time_whether_the_login_exists_or_not(app)
        with |s: &mut portal_tests::Settings| s.auth.answer_floor_ms = 400; {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        let timed = |login_name: String, password: &'static str| {
            let app = &app;
            async move {
                let started = std::time::Instant::now();
                let answer = login(app, &login_name, password).await;
                (started.elapsed(), answer)
            }
        };
        let (unknown, unknown_answer) = timed("nobody@client.example".into(), PASSWORD).await;
        let (wrong, wrong_answer) = timed(person.email.clone(), "not the password at all").await;
        assert_eq!(unknown_answer.body, wrong_answer.body);
        for (what, took) in [("unknown login", unknown), ("wrong password", wrong)] {
            assert!(took >= StdDuration::from_millis(400), "{what} answered after {took:?}");
        }
        let (right, answer) = timed(person.email.clone(), PASSWORD).await;
        token_of(&answer);
        assert!(right < StdDuration::from_millis(400), "a success is not held back: {right:?}");
        let reset = "mutation($i: RequestPasswordResetInput!) { requestPasswordReset(input: $i) { accepted } }";
        for address in [person.email.as_str(), "nobody@client.example"] {
            let started = std::time::Instant::now();
            let answer = app.graphql_as(None, reset, json!({ "i": { "address": address } })).await;
            assert_eq!(answer.ok()["requestPasswordReset"]["accepted"], true);
            assert!(started.elapsed() >= StdDuration::from_millis(400), "{address}: {:?}", started.elapsed());
        }
        app.smtp.wait_for(&person.email, 1).await;
    }

    async fn every_login_failure_looks_the_same(app) {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        let disabled = app.person_with_password(Role::Advanced, company.id, PASSWORD).await;
        app.state.deps().db.writer().execute_unprepared(&format!(
            "UPDATE accounts SET state = 'DISABLED' WHERE email = '{}'", disabled.email)).await.unwrap();
        // Each failure costs exactly one Argon2 check, unknown logins included (a dummy hash):
        // no timing difference tells an existing login from an unknown one.
        let checks_before = password_checks(&app).await;
        let unknown = login(&app, "nobody@client.example", PASSWORD).await;
        assert_eq!(password_checks(&app).await, checks_before + 1, "unknown login");
        let wrong = login(&app, &person.email, "not the password at all").await;
        assert_eq!(password_checks(&app).await, checks_before + 2, "wrong password");
        let off = login(&app, &disabled.email, PASSWORD).await;
        assert_eq!(password_checks(&app).await, checks_before + 3, "disabled account");
        for failure in [&unknown, &wrong, &off] {
            assert_eq!(failure.status, unknown.status);
            assert_eq!(failure.body, unknown.body, "same shape and message");
            assert_eq!(failure.codes(), ["INVALID_CREDENTIALS"]);
        }
        assert_eq!(login(&app, &person.email, PASSWORD).await.ok()["login"]["status"], "SIGNED_IN");
    }

    async fn password_failures_back_off_after_ten_and_cap_at_a_hundred_checks_an_hour(app)
        with |s: &mut portal_tests::Settings| s.auth.address_limit_per_minute = 10_000; {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        for _ in 0..10 {
            assert_eq!(login(&app, &person.email, "wrong password here").await.codes(), ["INVALID_CREDENTIALS"]);
        }
        // Eleventh check, right away: refused even with the right password.
        assert_eq!(login(&app, &person.email, PASSWORD).await.codes(), ["INVALID_CREDENTIALS"]);
        app.clock.advance(Duration::seconds(29));
        assert_eq!(login(&app, &person.email, PASSWORD).await.codes(), ["INVALID_CREDENTIALS"]);
        app.clock.advance(Duration::seconds(1));
        assert_eq!(login(&app, &person.email, PASSWORD).await.ok()["login"]["status"], "SIGNED_IN");
        assert!(count(&app, "SELECT COUNT(*) FROM audit_events WHERE action = 'LOGIN_THROTTLED'").await >= 1);

        // 100 checks in the hour at most, failures or not.
        app.clock.advance(Duration::hours(2));
        for round in 0..10 {
            for _ in 0..9 {
                login(&app, &person.email, "wrong password here").await;
            }
            assert_eq!(login(&app, &person.email, PASSWORD).await.ok()["login"]["status"], "SIGNED_IN", "round {round}");
        }
        assert_eq!(login(&app, &person.email, PASSWORD).await.codes(), ["INVALID_CREDENTIALS"]);
        app.clock.advance(Duration::minutes(61));
        assert_eq!(login(&app, &person.email, PASSWORD).await.ok()["login"]["status"], "SIGNED_IN");
    }

    async fn a_client_address_over_its_budget_gets_rate_limited(app)
        with |s: &mut portal_tests::Settings| s.auth.address_limit_per_minute = 3; {
        for _ in 0..3 {
            assert_eq!(login(&app, "nobody@client.example", PASSWORD).await.codes(), ["INVALID_CREDENTIALS"]);
        }
        let limited = app.post_raw(&[("content-type", "application/json"), ("x-forwarded-for", "203.0.113.50")], json!({ "query": LOGIN, "variables": { "i": { "login": "x", "password": "y" } } }).to_string()).await;
        let limited = TestApp::read(limited).await;
        assert_eq!(limited.codes(), ["RATE_LIMITED"], "X-Forwarded-For is ignored without a trusted proxy");
        app.clock.advance(Duration::seconds(60));
        assert_eq!(login(&app, "nobody@client.example", PASSWORD).await.codes(), ["INVALID_CREDENTIALS"]);
    }

    async fn a_sign_in_from_a_new_client_is_told_to_the_owner(app) {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        let body = json!({ "query": LOGIN, "variables": { "i": { "login": person.email, "password": PASSWORD } } }).to_string();
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
        let updated = "Mozilla/5.0 (X11; Linux x86_64; rv:141.0) Gecko/20100101 Firefox/141.0";
        for agent in [firefox, updated, "curl/8.0 <b>Your admin says: ignore this</b>"] {
            let answer = app.post_raw(&[("content-type", "application/json"), ("user-agent", agent)], body.clone()).await;
            assert_eq!(TestApp::read(answer).await.ok()["login"]["status"], "SIGNED_IN", "{agent}");
        }
        // The first sign-in tells nothing, the same browser updated neither; a new one does.
        let notices: Vec<String> = app.state.deps().db.reader()
            .query_all_raw(Statement::from_string(app.state.deps().db.backend(), "SELECT kind FROM mail_outbox"))
            .await.unwrap().iter().map(|row| row.try_get_by_index::<String>(0).unwrap()).collect();
        assert_eq!(notices, ["NEW_SIGN_IN"]);
        let mails = app.smtp.wait_for(&person.email, 1).await;
        let text = mails[0].text();
        // Named by what the portal recognised, never by the text the client wrote.
        assert!(text.contains("with curl:") && text.contains("127.0.0.1"), "{text}");
        assert!(!mails[0].raw.contains("ignore this"), "{}", mails[0].raw);
    }

    async fn instances_on_one_database_share_each_address_budget(app)
        with |s: &mut portal_tests::Settings| s.auth.address_limit_per_minute = 3; {
        let other = app.another_instance().await;
        let guess = json!({ "i": { "login": "nobody@client.example", "password": PASSWORD } });
        for _ in 0..2 {
            assert_eq!(login(&app, "nobody@client.example", PASSWORD).await.codes(), ["INVALID_CREDENTIALS"]);
        }
        // The other instance has counted nothing in its memory, yet the budget is spent.
        assert_eq!(other.graphql_as(None, LOGIN, guess.clone()).await.codes(), ["INVALID_CREDENTIALS"]);
        assert_eq!(other.graphql_as(None, LOGIN, guess.clone()).await.codes(), ["RATE_LIMITED"]);
        assert_eq!(login(&app, "nobody@client.example", PASSWORD).await.codes(), ["RATE_LIMITED"]);
        app.clock.advance(Duration::seconds(60));
        assert_eq!(other.graphql_as(None, LOGIN, guess).await.codes(), ["INVALID_CREDENTIALS"]);
    }

    async fn a_request_checks_credentials_once_whatever_its_aliases(app) {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        let document = "mutation($a: LoginInput!, $b: LoginInput!) { a: login(input: $a) { status } b: login(input: $b) { status } }";
        let answer = app.graphql_as(None, document, json!({
            "a": { "login": person.email, "password": "first guess wrong" },
            "b": { "login": person.email, "password": PASSWORD },
        })).await;
        assert_eq!(answer.codes(), ["INVALID_CREDENTIALS", "TOO_MANY_CREDENTIAL_CHECKS"]);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM auth_attempts").await, 1);
    }

    async fn totp_codes_work_once_within_one_step_either_side(app) {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        let first = token_of(&login(&app, &person.email, PASSWORD).await);
        let other = token_of(&login(&app, &person.email, PASSWORD).await);
        align(&app);
        let t0 = app.clock.now();
        let (secret, recovery, first) = enroll(&app, &first).await;
        assert_eq!(recovery.len(), 10);
        assert!(recovery.iter().all(|c| c.len() == 19));
        let me = viewer(&app, &first).await;
        assert_eq!((me["twoFactor"].as_bool(), me["twoFactorEnabled"].as_bool()), (Some(true), Some(true)));
        assert_eq!(me["recoveryCodesLeft"], 10);
        assert_eq!(app.graphql_as(Some(&other), VIEWER, Value::Null).await.ok()["viewer"], Value::Null,
            "enabling 2FA ends the other sessions");
        app.smtp.wait_for(&person.email, 1).await;

        let step = |n: i64| t0 + Duration::seconds(30 * n);
        let challenge = || async {
            let answer = login(&app, &person.email, PASSWORD).await;
            let data = answer.ok()["login"].clone();
            assert_eq!(data["status"], "SECOND_FACTOR_REQUIRED");
            assert_eq!(data["sessionToken"], Value::Null);
            data["challenge"].as_str().unwrap().to_owned()
        };
        let c = challenge().await;
        assert_eq!(app.graphql_as(Some(&c), VIEWER, Value::Null).await.ok()["viewer"], Value::Null,
            "a challenge is not a session");
        assert_eq!(complete(&app, &c, json!({ "code": code(&secret, step(0)) })).await.codes(), ["INVALID_CREDENTIALS"],
            "the enrolment code cannot be replayed");
        assert_eq!(complete(&app, &c, json!({ "code": code(&secret, step(2)) })).await.codes(), ["INVALID_CREDENTIALS"],
            "two steps ahead is out of the window");
        let session = token_of(&complete(&app, &c, json!({ "code": code(&secret, step(1)) })).await);
        assert_ne!(session, c, "a new token at each step");
        assert_eq!(viewer(&app, &session).await["twoFactor"], true);
        assert_eq!(complete(&app, &c, json!({ "code": code(&secret, step(1)) })).await.codes(), ["INVALID_CREDENTIALS"],
            "a challenge opens one session");

        app.clock.set(step(3));
        let c = challenge().await;
        assert_eq!(complete(&app, &c, json!({ "code": code(&secret, step(1)) })).await.codes(), ["INVALID_CREDENTIALS"],
            "the previous step's code was already used");
        token_of(&complete(&app, &c, json!({ "code": code(&secret, step(2)) })).await);
        app.clock.set(step(6));
        let c = challenge().await;
        assert_eq!(complete(&app, &c, json!({ "code": code(&secret, step(4)) })).await.codes(), ["INVALID_CREDENTIALS"],
            "two steps back is out of the window");
        token_of(&complete(&app, &c, json!({ "code": code(&secret, step(7)) })).await);

        // Recovery codes: once each, in any case and with or without dashes.
        let c = challenge().await;
        let used = recovery[3].to_lowercase().replace('-', "");
        let session = token_of(&complete(&app, &c, json!({ "recoveryCode": used })).await);
        assert_eq!(viewer(&app, &session).await["recoveryCodesLeft"], 9);
        let c = challenge().await;
        assert_eq!(complete(&app, &c, json!({ "recoveryCode": recovery[3] })).await.codes(), ["INVALID_CREDENTIALS"]);

        // Challenges are short-lived.
        let c = challenge().await;
        app.clock.advance(Duration::minutes(5));
        assert_eq!(complete(&app, &c, json!({ "recoveryCode": recovery[4] })).await.codes(), ["INVALID_CREDENTIALS"]);
    }

    async fn two_parallel_logins_with_one_code_open_exactly_one_session(app) {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        align(&app);
        let (secret, _, _) = enroll(&app, &person.token).await;
        app.clock.advance(Duration::seconds(30));
        let mut challenges = Vec::new();
        for _ in 0..2 {
            challenges.push(login(&app, &person.email, PASSWORD).await.ok()["login"]["challenge"].as_str().unwrap().to_owned());
        }
        let code = code(&secret, app.clock.now());
        let (a, b) = tokio::join!(
            complete(&app, &challenges[0], json!({ "code": code })),
            complete(&app, &challenges[1], json!({ "code": code })),
        );
        let successes = [&a, &b].iter().filter(|g| g.codes().is_empty()).count();
        assert_eq!(successes, 1, "{:#} {:#}", a.body, b.body);
    }

    async fn second_factor_failures_are_capped_at_ten_a_day(app)
        with |s: &mut portal_tests::Settings| s.auth.address_limit_per_minute = 10_000; {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        align(&app);
        let (secret, _, _) = enroll(&app, &person.token).await;
        for _ in 0..10 {
            let c = login(&app, &person.email, PASSWORD).await.ok()["login"]["challenge"].as_str().unwrap().to_owned();
            assert_eq!(complete(&app, &c, json!({ "code": "000000" })).await.codes(), ["INVALID_CREDENTIALS"]);
        }
        app.clock.advance(Duration::seconds(30));
        let c = login(&app, &person.email, PASSWORD).await.ok()["login"]["challenge"].as_str().unwrap().to_owned();
        assert_eq!(complete(&app, &c, json!({ "code": code(&secret, app.clock.now()) })).await.codes(), ["INVALID_CREDENTIALS"],
            "the right code is refused once ten failures happened in 24 h");
        app.clock.advance(Duration::hours(24));
        let c = login(&app, &person.email, PASSWORD).await.ok()["login"]["challenge"].as_str().unwrap().to_owned();
        token_of(&complete(&app, &c, json!({ "code": code(&secret, app.clock.now()) })).await);
    }

    async fn privileged_work_needs_a_session_opened_with_a_second_factor(app) {
        let provider = app.provider_company().await;
        let operator = app.person_with_password(Role::Operator, provider.id, PASSWORD).await;
        let password_only = token_of(&login(&app, &operator.email, PASSWORD).await);
        let refused = app.create_company(&password_only, "Client A", None).await;
        assert_eq!(refused.codes(), ["TWO_FACTOR_REQUIRED"]);
        align(&app);
        let (_, _, two_factor) = enroll(&app, &password_only).await;
        assert!(app.create_company(&two_factor, "Client A", None).await.codes().is_empty(),
            "confirming a second factor opens a session with it");
        assert_eq!(app.create_company(&password_only, "Client A2", None).await.codes(), ["UNAUTHENTICATED"],
            "the session the second factor was confirmed in is replaced, not upgraded");
        let company = app.customer_company("Acme").await;
        let customer = app.person(Role::Restricted, company.id).await;
        assert_eq!(app.create_company(&customer.token, "Client B", None).await.codes(), ["FORBIDDEN"],
            "people without the role are told they lack it, not to use 2FA");
    }

    async fn sessions_expire_when_idle_and_after_twelve_hours_and_end_on_logout(app) {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        let admin = app.person_with_password(Role::SecurityAdministrator, company.id, PASSWORD).await;
        let token = token_of(&login(&app, &person.email, PASSWORD).await);
        let admin_token = token_of(&login(&app, &admin.email, PASSWORD).await);
        app.clock.advance(Duration::minutes(14));
        assert_ne!(viewer(&app, &token).await, Value::Null);
        assert_ne!(viewer(&app, &admin_token).await, Value::Null);
        app.clock.advance(Duration::minutes(16));
        tokio::time::sleep(StdDuration::from_millis(200)).await; // let the activity record land
        assert_ne!(viewer(&app, &token).await, Value::Null, "used 16 min ago: still alive");
        assert_eq!(viewer(&app, &admin_token).await, Value::Null, "Security Administrators idle out after 15 min");
        app.clock.advance(Duration::minutes(31));
        assert_eq!(viewer(&app, &token).await, Value::Null, "idle for 31 min");

        let token = token_of(&login(&app, &person.email, PASSWORD).await);
        for _ in 0..26 {
            app.clock.advance(Duration::minutes(28));
            tokio::time::sleep(StdDuration::from_millis(50)).await;
            viewer(&app, &token).await;
        }
        assert_eq!(viewer(&app, &token).await, Value::Null, "12 h after login, used or not");

        let a = token_of(&login(&app, &person.email, PASSWORD).await);
        let b = token_of(&login(&app, &person.email, PASSWORD).await);
        let c = token_of(&login(&app, &person.email, PASSWORD).await);
        assert_eq!(app.graphql_as(Some(&a), "mutation { logout }", Value::Null).await.ok()["logout"], true);
        assert_eq!(viewer(&app, &a).await, Value::Null);
        assert_ne!(viewer(&app, &b).await, Value::Null);
        assert_eq!(app.graphql_as(Some(&b), "mutation { logoutEverywhere }", Value::Null).await.ok()["logoutEverywhere"], 2);
        assert_eq!(viewer(&app, &c).await, Value::Null);
    }

    async fn changing_the_password_needs_the_current_one_and_ends_the_other_sessions(app) {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        let mine = token_of(&login(&app, &person.email, PASSWORD).await);
        let other = token_of(&login(&app, &person.email, PASSWORD).await);
        let change = "mutation($i: ChangePasswordInput!) { changePassword(input: $i) { done problems { field reason } } }";
        let wrong = app.graphql_as(Some(&mine), change, json!({ "i": { "currentPassword": "not it at all", "newPassword": NEW_PASSWORD } })).await;
        assert_eq!(wrong.ok()["changePassword"]["problems"][0], json!({ "field": "currentPassword", "reason": "WRONG_CREDENTIAL" }));
        let weak = app.graphql_as(Some(&mine), change, json!({ "i": { "currentPassword": PASSWORD, "newPassword": "aaaaaaaaaaaa" } })).await;
        assert_eq!(weak.ok()["changePassword"]["problems"][0]["field"], "newPassword");
        let done = app.graphql_as(Some(&mine), change, json!({ "i": { "currentPassword": PASSWORD, "newPassword": NEW_PASSWORD } })).await;
        assert_eq!(done.ok()["changePassword"]["done"], true);
        assert_ne!(viewer(&app, &mine).await, Value::Null);
        assert_eq!(viewer(&app, &other).await, Value::Null);
        assert_eq!(login(&app, &person.email, PASSWORD).await.codes(), ["INVALID_CREDENTIALS"]);
        token_of(&login(&app, &person.email, NEW_PASSWORD).await);
        let notice = app.smtp.wait_for(&person.email, 1).await;
        assert!(notice[0].text().contains("password"), "{}", notice[0].text());
    }

    async fn a_person_sets_their_language_and_their_mails_follow_it(app) {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        let mine = token_of(&login(&app, &person.email, PASSWORD).await);
        let set = "mutation($l: Language!) { setLanguage(input: { language: $l }) { language } }";
        let done = app.graphql_as(Some(&mine), set, json!({ "l": "FR" })).await;
        assert_eq!(done.ok()["setLanguage"]["language"], "FR");
        let read = app.graphql_as(Some(&mine), "{ viewer { account { language } } }", json!({})).await;
        assert_eq!(read.ok()["viewer"]["account"]["language"], "FR");
        let wrong = app.graphql_as(Some(&mine), set, json!({ "l": "DE" })).await;
        assert_eq!(wrong.status, 422, "not a language: {:?}", wrong.body);

        // The next mail (a password change notice) is in French.
        let change = "mutation($i: ChangePasswordInput!) { changePassword(input: $i) { done } }";
        let changed = app.graphql_as(Some(&mine), change, json!({ "i": { "currentPassword": PASSWORD, "newPassword": NEW_PASSWORD } })).await;
        assert_eq!(changed.ok()["changePassword"]["done"], true);
        let notice = app.smtp.wait_for(&person.email, 1).await;
        assert!(notice[0].text().starts_with("Bonjour"), "{}", notice[0].text());
    }

    async fn credential_changes_need_the_password_and_the_second_factor_not_just_a_session(app) {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        let session = token_of(&login(&app, &person.email, PASSWORD).await);
        // A session alone cannot enrol an authenticator (that would lock the owner out).
        let begin = "mutation($i: BeginTwoFactorEnrollmentInput!) { beginTwoFactorEnrollment(input: $i) { enrollment { secret } problems { field reason } } }";
        let stolen = app.graphql_as(Some(&session), begin, json!({ "i": { "currentPassword": "guessing the password" } })).await;
        assert_eq!(stolen.ok()["beginTwoFactorEnrollment"], json!({ "enrollment": null, "problems": [{ "field": "currentPassword", "reason": "WRONG_CREDENTIAL" }] }));
        assert_eq!(count(&app, "SELECT COUNT(*) FROM second_factors").await, 0);

        align(&app);
        let (secret, _, session) = enroll(&app, &session).await;
        app.clock.advance(Duration::seconds(30));
        let change = "mutation($i: ChangePasswordInput!) { changePassword(input: $i) { done problems { field reason } } }";
        let without_code = app.graphql_as(Some(&session), change, json!({ "i": { "currentPassword": PASSWORD, "newPassword": NEW_PASSWORD } })).await;
        assert_eq!(without_code.ok()["changePassword"]["problems"], json!([{ "field": "code", "reason": "REQUIRED" }]));
        let wrong_code = app.graphql_as(Some(&session), change, json!({ "i": { "currentPassword": PASSWORD, "code": "000000", "newPassword": NEW_PASSWORD } })).await;
        assert_eq!(wrong_code.ok()["changePassword"]["problems"], json!([{ "field": "code", "reason": "WRONG_CREDENTIAL" }]));

        let regenerate = "mutation($i: RegenerateRecoveryCodesInput!) { regenerateRecoveryCodes(input: $i) { recoveryCodes problems { field reason } } }";
        let code_only = app.graphql_as(Some(&session), regenerate, json!({ "i": { "password": "not the password", "code": code(&secret, app.clock.now()) } })).await;
        assert_eq!(code_only.ok()["regenerateRecoveryCodes"]["problems"], json!([{ "field": "password", "reason": "WRONG_CREDENTIAL" }]));

        let done = app.graphql_as(Some(&session), change, json!({ "i": { "currentPassword": PASSWORD, "code": code(&secret, app.clock.now()), "newPassword": NEW_PASSWORD } })).await;
        assert_eq!(done.ok()["changePassword"]["done"], true, "{:#}", done.body);
    }

    async fn changing_ones_own_email_address_needs_the_password_and_the_second_factor(app) {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::SupportAdministrator, company.id, PASSWORD).await;
        let session = token_of(&login(&app, &person.email, PASSWORD).await);
        let update = "mutation($i: UpdateContactInput!) { updateContact(input: $i) { contact { email version } problems { field reason } } }";
        let input = |version: i32, extra: Value| {
            let mut input = json!({ "id": format!("ct_{}", person.contact_id.simple()), "version": version, "email": "moved@acme.example" });
            input.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            json!({ "i": input })
        };
        let shared = &app;
        let email_now = |token: String| async move {
            let viewer = shared.graphql_as(Some(&token), "{ viewer { contact { email } } }", Value::Null).await;
            viewer.ok()["viewer"]["contact"]["email"].as_str().unwrap_or_else(|| panic!("{:#}", viewer.body)).to_owned()
        };
        // Whoever holds the session alone cannot move the mails (request notices included).
        let bare = app.graphql_as(Some(&session), update, input(1, json!({}))).await;
        assert_eq!(bare.ok()["updateContact"]["problems"], json!([{ "field": "currentPassword", "reason": "REQUIRED" }]));
        let guessed = app.graphql_as(Some(&session), update, input(1, json!({ "currentPassword": "guessing the password" }))).await;
        assert_eq!(guessed.ok()["updateContact"]["problems"], json!([{ "field": "currentPassword", "reason": "WRONG_CREDENTIAL" }]));
        assert_eq!(email_now(person.token.clone()).await, person.email);
        // Names stay theirs to change with the session alone.
        let renamed = app.graphql_as(Some(&session), update.replace("email version", "lastName version").as_str(),
            json!({ "i": { "id": format!("ct_{}", person.contact_id.simple()), "version": 1, "lastName": "Renamed" } })).await;
        assert_eq!(renamed.ok()["updateContact"]["problems"], json!([]), "{:#}", renamed.body);

        align(&app);
        let (secret, _, session) = enroll(&app, &session).await;
        app.clock.advance(Duration::seconds(30));
        let without_code = app.graphql_as(Some(&session), update, input(2, json!({ "currentPassword": PASSWORD }))).await;
        assert_eq!(without_code.ok()["updateContact"]["problems"], json!([{ "field": "code", "reason": "REQUIRED" }]));
        let wrong_code = app.graphql_as(Some(&session), update, input(2, json!({ "currentPassword": PASSWORD, "code": "000000" }))).await;
        assert_eq!(wrong_code.ok()["updateContact"]["problems"], json!([{ "field": "code", "reason": "WRONG_CREDENTIAL" }]));
        assert_eq!(email_now(session.clone()).await, person.email);

        let moved = app.graphql_as(Some(&session), update, input(2, json!({ "currentPassword": PASSWORD, "code": code(&secret, app.clock.now()) }))).await;
        assert_eq!(moved.ok()["updateContact"]["contact"], json!({ "email": "moved@acme.example", "version": 3 }), "{:#}", moved.body);
        assert_eq!(email_now(session.clone()).await, "moved@acme.example");
        app.smtp.wait_for(&person.email, 1).await;
    }

    async fn confirming_the_second_factor_replaces_the_session_token(app) {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        let before = token_of(&login(&app, &person.email, PASSWORD).await);
        align(&app);
        let (_, _, after) = enroll(&app, &before).await;
        assert_ne!(before, after);
        assert_eq!(viewer(&app, &before).await, Value::Null, "the old token opens nothing");
        assert_eq!(viewer(&app, &after).await["twoFactor"], true);
    }

    async fn a_password_change_or_reset_voids_pending_login_challenges(app)
        with |s: &mut portal_tests::Settings| s.auth.address_limit_per_minute = 10_000; {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        align(&app);
        let (secret, _, session) = enroll(&app, &person.token).await;
        // Someone who learnt the password waits at the second step.
        let challenge = login(&app, &person.email, PASSWORD).await.ok()["login"]["challenge"].as_str().unwrap().to_owned();
        app.clock.advance(Duration::seconds(30));
        let change = "mutation($i: ChangePasswordInput!) { changePassword(input: $i) { done } }";
        let changed = app.graphql_as(Some(&session), change, json!({ "i": { "currentPassword": PASSWORD, "code": code(&secret, app.clock.now()), "newPassword": NEW_PASSWORD } })).await;
        assert_eq!(changed.ok()["changePassword"]["done"], true, "{:#}", changed.body);
        app.clock.advance(Duration::seconds(30));
        assert_eq!(complete(&app, &challenge, json!({ "code": code(&secret, app.clock.now()) })).await.codes(), ["INVALID_CREDENTIALS"]);

        // The same after a reset through a link.
        let challenge = login(&app, &person.email, NEW_PASSWORD).await.ok()["login"]["challenge"].as_str().unwrap().to_owned();
        let reset = "mutation($i: RequestPasswordResetInput!) { requestPasswordReset(input: $i) { accepted } }";
        app.graphql_as(None, reset, json!({ "i": { "address": person.email } })).await;
        let mails = app.smtp.wait_for(&person.email, 3).await;
        let token = mails[2].link_token("http").expect("a reset link");
        let set = "mutation($i: LinkPasswordInput!) { resetPassword(input: $i) { done } }";
        let done = app.graphql_as(None, set, json!({ "i": { "token": token, "password": "a brand new passphrase here" } })).await;
        assert_eq!(done.ok()["resetPassword"]["done"], true, "{:#}", done.body);
        app.clock.advance(Duration::seconds(30));
        assert_eq!(complete(&app, &challenge, json!({ "code": code(&secret, app.clock.now()) })).await.codes(), ["INVALID_CREDENTIALS"]);
    }

    async fn a_security_administrator_without_a_second_factor_administers_nothing(app) {
        let company = app.customer_company("Acme").await;
        let admin = app.person_with_password(Role::SecurityAdministrator, company.id, PASSWORD).await;
        let alice = app.person(Role::Restricted, company.id).await;
        let password_only = token_of(&login(&app, &admin.email, PASSWORD).await);
        let stage = format!("mutation {{ stageRoleChange(input: {{ contactId: \"ct_{}\", roles: {{ supportRole: SUPPORT_ADVANCED, securityAdministrator: false }} }}) {{ stagedChanges {{ stagedAt }} }} }}", alice.contact_id.simple());
        for document in [
            stage.as_str(),
            "{ auditEvents { edges { cursor } } }",
            "{ stagedRoleChanges { stagedAt } }",
            "mutation { setCompanySecurityPolicy(input: { requireTwoFactor: true }) { company { id } } }",
        ] {
            let answer = app.graphql_as(Some(&password_only), document, Value::Null).await;
            assert_eq!(answer.codes(), ["TWO_FACTOR_REQUIRED"], "{document}: {:#}", answer.body);
        }
        assert_eq!(viewer(&app, &password_only).await["twoFactor"], false, "they may log in");
    }

    async fn the_operator_and_the_support_without_a_second_factor_are_told_to_use_one(app) {
        // Not refused (FORBIDDEN) as if they had no right to the list: told what is missing.
        for role in [Role::Operator, Role::Agent] {
            let person = app.person_with_password(role, uuid::Uuid::nil(), PASSWORD).await;
            let password_only = token_of(&login(&app, &person.email, PASSWORD).await);
            let answer = app.graphql_as(Some(&password_only), "{ companies { edges { cursor } } }", Value::Null).await;
            assert_eq!(answer.codes(), ["TWO_FACTOR_REQUIRED"], "{role:?}: {:#}", answer.body);
        }
    }

    async fn disabling_the_second_factor_takes_the_password_and_a_code(app) {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        align(&app);
        let (secret, _, session) = enroll(&app, &person.token).await;
        app.clock.advance(Duration::seconds(30));
        let disable = "mutation($i: DisableTwoFactorInput!) { disableTwoFactor(input: $i) { done problems { field reason } } }";
        let wrong = app.graphql_as(Some(&session), disable, json!({ "i": { "password": PASSWORD, "code": "000000" } })).await;
        assert_eq!(wrong.ok()["disableTwoFactor"]["problems"], json!([{ "field": "code", "reason": "WRONG_CREDENTIAL" }]));
        let done = app.graphql_as(Some(&session), disable, json!({ "i": { "password": PASSWORD, "code": code(&secret, app.clock.now()) } })).await;
        assert_eq!(done.ok()["disableTwoFactor"]["done"], true, "{:#}", done.body);
        assert_eq!(viewer(&app, &session).await["twoFactorEnabled"], false);
        assert_eq!(login(&app, &person.email, PASSWORD).await.ok()["login"]["status"], "SIGNED_IN", "no second step any more");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM recovery_codes").await, 0);
    }

    async fn regenerating_recovery_codes_voids_the_old_ones(app) {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        align(&app);
        let (secret, old, session) = enroll(&app, &person.token).await;
        app.clock.advance(Duration::seconds(30));
        let regenerate = "mutation($i: RegenerateRecoveryCodesInput!) { regenerateRecoveryCodes(input: $i) { recoveryCodes problems { field } } }";
        let answer = app.graphql_as(Some(&session), regenerate, json!({ "i": { "password": PASSWORD, "code": code(&secret, app.clock.now()) } })).await;
        let new: Vec<String> = answer.ok()["regenerateRecoveryCodes"]["recoveryCodes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
        assert_eq!(new.len(), 10);
        assert!(new.iter().all(|code| !old.contains(code)));
        let challenge = || async { login(&app, &person.email, PASSWORD).await.ok()["login"]["challenge"].as_str().unwrap().to_owned() };
        assert_eq!(complete(&app, &challenge().await, json!({ "recoveryCode": old[0] })).await.codes(), ["INVALID_CREDENTIALS"]);
        token_of(&complete(&app, &challenge().await, json!({ "recoveryCode": new[0] })).await);
    }

    async fn session_tokens_are_stored_only_as_hashes(app) {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        let token = token_of(&login(&app, &person.email, PASSWORD).await);
        let db = app.state.deps().db.writer();
        let backend = db.get_database_backend();
        let rows = db.query_all_raw(Statement::from_string(backend, "SELECT token_hash FROM sessions".to_owned())).await.unwrap();
        let hashes: Vec<Vec<u8>> = rows.iter().map(|row| row.try_get_by_index(0).unwrap()).collect();
        use sha2::Digest as _;
        let expected = sha2::Sha256::digest(token.as_bytes()).to_vec();
        assert!(hashes.contains(&expected), "the session is found by the token's SHA-256");
        assert!(hashes.iter().all(|h| h.len() == 32 && h.as_slice() != token.as_bytes()));
        let like = portal_api::sql::placeholders(backend, "SELECT COUNT(*) FROM sessions WHERE CAST(token_hash AS TEXT) LIKE ?");
        let found = db.query_one_raw(Statement::from_sql_and_values(backend, like, [format!("%{token}%").into()])).await.unwrap().unwrap();
        assert_eq!(found.try_get_by_index::<i64>(0).unwrap(), 0, "the token itself is nowhere");
    }

    async fn the_session_cookie_is_http_only_and_plain_forms_cannot_mutate(app) {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        let body = json!({ "query": LOGIN, "variables": { "i": { "login": person.email, "password": PASSWORD, "delivery": "COOKIE" } } });
        let response = app.post_raw(&[("content-type", "application/json")], body.to_string()).await;
        let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
        let answer = TestApp::read(response).await;
        assert_eq!(answer.ok()["login"]["sessionToken"], Value::Null, "the body carries no token");
        // Development on plain http://localhost: the relaxed name, no Secure (README says so).
        assert!(cookie.starts_with("session="), "{cookie}");
        for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(cookie.contains(attr), "{cookie}");
        }
        let pair = cookie.split(';').next().unwrap().to_owned();
        let me = app.post_raw(&[("content-type", "application/json"), ("cookie", &pair)], json!({ "query": VIEWER }).to_string()).await;
        assert_eq!(TestApp::read(me).await.ok()["viewer"]["account"]["email"], person.email.as_str());

        // A cross-site form can only send form encodings: refused before anything runs.
        let form = app.post_raw(&[("content-type", "application/x-www-form-urlencoded"), ("cookie", &pair)], "query=mutation%7Blogout%7D").await;
        assert_eq!(form.status(), 415);
        let get = app.get_raw("query=mutation%7Blogout%7D", &[("cookie", &pair)]).await;
        assert_eq!(get.status(), 405);
        let me = app.post_raw(&[("content-type", "application/json"), ("cookie", &pair)], json!({ "query": VIEWER }).to_string()).await;
        assert_ne!(TestApp::read(me).await.ok()["viewer"], Value::Null, "still logged in");

        let out = app.post_raw(&[("content-type", "application/json"), ("cookie", &pair)], json!({ "query": "mutation { logout }" }).to_string()).await;
        assert!(out.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    }

    async fn the_web_socket_takes_the_cookie_only_from_the_portal_s_own_origin(app) {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        let body = json!({ "query": LOGIN, "variables": { "i": { "login": person.email, "password": PASSWORD, "delivery": "COOKIE" } } });
        let response = app.post_raw(&[("content-type", "application/json")], body.to_string()).await;
        let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
        let pair = cookie.split(';').next().unwrap().to_owned();
        let protocol = ("sec-websocket-protocol", "graphql-transport-ws");

        // A page on another site opening a socket gets the cookie attached by the browser.
        for origin in [Some("https://evil.example"), Some("http://localhost:8081"), None] {
            let mut headers = vec![protocol, ("cookie", pair.as_str())];
            headers.extend(origin.map(|o| ("origin", o)));
            assert_eq!(app.try_ws(&headers).await.err(), Some(403), "origin {origin:?}");
        }

        let own = app.state.settings().http.public_url.clone();
        let mut ws = app.try_ws(&[protocol, ("cookie", &pair), ("origin", &own)]).await.expect("same origin");
        ws.send(json!({ "type": "connection_init", "payload": {} })).await;
        assert_eq!(ws.next().await["type"], "connection_ack");
        ws.send(json!({ "id": "me", "type": "subscribe", "payload": { "query": VIEWER } })).await;
        let me = ws.next().await;
        assert_eq!(me["payload"]["data"]["viewer"]["account"]["email"], person.email.as_str(), "{me}");

        // Without a cookie the origin does not matter: the token is explicit.
        let mut ws = app.try_ws(&[protocol, ("origin", "https://evil.example")]).await.expect("no cookie");
        ws.send(json!({ "type": "connection_init", "payload": {} })).await;
        assert_eq!(ws.next().await["type"], "connection_ack");
        ws.send(json!({ "id": "me", "type": "subscribe", "payload": { "query": VIEWER } })).await;
        assert_eq!(ws.next().await["payload"]["data"]["viewer"], Value::Null);
    }

    async fn secure_cookies_use_the_host_prefix(app)
        with |s: &mut portal_tests::Settings| s.auth.cookie_secure = Some(true); {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        let body = json!({ "query": LOGIN, "variables": { "i": { "login": person.email, "password": PASSWORD, "delivery": "COOKIE" } } });
        let response = app.post_raw(&[("content-type", "application/json")], body.to_string()).await;
        let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.starts_with("__Host-session="), "{cookie}");
        assert!(cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("Path=/"), "{cookie}");
    }

    async fn password_reset_answers_alike_sends_three_mails_an_hour_and_keeps_the_second_factor(app)
        with |s: &mut portal_tests::Settings| s.http.public_url = "https://portal.example".into(); {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        align(&app);
        let (secret, _, _) = enroll(&app, &person.token).await;
        app.smtp.wait_for(&person.email, 1).await; // the 2FA notice
        let reset = "mutation($i: RequestPasswordResetInput!) { requestPasswordReset(input: $i) { accepted } }";
        let known = app.graphql_as(None, reset, json!({ "i": { "address": person.email } })).await;
        let unknown = app.graphql_as(None, reset, json!({ "i": { "address": "nobody@client.example" } })).await;
        assert_eq!(known.body, unknown.body, "the same answer for every address");
        assert_eq!(known.ok()["requestPasswordReset"]["accepted"], true);
        let first = app.smtp.wait_for(&person.email, 2).await[1]
            .link_token("https://portal.example/account/reset#token=")
            .expect("the link's host comes from configuration");
        // A forged host header changes nothing in the link.
        let forged = json!({ "query": reset, "variables": { "i": { "address": person.email } } });
        app.post_raw(&[("content-type", "application/json"), ("x-forwarded-host", "evil.example")], forged.to_string()).await;
        let second_mail = app.smtp.wait_for(&person.email, 3).await.remove(2);
        assert!(second_mail.link("https://portal.example/account/reset").is_some(), "{}", second_mail.text());
        let second = second_mail.link_token("https://portal.example/account/reset").unwrap();
        app.graphql_as(None, reset, json!({ "i": { "address": person.email } })).await;
        let third = app.smtp.wait_for(&person.email, 4).await[3].link_token("https://portal.example/account/reset").unwrap();
        app.graphql_as(None, reset, json!({ "i": { "address": person.email } })).await;
        tokio::time::sleep(StdDuration::from_millis(600)).await;
        assert_eq!(app.smtp.mails_to(&person.email).len(), 4, "at most 3 reset mails an hour");
        assert!(app.smtp.mails_to("nobody@client.example").is_empty());

        let do_reset = "mutation($i: LinkPasswordInput!) { resetPassword(input: $i) { done problems { reason } } }";
        for voided in [&first, &second] {
            let answer = app.graphql_as(None, do_reset, json!({ "i": { "token": voided, "password": NEW_PASSWORD } })).await;
            assert_eq!(answer.ok()["resetPassword"]["problems"][0]["reason"], "INVALID_OR_EXPIRED", "a newer link voids older ones");
        }
        app.clock.advance(Duration::minutes(30));
        let expired = app.graphql_as(None, do_reset, json!({ "i": { "token": third, "password": NEW_PASSWORD } })).await;
        assert_eq!(expired.ok()["resetPassword"]["problems"][0]["reason"], "INVALID_OR_EXPIRED", "valid 30 minutes");
        app.clock.advance(Duration::minutes(31));
        app.graphql_as(None, reset, json!({ "i": { "address": person.email } })).await;
        let fresh = app.smtp.wait_for(&person.email, 5).await[4].link_token("https://portal.example/account/reset").unwrap();
        let open = login(&app, &person.email, PASSWORD).await.ok()["login"]["challenge"].as_str().unwrap().to_owned();
        let open = token_of(&complete(&app, &open, json!({ "code": code(&secret, app.clock.now()) })).await);
        assert_ne!(viewer(&app, &open).await, Value::Null);
        let done = app.graphql_as(None, do_reset, json!({ "i": { "token": fresh, "password": NEW_PASSWORD } })).await;
        assert_eq!(done.ok()["resetPassword"]["done"], true);
        assert_eq!(viewer(&app, &open).await, Value::Null, "a reset ends every session");
        let notice = app.smtp.wait_for(&person.email, 6).await.remove(5);
        assert!(notice.text().contains("every other session was ended"), "{}", notice.text());
        let again = app.graphql_as(None, do_reset, json!({ "i": { "token": fresh, "password": PASSWORD } })).await;
        assert_eq!(again.ok()["resetPassword"]["problems"][0]["reason"], "INVALID_OR_EXPIRED", "single use");
        let after = login(&app, &person.email, NEW_PASSWORD).await;
        assert_eq!(after.ok()["login"]["status"], "SECOND_FACTOR_REQUIRED", "the reset keeps the second factor");
        app.clock.advance(Duration::seconds(30));
        let challenge = after.ok()["login"]["challenge"].as_str().unwrap().to_owned();
        token_of(&complete(&app, &challenge, json!({ "code": code(&secret, app.clock.now()) })).await);
    }

    async fn mail_waits_for_a_down_smtp_server_and_keeps_its_message_id(app) {
        app.smtp.set_available(false);
        app.invite("waiting@client.example", "Wai Ting", Language::En).await;
        let pending = eventually(&app, "SELECT COUNT(*) FROM mail_outbox WHERE status = 'PENDING' AND attempts >= 1 AND last_error IS NOT NULL", 1).await;
        assert_eq!(pending, 1, "the delivery was tried, failed, and the mail is kept");
        assert!(app.smtp.mails().is_empty());
        app.smtp.set_available(true);
        app.clock.advance(Duration::minutes(2));
        let mail = app.smtp.wait_for("waiting@client.example", 1).await.remove(0);
        let db = app.state.deps().db.writer();
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(),
            "SELECT message_id FROM mail_outbox".to_owned())).await.unwrap().unwrap();
        let stored: String = row.try_get_by_index(0).unwrap();
        assert_eq!(mail.header("Message-ID").unwrap(), stored);
        // The worker records the delivery just after the server has the mail.
        assert_eq!(eventually(&app, "SELECT COUNT(*) FROM mail_outbox WHERE status = 'SENT'", 1).await, 1);
    }

    async fn mail_goes_through_starttls_and_logs_in_to_a_relay_whose_ca_is_configured(app)
        with |s: &mut portal_tests::Settings| {
            let relay = s.mail.smtp.as_mut().unwrap();
            relay.tls = SmtpTls::Starttls;
            relay.username = Some("portal".into());
            relay.password = Some(ConfigSecret::new("relay secret"));
            relay.ca_file = Some(test_ca_file());
        }; {
        app.invite("tls@client.example", "Tee Ls", Language::En).await;
        let mail = app.smtp.wait_for("tls@client.example", 1).await.remove(0);
        assert!(mail.tls, "upgraded with STARTTLS before sending");
        assert_eq!(mail.authenticated_as.as_deref(), Some("portal"));
    }

    async fn mail_goes_over_implicit_tls(app)
        with |s: &mut portal_tests::Settings| {
            let relay = s.mail.smtp.as_mut().unwrap();
            relay.tls = SmtpTls::Tls;
            relay.ca_file = Some(test_ca_file());
        }; {
        app.invite("wrapped@client.example", "Wrap Ped", Language::En).await;
        let mail = app.smtp.wait_for("wrapped@client.example", 1).await.remove(0);
        assert!(mail.tls);
    }

    async fn a_relay_with_an_untrusted_certificate_gets_no_mail(app)
        with |s: &mut portal_tests::Settings| s.mail.smtp.as_mut().unwrap().tls = SmtpTls::Starttls; {
        app.invite("mitm@client.example", "Mit M", Language::En).await;
        let failed = eventually(&app, "SELECT COUNT(*) FROM mail_outbox WHERE status = 'PENDING' AND attempts >= 1 AND last_error IS NOT NULL", 1).await;
        assert_eq!(failed, 1, "the certificate is refused and the mail kept for later");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM mail_outbox WHERE LOWER(last_error) LIKE '%certificate%'").await, 1);
        assert!(app.smtp.mails().is_empty());
    }

    async fn a_mail_that_keeps_failing_is_marked_failed_after_max_attempts(app)
        with |s: &mut portal_tests::Settings| s.mail.max_attempts = 3; {
        app.smtp.set_available(false);
        app.invite("never@client.example", "Ne Ver", Language::En).await;
        for attempt in 1..=3 {
            // Wait until the failure is recorded (the claim counts the attempt before sending).
            let tried = eventually(&app, &format!("SELECT COUNT(*) FROM mail_outbox WHERE attempts = {attempt} \
                AND claimed_until IS NULL AND last_error IS NOT NULL"), 1).await;
            assert_eq!(tried, 1, "attempt {attempt}");
            // Past any backoff: the next attempt is due.
            app.clock.advance(Duration::days(1));
        }
        assert_eq!(eventually(&app, "SELECT COUNT(*) FROM mail_outbox WHERE status = 'FAILED' AND last_error IS NOT NULL", 1).await, 1);
        // A failed mail is not retried, even once the server is back.
        app.smtp.set_available(true);
        app.clock.advance(Duration::days(1));
        tokio::time::sleep(StdDuration::from_millis(600)).await;
        assert!(app.smtp.mails_to("never@client.example").is_empty());
        assert_eq!(count(&app, "SELECT COUNT(*) FROM mail_outbox WHERE attempts = 3").await, 1, "no fourth attempt");
    }

    async fn single_use_links_are_sealed_in_the_outbox_and_blanked_once_sent(app) {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        app.smtp.set_available(false);
        let reset = "mutation($i: RequestPasswordResetInput!) { requestPasswordReset(input: $i) { accepted } }";
        app.graphql_as(None, reset, json!({ "i": { "address": person.email } })).await;
        eventually(&app, "SELECT COUNT(*) FROM mail_outbox WHERE attempts >= 1 AND claimed_until IS NULL AND last_error IS NOT NULL", 1).await;
        // At rest, before it is sent: no link anyone could use.
        assert_eq!(count(&app, "SELECT COUNT(*) FROM mail_outbox WHERE body_text LIKE '%#token=%' OR body_html LIKE '%#token=%'").await, 0);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM mail_outbox WHERE sealed_link IS NOT NULL AND body_text LIKE '%sealed-link.invalid%'").await, 1);

        app.smtp.set_available(true);
        app.clock.advance(Duration::minutes(1)); // past the first retry delay, within the link's life
        let mail = app.smtp.wait_for(&person.email, 1).await.remove(0);
        let token = mail.link_token("http").expect("the mail holds the real link");
        assert_eq!(token.len(), 43, "{}", mail.text());
        assert_eq!(eventually(&app, "SELECT COUNT(*) FROM mail_outbox WHERE status = 'SENT' AND sealed_link IS NULL", 1).await, 1);
        assert_eq!(count(&app, &format!("SELECT COUNT(*) FROM mail_outbox WHERE body_text LIKE '%{token}%' OR body_html LIKE '%{token}%'")).await, 0);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM mail_outbox WHERE body_text LIKE '(removed once sent%'").await, 1);
        // The link still works: the outbox never needed it.
        let set = "mutation($i: LinkPasswordInput!) { resetPassword(input: $i) { done } }";
        let done = app.graphql_as(None, set, json!({ "i": { "token": token, "password": NEW_PASSWORD } })).await;
        assert_eq!(done.ok()["resetPassword"]["done"], true);

        // Sent mails leave the outbox after their retention (30 days by default).
        app.smtp.wait_for(&person.email, 2).await;
        eventually(&app, "SELECT COUNT(*) FROM mail_outbox WHERE status = 'SENT'", 2).await;
        let deps = app.state.deps();
        let kept = portal_api::mail::purge(deps.db.writer(), app.clock.now() - Duration::days(30)).await.unwrap();
        assert_eq!(kept, 0);
        let purged = portal_api::mail::purge(deps.db.writer(), app.clock.now() + Duration::days(1)).await.unwrap();
        assert_eq!(purged, 2, "the reset and the password-changed notice");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM mail_outbox").await, 0);
    }

    async fn security_notices_tell_the_owner_in_their_language(app)
        with |s: &mut portal_tests::Settings| s.auth.address_limit_per_minute = 10_000; {
        let company = app.customer_company("Acme").await;
        let person = app.person_with_password(Role::Restricted, company.id, PASSWORD).await;
        let db = app.state.deps().db.writer();
        let backend = db.get_database_backend();
        let sql = portal_api::sql::placeholders(backend, "UPDATE accounts SET language = 'fr' WHERE id = ?");
        db.execute_raw(Statement::from_sql_and_values(backend, sql, [person.account_id.into()])).await.unwrap();
        align(&app);
        let (secret, recovery, _) = enroll(&app, &person.token).await;
        let enabled = app.smtp.wait_for(&person.email, 1).await.remove(0);
        assert!(enabled.text().contains("deux facteurs a été activée"), "{}", enabled.text());

        let challenge = || async {
            login(&app, &person.email, PASSWORD).await.ok()["login"]["challenge"].as_str().unwrap().to_owned()
        };
        // A recovery code: the owner learns how many are left.
        token_of(&complete(&app, &challenge().await, json!({ "recoveryCode": recovery[0] })).await);
        let used = app.smtp.wait_for(&person.email, 2).await.remove(1);
        assert!(used.text().contains("il vous reste 9 codes"), "{}", used.text());
        // The enrolment code again: refused, and the owner is told someone may see the codes.
        let replayed = complete(&app, &challenge().await, json!({ "code": code(&secret, app.clock.now()) })).await;
        assert_eq!(replayed.codes(), ["INVALID_CREDENTIALS"]);
        let reused = app.smtp.wait_for(&person.email, 3).await.remove(2);
        assert!(reused.text().contains("déjà utilisé"), "{}", reused.text());
        // Wrong codes up to the daily cap: told once, when the cap is reached.
        for _ in 0..9 {
            complete(&app, &challenge().await, json!({ "code": "000000" })).await;
        }
        let locked = app.smtp.wait_for(&person.email, 4).await.remove(3);
        assert!(locked.text().contains("pendant 24 heures"), "{}", locked.text());
        complete(&app, &challenge().await, json!({ "code": "000000" })).await;
        tokio::time::sleep(StdDuration::from_millis(600)).await;
        assert_eq!(app.smtp.mails_to(&person.email).len(), 4, "no second lock notice");
    }

    async fn a_rolled_back_change_sends_nothing_and_names_cannot_add_headers(app) {
        let deps = app.state.deps();
        let txn = deps.db.begin_write().await.unwrap();
        portal_api::mail::enqueue(&txn, deps.clock.now(), "http://localhost", portal_api::mail::OutgoingMail {
            template: portal_api::mail::Template::PasswordChanged,
            account_id: None,
            to_address: "ghost@client.example",
            to_name: "Ghost",
            language: Language::En,
        }).await.unwrap();
        txn.rollback().await.unwrap();
        app.invite("eve@client.example", "Eve\r\nBcc: spy@evil.example", Language::En).await;
        let mail = app.smtp.wait_for("eve@client.example", 1).await.remove(0);
        assert!(!mail.header_names().contains(&"bcc".to_owned()), "{}", mail.raw);
        assert_eq!(mail.to, ["eve@client.example"]);
        assert!(app.smtp.mails_to("ghost@client.example").is_empty());
        assert!(app.smtp.mails_to("spy@evil.example").is_empty());
    }
}
