//! Choosing, changing and resetting passwords, and turning the second factor on and off.
//!
//! Every change that ends sessions or sends a notice does both in the transaction of the
//! change; mails go through the outbox. The limits are in `auth::limits`.

use chrono::{DateTime, Duration, Utc};
use entity::{AccountState, AttemptKind, TokenPurpose, account};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr};
use uuid::Uuid;

use super::factors::{self, StoredCode};
use super::notices::send as notify;
use super::{repo, reset_queue};
use crate::audit::{self, AuditAction, AuditEntry};
use crate::auth::limits::RESETS_PER_HOUR;
use crate::auth::login::{
    Client, TotpCheck, check_totp, second_factor_failed, wait_for_answer_floor,
};
use crate::auth::sessions::{self, NewSession, SessionToken};
use crate::auth::totp::{self, Enrollment};
use crate::auth::{Principal, challenges, known_clients, links, password_policy, throttle};
use crate::clock::seconds;
use crate::deps::Deps;
use crate::domain::Language;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::ids::AccountId;
use crate::mail::{self, OutgoingMail, Template};

fn link(deps: &Deps, path: &str, token: &SessionToken) -> String {
    format!(
        "{}{path}#token={}",
        deps.settings.http.public_url.trim_end_matches('/'),
        token.expose()
    )
}

fn id_of(account: &account::Model) -> AccountId {
    AccountId::from_uuid(account.id)
}

/// Writes a mail holding a single-use link, kept sealed in the outbox until it is sent.
async fn notify_with_link<C: ConnectionTrait>(
    conn: &C,
    deps: &Deps,
    now: DateTime<Utc>,
    account: &account::Model,
    template: Template<'_>,
    link: &str,
) -> Result<(), DbErr> {
    let mail = OutgoingMail {
        template,
        account_id: Some(account.id),
        to_address: &account.email,
        to_name: &account.display_name,
        language: Language::from_code(&account.language),
    };
    let public_url = &deps.settings.http.public_url;
    mail::enqueue_with_link(conn, now, public_url, &deps.secrets, mail, link).await?;
    Ok(())
}

/// Issues a set-up link for a pending account and writes the welcome mail, in the caller's
/// transaction. Returns the link (the CLI shows it; everyone else gets it by mail only).
pub async fn send_setup_link<C: ConnectionTrait>(
    conn: &C,
    deps: &Deps,
    now: DateTime<Utc>,
    account: &account::Model,
) -> Result<String, DbErr> {
    let valid_for = seconds(deps.settings.auth.setup_link_secs);
    let token = links::issue(conn, id_of(account), TokenPurpose::Setup, now, valid_for).await?;
    let url = link(deps, "/account/setup", &token);
    let hours = deps.settings.auth.setup_link_secs.div_ceil(3600);
    let template = Template::Welcome {
        link: mail::LINK_PLACEHOLDER,
        hours,
    };
    notify_with_link(conn, deps, now, account, template, &url).await?;
    Ok(url)
}

fn invalid_link() -> ApiError {
    ApiError::bad_input(
        "token",
        InputReason::InvalidOrExpired,
        "This link has expired or was already used: ask for a new one",
    )
}

fn wrong(field: &str, what: &str) -> ApiError {
    ApiError::bad_input(
        field,
        InputReason::WrongCredential,
        format!("The {what} is incorrect"),
    )
}

fn check_policy(account: &account::Model, password: &str, field: &str) -> ApiResult<()> {
    let words = [
        account.login.as_str(),
        account.email.as_str(),
        account.display_name.as_str(),
    ];
    password_policy::check(password, &words, field)
}

