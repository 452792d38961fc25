//! Each administrative change checks the caller's right again inside its transaction, after
//! taking the company's lock: a role removed, or a contact marked obsolete, between the start
//! of the request and its write stops the write (`FORBIDDEN`).

use entity::{ProviderRole, SupportRole};
use sea_orm::ConnectionTrait;

use super::{Contact, repo};
use crate::auth::{ContactDirectory, PlatformOperator, SecurityAdministrator};
use crate::companies;
use crate::error::{ApiError, ApiResult};
use crate::ids::{CompanyId, ContactId};

async fn still<C: ConnectionTrait>(
    conn: &C,
    contact: ContactId,
    company: Option<CompanyId>,
    holds: impl FnOnce(&Contact) -> bool,
) -> ApiResult<()> {
    let standing = repo::find_active(conn, contact).await?.is_some_and(|me| {
        company.is_none_or(|company| me.company_id == company.uuid()) && holds(&me)
    });
    if standing {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// The holder of the directory is still an active Support or Security Administrator of its
/// company (a Security Administrator, when the directory acts with those rights).
pub async fn directory<C: ConnectionTrait>(
    conn: &C,
    directory: &ContactDirectory,
) -> ApiResult<()> {
    let as_security_admin = directory.security_admin();
    still(
        conn,
        directory.contact_id(),
        Some(directory.company_id()),
        |me| {
            me.security_admin
                || (!as_security_admin && me.support_role == Some(SupportRole::Administrator))
        },
    )
    .await
}

/// The administrator is still an active Security Administrator of their company.
pub async fn security_admin<C: ConnectionTrait>(
    conn: &C,
    admin: &SecurityAdministrator,
) -> ApiResult<()> {
    still(conn, admin.contact_id(), Some(admin.company_id()), |me| {
        me.security_admin
    })
    .await
}

/// The operator is still an active platform operator. Their company's lock is taken first:
/// role changes of the provider's staff take it too, so the check sees them committed.
pub async fn operator<C: ConnectionTrait>(conn: &C, operator: &PlatformOperator) -> ApiResult<()> {
    if let Some(me) = repo::find(conn, operator.contact_id()).await? {
        companies::repo::lock(conn, CompanyId::from_uuid(me.company_id)).await?;
    }
    still(conn, operator.contact_id(), None, |me| {
        me.provider_role == Some(ProviderRole::PlatformOperator)
    })
    .await
}
