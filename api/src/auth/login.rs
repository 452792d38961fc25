//! The two login steps, the second factor check, switching company, and logging out.
//!
//! Step 1 checks the password. Without a second factor it opens a session; with one it gives a
//! short-lived challenge token that can only be used for step 2, which checks a TOTP code or a
//! recovery code and opens a session with a new token. Every failure answers alike
//! (`INVALID_CREDENTIALS`): unknown login, wrong password, disabled or throttled account.

use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use entity::{AccountState, AttemptKind, account, contact};
use sea_orm::ConnectionTrait;

use super::sessions::{self, NewSession, SessionToken};
use super::{Actor, Principal, challenges, known_clients, throttle, totp};
use crate::accounts::{factors, notices, repo as accounts};
use crate::audit::{self, AuditAction, AuditEntry};
use crate::clock::seconds;
use crate::contacts::{self, Contact};
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult};
use crate::ids::{AccountId, CompanyId, ContactId};
use crate::mail::Template;

use super::limits::SECOND_FACTOR_FAILURES_PER_DAY;

/// Where a request comes from, for throttling, the audit journal and new-client notices.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub addr: Option<IpAddr>,
    /// The `User-Agent` the client sent, at most [`AGENT_MAX`] characters.
    pub agent: Option<Arc<str>>,
}

/// The longest `User-Agent` kept.
pub const AGENT_MAX: usize = 256;

impl Client {
    /// A client at `addr` that sent `agent` as its `User-Agent`.
    pub fn new(addr: Option<IpAddr>, agent: Option<&str>) -> Self {
        let agent = agent
            .map(|a| {
                a.chars()
                    .filter(|c| !c.is_control())
                    .take(AGENT_MAX)
                    .collect::<String>()
            })
            .filter(|a| !a.trim().is_empty());
        Self {
            addr,
            agent: agent.map(Arc::from),
        }
    }
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

/// The caller behind a presented session token: `Anonymous` when the token is unknown,
/// revoked or expired, or its account cannot log in.
pub async fn authenticate(deps: &Deps, token: Option<&str>) -> ApiResult<Actor> {
    let Some(token) = token else {
        return Ok(Actor::Anonymous);
    };
    let principal = sessions::resolve(&deps.db, &deps.sessions, deps.clock.now(), token).await?;
    Ok(principal.map_or(Actor::Anonymous, Actor::Person))
}

async fn open_session<C: ConnectionTrait>(
    conn: &C,
    deps: &Deps,
    now: DateTime<Utc>,
    account_id: AccountId,
    contact: Option<&contact::Model>,
    two_factor: bool,
) -> ApiResult<SessionToken> {
    let new = NewSession {
        account_id,
        contact_id: contact.map(|c| ContactId::from_uuid(c.id)),
        security_admin: contact.is_some_and(|c| c.security_admin),
        two_factor,
    };
    Ok(sessions::open(conn, &deps.sessions, now, new).await?)
}

/// Remembers the client of a sign-in; mails the owner when it is new to an account that had
/// signed in before.
async fn tell_if_new_client<C: ConnectionTrait>(
    conn: &C,
    deps: &Deps,
    now: DateTime<Utc>,
    account: &account::Model,
    client: &Client,
) -> ApiResult<()> {
    let account_id = AccountId::from_uuid(account.id);
    if known_clients::remember(conn, &deps.secrets, account_id, client, now).await? {
        let at = now.format("%Y-%m-%d %H:%M UTC").to_string();
        let address = client.addr.map(|addr| addr.to_string());
        let agent = client
            .agent
            .as_deref()
            .and_then(known_clients::describe_agent);
        let template = Template::NewSignIn {
            at: &at,
            address: address.as_deref(),
            agent: agent.as_deref(),
        };
        notices::send(conn, deps, now, account, template).await?;
    }
    Ok(())
}

/// Step 1: the password. A failure answers no sooner than `auth.answer_floor_ms` after the
/// request began, whatever made it fail: an unknown login does less work (no throttling rows,
/// no journal entry) than a wrong password, and must not be told apart by its time.
pub async fn login(
    deps: &Deps,
    client: Client,
    login: &str,
    password: String,
) -> ApiResult<LoginOutcome> {
    let started = tokio::time::Instant::now();
    let outcome = check_password(deps, client, login, password).await;
    if matches!(outcome, Err(ApiError::InvalidCredentials)) {
        wait_for_answer_floor(deps, started).await;
    }
    outcome
}

/// Waits until `auth.answer_floor_ms` after `started` (answers that must not tell whether a
/// login or an address exists).
pub(crate) async fn wait_for_answer_floor(deps: &Deps, started: tokio::time::Instant) {
    let floor = std::time::Duration::from_millis(deps.settings.auth.answer_floor_ms);
    tokio::time::sleep_until(started + floor).await;
}

async fn check_password(
    deps: &Deps,
    client: Client,
    login: &str,
    password: String,
) -> ApiResult<LoginOutcome> {
    let now = deps.clock.now();
    let Some(account) = accounts::find_by_login_or_email(deps.db.reader(), login).await? else {
        deps.passwords.verify_or_dummy(password, None).await?;
        return Err(ApiError::InvalidCredentials);
    };
    let account_id = AccountId::from_uuid(account.id);
    let txn = deps.db.begin_write().await?;
    let reservation = throttle::reserve(&txn, account_id, AttemptKind::Password, now).await?;
    if reservation.is_none() {
        let entry = AuditEntry::on_account(AuditAction::LoginThrottled, account_id, client.addr);
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
        let entry = AuditEntry::on_account(AuditAction::LoginFailed, account_id, client.addr);
        audit::record(&txn, now, entry).await?;
        txn.commit().await?;
        return Err(ApiError::InvalidCredentials);
    }
    throttle::succeeded(&txn, reservation).await?;
    let contact = contacts::repo::default_of_account(&txn, account_id).await?;
    let outcome = if factors::is_enabled(&txn, account_id).await? {
        let challenge = SessionToken::generate();
        let expires_at = now + seconds(deps.settings.auth.challenge_secs);
        let contact_id = contact.as_ref().map(|c| ContactId::from_uuid(c.id));
        challenges::insert(
            &txn,
            challenge.expose(),
            account_id,
            contact_id,
            now,
            expires_at,
        )
        .await?;
        let action = AuditAction::LoginPasswordAccepted;
        let entry = AuditEntry::on_account(action, account_id, client.addr);
        audit::record(&txn, now, entry).await?;
        LoginOutcome::SecondFactorRequired {
            challenge,
            expires_at,
        }
    } else {
        let token = open_session(&txn, deps, now, account_id, contact.as_ref(), false).await?;
        let entry = AuditEntry::on_account(AuditAction::LoginSucceeded, account_id, client.addr);
        audit::record(&txn, now, entry).await?;
        tell_if_new_client(&txn, deps, now, &account, &client).await?;
        LoginOutcome::SignedIn { token }
    };
    deps.commit(txn).await?;
    Ok(outcome)
}

/// What a TOTP code turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotpCheck {
    Accepted,
    Wrong,
    /// A right code whose time step was already used: a replay, or someone else sees the codes.
    Reused,
}

