//! Drafts and their submission: a customer saves a draft as often as they like (any field may
//! be missing), then submits it; submission reports every problem of the form at once, or
//! gives the request its human ID and sends it to the support.

use chrono::Datelike;
use entity::RequestState;
use sea_orm::ActiveValue::Set;

use super::access::Visible;
use super::form::RequestForm;
use super::history::{EventAction, NewEvent, OtherAction};
use super::lifecycle::{self, Action, ActionKind, Side};
use super::notify::{self, Notice};
use super::transitions::{lifecycle_clock, refusal};
use super::writing::{
    author, id_of, lock_visible, not_allowed, publish, request_entry, state_json, write,
};
use super::{Request, audit_action, reads, repo};
use crate::audit::{self, AuditAction};
use crate::auth::RequestWorker;
use crate::counters::next_counter_value;
use crate::deps::Deps;
use crate::domain::IdempotencyKey;
use crate::error::{ApiError, ApiResult, FormOutcome, InputReason};
use crate::idempotency;
use crate::ids::{RequestId, new_uuid};
use crate::live::RequestChange;
use crate::mail::RequestNotice;

const DRAFT_SCOPE: &str = "saveRequestDraft";

/// `SR-2026-000123`: the request numbered 123 of 2026.
pub fn human_id(year: i32, number: i64) -> String {
    format!("SR-{year}-{number:06}")
}

/// Saves a new draft (`id` = `None`) or replaces the fields of the caller's own draft. A draft
/// may miss any field; only sizes far beyond the form's are refused. A new draft may follow up
/// a closed request of the caller's company that they can see (`follow_up_of`); an open one
/// answers `ACTION_NOT_ALLOWED` (add a message or reopen it instead).
pub async fn save_draft(
    deps: &Deps,
    worker: &RequestWorker,
    id: Option<RequestId>,
    version: Option<i32>,
    form: RequestForm,
    key: Option<&IdempotencyKey>,
    follow_up_of: Option<RequestId>,
) -> ApiResult<Visible<Request>> {
    let RequestWorker::Customer(customer) = worker else {
        return Err(ApiError::Forbidden);
    };
    if !customer.can_create() {
        return Err(ApiError::Forbidden);
    }
    if id.is_some() && follow_up_of.is_some() {
        return Err(ApiError::bad_input(
            "followUpOf",
            InputReason::NotEditable,
            "a draft names the request it follows up when it is created",
        ));
    }
    let form = form.normalised();
    form.within_draft_limits()?;
    let account = worker.account_id();
    if id.is_none()
        && let Some(key) = key
        && let Some(earlier) =
            idempotency::find(deps.db.writer(), account, DRAFT_SCOPE, key).await?
    {
        return reads::find(deps, worker, RequestId::from_uuid(earlier)).await;
    }
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let saved = match id {
        None => {
            let follow_up_of = match follow_up_of {
                Some(original) => {
                    let original = lock_visible(&txn, worker, original, None).await?;
                    if original.state != RequestState::Closed {
                        return Err(not_allowed("FOLLOW_UP", original.state, Side::Customer));
                    }
                    Some(original.id)
                }
                None => None,
            };
            let mut row = repo::Changes {
                id: Set(new_uuid()),
                company_id: Set(customer.company_id().uuid()),
                requester_contact_id: Set(customer.contact_id().uuid()),
                human_id: Set(None),
                state: Set(RequestState::Draft),
                assignee_contact_id: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                submitted_at: Set(None),
                state_changed_at: Set(now),
                closed_at: Set(None),
                first_response_at: Set(None),
                auto_close_at: Set(None),
                remind_at: Set(None),
                follow_up_of_id: Set(follow_up_of),
                ..Default::default()
            };
            form.write(&mut row);
            let created = repo::insert(&txn, row).await?;
            let action = EventAction::Other(OtherAction::SaveDraft);
            let event = NewEvent::state_change(action, None, RequestState::Draft, None);
            repo::record(&txn, id_of(&created), now, author(worker), vec![event]).await?;
            publish(&txn, now, &created, author(worker), RequestChange::Created).await?;
            let entry = request_entry(
                AuditAction::RequestDraftCreated,
                Some(account),
                &created,
                None,
                Some(state_json(&created)),
            );
            audit::record(&txn, now, entry).await?;
            if let Some(key) = key {
                idempotency::record(&txn, account, DRAFT_SCOPE, key, created.id, now).await?;
            }
            created
        }
        Some(id) => {
            let row = lock_visible(&txn, worker, id, version).await?;
            let own = row.requester_contact_id == customer.contact_id().uuid();
            if row.state != RequestState::Draft || !own {
                return Err(not_allowed("SAVE_DRAFT", row.state, Side::Customer));
            }
            let mut changes = repo::Changes {
                updated_at: Set(now),
                ..Default::default()
            };
            form.write(&mut changes);
            let saved = write(&txn, &row, changes).await?;
            let change = RequestChange::FieldsEdited { fields: Vec::new() };
            publish(&txn, now, &saved, author(worker), change).await?;
            saved
        }
    };
    deps.commit(txn).await?;
    Ok(Visible::new(saved, *worker))
}