/// The account of a usable link, without using it.
async fn link_account(
    deps: &Deps,
    token: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> ApiResult<account::Model> {
    let account_id = links::peek(deps.db.reader(), token, purpose, now)
        .await?
        .ok_or_else(invalid_link)?;
    repo::find(deps.db.reader(), account_id)
        .await?
        .filter(|a| a.state != AccountState::Disabled)
        .ok_or_else(invalid_link)
}

/// Chooses the first password through the welcome link: the account becomes active. Does not
/// log in; ends every session of the account.
pub async fn activate(deps: &Deps, client: Client, token: &str, password: String) -> ApiResult<()> {
    set_password_with_link(deps, client, TokenPurpose::Setup, token, password).await
}

/// Chooses a new password through a reset link and mails a notice. Does not log in; ends
/// every session of the account; the second factor stays as it is.
pub async fn reset_password(
    deps: &Deps,
    client: Client,
    token: &str,
    password: String,
) -> ApiResult<()> {
    set_password_with_link(deps, client, TokenPurpose::Reset, token, password).await
}

async fn set_password_with_link(
    deps: &Deps,
    client: Client,
    purpose: TokenPurpose,
    token: &str,
    password: String,
) -> ApiResult<()> {
    let now = deps.clock.now();
    let account = link_account(deps, token, purpose, now).await?;
    check_policy(&account, &password, "password")?;
    let hash = deps.passwords.hash(password).await?;
    let txn = deps.db.begin_write().await?;
    let account_id = id_of(&account);
    if links::consume(&txn, token, purpose, now).await? != Some(account_id) {
        return Err(invalid_link());
    }
    repo::write_password(&txn, &account, hash, true, now).await?;
    sessions::revoke_all(&txn, account_id, None, now).await?;
    challenges::void_for_account(&txn, account_id, now).await?;
    known_clients::forget_all(&txn, account_id).await?;
    let action = match purpose {
        TokenPurpose::Setup => AuditAction::AccountActivated,
        TokenPurpose::Reset => AuditAction::PasswordReset,
    };
    let before = serde_json::json!({ "state": format!("{:?}", account.state).to_uppercase() });
    let entry = AuditEntry::on_account(action, account_id, client.addr)
        .change(Some(before), Some(serde_json::json!({ "state": "ACTIVE" })));
    audit::record(&txn, now, entry).await?;
    if purpose == TokenPurpose::Reset {
        notify(&txn, deps, now, &account, Template::PasswordChanged).await?;
    }
    deps.commit(txn).await?;
    Ok(())
}

/// Queues a reset request for `address`: the same single write whatever the address, so the
/// answer says nothing, not even by its timing. The mail worker handles it
/// ([`handle_reset_requests`]).
pub async fn request_reset(deps: &Deps, client: Client, address: &str) -> ApiResult<()> {
    let started = tokio::time::Instant::now();
    if repo::could_name_account(address) {
        let key = address.trim().to_lowercase();
        let client_addr = client.addr.map(|addr| addr.to_string());
        let txn = deps.db.begin_write().await?;
        reset_queue::push(&txn, &key, client_addr, deps.clock.now()).await?;
        deps.commit(txn).await?;
    }
    wait_for_answer_floor(deps, started).await;
    Ok(())
}

/// Handles up to [`RESET_REQUESTS_PER_ROUND`] queued reset requests, oldest first, each in its
/// own transaction (the request leaves the queue with the link it produced, so none is lost or
/// handled twice); how many. One that fails is logged and dropped (the person can ask again).
pub async fn handle_reset_requests(deps: &Deps) -> ApiResult<usize> {
    let ids = reset_queue::oldest(deps.db.writer(), RESET_REQUESTS_PER_ROUND).await?;
    let mut handled = 0;
    for id in ids {
        match handle_reset_request(deps, id).await {
            Ok(true) => handled += 1,
            Ok(false) => {}
            Err(err) => {
                // Kept, it would be first again on every round and hold back the queue.
                tracing::warn!(%err, "cannot handle a password reset request: dropped");
                let txn = deps.db.begin_write().await?;
                reset_queue::take(&txn, id).await?;
                txn.commit().await?;
            }
        }
    }
    Ok(handled)
}

/// Reset requests handled per round of the mail worker, so that a flood of them does not hold
/// back the other mails (the rest wait for the next round).
const RESET_REQUESTS_PER_ROUND: u64 = 50;

/// Handles one queued reset request; `false` when another worker took it first.
async fn handle_reset_request(deps: &Deps, id: Uuid) -> ApiResult<bool> {
    let txn = deps.db.begin_write().await?;
    let Some(request) = reset_queue::take(&txn, id).await? else {
        return Ok(false);
    };
    send_reset_link(&txn, deps, &request).await?;
    deps.commit(txn).await?;
    Ok(true)
}

/// Mails a reset link if the request's address is the e-mail or login of an active account, at
/// most [`RESETS_PER_HOUR`] times an hour.
async fn send_reset_link(
    txn: &DatabaseTransaction,
    deps: &Deps,
    request: &reset_queue::ResetRequest,
) -> ApiResult<()> {
    let now = deps.clock.now();
    let client = Client::new(
        request.client_addr.as_deref().and_then(|a| a.parse().ok()),
        None,
    );
    let found = repo::find_by_login_or_email(txn, &request.address)
        .await?
        .filter(|a| a.state == AccountState::Active);
    let Some(account) = found else {
        return Ok(());
    };
    let account_id = id_of(&account);
    let since = now - Duration::hours(1);
    let recent = links::issued_since(txn, account_id, TokenPurpose::Reset, since).await?;
    if recent >= RESETS_PER_HOUR {
        let action = AuditAction::PasswordResetThrottled;
        let entry = AuditEntry::on_account(action, account_id, client.addr);
        audit::record(txn, now, entry).await?;
        return Ok(());
    }
    let valid_for = seconds(deps.settings.auth.reset_link_secs);
    let token = links::issue(txn, account_id, TokenPurpose::Reset, now, valid_for).await?;
    let url = link(deps, "/account/reset", &token);
    let minutes = deps.settings.auth.reset_link_secs.div_ceil(60);
    let template = Template::PasswordReset {
        link: mail::LINK_PLACEHOLDER,
        minutes,
    };
    notify_with_link(txn, deps, now, &account, template, &url).await?;
    let action = AuditAction::PasswordResetRequested;
    let entry = AuditEntry::on_account(action, account_id, client.addr);
    audit::record(txn, now, entry).await?;
    Ok(())
}

async fn load(deps: &Deps, account_id: AccountId) -> ApiResult<account::Model> {
    repo::find(deps.db.reader(), account_id)
        .await?
        .ok_or(ApiError::Unauthenticated)
}

/// Checks the caller's current password, counting the check like a login.
async fn check_current_password(
    deps: &Deps,
    account: &account::Model,
    password: String,
    field: &str,
) -> ApiResult<()> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let reservation = throttle::reserve(&txn, id_of(account), AttemptKind::Password, now).await?;
    txn.commit().await?;
    let matches = deps
        .passwords
        .verify_or_dummy(password, account.password_hash.clone())
        .await?;
    match reservation {
        None => Err(ApiError::InvalidCredentials),
        Some(_) if !matches => Err(wrong(field, "current password")),
        Some(reservation) => {
            throttle::succeeded(deps.db.writer(), reservation).await?;
            Ok(())
        }
    }
}

