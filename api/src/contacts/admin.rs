//! Contact administration: adding people (with their welcome mail), editing, obsolete marking
//! and reactivation. Every change is journaled in its own transaction.

use chrono::{DateTime, Utc};
use entity::{AccountState, ContactStatus, ProviderRole, account, company, contact};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveEnum as _, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

use super::repo::{self, NewContact};
use crate::accounts::credentials;
use crate::accounts::repo::{self as accounts, NewAccount};
use crate::audit::{self, AuditEntry};
use crate::auth::{ContactDirectory, PlatformOperator, SecurityAdministrator};
use crate::companies;
use crate::deps::Deps;
use crate::domain::{Email, Language, PersonName};
use crate::error::{ApiError, ApiResult, InputReason};
use crate::mail::{self, OutgoingMail, Template};

/// A person to add to a company.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub last_name: PersonName,
    pub first_name: PersonName,
    pub email: Email,
}

/// Changes to a contact's identity; `None` keeps the value.
#[derive(Debug, Clone, Default)]
pub struct ContactEdit {
    pub last_name: Option<PersonName>,
    pub first_name: Option<PersonName>,
    pub email: Option<Email>,
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
    pub contact_id: Uuid,
    pub code: ContactProblemCode,
    pub message: String,
    /// The roles concerned (the roles to remove, for `RolesRemain`).
    pub roles: super::roles::RoleSet,
}

/// The journal's picture of a contact (enum values as stored and as the API spells them).
pub(crate) fn contact_json(contact: &contact::Model) -> serde_json::Value {
    serde_json::json!({
        "lastName": contact.last_name,
        "firstName": contact.first_name,
        "email": contact.email,
        "supportRole": contact.support_role.map(|r| r.to_value()),
        "securityAdministrator": contact.security_admin,
        "providerRole": contact.provider_role.map(|r| r.to_value()),
        "status": contact.status.to_value(),
    })
}

/// The journal entry of an action on a contact: `before` (if it existed) → `after`.
pub(crate) fn contact_entry(
    action: &'static str,
    actor: Uuid,
    before: Option<&contact::Model>,
    after: &contact::Model,
) -> AuditEntry {
    AuditEntry {
        action,
        actor_account_id: Some(actor),
        company_id: Some(after.company_id),
        target_kind: Some("CONTACT"),
        target_id: Some(after.id),
        before: before.map(contact_json),
        after: Some(contact_json(after)),
        ..AuditEntry::default()
    }
}

fn taken_email() -> ApiError {
    ApiError::bad_input(
        "email",
        InputReason::Taken,
        "This person is already a contact of the company",
    )
}

fn not_found() -> ApiError {
    ApiError::NotFound { what: "contact" }
}

/// Writes the mail that tells an account's owner something about one contact.
pub(crate) async fn mail_contact<C: ConnectionTrait>(
    conn: &C,
    deps: &Deps,
    now: DateTime<Utc>,
    contact: &contact::Model,
    language: Language,
    template: Template<'_>,
) -> Result<(), DbErr> {
    let name = format!("{} {}", contact.first_name, contact.last_name);
    mail::enqueue(
        conn,
        now,
        &deps.settings.http.public_url,
        OutgoingMail {
            template,
            account_id: Some(contact.account_id),
            to_address: &contact.email,
            to_name: &name,
            language,
        },
    )
    .await?;
    Ok(())
}

/// The role a new contact starts with.
#[derive(Debug, Clone, Copy)]
enum Grant {
    Nothing,
    SecurityAdministrator,
    Staff(ProviderRole),
}

