//! Contact administration over GraphQL: adding and editing contacts, the role batch, obsolete
//! marking, the company's security policy, switching company and the audit journal. Resolvers
//! parse input and call the services, which check capabilities.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::audit_event;

use super::context::{actor, deps, request};
use super::types::{Company, Contact, InputProblem, PageInfo, SupportRoleGql, Viewer};
use crate::audit::{self, AuditFilter};
use crate::contacts::admin::{
    self, ContactEdit, ContactProblem, ContactProblemCode, NewPerson, StatusChange,
};
use crate::contacts::roles::{self, RoleSet, StagedChange};
use crate::deps::Deps;
use crate::domain::{Email, PersonName};
use crate::error::{ApiError, ApiResult};
use crate::ids::{NodeId, NodeKind};
use crate::paging::PageRequest;
use crate::{auth, companies, contacts};

/// A contact's customer roles.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct Roles {
    /// The support role, if any.
    pub support_role: Option<SupportRoleGql>,
    /// Whether the contact is a Security Administrator.
    pub security_administrator: bool,
}

impl From<RoleSet> for Roles {
    fn from(roles: RoleSet) -> Self {
        Self {
            support_role: roles.support_role.map(Into::into),
            security_administrator: roles.security_admin,
        }
    }
}

/// Roles to give a contact: at most one support role, optionally with Security Administrator.
#[derive(InputObject, Debug, Clone, Copy)]
pub struct RolesInput {
    /// The support role; `null` for none.
    pub support_role: Option<SupportRoleGql>,
    /// Whether the contact is to be a Security Administrator.
    pub security_administrator: bool,
}

impl From<RolesInput> for RoleSet {
    fn from(input: RolesInput) -> Self {
        Self {
            support_role: input.support_role.map(Into::into),
            security_admin: input.security_administrator,
        }
    }
}

/// A role change staged but not applied yet, with its contact.
pub struct StagedRoleChange(StagedChange, Option<entity::contact::Model>);

/// A role change staged but not applied yet.
#[Object]
impl StagedRoleChange {
    /// The contact whose roles change.
    async fn contact(&self) -> Option<Contact> {
        self.1.clone().map(Contact)
    }

    /// The roles when the change was staged.
    async fn from(&self) -> Roles {
        roles::roles_of(&self.0).0.into()
    }

    /// The roles the change gives.
    async fn to(&self) -> Roles {
        roles::roles_of(&self.0).1.into()
    }

    /// The contact's version when staged; applying fails for this contact if it changed.
    async fn contact_version(&self) -> i32 {
        self.0.contact_version
    }

    /// When the change was staged.
    async fn staged_at(&self) -> DateTime<Utc> {
        self.0.staged_at
    }
}

/// Why a contact could not change.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ContactProblemCode")]
pub enum ContactProblemCodeGql {
    /// Someone changed the contact since the change was staged.
    Conflict,
    /// No such contact in the company.
    NotFound,
    /// The contact is obsolete.
    ContactObsolete,
    /// The contact still holds roles (listed in `roles`): remove them and apply first.
    RolesRemain,
    /// The company would be left without an active Security Administrator.
    LastSecurityAdministrator,
}

/// A problem with one contact of a batch or of an obsolete marking.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "ContactProblem")]
pub struct ContactProblemGql {
    /// The contact concerned.
    pub contact_id: ID,
    /// What is wrong.
    pub code: ContactProblemCodeGql,
    /// An English explanation; clients translate by `code`.
    pub message: String,
    /// The roles concerned: the roles to remove (`ROLES_REMAIN`), the contact's current roles
    /// (`CONFLICT`) or the staged roles.
    pub roles: Roles,
}

