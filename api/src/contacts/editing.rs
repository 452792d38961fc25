//! Editing a contact's identity, marking it obsolete and reactivating it: each under the
//! company's lock (role batches rely on it), at the version the caller read, and journaled.

use entity::ContactStatus;
use sea_orm::ConnectionTrait;

use super::adding::unique_to_taken;
use super::journal::{contact_entry, mail_contact_at};
use super::rules::{ContactProblem, edit_refusal, obsolete_refusal};
use super::{Contact, repo, rights};
use crate::accounts::{self, credentials};
use crate::audit::{self, AuditAction};
use crate::auth::login::Client;
use crate::auth::{ContactDirectory, SecurityAdministrator};
use crate::companies;
use crate::deps::Deps;
use crate::domain::Language;
use crate::domain::{Email, PersonName};
use crate::error::{ApiError, ApiResult, InputReason};
use crate::ids::{AccountId, CompanyId, ContactId};
use crate::live::{self, ContactChange};
use crate::mail::Template;

/// Changes to a contact's identity; `None` keeps the value. Changing one's own e-mail address
/// takes `proof` (the password, and a code where the account has a second factor).
#[derive(Default)]
pub struct ContactEdit {
    pub last_name: Option<PersonName>,
    pub first_name: Option<PersonName>,
    pub email: Option<Email>,
    pub proof: Option<credentials::Reauthentication>,
}

/// The outcome of marking a contact obsolete or reactivating it.
#[derive(Debug)]
pub enum StatusChange {
    Done(Contact),
    Refused(ContactProblem),
}

fn not_found() -> ApiError {
    ApiError::NotFound { what: "contact" }
}

/// A contact of `company_id`, or `NOT_FOUND` exactly as for an unknown ID.
async fn own_contact<C: ConnectionTrait>(
    conn: &C,
    company_id: CompanyId,
    id: ContactId,
) -> ApiResult<Contact> {
    repo::find(conn, id)
        .await?
        .filter(|c| c.company_id == company_id.uuid())
        .ok_or_else(not_found)
}

/// `CONFLICT` naming the current version.
fn stale(current: &Contact) -> ApiError {
    ApiError::Conflict {
        field: Some("version".into()),
        message: format!(
            "The contact changed since you read it (now version {}): reload and retry",
            current.version
        ),
    }
}

/// Writes `changed` over the contact if it still has `expected_version`; `CONFLICT` otherwise.
async fn write_if_unchanged<C: ConnectionTrait>(
    conn: &C,
    changed: &Contact,
    expected_version: i32,
) -> ApiResult<()> {
    let written = repo::write_if_unchanged(conn, changed, expected_version)
        .await
        .map_err(|err| unique_to_taken(err, "email"))?;
    if written {
        Ok(())
    } else {
        let id = ContactId::from_uuid(changed.id);
        let current = repo::find(conn, id).await?.ok_or_else(not_found)?;
        Err(stale(&current))
    }
}

/// Edits a contact's names or e-mail, if it still has `version`. Whoever changes their own
/// contact's e-mail address proves first that they own the account (the mails of the
/// contact, request notices included, would otherwise follow whoever holds a session).
pub async fn edit(
    deps: &Deps,
    client: Client,
    directory: &ContactDirectory,
    id: ContactId,
    version: i32,
    mut edit: ContactEdit,
) -> ApiResult<Contact> {
    let own = id == directory.contact_id();
    let mut proven = None;
    if let (true, Some(email)) = (own, &edit.email) {
        let current = repo::find(deps.db.reader(), id)
            .await?
            .ok_or_else(not_found)?;
        if current.email != email.as_str() {
            let proof = edit.proof.take().ok_or_else(proof_required)?;
            let owner = directory.account_id();
            proven = Some(credentials::prove_owner(deps, client, owner, proof).await?);
        }
    }
    let owner_proven = proven.is_some();
    let now = deps.clock.now();
    let txn = match proven {
        Some(txn) => txn,
        None => deps.db.begin_write().await?,
    };
    companies::repo::lock(&txn, directory.company_id()).await?;
    rights::directory(&txn, directory).await?;
    let before = own_contact(&txn, directory.company_id(), id).await?;
    if before.version != version {
        return Err(stale(&before));
    }
    let changes_email = edit
        .email
        .as_ref()
        .is_some_and(|e| e.as_str() != before.email);
    if let Some(refusal) = edit_refusal(directory, &before, changes_email) {
        return Err(refusal);
    }
    if changes_email && own && !owner_proven {
        return Err(proof_required());
    }
    let mut after = before.clone();
    if let Some(last) = edit.last_name {
        after.last_name = last.as_str().to_owned();
    }
    if let Some(first) = edit.first_name {
        after.first_name = first.as_str().to_owned();
    }
    if let Some(email) = edit.email {
        after.email = email.as_str().to_owned();
    }
    if after == before {
        return Ok(before);
    }
    after.name_key = crate::domain::contact_name_key(&after.last_name, &after.first_name);
    after.updated_at = now;
    write_if_unchanged(&txn, &after, version).await?;
    after.version = version + 1;
    let actor = directory.account_id();
    let by = Some(actor.uuid());
    live::contacts_changed(&txn, now, ContactChange::Edited, by, [&after]).await?;
    let entry = contact_entry(AuditAction::ContactEdited, actor, Some(&before), &after);
    audit::record(&txn, now, entry).await?;
    if after.email != before.email {
        tell_both_addresses(&txn, deps, now, &before, &after).await?;
    }
    deps.commit(txn).await?;
    Ok(after)
}