/// What proves the caller is the account's owner, not just someone holding its session: the
/// current password, and a current code when the account has a second factor.
#[derive(Debug, Clone)]
pub struct Reauthentication {
    pub password: String,
    /// Required when the account has a second factor.
    pub code: Option<String>,
}

/// Checks the password (counted like a login) and that a code is given where the account has a
/// second factor; the code is checked by [`Reauthenticated::transaction`], which opens the
/// write transaction the change is made in (so the code's step is used only by a change made).
async fn reauthenticate(
    deps: &Deps,
    account: &account::Model,
    proof: Reauthentication,
    password_field: &str,
) -> ApiResult<Reauthenticated> {
    check_current_password(deps, account, proof.password, password_field).await?;
    if !factors::is_enabled(deps.db.reader(), id_of(account)).await? {
        return Ok(Reauthenticated { code: None });
    }
    match proof.code.filter(|c| !c.trim().is_empty()) {
        Some(code) => Ok(Reauthenticated { code: Some(code) }),
        None => Err(ApiError::bad_input(
            "code",
            InputReason::Required,
            "Give the current code of your authenticator app",
        )),
    }
}

/// Proves that the caller is the owner of `account_id`, not just someone holding its session,
/// before a change made elsewhere (their own contact's e-mail address): the current password
/// (counted like a login) and, where the account has a second factor, a current code, used by
/// this change. Returns the write transaction the change must be made in.
pub async fn prove_owner(
    deps: &Deps,
    client: Client,
    account_id: AccountId,
    proof: Reauthentication,
) -> ApiResult<DatabaseTransaction> {
    let account = load(deps, account_id).await?;
    let proven = reauthenticate(deps, &account, proof, "currentPassword").await?;
    proven.transaction(deps, client, account_id).await
}