/// Checks a TOTP code and, if right, records its time step: accepted only when later than the
/// last accepted one (compare-and-set), so a code works once. `confirmed` selects an enabled
/// factor or one waiting for enrolment confirmation (which this confirms).
pub async fn check_totp<C: ConnectionTrait>(
    conn: &C,
    deps: &Deps,
    account_id: AccountId,
    code: &str,
    now: DateTime<Utc>,
    confirmed: bool,
) -> ApiResult<TotpCheck> {
    let Some(row) = factors::find(conn, account_id, confirmed).await? else {
        return Ok(TotpCheck::Wrong);
    };
    let secret = deps
        .secrets
        .open(account_id.uuid(), &row.secret)
        .map_err(ApiError::internal)?;
    let unix = u64::try_from(now.timestamp()).unwrap_or(0);
    let Some(step) = totp::matching_step(&secret, code, unix)? else {
        return Ok(TotpCheck::Wrong);
    };
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    let confirm_at = (!confirmed).then_some(now);
    Ok(
        if factors::accept_step(conn, account_id, step, confirm_at).await? {
            TotpCheck::Accepted
        } else {
            TotpCheck::Reused
        },
    )
}

/// Records a failed second-factor check: its journal entry, and the notices it calls for (a
/// right code sent again; the daily failure cap just reached).
pub(crate) async fn second_factor_failed<C: ConnectionTrait>(
    conn: &C,
    deps: &Deps,
    now: DateTime<Utc>,
    account_id: AccountId,
    client: Client,
    reused: bool,
) -> ApiResult<()> {
    let entry = AuditEntry::on_account(AuditAction::SecondFactorFailed, account_id, client.addr);
    audit::record(conn, now, entry).await?;
    let Some(account) = accounts::find(conn, account_id).await? else {
        return Ok(());
    };
    if reused {
        notices::send(conn, deps, now, &account, Template::SecondFactorCodeReused).await?;
    }
    if throttle::second_factor_failures(conn, account_id, now).await?
        == SECOND_FACTOR_FAILURES_PER_DAY
    {
        notices::send(conn, deps, now, &account, Template::SecondFactorLocked).await?;
    }
    Ok(())
}

