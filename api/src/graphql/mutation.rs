//! Root mutation fields.

use async_graphql::{Context, InputObject, MergedObject, Object, SimpleObject};

use super::auth::AuthMutation;
use super::context::{actor, services};
use super::types::{Company, InputProblem, LanguageGql};
use crate::companies::{self, NewCompany};
use crate::domain::CompanyName;
use crate::error::ApiResult;
use crate::idempotency::IdempotencyKey;

/// Every mutation field.
#[derive(MergedObject, Default)]
pub struct Mutation(AuthMutation, CompanyMutation);

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
        let services = services(ctx)?;
        let operator = actor(ctx).await?.platform_operator()?;
        let mut problems = Problems::default();
        let name = problems.check(CompanyName::parse(&input.name, "name"))?;
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
        let new = NewCompany {
            name,
            language: input.language.into(),
            idempotency_key: key,
        };
        let created = companies::create(services, &operator, new).await?;
        Ok(CreateCompanyPayload {
            company: Some(Company(created.company)),
            problems: Vec::new(),
            replayed: created.replayed,
        })
    }
}
