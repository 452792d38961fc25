//! Live request updates (SPEC §8): the subscription and what it sends.

use async_graphql::{Context, Enum, ID, Object, Subscription};
use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt};

use std::sync::Arc;

use super::context::{request, shared_deps};
use super::direct::{Direct, Updates};
use super::requests::{
    QueueCounts, RequestCategoryGql, RequestQueue, RequestScope, RequestSideGql, RequestStateGql,
    UrgencyGql,
};
use super::shared::OfEvent;
use super::types::{ContactStatusGql, SupportRoleGql};
use crate::error::ApiError;
use crate::ids::{CompanyId, ContactId, NodeId, NodeKind, RequestId};
use crate::live::{
    self, ContactEvent, ContactSnapshot, Delivered, RequestChange, RequestEvent, RequestSnapshot,
    RequestWatch,
};

#[derive(Default)]
pub struct LiveSubscription;

#[Subscription]
impl LiveSubscription {
    /// Changes of the requests the caller may see, as they happen: of one request
    /// (`requestId`), of a queue in a scope, or of everything visible. Each update is checked
    /// against the caller's rights when it is sent, and carries the request as it is after the
    /// change, so a client updates its view without another query.
    ///
    /// `after`: the `cursor` of the last update received; the updates missed since come first,
    /// in order, then live ones, with no gap and no duplicate. A cursor older than the updates
    /// kept (`live.retention_hours`) is refused with `CURSOR_EXPIRED`: reload, then subscribe
    /// without `after`.
    ///
    /// A request leaving the queue or scope followed (its state or assignee changed) is sent
    /// once more, so lists can drop it. The subscription ends with an error when the session
    /// ends (logout, expiry: `UNAUTHENTICATED`) or the caller loses the right to follow what
    /// it follows (`FORBIDDEN`; `NOT_FOUND` for one request), within a second of the change.
    async fn request_updates(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        #[graphql(desc = "Only this request's updates.")] request_id: Option<ID>,
        #[graphql(desc = "Only the requests in this queue (before or after the change).")]
        queue: Option<RequestQueue>,
        #[graphql(desc = "Only the requests in this scope; everything visible when absent.")]
        scope: Option<RequestScope>,
    ) -> Result<Updates<RequestUpdate>, ApiError> {
        let context = request(ctx)?;
        if let Some(rendering) = Direct::rendering(context.direct()) {
            return Ok(rendering);
        }
        let deps = shared_deps(ctx)?;
        let token = context.token().map(str::to_owned);
        let request = request_id
            .map(|id| NodeId::typed::<RequestId>(&id, "requestId"))
            .transpose()?;
        let watch = RequestWatch {
            request,
            queue: queue.map(Into::into),
            scope: scope.map(Into::into),
        };
        // Boxed: async-graphql keeps this future's room beside the stream for as long as the
        // subscription lives, and checking the caller takes several reads.
        let updates = Box::pin(live::request_events(deps, token, watch, after.as_deref())).await?;
        let updates = updates.map(|delivered| delivered.map(RequestUpdate));
        Ok(Direct::adopt(context.direct(), updates))
    }

    /// The console's tile counts (as `queueCounts`) in `scope`: at once, then after every
    /// change the caller sees that moved them. Ends as `requestUpdates` does.
    async fn queue_counts_updates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Personal or team; everything the caller may see when absent.")]
        scope: Option<RequestScope>,
    ) -> Result<impl Stream<Item = Result<QueueCounts, ApiError>> + use<>, ApiError> {
        let deps = shared_deps(ctx)?;
        let token = request(ctx)?.token().map(str::to_owned);
        let counts = Box::pin(live::tile_counts(deps, token, scope.map(Into::into))).await?;
        Ok(counts.map(|counts| counts.map(|counts| QueueCounts::of(|queue| counts.of(queue)))))
    }

    /// Changes of the contacts of the company the caller administers (Security
    /// Administrators, in a two-factor session): added, edited, roles changed by an applied
    /// batch, marked obsolete, reactivated; each with the contact as it is after the change.
    /// `after` resumes as for `requestUpdates`. The subscription ends with `FORBIDDEN` when
    /// the caller stops being a Security Administrator of the company.
    async fn contact_updates(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
    ) -> Result<Updates<ContactUpdate>, ApiError> {
        let context = request(ctx)?;
        if let Some(rendering) = Direct::rendering(context.direct()) {
            return Ok(rendering);
        }
        let deps = shared_deps(ctx)?;
        let token = context.token().map(str::to_owned);
        let updates = Box::pin(live::contact_events(deps, token, after.as_deref())).await?;
        let updates = updates.map(|delivered| delivered.map(ContactUpdate));
        Ok(Direct::adopt(context.direct(), updates))
    }
}

