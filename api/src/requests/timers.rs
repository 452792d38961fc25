//! The time-based rules (SPEC §5): proposed solutions close by themselves after the company's
//! `auto_close_after`, with a reminder before; customers silent on a clarification request are
//! reminded at an interval.
//!
//! Each due request is handled in its own transaction that locks it and checks again that it
//! is still due, so the job is idempotent and several server instances can run it at once:
//! whoever comes second finds nothing left to do.

use chrono::{DateTime, Utc};
use entity::{RequestState, request};
use sea_orm::{ColumnTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::lifecycle::{ActionKind, Side};
use super::notify::{self, Notice};
use super::repo::{self, Author, NewEvent};
use super::service;
use crate::clock::seconds;
use crate::deps::Deps;
use crate::error::ApiResult;
use crate::mail::RequestNotice;

/// Requests handled per batch; the job loops until none is due.
const BATCH: u64 = 200;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    pub auto_closed: u64,
    pub closure_reminders: u64,
    pub clarification_reminders: u64,
}

/// Handles everything due at the clock's "now".
pub async fn run_due(deps: &Deps) -> ApiResult<Report> {
    let now = deps.clock.now();
    let mut report = Report::default();
    // Reminders first: a reminder due at the same moment as the closure is moot, and the
    // closure clears it.
    loop {
        let due = due_ids(deps, request::Column::RemindAt, None, now).await?;
        for id in &due {
            match remind(deps, *id, now).await? {
                Some(RequestNotice::ClosureReminder) => report.closure_reminders += 1,
                Some(_) => report.clarification_reminders += 1,
                None => {}
            }
        }
        if (due.len() as u64) < BATCH {
            break;
        }
    }
    loop {
        let due = due_ids(
            deps,
            request::Column::AutoCloseAt,
            Some(RequestState::SolutionProposed),
            now,
        )
        .await?;
        for id in &due {
            if auto_close(deps, *id, now).await? {
                report.auto_closed += 1;
            }
        }
        if (due.len() as u64) < BATCH {
            break;
        }
    }
    Ok(report)
}

async fn due_ids(
    deps: &Deps,
    column: request::Column,
    state: Option<RequestState>,
    now: DateTime<Utc>,
) -> ApiResult<Vec<Uuid>> {
    let mut query = request::Entity::find()
        .select_only()
        .column(request::Column::Id)
        .filter(column.lte(now));
    if let Some(state) = state {
        query = query.filter(request::Column::State.eq(state));
    }
    Ok(query
        .order_by(column, Order::Asc)
        .limit(BATCH)
        .into_tuple()
        .all(deps.db.writer())
        .await?)
}

/// Closes one proposed solution whose time is up; `false` when someone was faster.
async fn auto_close(deps: &Deps, id: Uuid, now: DateTime<Utc>) -> ApiResult<bool> {
    let txn = deps.db.begin_write().await?;
    let Some(row) = repo::lock(&txn, id).await? else {
        return Ok(false);
    };
    let due = row.state == RequestState::SolutionProposed
        && row.auto_close_at.is_some_and(|at| at <= now);
    if !due {
        return Ok(false);
    }
    service::apply(
        &txn,
        deps,
        now,
        row,
        ActionKind::AutoClose,
        Side::System,
        Author::SYSTEM,
        None,
        &[],
    )
    .await?;
    txn.commit().await?;
    deps.mail.wake();
    Ok(true)
}

/// Sends one due reminder and schedules the next; `None` when nothing was due any more.
async fn remind(deps: &Deps, id: Uuid, now: DateTime<Utc>) -> ApiResult<Option<RequestNotice>> {
    let txn = deps.db.begin_write().await?;
    let Some(row) = repo::lock(&txn, id).await? else {
        return Ok(None);
    };
    if row.remind_at.is_none_or(|at| at > now) {
        return Ok(None);
    }
    let every = deps.settings.requests.clarification_reminder_every_secs;
    let closing_now = row.auto_close_at.is_some_and(|at| at <= now);
    let (notice, next) = match row.state {
        RequestState::SolutionProposed if !closing_now => (RequestNotice::ClosureReminder, None),
        RequestState::CustomerClarification if every > 0 => (
            RequestNotice::ClarificationReminder,
            Some(now + seconds(every)),
        ),
        _ => {
            // A leftover from an earlier state: nothing to remind.
            clear_reminder(&txn, &row, None).await?;
            txn.commit().await?;
            return Ok(None);
        }
    };
    clear_reminder(&txn, &row, next).await?;
    let event = NewEvent {
        kind: "REMINDER_SENT",
        action: Some(match notice {
            RequestNotice::ClosureReminder => "CLOSURE_REMINDER",
            _ => "CLARIFICATION_REMINDER",
        }),
        ..NewEvent::default()
    };
    repo::record(&txn, row.id, now, Author::SYSTEM, vec![event]).await?;
    let notice = Notice {
        notice,
        text: None,
        actor_account_id: None,
    };
    notify::customer_side(&txn, deps, now, &row, notice).await?;
    txn.commit().await?;
    deps.mail.wake();
    Ok(Some(notice.notice))
}

async fn clear_reminder(
    txn: &sea_orm::DatabaseTransaction,
    row: &request::Model,
    next: Option<DateTime<Utc>>,
) -> ApiResult<()> {
    request::Entity::update_many()
        .col_expr(request::Column::RemindAt, next.into())
        .filter(request::Column::Id.eq(row.id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Runs the job every `requests.job_interval_secs` until `stop`.
pub async fn run(deps: Deps, stop: tokio_util::sync::CancellationToken) {
    let every = std::time::Duration::from_secs(deps.settings.requests.job_interval_secs);
    loop {
        if let Err(err) = run_due(&deps).await {
            tracing::warn!(?err, "the request timers job failed; it runs again later");
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
    }
}
