use super::{Account, Company, Contact};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::deps;
use crate::{accounts, companies, contacts};
use async_graphql::Context;

/// The person making the request and the company they act for.
pub struct Viewer(pub Principal);

/// The person making the request and the company they act for.
#[async_graphql::Object]
impl Viewer {
    /// The person's account.
    async fn account(&self, ctx: &Context<'_>) -> ApiResult<Account> {
        let deps = deps(ctx)?;
        accounts::repo::find(deps.db.reader(), self.0.account_id)
            .await?
            .map(Account)
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("session without account")))
    }

    /// The contact the person acts as; `null` when they act for no company.
    async fn contact(&self, ctx: &Context<'_>) -> ApiResult<Option<Contact>> {
        let Some(membership) = &self.0.membership else {
            return Ok(None);
        };
        let deps = deps(ctx)?;
        Ok(
            contacts::repo::find(deps.db.reader(), membership.contact_id)
                .await?
                .map(Contact),
        )
    }

    /// The company the person acts for; `null` when none.
    async fn company(&self, ctx: &Context<'_>) -> ApiResult<Option<Company>> {
        let Some(membership) = &self.0.membership else {
            return Ok(None);
        };
        let deps = deps(ctx)?;
        Ok(
            companies::repo::find(deps.db.reader(), membership.company_id)
                .await?
                .map(Company),
        )
    }

    /// The companies the person can act for (their active contacts), by company name; switch
    /// with `switchCompany`.
    async fn memberships(&self, ctx: &Context<'_>) -> ApiResult<Vec<Contact>> {
        let deps = deps(ctx)?;
        crate::graphql::admin::viewer_memberships(deps, self).await
    }

    /// Whether the company the person acts for requires a second factor that this session
    /// lacks: the person must enrol (`beginTwoFactorEnrollment`) before anything else.
    async fn must_enroll_second_factor(&self) -> bool {
        self.0
            .membership
            .as_ref()
            .is_some_and(|m| m.requires_two_factor && !self.0.two_factor)
    }

    /// Whether this session was opened with a second factor.
    async fn two_factor(&self) -> bool {
        self.0.two_factor
    }

    /// Whether the account has two-factor authentication on.
    async fn two_factor_enabled(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        let deps = deps(ctx)?;
        crate::auth::login::has_second_factor(deps.db.reader(), self.0.account_id).await
    }

    /// Recovery codes not used yet.
    async fn recovery_codes_left(&self, ctx: &Context<'_>) -> ApiResult<u64> {
        let deps = deps(ctx)?;
        Ok(
            accounts::credentials::unused_recovery_codes(deps.db.reader(), self.0.account_id)
                .await?,
        )
    }
}