impl From<ContactProblem> for ContactProblemGql {
    fn from(problem: ContactProblem) -> Self {
        Self {
            contact_id: NodeId::new(NodeKind::Contact, problem.contact_id)
                .to_string()
                .into(),
            code: match problem.code {
                ContactProblemCode::Conflict => ContactProblemCodeGql::Conflict,
                ContactProblemCode::NotFound => ContactProblemCodeGql::NotFound,
                ContactProblemCode::Obsolete => ContactProblemCodeGql::ContactObsolete,
                ContactProblemCode::RolesRemain => ContactProblemCodeGql::RolesRemain,
                ContactProblemCode::LastSecurityAdministrator => {
                    ContactProblemCodeGql::LastSecurityAdministrator
                }
            },
            message: problem.message,
            roles: problem.roles.into(),
        }
    }
}

/// A person to add as a contact.
#[derive(InputObject, Debug)]
pub struct AddContactInput {
    /// Last name, 1 to 100 characters.
    pub last_name: String,
    /// First name, 1 to 100 characters.
    pub first_name: String,
    /// Professional e-mail address.
    pub email: String,
}

/// A support agent or manager to add to the provider organisation.
#[derive(InputObject, Debug)]
pub struct CreateSupportStaffInput {
    /// Last name, 1 to 100 characters.
    pub last_name: String,
    /// First name, 1 to 100 characters.
    pub first_name: String,
    /// Professional e-mail address.
    pub email: String,
    /// The role.
    pub role: SupportStaffRole,
}

/// The roles of support staff.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportStaffRole {
    /// Works on every company's submitted requests.
    SupportAgent,
    /// An agent who also dispatches requests to other agents.
    SupportManager,
}

/// The result of adding a contact.
#[derive(SimpleObject)]
pub struct AddContactPayload {
    /// The new contact (without roles: stage them); `null` when the input has problems.
    pub contact: Option<Contact>,
    /// Every problem with the input, by field.
    pub problems: Vec<InputProblem>,
}

/// A first Security Administrator for a company.
#[derive(InputObject, Debug)]
pub struct CreateSecurityAdministratorInput {
    /// The company.
    pub company_id: ID,
    /// Last name, 1 to 100 characters.
    pub last_name: String,
    /// First name, 1 to 100 characters.
    pub first_name: String,
    /// Professional e-mail address.
    pub email: String,
}

/// Changes to a contact; absent fields keep their value.
#[derive(InputObject, Debug)]
pub struct UpdateContactInput {
    /// The contact.
    pub id: ID,
    /// The version read; the update fails with `CONFLICT` if the contact changed since.
    pub version: i32,
    /// New last name.
    pub last_name: Option<String>,
    /// New first name.
    pub first_name: Option<String>,
    /// New professional e-mail address.
    pub email: Option<String>,
}

/// The result of a contact edit.
#[derive(SimpleObject)]
pub struct UpdateContactPayload {
    /// The contact as it is now; `null` when the input has problems.
    pub contact: Option<Contact>,
    /// Every problem with the input, by field.
    pub problems: Vec<InputProblem>,
}

/// Stages roles for one contact.
#[derive(InputObject, Debug)]
pub struct StageRoleChangeInput {
    /// The contact.
    pub contact_id: ID,
    /// The roles it is to have once applied.
    pub roles: RolesInput,
}

/// The staged changes after staging or discarding.
#[derive(SimpleObject)]
pub struct RoleChangesPayload {
    /// Every change staged in this session for the company, oldest first.
    pub staged_changes: Vec<StagedRoleChange>,
}

/// Which staged changes to discard.
#[derive(InputObject, Debug, Default)]
pub struct DiscardRoleChangesInput {
    /// These contacts' changes; all of them when absent.
    pub contact_ids: Option<Vec<ID>>,
}

/// A change written by `applyRoleChanges`.
#[derive(SimpleObject)]
pub struct AppliedRoleChange {
    /// The contact as it is now.
    pub contact: Contact,
    /// The roles before.
    pub from: Roles,
    /// The roles now.
    pub to: Roles,
}

