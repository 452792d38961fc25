//! The objects, inputs and payloads of contact administration.

use async_graphql::{Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::contacts::{self, ContactProblem, ContactProblemCode, RoleSet, StagedChange, roles_of};
use crate::graphql::types::{Contact, InputProblem, SupportRoleGql};
use crate::ids::NodeId;

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
pub struct StagedRoleChange(pub StagedChange, pub Option<contacts::Contact>);

/// A role change staged but not applied yet.
#[Object]
impl StagedRoleChange {
    /// The contact whose roles change.
    async fn contact(&self) -> Option<Contact> {
        self.1.clone().map(Contact)
    }

    /// The roles when the change was staged.
    async fn from(&self) -> Roles {
        roles_of(&self.0).0.into()
    }

    /// The roles the change gives.
    async fn to(&self) -> Roles {
        roles_of(&self.0).1.into()
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
            contact_id: NodeId::of(problem.contact_id).to_string().into(),
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
    /// Your current password: required to change your own e-mail address.
    pub current_password: Option<String>,
    /// A current code of your authenticator app: required with `currentPassword` when your
    /// account has a second factor.
    pub code: Option<String>,
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
