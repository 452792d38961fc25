//! Choosing, changing and resetting passwords, and turning the second factor on and off.
//!
//! Every change that ends sessions or sends a notice does both in the transaction of the
//! change; mails go through the outbox.

use chrono::{DateTime, Duration, Utc};
use entity::{AccountState, AttemptKind, TokenPurpose, account, recovery_code, second_factor};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::audit::{self, AuditEntry};
use crate::auth::login::{Client, check_totp};
use crate::auth::sessions::{self, SessionToken};
use crate::auth::totp::{self, Enrollment};
use crate::auth::{Principal, links, password_policy, throttle};
use crate::clock::seconds;
use crate::deps::Deps;
use crate::domain::Language;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::ids::new_uuid;
use crate::mail::{self, OutgoingMail, Template};

/// Reset mails per account per hour.
pub const RESETS_PER_HOUR: u64 = 3;

fn link(deps: &Deps, path: &str, token: &SessionToken) -> String {
    format!(
        "{}{path}#token={}",
        deps.settings.http.public_url.trim_end_matches('/'),
        token.expose()
    )
}

async fn notify<C: ConnectionTrait>(
    conn: &C,
    deps: &Deps,
    now: DateTime<Utc>,
    account: &account::Model,
    template: Template<'_>,
) -> Result<(), DbErr> {
    mail::enqueue(
        conn,
        now,
        &deps.settings.http.public_url,
        OutgoingMail {
            template,
            account_id: Some(account.id),
            to_address: &account.email,
            to_name: &account.display_name,
            language: Language::from_code(&account.language),
        },
    )
    .await?;
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
    let token = links::issue(conn, account.id, TokenPurpose::Setup, now, valid_for).await?;
    let url = link(deps, "/account/setup", &token);
    let hours = deps.settings.auth.setup_link_secs.div_ceil(3600);
    notify(
        conn,
        deps,
        now,
        account,
        Template::Welcome { link: &url, hours },
    )
    .await?;
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

fn personal_words(account: &account::Model) -> Vec<String> {
    vec![
        account.login.clone(),
        account.email.clone(),
        account.display_name.clone(),
    ]
}

fn check_policy(account: &account::Model, password: &str, field: &str) -> ApiResult<()> {
    let words = personal_words(account);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
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
    account::Entity::find_by_id(account_id)
        .one(deps.db.reader())
        .await?
        .filter(|a| a.state != AccountState::Disabled)
        .ok_or_else(invalid_link)
}

/// Sets the password chosen through a set-up or reset link. Does not log in; ends every
/// session of the account; a reset also mails a notice. The second factor stays as it is.
pub async fn set_password_with_link(
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
    if links::consume(&txn, token, purpose, now).await? != Some(account.id) {
        return Err(invalid_link());
    }
    let before = account.state;
    account::Entity::update_many()
        .col_expr(account::Column::PasswordHash, Some(hash).into())
        .col_expr(account::Column::State, AccountState::Active.into())
        .col_expr(account::Column::MustChangePassword, false.into())
        .col_expr(account::Column::UpdatedAt, now.into())
        .col_expr(account::Column::Version, (account.version + 1).into())
        .filter(account::Column::Id.eq(account.id))
        .filter(account::Column::State.ne(AccountState::Disabled))
        .exec(&txn)
        .await?;
    sessions::revoke_all(&txn, account.id, None, now).await?;
    let action = match purpose {
        TokenPurpose::Setup => "ACCOUNT_ACTIVATED",
        TokenPurpose::Reset => "PASSWORD_RESET",
    };
    let mut entry = AuditEntry::on_account(action, account.id, client.addr);
    entry.before = Some(serde_json::json!({ "state": format!("{before:?}").to_uppercase() }));
    entry.after = Some(serde_json::json!({ "state": "ACTIVE" }));
    audit::record(&txn, now, entry).await?;
    if purpose == TokenPurpose::Reset {
        notify(&txn, deps, now, &account, Template::PasswordChanged).await?;
    }
    txn.commit().await?;
    deps.mail.wake();
    Ok(())
}

/// Mails a reset link if `address` is the e-mail or login of an active account, at most
/// [`RESETS_PER_HOUR`] times an hour; answers the same in every case.
pub async fn request_reset(deps: &Deps, client: Client, address: &str) -> ApiResult<()> {
    let now = deps.clock.now();
    let key = address.trim().to_lowercase();
    if key.is_empty() || key.len() > 254 {
        return Ok(());
    }
    let txn = deps.db.begin_write().await?;
    let found = account::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(account::Column::Email.eq(key.clone()))
                .add(account::Column::Login.eq(key)),
        )
        .one(&txn)
        .await?
        .filter(|a| a.state == AccountState::Active);
    let Some(account) = found else {
        return Ok(());
    };
    let recent = links::issued_since(
        &txn,
        account.id,
        TokenPurpose::Reset,
        now - Duration::hours(1),
    )
    .await?;
    if recent >= RESETS_PER_HOUR {
        let entry = AuditEntry::on_account("PASSWORD_RESET_THROTTLED", account.id, client.addr);
        audit::record(&txn, now, entry).await?;
        txn.commit().await?;
        return Ok(());
    }
    let valid_for = seconds(deps.settings.auth.reset_link_secs);
    let token = links::issue(&txn, account.id, TokenPurpose::Reset, now, valid_for).await?;
    let url = link(deps, "/account/reset", &token);
    let minutes = deps.settings.auth.reset_link_secs.div_ceil(60);
    let template = Template::PasswordReset {
        link: &url,
        minutes,
    };
    notify(&txn, deps, now, &account, template).await?;
    let entry = AuditEntry::on_account("PASSWORD_RESET_REQUESTED", account.id, client.addr);
    audit::record(&txn, now, entry).await?;
    txn.commit().await?;
    deps.mail.wake();
    Ok(())
}

