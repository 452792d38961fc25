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
use uuid::Uuid;

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

/// Whose requests a list is of, whatever the person's role: a customer contact's (of their
/// company) or a support agent's (of every company). With the scope and whether the role is a
/// team role, it decides which requests show, as a query condition ([`Audience::condition`])
/// or for one request ([`Audience::sees`]); both say the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Customer { company: Uuid, contact: Uuid },
    Staff { contact: Uuid },
}

impl Audience {
    pub fn of(worker: &RequestWorker) -> Self {
        match worker {
            RequestWorker::Customer(c) => Self::Customer {
                company: c.company_id().uuid(),
                contact: c.contact_id().uuid(),
            },
            RequestWorker::Staff(s) => Self::Staff {
                contact: s.contact_id().uuid(),
            },
        }
    }

    /// The requests shown in `scope` (everything visible when `None`): a customer's own
    /// (drafts too) and, in the team scope or with a team role, the company's submitted ones;
    /// the support's every submitted request, or those assigned to them (personal).
    pub fn condition(self, scope: Option<Scope>, team: bool) -> Condition {
        use request::Column as C;
        let submitted = C::State.ne(RequestState::Draft);
        match self {
            Self::Customer { company, contact } => {
                let own = C::RequesterContactId.eq(contact);
                let shown = if Self::customer_team(scope, team) {
                    Condition::any().add(own).add(submitted)
                } else {
                    Condition::all().add(own)
                };
                Condition::all().add(C::CompanyId.eq(company)).add(shown)
            }
            Self::Staff { contact } => {
                let shown = Condition::all().add(submitted);
                match scope {
                    Some(Scope::Personal) => shown.add(C::AssigneeContactId.eq(contact)),
                    _ => shown,
                }
            }
        }
    }

    /// Whether `row` is shown in `scope`: [`Audience::condition`] for one request.
    pub fn sees(self, scope: Option<Scope>, team: bool, row: impl Into<Shown>) -> bool {
        let row: Shown = row.into();
        let submitted = row.state != RequestState::Draft;
        match self {
            Self::Customer { company, contact } => {
                row.company_id == company
                    && (row.requester_contact_id == contact
                        || (Self::customer_team(scope, team) && submitted))
            }
            Self::Staff { contact } => {
                submitted
                    && (scope != Some(Scope::Personal) || row.assignee_contact_id == Some(contact))
            }
        }
    }

    /// Whether a customer sees the company's submitted requests in `scope`.
    fn customer_team(scope: Option<Scope>, team: bool) -> bool {
        match scope {
            Some(Scope::Personal) => false,
            Some(Scope::Team) => true,
            None => team,
        }
    }
}

/// What decides whether a request shows (of a stored row, or of a live event's snapshot).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    pub company_id: Uuid,
    pub requester_contact_id: Uuid,
    pub assignee_contact_id: Option<Uuid>,
    pub state: RequestState,
}

impl From<&request::Model> for Shown {
    fn from(row: &request::Model) -> Self {
        Self {
            company_id: row.company_id,
            requester_contact_id: row.requester_contact_id,
            assignee_contact_id: row.assignee_contact_id,
            state: row.state,
        }
    }
}

/// Whether the worker's role is a team role (the support's always is).
pub fn team(worker: &RequestWorker) -> bool {
    match worker {
        RequestWorker::Customer(c) => c.team(),
        RequestWorker::Staff(_) => true,
    }
}

/// Whether `worker` may see (and so act on) `row`.
pub fn can_see(worker: &RequestWorker, row: &request::Model) -> bool {
    Audience::of(worker).sees(None, team(worker), row)
}

/// The rows `worker` may see, as a query condition: [`can_see`] for the database.
pub fn visible(worker: &RequestWorker) -> Condition {
    Audience::of(worker).condition(None, team(worker))
}

/// What the worker sees in `scope` (everything they may see when `None`): a customer's own
/// requests or an agent's assigned ones (personal), or everything they may see (team: the
/// company's for customers with a team role, every company's for the support).
pub fn in_scope(worker: &RequestWorker, scope: Option<Scope>) -> Result<Condition, ApiError> {
    if scope == Some(Scope::Team) && !team(worker) {
        return Err(ApiError::bad_input(
            "scope",
            InputReason::NotAllowed,
            "the team view needs a team role (Support Advanced or Administrator)",
        ));
    }
    Ok(Audience::of(worker).condition(scope, team(worker)))
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