/// Adds a person to `company`: a pending account with a welcome mail when nobody has that
/// e-mail, otherwise the existing account linked and told. The contact starts without roles.
async fn add_in<C: ConnectionTrait>(
    txn: &C,
    deps: &Deps,
    now: DateTime<Utc>,
    company: &company::Model,
    person: NewPerson,
    grant: Grant,
) -> ApiResult<contact::Model> {
    let (security_admin, provider_role) = match grant {
        Grant::Nothing => (false, None),
        Grant::SecurityAdministrator => (true, None),
        Grant::Staff(role) => (false, Some(role)),
    };
    let email = person.email;
    let duplicate = contact::Entity::find()
        .filter(contact::Column::CompanyId.eq(company.id))
        .filter(contact::Column::Email.eq(email.as_str()))
        .count(txn)
        .await?;
    if duplicate > 0 {
        return Err(taken_email());
    }
    let language = Language::from_code(&company.language);
    let (account, is_new) = match accounts::find_by_email(txn, &email).await? {
        Some(existing) => (existing, false),
        None => {
            let display_name = format!(
                "{} {}",
                person.first_name.as_str(),
                person.last_name.as_str()
            );
            let created = accounts::insert(
                txn,
                NewAccount {
                    login: email.as_str().to_owned(),
                    email: email.clone(),
                    display_name,
                    language,
                    state: AccountState::Pending,
                    password_hash: None,
                    must_change_password: false,
                },
                now,
            )
            .await
            .map_err(|err| unique_to_taken(err, "email"))?;
            (created, true)
        }
    };
    if repo::find_by_account(txn, company.id, account.id)
        .await?
        .is_some()
    {
        return Err(taken_email());
    }
    let new = NewContact {
        company_id: company.id,
        account_id: account.id,
        last_name: person.last_name.as_str().to_owned(),
        first_name: person.first_name.as_str().to_owned(),
        email: email.as_str().to_owned(),
        support_role: None,
        security_admin,
        provider_role,
        status: ContactStatus::Active,
    };
    let created = repo::insert(txn, new, now)
        .await
        .map_err(|err| unique_to_taken(err, "email"))?;
    if is_new {
        credentials::send_setup_link(txn, deps, now, &account).await?;
    } else {
        let template = Template::AddedToCompany {
            company: &company.name,
        };
        mail_contact(
            txn,
            deps,
            now,
            &created,
            account_language(&account),
            template,
        )
        .await?;
    }
    Ok(created)
}

fn account_language(account: &account::Model) -> Language {
    Language::from_code(&account.language)
}

fn unique_to_taken(err: DbErr, field: &str) -> ApiError {
    if crate::db::is_unique_violation(&err) {
        ApiError::bad_input(field, InputReason::Taken, "This e-mail is already used")
    } else {
        err.into()
    }
}

/// Adds a contact to the directory's company (Support and Security Administrators).
pub async fn add(
    deps: &Deps,
    directory: &ContactDirectory,
    person: NewPerson,
) -> ApiResult<contact::Model> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let company = companies::repo::lock(&txn, directory.company_id())
        .await?
        .ok_or(ApiError::NotFound { what: "company" })?;
    let created = add_in(&txn, deps, now, &company, person, Grant::Nothing).await?;
    journal_and_commit(
        txn,
        deps,
        now,
        "CONTACT_ADDED",
        directory.account_id(),
        created,
    )
    .await
}

/// The platform operator adds a company's first Security Administrator; refused once the
/// company has an active one (from then on its own administrators add people).
pub async fn add_first_security_administrator(
    deps: &Deps,
    operator: &PlatformOperator,
    company_id: Uuid,
    person: NewPerson,
) -> ApiResult<contact::Model> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let company = companies::repo::lock(&txn, company_id)
        .await?
        .filter(|c| c.kind == entity::CompanyKind::Customer)
        .ok_or(ApiError::NotFound { what: "company" })?;
    if active_security_admins(&txn, company.id).await? > 0 {
        return Err(ApiError::Conflict {
            field: Some("companyId".into()),
            message: "The company already has a Security Administrator, who adds contacts".into(),
        });
    }
    let created = add_in(
        &txn,
        deps,
        now,
        &company,
        person,
        Grant::SecurityAdministrator,
    )
    .await?;
    let action = "SECURITY_ADMINISTRATOR_CREATED";
    journal_and_commit(txn, deps, now, action, operator.account_id(), created).await
}