/// The result of applying the batch: every change, or none and every problem.
#[derive(SimpleObject)]
pub struct ApplyRoleChangesPayload {
    /// The changes written; empty when there are problems.
    pub applied: Vec<AppliedRoleChange>,
    /// Every problem, per contact; when not empty nothing was written and the staged changes
    /// are kept.
    pub problems: Vec<ContactProblemGql>,
}

/// A contact to mark obsolete or reactivate.
#[derive(InputObject, Debug)]
pub struct ContactStatusInput {
    /// The contact.
    pub id: ID,
}

/// The result of marking a contact obsolete or reactivating it.
#[derive(SimpleObject)]
pub struct ContactStatusPayload {
    /// The contact as it is now; `null` when refused.
    pub contact: Option<Contact>,
    /// Why it was refused (`ROLES_REMAIN` names the roles to remove first).
    pub problems: Vec<ContactProblemGql>,
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

fn problems_or<T>(problems: &mut Vec<InputProblem>, parsed: ApiResult<T>) -> ApiResult<Option<T>> {
    match parsed {
        Ok(value) => Ok(Some(value)),
        Err(error) => {
            problems.push(InputProblem::from_error(error)?);
            Ok(None)
        }
    }
}

/// Parses a person's names and e-mail, collecting every problem.
fn parse_person(
    last_name: &str,
    first_name: &str,
    email: &str,
) -> ApiResult<Result<NewPerson, Vec<InputProblem>>> {
    let mut problems = Vec::new();
    let last = problems_or(&mut problems, PersonName::parse(last_name, "lastName"))?;
    let first = problems_or(&mut problems, PersonName::parse(first_name, "firstName"))?;
    let email = problems_or(&mut problems, Email::parse(email, "email"))?;
    Ok(match (last, first, email) {
        (Some(last_name), Some(first_name), Some(email)) => Ok(NewPerson {
            last_name,
            first_name,
            email,
        }),
        _ => Err(problems),
    })
}

/// A form problem comes back in the payload; anything else is an error.
fn split_problem(result: ApiResult<Contact>) -> ApiResult<(Option<Contact>, Vec<InputProblem>)> {
    match result {
        Ok(contact) => Ok((Some(contact), Vec::new())),
        Err(error @ ApiError::BadUserInput { .. }) => {
            Ok((None, vec![InputProblem::from_error(error)?]))
        }
        Err(other) => Err(other),
    }
}

/// Runs `add` on a well-formed person; form problems (parsing or a taken e-mail) come back in
/// the payload.
async fn add_payload<F, Fut>(
    person: Result<NewPerson, Vec<InputProblem>>,
    add: F,
) -> ApiResult<AddContactPayload>
where
    F: FnOnce(NewPerson) -> Fut,
    Fut: std::future::Future<Output = ApiResult<entity::contact::Model>>,
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
    let (contact, problems) = split_problem(add(person).await.map(Contact))?;
    Ok(AddContactPayload { contact, problems })
}

async fn staged_list(
    deps: &Deps,
    admin: &auth::SecurityAdministrator,
) -> ApiResult<Vec<StagedRoleChange>> {
    Ok(roles::staged(deps, admin)
        .await?
        .into_iter()
        .map(|(change, contact)| StagedRoleChange(change, contact))
        .collect())
}

