//! Contact administration mutations: adding and editing contacts, the role batch, obsolete
//! marking. Resolvers parse input and call `contacts`, which checks capabilities.

use async_graphql::{Context, ID, Object};

use super::types::{
    AddContactInput, AddContactPayload, AppliedRoleChange, ApplyRoleChangesPayload,
    ContactStatusInput, ContactStatusPayload, CreateSecurityAdministratorInput,
    CreateSupportStaffInput, DiscardRoleChangesInput, RoleChangesPayload, StageRoleChangeInput,
    StagedRoleChange, SupportStaffRole, UpdateContactInput, UpdateContactPayload,
};
use crate::accounts::credentials::Reauthentication;
use crate::auth::SecurityAdministrator;
use crate::contacts::{self, ContactEdit, NewPerson, ProviderRole, StatusChange};
use crate::deps::Deps;
use crate::domain::{Email, PersonName};
use crate::error::ApiResult;
use crate::graphql::context::{actor, deps, request};
use crate::graphql::types::{Contact, InputProblem, Problems, or_problem};
use crate::ids::{CompanyId, ContactId, NodeId};

/// Parses a person's names and e-mail, collecting every problem.
fn parse_person(
    last_name: &str,
    first_name: &str,
    email: &str,
) -> ApiResult<Result<NewPerson, Vec<InputProblem>>> {
    let mut problems = Problems::default();
    let last = problems.check(PersonName::parse(last_name, "lastName"))?;
    let first = problems.check(PersonName::parse(first_name, "firstName"))?;
    let email = problems.check(Email::parse(email, "email"))?;
    Ok(match (last, first, email) {
        (Some(last_name), Some(first_name), Some(email)) => Ok(NewPerson {
            last_name,
            first_name,
            email,
        }),
        _ => Err(problems.0),
    })
}

/// Runs `add` on a well-formed person; form problems (parsing or a taken e-mail) come back in
/// the payload.
async fn add_payload<F, Fut>(
    person: Result<NewPerson, Vec<InputProblem>>,
    add: F,
) -> ApiResult<AddContactPayload>
where
    F: FnOnce(NewPerson) -> Fut,
    Fut: std::future::Future<Output = ApiResult<contacts::Contact>>,
{
    let person = match person {
        Ok(person) => person,
        Err(problems) => {
            return Ok(AddContactPayload {
                contact: None,
                problems,
            });
        }
    };
    let (contact, problems) = or_problem(add(person).await.map(Contact))?;
    Ok(AddContactPayload { contact, problems })
}

pub(super) async fn staged_list(
    deps: &Deps,
    admin: &SecurityAdministrator,
) -> ApiResult<Vec<StagedRoleChange>> {
    Ok(contacts::staged(deps, admin)
        .await?
        .into_iter()
        .map(|(change, contact)| StagedRoleChange(change, contact))
        .collect())
}

fn contact_id(raw: &ID, field: &str) -> ApiResult<ContactId> {
    NodeId::typed(raw, field)
}

fn status_payload(change: StatusChange) -> ContactStatusPayload {
    match change {
        StatusChange::Done(contact) => ContactStatusPayload {
            contact: Some(Contact(contact)),
            problems: Vec::new(),
        },
        StatusChange::Refused(problem) => ContactStatusPayload {
            contact: None,
            problems: vec![problem.into()],
        },
    }
}

#[derive(Default)]
pub struct ContactMutation;

#[Object]
impl ContactMutation {
    /// Adds a contact to the caller's company (Support and Security Administrators). A person
    /// without an account gets one, pending, and a welcome mail; an existing account is linked
    /// and told. The contact starts without roles.
    async fn add_contact(
        &self,
        ctx: &Context<'_>,
        input: AddContactInput,
    ) -> ApiResult<AddContactPayload> {
        let deps = deps(ctx)?;
        let directory = actor(ctx).await?.contact_directory()?;
        let person = parse_person(&input.last_name, &input.first_name, &input.email)?;
        add_payload(person, |person| contacts::add(deps, &directory, person)).await
    }

    /// Creates the first Security Administrator of a company (platform operator only; refused
    /// once the company has one).
    async fn create_security_administrator(
        &self,
        ctx: &Context<'_>,
        input: CreateSecurityAdministratorInput,
    ) -> ApiResult<AddContactPayload> {
        let deps = deps(ctx)?;
        let operator = actor(ctx).await?.platform_operator()?;
        let company = NodeId::typed::<CompanyId>(&input.company_id, "companyId")?;
        let person = parse_person(&input.last_name, &input.first_name, &input.email)?;
        add_payload(person, |person| {
            contacts::add_first_security_administrator(deps, &operator, company, person)
        })
        .await
    }

