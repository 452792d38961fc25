//! The lifecycle baseline: an axum handler that runs, with sqlx on the portal's own pools, the
//! SQL one agent action needs and nothing else: resolve the session, lock the request (reading
//! its requester's address), check the state, update it, insert the history row, insert the
//! outbox mail, commit. It toggles a request between `SUPPORT_ANALYSIS` and `WAITING_EXTERNAL`
//! as `PAUSE_FOR_EXTERNAL` and `RESUME` do, and answers the JSON our mutation answers.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::{DateTime, Utc};
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, StatusCode};
use portal_api::db::{Db, Engine};
use portal_api::mail::MailSignal;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

const SESSION_SQL: &str = portal_api::auth::sessions::RESOLVE_SQL;

const LOCK_SQL: &str = "SELECT r.state, r.version, a.email, a.language FROM requests r \
JOIN contacts c ON c.id = r.requester_contact_id JOIN accounts a ON a.id = c.account_id \
WHERE r.id = ?";

const UPDATE_SQL: &str = "UPDATE requests SET state = ?, version = version + 1, updated_at = ?, \
state_changed_at = ? WHERE id = ? AND version = ?";

const EVENT_SQL: &str = "INSERT INTO request_events (id, request_id, occurred_at, actor_account_id, \
actor_contact_id, side, kind, action, from_state, to_state) VALUES (?, ?, ?, ?, ?, 'SUPPORT', \
'STATE_CHANGED', ?, ?, ?)";

const OUTBOX_SQL: &str = "INSERT INTO mail_outbox (id, message_id, kind, account_id, to_address, \
to_name, language, subject, body_text, body_html, status, attempts, next_attempt_at, created_at) \
VALUES (?, ?, 'REQUEST_NOTICE', NULL, ?, '', ?, ?, ?, ?, 'PENDING', 0, ?, ?)";

#[derive(Clone)]
struct Raw {
    db: Db,
    mail: MailSignal,
}

/// `POST /raw/transition` with the body `{"requestId": "<uuid>", "action": "PAUSE_FOR_EXTERNAL"
/// | "RESUME"}`.
pub fn router(db: &Db, mail: MailSignal) -> Router {
    Router::new()
        .route("/raw/transition", post(transition))
        .with_state(Raw {
            db: db.clone(),
            mail,
        })
}

struct Staff {
    account_id: Uuid,
    contact_id: Uuid,
}

/// An applied action: the new state and version.
struct Done {
    state: &'static str,
    version: i32,
}