/// The platform operator adds a support agent or manager to the provider organisation; they
/// work on every company's submitted requests.
pub async fn add_support_staff(
    deps: &Deps,
    operator: &PlatformOperator,
    person: NewPerson,
    role: ProviderRole,
) -> ApiResult<contact::Model> {
    if role == ProviderRole::PlatformOperator {
        return Err(ApiError::bad_input(
            "role",
            InputReason::InvalidFormat,
            "support staff are agents or managers",
        ));
    }
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let provider = companies::repo::find_provider(&txn)
        .await?
        .ok_or(ApiError::NotFound { what: "company" })?;
    let provider = companies::repo::lock(&txn, provider.id)
        .await?
        .ok_or(ApiError::NotFound { what: "company" })?;
    let created = add_in(&txn, deps, now, &provider, person, Grant::Staff(role)).await?;
    let action = "SUPPORT_STAFF_CREATED";
    journal_and_commit(txn, deps, now, action, operator.account_id(), created).await
}

/// A customer company and its first Security Administrator in one transaction (the command
/// line): both or neither.
pub async fn create_company_with_security_administrator(
    deps: &Deps,
    operator: &PlatformOperator,
    new: companies::NewCompany,
    person: NewPerson,
) -> ApiResult<(company::Model, contact::Model)> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let company = companies::insert_in(&txn, operator.account_id(), &new, now).await?;
    let created = add_in(
        &txn,
        deps,
        now,
        &company,
        person,
        Grant::SecurityAdministrator,
    )
    .await?;
    let action = "SECURITY_ADMINISTRATOR_CREATED";
    let created =
        journal_and_commit(txn, deps, now, action, operator.account_id(), created).await?;
    Ok((company, created))
}

/// Journals a new contact, commits, and wakes the mail worker for its welcome mail.
async fn journal_and_commit(
    txn: sea_orm::DatabaseTransaction,
    deps: &Deps,
    now: DateTime<Utc>,
    action: &'static str,
    actor: Uuid,
    created: contact::Model,
) -> ApiResult<contact::Model> {
    audit::record(&txn, now, contact_entry(action, actor, None, &created)).await?;
    txn.commit().await?;
    deps.mail.wake();
    Ok(created)
}

/// Active Security Administrators of a company.
pub(crate) async fn active_security_admins<C: ConnectionTrait>(
    conn: &C,
    company_id: Uuid,
) -> Result<u64, DbErr> {
    contact::Entity::find()
        .filter(contact::Column::CompanyId.eq(company_id))
        .filter(contact::Column::SecurityAdmin.eq(true))
        .filter(contact::Column::Status.eq(ContactStatus::Active))
        .count(conn)
        .await
}

/// A contact of `company_id`, or `NOT_FOUND` exactly as for an unknown ID.
async fn own_contact<C: ConnectionTrait>(
    conn: &C,
    company_id: Uuid,
    id: Uuid,
) -> ApiResult<contact::Model> {
    repo::find(conn, id)
        .await?
        .filter(|c| c.company_id == company_id)
        .ok_or_else(not_found)
}

/// `CONFLICT` naming the current version.
fn stale(current: &contact::Model) -> ApiError {
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
    changed: &contact::Model,
    expected_version: i32,
) -> ApiResult<()> {
    let updated = contact::Entity::update_many()
        .col_expr(contact::Column::LastName, changed.last_name.clone().into())
        .col_expr(
            contact::Column::FirstName,
            changed.first_name.clone().into(),
        )
        .col_expr(contact::Column::Email, changed.email.clone().into())
        .col_expr(contact::Column::NameKey, changed.name_key.clone().into())
        .col_expr(contact::Column::SupportRole, changed.support_role.into())
        .col_expr(
            contact::Column::SecurityAdmin,
            changed.security_admin.into(),
        )
        .col_expr(contact::Column::Status, changed.status.into())
        .col_expr(
            contact::Column::Version,
            Expr::col(contact::Column::Version).add(1),
        )
        .col_expr(contact::Column::UpdatedAt, changed.updated_at.into())
        .filter(contact::Column::Id.eq(changed.id))
        .filter(contact::Column::Version.eq(expected_version))
        .exec(conn)
        .await
        .map_err(|err| unique_to_taken(err, "email"))?;
    if updated.rows_affected == 1 {
        Ok(())
    } else {
        let current = repo::find(conn, changed.id).await?.ok_or_else(not_found)?;
        Err(stale(&current))
    }
}