/// A password checked, and the code still to check where the account has a second factor.
struct Reauthenticated {
    code: Option<String>,
}

impl Reauthenticated {
    async fn transaction(
        self,
        deps: &Deps,
        client: Client,
        account_id: AccountId,
    ) -> ApiResult<DatabaseTransaction> {
        match self.code {
            Some(code) => check_code(deps, client, account_id, &code, true).await,
            None => Ok(deps.db.begin_write().await?),
        }
    }
}

/// Changes the caller's password, proven by the current one (and a code where the account has
/// a second factor); every other session and pending login challenge ends and a notice is
/// mailed.
pub async fn change_password(
    deps: &Deps,
    client: Client,
    principal: &Principal,
    proof: Reauthentication,
    new: String,
) -> ApiResult<()> {
    let account = load(deps, principal.account_id).await?;
    let proven = reauthenticate(deps, &account, proof, "currentPassword").await?;
    check_policy(&account, &new, "newPassword")?;
    let hash = deps.passwords.hash(new).await?;
    let txn = proven
        .transaction(deps, client.clone(), id_of(&account))
        .await?;
    let now = deps.clock.now();
    repo::write_password(&txn, &account, hash, false, now).await?;
    sessions::revoke_all(&txn, id_of(&account), Some(principal.session_id), now).await?;
    challenges::void_for_account(&txn, id_of(&account), now).await?;
    known_clients::forget_all(&txn, id_of(&account)).await?;
    let action = AuditAction::PasswordChanged;
    audit::record(
        &txn,
        now,
        AuditEntry::on_account(action, id_of(&account), client.addr),
    )
    .await?;
    notify(&txn, deps, now, &account, Template::PasswordChanged).await?;
    deps.commit(txn).await?;
    Ok(())
}

/// Starts TOTP enrolment, proven by the current password: a new secret, waiting for its first
/// code. (Without the password, anyone holding a session could enrol their own authenticator
/// and lock the owner out.)
pub async fn begin_totp(
    deps: &Deps,
    principal: &Principal,
    password: String,
) -> ApiResult<Enrollment> {
    let account = load(deps, principal.account_id).await?;
    check_current_password(deps, &account, password, "currentPassword").await?;
    let now = deps.clock.now();
    let secret = totp::generate_secret();
    let sealed = deps
        .secrets
        .seal(account.id, &secret)
        .map_err(ApiError::internal)?;
    let txn = deps.db.begin_write().await?;
    if !factors::start(&txn, id_of(&account), sealed, now).await? {
        return Err(ApiError::Conflict {
            field: None,
            message: "Two-factor authentication is already on: turn it off first".into(),
        });
    }
    txn.commit().await?;
    totp::enrollment(&secret, &deps.settings.auth.totp_issuer, &account.login)
}

/// New recovery codes for the account, replacing the old ones; the codes as shown, once.
async fn replace_recovery_codes<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
    now: DateTime<Utc>,
) -> Result<Vec<String>, DbErr> {
    let codes: Vec<String> = (0..totp::RECOVERY_CODES)
        .map(|_| totp::generate_recovery_code())
        .collect();
    let stored = codes
        .iter()
        .map(|code| {
            let salt = totp::generate_salt();
            let canonical = totp::normalize_recovery_code(code).unwrap_or_default();
            StoredCode {
                hash: totp::hash_recovery_code(&salt, &canonical),
                salt: salt.to_vec(),
            }
        })
        .collect();
    factors::replace_recovery_codes(conn, account_id, stored, now).await?;
    Ok(codes)
}

/// Checks a TOTP code for a logged-in person, counted against the second-factor limit.
async fn check_code(
    deps: &Deps,
    client: Client,
    account_id: AccountId,
    code: &str,
    confirmed: bool,
) -> ApiResult<DatabaseTransaction> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let Some(reservation) =
        throttle::reserve(&txn, account_id, AttemptKind::SecondFactor, now).await?
    else {
        txn.commit().await?;
        return Err(ApiError::InvalidCredentials);
    };
    let checked = check_totp(&txn, deps, account_id, code, now, confirmed).await?;
    if checked != TotpCheck::Accepted {
        let reused = checked == TotpCheck::Reused;
        second_factor_failed(&txn, deps, now, account_id, client, reused).await?;
        deps.commit(txn).await?;
        return Err(wrong("code", "code"));
    }
    throttle::succeeded(&txn, reservation).await?;
    Ok(txn)
}

