//! The apply-changes batch (SPEC §3): a Security Administrator stages role changes, reviews
//! them (old → new), then applies them all in one transaction, or none.

use std::collections::HashMap;
use std::net::IpAddr;

use entity::{ContactStatus, SupportRole, contact, staged_role_change};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveEnum as _, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::admin::{ContactProblem, ContactProblemCode, active_security_admins, contact_entry};
use super::repo;
use crate::audit::{self, AuditEntry};
use crate::auth::SecurityAdministrator;
use crate::companies;
use crate::deps::Deps;
use crate::domain::Language;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::ids::new_uuid;
use crate::mail::{self, OutgoingMail, Template};

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

    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "supportRole": self.support_role.map(|r| r.to_value()),
            "securityAdministrator": self.security_admin,
        })
    }
}

/// A staged change as listed: old → new.
pub type StagedChange = staged_role_change::Model;

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

fn mine(admin: &SecurityAdministrator) -> sea_orm::Select<staged_role_change::Entity> {
    staged_role_change::Entity::find()
        .filter(staged_role_change::Column::SessionId.eq(admin.session_id()))
        .filter(staged_role_change::Column::CompanyId.eq(admin.company_id()))
}

/// The changes this administrator staged in this session for their company, oldest first,
/// each with its contact (read in one query per 500 changes, not one per change).
pub async fn staged(
    deps: &Deps,
    admin: &SecurityAdministrator,
) -> ApiResult<Vec<(StagedChange, Option<contact::Model>)>> {
    let db = deps.db.reader();
    let rows = mine(admin)
        .order_by_asc(staged_role_change::Column::StagedAt)
        .order_by_asc(staged_role_change::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.contact_id).collect();
    let contacts = contacts_by_id(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let contact = contacts.get(&row.contact_id).cloned();
            (row, contact)
        })
        .collect())
}

/// Contacts by ID, read in chunks of 500 (SQLite bounds the parameters of a statement).
async fn contacts_by_id<C: ConnectionTrait>(
    conn: &C,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, contact::Model>, DbErr> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows = contact::Entity::find()
            .filter(contact::Column::Id.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        found.extend(rows.into_iter().map(|c| (c.id, c)));
    }
    Ok(found)
}

/// Stages (or re-stages) the roles `to` for a contact. Staging a contact's current roles
/// removes its staged change; `None` then.
pub async fn stage(
    deps: &Deps,
    admin: &SecurityAdministrator,
    contact_id: Uuid,
    to: RoleSet,
) -> ApiResult<Option<StagedChange>> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    // Serialised with `apply` of the same company, so a change staged while a batch is being
    // applied is neither written with stale roles nor deleted unseen.
    companies::repo::lock(&txn, admin.company_id()).await?;
    let contact = repo::find(&txn, contact_id)
        .await?
        .filter(|c| c.company_id == admin.company_id())
        .ok_or(ApiError::NotFound { what: "contact" })?;
    if contact.status == ContactStatus::Obsolete {
        return Err(ApiError::bad_input(
            "contactId",
            InputReason::Obsolete,
            "The contact is obsolete: reactivate it before giving it roles",
        ));
    }
    staged_role_change::Entity::delete_many()
        .filter(staged_role_change::Column::SessionId.eq(admin.session_id()))
        .filter(staged_role_change::Column::ContactId.eq(contact.id))
        .exec(&txn)
        .await?;
    let from = RoleSet::of(&contact);
    if from == to {
        txn.commit().await?;
        return Ok(None);
    }
    let row = StagedChange {
        id: new_uuid(),
        session_id: admin.session_id(),
        company_id: admin.company_id(),
        contact_id: contact.id,
        staged_by_account_id: admin.account_id(),
        contact_version: contact.version,
        from_support_role: from.support_role,
        from_security_admin: from.security_admin,
        to_support_role: to.support_role,
        to_security_admin: to.security_admin,
        staged_at: now,
    };
    staged_role_change::Entity::insert(staged_role_change::ActiveModel {
        id: Set(row.id),
        session_id: Set(row.session_id),
        company_id: Set(row.company_id),
        contact_id: Set(row.contact_id),
        staged_by_account_id: Set(row.staged_by_account_id),
        contact_version: Set(row.contact_version),
        from_support_role: Set(row.from_support_role),
        from_security_admin: Set(row.from_security_admin),
        to_support_role: Set(row.to_support_role),
        to_security_admin: Set(row.to_security_admin),
        staged_at: Set(row.staged_at),
    })
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(Some(row))
}

