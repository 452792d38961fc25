use async_graphql::Context;

use super::{Account, Company, Contact};
use crate::accounts::{self, credentials};
use crate::auth::Principal;
use crate::error::ApiResult;
use crate::graphql::context::deps;
use crate::{companies, contacts};

/// The person making the request and the company they act for.
pub struct Viewer(pub Principal);

/// The person making the request and the company they act for.
#[async_graphql::Object]
impl Viewer {
    /// The person's account.
    async fn account(&self, ctx: &Context<'_>) -> ApiResult<Account> {
        Ok(Account(accounts::own(deps(ctx)?, &self.0).await?))
    }

    /// The contact the person acts as; `null` when they act for no company.
    async fn contact(&self, ctx: &Context<'_>) -> ApiResult<Option<Contact>> {
        Ok(contacts::acting(deps(ctx)?, &self.0).await?.map(Contact))
    }

    /// The company the person acts for; `null` when none.
    async fn company(&self, ctx: &Context<'_>) -> ApiResult<Option<Company>> {
        Ok(companies::acting(deps(ctx)?, &self.0).await?.map(Company))
    }

    /// The companies the person can act for (their active contacts), by company name; switch
    /// with `switchCompany`.
    async fn memberships(&self, ctx: &Context<'_>) -> ApiResult<Vec<Contact>> {
        let contacts = contacts::memberships(deps(ctx)?, &self.0).await?;
        Ok(contacts.into_iter().map(Contact).collect())
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
        credentials::two_factor_enabled(deps(ctx)?, &self.0).await
    }

    /// Recovery codes not used yet.
    async fn recovery_codes_left(&self, ctx: &Context<'_>) -> ApiResult<u64> {
        credentials::recovery_codes_left(deps(ctx)?, &self.0).await
    }
}
