//! Sessions: 256-bit random tokens given to the client once; only their SHA-256 is stored.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use entity::{AccountState, CompanyKind, ContactStatus, ProviderRole, SupportRole, session};
use rand::RngCore;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, Statement,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::actor::{Membership, Principal};
use crate::config::Settings;
use crate::contacts::staged_repo;
use crate::db::Db;
use crate::ids::{AccountId, CompanyId, ContactId, new_uuid};
use crate::live;
use crate::sql::placeholders;

/// `last_seen_at` is written at most this often per session, not on every request.
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// How long sessions live (from `auth.*` settings).
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// Idle sessions expire after this long without use.
    pub idle: Duration,
    /// The same for sessions acting as a Security Administrator.
    pub admin_idle: Duration,
    /// Sessions expire this long after they were opened, used or not.
    pub absolute: Duration,
}

impl SessionPolicy {
    pub fn from_settings(settings: &Settings) -> Self {
        let secs = crate::clock::seconds;
        Self {
            idle: secs(settings.auth.session_idle_secs),
            admin_idle: secs(settings.auth.admin_session_idle_secs),
            absolute: secs(settings.auth.session_absolute_secs),
        }
    }

    fn idle_for(&self, security_admin: bool) -> Duration {
        if security_admin {
            self.admin_idle.min(self.idle)
        } else {
            self.idle
        }
    }
}

/// What a new session is for.
#[derive(Debug, Clone, Copy)]
pub struct NewSession {
    pub account_id: AccountId,
    /// The contact (and so the company) the person acts as.
    pub contact_id: Option<ContactId>,
    /// Whether that contact is a Security Administrator (shorter idle expiry).
    pub security_admin: bool,
    /// Whether a second factor was presented.
    pub two_factor: bool,
}

/// A random 256-bit token as given to the client once (base64url, 43 characters): sessions,
/// login challenges and one-time links.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(***)")
    }
}