/// Discards the staged changes of these contacts, or all of them when `contacts` is `None`;
/// how many were discarded.
pub async fn discard(
    deps: &Deps,
    admin: &SecurityAdministrator,
    contacts: Option<&[Uuid]>,
) -> ApiResult<u64> {
    let txn = deps.db.begin_write().await?;
    companies::repo::lock(&txn, admin.company_id()).await?;
    let mut delete = staged_role_change::Entity::delete_many()
        .filter(staged_role_change::Column::SessionId.eq(admin.session_id()))
        .filter(staged_role_change::Column::CompanyId.eq(admin.company_id()));
    if let Some(ids) = contacts {
        delete = delete.filter(staged_role_change::Column::ContactId.is_in(ids.iter().copied()));
    }
    let discarded = delete.exec(&txn).await?.rows_affected;
    txn.commit().await?;
    Ok(discarded)
}

/// A change written by [`apply`].
#[derive(Debug, Clone)]
pub struct AppliedChange {
    pub contact: contact::Model,
    pub from: RoleSet,
    pub to: RoleSet,
}

/// What [`apply`] did: every change, or nothing and every problem.
#[derive(Debug, Clone, Default)]
pub struct ApplyOutcome {
    pub applied: Vec<AppliedChange>,
    pub problems: Vec<ContactProblem>,
}

