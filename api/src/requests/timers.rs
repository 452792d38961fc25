//! The time-based rules (SPEC §5): proposed solutions close by themselves after the company's
//! `auto_close_after`, with a reminder before; customers silent on a clarification request are
//! reminded at an interval.
//!
//! Each due request is handled in its own transaction that locks it and checks again that it
//! is still due, so the job is idempotent and several server instances can run it at once:
//! whoever comes second finds nothing left to do.

use chrono::{DateTime, Utc};
use entity::RequestState;

use super::history::{Author, NewEvent, OtherAction};
use super::lifecycle::ActionKind;
use super::notify::{self, Notice};
use super::repo::{self, Due};
use super::transitions::{self, Acting};
use crate::clock::seconds;
use crate::deps::Deps;
use crate::error::ApiResult;
use crate::ids::RequestId;
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
        let due = repo::due(deps.db.writer(), Due::Reminder, now, BATCH).await?;
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
        let due = repo::due(deps.db.writer(), Due::AutoClose, now, BATCH).await?;
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

/// Closes one proposed solution whose time is up; `false` when someone was faster.
async fn auto_close(deps: &Deps, id: RequestId, now: DateTime<Utc>) -> ApiResult<bool> {
    let txn = deps.db.begin_write().await?;
    let Some(row) = repo::lock(&txn, id).await? else {
        return Ok(false);
    };
    let due = row.state == RequestState::SolutionProposed
        && row.auto_close_at.is_some_and(|at| at <= now);
    if !due {
        return Ok(false);
    }
    let kind = ActionKind::AutoClose;
    transitions::apply(&txn, deps, now, row, kind, Acting::SYSTEM, None, &[]).await?;
    deps.commit(txn).await?;
    Ok(true)
}

/// Sends one due reminder and schedules the next; `None` when nothing was due any more.
async fn remind(
    deps: &Deps,
    id: RequestId,
    now: DateTime<Utc>,
) -> ApiResult<Option<RequestNotice>> {
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
            repo::set_remind_at(&txn, id, None).await?;
            txn.commit().await?;
            return Ok(None);
        }
    };
    repo::set_remind_at(&txn, id, next).await?;
    let event = NewEvent::reminder(match notice {
        RequestNotice::ClosureReminder => OtherAction::ClosureReminder,
        _ => OtherAction::ClarificationReminder,
    });
    repo::record(&txn, id, now, Author::SYSTEM, vec![event]).await?;
    let notice = Notice {
        notice,
        text: None,
        actor_account_id: None,
    };
    notify::customer_side(&txn, deps, now, &row, notice).await?;
    deps.commit(txn).await?;
    Ok(Some(notice.notice))
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
