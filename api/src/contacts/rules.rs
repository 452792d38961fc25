//! The rules of roles and statuses (SPEC §3), pure: what a contact's roles can be, which staged
//! changes a batch can apply, when a contact can be marked obsolete, and who may edit whom. The services load
//! the facts, call these inside their transaction, and write what they allow.

use std::collections::{HashMap, HashSet};

use entity::{ContactStatus, SupportRole, contact};
use sea_orm::ActiveEnum as _;
use uuid::Uuid;

use super::staged_repo::StagedChange;
use crate::auth::ContactDirectory;
use crate::error::{ApiError, InputReason};
use crate::ids::{CompanyId, ContactId};

/// A contact's customer roles: at most one support role, and optionally Security
/// Administrator. The type cannot hold two support roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RoleSet {
    pub support_role: Option<SupportRole>,
    pub security_admin: bool,
}

impl RoleSet {
    pub fn of(contact: &contact::Model) -> Self {
        Self {
            support_role: contact.support_role,
            security_admin: contact.security_admin,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.support_role.is_none() && !self.security_admin
    }

    /// The roles' codes as the API spells them, support role first.
    pub fn codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = self
            .support_role
            .map(|r| r.to_value())
            .into_iter()
            .collect();
        if self.security_admin {
            codes.push("SECURITY_ADMINISTRATOR".into());
        }
        codes
    }

    /// The journal's picture of the roles.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "supportRole": self.support_role.map(|r| r.to_value()),
            "securityAdministrator": self.security_admin,
        })
    }
}

/// A staged change's old and new roles.
pub fn roles_of(row: &StagedChange) -> (RoleSet, RoleSet) {
    (
        RoleSet {
            support_role: row.from_support_role,
            security_admin: row.from_security_admin,
        },
        RoleSet {
            support_role: row.to_support_role,
            security_admin: row.to_security_admin,
        },
    )
}

/// Why a contact could not change, per contact (batches and obsolete marking).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactProblemCode {
    /// The contact changed since the change was staged.
    Conflict,
    /// No such contact in the company.
    NotFound,
    /// The contact is obsolete.
    Obsolete,
    /// The contact still holds roles; remove them first.
    RolesRemain,
    /// The change would leave the company without an active Security Administrator.
    LastSecurityAdministrator,
}

/// One problem with one contact.
#[derive(Debug, Clone)]
pub struct ContactProblem {
    pub contact_id: ContactId,
    pub code: ContactProblemCode,
    pub message: String,
    /// The roles concerned (the roles to remove, for `RolesRemain`).
    pub roles: RoleSet,
}

/// Every problem that stops a batch: a contact gone from the company, obsolete, or changed
/// since staging, and removals of Security Administrator that would leave `company` none
/// (`active_admins` is how many it has now). Empty: every change can be written.
pub fn batch_problems(
    company: CompanyId,
    staged: &[StagedChange],
    current: &HashMap<Uuid, contact::Model>,
    active_admins: u64,
) -> Vec<ContactProblem> {
    let mut problems = Vec::new();
    let mut admins_after = i64::try_from(active_admins).unwrap_or(i64::MAX);
    for change in staged {
        let (from, to) = roles_of(change);
        let problem = |code, message: &str| ContactProblem {
            contact_id: ContactId::from_uuid(change.contact_id),
            code,
            message: message.to_owned(),
            roles: to,
        };
        let Some(contact) = current
            .get(&change.contact_id)
            .filter(|c| c.company_id == company.uuid())
        else {
            problems.push(problem(ContactProblemCode::NotFound, "contact not found"));
            continue;
        };
        if contact.status == ContactStatus::Obsolete {
            problems.push(problem(
                ContactProblemCode::Obsolete,
                "The contact was marked obsolete since the change was staged",
            ));
            continue;
        }
        if contact.version != change.contact_version {
            problems.push(ContactProblem {
                roles: RoleSet::of(contact),
                ..problem(
                    ContactProblemCode::Conflict,
                    "Someone changed this contact since the change was staged: stage it again",
                )
            });
            continue;
        }
        if from.security_admin != to.security_admin {
            admins_after += if to.security_admin { 1 } else { -1 };
        }
    }
    if admins_after < 1 {
        let reported: HashSet<ContactId> = problems.iter().map(|p| p.contact_id).collect();
        for change in staged {
            let contact_id = ContactId::from_uuid(change.contact_id);
            if change.from_security_admin
                && !change.to_security_admin
                && !reported.contains(&contact_id)
            {
                problems.push(ContactProblem {
                    contact_id,
                    code: ContactProblemCode::LastSecurityAdministrator,
                    message: "The company must keep at least one active Security Administrator"
                        .into(),
                    roles: roles_of(change).1,
                });
            }
        }
    }
    problems
}

/// The contacts of a batch grouped by the roles they get, so each group is one write.
pub fn writes_by_roles(staged: &[StagedChange]) -> HashMap<RoleSet, Vec<ContactId>> {
    let mut groups: HashMap<RoleSet, Vec<ContactId>> = HashMap::new();
    for change in staged {
        groups
            .entry(roles_of(change).1)
            .or_default()
            .push(ContactId::from_uuid(change.contact_id));
    }
    groups
}

