//! The apply-changes batch (SPEC §3): a Security Administrator stages role changes, reviews
//! them (old → new), then applies them all in one transaction, or none. The checks are the
//! pure rules of `rules.rs`; this module loads their facts and writes what they allow.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use entity::ContactStatus;

use super::journal::contact_entry;
use super::rules::{self, ContactProblem, RoleSet, roles_of};
use super::staged_repo::{self, StagedChange};
use super::{Contact, repo, rights};
use crate::accounts;
use crate::audit::{self, AuditAction, AuditEntry, Target};
use crate::auth::SecurityAdministrator;
use crate::companies::{self, Company};
use crate::deps::Deps;
use crate::domain::Language;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::ids::{ContactId, NodeId, new_uuid};
use crate::live::{self, ContactChange};
use crate::mail::{self, OutgoingMail, Template};

/// The changes this administrator staged in this session for their company, oldest first,
/// each with its contact (read in one query per 500 changes, not one per change).
pub async fn staged(
    deps: &Deps,
    admin: &SecurityAdministrator,
) -> ApiResult<Vec<(StagedChange, Option<Contact>)>> {
    let db = deps.db.reader();
    let rows = staged_repo::of_session(db, admin.session_id(), admin.company_id()).await?;
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.contact_id).collect();
    let contacts = repo::find_many(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let contact = contacts.get(&row.contact_id).cloned();
            (row, contact)
        })
        .collect())
}

/// Stages (or re-stages) the roles `to` for a contact. Staging a contact's current roles
/// removes its staged change; `None` then.
pub async fn stage(
    deps: &Deps,
    admin: &SecurityAdministrator,
    contact_id: ContactId,
    to: RoleSet,
) -> ApiResult<Option<StagedChange>> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    // Serialised with `apply` of the same company, so a change staged while a batch is being
    // applied is neither written with stale roles nor deleted unseen.
    companies::repo::lock(&txn, admin.company_id()).await?;
    rights::security_admin(&txn, admin).await?;
    let contact = repo::find(&txn, contact_id)
        .await?
        .filter(|c| c.company_id == admin.company_id().uuid())
        .ok_or(ApiError::NotFound { what: "contact" })?;
    if contact.status == ContactStatus::Obsolete {
        return Err(ApiError::bad_input(
            "contactId",
            InputReason::Obsolete,
            "The contact is obsolete: reactivate it before giving it roles",
        ));
    }
    let only = [contact_id];
    staged_repo::delete_of_session(&txn, admin.session_id(), admin.company_id(), Some(&only))
        .await?;
    let from = RoleSet::of(&contact);
    if from == to {
        txn.commit().await?;
        return Ok(None);
    }
    let row = StagedChange {
        id: new_uuid(),
        session_id: admin.session_id(),
        company_id: admin.company_id().uuid(),
        contact_id: contact.id,
        staged_by_account_id: admin.account_id().uuid(),
        contact_version: contact.version,
        from_support_role: from.support_role,
        from_security_admin: from.security_admin,
        to_support_role: to.support_role,
        to_security_admin: to.security_admin,
        staged_at: now,
    };
    staged_repo::insert(&txn, &row).await?;
    txn.commit().await?;
    Ok(Some(row))
}

/// Discards the staged changes of these contacts, or all of them when `contacts` is `None`;
/// how many were discarded.
pub async fn discard(
    deps: &Deps,
    admin: &SecurityAdministrator,
    contacts: Option<&[ContactId]>,
) -> ApiResult<u64> {
    let txn = deps.db.begin_write().await?;
    companies::repo::lock(&txn, admin.company_id()).await?;
    rights::security_admin(&txn, admin).await?;
    let discarded =
        staged_repo::delete_of_session(&txn, admin.session_id(), admin.company_id(), contacts)
            .await?;
    txn.commit().await?;
    Ok(discarded)
}

