//! The two login steps, the second factor check, and logging out.
//!
//! Step 1 checks the password. Without a second factor it opens a session; with one it gives a
//! short-lived challenge token that can only be used for step 2, which checks a TOTP code or a
//! recovery code and opens a session with a new token. Every failure answers alike
//! (`INVALID_CREDENTIALS`): unknown login, wrong password, disabled or throttled account.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use entity::{
    AccountState, AttemptKind, ContactStatus, account, contact, login_challenge, recovery_code,
    second_factor,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::sessions::{self, NewSession, SessionToken, token_hash};
use super::{Principal, throttle, totp};
use crate::audit::{self, AuditEntry};
use crate::clock::seconds;
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult};
use crate::ids::new_uuid;

/// Where a request comes from, for throttling and the audit journal.
#[derive(Debug, Clone, Copy, Default)]
pub struct Client {
    pub addr: Option<IpAddr>,
}

/// The result of a correct password.
#[derive(Debug)]
pub enum LoginOutcome {
    /// A session is open.
    SignedIn { token: SessionToken },
    /// The account has a second factor: send it with this challenge before it expires.
    SecondFactorRequired {
        challenge: SessionToken,
        expires_at: DateTime<Utc>,
    },
}

/// The second factor of step 2.
#[derive(Debug, Clone)]
pub enum SecondFactor {
    /// A 6-digit code from the authenticator app.
    Code(String),
    /// One of the account's recovery codes.
    RecoveryCode(String),
}

/// The account a login name or e-mail address designates.
async fn find_account<C: ConnectionTrait>(
    conn: &C,
    login: &str,
) -> ApiResult<Option<account::Model>> {
    let key = login.trim().to_lowercase();
    if key.is_empty() || key.len() > 254 {
        return Ok(None);
    }
    Ok(account::Entity::find()
        .filter(
            Condition::any()
                .add(account::Column::Login.eq(key.clone()))
                .add(account::Column::Email.eq(key)),
        )
        .one(conn)
        .await?)
}

/// The active contact a new session acts as: the oldest one.
pub async fn default_contact<C: ConnectionTrait>(
    conn: &C,
    account_id: Uuid,
) -> ApiResult<Option<contact::Model>> {
    Ok(contact::Entity::find()
        .filter(contact::Column::AccountId.eq(account_id))
        .filter(contact::Column::Status.eq(ContactStatus::Active))
        .order_by_asc(contact::Column::CreatedAt)
        .order_by_asc(contact::Column::Id)
        .one(conn)
        .await?)
}

/// Whether the account has a confirmed second factor.
pub async fn has_second_factor<C: ConnectionTrait>(conn: &C, account_id: Uuid) -> ApiResult<bool> {
    Ok(second_factor::Entity::find_by_id(account_id)
        .filter(second_factor::Column::ConfirmedAt.is_not_null())
        .one(conn)
        .await?
        .is_some())
}

async fn open_session<C: ConnectionTrait>(
    conn: &C,
    deps: &Deps,
    now: DateTime<Utc>,
    account_id: Uuid,
    contact: Option<&contact::Model>,
    two_factor: bool,
) -> ApiResult<SessionToken> {
    Ok(sessions::open(
        conn,
        &deps.sessions,
        now,
        NewSession {
            account_id,
            contact_id: contact.map(|c| c.id),
            security_admin: contact.is_some_and(|c| c.security_admin),
            two_factor,
        },
    )
    .await?)
}