/// What happened to a contact.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::live::ContactChange")]
pub enum ContactUpdateKind {
    /// Added to the company.
    Added,
    /// Name or e-mail edited.
    Edited,
    /// Roles changed by an applied role batch.
    RolesChanged,
    /// Marked obsolete.
    MarkedObsolete,
    /// Made active again.
    Reactivated,
}

/// One change of a contact, as a Security Administrator's live screen receives it.
pub struct ContactUpdate(Delivered<Arc<ContactEvent>>);

impl OfEvent for ContactUpdate {
    fn event(&self) -> &Arc<live::Event> {
        self.0.source()
    }
}

/// One change of a contact, with the contact as it is after it.
#[Object]
impl ContactUpdate {
    /// Where to resume (`contactUpdates(after:)`) after this update.
    async fn cursor(&self) -> &str {
        self.0.cursor()
    }

    /// When the change was made.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at()
    }

    /// What happened.
    async fn kind(&self) -> ContactUpdateKind {
        self.0.event.change.into()
    }

    /// The contact as it is after the change.
    async fn contact(&self) -> ContactSnapshotGql<'_> {
        ContactSnapshotGql(&self.0.event.contact)
    }
}

/// A contact as the contact list shows it, at the time of an update.
pub struct ContactSnapshotGql<'a>(&'a ContactSnapshot);

/// A contact as the contact list shows it, at the time of an update.
#[Object(name = "ContactSnapshot")]
impl ContactSnapshotGql<'_> {
    /// The contact's ID, as `Contact.id`.
    async fn id(&self) -> ID {
        contact_id(self.0.id)
    }

    /// Last name.
    async fn last_name(&self) -> &str {
        &self.0.last_name
    }

    /// First name.
    async fn first_name(&self) -> &str {
        &self.0.first_name
    }

    /// Professional e-mail.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// The support role, if any.
    async fn support_role(&self) -> Option<SupportRoleGql> {
        self.0.support_role.map(Into::into)
    }

    /// Whether the contact is a Security Administrator.
    async fn security_administrator(&self) -> bool {
        self.0.security_admin
    }

    /// Active or obsolete.
    async fn status(&self) -> ContactStatusGql {
        self.0.status.into()
    }

    /// The contact's version after the change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// What happened to a request.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestUpdateKind {
    /// Saved as a draft (only its author is told).
    Created,
    /// A lifecycle action: `action`, `fromState` → `toState`, `hasComment`.
    StateChanged,
    /// A message: `messageId`; its side is `side`.
    MessageAdded,
    /// Taken or dispatched: `previousAssigneeId` → `request.assigneeId`.
    Assigned,
    /// Form fields edited: `fields` (empty: a draft saved).
    FieldsEdited,
    /// A watcher added or removed: `watcherId`, `watcherAdded`.
    WatchersChanged,
    /// A draft deleted by its author.
    Deleted,
}

/// One change of a request, as a live client receives it.
pub struct RequestUpdate(Delivered<Arc<RequestEvent>>);

impl OfEvent for RequestUpdate {
    fn event(&self) -> &Arc<live::Event> {
        self.0.source()
    }
}

fn contact_id(id: uuid::Uuid) -> ID {
    NodeId::of(ContactId::from_uuid(id)).to_string().into()
}

/// One change of a request, as a live client receives it: what happened, who did it, and the
/// request as it is after the change.
#[Object]
impl RequestUpdate {
    /// Where to resume (`requestUpdates(after:)`) after this update.
    async fn cursor(&self) -> &str {
        self.0.cursor()
    }

