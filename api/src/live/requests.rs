//! Following request changes: one request, a queue in a scope, or everything visible.

use std::sync::Arc;

use futures_util::Stream;

use super::{Body, Delivered, Follow, RequestChange, RequestEvent, RequestSnapshot, Topic, follow};
use crate::auth::{Actor, RequestWorker};
use crate::deps::Deps;
use crate::error::ApiResult;
use crate::ids::RequestId;
use crate::requests::access::{self, Audience, Shown};
use crate::requests::queues::{Queue, Scope};
use crate::requests::{self, access::not_found};

/// What a subscription follows: one request, a queue in a scope, or everything the subscriber
/// may see (every field `None`).
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestWatch {
    pub request: Option<RequestId>,
    pub queue: Option<Queue>,
    pub scope: Option<Scope>,
}

impl From<&RequestSnapshot> for Shown {
    fn from(row: &RequestSnapshot) -> Self {
        Self {
            company_id: row.company_id,
            requester_contact_id: row.requester_contact_id,
            assignee_contact_id: row.assignee_contact_id,
            state: row.state,
        }
    }
}

struct Requests {
    watch: RequestWatch,
    worker: Option<RequestWorker>,
    /// The request followed, as last seen: still visible to the subscriber?
    followed: Option<Shown>,
}

impl Follow for Requests {
    type Item = Arc<RequestEvent>;

    fn admit(&mut self, actor: &Actor) -> ApiResult<()> {
        let worker = actor.request_worker()?;
        access::in_scope(&worker, self.watch.scope)?;
        if let Some(row) = self.followed
            && !Audience::of(&worker).sees(None, access::team(&worker), row)
        {
            return Err(not_found());
        }
        self.worker = Some(worker);
        Ok(())
    }

    fn topics(&self) -> Vec<Topic> {
        match (self.watch.request, &self.worker) {
            (Some(id), _) => vec![Topic::Request(id.uuid())],
            (None, Some(RequestWorker::Customer(c))) => vec![Topic::Company(c.company_id().uuid())],
            (None, Some(RequestWorker::Staff(_))) => vec![Topic::Staff],
            (None, None) => Vec::new(),
        }
    }

    fn pick(&mut self, body: &Body) -> Option<Arc<RequestEvent>> {
        let Body::Request(event) = body else {
            return None;
        };
        let worker = self.worker.as_ref()?;
        let after = &event.request;
        if let Some(id) = self.watch.request {
            if id.uuid() != after.id {
                return None;
            }
            self.followed = Some(Shown::from(after));
        }
        // As it is after the change, or as it was before (so that a request leaving a queue
        // is seen to leave).
        let before = match &event.change {
            RequestChange::StateChanged { from, .. } => Some(Shown {
                state: *from,
                ..Shown::from(after)
            }),
            RequestChange::Assigned { from, .. } => Some(Shown {
                assignee_contact_id: *from,
                ..Shown::from(after)
            }),
            _ => None,
        };
        let audience = Audience::of(worker);
        let team = access::team(worker);
        let (queue, scope) = (self.watch.queue, self.watch.scope);
        let shown = |row: Shown| {
            queue
                .and_then(Queue::states)
                .is_none_or(|states| states.contains(&row.state))
                && audience.sees(scope, team, row)
        };
        (shown(Shown::from(after)) || before.is_some_and(shown)).then(|| Arc::clone(event))
    }
}

/// The changes of the requests in `watch` for the session of `token` (see [`follow`]); a
/// request followed that the caller may not see answers `NOT_FOUND`, like a query.
pub async fn request_events(
    deps: &Arc<Deps>,
    token: Option<String>,
    watch: RequestWatch,
    after: Option<&str>,
) -> ApiResult<impl Stream<Item = ApiResult<Delivered<Arc<RequestEvent>>>> + use<>> {
    let mut followed = None;
    if let Some(id) = watch.request {
        let actor = crate::auth::login::authenticate(deps, token.as_deref()).await?;
        let worker = actor.request_worker()?;
        followed = Some(Shown::from(requests::find(deps, &worker, id).await?.get()));
    }
    let requests = Requests {
        watch,
        worker: None,
        followed,
    };
    follow(deps, token, requests, after).await
}
