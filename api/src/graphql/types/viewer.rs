use async_graphql::Context;

use super::{Account, Company, Contact};
use crate::accounts::{self, credentials};
use crate::auth::{Capabilities, Principal};
use crate::error::ApiResult;
use crate::graphql::context::{actor, deps};
use crate::{companies, contacts};

/// The person making the request and the company they act for.
pub struct Viewer(pub Principal);

/// What the person may do now. Each flag is exactly whether the operations it names would be
/// allowed; in a session without a second factor, privileged roles' flags are off.
#[derive(async_graphql::SimpleObject, Debug, Clone, Copy)]
pub struct ViewerCapabilities {
    /// Create and submit requests (customers with a support role).
    pub create_requests: bool,
    /// See the team's requests (`scope: TEAM`), not only their own.
    pub team_scope: bool,
    /// List, add and edit the company's contacts (Support and Security Administrators).
    pub contact_administration: bool,
    /// Role batches, obsolete marking, the security policy and the journal (Security
    /// Administrators).
    pub security_administration: bool,
    /// Work requests as the support (agents and managers).
    pub support_staff: bool,
    /// Assign requests to other agents (managers).
    pub dispatch: bool,
    /// Read dashboard figures (`metrics`).
    pub dashboards: bool,
    /// Create companies and their first administrators (the platform operator).
    pub platform_operation: bool,
}

impl From<Capabilities> for ViewerCapabilities {
    fn from(c: Capabilities) -> Self {
        Self {
            create_requests: c.create_requests,
            team_scope: c.team_scope,
            contact_administration: c.contact_administration,
            security_administration: c.security_administration,
            support_staff: c.support_staff,
            dispatch: c.dispatch,
            dashboards: c.dashboards,
            platform_operation: c.platform_operation,
        }
    }
}

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

    /// What the person may do now, for drawing screens (the API checks every operation anyway).
    async fn capabilities(&self, ctx: &Context<'_>) -> ApiResult<ViewerCapabilities> {
        Ok(ViewerCapabilities::from(actor(ctx).await?.capabilities()))
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
