//! Lifecycle actions (SPEC §5): the table in `lifecycle` decides, this module applies the
//! decision with its history, message, attachments, journal entry, timers and mails.

use chrono::{DateTime, Utc};
use entity::{RequestState, request};
use sea_orm::ActiveValue::Set;
use sea_orm::DatabaseTransaction;

use super::access::{self, Visible};
use super::form;
use super::history::{Author, EventAction, NewEvent};
use super::lifecycle::{self, Action, ActionKind, Refusal, Side, State};
use super::notify::{self, Notice};
use super::writing::{author, id_of, lock_visible, publish, request_entry, state_json, write};
use super::{Request, action_code, audit_action, repo, state_code};
use crate::audit;
use crate::auth::RequestWorker;
use crate::clock::seconds;
use crate::companies::{self, Company, settings};
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::files::StoredFile;
use crate::ids::{AccountId, CompanyId, RequestId};
use crate::live::RequestChange;
use crate::mail::RequestNotice;
use crate::metrics;

/// The error for a refusal of the lifecycle.
pub(super) fn refusal(action: ActionKind, refusal: Refusal) -> ApiError {
    match refusal {
        Refusal::NotAllowed { state, allowed } => ApiError::ActionNotAllowed {
            action: action_code(action),
            state: state_code(state),
            allowed: allowed.into_iter().map(action_code).collect(),
        },
        Refusal::TextRequired => {
            let what = match action {
                ActionKind::RequestClarification => "the question to the customer",
                ActionKind::Clarify => "the answer to the support's question",
                ActionKind::Refuse => "the reason for refusing the closure",
                ActionKind::ProposeClosure | ActionKind::Close => "the final answer",
                _ => "the message",
            };
            ApiError::bad_input("text", InputReason::Required, format!("write {what}"))
        }
        Refusal::ReopenWindowOver { closed_at } => ApiError::ReopenWindowOver { closed_at },
    }
}

/// The facts the lifecycle needs about time (`company` gives the reopen window).
pub(super) fn lifecycle_clock(
    now: DateTime<Utc>,
    row: &request::Model,
    company: Option<&Company>,
) -> lifecycle::Clock {
    lifecycle::Clock {
        now,
        closed_at: row.closed_at,
        reopen_window: settings::reopen_window(company),
    }
}

/// Takes a lifecycle action (everything but submitting and adding a message, which have their
/// own operations). `text` is the question, answer, reason or final answer.
pub async fn transition(
    deps: &Deps,
    worker: &RequestWorker,
    id: RequestId,
    version: Option<i32>,
    kind: ActionKind,
    text: Option<String>,
    files: &[StoredFile],
) -> ApiResult<Visible<Request>> {
    if matches!(kind, ActionKind::Submit | ActionKind::AddMessage) {
        return Err(ApiError::bad_input(
            "action",
            InputReason::InvalidFormat,
            "submit with submitRequest and write with addRequestMessage",
        ));
    }
    if let Some(text) = &text {
        form::within(text, form::MESSAGE_MAX, "text")?;
    }
    if !files.is_empty() && text.as_deref().is_none_or(|t| t.trim().is_empty()) {
        return Err(ApiError::bad_input(
            "text",
            InputReason::Required,
            "files go with a text: say what they are",
        ));
    }
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let row = lock_visible(&txn, worker, id, version).await?;
    let side = access::side(worker);
    let acting = Acting {
        side,
        author: author(worker),
    };
    let done = apply(&txn, deps, now, row, kind, acting, text.as_deref(), files).await?;
    deps.commit(txn).await?;
    Ok(Visible::new(done, *worker))
}

/// What a state change mails, and to which side.
pub(super) fn notice_of(kind: ActionKind, side: Side) -> RequestNotice {
    match kind {
        ActionKind::Submit => RequestNotice::Submitted,
        ActionKind::RequestClarification => RequestNotice::ClarificationRequested,
        ActionKind::Clarify => RequestNotice::Clarified,
        ActionKind::PauseForExternal => RequestNotice::PausedForExternal,
        ActionKind::Resume => RequestNotice::Resumed,
        ActionKind::SendToRnd => RequestNotice::SentToRnd,
        ActionKind::CorrectionDelivered => RequestNotice::CorrectionDelivered,
        ActionKind::ProposeClosure => RequestNotice::ClosureProposed,
        ActionKind::Validate => RequestNotice::ClosureValidated,
        ActionKind::Refuse => RequestNotice::ClosureRefused,
        ActionKind::AutoClose => RequestNotice::AutoClosed,
        ActionKind::Close => RequestNotice::Closed,
        ActionKind::Reopen => RequestNotice::Reopened,
        ActionKind::AddMessage => match side {
            Side::Customer => RequestNotice::MessageFromCustomer,
            Side::Agent | Side::System => RequestNotice::MessageFromSupport,
        },
    }
}