fn proof_required() -> ApiError {
    ApiError::bad_input(
        "currentPassword",
        InputReason::Required,
        "Give your current password (and a code if you use an authenticator app) to change your own e-mail address",
    )
}

/// Tells the contact at its former and its new address that the address changed, in its
/// owner's language (the company's when unknown).
async fn tell_both_addresses<C: ConnectionTrait>(
    conn: &C,
    deps: &Deps,
    now: chrono::DateTime<chrono::Utc>,
    before: &Contact,
    after: &Contact,
) -> ApiResult<()> {
    let company_id = CompanyId::from_uuid(after.company_id);
    let company = companies::repo::find(conn, company_id).await?;
    let company_name = company.as_ref().map_or("", |c| c.name.as_str());
    let account = accounts::repo::find(conn, AccountId::from_uuid(after.account_id)).await?;
    let language = match (&account, &company) {
        (Some(account), _) => Language::from_code(&account.language),
        (None, Some(company)) => Language::from_code(&company.language),
        (None, None) => Language::En,
    };
    let template = || Template::EmailChanged {
        company: company_name,
        old: &before.email,
        new: &after.email,
    };
    mail_contact_at(conn, deps, now, after, &before.email, language, template()).await?;
    mail_contact_at(conn, deps, now, after, &after.email, language, template()).await?;
    Ok(())
}

/// Marks a contact obsolete; refused while it holds an applied role, naming those roles.
pub async fn mark_obsolete(
    deps: &Deps,
    admin: &SecurityAdministrator,
    id: ContactId,
) -> ApiResult<StatusChange> {
    set_status(deps, admin, id, ContactStatus::Obsolete).await
}

/// Makes an obsolete contact active again (without roles: they are staged as usual).
pub async fn reactivate(
    deps: &Deps,
    admin: &SecurityAdministrator,
    id: ContactId,
) -> ApiResult<StatusChange> {
    set_status(deps, admin, id, ContactStatus::Active).await
}

async fn set_status(
    deps: &Deps,
    admin: &SecurityAdministrator,
    id: ContactId,
    status: ContactStatus,
) -> ApiResult<StatusChange> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    companies::repo::lock(&txn, admin.company_id()).await?;
    rights::security_admin(&txn, admin).await?;
    let before = own_contact(&txn, admin.company_id(), id).await?;
    if before.status == status {
        return Ok(StatusChange::Done(before));
    }
    if status == ContactStatus::Obsolete
        && let Some(refusal) = obsolete_refusal(&before)
    {
        return Ok(StatusChange::Refused(refusal));
    }
    let mut after = before.clone();
    after.status = status;
    after.updated_at = now;
    write_if_unchanged(&txn, &after, before.version).await?;
    after.version = before.version + 1;
    let (action, change) = match status {
        ContactStatus::Obsolete => (AuditAction::ContactObsoleted, ContactChange::MarkedObsolete),
        ContactStatus::Active => (AuditAction::ContactReactivated, ContactChange::Reactivated),
    };
    let by = Some(admin.account_id().uuid());
    live::contacts_changed(&txn, now, change, by, [&after]).await?;
    let entry = contact_entry(action, admin.account_id(), Some(&before), &after);
    audit::record(&txn, now, entry).await?;
    deps.commit(txn).await?;
    Ok(StatusChange::Done(after))
}
