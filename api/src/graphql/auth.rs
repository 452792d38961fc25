//! Mutations of login, sessions, passwords and the second factor.
//!
//! Fields that check a credential (password, code, link) run at most once per request and
//! count against the client address's budget (`RATE_LIMITED`).

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use http::header::SET_COOKIE;

use super::context::{TokenSource, actor, credential_check, deps, request};
use super::types::{Account, Contact, InputProblem, LanguageGql, or_problem};
use crate::accounts;
use crate::accounts::credentials::{self, Reauthentication};
use crate::auth::login::{self, LoginOutcome, SecondFactor};
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::http::cookies;
use crate::ids::{CompanyId, NodeId};

#[derive(Default)]
pub struct AuthMutation;

/// Where the session token goes.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum SessionDelivery {
    /// In the response body, to send as `Authorization: Bearer` (scripts, API clients).
    #[default]
    Token,
    /// In the `HttpOnly` session cookie only (the web app); the body holds no token.
    Cookie,
}

/// Step 1 of a login.
#[derive(InputObject, Debug)]
pub struct LoginInput {
    /// Login name or e-mail address.
    pub login: String,
    /// The account's password.
    pub password: String,
    /// Where the session token goes.
    #[graphql(default)]
    pub delivery: SessionDelivery,
}

/// What step 1 led to.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum LoginStatus {
    /// A session is open.
    SignedIn,
    /// Send a code (or recovery code) with `challenge` to `completeLogin`.
    SecondFactorRequired,
}

/// The result of `login`.
#[derive(SimpleObject)]
pub struct LoginPayload {
    /// Whether a session is open or a second factor is needed.
    pub status: LoginStatus,
    /// The session token (`SIGNED_IN` with `TOKEN` delivery only).
    pub session_token: Option<String>,
    /// The challenge for `completeLogin`; it can do nothing else.
    pub challenge: Option<String>,
    /// When the challenge stops working.
    pub challenge_expires_at: Option<DateTime<Utc>>,
}

/// Step 2 of a login: exactly one of `code` and `recoveryCode`.
#[derive(InputObject, Debug)]
pub struct CompleteLoginInput {
    /// The `challenge` returned by `login`.
    pub challenge: String,
    /// The 6-digit code of the authenticator app.
    pub code: Option<String>,
    /// One of the recovery codes, if the authenticator is lost.
    pub recovery_code: Option<String>,
    /// Where the session token goes.
    #[graphql(default)]
    pub delivery: SessionDelivery,
}

/// The result of `completeLogin`.
#[derive(SimpleObject)]
pub struct CompleteLoginPayload {
    /// The session token (`TOKEN` delivery only).
    pub session_token: Option<String>,
}

/// A password chosen through a set-up or reset link.
#[derive(InputObject, Debug)]
pub struct LinkPasswordInput {
    /// The `token` of the link.
    pub token: String,
    /// 12 to 128 characters, not easy to guess.
    pub password: String,
}

/// A new password, confirmed by the current one (and a current code where the account has a
/// second factor).
#[derive(InputObject, Debug)]
pub struct ChangePasswordInput {
    /// The password in use now.
    pub current_password: String,
    /// The current 6-digit code of the authenticator app; required when two-factor
    /// authentication is on.
    pub code: Option<String>,
    /// 12 to 128 characters, not easy to guess.
    pub new_password: String,
}

/// Turning two-factor authentication on, confirmed by the password.
#[derive(InputObject, Debug)]
pub struct BeginTwoFactorEnrollmentInput {
    /// The password in use now.
    pub current_password: String,
}

/// The first code of a new authenticator app.
#[derive(InputObject, Debug)]
pub struct ConfirmTwoFactorInput {
    /// The current 6-digit code of the authenticator app being enrolled.
    pub code: String,
    /// Where the token of the session that replaces this one goes.
    #[graphql(default)]
    pub delivery: SessionDelivery,
}

/// New recovery codes, confirmed by both factors.
#[derive(InputObject, Debug)]
pub struct RegenerateRecoveryCodesInput {
    /// The account's password.
    pub password: String,
    /// The current 6-digit code of the authenticator app.
    pub code: String,
}

