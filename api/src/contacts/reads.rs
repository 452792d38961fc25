//! Reading contacts; each read takes the capability that decides what the caller may see.

use super::Contact;
use super::repo::{self, ContactFilter, ContactOrder};
use crate::auth::{Actor, ContactDirectory, Principal, SupportStaff};
use crate::deps::Deps;
use crate::domain::contact_name_key;
use crate::error::ApiResult;
use crate::ids::ContactId;
use crate::paging::{Page, PageRequest};

/// One page of the contacts of the directory's company.
pub async fn list(
    deps: &Deps,
    directory: &ContactDirectory,
    filter: &ContactFilter,
    order: ContactOrder,
    page: &PageRequest,
) -> ApiResult<Page<Contact>> {
    filter.check()?;
    let company = directory.company_id();
    let after = page
        .after
        .as_ref()
        .map(|cursor| repo::parse_cursor(order, cursor))
        .transpose()?;
    let rows = repo::list(deps.db.reader(), company, filter, order, after, page).await?;
    Ok(Page::from_rows(page, rows, |row| order.cursor(row)))
}

/// How many contacts of the directory's company match `filter`.
pub async fn count(
    deps: &Deps,
    directory: &ContactDirectory,
    filter: &ContactFilter,
) -> ApiResult<u64> {
    filter.check()?;
    Ok(repo::count(deps.db.reader(), directory.company_id(), filter).await?)
}

/// A contact the caller may see: themselves, any contact of their company if they hold the
/// contact directory, or any contact for the platform operator. Anything else answers exactly
/// like an unknown ID.
pub async fn find_visible(deps: &Deps, actor: &Actor, id: ContactId) -> ApiResult<Option<Contact>> {
    let Some(found) = repo::find(deps.db.reader(), id).await? else {
        return Ok(None);
    };
    let is_self = actor.account_id().map(|a| a.uuid()) == Some(found.account_id);
    let in_directory = actor
        .contact_directory()
        .is_ok_and(|directory| directory.company_id().uuid() == found.company_id);
    let operator = actor.platform_operator().is_ok();
    Ok((is_self || in_directory || operator).then_some(found))
}

/// The provider's active support agents and managers by name: the people requests are
/// assigned to, listed for support staff (managers dispatch to them).
pub async fn support_staff(deps: &Deps, _staff: &SupportStaff) -> ApiResult<Vec<Contact>> {
    let mut staff = repo::all_active_staff(deps.db.reader()).await?;
    // The folded name key the contact lists and request sorts use (case and accents aside).
    staff.sort_by_cached_key(|c| (contact_name_key(&c.last_name, &c.first_name), c.id));
    Ok(staff)
}

/// The contact the person acts as, if any.
pub async fn acting(deps: &Deps, principal: &Principal) -> ApiResult<Option<Contact>> {
    let Some(membership) = &principal.membership else {
        return Ok(None);
    };
    Ok(repo::find(deps.db.reader(), membership.contact_id).await?)
}

/// The companies the person can act for (their active contacts), by company name.
pub async fn memberships(deps: &Deps, principal: &Principal) -> ApiResult<Vec<Contact>> {
    Ok(repo::memberships(deps.db.reader(), principal.account_id).await?)
}
