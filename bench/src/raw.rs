//! The baseline: plain axum handlers that run, with sqlx directly, the same SQL the GraphQL
//! operation needs, on the same database pool, and write the same JSON.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::{DateTime, Utc};
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, StatusCode};
use portal_api::db::{Db, Engine};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The filtered and sorted first page of the contacts benchmark (issue 4).
pub const ADVANCED_CONTACTS_QUERY: &str = "query Advanced { viewer { company { contacts(first: 50, filter: { statuses: [ACTIVE], supportRoles: [SUPPORT_ADVANCED] }, orderBy: { field: NAME, direction: ASC }) { edges { node { id lastName firstName email supportRole securityAdministrator status } } } } } }";

/// The GraphQL operation the contact list benchmark sends.
pub const CONTACTS_QUERY: &str = "query Contacts { viewer { company { contacts(first: 50) { edges { node { id lastName firstName email supportRole securityAdministrator status } } } } } }";

const STATIC_TYPENAME: &str = r#"{"data":{"__typename":"Query"}}"#;

/// Exactly the statement the portal runs to resolve a session.
const SESSION_SQL: &str = portal_api::auth::sessions::RESOLVE_SQL;

const COMPANY_SQL: &str = "SELECT id, human_id, name, name_key, kind, language, require_two_factor, \
auto_close_after_secs, reopen_window_secs, version, created_at, updated_at FROM companies WHERE id = ? LIMIT 1";

const CONTACTS_SQL: &str = "SELECT id, company_id, account_id, last_name, first_name, email, name_key, support_role, \
security_admin, provider_role, status, version, created_at, updated_at FROM contacts WHERE company_id = ? \
ORDER BY name_key ASC, id ASC LIMIT ?";

const ADVANCED_CONTACTS_SQL: &str = "SELECT id, company_id, account_id, last_name, first_name, email, name_key, support_role, \
security_admin, provider_role, status, version, created_at, updated_at FROM contacts WHERE company_id = ? \
AND status IN ('ACTIVE') AND support_role IN ('SUPPORT_ADVANCED') ORDER BY name_key ASC, id ASC LIMIT ?";

/// The raw routes, on the portal's own pools.
pub fn router(db: &Db) -> Router {
    Router::new()
        .route("/raw/typename", post(typename))
        .route("/raw/contacts", post(all_contacts))
        .route("/raw/contacts-advanced", post(advanced_contacts))
        .with_state(db.clone())
}

async fn typename() -> Response {
    (
        [(
            CONTENT_TYPE,
            "application/graphql-response+json; charset=utf-8",
        )],
        STATIC_TYPENAME,
    )
        .into_response()
}

fn json_response(value: &Value) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (
            [(
                CONTENT_TYPE,
                "application/graphql-response+json; charset=utf-8",
            )],
            body,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

struct Session {
    account_ok: bool,
    valid_until: DateTime<Utc>,
    company_id: Option<Uuid>,
    support_role: Option<String>,
    security_admin: bool,
    company_kind: Option<String>,
}

struct ContactRow {
    id: Uuid,
    last_name: String,
    first_name: String,
    email: String,
    support_role: Option<String>,
    security_admin: bool,
    status: String,
}

macro_rules! engine_queries {
    ($module:ident, $pool:ty, $rewrite:expr) => {
        mod $module {
            use super::*;

            pub(super) async fn session(
                pool: &$pool,
                hash: &[u8],
            ) -> sqlx::Result<Option<Session>> {
                let sql = $rewrite(SESSION_SQL);
                let row: Option<(
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
                )> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(hash)
                    .fetch_optional(pool)
                    .await?;
                Ok(row.map(|r| Session {
                    account_ok: r.6 == "ACTIVE" && r.12.as_deref() == Some("ACTIVE"),
                    valid_until: r.4.min(r.5),
                    company_id: r.8,
                    support_role: r.9,
                    security_admin: r.10.unwrap_or(false),
                    company_kind: r.13,
                }))
            }

            pub(super) async fn company_exists(pool: &$pool, id: Uuid) -> sqlx::Result<bool> {
                let sql = $rewrite(COMPANY_SQL);
                let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(id)
                    .fetch_optional(pool)
                    .await?;
                Ok(row.is_some())
            }

            pub(super) async fn contacts(
                pool: &$pool,
                list_sql: &str,
                company_id: Uuid,
            ) -> sqlx::Result<Vec<ContactRow>> {
                let sql = $rewrite(list_sql);
                let rows: Vec<(
                    Uuid,
                    Uuid,
                    Uuid,
                    String,
                    String,
                    String,
                    String,
                    Option<String>,
                    bool,
                    Option<String>,
                    String,
                    i32,
                    DateTime<Utc>,
                    DateTime<Utc>,
                )> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(company_id)
                    .bind(51_i64)
                    .fetch_all(pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| ContactRow {
                        id: r.0,
                        last_name: r.3,
                        first_name: r.4,
                        email: r.5,
                        support_role: r.7,
                        security_admin: r.8,
                        status: r.10,
                    })
                    .collect())
            }
        }
    };
}