/// Who forgot their password.
#[derive(InputObject, Debug)]
pub struct RequestPasswordResetInput {
    /// E-mail address or login name.
    pub address: String,
}

/// Turning two-factor authentication off, confirmed by both factors.
#[derive(InputObject, Debug)]
pub struct DisableTwoFactorInput {
    /// The account's password.
    pub password: String,
    /// The current 6-digit code of the authenticator app.
    pub code: String,
}

/// The result of a credential change.
#[derive(SimpleObject)]
pub struct CredentialPayload {
    /// Whether the change was made.
    pub done: bool,
    /// Every problem with the input, by field; empty on success.
    pub problems: Vec<InputProblem>,
}

/// The result of `requestPasswordReset`: the same whatever the address.
#[derive(SimpleObject)]
pub struct RequestPasswordResetPayload {
    /// Always true: if the address belongs to an account, a link is on its way.
    pub accepted: bool,
}

/// What an authenticator app needs; confirm with `confirmTwoFactor`.
#[derive(SimpleObject)]
pub struct TwoFactorEnrollment {
    /// The secret in base32, for typing in by hand.
    pub secret: String,
    /// The `otpauth://` URI.
    pub otpauth_uri: String,
    /// The URI as a QR code (SVG).
    pub qr_code_svg: String,
}

/// The result of `beginTwoFactorEnrollment`.
#[derive(SimpleObject)]
pub struct BeginTwoFactorEnrollmentPayload {
    /// What the authenticator app needs; `null` when the input has problems.
    pub enrollment: Option<TwoFactorEnrollment>,
    /// Every problem with the input, by field; empty on success.
    pub problems: Vec<InputProblem>,
}

/// The result of `confirmTwoFactor`.
#[derive(SimpleObject)]
pub struct ConfirmTwoFactorPayload {
    /// Ten single-use codes, shown this once; empty when the input has problems.
    pub recovery_codes: Vec<String>,
    /// The token of the new session that replaces this one (`TOKEN` delivery only; with
    /// `COOKIE` the session cookie is replaced).
    pub session_token: Option<String>,
    /// Every problem with the input, by field; empty on success.
    pub problems: Vec<InputProblem>,
}

/// New recovery codes, shown this once.
#[derive(SimpleObject)]
pub struct RecoveryCodesPayload {
    /// Ten single-use codes; empty when the input has problems.
    pub recovery_codes: Vec<String>,
    /// Every problem with the input, by field; empty on success.
    pub problems: Vec<InputProblem>,
}

fn deliver(
    ctx: &Context<'_>,
    deps: &Deps,
    delivery: SessionDelivery,
    token: &str,
) -> Option<String> {
    match delivery {
        SessionDelivery::Token => Some(token.to_owned()),
        SessionDelivery::Cookie => {
            ctx.append_http_header(SET_COOKIE, cookies::set(&deps.settings, token));
            None
        }
    }
}

/// A credential change's outcome: form problems in the payload, other errors as errors.
fn credential_payload(result: ApiResult<()>) -> ApiResult<CredentialPayload> {
    let (done, problems) = or_problem(result)?;
    Ok(CredentialPayload {
        done: done.is_some(),
        problems,
    })
}

fn codes_payload(result: ApiResult<Vec<String>>) -> ApiResult<RecoveryCodesPayload> {
    let (codes, problems) = or_problem(result)?;
    Ok(RecoveryCodesPayload {
        recovery_codes: codes.unwrap_or_default(),
        problems,
    })
}

#[Object]
impl AuthMutation {
    /// Step 1 of a login: the password. The same `INVALID_CREDENTIALS` error for an unknown
    /// login, a wrong password, and a disabled or throttled account.
    async fn login(&self, ctx: &Context<'_>, input: LoginInput) -> ApiResult<LoginPayload> {
        let deps = deps(ctx)?;
        let client = credential_check(ctx).await?;
        match login::login(deps, client, &input.login, input.password).await? {
            LoginOutcome::SignedIn { token } => Ok(LoginPayload {
                status: LoginStatus::SignedIn,
                session_token: deliver(ctx, deps, input.delivery, token.expose()),
                challenge: None,
                challenge_expires_at: None,
            }),
            LoginOutcome::SecondFactorRequired {
                challenge,
                expires_at,
            } => Ok(LoginPayload {
                status: LoginStatus::SecondFactorRequired,
                session_token: None,
                challenge: Some(challenge.expose().to_owned()),
                challenge_expires_at: Some(expires_at),
            }),
        }
    }