/// Step 1: the password.
pub async fn login(
    deps: &Deps,
    client: Client,
    login: &str,
    password: String,
) -> ApiResult<LoginOutcome> {
    let now = deps.clock.now();
    let Some(account) = find_account(deps.db.reader(), login).await? else {
        deps.passwords.verify_or_dummy(password, None).await?;
        return Err(ApiError::InvalidCredentials);
    };
    let txn = deps.db.begin_write().await?;
    let reservation = throttle::reserve(&txn, account.id, AttemptKind::Password, now).await?;
    if reservation.is_none() {
        let entry = AuditEntry::on_account("LOGIN_THROTTLED", account.id, client.addr);
        audit::record(&txn, now, entry).await?;
    }
    txn.commit().await?;
    // The hash is checked even when throttled, so the answer takes the same time.
    let matches = deps
        .passwords
        .verify_or_dummy(password, account.password_hash.clone())
        .await?;
    let Some(reservation) = reservation else {
        return Err(ApiError::InvalidCredentials);
    };
    let txn = deps.db.begin_write().await?;
    if !matches || account.state != AccountState::Active {
        let entry = AuditEntry::on_account("LOGIN_FAILED", account.id, client.addr);
        audit::record(&txn, now, entry).await?;
        txn.commit().await?;
        return Err(ApiError::InvalidCredentials);
    }
    throttle::succeeded(&txn, reservation).await?;
    let contact = default_contact(&txn, account.id).await?;
    let outcome = if has_second_factor(&txn, account.id).await? {
        let challenge = SessionToken::generate();
        let expires_at = now + seconds(deps.settings.auth.challenge_secs);
        login_challenge::Entity::insert(login_challenge::ActiveModel {
            id: Set(new_uuid()),
            token_hash: Set(token_hash(challenge.expose())),
            account_id: Set(account.id),
            contact_id: Set(contact.as_ref().map(|c| c.id)),
            created_at: Set(now),
            expires_at: Set(expires_at),
            used_at: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
        let entry = AuditEntry::on_account("LOGIN_PASSWORD_ACCEPTED", account.id, client.addr);
        audit::record(&txn, now, entry).await?;
        LoginOutcome::SecondFactorRequired {
            challenge,
            expires_at,
        }
    } else {
        let token = open_session(&txn, deps, now, account.id, contact.as_ref(), false).await?;
        let entry = AuditEntry::on_account("LOGIN_SUCCEEDED", account.id, client.addr);
        audit::record(&txn, now, entry).await?;
        LoginOutcome::SignedIn { token }
    };
    txn.commit().await?;
    Ok(outcome)
}

/// Checks a TOTP code and, if right, records its time step: accepted only when later than the
/// last accepted one (compare-and-set), so a code works once. `confirmed` selects an enabled
/// factor or one waiting for enrolment confirmation.
pub async fn check_totp<C: ConnectionTrait>(
    conn: &C,
    deps: &Deps,
    account_id: Uuid,
    code: &str,
    now: DateTime<Utc>,
    confirmed: bool,
) -> ApiResult<bool> {
    let column = second_factor::Column::ConfirmedAt;
    let Some(row) = second_factor::Entity::find_by_id(account_id)
        .filter(if confirmed {
            column.is_not_null()
        } else {
            column.is_null()
        })
        .one(conn)
        .await?
    else {
        return Ok(false);
    };
    let secret = deps
        .secrets
        .open(account_id, &row.secret)
        .map_err(ApiError::internal)?;
    let unix = u64::try_from(now.timestamp()).unwrap_or(0);
    let Some(step) = totp::matching_step(&secret, code, unix)? else {
        return Ok(false);
    };
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    let mut update = second_factor::Entity::update_many()
        .col_expr(second_factor::Column::LastStep, Some(step).into())
        .filter(second_factor::Column::AccountId.eq(account_id))
        .filter(
            Condition::any()
                .add(second_factor::Column::LastStep.is_null())
                .add(second_factor::Column::LastStep.lt(step)),
        );
    if !confirmed {
        update = update.col_expr(second_factor::Column::ConfirmedAt, Some(now).into());
    }
    Ok(update.exec(conn).await?.rows_affected == 1)
}

/// Uses one of the account's recovery codes, if `code` is one that is still unused.
async fn use_recovery_code<C: ConnectionTrait>(
    conn: &C,
    account_id: Uuid,
    code: &str,
    now: DateTime<Utc>,
) -> ApiResult<bool> {
    let Some(canonical) = totp::normalize_recovery_code(code) else {
        return Ok(false);
    };
    let unused = recovery_code::Entity::find()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .all(conn)
        .await?;
    let Some(found) = unused
        .iter()
        .find(|row| totp::hash_recovery_code(&row.salt, &canonical) == row.code_hash)
    else {
        return Ok(false);
    };
    let used = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Some(now).into())
        .filter(recovery_code::Column::Id.eq(found.id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    Ok(used.rows_affected == 1)
}

/// Step 2: the second factor, with the challenge of step 1. Opens a session with a new token.
pub async fn complete_login(
    deps: &Deps,
    client: Client,
    challenge: &str,
    factor: SecondFactor,
) -> ApiResult<SessionToken> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let Some(row) = login_challenge::Entity::find()
        .filter(login_challenge::Column::TokenHash.eq(token_hash(challenge)))
        .one(&txn)
        .await?
        .filter(|row| row.used_at.is_none() && now < row.expires_at)
    else {
        return Err(ApiError::InvalidCredentials);
    };
    let account_id = row.account_id;
    let Some(reservation) =
        throttle::reserve(&txn, account_id, AttemptKind::SecondFactor, now).await?
    else {
        let entry = AuditEntry::on_account("SECOND_FACTOR_THROTTLED", account_id, client.addr);
        audit::record(&txn, now, entry).await?;
        txn.commit().await?;
        return Err(ApiError::InvalidCredentials);
    };
    let active = account::Entity::find_by_id(account_id)
        .one(&txn)
        .await?
        .is_some_and(|a| a.state == AccountState::Active);
    let (accepted, action) = match &factor {
        SecondFactor::Code(code) => (
            active && check_totp(&txn, deps, account_id, code, now, true).await?,
            "LOGIN_SUCCEEDED",
        ),
        SecondFactor::RecoveryCode(code) => (
            active && use_recovery_code(&txn, account_id, code, now).await?,
            "LOGIN_SUCCEEDED_WITH_RECOVERY_CODE",
        ),
    };
    if !accepted {
        let entry = AuditEntry::on_account("SECOND_FACTOR_FAILED", account_id, client.addr);
        audit::record(&txn, now, entry).await?;
        txn.commit().await?;
        return Err(ApiError::InvalidCredentials);
    }
    let claimed = login_challenge::Entity::update_many()
        .col_expr(login_challenge::Column::UsedAt, Some(now).into())
        .filter(login_challenge::Column::Id.eq(row.id))
        .filter(login_challenge::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        txn.rollback().await?;
        return Err(ApiError::InvalidCredentials);
    }
    throttle::succeeded(&txn, reservation).await?;
    let contact = match row.contact_id {
        Some(id) => {
            contact::Entity::find_by_id(id)
                .filter(contact::Column::Status.eq(ContactStatus::Active))
                .one(&txn)
                .await?
        }
        None => None,
    };
    let token = open_session(&txn, deps, now, account_id, contact.as_ref(), true).await?;
    audit::record(
        &txn,
        now,
        AuditEntry::on_account(action, account_id, client.addr),
    )
    .await?;
    txn.commit().await?;
    Ok(token)
}

/// Ends the caller's session.
pub async fn logout(deps: &Deps, client: Client, principal: &Principal) -> ApiResult<()> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    sessions::revoke(&txn, principal.session_id, now).await?;
    let entry = AuditEntry::on_account("LOGOUT", principal.account_id, client.addr);
    audit::record(&txn, now, entry).await?;
    txn.commit().await?;
    Ok(())
}

/// Ends every session of the caller's account, this one included; returns how many.
pub async fn logout_everywhere(
    deps: &Deps,
    client: Client,
    principal: &Principal,
) -> ApiResult<u64> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let ended = sessions::revoke_all(&txn, principal.account_id, None, now).await?;
    let entry = AuditEntry::on_account("LOGOUT_EVERYWHERE", principal.account_id, client.addr);
    audit::record(&txn, now, entry).await?;
    txn.commit().await?;
    Ok(ended)
}
