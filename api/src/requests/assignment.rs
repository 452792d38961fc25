//! Assignment: agents take an open request themselves, managers give it to any agent.

use sea_orm::ActiveValue::Set;

use super::access::Visible;
use super::history::NewEvent;
use super::lifecycle::{Side, State};
use super::notify::{self, Notice};
use super::writing::{author, lock_visible, not_allowed, publish, request_entry, write};
use super::{Request, repo};
use crate::audit::{self, AuditAction};
use crate::auth::{RequestWorker, SupportStaff};
use crate::contacts;
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult};
use crate::ids::{ContactId, RequestId};
use crate::live::RequestChange;
use crate::mail::RequestNotice;

/// Assigns an open request to `agent` (the caller when `None`); only managers assign others.
pub async fn assign(
    deps: &Deps,
    staff: &SupportStaff,
    id: RequestId,
    version: Option<i32>,
    agent: Option<ContactId>,
) -> ApiResult<Visible<Request>> {
    let target = agent.unwrap_or(staff.contact_id());
    if target != staff.contact_id() && !staff.manager() {
        return Err(ApiError::Forbidden);
    }
    let worker = RequestWorker::Staff(*staff);
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let agent = contacts::repo::active_staff(&txn, target)
        .await?
        .ok_or(ApiError::NotFound { what: "agent" })?;
    let row = lock_visible(&txn, &worker, id, version).await?;
    if !State::from(row.state).is_open() {
        return Err(not_allowed("ASSIGN", row.state, Side::Agent));
    }
    if row.assignee_contact_id == Some(agent.id) {
        return Ok(Visible::new(row, worker));
    }
    let changes = repo::Changes {
        assignee_contact_id: Set(Some(agent.id)),
        updated_at: Set(now),
        ..Default::default()
    };
    let done = write(&txn, &row, changes).await?;
    let event = NewEvent::assigned(row.assignee_contact_id, agent.id);
    repo::record(&txn, id, now, author(&worker), vec![event]).await?;
    let change = RequestChange::Assigned {
        from: row.assignee_contact_id,
        to: done.assignee_contact_id,
    };
    publish(&txn, now, &done, author(&worker), change).await?;
    let before = row.assignee_contact_id.map(|id| id.to_string());
    let entry = request_entry(
        AuditAction::RequestAssigned,
        Some(staff.account_id()),
        &done,
        Some(serde_json::json!({ "assignee": before })),
        Some(serde_json::json!({ "assignee": agent.id.to_string() })),
    );
    audit::record(&txn, now, entry).await?;
    let notice = Notice {
        notice: RequestNotice::Assigned,
        text: None,
        actor_account_id: Some(staff.account_id().uuid()),
    };
    notify::one_contact(&txn, deps, now, &done, &agent, notice).await?;
    let taken = Notice {
        notice: RequestNotice::TakenInCharge,
        ..notice
    };
    notify::customer_side(&txn, deps, now, &done, taken).await?;
    deps.commit(txn).await?;
    Ok(Visible::new(done, worker))
}
