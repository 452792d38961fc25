//! Contact queries; each checks the caller's capability first.

use entity::contact;
use uuid::Uuid;

use super::repo::{self, ContactFilter, ContactOrder};
use crate::auth::{Actor, ContactDirectory};
use crate::deps::Deps;
use crate::error::ApiResult;
use crate::paging::{Page, PageRequest};

/// One page of the contacts of the directory's company.
pub async fn list(
    deps: &Deps,
    directory: &ContactDirectory,
    filter: &ContactFilter,
    order: ContactOrder,
    page: &PageRequest,
) -> ApiResult<Page<contact::Model>> {
    let after = page
        .after
        .as_ref()
        .map(|cursor| repo::parse_cursor(order, cursor))
        .transpose()?;
    let company_id = directory.company_id();
    let rows = repo::list(deps.db.reader(), company_id, filter, order, after, page).await?;
    Ok(Page::from_rows(page, rows, |row| order.cursor(row)))
}

/// A contact the caller may see: themselves, any contact of their company if they hold the
/// contact directory, or any contact for the platform operator. Anything else answers exactly
/// like an unknown ID.
pub async fn find_visible(
    deps: &Deps,
    actor: &Actor,
    id: Uuid,
) -> ApiResult<Option<contact::Model>> {
    let Some(found) = repo::find(deps.db.reader(), id).await? else {
        return Ok(None);
    };
    let is_self = actor.account_id() == Some(found.account_id);
    let in_directory = actor
        .contact_directory()
        .is_ok_and(|directory| directory.company_id() == found.company_id);
    let operator = actor.platform_operator().is_ok();
    Ok((is_self || in_directory || operator).then_some(found))
}
