//! Root mutation fields.

use async_graphql::{Context, InputObject, MergedObject, Object, SimpleObject};

use super::admin::AdminMutation;
use super::auth::AuthMutation;
use super::context::{actor, deps};
use super::types::{Company, InputProblem, LanguageGql};
use crate::companies::{self, CompanySettings, NewCompany};
use crate::domain::CompanyName;
use crate::error::ApiResult;
use crate::idempotency::IdempotencyKey;

/// Every mutation field.
#[derive(MergedObject, Default)]
pub struct Mutation(
    AuthMutation,
    CompanyMutation,
    AdminMutation,
    super::requests::RequestMutation,
);

#[derive(Default)]
pub struct CompanyMutation;

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

/// A duration in seconds within `min..=max`, or the default.
fn seconds_in(
    value: Option<i32>,
    default: i64,
    min: i64,
    max: i64,
    field: &str,
) -> Result<i64, crate::error::ApiError> {
    let Some(value) = value else {
        return Ok(default);
    };
    let value = i64::from(value);
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(crate::error::ApiError::bad_input(
            field,
            crate::error::InputReason::OutOfRange,
            format!("must be between {min} and {max} seconds"),
        ))
    }
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

/// Collects every input problem instead of stopping at the first.
#[derive(Default)]
struct Problems(Vec<InputProblem>);

impl Problems {
    fn check<T>(&mut self, parsed: Result<T, crate::error::ApiError>) -> ApiResult<Option<T>> {
        match parsed {
            Ok(value) => Ok(Some(value)),
            Err(error) => {
                self.0.push(InputProblem::from_error(error)?);
                Ok(None)
            }
        }
    }
}

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
        let defaults = CompanySettings::default();
        let auto_close = problems.check(seconds_in(
            input.auto_close_after_seconds,
            defaults.auto_close_after_secs,
            3600,
            365 * 86_400,
            "autoCloseAfterSeconds",
        ))?;
        let reopen = problems.check(seconds_in(
            input.reopen_window_seconds,
            defaults.reopen_window_secs,
            0,
            3 * 366 * 86_400,
            "reopenWindowSeconds",
        ))?;
        let key = input
            .idempotency_key
            .as_deref()
            .map(|raw| problems.check(IdempotencyKey::parse(raw, "idempotencyKey")))
            .transpose()?
            .flatten();
        let Some(name) = name.filter(|_| problems.0.is_empty()) else {
            return Ok(CreateCompanyPayload {
                company: None,
                problems: problems.0,
                replayed: false,
            });
        };
        let (Some(auto_close_after_secs), Some(reopen_window_secs)) = (auto_close, reopen) else {
            return Ok(CreateCompanyPayload {
                company: None,
                problems: problems.0,
                replayed: false,
            });
        };
        let new = NewCompany {
            name,
            language: input.language.into(),
            settings: CompanySettings {
                require_two_factor: input.require_two_factor,
                auto_close_after_secs,
                reopen_window_secs,
            },
            idempotency_key: key,
        };
        let created = companies::create(deps, &operator, new).await?;
        Ok(CreateCompanyPayload {
            company: Some(Company(created.company)),
            problems: Vec::new(),
            replayed: created.replayed,
        })
    }
}