fn contact_id(raw: &ID, field: &str) -> ApiResult<uuid::Uuid> {
    NodeId::expect(raw, NodeKind::Contact, field, "contact")
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
pub struct AdminMutation;

#[Object]
impl AdminMutation {
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
        add_payload(person, |person| admin::add(deps, &directory, person)).await
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
        let company = NodeId::expect(&input.company_id, NodeKind::Company, "companyId", "company")?;
        let person = parse_person(&input.last_name, &input.first_name, &input.email)?;
        add_payload(person, |person| {
            admin::add_first_security_administrator(deps, &operator, company, person)
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
            SupportStaffRole::SupportAgent => entity::ProviderRole::SupportAgent,
            SupportStaffRole::SupportManager => entity::ProviderRole::SupportManager,
        };
        add_payload(person, |person| {
            admin::add_support_staff(deps, &operator, person, role)
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
        let mut problems = Vec::new();
        let mut edit = ContactEdit::default();
        if let Some(raw) = &input.last_name {
            edit.last_name = problems_or(&mut problems, PersonName::parse(raw, "lastName"))?;
        }
        if let Some(raw) = &input.first_name {
            edit.first_name = problems_or(&mut problems, PersonName::parse(raw, "firstName"))?;
        }
        if let Some(raw) = &input.email {
            edit.email = problems_or(&mut problems, Email::parse(raw, "email"))?;
        }
        if !problems.is_empty() {
            return Ok(UpdateContactPayload {
                contact: None,
                problems,
            });
        }
        let edited = admin::edit(deps, &directory, id, input.version, edit)
            .await
            .map(Contact);
        let (contact, problems) = split_problem(edited)?;
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
        roles::stage(deps, &admin, id, input.roles.into()).await?;
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
        roles::discard(deps, &admin, ids.as_deref()).await?;
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
        let outcome = roles::apply(deps, &admin, client.addr).await?;
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
            admin::mark_obsolete(deps, &admin, id).await?,
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
        Ok(status_payload(admin::reactivate(deps, &admin, id).await?))
    }

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

    /// Makes this session act for another company the person is an active contact of.
    async fn switch_company(
        &self,
        ctx: &Context<'_>,
        input: SwitchCompanyInput,
    ) -> ApiResult<SwitchCompanyPayload> {
        let deps = deps(ctx)?;
        let principal = actor(ctx).await?.principal()?;
        let company_id =
            NodeId::expect(&input.company_id, NodeKind::Company, "companyId", "company")?;
        let contact =
            contacts::repo::find_by_account(deps.db.reader(), company_id, principal.account_id)
                .await?
                .filter(|c| c.status == entity::ContactStatus::Active)
                .ok_or(ApiError::NotFound { what: "company" })?;
        auth::sessions::switch_contact(deps.db.writer(), principal.session_id, contact.id).await?;
        Ok(SwitchCompanyPayload {
            contact: Contact(contact),
        })
    }
}

/// One entry of the audit journal.
pub struct AuditEvent(audit_event::Model);

fn json_text(text: Option<&String>) -> Option<async_graphql::Json<serde_json::Value>> {
    text.and_then(|t| serde_json::from_str(t).ok())
        .map(async_graphql::Json)
}

/// One entry of the audit journal.
#[Object]
impl AuditEvent {
    /// Opaque ID.
    async fn id(&self) -> ID {
        self.0.id.to_string().into()
    }

    /// When it happened.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }

    /// What happened, e.g. `CONTACT_ROLES_CHANGED`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The account that acted (an account node ID), if any.
    async fn actor_id(&self) -> Option<ID> {
        self.0
            .actor_account_id
            .map(|id| NodeId::new(NodeKind::Account, id).to_string().into())
    }

    /// The company concerned (a company node ID), if any.
    async fn company_id(&self) -> Option<ID> {
        self.0
            .company_id
            .map(|id| NodeId::new(NodeKind::Company, id).to_string().into())
    }

    /// The kind of object acted on: `CONTACT`, `COMPANY`, `ACCOUNT`.
    async fn target_kind(&self) -> Option<&str> {
        self.0.target_kind.as_deref()
    }

    /// The object acted on (its node ID), if any.
    async fn target_id(&self) -> Option<ID> {
        let kind = match self.0.target_kind.as_deref() {
            Some("CONTACT") => NodeKind::Contact,
            Some("COMPANY") => NodeKind::Company,
            Some("ACCOUNT") => NodeKind::Account,
            _ => return None,
        };
        self.0
            .target_id
            .map(|id| NodeId::new(kind, id).to_string().into())
    }

    /// The object before the action.
    async fn before(&self) -> Option<async_graphql::Json<serde_json::Value>> {
        json_text(self.0.before.as_ref())
    }

    /// The object after the action.
    async fn after(&self) -> Option<async_graphql::Json<serde_json::Value>> {
        json_text(self.0.after.as_ref())
    }
}

/// An entry in a page of the journal.
#[derive(SimpleObject)]
pub struct AuditEventEdge {
    /// Opaque position of this edge.
    pub cursor: String,
    /// The entry.
    pub node: AuditEvent,
}

/// A page of the journal, newest first.
#[derive(SimpleObject)]
pub struct AuditEventConnection {
    /// The entries of this page.
    pub edges: Vec<AuditEventEdge>,
    /// Paging information.
    pub page_info: PageInfo,
}

/// Which journal entries to list.
#[derive(InputObject, Debug, Default)]
pub struct AuditEventFilterInput {
    /// Only these actions.
    pub actions: Option<Vec<String>>,
    /// Only entries by this account (an account node ID).
    pub actor_id: Option<ID>,
    /// Only entries about this object (a contact, company or account node ID).
    pub target_id: Option<ID>,
    /// Only this company's entries (platform operator; Security Administrators always read
    /// their own company's).
    pub company_id: Option<ID>,
    /// Only entries at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only entries before this time.
    pub until: Option<DateTime<Utc>>,
}

impl AuditEventFilterInput {
    fn parse(self) -> ApiResult<AuditFilter> {
        let uuid = |raw: Option<ID>, field: &str| {
            raw.map(|id| NodeId::parse(&id, field).map(|n| n.uuid))
                .transpose()
        };
        Ok(AuditFilter {
            actions: self.actions.unwrap_or_default(),
            actor_account_id: uuid(self.actor_id, "actorId")?,
            target_id: uuid(self.target_id, "targetId")?,
            company_id: uuid(self.company_id, "companyId")?,
            since: self.since,
            until: self.until,
        })
    }
}

#[derive(Default)]
pub struct AdminQuery;

#[Object]
impl AdminQuery {
    /// The role changes staged in this session for the caller's company (Security
    /// Administrators), oldest first.
    async fn staged_role_changes(&self, ctx: &Context<'_>) -> ApiResult<Vec<StagedRoleChange>> {
        let deps = deps(ctx)?;
        let admin = actor(ctx).await?.security_administrator()?;
        staged_list(deps, &admin).await
    }

    /// The audit journal, newest first: the caller's company for Security Administrators,
    /// everything for the platform operator.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity + 1")]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
        #[graphql(desc = "Which entries to list.")] filter: Option<AuditEventFilterInput>,
    ) -> ApiResult<AuditEventConnection> {
        let deps = deps(ctx)?;
        let actor = actor(ctx).await?;
        let page =
            PageRequest::parse(first, after.as_deref(), deps.settings.graphql.max_page_size)?;
        let filter = filter.unwrap_or_default().parse()?;
        let found = audit::list(deps, actor, filter, &page).await?;
        let edges = found
            .items
            .into_iter()
            .map(|(cursor, event)| AuditEventEdge {
                cursor: cursor.encode(),
                node: AuditEvent(event),
            })
            .collect::<Vec<_>>();
        let page_info = PageInfo {
            has_next_page: found.has_next_page,
            has_previous_page: found.has_previous_page,
            start_cursor: edges.first().map(|e| e.cursor.clone()),
            end_cursor: edges.last().map(|e| e.cursor.clone()),
        };
        Ok(AuditEventConnection { edges, page_info })
    }
}

/// The viewer's companies.
pub(crate) async fn viewer_memberships(deps: &Deps, viewer: &Viewer) -> ApiResult<Vec<Contact>> {
    Ok(admin::memberships(deps.db.reader(), viewer.0.account_id)
        .await?
        .into_iter()
        .map(Contact)
        .collect())
}
