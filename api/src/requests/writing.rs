//! What every change of a request does: lock it as the caller sees it, check the version they
//! read, write with a bumped version, and describe the change for the journal.

use chrono::{DateTime, Utc};
use entity::{RequestState, request};
use sea_orm::DatabaseTransaction;

use super::access::{self, not_found};
use super::history::Author;
use super::lifecycle::{self, Side};
use super::{action_code, repo, state_code};
use crate::audit::{AuditAction, AuditEntry, Target};
use crate::auth::RequestWorker;
use crate::error::{ApiError, ApiResult};
use crate::ids::{AccountId, CompanyId, RequestId};
use crate::live::{self, ChangedBy, RequestChange};

/// Who acts, for history, messages and mail.
pub(super) fn author(worker: &RequestWorker) -> Author {
    Author {
        account_id: Some(worker.account_id().uuid()),
        contact_id: Some(worker.contact_id().uuid()),
        side: access::stored_side(access::side(worker)),
    }
}

/// `ACTION_NOT_ALLOWED` for an operation outside the lifecycle table (saving a draft,
/// assigning, editing) that the request's state does not allow.
pub(super) fn not_allowed(action: &'static str, state: RequestState, side: Side) -> ApiError {
    ApiError::ActionNotAllowed {
        action,
        state: state_code(state.into()),
        allowed: lifecycle::allowed(state.into(), side)
            .into_iter()
            .map(action_code)
            .collect(),
    }
}

/// Locks a request the worker may see, at the version they read (when they say which).
pub(super) async fn lock_visible(
    txn: &DatabaseTransaction,
    worker: &RequestWorker,
    id: RequestId,
    version: Option<i32>,
) -> ApiResult<request::Model> {
    let row = repo::lock(txn, id)
        .await?
        .filter(|row| access::can_see(worker, row))
        .ok_or_else(not_found)?;
    if let Some(version) = version
        && version != row.version
    {
        return Err(stale(&row));
    }
    Ok(row)
}

fn stale(row: &request::Model) -> ApiError {
    ApiError::StaleRequest {
        state: state_code(row.state.into()),
        version: row.version,
    }
}

/// Writes `changes` to `row` if its version is still the one read, bumping it; `CONFLICT`
/// with the current state otherwise.
pub(super) async fn write(
    txn: &DatabaseTransaction,
    row: &request::Model,
    changes: repo::Changes,
) -> ApiResult<request::Model> {
    match repo::write_if_version(txn, row, changes).await? {
        Some(done) => Ok(done),
        None => {
            let current = repo::find(txn, id_of(row)).await?.ok_or_else(not_found)?;
            Err(stale(&current))
        }
    }
}

pub(super) fn id_of(row: &request::Model) -> RequestId {
    RequestId::from_uuid(row.id)
}

/// The journal entry of an action on a request: `before` → `after`.
pub(super) fn request_entry(
    action: AuditAction,
    actor: Option<AccountId>,
    row: &request::Model,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> AuditEntry {
    AuditEntry::new(action, actor)
        .about(
            CompanyId::from_uuid(row.company_id),
            Target::Request(id_of(row)),
        )
        .change(before, after)
}

/// The journal's picture of a request's place in its lifecycle.
pub(super) fn state_json(row: &request::Model) -> serde_json::Value {
    serde_json::json!({
        "humanId": row.human_id,
        "state": state_code(row.state.into()),
        "version": row.version,
    })
}

/// Writes for live subscribers that `row` (as it is after the change) changed, in the
/// change's transaction.
pub(super) async fn publish(
    txn: &DatabaseTransaction,
    now: DateTime<Utc>,
    row: &request::Model,
    author: Author,
    change: RequestChange,
) -> ApiResult<()> {
    let by = ChangedBy {
        contact_id: author.contact_id,
        side: author.side,
    };
    live::request_changed(txn, now, row, by, change).await?;
    Ok(())
}