fn postgres_placeholders(sql: &str) -> String {
    portal_api::sql::placeholders(sea_orm::DatabaseBackend::Postgres, sql)
}

engine_queries!(on_sqlite, sqlx::SqlitePool, |sql: &str| sql.to_owned());
engine_queries!(on_postgres, sqlx::PgPool, postgres_placeholders);

async fn all_contacts(State(db): State<Db>, headers: HeaderMap) -> Response {
    contacts(&db, &headers, CONTACTS_SQL).await
}

async fn advanced_contacts(State(db): State<Db>, headers: HeaderMap) -> Response {
    contacts(&db, &headers, ADVANCED_CONTACTS_SQL).await
}

async fn contacts(db: &Db, headers: &HeaderMap, list_sql: &str) -> Response {
    let Some(token) = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let hash = Sha256::digest(token.as_bytes()).to_vec();
    let result = match db.engine() {
        Engine::Sqlite => {
            let pool = db.reader().get_sqlite_connection_pool();
            load(
                on_sqlite::session(pool, &hash),
                |id| on_sqlite::company_exists(pool, id),
                |id| on_sqlite::contacts(pool, list_sql, id),
            )
            .await
        }
        Engine::Postgres => {
            let pool = db.reader().get_postgres_connection_pool();
            load(
                on_postgres::session(pool, &hash),
                |id| on_postgres::company_exists(pool, id),
                |id| on_postgres::contacts(pool, list_sql, id),
            )
            .await
        }
    };
    match result {
        Ok(Some(value)) => json_response(&value),
        Ok(None) => StatusCode::FORBIDDEN.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn load<S, C, CF, L, LF>(session: S, company: C, list: L) -> sqlx::Result<Option<Value>>
where
    S: Future<Output = sqlx::Result<Option<Session>>>,
    C: FnOnce(Uuid) -> CF,
    CF: Future<Output = sqlx::Result<bool>>,
    L: FnOnce(Uuid) -> LF,
    LF: Future<Output = sqlx::Result<Vec<ContactRow>>>,
{
    let Some(session) = session.await? else {
        return Ok(None);
    };
    let allowed = session.account_ok
        && Utc::now() < session.valid_until
        && session.company_kind.as_deref() == Some("CUSTOMER")
        && (session.security_admin
            || session.support_role.as_deref() == Some("SUPPORT_ADMINISTRATOR"));
    let Some(company_id) = session.company_id.filter(|_| allowed) else {
        return Ok(None);
    };
    if !company(company_id).await? {
        return Ok(None);
    }
    let mut rows = list(company_id).await?;
    rows.truncate(50);
    let edges: Vec<Value> = rows
        .into_iter()
        .map(|row| {
            json!({ "node": {
                "id": format!("ct_{}", row.id.simple()),
                "lastName": row.last_name,
                "firstName": row.first_name,
                "email": row.email,
                "supportRole": row.support_role,
                "securityAdministrator": row.security_admin,
                "status": row.status,
            }})
        })
        .collect();
    Ok(Some(
        json!({ "data": { "viewer": { "company": { "contacts": { "edges": edges } } } } }),
    ))
}
