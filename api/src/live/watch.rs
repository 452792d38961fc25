//! One subscription: what it missed (read from the database after its cursor), then what the
//! reader broadcasts, each event checked against the subscriber's rights as they are when it is
//! delivered. What a subscription follows ([`Follow`]) decides which events it takes and who may
//! follow it; the rest (catching up, falling behind, checking the session again) is shared.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::Stream;
use uuid::Uuid;

use super::{Body, Cursor, Event, Inbox, Place, Received, Topic, repo};
use crate::auth::{Actor, login};
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult};

/// Events a catching-up subscription reads in one go.
const BATCH: u64 = 200;

/// An event delivered to one subscriber.
#[derive(Debug, Clone)]
pub struct Delivered<T> {
    /// The event, as every subscriber it reaches shares it.
    source: Arc<Event>,
    /// What this subscriber takes of it.
    pub event: T,
}

impl<T> Delivered<T> {
    /// Where to resume after this event.
    pub fn cursor(&self) -> &str {
        &self.source.cursor
    }

    pub fn occurred_at(&self) -> DateTime<Utc> {
        self.source.occurred_at
    }

    /// The event, with what subscribers made of it (see [`super::Renders`]).
    pub fn source(&self) -> &Arc<Event> {
        &self.source
    }
}

/// What a subscription follows.
pub trait Follow: Send + 'static {
    type Item: Send;

    /// Whether the caller, as they are now, may follow this: at the start, after a change of
    /// their sessions or roles and when their session would expire. An error ends the
    /// subscription.
    fn admit(&mut self, actor: &Actor) -> ApiResult<()>;

    /// What of `event` the subscriber receives, if anything: whether it does depends on who
    /// they are, what they receive only on the event (its renders are shared, see
    /// [`super::Renders`]).
    fn pick(&mut self, event: &Body) -> Option<Self::Item>;

    /// The topics of the events [`Follow::pick`] may take (once admitted).
    fn topics(&self) -> Vec<Topic>;
}

/// The events `follow` takes for the session of `token`, after `after` (a cursor of an earlier
/// event) or from now on. Refused at once, like a query, when the caller may not follow it or
/// the cursor is unknown or expired (`CURSOR_EXPIRED`); the stream ends with an error when the
/// session ends (`UNAUTHENTICATED`) or `follow` no longer admits the caller.
pub async fn follow<F: Follow>(
    deps: &Arc<Deps>,
    token: Option<String>,
    mut follow: F,
    after: Option<&str>,
) -> ApiResult<impl Stream<Item = ApiResult<Delivered<F::Item>>> + use<F>> {
    let session = Session::resolve(deps, token, &mut follow).await?;
    // Listen first, then find where to start: nothing falls between the two.
    let inbox = deps.live.listen(session.topics(&follow));
    let (last, catching_up) = match after {
        Some(cursor) => {
            let place = Cursor::open(&deps.secrets, cursor)?;
            if !repo::kept(deps.db.reader(), place).await? {
                return Err(ApiError::CursorExpired);
            }
            (place, true)
        }
        None => (repo::head(deps.db.reader()).await?, false),
    };
    let expiry = Box::pin(tokio::time::sleep_until(session.checked_at(deps)));
    let watcher = Watcher {
        deps: Arc::clone(deps),
        follow,
        session,
        expiry,
        inbox,
        last,
        catching_up,
        backlog: VecDeque::new(),
        ended: false,
    };
    Ok(futures_util::stream::unfold(
        watcher,
        |mut watcher| async move {
            let item = watcher.next().await?;
            Some((item, watcher))
        },
    ))
}

/// The subscriber's session as it stands now.
struct Session {
    token: Option<String>,
    account_id: Uuid,
    /// When the session ends unless used: it is checked again then.
    ends_at: DateTime<Utc>,
}

impl Session {
    async fn resolve<F: Follow>(
        deps: &Deps,
        token: Option<String>,
        follow: &mut F,
    ) -> ApiResult<Self> {
        let actor = login::authenticate(deps, token.as_deref()).await?;
        let Actor::Person(principal) = &actor else {
            return Err(ApiError::Unauthenticated);
        };
        let (account_id, ends_at) = (principal.account_id.uuid(), principal.ends_at);
        follow.admit(&actor)?;
        Ok(Self {
            token,
            account_id,
            ends_at,
        })
    }

