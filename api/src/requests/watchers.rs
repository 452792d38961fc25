//! Watchers: contacts of the request's company (and, added by the support, agents) who follow
//! a request besides its requester.

use entity::{ContactStatus, ProviderRole, RequestState, contact, request};
use sea_orm::ConnectionTrait;

use super::access::{Visible, not_found};
use super::history::NewEvent;
use super::writing::{author, lock_visible, publish};
use super::{Request, repo};
use crate::auth::RequestWorker;
use crate::contacts;
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult};
use crate::ids::{ContactId, RequestId};
use crate::live::RequestChange;

/// A contact who may watch the request: an active contact of its company, or (added by the
/// support) an active agent or manager.
async fn watcher_candidate<C: ConnectionTrait>(
    conn: &C,
    worker: &RequestWorker,
    row: &request::Model,
    contact_id: ContactId,
) -> ApiResult<contact::Model> {
    let found = contacts::repo::find(conn, contact_id)
        .await?
        .filter(|c| c.status == ContactStatus::Active);
    let allowed = found.filter(|c| {
        c.company_id == row.company_id
            || (matches!(worker, RequestWorker::Staff(_))
                && matches!(
                    c.provider_role,
                    Some(ProviderRole::SupportAgent | ProviderRole::SupportManager)
                ))
    });
    allowed.ok_or(ApiError::NotFound { what: "contact" })
}

/// Adds a watcher, or changes whether an existing one wants mail.
pub async fn add_watcher(
    deps: &Deps,
    worker: &RequestWorker,
    id: RequestId,
    contact_id: ContactId,
    wants_mail: bool,
) -> ApiResult<Visible<Request>> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let row = lock_visible(&txn, worker, id, None).await?;
    if row.state == RequestState::Draft {
        return Err(not_found());
    }
    let watcher = watcher_candidate(&txn, worker, &row, contact_id).await?;
    let watcher_id = ContactId::from_uuid(watcher.id);
    match repo::watching(&txn, id, watcher_id).await? {
        Some(wanted) if wanted == wants_mail => {}
        Some(_) => repo::set_wants_mail(&txn, id, watcher_id, wants_mail).await?,
        None => {
            let by = worker.account_id();
            repo::add_watcher(&txn, id, watcher_id, wants_mail, by, now).await?;
            let event = NewEvent::watcher_added(watcher.id);
            repo::record(&txn, id, now, author(worker), vec![event]).await?;
            let change = RequestChange::WatchersChanged {
                contact_id: watcher.id,
                added: true,
            };
            publish(&txn, now, &row, author(worker), change).await?;
        }
    }
    deps.commit(txn).await?;
    Ok(Visible::new(row, *worker))
}

/// Removes a watcher.
pub async fn remove_watcher(
    deps: &Deps,
    worker: &RequestWorker,
    id: RequestId,
    contact_id: ContactId,
) -> ApiResult<Visible<Request>> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let row = lock_visible(&txn, worker, id, None).await?;
    if !repo::remove_watcher(&txn, id, contact_id).await? {
        return Err(ApiError::NotFound { what: "watcher" });
    }
    let event = NewEvent::watcher_removed(contact_id.uuid());
    repo::record(&txn, id, now, author(worker), vec![event]).await?;
    let change = RequestChange::WatchersChanged {
        contact_id: contact_id.uuid(),
        added: false,
    };
    publish(&txn, now, &row, author(worker), change).await?;
    deps.commit(txn).await?;
    Ok(Visible::new(row, *worker))
}