    /// Adds a support agent or manager to the provider organisation (platform operator only).
    /// A person without an account gets one, pending, and a welcome mail.
    async fn create_support_staff(
        &self,
        ctx: &Context<'_>,
        input: CreateSupportStaffInput,
    ) -> ApiResult<AddContactPayload> {
        let deps = deps(ctx)?;
        let operator = actor(ctx).await?.platform_operator()?;
        let person = parse_person(&input.last_name, &input.first_name, &input.email)?;
        let role = match input.role {
            SupportStaffRole::SupportAgent => ProviderRole::SupportAgent,
            SupportStaffRole::SupportManager => ProviderRole::SupportManager,
        };
        add_payload(person, |person| {
            contacts::add_support_staff(deps, &operator, person, role)
        })
        .await
    }

    /// Edits a contact's names or e-mail (Support and Security Administrators).
    async fn update_contact(
        &self,
        ctx: &Context<'_>,
        input: UpdateContactInput,
    ) -> ApiResult<UpdateContactPayload> {
        let deps = deps(ctx)?;
        let directory = actor(ctx).await?.contact_directory()?;
        let id = contact_id(&input.id, "id")?;
        let mut problems = Problems::default();
        let mut edit = ContactEdit::default();
        if let Some(raw) = &input.last_name {
            edit.last_name = problems.check(PersonName::parse(raw, "lastName"))?;
        }
        if let Some(raw) = &input.first_name {
            edit.first_name = problems.check(PersonName::parse(raw, "firstName"))?;
        }
        if let Some(raw) = &input.email {
            edit.email = problems.check(Email::parse(raw, "email"))?;
        }
        edit.proof = input.current_password.map(|password| Reauthentication {
            password,
            code: input.code,
        });
        if !problems.is_empty() {
            return Ok(UpdateContactPayload {
                contact: None,
                problems: problems.0,
            });
        }
        let client = request(ctx)?.client();
        let edited = contacts::edit(deps, client, &directory, id, input.version, edit)
            .await
            .map(Contact);
        let (contact, problems) = or_problem(edited)?;
        Ok(UpdateContactPayload { contact, problems })
    }

    /// Stages roles for a contact (Security Administrators). Nothing changes until
    /// `applyRoleChanges`; staging the contact's current roles removes its staged change.
    async fn stage_role_change(
        &self,
        ctx: &Context<'_>,
        input: StageRoleChangeInput,
    ) -> ApiResult<RoleChangesPayload> {
        let deps = deps(ctx)?;
        let admin = actor(ctx).await?.security_administrator()?;
        let id = contact_id(&input.contact_id, "contactId")?;
        contacts::stage(deps, &admin, id, input.roles.into()).await?;
        Ok(RoleChangesPayload {
            staged_changes: staged_list(deps, &admin).await?,
        })
    }

    /// Discards staged role changes (Security Administrators).
    async fn discard_role_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] input: DiscardRoleChangesInput,
    ) -> ApiResult<RoleChangesPayload> {
        let deps = deps(ctx)?;
        let admin = actor(ctx).await?.security_administrator()?;
        let ids = input
            .contact_ids
            .map(|ids| {
                ids.iter()
                    .map(|id| contact_id(id, "contactIds"))
                    .collect::<ApiResult<Vec<_>>>()
            })
            .transpose()?;
        contacts::discard(deps, &admin, ids.as_deref()).await?;
        Ok(RoleChangesPayload {
            staged_changes: staged_list(deps, &admin).await?,
        })
    }

    /// Applies every staged role change in one transaction, or none (Security
    /// Administrators). Each change is journaled and mailed to the contact.
    async fn apply_role_changes(&self, ctx: &Context<'_>) -> ApiResult<ApplyRoleChangesPayload> {
        let deps = deps(ctx)?;
        let admin = actor(ctx).await?.security_administrator()?;
        let client = request(ctx)?.client();
        let outcome = contacts::apply(deps, &admin, client.addr).await?;
        Ok(ApplyRoleChangesPayload {
            applied: outcome
                .applied
                .into_iter()
                .map(|change| AppliedRoleChange {
                    contact: Contact(change.contact),
                    from: change.from.into(),
                    to: change.to.into(),
                })
                .collect(),
            problems: outcome.problems.into_iter().map(Into::into).collect(),
        })
    }

    /// Marks a contact obsolete (Security Administrators); refused while it holds roles.
    async fn mark_contact_obsolete(
        &self,
        ctx: &Context<'_>,
        input: ContactStatusInput,
    ) -> ApiResult<ContactStatusPayload> {
        let deps = deps(ctx)?;
        let admin = actor(ctx).await?.security_administrator()?;
        let id = contact_id(&input.id, "id")?;
        Ok(status_payload(
            contacts::mark_obsolete(deps, &admin, id).await?,
        ))
    }

    /// Reactivates an obsolete contact, without roles (Security Administrators).
    async fn reactivate_contact(
        &self,
        ctx: &Context<'_>,
        input: ContactStatusInput,
    ) -> ApiResult<ContactStatusPayload> {
        let deps = deps(ctx)?;
        let admin = actor(ctx).await?.security_administrator()?;
        let id = contact_id(&input.id, "id")?;
        Ok(status_payload(
            contacts::reactivate(deps, &admin, id).await?,
        ))
    }
}
