//! Who sees and acts on which request (SPEC §3): customers their own requests, team roles
//! their company's submitted ones, provider staff every submitted request; drafts only their
//! author. Anything else answers exactly like an unknown ID.
//!
//! What a service hands out is [`Visible`]: a request, or a part of one, with the worker it
//! was checked for. Only this area makes one, so a read of a request's parts (its messages,
//! its history, its people) takes the visible request as proof and needs no second check.

use entity::{RequestSide, RequestState, request};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;

use super::lifecycle::Side;
use super::queues::Scope;
use crate::auth::RequestWorker;
use crate::error::{ApiError, InputReason};

/// Something of a request that `worker` may see, because this area checked it.
#[derive(Debug, Clone)]
pub struct Visible<T> {
    item: T,
    worker: RequestWorker,
}

impl<T> Visible<T> {
    /// Only the requests area vouches for visibility.
    pub(super) fn new(item: T, worker: RequestWorker) -> Self {
        Self { item, worker }
    }

    /// A part of this visible thing (a message of a visible request…).
    pub(super) fn part<U>(&self, item: U) -> Visible<U> {
        Visible::new(item, self.worker)
    }

    pub fn get(&self) -> &T {
        &self.item
    }

    /// Who it was checked for.
    pub fn worker(&self) -> &RequestWorker {
        &self.worker
    }
}

/// The error for a request the caller may not see, identical to an unknown ID's.
pub fn not_found() -> ApiError {
    ApiError::NotFound { what: "request" }
}

/// Whether `worker` may see (and so act on) `row`.
pub fn can_see(worker: &RequestWorker, row: &request::Model) -> bool {
    match worker {
        RequestWorker::Customer(c) => {
            row.company_id == c.company_id().uuid()
                && (row.requester_contact_id == c.contact_id().uuid()
                    || (c.team() && row.state != RequestState::Draft))
        }
        RequestWorker::Staff(_) => row.state != RequestState::Draft,
    }
}

/// The rows `worker` may see, as a query condition: [`can_see`] for the database.
pub fn visible(worker: &RequestWorker) -> Condition {
    let submitted = request::Column::State.ne(RequestState::Draft);
    match worker {
        RequestWorker::Customer(c) => {
            let own = request::Column::RequesterContactId.eq(c.contact_id());
            let mine_or_team = if c.team() {
                Condition::any().add(own).add(submitted)
            } else {
                Condition::all().add(own)
            };
            Condition::all()
                .add(request::Column::CompanyId.eq(c.company_id()))
                .add(mine_or_team)
        }
        RequestWorker::Staff(_) => Condition::all().add(submitted),
    }
}

/// What the worker sees in `scope` (everything they may see when `None`): [`visible`] narrowed
/// to a customer's own requests or an agent's assigned ones (personal), or kept whole (team:
/// the company's for customers with a team role, every company's for the support).
pub fn in_scope(worker: &RequestWorker, scope: Option<Scope>) -> Result<Condition, ApiError> {
    let visible = visible(worker);
    let me = worker.contact_id();
    match (worker, scope) {
        (_, None) => Ok(visible),
        (RequestWorker::Customer(_), Some(Scope::Personal)) => {
            Ok(visible.add(request::Column::RequesterContactId.eq(me)))
        }
        (RequestWorker::Staff(_), Some(Scope::Personal)) => {
            Ok(visible.add(request::Column::AssigneeContactId.eq(me)))
        }
        (RequestWorker::Customer(c), Some(Scope::Team)) if !c.team() => Err(ApiError::bad_input(
            "scope",
            InputReason::NotAllowed,
            "the team view needs a team role (Support Advanced or Administrator)",
        )),
        (_, Some(Scope::Team)) => Ok(visible),
    }
}

/// The lifecycle side the worker acts on.
pub fn side(worker: &RequestWorker) -> Side {
    match worker {
        RequestWorker::Customer(_) => Side::Customer,
        RequestWorker::Staff(_) => Side::Agent,
    }
}

/// The stored side of what the worker writes.
pub fn stored_side(side: Side) -> RequestSide {
    match side {
        Side::Customer => RequestSide::Customer,
        Side::Agent => RequestSide::Support,
        Side::System => RequestSide::System,
    }
}
