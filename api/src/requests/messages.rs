//! Messages on a request: either side writes without changing the state. A customer's message
//! on a request waiting for their clarification restarts the reminder interval; the support's
//! first message is its first response.

use entity::RequestState;

use super::access::{self, Visible};
use super::form;
use super::lifecycle::{self, Action, ActionKind, Side};
use super::notify::{self, Notice};
use super::transitions::{lifecycle_clock, notice_of, refusal};
use super::writing::{author, lock_visible, publish, request_entry};
use super::{Message, Request, audit_action, reads, repo};
use crate::audit;
use crate::auth::RequestWorker;
use crate::clock::seconds;
use crate::deps::Deps;
use crate::domain::IdempotencyKey;
use crate::error::{ApiError, ApiResult};
use crate::files::StoredFile;
use crate::idempotency;
use crate::ids::RequestId;
use crate::live::RequestChange;

const MESSAGE_SCOPE: &str = "addRequestMessage";

/// Adds a message; the state never changes. Retrying with the same key returns the first
/// message.
pub async fn add_message(
    deps: &Deps,
    worker: &RequestWorker,
    id: RequestId,
    body: &str,
    files: &[StoredFile],
    key: Option<&IdempotencyKey>,
) -> ApiResult<(Visible<Request>, Visible<Message>)> {
    form::within(body, form::MESSAGE_MAX, "body")?;
    let account = worker.account_id();
    if let Some(key) = key
        && let Some(earlier) =
            idempotency::find(deps.db.writer(), account, MESSAGE_SCOPE, key).await?
    {
        let request = reads::find(deps, worker, id).await?;
        let message = repo::find_message(deps.db.reader(), earlier)
            .await?
            .filter(|m| m.request_id == request.get().id)
            .ok_or(ApiError::NotFound { what: "message" })?;
        let message = request.part(message);
        return Ok((request, message));
    }
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let row = lock_visible(&txn, worker, id, None).await?;
    let side = access::side(worker);
    let clock = lifecycle_clock(now, &row, None);
    let action = Action {
        kind: ActionKind::AddMessage,
        text: Some(body),
    };
    lifecycle::decide(row.state.into(), action, side, &clock)
        .map_err(|r| refusal(ActionKind::AddMessage, r))?;
    let who = author(worker);
    let message = repo::insert_message(&txn, id, now, who, None, body.trim()).await?;
    let attached = repo::insert_attachments(&txn, id, Some(message.id), who, now, files).await?;
    if let Some(key) = key {
        idempotency::record(&txn, account, MESSAGE_SCOPE, key, message.id, now).await?;
    }
    let first_response = side == Side::Agent && row.first_response_at.is_none();
    let every = deps.settings.requests.clarification_reminder_every_secs;
    let remind_at =
        (side == Side::Customer && row.state == RequestState::CustomerClarification && every > 0)
            .then(|| now + seconds(every));
    let row = repo::touch(&txn, &row, now, first_response, remind_at)
        .await?
        .ok_or_else(access::not_found)?;
    let change = RequestChange::MessageAdded {
        message_id: message.id,
    };
    publish(&txn, now, &row, who, change).await?;
    let after = serde_json::json!({
        "messageId": message.id.to_string(),
        "attachments": attached.iter().map(|a| a.id.to_string()).collect::<Vec<_>>(),
    });
    let kind = audit_action(ActionKind::AddMessage);
    let entry = request_entry(kind, Some(account), &row, None, Some(after));
    audit::record(&txn, now, entry).await?;
    let notice = Notice {
        notice: notice_of(ActionKind::AddMessage, side),
        text: Some(&message.body),
        actor_account_id: Some(account.uuid()),
    };
    match side {
        Side::Customer => notify::support_side(&txn, deps, now, &row, notice).await?,
        Side::Agent | Side::System => {
            notify::customer_side(&txn, deps, now, &row, notice).await?;
        }
    }
    deps.commit(txn).await?;
    let request = Visible::new(row, *worker);
    let message = request.part(message);
    Ok((request, message))
}
