//! Reading accounts: only their owner and the platform operator see one.

use super::{Account, repo};
use crate::auth::{Actor, Principal};
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult};
use crate::ids::AccountId;

/// An account the caller may see (their own, or any for the platform operator); anything else
/// answers exactly like an unknown ID.
pub async fn find_visible(deps: &Deps, actor: &Actor, id: AccountId) -> ApiResult<Option<Account>> {
    let own = actor.account_id() == Some(id);
    if !own && actor.platform_operator().is_err() {
        return Ok(None);
    }
    Ok(repo::find(deps.db.reader(), id).await?)
}

/// The caller's own account.
pub async fn own(deps: &Deps, principal: &Principal) -> ApiResult<Account> {
    repo::find(deps.db.reader(), principal.account_id)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("session without account")))
}