/// Why `contact` cannot be marked obsolete now, if it cannot: it still holds applied roles.
pub fn obsolete_refusal(contact: &contact::Model) -> Option<ContactProblem> {
    let roles = RoleSet::of(contact);
    (!roles.is_empty()).then(|| ContactProblem {
        contact_id: ContactId::from_uuid(contact.id),
        code: ContactProblemCode::RolesRemain,
        message: format!(
            "Remove these roles (and apply) before marking the contact obsolete: {}",
            roles.codes().join(", ")
        ),
        roles,
    })
}

/// Why the holder of `directory` may not make `edit` to `target`, if they may not: a Support
/// Administrator edits neither a Security Administrator nor another contact's e-mail address
/// (SPEC §3); a Security Administrator edits every contact of the company.
pub fn edit_refusal(
    directory: &ContactDirectory,
    target: &contact::Model,
    changes_email: bool,
) -> Option<ApiError> {
    if directory.security_admin() {
        return None;
    }
    if target.security_admin {
        return Some(ApiError::Forbidden);
    }
    let own = target.id == directory.contact_id().uuid();
    (changes_email && !own).then(|| {
        ApiError::bad_input(
            "email",
            InputReason::NotEditable,
            "Only a Security Administrator changes another contact's e-mail address",
        )
    })
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn contact(company: Uuid, security_admin: bool, status: ContactStatus) -> contact::Model {
        let now = Utc::now();
        contact::Model {
            id: Uuid::now_v7(),
            company_id: company,
            account_id: Uuid::now_v7(),
            last_name: "Martin".into(),
            first_name: "Léa".into(),
            name_key: "martin lea".into(),
            email: "lea@example.com".into(),
            support_role: None,
            security_admin,
            provider_role: None,
            status,
            version: 3,
            created_at: now,
            updated_at: now,
        }
    }

    fn staged(contact: &contact::Model, to: RoleSet) -> StagedChange {
        StagedChange {
            id: Uuid::now_v7(),
            session_id: Uuid::nil(),
            company_id: contact.company_id,
            contact_id: contact.id,
            staged_by_account_id: Uuid::nil(),
            contact_version: contact.version,
            from_support_role: contact.support_role,
            from_security_admin: contact.security_admin,
            to_support_role: to.support_role,
            to_security_admin: to.security_admin,
            staged_at: Utc::now(),
        }
    }

    fn by_id(contacts: &[&contact::Model]) -> HashMap<Uuid, contact::Model> {
        contacts.iter().map(|c| (c.id, (*c).clone())).collect()
    }

    const ADVANCED: RoleSet = RoleSet {
        support_role: Some(SupportRole::Advanced),
        security_admin: false,
    };

    #[test]
    fn a_clean_batch_has_no_problem_and_groups_its_writes_by_roles() {
        let company = Uuid::now_v7();
        let a = contact(company, false, ContactStatus::Active);
        let b = contact(company, false, ContactStatus::Active);
        let batch = [staged(&a, ADVANCED), staged(&b, ADVANCED)];
        let problems = batch_problems(CompanyId::from_uuid(company), &batch, &by_id(&[&a, &b]), 1);
        assert!(problems.is_empty(), "{problems:?}");
        let groups = writes_by_roles(&batch);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[&ADVANCED].len(), 2);
    }

    #[test]
    fn every_contact_gone_obsolete_or_changed_is_reported_at_once() {
        let company = Uuid::now_v7();
        let moved = contact(Uuid::now_v7(), false, ContactStatus::Active);
        let obsolete = contact(company, false, ContactStatus::Obsolete);
        let mut changed = contact(company, false, ContactStatus::Active);
        let batch = [
            staged(&moved, ADVANCED),
            staged(&obsolete, ADVANCED),
            staged(&changed, ADVANCED),
        ];
        changed.version += 1;
        let current = by_id(&[&moved, &obsolete, &changed]);
        let codes: Vec<_> = batch_problems(CompanyId::from_uuid(company), &batch, &current, 1)
            .into_iter()
            .map(|p| p.code)
            .collect();
        assert_eq!(
            codes,
            [
                ContactProblemCode::NotFound,
                ContactProblemCode::Obsolete,
                ContactProblemCode::Conflict
            ]
        );
    }

    #[test]
    fn the_last_security_administrator_cannot_be_removed_but_can_be_replaced() {
        let company = Uuid::now_v7();
        let admin = contact(company, true, ContactStatus::Active);
        let other = contact(company, false, ContactStatus::Active);
        let current = by_id(&[&admin, &other]);
        let removal = [staged(&admin, RoleSet::default())];
        let problems = batch_problems(CompanyId::from_uuid(company), &removal, &current, 1);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].code,
            ContactProblemCode::LastSecurityAdministrator
        );
        let successor = RoleSet {
            support_role: None,
            security_admin: true,
        };
        let handover = [
            staged(&admin, RoleSet::default()),
            staged(&other, successor),
        ];
        assert!(batch_problems(CompanyId::from_uuid(company), &handover, &current, 1).is_empty());
    }

    #[test]
    fn only_contacts_without_roles_can_be_marked_obsolete() {
        let company = Uuid::now_v7();
        let mut holder = contact(company, true, ContactStatus::Active);
        holder.support_role = Some(SupportRole::Restricted);
        let refusal = obsolete_refusal(&holder).expect("roles remain");
        assert_eq!(refusal.code, ContactProblemCode::RolesRemain);
        assert_eq!(
            refusal.roles.codes(),
            ["SUPPORT_RESTRICTED", "SECURITY_ADMINISTRATOR"]
        );
        assert!(obsolete_refusal(&contact(company, false, ContactStatus::Active)).is_none());
    }
}