/// Edits a contact's names or e-mail, if it still has `version`.
pub async fn edit(
    deps: &Deps,
    directory: &ContactDirectory,
    id: Uuid,
    version: i32,
    edit: ContactEdit,
) -> ApiResult<contact::Model> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    // Every writer of contacts takes the company lock (role batches rely on it).
    companies::repo::lock(&txn, directory.company_id()).await?;
    let before = own_contact(&txn, directory.company_id(), id).await?;
    if before.version != version {
        return Err(stale(&before));
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
    let entry = contact_entry(
        "CONTACT_EDITED",
        directory.account_id(),
        Some(&before),
        &after,
    );
    audit::record(&txn, now, entry).await?;
    txn.commit().await?;
    Ok(after)
}

/// The outcome of marking a contact obsolete or reactivating it.
#[derive(Debug)]
pub enum StatusChange {
    Done(contact::Model),
    Refused(ContactProblem),
}

/// Marks a contact obsolete; refused while it holds an applied role, naming those roles.
pub async fn mark_obsolete(
    deps: &Deps,
    admin: &SecurityAdministrator,
    id: Uuid,
) -> ApiResult<StatusChange> {
    set_status(deps, admin, id, ContactStatus::Obsolete).await
}

/// Makes an obsolete contact active again (without roles: they are staged as usual).
pub async fn reactivate(
    deps: &Deps,
    admin: &SecurityAdministrator,
    id: Uuid,
) -> ApiResult<StatusChange> {
    set_status(deps, admin, id, ContactStatus::Active).await
}

async fn set_status(
    deps: &Deps,
    admin: &SecurityAdministrator,
    id: Uuid,
    status: ContactStatus,
) -> ApiResult<StatusChange> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    companies::repo::lock(&txn, admin.company_id()).await?;
    let before = own_contact(&txn, admin.company_id(), id).await?;
    if before.status == status {
        return Ok(StatusChange::Done(before));
    }
    let roles = super::roles::RoleSet::of(&before);
    if status == ContactStatus::Obsolete && !roles.is_empty() {
        return Ok(StatusChange::Refused(ContactProblem {
            contact_id: before.id,
            code: ContactProblemCode::RolesRemain,
            message: format!(
                "Remove these roles (and apply) before marking the contact obsolete: {}",
                roles.codes().join(", ")
            ),
            roles,
        }));
    }
    let mut after = before.clone();
    after.status = status;
    after.updated_at = now;
    write_if_unchanged(&txn, &after, before.version).await?;
    after.version = before.version + 1;
    let action = match status {
        ContactStatus::Obsolete => "CONTACT_OBSOLETED",
        ContactStatus::Active => "CONTACT_REACTIVATED",
    };
    let entry = contact_entry(action, admin.account_id(), Some(&before), &after);
    audit::record(&txn, now, entry).await?;
    txn.commit().await?;
    Ok(StatusChange::Done(after))
}

/// The active contacts of an account (the companies the person can act for), by company name.
pub async fn memberships<C: ConnectionTrait>(
    conn: &C,
    account_id: Uuid,
) -> Result<Vec<contact::Model>, DbErr> {
    use sea_orm::{QueryOrder, QuerySelect, RelationTrait};
    contact::Entity::find()
        .filter(contact::Column::AccountId.eq(account_id))
        .filter(contact::Column::Status.eq(ContactStatus::Active))
        .join(
            sea_orm::JoinType::InnerJoin,
            contact::Relation::Company.def(),
        )
        .order_by_asc(company::Column::NameKey)
        .order_by_asc(contact::Column::Id)
        .all(conn)
        .await
}