async fn transition(State(raw): State<Raw>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(token) = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let Ok(input) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let Some(request_id) = input["requestId"]
        .as_str()
        .and_then(|id| Uuid::try_parse(id).ok())
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let (from, to) = match input["action"].as_str() {
        Some("PAUSE_FOR_EXTERNAL") => ("SUPPORT_ANALYSIS", "WAITING_EXTERNAL"),
        Some("RESUME") => ("WAITING_EXTERNAL", "SUPPORT_ANALYSIS"),
        _ => return StatusCode::BAD_REQUEST.into_response(),
    };
    let action = input["action"].as_str().unwrap_or_default().to_owned();
    let hash = Sha256::digest(token.as_bytes()).to_vec();
    let done = match raw.db.engine() {
        Engine::Sqlite => {
            let reader = raw.db.reader().get_sqlite_connection_pool();
            let writer = raw.db.writer().get_sqlite_connection_pool();
            on_sqlite::act(reader, writer, &hash, request_id, &action, from, to).await
        }
        Engine::Postgres => {
            let pool = raw.db.writer().get_postgres_connection_pool();
            on_postgres::act(pool, pool, &hash, request_id, &action, from, to).await
        }
    };
    match done {
        Ok(Some(done)) => {
            raw.mail.wake();
            let body = json!({ "data": { "transitionRequest": { "request": {
                "state": done.state, "version": done.version } } } });
            (
                [(
                    CONTENT_TYPE,
                    "application/graphql-response+json; charset=utf-8",
                )],
                body.to_string(),
            )
                .into_response()
        }
        Ok(None) => StatusCode::CONFLICT.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn staff_of(row: Option<SessionRow>) -> Option<Staff> {
    let r = row?;
    let valid = r.6 == "ACTIVE"
        && r.2
        && Utc::now() < r.4.min(r.5)
        && r.12.as_deref() == Some("ACTIVE")
        && matches!(r.11.as_deref(), Some("SUPPORT_AGENT" | "SUPPORT_MANAGER"));
    valid.then_some(Staff {
        account_id: r.1,
        contact_id: r.7?,
    })
}

type SessionRow = (
    Uuid,
    Uuid,
    bool,
    DateTime<Utc>,
    DateTime<Utc>,
    DateTime<Utc>,
    String,
    Option<Uuid>,
    Option<Uuid>,
    Option<String>,
    Option<bool>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<bool>,
);

macro_rules! engine_queries {
    ($module:ident, $pool:ty, $rewrite:expr, $lock:expr) => {
        mod $module {
            use super::*;

            pub(super) async fn act(
                reader: &$pool,
                writer: &$pool,
                hash: &[u8],
                request_id: Uuid,
                action: &str,
                from: &'static str,
                to: &'static str,
            ) -> sqlx::Result<Option<Done>> {
                let session: Option<SessionRow> =
                    sqlx::query_as(sqlx::AssertSqlSafe($rewrite(SESSION_SQL)))
                        .bind(hash)
                        .fetch_optional(reader)
                        .await?;
                let Some(staff) = staff_of(session) else {
                    return Ok(None);
                };
                let now = Utc::now();
                let mut txn = writer.begin().await?;
                let lock = format!("{LOCK_SQL}{}", $lock);
                let row: Option<(String, i32, String, String)> =
                    sqlx::query_as(sqlx::AssertSqlSafe($rewrite(&lock)))
                        .bind(request_id)
                        .fetch_optional(&mut *txn)
                        .await?;
                let Some((state, version, email, language)) = row else {
                    return Ok(None);
                };
                if state != from {
                    return Ok(None);
                }
                sqlx::query(sqlx::AssertSqlSafe($rewrite(UPDATE_SQL)))
                    .bind(to)
                    .bind(now)
                    .bind(now)
                    .bind(request_id)
                    .bind(version)
                    .execute(&mut *txn)
                    .await?;
                sqlx::query(sqlx::AssertSqlSafe($rewrite(EVENT_SQL)))
                    .bind(Uuid::now_v7())
                    .bind(request_id)
                    .bind(now)
                    .bind(staff.account_id)
                    .bind(staff.contact_id)
                    .bind(action)
                    .bind(from)
                    .bind(to)
                    .execute(&mut *txn)
                    .await?;
                let mail_id = Uuid::now_v7();
                let subject = format!("[SR] {action}");
                sqlx::query(sqlx::AssertSqlSafe($rewrite(OUTBOX_SQL)))
                    .bind(mail_id)
                    .bind(format!("<{}@localhost>", mail_id.simple()))
                    .bind(email)
                    .bind(language)
                    .bind(&subject)
                    .bind(&subject)
                    .bind(&subject)
                    .bind(now)
                    .bind(now)
                    .execute(&mut *txn)
                    .await?;
                txn.commit().await?;
                Ok(Some(Done {
                    state: to,
                    version: version + 1,
                }))
            }
        }
    };
}

fn postgres_placeholders(sql: &str) -> String {
    portal_api::sql::placeholders(sea_orm::DatabaseBackend::Postgres, sql)
}

engine_queries!(on_sqlite, sqlx::SqlitePool, |sql: &str| sql.to_owned(), "");
engine_queries!(
    on_postgres,
    sqlx::PgPool,
    |sql: &str| postgres_placeholders(sql),
    " FOR UPDATE OF r"
);
