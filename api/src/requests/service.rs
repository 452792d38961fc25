//! What people do with requests. Each operation runs in one transaction: it locks the request,
//! checks that the caller may see it (anything else answers like an unknown ID) and that the
//! version they read is current, asks the lifecycle, then writes the change, its history, its
//! journal entry and its mails together.

use chrono::{DateTime, Datelike, Utc};
use entity::{
    ContactStatus, ProviderRole, RequestCategory, RequestKind, RequestState, Urgency, contact,
    request, request_message, request_watcher,
};
use sea_orm::ActiveValue::{Set, Unchanged};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter,
};
use uuid::Uuid;

use super::access::{self, not_found};
use super::form::RequestForm;
use super::lifecycle::{self, Action, ActionKind, Refusal, Side, State};
use super::notify::{self, Notice};
use super::repo::{self, Author, NewEvent};
use super::{action_code, state_code};
use crate::audit::{self, AuditEntry};
use crate::auth::{RequestWorker, SupportStaff};
use crate::clock::seconds;
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::files::StoredFile;
use crate::idempotency::{self, IdempotencyKey};
use crate::ids::{new_uuid, next_counter_value};
use crate::mail::RequestNotice;

/// Who acts, for history, messages and mail.
pub(super) fn author(worker: &RequestWorker) -> Author {
    Author {
        account_id: Some(worker.account_id()),
        contact_id: Some(worker.contact_id()),
        side: access::stored_side(access::side(worker)),
    }
}

/// `SR-2026-000123`: the request numbered 123 of 2026.
pub fn human_id(year: i32, number: i64) -> String {
    format!("SR-{year}-{number:06}")
}