    /// Step 2 of a login: a TOTP code or a recovery code. Opens a session with a new token.
    async fn complete_login(
        &self,
        ctx: &Context<'_>,
        input: CompleteLoginInput,
    ) -> ApiResult<CompleteLoginPayload> {
        let deps = deps(ctx)?;
        let client = credential_check(ctx).await?;
        let factor = match (input.code, input.recovery_code) {
            (Some(code), None) => SecondFactor::Code(code),
            (None, Some(code)) => SecondFactor::RecoveryCode(code),
            _ => {
                return Err(ApiError::bad_input(
                    "code",
                    InputReason::Required,
                    "Give either code or recoveryCode",
                ));
            }
        };
        let token = login::complete_login(deps, client, &input.challenge, factor).await?;
        Ok(CompleteLoginPayload {
            session_token: deliver(ctx, deps, input.delivery, token.expose()),
        })
    }

    /// Ends this session (and removes the session cookie).
    async fn logout(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        let deps = deps(ctx)?;
        let principal = actor(ctx).await?.principal()?;
        login::logout(deps, request(ctx)?.client(), principal).await?;
        if request(ctx)?.token_source() == Some(TokenSource::Cookie) {
            ctx.append_http_header(SET_COOKIE, cookies::clear(&deps.settings));
        }
        Ok(true)
    }

    /// Ends every session of the account, this one included; returns how many ended.
    async fn logout_everywhere(&self, ctx: &Context<'_>) -> ApiResult<u64> {
        let deps = deps(ctx)?;
        let principal = actor(ctx).await?.principal()?;
        let ended = login::logout_everywhere(deps, request(ctx)?.client(), principal).await?;
        if request(ctx)?.token_source() == Some(TokenSource::Cookie) {
            ctx.append_http_header(SET_COOKIE, cookies::clear(&deps.settings));
        }
        Ok(ended)
    }

    /// Chooses the first password through the welcome link; the account becomes active. Does
    /// not log in.
    async fn activate_account(
        &self,
        ctx: &Context<'_>,
        input: LinkPasswordInput,
    ) -> ApiResult<CredentialPayload> {
        let deps = deps(ctx)?;
        let client = credential_check(ctx).await?;
        credential_payload(credentials::activate(deps, client, &input.token, input.password).await)
    }

    /// Mails a reset link if the address is an account's; answers the same in every case.
    async fn request_password_reset(
        &self,
        ctx: &Context<'_>,
        input: RequestPasswordResetInput,
    ) -> ApiResult<RequestPasswordResetPayload> {
        let deps = deps(ctx)?;
        let client = credential_check(ctx).await?;
        credentials::request_reset(deps, client, &input.address).await?;
        Ok(RequestPasswordResetPayload { accepted: true })
    }