/// A change written by [`apply`].
#[derive(Debug, Clone)]
pub struct AppliedChange {
    pub contact: Contact,
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
    rights::security_admin(&txn, admin).await?;
    let staged = staged_repo::of_session(&txn, admin.session_id(), admin.company_id()).await?;
    if staged.is_empty() {
        return Ok(ApplyOutcome::default());
    }
    let ids: Vec<uuid::Uuid> = staged.iter().map(|s| s.contact_id).collect();
    let current = repo::find_many(&txn, &ids).await?;
    let admins = repo::active_security_admins(&txn, admin.company_id()).await?;
    let problems = rules::batch_problems(admin.company_id(), &staged, &current, admins);
    if !problems.is_empty() {
        return Ok(ApplyOutcome {
            applied: Vec::new(),
            problems,
        });
    }
    // Every writer of contacts takes the company lock held here, so the versions checked above
    // still hold: the changes are written a group of equal roles at a time.
    for (to, ids) in rules::writes_by_roles(&staged) {
        for chunk in ids.chunks(500) {
            let written = repo::write_roles(&txn, chunk, to, now).await?;
            if written != chunk.len() as u64 {
                return Err(ApiError::internal(anyhow::anyhow!(
                    "a role batch wrote {written} of {} contacts",
                    chunk.len()
                )));
            }
        }
    }
    let applied: Vec<AppliedChange> = staged
        .iter()
        .filter_map(|change| {
            let (from, to) = roles_of(change);
            let before = current.get(&change.contact_id)?;
            let contact = Contact {
                support_role: to.support_role,
                security_admin: to.security_admin,
                version: before.version + 1,
                updated_at: now,
                ..before.clone()
            };
            Some(AppliedChange { contact, from, to })
        })
        .collect();
    let batch_id = new_uuid();
    let mut entries = journal_entries(admin, &applied, &current, batch_id, client_addr);
    entries.push(batch_entry(admin, &applied, batch_id, client_addr));
    audit::record_many(&txn, now, entries).await?;
    let changed = applied.iter().map(|a| &a.contact);
    let by = Some(admin.account_id().uuid());
    live::contacts_changed(&txn, now, ContactChange::RolesChanged, by, changed).await?;
    mail_changes(&txn, deps, now, &company, &applied).await?;
    let applied_rows: Vec<uuid::Uuid> = staged.iter().map(|s| s.id).collect();
    // Exactly the rows applied (staging waits for the company lock, so there are no others).
    staged_repo::delete_ids(&txn, &applied_rows).await?;
    deps.commit(txn).await?;
    Ok(ApplyOutcome {
        applied,
        problems: Vec::new(),
    })
}

/// One journal entry per contact changed, naming the batch.
fn journal_entries(
    admin: &SecurityAdministrator,
    applied: &[AppliedChange],
    before: &std::collections::HashMap<uuid::Uuid, Contact>,
    batch_id: uuid::Uuid,
    client_addr: Option<IpAddr>,
) -> Vec<AuditEntry> {
    applied
        .iter()
        .map(|change| {
            let previous = before.get(&change.contact.id);
            let action = AuditAction::ContactRolesChanged;
            let mut entry = contact_entry(action, admin.account_id(), previous, &change.contact);
            if let Some(after_json) = entry.after.as_mut() {
                after_json["batchId"] = serde_json::Value::String(batch_id.to_string());
            }
            entry.client_addr = client_addr;
            entry
        })
        .collect()
}

/// The entry of the whole batch, on the company.
fn batch_entry(
    admin: &SecurityAdministrator,
    applied: &[AppliedChange],
    batch_id: uuid::Uuid,
    client_addr: Option<IpAddr>,
) -> AuditEntry {
    let changes: Vec<serde_json::Value> = applied
        .iter()
        .map(|a| {
            let contact = NodeId::of(ContactId::from_uuid(a.contact.id)).to_string();
            serde_json::json!({ "contactId": contact, "from": a.from.json(), "to": a.to.json() })
        })
        .collect();
    let after = serde_json::json!({ "batchId": batch_id.to_string(), "changes": changes });
    AuditEntry {
        client_addr,
        ..AuditEntry::new(AuditAction::RoleBatchApplied, Some(admin.account_id()))
            .about(admin.company_id(), Target::Company(admin.company_id()))
            .change(None, Some(after))
    }
}

/// One mail per contact changed, in its owner's language (the company's when unknown).
async fn mail_changes(
    txn: &sea_orm::DatabaseTransaction,
    deps: &Deps,
    now: DateTime<Utc>,
    company: &Company,
    applied: &[AppliedChange],
) -> ApiResult<()> {
    let accounts = applied.iter().map(|a| a.contact.account_id);
    let languages = accounts::repo::languages(txn, accounts).await?;
    let company_language = Language::from_code(&company.language);
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
    mail::enqueue_many(txn, now, &deps.settings.http.public_url, mails).await?;
    Ok(())
}