async fn load(deps: &Deps, account_id: Uuid) -> ApiResult<account::Model> {
    account::Entity::find_by_id(account_id)
        .one(deps.db.reader())
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
    let reservation = throttle::reserve(&txn, account.id, AttemptKind::Password, now).await?;
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

/// Changes the caller's password; every other session ends and a notice is mailed.
pub async fn change_password(
    deps: &Deps,
    client: Client,
    principal: &Principal,
    current: String,
    new: String,
) -> ApiResult<()> {
    let account = load(deps, principal.account_id).await?;
    check_current_password(deps, &account, current, "currentPassword").await?;
    check_policy(&account, &new, "newPassword")?;
    let hash = deps.passwords.hash(new).await?;
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    account::Entity::update_many()
        .col_expr(account::Column::PasswordHash, Some(hash).into())
        .col_expr(account::Column::MustChangePassword, false.into())
        .col_expr(account::Column::UpdatedAt, now.into())
        .col_expr(account::Column::Version, (account.version + 1).into())
        .filter(account::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    sessions::revoke_all(&txn, account.id, Some(principal.session_id), now).await?;
    let entry = AuditEntry::on_account("PASSWORD_CHANGED", account.id, client.addr);
    audit::record(&txn, now, entry).await?;
    notify(&txn, deps, now, &account, Template::PasswordChanged).await?;
    txn.commit().await?;
    deps.mail.wake();
    Ok(())
}

/// Starts TOTP enrolment: a new secret, waiting for its first code.
pub async fn begin_totp(deps: &Deps, principal: &Principal) -> ApiResult<Enrollment> {
    let account = load(deps, principal.account_id).await?;
    let now = deps.clock.now();
    let secret = totp::generate_secret();
    let sealed = deps
        .secrets
        .seal(account.id, &secret)
        .map_err(ApiError::internal)?;
    let txn = deps.db.begin_write().await?;
    let existing = second_factor::Entity::find_by_id(account.id)
        .one(&txn)
        .await?;
    if existing.as_ref().is_some_and(|f| f.confirmed_at.is_some()) {
        return Err(ApiError::Conflict {
            field: None,
            message: "Two-factor authentication is already on: turn it off first".into(),
        });
    }
    second_factor::Entity::delete_by_id(account.id)
        .exec(&txn)
        .await?;
    second_factor::Entity::insert(second_factor::ActiveModel {
        account_id: Set(account.id),
        secret: Set(sealed),
        confirmed_at: Set(None),
        last_step: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    totp::enrollment(&secret, &deps.settings.auth.totp_issuer, &account.login)
}

async fn replace_recovery_codes<C: ConnectionTrait>(
    conn: &C,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<String>, DbErr> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .exec(conn)
        .await?;
    let codes: Vec<String> = (0..totp::RECOVERY_CODES)
        .map(|_| totp::generate_recovery_code())
        .collect();
    let rows = codes.iter().map(|code| {
        let salt = totp::generate_salt();
        let canonical = totp::normalize_recovery_code(code).unwrap_or_default();
        recovery_code::ActiveModel {
            id: Set(new_uuid()),
            account_id: Set(account_id),
            salt: Set(salt.to_vec()),
            code_hash: Set(totp::hash_recovery_code(&salt, &canonical)),
            created_at: Set(now),
            used_at: Set(None),
        }
    });
    recovery_code::Entity::insert_many(rows)
        .exec_without_returning(conn)
        .await?;
    Ok(codes)
}

/// Checks a TOTP code for a logged-in person, counted against the second-factor limit.
async fn check_code(
    deps: &Deps,
    client: Client,
    account_id: Uuid,
    code: &str,
    confirmed: bool,
) -> ApiResult<sea_orm::DatabaseTransaction> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let Some(reservation) =
        throttle::reserve(&txn, account_id, AttemptKind::SecondFactor, now).await?
    else {
        txn.commit().await?;
        return Err(ApiError::InvalidCredentials);
    };
    if !check_totp(&txn, deps, account_id, code, now, confirmed).await? {
        let entry = AuditEntry::on_account("SECOND_FACTOR_FAILED", account_id, client.addr);
        audit::record(&txn, now, entry).await?;
        txn.commit().await?;
        return Err(wrong("code", "code"));
    }
    throttle::succeeded(&txn, reservation).await?;
    Ok(txn)
}

/// Confirms enrolment with a first valid code: the second factor is on, the recovery codes are
/// returned (once), other sessions end and this one counts as opened with two factors.
pub async fn confirm_totp(
    deps: &Deps,
    client: Client,
    principal: &Principal,
    code: &str,
) -> ApiResult<Vec<String>> {
    let account = load(deps, principal.account_id).await?;
    let txn = check_code(deps, client, account.id, code, false).await?;
    let now = deps.clock.now();
    let codes = replace_recovery_codes(&txn, account.id, now).await?;
    sessions::revoke_all(&txn, account.id, Some(principal.session_id), now).await?;
    sessions::set_two_factor(&txn, principal.session_id, true).await?;
    let entry = AuditEntry::on_account("TWO_FACTOR_ENABLED", account.id, client.addr);
    audit::record(&txn, now, entry).await?;
    notify(&txn, deps, now, &account, Template::TwoFactorEnabled).await?;
    txn.commit().await?;
    deps.mail.wake();
    Ok(codes)
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
    check_current_password(deps, &account, password, "password").await?;
    let txn = check_code(deps, client, account.id, code, true).await?;
    let now = deps.clock.now();
    second_factor::Entity::delete_by_id(account.id)
        .exec(&txn)
        .await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::AccountId.eq(account.id))
        .exec(&txn)
        .await?;
    sessions::revoke_all(&txn, account.id, Some(principal.session_id), now).await?;
    sessions::set_two_factor(&txn, principal.session_id, false).await?;
    let entry = AuditEntry::on_account("TWO_FACTOR_DISABLED", account.id, client.addr);
    audit::record(&txn, now, entry).await?;
    notify(&txn, deps, now, &account, Template::TwoFactorDisabled).await?;
    txn.commit().await?;
    deps.mail.wake();
    Ok(())
}

/// New recovery codes for a current code; the old ones stop working.
pub async fn regenerate_recovery_codes(
    deps: &Deps,
    client: Client,
    principal: &Principal,
    code: &str,
) -> ApiResult<Vec<String>> {
    let account = load(deps, principal.account_id).await?;
    let txn = check_code(deps, client, account.id, code, true).await?;
    let now = deps.clock.now();
    let codes = replace_recovery_codes(&txn, account.id, now).await?;
    let entry = AuditEntry::on_account("RECOVERY_CODES_REGENERATED", account.id, client.addr);
    audit::record(&txn, now, entry).await?;
    notify(
        &txn,
        deps,
        now,
        &account,
        Template::RecoveryCodesRegenerated,
    )
    .await?;
    txn.commit().await?;
    deps.mail.wake();
    Ok(codes)
}

/// Recovery codes not used yet.
pub async fn unused_recovery_codes<C: ConnectionTrait>(
    conn: &C,
    account_id: Uuid,
) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    recovery_code::Entity::find()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(conn)
        .await
}
