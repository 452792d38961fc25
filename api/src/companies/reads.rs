//! Reading companies; each read takes what decides whether the caller may see it.

use super::{Company, repo};
use crate::auth::{Actor, PlatformOperator, Principal};
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

/// Every company, for the platform operator.
pub async fn list(
    deps: &Deps,
    _operator: &PlatformOperator,
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