impl SessionToken {
    pub fn generate() -> Self {
        let mut bytes = [0_u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The token itself, to hand to the client once.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// SHA-256 of a presented token: what the `sessions` table is searched by.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Opens a session for an account acting as one of its contacts.
pub async fn open<C: ConnectionTrait>(
    conn: &C,
    policy: &SessionPolicy,
    now: DateTime<Utc>,
    new: NewSession,
) -> Result<SessionToken, DbErr> {
    let token = SessionToken::generate();
    let expires_at = now + policy.absolute;
    session::Entity::insert(session::ActiveModel {
        id: Set(new_uuid()),
        token_hash: Set(token_hash(token.expose())),
        account_id: Set(new.account_id.uuid()),
        contact_id: Set(new.contact_id.map(|id| id.uuid())),
        two_factor: Set(new.two_factor),
        created_at: Set(now),
        last_seen_at: Set(now),
        idle_expires_at: Set((now + policy.idle_for(new.security_admin)).min(expires_at)),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(token)
}

#[derive(Debug, FromQueryResult)]
struct SessionRow {
    session_id: Uuid,
    account_id: Uuid,
    two_factor: bool,
    last_seen_at: DateTime<Utc>,
    idle_expires_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    account_state: AccountState,
    contact_id: Option<Uuid>,
    company_id: Option<Uuid>,
    support_role: Option<SupportRole>,
    security_admin: Option<bool>,
    provider_role: Option<ProviderRole>,
    contact_status: Option<ContactStatus>,
    company_kind: Option<CompanyKind>,
    company_requires_two_factor: Option<bool>,
}

/// The one query that turns a token hash into a session, its account and its acting contact.
pub const RESOLVE_SQL: &str = "\
SELECT s.id AS session_id, s.account_id, s.two_factor, s.last_seen_at, s.idle_expires_at, \
       s.expires_at, a.state AS account_state, c.id AS contact_id, c.company_id, c.support_role, \
       c.security_admin, c.provider_role, c.status AS contact_status, co.kind AS company_kind, \
       co.require_two_factor AS company_requires_two_factor \
FROM sessions s \
JOIN accounts a ON a.id = s.account_id \
LEFT JOIN contacts c ON c.id = s.contact_id \
LEFT JOIN companies co ON co.id = c.company_id \
WHERE s.token_hash = ? AND s.revoked_at IS NULL";

/// The person behind a presented token, with their current roles, or `None` when the token is
/// unknown, revoked or expired, or the account is not active.
pub async fn resolve(
    db: &Db,
    policy: &SessionPolicy,
    now: DateTime<Utc>,
    token: &str,
) -> Result<Option<Principal>, DbErr> {
    let backend = db.backend();
    let row = SessionRow::find_by_statement(Statement::from_sql_and_values(
        backend,
        placeholders(backend, RESOLVE_SQL),
        [token_hash(token).into()],
    ))
    .one(db.reader())
    .await?;
    let Some(row) = row else { return Ok(None) };
    if row.account_state != AccountState::Active
        || now >= row.expires_at
        || now >= row.idle_expires_at
    {
        return Ok(None);
    }
    let security_admin =
        row.security_admin.unwrap_or(false) && row.contact_status == Some(ContactStatus::Active);
    // A person made Security Administrator during the session gets the shorter idle expiry.
    let idle = policy.idle_for(security_admin);
    if now - row.last_seen_at >= idle {
        return Ok(None);
    }
    if now - row.last_seen_at >= TOUCH_EVERY {
        // Best effort, off the request path: a read never waits for the writer.
        let (db, session_id) = (db.clone(), row.session_id);
        let idle_expires_at = (now + idle).min(row.expires_at);
        tokio::spawn(async move {
            if let Err(err) = touch(&db, session_id, now, idle_expires_at).await {
                tracing::warn!(%err, "cannot record session activity");
            }
        });
    }
    let membership = match (
        row.contact_id,
        row.company_id,
        row.company_kind,
        row.contact_status,
    ) {
        (Some(contact_id), Some(company_id), Some(company_kind), Some(ContactStatus::Active)) => {
            Some(Membership {
                contact_id: ContactId::from_uuid(contact_id),
                company_id: CompanyId::from_uuid(company_id),
                company_kind,
                support_role: row.support_role,
                security_admin: row.security_admin.unwrap_or(false),
                provider_role: row.provider_role,
                requires_two_factor: row.company_requires_two_factor.unwrap_or(false),
            })
        }
        _ => None,
    };
    Ok(Some(Principal {
        account_id: AccountId::from_uuid(row.account_id),
        session_id: row.session_id,
        two_factor: row.two_factor,
        ends_at: row
            .expires_at
            .min(row.idle_expires_at)
            .min(row.last_seen_at + idle),
        membership,
    }))
}

async fn touch(
    db: &Db,
    session_id: Uuid,
    now: DateTime<Utc>,
    idle_expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, now.into())
        .col_expr(session::Column::IdleExpiresAt, idle_expires_at.into())
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::LastSeenAt.lt(now))
        .exec(db.writer())
        .await?;
    Ok(())
}

/// Ends one session of `account_id`; the role changes it staged are dropped with it, and its
/// live subscriptions end when the transaction commits.
pub async fn revoke<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    live::access_changed(conn, now, account_id.uuid()).await?;
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, now.into())
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    staged_repo::drop_of_session(conn, session_id).await
}

/// Makes a session of `account_id` act as another contact of the same account (another
/// company); its live subscriptions follow when the transaction commits.
pub async fn switch_contact<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    account_id: AccountId,
    session_id: Uuid,
    contact_id: ContactId,
) -> Result<(), DbErr> {
    live::access_changed(conn, now, account_id.uuid()).await?;
    session::Entity::update_many()
        .col_expr(session::Column::ContactId, Some(contact_id.uuid()).into())
        .filter(session::Column::Id.eq(session_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Ends every live session of an account except `keep`; returns how many were ended.
pub async fn revoke_all<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
    keep: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut update = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, now.into())
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .filter(session::Column::IdleExpiresAt.gt(now));
    if let Some(keep) = keep {
        update = update.filter(session::Column::Id.ne(keep));
    }
    let ended = update.exec(conn).await?.rows_affected;
    if ended > 0 {
        live::access_changed(conn, now, account_id.uuid()).await?;
    }
    staged_repo::drop_of_account(conn, account_id, keep).await?;
    Ok(ended)
}

/// Records that a session's holder has (or no longer has) presented a second factor.
pub async fn set_two_factor<C: ConnectionTrait>(
    conn: &C,
    session_id: Uuid,
    two_factor: bool,
) -> Result<(), DbErr> {
    session::Entity::update_many()
        .col_expr(session::Column::TwoFactor, two_factor.into())
        .filter(session::Column::Id.eq(session_id))
        .exec(conn)
        .await?;
    Ok(())
}