/// Applies every staged change in one transaction, or none. The administrator's own rights
/// are checked again inside the transaction (a demoted administrator cannot apply).
pub async fn apply(
    deps: &Deps,
    admin: &SecurityAdministrator,
    client_addr: Option<IpAddr>,
) -> ApiResult<ApplyOutcome> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let company = companies::repo::lock(&txn, admin.company_id())
        .await?
        .ok_or(ApiError::NotFound { what: "company" })?;
    let still_admin = repo::find(&txn, admin.contact_id())
        .await?
        .is_some_and(|me| {
            me.company_id == company.id && me.status == ContactStatus::Active && me.security_admin
        });
    if !still_admin {
        return Err(ApiError::Forbidden);
    }
    let staged = mine(admin)
        .order_by_asc(staged_role_change::Column::StagedAt)
        .order_by_asc(staged_role_change::Column::Id)
        .all(&txn)
        .await?;
    if staged.is_empty() {
        return Ok(ApplyOutcome::default());
    }
    let ids: Vec<Uuid> = staged.iter().map(|s| s.contact_id).collect();
    let current = contacts_by_id(&txn, &ids).await?;

    let mut problems = Vec::new();
    let mut admins_after =
        i64::try_from(active_security_admins(&txn, company.id).await?).unwrap_or(i64::MAX);
    for change in &staged {
        let (from, to) = roles_of(change);
        let problem = |code, message: &str| ContactProblem {
            contact_id: change.contact_id,
            code,
            message: message.to_owned(),
            roles: to,
        };
        let Some(contact) = current
            .get(&change.contact_id)
            .filter(|c| c.company_id == company.id)
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
        let reported: std::collections::HashSet<Uuid> =
            problems.iter().map(|p| p.contact_id).collect();
        for change in &staged {
            if change.from_security_admin
                && !change.to_security_admin
                && !reported.contains(&change.contact_id)
            {
                problems.push(ContactProblem {
                    contact_id: change.contact_id,
                    code: ContactProblemCode::LastSecurityAdministrator,
                    message: "The company must keep at least one active Security Administrator"
                        .into(),
                    roles: roles_of(change).1,
                });
            }
        }
    }
    if !problems.is_empty() {
        return Ok(ApplyOutcome {
            applied: Vec::new(),
            problems,
        });
    }

    let batch_id = new_uuid();
    // Every writer of contacts takes the company lock held here, so the versions checked above
    // still hold: the changes are written a group of equal roles at a time.
    let mut groups: HashMap<RoleSet, Vec<Uuid>> = HashMap::new();
    for change in &staged {
        groups
            .entry(roles_of(change).1)
            .or_default()
            .push(change.contact_id);
    }
    for (to, ids) in &groups {
        for chunk in ids.chunks(500) {
            let written = write_roles(&txn, chunk, *to, now).await?;
            if written != chunk.len() as u64 {
                return Err(ApiError::internal(anyhow::anyhow!(
                    "a role batch wrote {written} of {} contacts",
                    chunk.len()
                )));
            }
        }
    }
    let languages = account_languages(&txn, current.values().map(|c| c.account_id)).await?;
    let company_language = Language::from_code(&company.language);
    let mut applied = Vec::with_capacity(staged.len());
    let mut entries = Vec::with_capacity(staged.len() + 1);
    for change in &staged {
        let (from, to) = roles_of(change);
        let Some(before) = current.get(&change.contact_id) else {
            continue;
        };
        let after = contact::Model {
            support_role: to.support_role,
            security_admin: to.security_admin,
            version: before.version + 1,
            updated_at: now,
            ..before.clone()
        };
        let mut entry = contact_entry(
            "CONTACT_ROLES_CHANGED",
            admin.account_id(),
            Some(before),
            &after,
        );
        if let Some(after_json) = entry.after.as_mut() {
            after_json["batchId"] = serde_json::Value::String(batch_id.to_string());
        }
        entry.client_addr = client_addr;
        entries.push(entry);
        applied.push(AppliedChange {
            contact: after,
            from,
            to,
        });
    }
    let names: Vec<String> = applied
        .iter()
        .map(|a| format!("{} {}", a.contact.first_name, a.contact.last_name))
        .collect();
    let mails = applied
        .iter()
        .zip(&names)
        .map(|(change, name)| OutgoingMail {
            template: Template::RolesChanged {
                company: &company.name,
                support_role: change.to.support_role,
                security_admin: change.to.security_admin,
            },
            account_id: Some(change.contact.account_id),
            to_address: &change.contact.email,
            to_name: name,
            language: languages
                .get(&change.contact.account_id)
                .copied()
                .unwrap_or(company_language),
        })
        .collect();
    mail::enqueue_many(&txn, now, &deps.settings.http.public_url, mails).await?;
    let summary = AuditEntry {
        action: "ROLE_BATCH_APPLIED",
        actor_account_id: Some(admin.account_id()),
        company_id: Some(company.id),
        target_kind: Some("COMPANY"),
        target_id: Some(company.id),
        after: Some(serde_json::json!({
            "batchId": batch_id.to_string(),
            "changes": applied.iter().map(|a| serde_json::json!({
                "contactId": crate::ids::NodeId::new(crate::ids::NodeKind::Contact, a.contact.id).to_string(),
                "from": a.from.json(),
                "to": a.to.json(),
            })).collect::<Vec<_>>(),
        })),
        client_addr,
        ..AuditEntry::default()
    };
    entries.push(summary);
    audit::record_many(&txn, now, entries).await?;
    // Exactly the rows applied (staging waits for the company lock, so there are no others).
    let applied_rows: Vec<Uuid> = staged.iter().map(|s| s.id).collect();
    for chunk in applied_rows.chunks(500) {
        staged_role_change::Entity::delete_many()
            .filter(staged_role_change::Column::Id.is_in(chunk.iter().copied()))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    deps.mail.wake();
    Ok(ApplyOutcome {
        applied,
        problems: Vec::new(),
    })
}

/// Writes the roles `to` on these contacts; how many rows changed.
async fn write_roles<C: ConnectionTrait>(
    conn: &C,
    ids: &[Uuid],
    to: RoleSet,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64, DbErr> {
    let result = contact::Entity::update_many()
        .col_expr(contact::Column::SupportRole, to.support_role.into())
        .col_expr(contact::Column::SecurityAdmin, to.security_admin.into())
        .col_expr(
            contact::Column::Version,
            Expr::col(contact::Column::Version).add(1),
        )
        .col_expr(contact::Column::UpdatedAt, now.into())
        .filter(contact::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// The language of each account, for the mails of a batch.
pub(crate) async fn account_languages<C: ConnectionTrait>(
    conn: &C,
    ids: impl Iterator<Item = Uuid>,
) -> Result<HashMap<Uuid, Language>, DbErr> {
    use sea_orm::QuerySelect;
    let ids: Vec<Uuid> = ids.collect();
    let mut languages = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<(Uuid, String)> = entity::account::Entity::find()
            .select_only()
            .column(entity::account::Column::Id)
            .column(entity::account::Column::Language)
            .filter(entity::account::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        languages.extend(
            rows.into_iter()
                .map(|(id, code)| (id, Language::from_code(&code))),
        );
    }
    Ok(languages)
}