/// Who takes an action: their side of the lifecycle, and who they are for history and mail.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Acting {
    pub side: Side,
    pub author: Author,
}

impl Acting {
    /// The portal itself (the time-based rules).
    pub const SYSTEM: Acting = Acting {
        side: Side::System,
        author: Author::SYSTEM,
    };
}

/// Decides and applies one lifecycle action on a locked request (people and the time job).
/// Files go with the message of the action's text (callers send files only with a text).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn apply(
    txn: &DatabaseTransaction,
    deps: &Deps,
    now: DateTime<Utc>,
    row: request::Model,
    kind: ActionKind,
    acting: Acting,
    text: Option<&str>,
    files: &[StoredFile],
) -> ApiResult<request::Model> {
    let Acting { side, author } = acting;
    let company_id = CompanyId::from_uuid(row.company_id);
    // The company's durations matter only to reopen a closed request or to propose a solution.
    let mut company = match row.state {
        RequestState::Closed => companies::repo::find(txn, company_id).await?,
        _ => None,
    };
    let clock = lifecycle_clock(now, &row, company.as_ref());
    let from: State = row.state.into();
    let decision = lifecycle::decide(from, Action { kind, text }, side, &clock)
        .map_err(|r| refusal(kind, r))?;
    let to = decision.to;
    if to == State::SolutionProposed && company.is_none() {
        company = companies::repo::find(txn, company_id).await?;
    }
    let auto_close_at =
        (to == State::SolutionProposed).then(|| now + settings::auto_close_after(company.as_ref()));
    let timers = &deps.settings.requests;
    let remind_at = match to {
        State::SolutionProposed if timers.closure_reminder_before_secs > 0 => auto_close_at
            .map(|at| at - seconds(timers.closure_reminder_before_secs))
            .filter(|at| *at > now),
        State::CustomerClarification if timers.clarification_reminder_every_secs > 0 => {
            Some(now + seconds(timers.clarification_reminder_every_secs))
        }
        _ => None,
    };
    let (customer_wait, support_wait) = metrics::facts::waited(&row, now);
    let mut changes = repo::Changes {
        state: Set(to.into()),
        customer_wait_secs: Set(customer_wait),
        support_wait_secs: Set(support_wait),
        updated_at: Set(now),
        state_changed_at: Set(now),
        auto_close_at: Set(auto_close_at),
        remind_at: Set(remind_at),
        ..Default::default()
    };
    if to == State::Closed {
        changes.closed_at = Set(Some(now));
    } else if from == State::Closed {
        changes.closed_at = Set(None);
    }
    if side == Side::Agent && row.first_response_at.is_none() {
        changes.first_response_at = Set(Some(now));
    }
    let done = write(txn, &row, changes).await?;
    let id = id_of(&row);
    let code = action_code(kind);
    let text = text.map(str::trim).filter(|t| !t.is_empty());
    let message = match text {
        Some(text) => Some(repo::insert_message(txn, id, now, author, Some(code), text).await?),
        None => None,
    };
    if !files.is_empty() {
        let message_id = message.as_ref().map(|m| m.id);
        repo::insert_attachments(txn, id, message_id, author, now, files).await?;
    }
    let event = NewEvent::state_change(
        EventAction::Lifecycle(kind),
        Some(row.state),
        done.state,
        text.map(str::to_owned),
    );
    repo::record(txn, id, now, author, vec![event]).await?;
    let change = RequestChange::StateChanged {
        action: code.to_owned(),
        from: row.state,
        to: done.state,
        comment: text.is_some(),
    };
    publish(txn, now, &done, author, change).await?;
    let entry = request_entry(
        audit_action(kind),
        author.account_id.map(AccountId::from_uuid),
        &done,
        Some(state_json(&row)),
        Some(state_json(&done)),
    );
    audit::record(txn, now, entry).await?;
    let notice = Notice {
        notice: notice_of(kind, side),
        text,
        actor_account_id: author.account_id,
    };
    match side {
        Side::Agent | Side::System => {
            notify::customer_side(txn, deps, now, &done, notice).await?;
        }
        Side::Customer => notify::support_side(txn, deps, now, &done, notice).await?,
    }
    Ok(done)
}
