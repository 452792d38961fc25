//! What callers may see of requests. Lists and lookups take the caller's [`RequestWorker`] and
//! hand out [`Visible`] requests; the reads of a request's parts take a visible request (or
//! part) as proof, so none of them can reach another company's data.

use chrono::{DateTime, Utc};
use entity::{RequestSide, RequestState};
use uuid::Uuid;

use super::access::{self, Visible, not_found};
use super::form::RequestForm;
use super::lifecycle::{self, ActionKind};
use super::projection::ListRead;
use super::queues::{QueueCounts, QueueQuery, Scope};
use super::transitions::lifecycle_clock;
use super::writing::id_of;
use super::{Attachment, HistoryEntry, Message, Request, repo};
use crate::auth::RequestWorker;
use crate::companies::Company;
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult};
use crate::ids::RequestId;
use crate::paging::{Page, PageRequest};

/// A request the worker may see; `NOT_FOUND` otherwise, exactly as for an unknown ID.
pub async fn find(
    deps: &Deps,
    worker: &RequestWorker,
    id: RequestId,
) -> ApiResult<Visible<Request>> {
    repo::find(deps.db.reader(), id)
        .await?
        .filter(|row| access::can_see(worker, row))
        .map(|row| Visible::new(row, *worker))
        .ok_or_else(not_found)
}

/// A request the worker may see, by its human ID (`SR-2026-000123`, any case).
pub async fn find_by_human_id(
    deps: &Deps,
    worker: &RequestWorker,
    human_id: &str,
) -> ApiResult<Option<Visible<Request>>> {
    let human_id = human_id.trim().to_uppercase();
    Ok(repo::find_by_human_id(deps.db.reader(), &human_id)
        .await?
        .filter(|row| access::can_see(worker, row))
        .map(|row| Visible::new(row, *worker)))
}

/// A page of a queue: the requests the worker may see in the query's scope, queue and filter,
/// in its order.
pub async fn list(
    deps: &Deps,
    worker: &RequestWorker,
    query: &QueueQuery,
    page: &PageRequest,
    read: &ListRead,
) -> ApiResult<Page<Visible<Request>>> {
    let visible = access::in_scope(worker, query.scope)?;
    let after = page
        .after
        .as_ref()
        .map(|cursor| repo::parse_cursor(query.order, cursor))
        .transpose()?;
    let rows = repo::list(deps.db.reader(), visible, query, after, page, read).await?;
    let page = Page::from_rows(page, rows, |listed| listed.cursor.clone());
    Ok(page.map(|listed| Visible::new(listed.row, *worker)))
}

/// How many requests each queue holds for the worker in `scope` (everything they may see when
/// `None`), read from the counts every change keeps (a few rows, however many requests): the
/// same requests as [`access::in_scope`] lists.
pub async fn queue_counts(
    deps: &Deps,
    worker: &RequestWorker,
    scope: Option<Scope>,
) -> ApiResult<QueueCounts> {
    use repo::CountScope::{Assignee, Requester};
    access::in_scope(worker, scope)?;
    let db = deps.db.reader();
    let me = worker.contact_id().uuid();
    let submitted = |counts: Vec<(RequestState, i64)>| {
        counts
            .into_iter()
            .filter(|(state, _)| *state != RequestState::Draft)
            .collect::<Vec<_>>()
    };
    let by_state = match (worker, scope) {
        (RequestWorker::Customer(c), Some(Scope::Team) | None) if c.team() => {
            let company = repo::of_owner(db, repo::CountScope::Company, c.company_id().uuid());
            let mut counts = submitted(company.await?);
            let own = repo::of_owner(db, Requester, me).await?;
            counts.extend(own.into_iter().filter(|(s, _)| *s == RequestState::Draft));
            counts
        }
        (RequestWorker::Customer(_), _) => repo::of_owner(db, Requester, me).await?,
        (RequestWorker::Staff(_), Some(Scope::Personal)) => {
            repo::of_owner(db, Assignee, me).await?
        }
        (RequestWorker::Staff(_), _) => submitted(repo::of_every_company(db).await?),
    };
    Ok(QueueCounts::new(by_state))
}

/// How many requests a queue holds for the worker, over all pages.
pub async fn count(deps: &Deps, worker: &RequestWorker, query: &QueueQuery) -> ApiResult<u64> {
    let visible = access::in_scope(worker, query.scope)?;
    Ok(repo::count(deps.db.reader(), visible, query).await?)
}

/// Until when a visible closed request can be reopened, given its company (read with
/// [`company`] or in a batch): the company's reopen window.
pub fn reopenable_until(
    deps: &Deps,
    request: &Visible<Request>,
    company: Option<&Company>,
) -> Option<DateTime<Utc>> {
    let company = company.filter(|c| c.id == request.get().company_id)?;
    request.get().closed_at?;
    lifecycle_clock(deps.clock.now(), request.get(), Some(company)).reopenable_until()
}

/// The actions the caller may take now on a visible request (the reopen window aside).
pub fn allowed_actions(request: &Visible<Request>) -> Vec<ActionKind> {
    let side = access::side(request.worker());
    lifecycle::allowed(request.get().state.into(), side)
}

/// The actions the caller may take now, each with whether it needs a text from them (a
/// question, an answer, a reason, a final answer).
pub fn available_actions(request: &Visible<Request>) -> Vec<(ActionKind, bool)> {
    let side = access::side(request.worker());
    lifecycle::allowed(request.get().state.into(), side)
        .into_iter()
        .map(|action| (action, lifecycle::needs_text(action, side)))
        .collect()
}

/// The recap check of a visible draft: every missing or invalid field (none once submitted).
pub fn submission_problems(deps: &Deps, request: &Visible<Request>) -> Vec<ApiError> {
    if request.get().state != RequestState::Draft {
        return Vec::new();
    }
    RequestForm::of(request.get()).problems(deps.clock.now().date_naive())
}

/// A page of a visible request's messages, oldest first (one side's with `side`), each with
/// its attachments (read in one query for the page).
pub async fn messages(
    deps: &Deps,
    request: &Visible<Request>,
    side: Option<RequestSide>,
    page: &PageRequest,
) -> ApiResult<Page<(Visible<Message>, Vec<Visible<Attachment>>)>> {
    let db = deps.db.reader();
    let rows = repo::messages(db, id_of(request.get()), side, page).await?;
    let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
    let mut attached = repo::of_messages(db, &ids).await?;
    let page = Page::from_rows(page, rows, |m| repo::id_cursor(m.id));
    Ok(page.map(|message| {
        let files = attached.remove(&message.id).unwrap_or_default();
        let files = files.into_iter().map(|f| request.part(f)).collect();
        (request.part(message), files)
    }))
}

/// The attachments of a visible message, in upload order.
pub async fn message_attachments(
    deps: &Deps,
    message: &Visible<Message>,
) -> ApiResult<Vec<Visible<Attachment>>> {
    let id = message.get().id;
    let mut attached = repo::of_messages(deps.db.reader(), &[id]).await?;
    let files = attached.remove(&id).unwrap_or_default();
    Ok(files.into_iter().map(|f| message.part(f)).collect())
}

/// A page of a visible request's history, oldest first.
pub async fn history(
    deps: &Deps,
    request: &Visible<Request>,
    page: &PageRequest,
) -> ApiResult<Page<Visible<HistoryEntry>>> {
    let rows = repo::history(deps.db.reader(), id_of(request.get()), page).await?;
    let page = Page::from_rows(page, rows, |e| repo::id_cursor(e.id));
    Ok(page.map(|entry| request.part(entry)))
}