fn refusal(action: ActionKind, side: Side, refusal: Refusal) -> ApiError {
    match refusal {
        Refusal::NotAllowed { state, allowed } => ApiError::ActionNotAllowed {
            action: action_code(action),
            state: state_code(state),
            allowed: allowed.into_iter().map(action_code).collect(),
        },
        Refusal::TextRequired => {
            let what = match (action, side) {
                (ActionKind::RequestClarification, _) => "the question to the customer",
                (ActionKind::Clarify, _) => "the answer to the support's question",
                (ActionKind::Refuse, _) => "the reason for refusing the closure",
                (ActionKind::ProposeClosure | ActionKind::Close, _) => "the final answer",
                _ => "the message",
            };
            ApiError::bad_input("text", InputReason::Required, format!("write {what}"))
        }
        Refusal::ReopenWindowOver { closed_at } => ApiError::ReopenWindowOver { closed_at },
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
    id: Uuid,
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

/// Writes `changes` to `row` if its version is still the one read, bumping it.
async fn write(
    txn: &DatabaseTransaction,
    row: &request::Model,
    mut changes: request::ActiveModel,
) -> ApiResult<request::Model> {
    changes.id = Unchanged(row.id);
    changes.version = Set(row.version + 1);
    let updated = request::Entity::update_many()
        .set(changes)
        .filter(request::Column::Id.eq(row.id))
        .filter(request::Column::Version.eq(row.version))
        .exec_with_returning(txn)
        .await?;
    match updated.into_iter().next() {
        Some(done) => Ok(done),
        None => {
            let current = repo::find(txn, row.id).await?.ok_or_else(not_found)?;
            Err(stale(&current))
        }
    }
}

fn request_entry(
    action: &'static str,
    actor: Option<Uuid>,
    row: &request::Model,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> AuditEntry {
    AuditEntry {
        action,
        actor_account_id: actor,
        company_id: Some(row.company_id),
        target_kind: Some("REQUEST"),
        target_id: Some(row.id),
        before,
        after,
        ..AuditEntry::default()
    }
}

fn state_json(row: &request::Model) -> serde_json::Value {
    serde_json::json!({
        "humanId": row.human_id,
        "state": state_code(row.state.into()),
        "version": row.version,
    })
}

pub(super) async fn commit(txn: DatabaseTransaction, deps: &Deps) -> ApiResult<()> {
    txn.commit().await?;
    deps.mail.wake();
    Ok(())
}

const DRAFT_SCOPE: &str = "saveRequestDraft";
const MESSAGE_SCOPE: &str = "addRequestMessage";

/// The object an earlier call with the same idempotency key made.
async fn replay(
    deps: &Deps,
    worker: &RequestWorker,
    scope: &str,
    key: &IdempotencyKey,
) -> ApiResult<Option<Uuid>> {
    let account = worker.account_id();
    Ok(idempotency::find(deps.db.writer(), account, scope, key).await?)
}

/// Saves a new draft (`id` = `None`) or replaces the fields of the caller's own draft. A draft
/// may miss any field; only sizes far beyond the form's are refused.
pub async fn save_draft(
    deps: &Deps,
    worker: &RequestWorker,
    id: Option<Uuid>,
    version: Option<i32>,
    form: RequestForm,
    key: Option<&IdempotencyKey>,
) -> ApiResult<request::Model> {
    let RequestWorker::Customer(customer) = worker else {
        return Err(ApiError::Forbidden);
    };
    if !customer.can_create {
        return Err(ApiError::Forbidden);
    }
    let form = form.normalised();
    form.within_draft_limits()?;
    if id.is_none()
        && let Some(key) = key
        && let Some(earlier) = replay(deps, worker, DRAFT_SCOPE, key).await?
    {
        return find_visible(deps, worker, earlier).await;
    }
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let saved = match id {
        None => {
            let mut row = request::ActiveModel {
                id: Set(new_uuid()),
                company_id: Set(customer.company_id),
                requester_contact_id: Set(customer.contact_id),
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
                ..Default::default()
            };
            form.write(&mut row);
            let created = row.insert(&txn).await?;
            let event = NewEvent {
                kind: "STATE_CHANGED",
                action: Some("SAVE_DRAFT"),
                to_state: Some(RequestState::Draft),
                ..NewEvent::default()
            };
            repo::record(&txn, created.id, now, author(worker), vec![event]).await?;
            let entry = request_entry(
                "REQUEST_DRAFT_CREATED",
                Some(customer.account_id),
                &created,
                None,
                Some(state_json(&created)),
            );
            audit::record(&txn, now, entry).await?;
            if let Some(key) = key {
                let account = customer.account_id;
                idempotency::record(&txn, account, DRAFT_SCOPE, key, created.id, now).await?;
            }
            created
        }
        Some(id) => {
            let row = lock_visible(&txn, worker, id, version).await?;
            if row.state != RequestState::Draft || row.requester_contact_id != customer.contact_id {
                return Err(not_allowed("SAVE_DRAFT", row.state, Side::Customer));
            }
            let mut changes = request::ActiveModel {
                updated_at: Set(now),
                ..Default::default()
            };
            form.write(&mut changes);
            write(&txn, &row, changes).await?
        }
    };
    commit(txn, deps).await?;
    Ok(saved)
}

/// Submits the caller's draft: every problem of the form comes back at once and nothing
/// changes, or the request gets its human ID and goes to the support.
pub async fn submit(
    deps: &Deps,
    worker: &RequestWorker,
    id: Uuid,
    version: Option<i32>,
) -> ApiResult<Result<request::Model, Vec<ApiError>>> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let row = lock_visible(&txn, worker, id, version).await?;
    let side = access::side(worker);
    let clock = lifecycle_clock(now, &row, None);
    let action = Action {
        kind: ActionKind::Submit,
        text: None,
    };
    let decision = lifecycle::decide(row.state.into(), action, side, &clock)
        .map_err(|r| refusal(ActionKind::Submit, side, r))?;
    let problems = RequestForm::of(&row).problems(now.date_naive());
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let year = now.year();
    let number = next_counter_value(&txn, &format!("SR-{year}")).await?;
    let changes = request::ActiveModel {
        human_id: Set(Some(human_id(year, number))),
        state: Set(decision.to.into()),
        submitted_at: Set(Some(now)),
        state_changed_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let submitted = write(&txn, &row, changes).await?;
    let event = NewEvent {
        kind: "STATE_CHANGED",
        action: Some(action_code(ActionKind::Submit)),
        from_state: Some(row.state),
        to_state: Some(submitted.state),
        ..NewEvent::default()
    };
    repo::record(&txn, row.id, now, author(worker), vec![event]).await?;
    let entry = request_entry(
        super::audit_action(ActionKind::Submit),
        Some(worker.account_id()),
        &submitted,
        Some(state_json(&row)),
        Some(state_json(&submitted)),
    );
    audit::record(&txn, now, entry).await?;
    let notice = Notice {
        notice: RequestNotice::Submitted,
        text: None,
        actor_account_id: Some(worker.account_id()),
    };
    notify::support_side(&txn, deps, now, &submitted, notice).await?;
    commit(txn, deps).await?;
    Ok(Ok(submitted))
}

/// The facts the lifecycle needs about time.
fn lifecycle_clock(
    now: DateTime<Utc>,
    row: &request::Model,
    company: Option<&entity::company::Model>,
) -> lifecycle::Clock {
    lifecycle::Clock {
        now,
        closed_at: row.closed_at,
        reopen_window: company.map_or_else(
            || chrono::Duration::seconds(crate::companies::repo::DEFAULT_REOPEN_WINDOW_SECS),
            |c| chrono::Duration::seconds(c.reopen_window_secs),
        ),
    }
}

/// Takes a lifecycle action (everything but submitting and adding a message, which have their
/// own operations). `text` is the question, answer, reason or final answer.
pub async fn transition(
    deps: &Deps,
    worker: &RequestWorker,
    id: Uuid,
    version: Option<i32>,
    kind: ActionKind,
    text: Option<String>,
    files: &[StoredFile],
) -> ApiResult<request::Model> {
    if matches!(kind, ActionKind::Submit | ActionKind::AddMessage) {
        return Err(ApiError::bad_input(
            "action",
            InputReason::InvalidFormat,
            "submit with submitRequest and write with addRequestMessage",
        ));
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
    let done = apply(
        &txn,
        deps,
        now,
        row,
        kind,
        access::side(worker),
        author(worker),
        text.as_deref(),
        files,
    )
    .await?;
    commit(txn, deps).await?;
    Ok(done)
}

/// What a state change mails, and to which side.
fn notice_of(kind: ActionKind, side: Side) -> RequestNotice {
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

/// Decides and applies one lifecycle action on a locked request (people and the time job).
/// Files go with the message of the action's text (callers send files only with a text).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn apply(
    txn: &DatabaseTransaction,
    deps: &Deps,
    now: DateTime<Utc>,
    row: request::Model,
    kind: ActionKind,
    side: Side,
    author: Author,
    text: Option<&str>,
    files: &[StoredFile],
) -> ApiResult<request::Model> {
    // The company's durations matter only to reopen a closed request or to propose a solution.
    let mut company = match row.state {
        RequestState::Closed => crate::companies::repo::find(txn, row.company_id).await?,
        _ => None,
    };
    let clock = lifecycle_clock(now, &row, company.as_ref());
    let from: State = row.state.into();
    let decision = lifecycle::decide(from, Action { kind, text }, side, &clock)
        .map_err(|r| refusal(kind, side, r))?;
    let to = decision.to;
    let settings = &deps.settings.requests;
    if to == State::SolutionProposed && company.is_none() {
        company = crate::companies::repo::find(txn, row.company_id).await?;
    }
    let auto_close_at = (to == State::SolutionProposed).then(|| {
        now + chrono::Duration::seconds(
            company
                .as_ref()
                .map_or(crate::companies::repo::DEFAULT_AUTO_CLOSE_AFTER_SECS, |c| {
                    c.auto_close_after_secs
                }),
        )
    });
    let remind_at = match to {
        State::SolutionProposed if settings.closure_reminder_before_secs > 0 => auto_close_at
            .map(|at| at - seconds(settings.closure_reminder_before_secs))
            .filter(|at| *at > now),
        State::CustomerClarification if settings.clarification_reminder_every_secs > 0 => {
            Some(now + seconds(settings.clarification_reminder_every_secs))
        }
        _ => None,
    };
    let mut changes = request::ActiveModel {
        state: Set(to.into()),
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
    let code = action_code(kind);
    let text = text.map(str::trim).filter(|t| !t.is_empty());
    let message = match text {
        Some(text) => Some(repo::insert_message(txn, row.id, now, author, Some(code), text).await?),
        None => None,
    };
    if !files.is_empty() {
        let message_id = message.as_ref().map(|m| m.id);
        super::attachments::record(txn, row.id, message_id, author, now, files).await?;
    }
    let event = NewEvent {
        kind: "STATE_CHANGED",
        action: Some(code),
        from_state: Some(row.state),
        to_state: Some(done.state),
        comment: text.map(str::to_owned),
        ..NewEvent::default()
    };
    repo::record(txn, row.id, now, author, vec![event]).await?;
    let entry = request_entry(
        super::audit_action(kind),
        author.account_id,
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

/// Adds a message; the state never changes. A customer's message on a request waiting for
/// their clarification restarts the reminder interval.
pub async fn add_message(
    deps: &Deps,
    worker: &RequestWorker,
    id: Uuid,
    body: &str,
    files: &[StoredFile],
    key: Option<&IdempotencyKey>,
) -> ApiResult<(request::Model, request_message::Model)> {
    if let Some(key) = key
        && let Some(earlier) = replay(deps, worker, MESSAGE_SCOPE, key).await?
    {
        let row = find_visible(deps, worker, id).await?;
        let message = request_message::Entity::find_by_id(earlier)
            .one(deps.db.reader())
            .await?
            .filter(|m| m.request_id == row.id)
            .ok_or(ApiError::NotFound { what: "message" })?;
        return Ok((row, message));
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
        .map_err(|r| refusal(ActionKind::AddMessage, side, r))?;
    let who = author(worker);
    let message = repo::insert_message(&txn, row.id, now, who, None, body.trim()).await?;
    let attached =
        super::attachments::record(&txn, row.id, Some(message.id), who, now, files).await?;
    if let Some(key) = key {
        let account = worker.account_id();
        idempotency::record(&txn, account, MESSAGE_SCOPE, key, message.id, now).await?;
    }
    let mut touch = request::Entity::update_many()
        .col_expr(request::Column::UpdatedAt, now.into())
        .filter(request::Column::Id.eq(row.id));
    if side == Side::Agent && row.first_response_at.is_none() {
        touch = touch.col_expr(request::Column::FirstResponseAt, Some(now).into());
    }
    let every = deps.settings.requests.clarification_reminder_every_secs;
    if side == Side::Customer && row.state == RequestState::CustomerClarification && every > 0 {
        touch = touch.col_expr(request::Column::RemindAt, Some(now + seconds(every)).into());
    }
    touch.exec(&txn).await?;
    let entry = AuditEntry {
        action: super::audit_action(ActionKind::AddMessage),
        actor_account_id: Some(worker.account_id()),
        company_id: Some(row.company_id),
        target_kind: Some("REQUEST"),
        target_id: Some(row.id),
        after: Some(serde_json::json!({
            "messageId": message.id.to_string(),
            "attachments": attached.iter().map(|a| a.id.to_string()).collect::<Vec<_>>(),
        })),
        ..AuditEntry::default()
    };
    audit::record(&txn, now, entry).await?;
    let notice = Notice {
        notice: notice_of(ActionKind::AddMessage, side),
        text: Some(&message.body),
        actor_account_id: Some(worker.account_id()),
    };
    match side {
        Side::Customer => notify::support_side(&txn, deps, now, &row, notice).await?,
        Side::Agent | Side::System => {
            notify::customer_side(&txn, deps, now, &row, notice).await?;
        }
    }
    let row = repo::find(&txn, row.id).await?.ok_or_else(not_found)?;
    commit(txn, deps).await?;
    Ok((row, message))
}

/// An active support agent or manager.
async fn active_staff<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
) -> Result<Option<contact::Model>, DbErr> {
    Ok(contact::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|c| c.status == ContactStatus::Active)
        .filter(|c| {
            matches!(
                c.provider_role,
                Some(ProviderRole::SupportAgent | ProviderRole::SupportManager)
            )
        }))
}

/// Assigns an open request: agents take it themselves, managers give it to any agent.
pub async fn assign(
    deps: &Deps,
    staff: &SupportStaff,
    id: Uuid,
    version: Option<i32>,
    agent: Option<Uuid>,
) -> ApiResult<request::Model> {
    let target = agent.unwrap_or(staff.contact_id);
    if target != staff.contact_id && !staff.manager {
        return Err(ApiError::Forbidden);
    }
    let worker = RequestWorker::Staff(*staff);
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let agent = active_staff(&txn, target)
        .await?
        .ok_or(ApiError::NotFound { what: "agent" })?;
    let row = lock_visible(&txn, &worker, id, version).await?;
    if !State::from(row.state).is_open() {
        return Err(not_allowed("ASSIGN", row.state, Side::Agent));
    }
    if row.assignee_contact_id == Some(agent.id) {
        return Ok(row);
    }
    let changes = request::ActiveModel {
        assignee_contact_id: Set(Some(agent.id)),
        updated_at: Set(now),
        ..Default::default()
    };
    let done = write(&txn, &row, changes).await?;
    let event = NewEvent {
        kind: "ASSIGNED",
        field: Some("assignee".into()),
        before: row.assignee_contact_id.map(|id| id.to_string()),
        after: Some(agent.id.to_string()),
        ..NewEvent::default()
    };
    repo::record(&txn, row.id, now, author(&worker), vec![event]).await?;
    let entry = request_entry(
        "REQUEST_ASSIGNED",
        Some(staff.account_id),
        &done,
        Some(serde_json::json!({ "assignee": row.assignee_contact_id.map(|id| id.to_string()) })),
        Some(serde_json::json!({ "assignee": agent.id.to_string() })),
    );
    audit::record(&txn, now, entry).await?;
    let notice = Notice {
        notice: RequestNotice::Assigned,
        text: None,
        actor_account_id: Some(staff.account_id),
    };
    notify::one_contact(&txn, deps, now, &done, &agent, notice).await?;
    commit(txn, deps).await?;
    Ok(done)
}

/// Changes to a submitted request; `None` keeps a value. The support edits the classification,
/// the customer the tag, their follow-up and the addresses to notify.
#[derive(Debug, Clone, Default)]
pub struct RequestEdit {
    pub category: Option<RequestCategory>,
    pub kind: Option<Option<RequestKind>>,
    pub urgency: Option<Urgency>,
    pub product: Option<Option<String>>,
    pub tag: Option<Option<String>>,
    pub follow_up: Option<bool>,
    pub notify_emails: Option<Vec<String>>,
}

impl RequestEdit {
    /// The first field the side may not edit.
    fn forbidden_field(&self, side: Side) -> Option<&'static str> {
        let support = [
            ("category", self.category.is_some()),
            ("kind", self.kind.is_some()),
            ("urgency", self.urgency.is_some()),
            ("product", self.product.is_some()),
        ];
        let customer = [
            ("tag", self.tag.is_some()),
            ("followUp", self.follow_up.is_some()),
            ("notifyEmails", self.notify_emails.is_some()),
        ];
        let others: &[(&'static str, bool)] = match side {
            Side::Agent => &customer,
            Side::Customer => &support,
            Side::System => &[],
        };
        others.iter().find(|(_, set)| *set).map(|(field, _)| *field)
    }

    fn merged(self, mut form: RequestForm) -> RequestForm {
        if let Some(category) = self.category {
            form.category = Some(category);
        }
        if let Some(kind) = self.kind {
            form.kind = kind;
        }
        if let Some(urgency) = self.urgency {
            form.urgency = Some(urgency);
        }
        if let Some(product) = self.product {
            form.product = product;
        }
        if let Some(tag) = self.tag {
            form.tag = tag;
        }
        if let Some(follow_up) = self.follow_up {
            form.follow_up = follow_up;
        }
        if let Some(emails) = self.notify_emails {
            form.notify_emails = emails;
        }
        form.normalised()
    }
}

/// Edits a submitted, open request; every changed field goes to the history. Problems with
/// the resulting form come back all at once and change nothing.
pub async fn update(
    deps: &Deps,
    worker: &RequestWorker,
    id: Uuid,
    version: Option<i32>,
    edit: RequestEdit,
) -> ApiResult<Result<request::Model, Vec<ApiError>>> {
    let side = access::side(worker);
    if let Some(field) = edit.forbidden_field(side) {
        let whose = match side {
            Side::Agent => "the customer's",
            Side::Customer | Side::System => "the support's",
        };
        return Err(ApiError::bad_input(
            field,
            InputReason::NotEditable,
            format!("this field is {whose} to edit"),
        ));
    }
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let row = lock_visible(&txn, worker, id, version).await?;
    if !State::from(row.state).is_open() {
        return Err(not_allowed("UPDATE", row.state, side));
    }
    if side == Side::Customer
        && edit.follow_up.is_some()
        && row.requester_contact_id != worker.contact_id()
    {
        return Err(ApiError::bad_input(
            "followUp",
            InputReason::NotEditable,
            "follow-up is the requester's choice",
        ));
    }
    let before = RequestForm::of(&row);
    let after = edit.merged(before.clone());
    let problems = after.problems(now.date_naive());
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let changed = before.changes(&after);
    if changed.is_empty() {
        return Ok(Ok(row));
    }
    let mut changes = request::ActiveModel {
        updated_at: Set(now),
        ..Default::default()
    };
    after.write(&mut changes);
    let done = write(&txn, &row, changes).await?;
    let mut before_json = serde_json::Map::new();
    let mut after_json = serde_json::Map::new();
    let events = changed
        .into_iter()
        .map(|(field, old, new)| {
            before_json.insert(field.clone(), old.clone());
            after_json.insert(field.clone(), new.clone());
            NewEvent {
                kind: "FIELD_CHANGED",
                field: Some(field),
                before: Some(old.to_string()),
                after: Some(new.to_string()),
                ..NewEvent::default()
            }
        })
        .collect();
    repo::record(&txn, row.id, now, author(worker), events).await?;
    let entry = request_entry(
        "REQUEST_UPDATED",
        Some(worker.account_id()),
        &done,
        Some(before_json.into()),
        Some(after_json.into()),
    );
    audit::record(&txn, now, entry).await?;
    commit(txn, deps).await?;
    Ok(Ok(done))
}

/// A contact who may watch the request: an active contact of its company, or (added by the
/// support) an active agent or manager.
async fn watcher_candidate<C: ConnectionTrait>(
    conn: &C,
    worker: &RequestWorker,
    row: &request::Model,
    contact_id: Uuid,
) -> ApiResult<contact::Model> {
    let found = contact::Entity::find_by_id(contact_id)
        .one(conn)
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
    id: Uuid,
    contact_id: Uuid,
    wants_mail: bool,
) -> ApiResult<request::Model> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let row = lock_visible(&txn, worker, id, None).await?;
    if row.state == RequestState::Draft {
        return Err(not_found());
    }
    let watcher = watcher_candidate(&txn, worker, &row, contact_id).await?;
    let existing = request_watcher::Entity::find_by_id((row.id, watcher.id))
        .one(&txn)
        .await?;
    match existing {
        Some(existing) if existing.wants_mail == wants_mail => {}
        Some(_) => {
            request_watcher::Entity::update_many()
                .col_expr(request_watcher::Column::WantsMail, wants_mail.into())
                .filter(request_watcher::Column::RequestId.eq(row.id))
                .filter(request_watcher::Column::ContactId.eq(watcher.id))
                .exec(&txn)
                .await?;
        }
        None => {
            request_watcher::Entity::insert(request_watcher::ActiveModel {
                request_id: Set(row.id),
                contact_id: Set(watcher.id),
                wants_mail: Set(wants_mail),
                added_by_account_id: Set(Some(worker.account_id())),
                added_at: Set(now),
            })
            .exec_without_returning(&txn)
            .await?;
            let event = NewEvent {
                kind: "WATCHER_ADDED",
                field: Some("watchers".into()),
                after: Some(watcher.id.to_string()),
                ..NewEvent::default()
            };
            repo::record(&txn, row.id, now, author(worker), vec![event]).await?;
        }
    }
    commit(txn, deps).await?;
    Ok(row)
}

/// Removes a watcher.
pub async fn remove_watcher(
    deps: &Deps,
    worker: &RequestWorker,
    id: Uuid,
    contact_id: Uuid,
) -> ApiResult<request::Model> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let row = lock_visible(&txn, worker, id, None).await?;
    let removed = request_watcher::Entity::delete_many()
        .filter(request_watcher::Column::RequestId.eq(row.id))
        .filter(request_watcher::Column::ContactId.eq(contact_id))
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(ApiError::NotFound { what: "watcher" });
    }
    let event = NewEvent {
        kind: "WATCHER_REMOVED",
        field: Some("watchers".into()),
        before: Some(contact_id.to_string()),
        ..NewEvent::default()
    };
    repo::record(&txn, row.id, now, author(worker), vec![event]).await?;
    commit(txn, deps).await?;
    Ok(row)
}

/// A request the worker may see.
pub async fn find_visible(
    deps: &Deps,
    worker: &RequestWorker,
    id: Uuid,
) -> ApiResult<request::Model> {
    repo::find(deps.db.reader(), id)
        .await?
        .filter(|row| access::can_see(worker, row))
        .ok_or_else(not_found)
}

/// A request the worker may see, by its human ID.
pub async fn find_by_human_id(
    deps: &Deps,
    worker: &RequestWorker,
    human_id: &str,
) -> ApiResult<Option<request::Model>> {
    Ok(request::Entity::find()
        .filter(request::Column::HumanId.eq(human_id.trim().to_uppercase()))
        .one(deps.db.reader())
        .await?
        .filter(|row| access::can_see(worker, row)))
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