    /// When the change was made.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at()
    }

    /// What happened; the fields that go with each kind are described on `RequestUpdateKind`.
    async fn kind(&self) -> RequestUpdateKind {
        match &self.0.event.change {
            RequestChange::Created => RequestUpdateKind::Created,
            RequestChange::StateChanged { .. } => RequestUpdateKind::StateChanged,
            RequestChange::MessageAdded { .. } => RequestUpdateKind::MessageAdded,
            RequestChange::Assigned { .. } => RequestUpdateKind::Assigned,
            RequestChange::FieldsEdited { .. } => RequestUpdateKind::FieldsEdited,
            RequestChange::WatchersChanged { .. } => RequestUpdateKind::WatchersChanged,
            RequestChange::Deleted => RequestUpdateKind::Deleted,
        }
    }

    /// The contact who acted; `null` for the system (auto-close).
    async fn actor_id(&self) -> Option<ID> {
        self.0.event.by.contact_id.map(contact_id)
    }

    /// The side that acted (or wrote the message).
    async fn side(&self) -> RequestSideGql {
        self.0.event.by.side.into()
    }

    /// The lifecycle action (`STATE_CHANGED`), e.g. `REQUEST_CLARIFICATION`.
    async fn action(&self) -> Option<&str> {
        match &self.0.event.change {
            RequestChange::StateChanged { action, .. } => Some(action),
            _ => None,
        }
    }

    /// The state before a lifecycle action (`STATE_CHANGED`).
    async fn from_state(&self) -> Option<RequestStateGql> {
        match &self.0.event.change {
            RequestChange::StateChanged { from, .. } => Some((*from).into()),
            _ => None,
        }
    }

    /// The state after a lifecycle action (`STATE_CHANGED`).
    async fn to_state(&self) -> Option<RequestStateGql> {
        match &self.0.event.change {
            RequestChange::StateChanged { to, .. } => Some((*to).into()),
            _ => None,
        }
    }

    /// Whether the action carried a text (a question, an answer, a reason), now among the
    /// request's messages.
    async fn has_comment(&self) -> Option<bool> {
        match &self.0.event.change {
            RequestChange::StateChanged { comment, .. } => Some(*comment),
            _ => None,
        }
    }

    /// The message added (`MESSAGE_ADDED`), as `RequestMessage.id`.
    async fn message_id(&self) -> Option<ID> {
        match &self.0.event.change {
            RequestChange::MessageAdded { message_id } => Some(
                NodeId::new(NodeKind::Message, *message_id)
                    .to_string()
                    .into(),
            ),
            _ => None,
        }
    }

    /// Who the request was assigned to before (`ASSIGNED`); `null` when nobody.
    async fn previous_assignee_id(&self) -> Option<ID> {
        match &self.0.event.change {
            RequestChange::Assigned { from, .. } => from.map(contact_id),
            _ => None,
        }
    }

    /// The fields edited (`FIELDS_EDITED`).
    async fn fields(&self) -> Option<&[String]> {
        match &self.0.event.change {
            RequestChange::FieldsEdited { fields } => Some(fields),
            _ => None,
        }
    }

    /// The contact added or removed as a watcher (`WATCHERS_CHANGED`).
    async fn watcher_id(&self) -> Option<ID> {
        match &self.0.event.change {
            RequestChange::WatchersChanged { contact_id: id, .. } => Some(contact_id(*id)),
            _ => None,
        }
    }

    /// Whether the watcher was added (`true`) or removed.
    async fn watcher_added(&self) -> Option<bool> {
        match &self.0.event.change {
            RequestChange::WatchersChanged { added, .. } => Some(*added),
            _ => None,
        }
    }

    /// The request as it is after the change (before it, for a deleted draft).
    async fn request(&self) -> RequestSnapshotGql<'_> {
        RequestSnapshotGql(&self.0.event.request)
    }
}

/// A request as lists and its page show it, at the time of an update.
pub struct RequestSnapshotGql<'a>(&'a RequestSnapshot);

/// A request as lists and its page show it, at the time of an update.
#[Object(name = "RequestSnapshot")]
impl RequestSnapshotGql<'_> {
    /// The request's ID, as `Request.id`.
    async fn id(&self) -> ID {
        NodeId::of(RequestId::from_uuid(self.0.id))
            .to_string()
            .into()
    }

    /// The human request ID (`SR-2026-000123`); `null` for a draft.
    async fn human_id(&self) -> Option<&str> {
        self.0.human_id.as_deref()
    }

    /// The title.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }

    /// Where the request is in its lifecycle.
    async fn state(&self) -> RequestStateGql {
        self.0.state.into()
    }

    /// The urgency.
    async fn urgency(&self) -> Option<UrgencyGql> {
        self.0.urgency.map(Into::into)
    }

    /// What the request is about.
    async fn category(&self) -> Option<RequestCategoryGql> {
        self.0.category.map(Into::into)
    }

    /// The customer company, as `Company.id`.
    async fn company_id(&self) -> ID {
        NodeId::of(CompanyId::from_uuid(self.0.company_id))
            .to_string()
            .into()
    }

    /// The requester, as `Contact.id`.
    async fn requester_id(&self) -> ID {
        contact_id(self.0.requester_contact_id)
    }

    /// The support agent it is assigned to, as `Contact.id`; `null` when unassigned.
    async fn assignee_id(&self) -> Option<ID> {
        self.0.assignee_contact_id.map(contact_id)
    }

    /// The request's version after the change: a client holding an older one is behind.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
