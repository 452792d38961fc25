//! Reading companies; each read takes what decides whether the caller may see it.

use std::collections::HashMap;

use super::{Company, repo};
use crate::auth::{Actor, CompanyLister, Principal};
use crate::contacts;
use crate::contacts::Contact;
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::ids::CompanyId;
use crate::paging::{Page, PageRequest};

/// A company the caller may see; another company answers exactly like an unknown ID.
pub async fn find_visible(deps: &Deps, actor: &Actor, id: CompanyId) -> ApiResult<Option<Company>> {
    let operator = actor.platform_operator().is_ok();
    if !operator && !actor.can_see_company(id) {
        return Ok(None);
    }
    Ok(repo::find(deps.db.reader(), id).await?)
}

/// Every company, for the platform operator and the support staff.
pub async fn list(
    deps: &Deps,
    _lister: &CompanyLister,
    search: Option<&str>,
    page: &PageRequest,
) -> ApiResult<Page<Company>> {
    let after = page.after.as_ref().map(repo::parse_cursor).transpose()?;
    let search = search.map(str::trim).filter(|s| !s.is_empty());
    if search.is_some_and(|s| s.chars().count() > contacts::repo::SEARCH_MAX) {
        return Err(ApiError::bad_input(
            "search",
            InputReason::TooLong,
            format!("must be at most {} characters", contacts::repo::SEARCH_MAX),
        ));
    }
    let rows = repo::list(deps.db.reader(), search, after, page).await?;
    Ok(Page::from_rows(page, rows, repo::cursor))
}

/// The company the person acts for, if any.
pub async fn acting(deps: &Deps, principal: &Principal) -> ApiResult<Option<Company>> {
    let Some(membership) = &principal.membership else {
        return Ok(None);
    };
    Ok(repo::find(deps.db.reader(), membership.company_id).await?)
}

/// The company of a contact the caller was shown.
pub async fn of_contact(deps: &Deps, contact: &Contact) -> ApiResult<Option<Company>> {
    Ok(repo::find(deps.db.reader(), CompanyId::from_uuid(contact.company_id)).await?)
}

/// The company of a contact the caller was shown, as a key for [`of_contacts`] (made only
/// from such a contact).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CompanyOfContact(CompanyId);

impl CompanyOfContact {
    pub fn of(contact: &Contact) -> Self {
        Self(CompanyId::from_uuid(contact.company_id))
    }
}

/// [`of_contact`] for many contacts, in one statement.
pub async fn of_contacts(
    deps: &Deps,
    keys: &[CompanyOfContact],
) -> ApiResult<HashMap<CompanyOfContact, Company>> {
    let ids: Vec<uuid::Uuid> = keys.iter().map(|k| k.0.uuid()).collect();
    let found = repo::find_many(deps.db.reader(), &ids).await?;
    Ok(found
        .into_iter()
        .map(|(id, company)| (CompanyOfContact(CompanyId::from_uuid(id)), company))
        .collect())
}
