//! Adding people to a company: a pending account with a welcome mail when nobody has the
//! e-mail address, otherwise the existing account linked and told. Each addition is journaled
//! in its own transaction, under the company's lock.

use chrono::{DateTime, Utc};
use entity::{AccountState, CompanyKind, ContactStatus, ProviderRole, account, company};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr};

use super::journal::{contact_entry, mail_contact};
use super::repo::{self, NewContact};
use super::{Contact, rights, taken_email};
use crate::accounts::credentials;
use crate::accounts::repo::{self as accounts, NewAccount};
use crate::audit::{self, AuditAction};
use crate::auth::{ContactDirectory, PlatformOperator};
use crate::companies::{self, Company};
use crate::deps::Deps;
use crate::domain::{Email, Language, PersonName};
use crate::error::{ApiError, ApiResult, InputReason};
use crate::ids::{AccountId, CompanyId};
use crate::live::{self, ContactChange};
use crate::mail::Template;

/// A person to add to a company.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub last_name: PersonName,
    pub first_name: PersonName,
    pub email: Email,
}

/// The role a new contact starts with.
#[derive(Debug, Clone, Copy)]
enum Grant {
    Nothing,
    SecurityAdministrator,
    Staff(ProviderRole),
}

/// Adds a contact to the directory's company (Support and Security Administrators).
pub async fn add(
    deps: &Deps,
    directory: &ContactDirectory,
    person: NewPerson,
) -> ApiResult<Contact> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let company = companies::repo::lock(&txn, directory.company_id())
        .await?
        .ok_or(ApiError::NotFound { what: "company" })?;
    rights::directory(&txn, directory).await?;
    let created = add_in(&txn, deps, now, &company, person, Grant::Nothing).await?;
    let action = AuditAction::ContactAdded;
    journal_and_commit(txn, deps, now, action, directory.account_id(), created).await
}

/// The platform operator adds a company's first Security Administrator; refused once the
/// company has an active one (from then on its own administrators add people).
pub async fn add_first_security_administrator(
    deps: &Deps,
    operator: &PlatformOperator,
    company_id: CompanyId,
    person: NewPerson,
) -> ApiResult<Contact> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    // The provider's lock (taken by the check) before the customer's: one order wherever both are taken.
    rights::operator(&txn, operator).await?;
    let company = companies::repo::lock(&txn, company_id)
        .await?
        .filter(|c| c.kind == CompanyKind::Customer)
        .ok_or(ApiError::NotFound { what: "company" })?;
    if repo::active_security_admins(&txn, company_id).await? > 0 {
        return Err(ApiError::Conflict {
            field: Some("companyId".into()),
            message: "The company already has a Security Administrator, who adds contacts".into(),
        });
    }
    let grant = Grant::SecurityAdministrator;
    let created = add_in(&txn, deps, now, &company, person, grant).await?;
    let action = AuditAction::SecurityAdministratorCreated;
    journal_and_commit(txn, deps, now, action, operator.account_id(), created).await
}

/// The platform operator adds a support agent or manager to the provider organisation; they
/// work on every company's submitted requests.
pub async fn add_support_staff(
    deps: &Deps,
    operator: &PlatformOperator,
    person: NewPerson,
    role: ProviderRole,
) -> ApiResult<Contact> {
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
    let provider = companies::repo::lock(&txn, CompanyId::from_uuid(provider.id))
        .await?
        .ok_or(ApiError::NotFound { what: "company" })?;
    rights::operator(&txn, operator).await?;
    let created = add_in(&txn, deps, now, &provider, person, Grant::Staff(role)).await?;
    let action = AuditAction::SupportStaffCreated;
    journal_and_commit(txn, deps, now, action, operator.account_id(), created).await
}

/// A customer company and its first Security Administrator in one transaction (the command
/// line): both or neither.
pub async fn create_company_with_security_administrator(
    deps: &Deps,
    operator: &PlatformOperator,
    new: companies::NewCompany,
    person: NewPerson,
) -> ApiResult<(Company, Contact)> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    rights::operator(&txn, operator).await?;
    let company = companies::insert_in(&txn, operator.account_id(), &new, now).await?;
    let grant = Grant::SecurityAdministrator;
    let created = add_in(&txn, deps, now, &company, person, grant).await?;
    let action = AuditAction::SecurityAdministratorCreated;
    let created =
        journal_and_commit(txn, deps, now, action, operator.account_id(), created).await?;
    Ok((company, created))
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
) -> ApiResult<Contact> {
    let company_id = CompanyId::from_uuid(company.id);
    let (security_admin, provider_role) = match grant {
        Grant::Nothing => (false, None),
        Grant::SecurityAdministrator => (true, None),
        Grant::Staff(role) => (false, Some(role)),
    };
    let email = person.email;
    if repo::email_taken(txn, company_id, email.as_str()).await? {
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
            let new = NewAccount {
                login: email.as_str().to_owned(),
                email: email.clone(),
                display_name,
                language,
                state: AccountState::Pending,
                password_hash: None,
                must_change_password: false,
            };
            let created = accounts::insert(txn, new, now)
                .await
                .map_err(|err| unique_to_taken(err, "email"))?;
            (created, true)
        }
    };
    let account_id = AccountId::from_uuid(account.id);
    if repo::find_by_account(txn, company_id, account_id)
        .await?
        .is_some()
    {
        return Err(taken_email());
    }
    let new = NewContact {
        company_id,
        account_id,
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
        let language = account_language(&account);
        mail_contact(txn, deps, now, &created, language, template).await?;
    }
    Ok(created)
}

fn account_language(account: &account::Model) -> Language {
    Language::from_code(&account.language)
}

pub(super) fn unique_to_taken(err: DbErr, field: &str) -> ApiError {
    if crate::db::is_unique_violation(&err) {
        ApiError::bad_input(field, InputReason::Taken, "This e-mail is already used")
    } else {
        err.into()
    }
}

/// Journals a new contact, commits, and wakes the mail worker for its welcome mail.
async fn journal_and_commit(
    txn: DatabaseTransaction,
    deps: &Deps,
    now: DateTime<Utc>,
    action: AuditAction,
    actor: AccountId,
    created: Contact,
) -> ApiResult<Contact> {
    audit::record(&txn, now, contact_entry(action, actor, None, &created)).await?;
    let by = Some(actor.uuid());
    live::contacts_changed(&txn, now, ContactChange::Added, by, [&created]).await?;
    deps.commit(txn).await?;
    Ok(created)
}