/// What confirming the second factor gives: the recovery codes (shown once) and the token of
/// the session that replaces the caller's.
#[derive(Debug)]
pub struct Confirmed {
    pub recovery_codes: Vec<String>,
    pub session: SessionToken,
}

/// Confirms enrolment with a first valid code: the second factor is on and the recovery codes
/// are returned (once). Every session of the account ends, the caller's included, and a new
/// session opened with two factors replaces it (a new token: one known before is worth nothing).
pub async fn confirm_totp(
    deps: &Deps,
    client: Client,
    principal: &Principal,
    code: &str,
) -> ApiResult<Confirmed> {
    let account = load(deps, principal.account_id).await?;
    let account_id = id_of(&account);
    let txn = check_code(deps, client.clone(), account_id, code, false).await?;
    let now = deps.clock.now();
    let codes = replace_recovery_codes(&txn, account_id, now).await?;
    sessions::revoke_all(&txn, account_id, None, now).await?;
    let membership = principal.membership.as_ref();
    let new = NewSession {
        account_id,
        contact_id: membership.map(|m| m.contact_id),
        security_admin: membership.is_some_and(|m| m.security_admin),
        two_factor: true,
    };
    let session = sessions::open(&txn, &deps.sessions, now, new).await?;
    let action = AuditAction::TwoFactorEnabled;
    audit::record(
        &txn,
        now,
        AuditEntry::on_account(action, account_id, client.addr),
    )
    .await?;
    notify(&txn, deps, now, &account, Template::TwoFactorEnabled).await?;
    deps.commit(txn).await?;
    Ok(Confirmed {
        recovery_codes: codes,
        session,
    })
}

/// Turns the second factor off, with the password and a current code; other sessions end.
pub async fn disable_totp(
    deps: &Deps,
    client: Client,
    principal: &Principal,
    password: String,
    code: &str,
) -> ApiResult<()> {
    let account = load(deps, principal.account_id).await?;
    let account_id = id_of(&account);
    check_current_password(deps, &account, password, "password").await?;
    let txn = check_code(deps, client.clone(), account_id, code, true).await?;
    let now = deps.clock.now();
    factors::remove(&txn, account_id).await?;
    sessions::revoke_all(&txn, account_id, Some(principal.session_id), now).await?;
    sessions::set_two_factor(&txn, principal.session_id, false).await?;
    let action = AuditAction::TwoFactorDisabled;
    audit::record(
        &txn,
        now,
        AuditEntry::on_account(action, account_id, client.addr),
    )
    .await?;
    notify(&txn, deps, now, &account, Template::TwoFactorDisabled).await?;
    deps.commit(txn).await?;
    Ok(())
}

/// New recovery codes, proven by the password and a current code; the old ones stop working.
pub async fn regenerate_recovery_codes(
    deps: &Deps,
    client: Client,
    principal: &Principal,
    password: String,
    code: &str,
) -> ApiResult<Vec<String>> {
    let account = load(deps, principal.account_id).await?;
    let account_id = id_of(&account);
    check_current_password(deps, &account, password, "password").await?;
    let txn = check_code(deps, client.clone(), account_id, code, true).await?;
    let now = deps.clock.now();
    let codes = replace_recovery_codes(&txn, account_id, now).await?;
    let action = AuditAction::RecoveryCodesRegenerated;
    audit::record(
        &txn,
        now,
        AuditEntry::on_account(action, account_id, client.addr),
    )
    .await?;
    notify(
        &txn,
        deps,
        now,
        &account,
        Template::RecoveryCodesRegenerated,
    )
    .await?;
    deps.commit(txn).await?;
    Ok(codes)
}

/// Whether the caller's account has two-factor authentication on.
pub async fn two_factor_enabled(deps: &Deps, principal: &Principal) -> ApiResult<bool> {
    Ok(factors::is_enabled(deps.db.reader(), principal.account_id).await?)
}

/// How many of the caller's recovery codes are still unused.
pub async fn recovery_codes_left(deps: &Deps, principal: &Principal) -> ApiResult<u64> {
    Ok(factors::count_unused(deps.db.reader(), principal.account_id).await?)
}
