//! Reading accounts (only their owner and the platform operator see one), and the owner's
//! preferences.

use super::{Account, repo};
use crate::auth::{Actor, Principal};
use crate::deps::Deps;
use crate::domain::Language;
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

/// Sets the caller's language: their mails and the web app follow it.
pub async fn set_language(
    deps: &Deps,
    principal: &Principal,
    language: Language,
) -> ApiResult<Account> {
    let txn = deps.db.begin_write().await?;
    let account = repo::find(&txn, principal.account_id)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("session without account")))?;
    if account.language == language.code() {
        return Ok(account);
    }
    let updated = repo::write_language(&txn, &account, language, deps.clock.now()).await?;
    txn.commit().await?;
    Ok(updated)
}

/// The caller's own account.
pub async fn own(deps: &Deps, principal: &Principal) -> ApiResult<Account> {
    repo::find(deps.db.reader(), principal.account_id)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("session without account")))
}