    /// When to check the session again: when it ends unless used.
    fn checked_at(&self, deps: &Deps) -> tokio::time::Instant {
        let wait = (self.ends_at - deps.clock.now())
            .to_std()
            .unwrap_or_default();
        tokio::time::Instant::now() + wait
    }

    /// What the subscription listens to: what it follows, and its own account's changes.
    fn topics<F: Follow>(&self, follow: &F) -> Vec<Topic> {
        let mut topics = follow.topics();
        topics.push(Topic::Account(self.account_id));
        topics
    }
}

struct Watcher<F> {
    /// Shared: a subscription keeps it as long as it runs.
    deps: Arc<Deps>,
    follow: F,
    session: Session,
    /// Fires when the session is to be checked again. Kept from one event to the next: a timer
    /// made, registered and dropped for every event took a few percent of a fan-out.
    expiry: Pin<Box<tokio::time::Sleep>>,
    inbox: Inbox,
    /// The place of the last event looked at.
    last: Place,
    /// Reading what was missed from the database (after a cursor, or after falling behind).
    catching_up: bool,
    backlog: VecDeque<Arc<Event>>,
    ended: bool,
}

impl<F: Follow> Watcher<F> {
    async fn next(&mut self) -> Option<ApiResult<Delivered<F::Item>>> {
        while !self.ended {
            let event = match self.take().await {
                Ok(Some(event)) => event,
                Ok(None) => continue,
                Err(err) => return Some(self.end(err)),
            };
            if event.place <= self.last {
                continue; // read from the database already
            }
            self.last = event.place;
            if event.body.account_id() == Some(self.session.account_id)
                && let Err(err) = Box::pin(self.check_again()).await
            {
                return Some(self.end(err));
            }
            if let Some(item) = self.follow.pick(&event.body) {
                return Some(Ok(Delivered {
                    source: event,
                    event: item,
                }));
            }
        }
        None
    }

    fn end(&mut self, err: ApiError) -> ApiResult<Delivered<F::Item>> {
        self.ended = true;
        Err(err)
    }

    /// The next event to look at: missed ones first, then live ones; `None` when there was
    /// nothing to take but the subscriber was checked again or must catch up.
    async fn take(&mut self) -> ApiResult<Option<Arc<Event>>> {
        if let Some(event) = self.backlog.pop_front() {
            return Ok(Some(event));
        }
        if self.catching_up {
            // Boxed, as the session check below: the rare paths' futures would otherwise make
            // every waiting subscription as large as the largest of them.
            let rows = Box::pin(repo::after(self.deps.db.reader(), self.last, BATCH)).await?;
            self.catching_up = rows.len() as u64 == BATCH;
            let secrets = &self.deps.secrets;
            self.backlog.extend(
                rows.into_iter()
                    .map(|row| Arc::new(Event::from_row(secrets, row))),
            );
            return Ok(None);
        }
        tokio::select! {
            received = self.inbox.recv() => match received {
                Received::Event(event) => Ok(Some(event)),
                Received::Lagged => {
                    // Fell behind: read the rest from the database.
                    self.catching_up = true;
                    Ok(None)
                }
                Received::Closed => {
                    self.ended = true;
                    Ok(None)
                }
            },
            () = self.expiry.as_mut() => {
                Box::pin(self.check_again()).await?;
                Ok(None)
            }
        }
    }

    /// The subscriber's session and roles as they are now; an error ends the subscription.
    async fn check_again(&mut self) -> ApiResult<()> {
        let token = self.session.token.take();
        self.session = Session::resolve(&self.deps, token, &mut self.follow)
            .await
            .map_err(|err| match err {
                // What was asked for is no longer allowed.
                ApiError::BadUserInput { .. } => ApiError::Forbidden,
                other => other,
            })?;
        let checked_at = self.session.checked_at(&self.deps);
        self.expiry.as_mut().reset(checked_at);
        let topics = self.session.topics(&self.follow);
        if topics != self.inbox.topics() {
            // Events of the new topics read before this went elsewhere: read them again.
            self.inbox.retopic(topics);
            self.catching_up = true;
        }
        Ok(())
    }
}
