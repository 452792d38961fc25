//! Companies over GraphQL: the platform operator's list and creation, and a Security
//! Administrator's security policy.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::context::{actor, deps};
use super::types::{
    Company, CompanyConnection, CompanyFilterInput, InputProblem, LanguageGql, Problems,
    page_request,
};
use crate::companies::{self, CompanySettings, NewCompany};
use crate::domain::CompanyName;
use crate::domain::IdempotencyKey;
use crate::error::ApiResult;
use crate::ids::{CompanyId, NodeId};

#[derive(Default)]
pub struct CompanyQuery;

#[Object]
impl CompanyQuery {
    /// Every company, in creation order: for the platform operator, and for support agents and
    /// managers (who work every company's requests and filter them by company).
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity + 1")]
    async fn companies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
        #[graphql(desc = "Which companies to list.")] filter: Option<CompanyFilterInput>,
    ) -> ApiResult<CompanyConnection> {
        let deps = deps(ctx)?;
        let lister = actor(ctx).await?.company_lister()?;
        let page = page_request(deps, first, after)?;
        let search = filter.and_then(|f| f.search);
        let found = companies::list(deps, &lister, search.as_deref(), &page).await?;
        Ok(CompanyConnection::new(found))
    }
}

/// A new customer company.
#[derive(InputObject, Debug)]
pub struct CreateCompanyInput {
    /// Account name, 1 to 200 characters.
    pub name: String,
    /// Default language of the company's mails.
    #[graphql(default_with = "LanguageGql::En")]
    pub language: LanguageGql,
    /// Every contact must log in with a second factor.
    #[graphql(default)]
    pub require_two_factor: bool,
    /// A proposed solution left unanswered this long closes the request (1 hour to 365 days;
    /// default 5 days).
    pub auto_close_after_seconds: Option<i32>,
    /// A closed request can be reopened for this long (0 to 3 years; default 183 days).
    pub reopen_window_seconds: Option<i32>,
    /// Retrying with the same key returns the company the first call created.
    pub idempotency_key: Option<String>,
}

/// The result of `createCompany`.
#[derive(SimpleObject)]
pub struct CreateCompanyPayload {
    /// The new company; `null` when the input has problems.
    pub company: Option<Company>,
    /// Every problem with the input, by field; empty on success.
    pub problems: Vec<InputProblem>,
    /// Whether this answers an earlier call with the same idempotency key.
    pub replayed: bool,
}

#[derive(Default)]
pub struct CompanyMutation;

#[Object]
impl CompanyMutation {
    /// Creates a customer company with the next `ACC-` number (platform operator only).
    async fn create_company(
        &self,
        ctx: &Context<'_>,
        input: CreateCompanyInput,
    ) -> ApiResult<CreateCompanyPayload> {
        let deps = deps(ctx)?;
        let operator = actor(ctx).await?.platform_operator()?;
        let mut problems = Problems::default();
        let name = problems.check(CompanyName::parse(&input.name, "name"))?;
        let settings = problems.check_all(CompanySettings::parse(
            input.require_two_factor,
            input.auto_close_after_seconds.map(i64::from),
            input.reopen_window_seconds.map(i64::from),
        ))?;
        let key = input
            .idempotency_key
            .as_deref()
            .map(|raw| problems.check(IdempotencyKey::parse(raw, "idempotencyKey")))
            .transpose()?
            .flatten();
        let (Some(name), Some(settings), true) = (name, settings, problems.is_empty()) else {
            return Ok(CreateCompanyPayload {
                company: None,
                problems: problems.0,
                replayed: false,
            });
        };
        let new = NewCompany {
            name,
            language: input.language.into(),
            settings,
            idempotency_key: key,
        };
        let created = companies::create(deps, &operator, new).await?;
        Ok(CreateCompanyPayload {
            company: Some(Company(created.company)),
            problems: Vec::new(),
            replayed: created.replayed,
        })
    }

    /// Changes a customer company's auto-close delay and reopen window (platform operator
    /// only); journaled as `COMPANY_DURATIONS_CHANGED`.
    async fn set_company_durations(
        &self,
        ctx: &Context<'_>,
        input: SetCompanyDurationsInput,
    ) -> ApiResult<SetCompanyDurationsPayload> {
        let deps = deps(ctx)?;
        let operator = actor(ctx).await?.platform_operator()?;
        let id = NodeId::typed::<CompanyId>(&input.company_id, "companyId")?;
        let changed = companies::set_durations(
            deps,
            &operator,
            id,
            input.auto_close_after_seconds.map(i64::from),
            input.reopen_window_seconds.map(i64::from),
        )
        .await?;
        let mut problems = Problems::default();
        let company = problems.check_all(changed)?.map(Company);
        Ok(SetCompanyDurationsPayload {
            company,
            problems: problems.0,
        })
    }
}

/// New request durations for a customer company; an absent value is kept.
#[derive(InputObject, Debug)]
pub struct SetCompanyDurationsInput {
    /// The customer company (a company node ID).
    pub company_id: ID,
    /// A proposed solution left unanswered this long closes the request (1 hour to 365 days).
    /// Applies to solutions proposed from now on; earlier ones keep their deadline.
    pub auto_close_after_seconds: Option<i32>,
    /// A closed request can be reopened for this long after closing (0 to 3 years). Applies
    /// at once to every closed request.
    pub reopen_window_seconds: Option<i32>,
}

/// The result of `setCompanyDurations`.
#[derive(SimpleObject)]
pub struct SetCompanyDurationsPayload {
    /// The company after the change; `null` when the input has problems.
    pub company: Option<Company>,
    /// Every problem with the input, by field; empty on success.
    pub problems: Vec<InputProblem>,
}

/// The company's security policy.
#[derive(InputObject, Debug)]
pub struct SetSecurityPolicyInput {
    /// Every contact must log in with a second factor; those without one are led to enrol
    /// before anything else.
    pub require_two_factor: bool,
}

/// The company after a policy change.
#[derive(SimpleObject)]
pub struct SetSecurityPolicyPayload {
    /// The company.
    pub company: Company,
}

#[derive(Default)]
pub struct SecurityPolicyMutation;

#[Object]
impl SecurityPolicyMutation {
    /// Sets the company's security policy (Security Administrators).
    async fn set_company_security_policy(
        &self,
        ctx: &Context<'_>,
        input: SetSecurityPolicyInput,
    ) -> ApiResult<SetSecurityPolicyPayload> {
        let deps = deps(ctx)?;
        let admin = actor(ctx).await?.security_administrator()?;
        let company =
            companies::set_security_policy(deps, &admin, input.require_two_factor).await?;
        Ok(SetSecurityPolicyPayload {
            company: Company(company),
        })
    }
}