/// Submits the caller's draft: every problem of the form comes back at once and nothing
/// changes, or the request gets its human ID and goes to the support.
pub async fn submit(
    deps: &Deps,
    worker: &RequestWorker,
    id: RequestId,
    version: Option<i32>,
) -> ApiResult<FormOutcome<Visible<Request>>> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let row = lock_visible(&txn, worker, id, version).await?;
    let side = super::access::side(worker);
    let clock = lifecycle_clock(now, &row, None);
    let action = Action {
        kind: ActionKind::Submit,
        text: None,
    };
    let decision = lifecycle::decide(row.state.into(), action, side, &clock)
        .map_err(|r| refusal(ActionKind::Submit, r))?;
    let problems = RequestForm::of(&row).problems(now.date_naive());
    if !problems.is_empty() {
        return Ok(FormOutcome::Problems(problems));
    }
    let year = now.year();
    let number = next_counter_value(&txn, &format!("SR-{year}")).await?;
    let changes = repo::Changes {
        human_id: Set(Some(human_id(year, number))),
        state: Set(decision.to.into()),
        submitted_at: Set(Some(now)),
        state_changed_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let submitted = write(&txn, &row, changes).await?;
    let action = EventAction::Lifecycle(ActionKind::Submit);
    let event = NewEvent::state_change(action, Some(row.state), submitted.state, None);
    repo::record(&txn, id, now, author(worker), vec![event]).await?;
    let change = RequestChange::StateChanged {
        action: super::action_code(ActionKind::Submit).to_owned(),
        from: row.state,
        to: submitted.state,
        comment: false,
    };
    publish(&txn, now, &submitted, author(worker), change).await?;
    let entry = request_entry(
        audit_action(ActionKind::Submit),
        Some(worker.account_id()),
        &submitted,
        Some(state_json(&row)),
        Some(state_json(&submitted)),
    );
    audit::record(&txn, now, entry).await?;
    let notice = Notice {
        notice: RequestNotice::Submitted,
        text: None,
        actor_account_id: Some(worker.account_id().uuid()),
    };
    notify::support_side(&txn, deps, now, &submitted, notice).await?;
    deps.commit(txn).await?;
    Ok(FormOutcome::Done(Visible::new(submitted, *worker)))
}

/// Deletes the caller's own draft (never a submitted request): it is gone with its files.
pub async fn delete_draft(
    deps: &Deps,
    worker: &RequestWorker,
    id: RequestId,
    version: Option<i32>,
) -> ApiResult<()> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let row = lock_visible(&txn, worker, id, version).await?;
    let own = row.requester_contact_id == worker.contact_id().uuid();
    if row.state != RequestState::Draft || !own {
        return Err(not_allowed("DELETE_DRAFT", row.state, Side::Customer));
    }
    repo::delete(&txn, &row).await?;
    publish(&txn, now, &row, author(worker), RequestChange::Deleted).await?;
    let entry = request_entry(
        AuditAction::RequestDraftDeleted,
        Some(worker.account_id()),
        &row,
        Some(state_json(&row)),
        None,
    );
    audit::record(&txn, now, entry).await?;
    deps.commit(txn).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_ids_are_zero_padded_per_year() {
        assert_eq!(human_id(2026, 123), "SR-2026-000123");
        assert_eq!(human_id(2027, 1_234_567), "SR-2027-1234567");
    }
}