/// Uses one of the account's recovery codes, if `code` is one that is still unused.
async fn use_recovery_code<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
    code: &str,
    now: DateTime<Utc>,
) -> ApiResult<bool> {
    let Some(canonical) = totp::normalize_recovery_code(code) else {
        return Ok(false);
    };
    let unused = factors::unused_recovery_codes(conn, account_id).await?;
    let Some((id, _)) = unused
        .iter()
        .find(|(_, stored)| totp::hash_recovery_code(&stored.salt, &canonical) == stored.hash)
    else {
        return Ok(false);
    };
    Ok(factors::use_recovery_code(conn, *id, now).await?)
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
    let Some(row) = challenges::find_usable(&txn, challenge, now).await? else {
        return Err(ApiError::InvalidCredentials);
    };
    let account_id = AccountId::from_uuid(row.account_id);
    let Some(reservation) =
        throttle::reserve(&txn, account_id, AttemptKind::SecondFactor, now).await?
    else {
        let action = AuditAction::SecondFactorThrottled;
        audit::record(
            &txn,
            now,
            AuditEntry::on_account(action, account_id, client.addr),
        )
        .await?;
        txn.commit().await?;
        return Err(ApiError::InvalidCredentials);
    };
    let account = accounts::find(&txn, account_id)
        .await?
        .filter(|a| a.state == AccountState::Active);
    let (checked, action) = match (&account, &factor) {
        (None, _) => (TotpCheck::Wrong, AuditAction::LoginSucceeded),
        (Some(_), SecondFactor::Code(code)) => (
            check_totp(&txn, deps, account_id, code, now, true).await?,
            AuditAction::LoginSucceeded,
        ),
        (Some(_), SecondFactor::RecoveryCode(code)) => (
            match use_recovery_code(&txn, account_id, code, now).await? {
                true => TotpCheck::Accepted,
                false => TotpCheck::Wrong,
            },
            AuditAction::LoginSucceededWithRecoveryCode,
        ),
    };
    let Some(account) = account.filter(|_| checked == TotpCheck::Accepted) else {
        let reused = checked == TotpCheck::Reused;
        second_factor_failed(&txn, deps, now, account_id, client, reused).await?;
        deps.commit(txn).await?;
        return Err(ApiError::InvalidCredentials);
    };
    if !challenges::claim(&txn, row.id, now).await? {
        txn.rollback().await?;
        return Err(ApiError::InvalidCredentials);
    }
    throttle::succeeded(&txn, reservation).await?;
    let contact = match row.contact_id {
        Some(id) => contacts::repo::find_active(&txn, ContactId::from_uuid(id)).await?,
        None => None,
    };
    let token = open_session(&txn, deps, now, account_id, contact.as_ref(), true).await?;
    let entry = AuditEntry::on_account(action, account_id, client.addr);
    audit::record(&txn, now, entry).await?;
    tell_if_new_client(&txn, deps, now, &account, &client).await?;
    if matches!(factor, SecondFactor::RecoveryCode(_)) {
        let remaining = factors::count_unused(&txn, account_id).await?;
        let template = Template::RecoveryCodeUsed { remaining };
        notices::send(&txn, deps, now, &account, template).await?;
    }
    deps.commit(txn).await?;
    Ok(token)
}

/// Makes the caller's session act for another company the person is an active contact of;
/// any other company answers `NOT_FOUND` exactly like an unknown ID.
pub async fn switch_company(
    deps: &Deps,
    principal: &Principal,
    company_id: CompanyId,
) -> ApiResult<Contact> {
    let contact =
        contacts::repo::find_by_account(deps.db.reader(), company_id, principal.account_id)
            .await?
            .filter(|c| c.status == contacts::ContactStatus::Active)
            .ok_or(ApiError::NotFound { what: "company" })?;
    let contact_id = ContactId::from_uuid(contact.id);
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let (account_id, session_id) = (principal.account_id, principal.session_id);
    sessions::switch_contact(&txn, now, account_id, session_id, contact_id).await?;
    deps.commit(txn).await?;
    Ok(contact)
}

/// Ends the caller's session.
pub async fn logout(deps: &Deps, client: Client, principal: &Principal) -> ApiResult<()> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    sessions::revoke(&txn, principal.account_id, principal.session_id, now).await?;
    let entry = AuditEntry::on_account(AuditAction::Logout, principal.account_id, client.addr);
    audit::record(&txn, now, entry).await?;
    deps.commit(txn).await?;
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
    let action = AuditAction::LogoutEverywhere;
    let entry = AuditEntry::on_account(action, principal.account_id, client.addr);
    audit::record(&txn, now, entry).await?;
    deps.commit(txn).await?;
    Ok(ended)
}