    /// Chooses a new password through a reset link. Ends every session and does not log in;
    /// the second factor stays on.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        input: LinkPasswordInput,
    ) -> ApiResult<CredentialPayload> {
        let deps = deps(ctx)?;
        let client = credential_check(ctx).await?;
        let reset = credentials::reset_password(deps, client, &input.token, input.password).await;
        credential_payload(reset)
    }

    /// Changes the password; every other session ends.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        input: ChangePasswordInput,
    ) -> ApiResult<CredentialPayload> {
        let deps = deps(ctx)?;
        let principal = actor(ctx).await?.principal()?;
        let client = credential_check(ctx).await?;
        let proof = Reauthentication {
            password: input.current_password,
            code: input.code,
        };
        let changed =
            credentials::change_password(deps, client, principal, proof, input.new_password).await;
        credential_payload(changed)
    }

    /// Starts turning on two-factor authentication, confirmed by the password: a new secret to
    /// scan.
    async fn begin_two_factor_enrollment(
        &self,
        ctx: &Context<'_>,
        input: BeginTwoFactorEnrollmentInput,
    ) -> ApiResult<BeginTwoFactorEnrollmentPayload> {
        let deps = deps(ctx)?;
        let principal = actor(ctx).await?.principal()?;
        credential_check(ctx).await?;
        let begun = credentials::begin_totp(deps, principal, input.current_password).await;
        let (enrollment, problems) = or_problem(begun)?;
        Ok(BeginTwoFactorEnrollmentPayload {
            enrollment: enrollment.map(|e| TwoFactorEnrollment {
                secret: e.secret_base32,
                otpauth_uri: e.uri,
                qr_code_svg: e.qr_svg,
            }),
            problems,
        })
    }

    /// Turns two-factor authentication on with a first valid code; returns the recovery codes.
    /// Every session of the account ends, this one included: a new session opened with two
    /// factors replaces it, with a new token.
    async fn confirm_two_factor(
        &self,
        ctx: &Context<'_>,
        input: ConfirmTwoFactorInput,
    ) -> ApiResult<ConfirmTwoFactorPayload> {
        let deps = deps(ctx)?;
        let principal = actor(ctx).await?.principal()?;
        let client = credential_check(ctx).await?;
        let confirmed = credentials::confirm_totp(deps, client, principal, &input.code).await;
        let (confirmed, problems) = or_problem(confirmed)?;
        let Some(confirmed) = confirmed else {
            return Ok(ConfirmTwoFactorPayload {
                recovery_codes: Vec::new(),
                session_token: None,
                problems,
            });
        };
        let session_token = deliver(ctx, deps, input.delivery, confirmed.session.expose());
        Ok(ConfirmTwoFactorPayload {
            recovery_codes: confirmed.recovery_codes,
            session_token,
            problems,
        })
    }

    /// Turns two-factor authentication off, with the password and a current code.
    async fn disable_two_factor(
        &self,
        ctx: &Context<'_>,
        input: DisableTwoFactorInput,
    ) -> ApiResult<CredentialPayload> {
        let deps = deps(ctx)?;
        let principal = actor(ctx).await?.principal()?;
        let client = credential_check(ctx).await?;
        credential_payload(
            credentials::disable_totp(deps, client, principal, input.password, &input.code).await,
        )
    }

    /// New recovery codes, confirmed by the password and a current code; the old ones stop
    /// working.
    async fn regenerate_recovery_codes(
        &self,
        ctx: &Context<'_>,
        input: RegenerateRecoveryCodesInput,
    ) -> ApiResult<RecoveryCodesPayload> {
        let deps = deps(ctx)?;
        let principal = actor(ctx).await?.principal()?;
        let client = credential_check(ctx).await?;
        let password = input.password;
        let regenerated =
            credentials::regenerate_recovery_codes(deps, client, principal, password, &input.code)
                .await;
        codes_payload(regenerated)
    }
}

/// The language to use.
#[derive(InputObject, Debug)]
pub struct SetLanguageInput {
    /// The language of the person's mails and of the web app.
    pub language: LanguageGql,
}

/// The company to act for.
#[derive(InputObject, Debug)]
pub struct SwitchCompanyInput {
    /// One of the companies listed in `viewer.memberships`.
    pub company_id: ID,
}

/// The session after switching.
#[derive(SimpleObject)]
pub struct SwitchCompanyPayload {
    /// The contact the session now acts as.
    pub contact: Contact,
}

#[derive(Default)]
pub struct SwitchCompanyMutation;

#[Object]
impl SwitchCompanyMutation {
    /// Sets the language of the person's mails and of the web app.
    async fn set_language(&self, ctx: &Context<'_>, input: SetLanguageInput) -> ApiResult<Account> {
        let deps = deps(ctx)?;
        let principal = actor(ctx).await?.principal()?;
        let account = accounts::set_language(deps, principal, input.language.into()).await?;
        Ok(Account(account))
    }

    /// Makes this session act for another company the person is an active contact of.
    async fn switch_company(
        &self,
        ctx: &Context<'_>,
        input: SwitchCompanyInput,
    ) -> ApiResult<SwitchCompanyPayload> {
        let deps = deps(ctx)?;
        let principal = actor(ctx).await?.principal()?;
        let company = NodeId::typed::<CompanyId>(&input.company_id, "companyId")?;
        let contact = login::switch_company(deps, principal, company).await?;
        Ok(SwitchCompanyPayload {
            contact: Contact(contact),
        })
    }
}
