//! Live updates sent without running GraphQL again: once the first subscription of a document
//! and its variables has rendered an event, its message (the `payload` the transport sends) is
//! kept with the event, and every other subscription of the same document sends that message
//! as it is. Only the first subscriptions per event and document (those that take it before
//! its message is kept) go through async-graphql.
//!
//! The resolver hands its stream of updates to the transport ([`Direct::adopt`]). The transport
//! polls it itself: an update already rendered for its document is sent at once; any other
//! item (an update not rendered yet, an error, the end) is handed back to async-graphql
//! through one slot, which the stream the resolver returned reads. So the subscriber still
//! checks each event against its own rights (in the stream it polls), updates keep their
//! order, and errors and the end go through GraphQL as before.
//!
//! Once the resolver handed its stream over, async-graphql's execution of the subscription (its
//! stream, the request and the parsed document it keeps) is not kept: the transport runs the
//! subscription again to render an update that was not rendered yet, or an error, with a
//! hand-over made for that ([`Direct::to_render`]), whose resolver returns at once what it is
//! handed ([`Direct::rendering`]). An idle subscription keeps only its own stream.
//!
//! Sharing is safe for the reason `graphql::shared` is: what an update shows depends on its
//! event alone ([`OfEvent`]), and only a render without errors is kept.

use std::any::Any;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use futures_util::stream::BoxStream;
use futures_util::task::{ArcWake, AtomicWaker};
use futures_util::{Stream, StreamExt};

use super::shared::{OfEvent, Shared};
use crate::error::ApiError;
use crate::live::Event;

/// The message of an update as the transport sends it (its `payload`), kept with the event
/// under the subscription's [`crate::live::RenderKey`].
#[derive(Clone)]
pub struct Rendered(pub Arc<str>);

/// An update taken from the resolver's stream, with the event it shows.
pub struct Taken {
    pub event: Arc<Event>,
    update: Box<dyn Any + Send>,
}

/// The resolver's stream, as the transport polls it.
type Source = BoxStream<'static, Result<Taken, ApiError>>;

/// What async-graphql is handed next.
#[derive(Default)]
enum Slot {
    #[default]
    Empty,
    Update(Box<dyn Any + Send>),
    Failed(Box<ApiError>),
    Ended,
}

#[derive(Default)]
struct State {
    adopted: bool,
    /// Made to render one update again: the resolver returns the slot's content.
    render_only: bool,
    source: Option<Source>,
    slot: Slot,
}

/// What one subscription's resolver and its transport share. Also the waker the transport
/// polls async-graphql's stream with, so that it polls it only when it was woken.
#[derive(Default)]
pub struct Direct {
    state: Mutex<State>,
    /// The waker of async-graphql's read of the slot.
    reader: AtomicWaker,
    /// Whether async-graphql's stream was woken since the transport last polled it.
    woken: AtomicBool,
    /// The transport's task.
    task: AtomicWaker,
}

impl Direct {
    pub fn new() -> Arc<Self> {
        let direct = Self::default();
        direct.woken.store(true, Ordering::Relaxed);
        Arc::new(direct)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state holds no invariant a panic could break half-way.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A hand-over that renders `next` (an update or an error) through a new execution of the
    /// subscription, after the one that started it was let go.
    pub fn to_render(next: Result<Taken, ApiError>) -> Arc<Self> {
        let direct = Self::new();
        {
            let mut state = direct.state();
            state.adopted = true;
            state.render_only = true;
            state.slot = match next {
                Ok(taken) => Slot::Update(taken.update),
                Err(err) => Slot::Failed(Box::new(err)),
            };
        }
        direct
    }

    /// For a subscription resolver, before anything else: when it runs to render one update
    /// again ([`Direct::to_render`]), the stream that yields it. The resolver does nothing
    /// more: the stream that took the update already checked it against the subscriber.
    pub fn rendering<T>(this: Option<&Arc<Self>>) -> Option<Updates<T>> {
        let direct = this?;
        let render_only = direct.state().render_only;
        render_only.then(|| Updates::Handed(Arc::clone(direct), PhantomData))
    }

    /// Whether a resolver took its stream over.
    pub fn adopted(&self) -> bool {
        self.state().adopted
    }

    /// Forgets async-graphql's read of the slot, once its stream is let go: its waker is this
    /// hand-over itself, which would otherwise keep itself alive.
    pub fn forget_reader(&self) {
        drop(self.reader.take());
    }

    /// Lets go of everything when the subscription ends: the adopted stream, and the waker
    /// that would keep this hand-over alive.
    pub fn let_go(&self) {
        self.forget_reader();
        let source = self.state().source.take();
        drop(source);
    }

    /// The stream a subscription resolver returns for `updates`: the transport takes
    /// `updates` (the first resolver to call this; a second root field keeps its own) and
    /// hands back what it does not send itself.
    pub fn adopt<T, S>(this: Option<&Arc<Self>>, updates: S) -> Updates<T>
    where
        T: OfEvent + Send + 'static,
        S: Stream<Item = Result<T, ApiError>> + Send + 'static,
    {
        let Some(direct) = this else {
            return Updates::Own(updates.boxed());
        };
        let mut state = direct.state();
        if state.adopted {
            return Updates::Own(updates.boxed());
        }
        state.adopted = true;
        let taken = updates.map(|update| {
            update.map(|update| Taken {
                event: Arc::clone(update.event()),
                update: Box::new(update),
            })
        });
        state.source = Some(taken.boxed());
        Updates::Handed(Arc::clone(direct), PhantomData)
    }

    /// Whether async-graphql's stream was woken since this was last asked (and so must be
    /// polled), registering the transport's task to be woken when it is.
    pub fn take_woken(&self, cx: &Context<'_>) -> bool {
        self.task.register(cx.waker());
        self.woken.swap(false, Ordering::AcqRel)
    }

    /// Has async-graphql's stream polled again (after it yielded: it waits for nothing until
    /// it is polled once more).
    pub fn poll_again(&self) {
        self.woken.store(true, Ordering::Release);
    }

    /// Polls the adopted stream, if a resolver adopted one and nothing handed to
    /// async-graphql is waiting to be taken.
    pub fn poll_source(&self, cx: &mut Context<'_>) -> Poll<Option<Result<Taken, ApiError>>> {
        let mut state = self.state();
        if !matches!(state.slot, Slot::Empty) {
            return Poll::Pending; // async-graphql has not taken the last one yet
        }
        match state.source.as_mut() {
            Some(source) => source.poll_next_unpin(cx),
            None => Poll::Pending,
        }
    }

    /// Hands async-graphql an update to render, an error or the end of the updates.
    pub fn hand(&self, next: Option<Result<Taken, ApiError>>) {
        {
            let mut state = self.state();
            state.slot = match next {
                Some(Ok(taken)) => Slot::Update(taken.update),
                Some(Err(err)) => Slot::Failed(Box::new(err)),
                None => {
                    state.source = None;
                    Slot::Ended
                }
            };
        }
        self.reader.wake();
    }
}

impl std::fmt::Debug for Direct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Direct")
    }
}

impl ArcWake for Direct {
    fn wake_by_ref(this: &Arc<Self>) {
        this.woken.store(true, Ordering::Release);
        this.task.wake();
    }
}

/// The updates a subscription resolver returns: its own stream, or what the transport hands
/// back of the stream it adopted.
pub enum Updates<T> {
    Own(BoxStream<'static, Result<T, ApiError>>),
    Handed(Arc<Direct>, PhantomData<fn() -> T>),
}

impl<T: OfEvent + Send + 'static> Stream for Updates<T> {
    type Item = Result<Shared<T>, ApiError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let direct = match self.get_mut() {
            Self::Own(updates) => {
                return updates
                    .poll_next_unpin(cx)
                    .map(|next| next.map(|update| update.map(Shared)));
            }
            Self::Handed(direct, _) => direct,
        };
        let mut state = direct.state();
        match std::mem::take(&mut state.slot) {
            Slot::Update(update) => Poll::Ready(Some(match update.downcast::<T>() {
                Ok(update) => Ok(Shared(*update)),
                Err(_) => Err(ApiError::Internal(Arc::new(anyhow::anyhow!(
                    "a live update of another type was handed over"
                )))),
            })),
            Slot::Failed(err) => Poll::Ready(Some(Err(*err))),
            Slot::Ended => {
                state.slot = Slot::Ended;
                Poll::Ready(None)
            }
            Slot::Empty => {
                // Under the lock: a hand-over comes after this registration, and wakes it.
                direct.reader.register(cx.waker());
                Poll::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use futures_util::stream;
    use futures_util::task::noop_waker_ref;

    use super::*;
    use crate::live::{Body, Place, Renders};

    struct Update(Arc<Event>);

    impl OfEvent for Update {
        fn event(&self) -> &Arc<Event> {
            &self.0
        }
    }

    fn update(id: i64) -> Update {
        Update(Arc::new(Event {
            place: Place { tx: 0, id },
            cursor: String::new(),
            occurred_at: chrono::DateTime::UNIX_EPOCH,
            body: Body::Unknown,
            renders: Renders::default(),
        }))
    }

    fn place<T: OfEvent>(next: Poll<Option<Result<Shared<T>, ApiError>>>) -> Option<i64> {
        match next {
            Poll::Ready(Some(Ok(shared))) => Some(shared.0.event().place.id),
            other => panic!("an update: {:?}", other.map(|n| n.map(|r| r.is_ok()))),
        }
    }

    #[test]
    fn what_the_transport_does_not_send_itself_reaches_graphql_in_order() {
        let mut cx = Context::from_waker(noop_waker_ref());
        let updates = vec![Ok(update(1)), Ok(update(2)), Err(ApiError::Forbidden)];
        let direct = Direct::new();
        let mut handed = Direct::adopt(Some(&direct), stream::iter(updates));
        assert!(matches!(handed, Updates::Handed(..)));
        // A second root field keeps its own stream.
        let own = Direct::adopt(Some(&direct), stream::iter(vec![Ok(update(9))]));
        assert!(matches!(own, Updates::Own(_)));
        assert!(
            handed.poll_next_unpin(&mut cx).is_pending(),
            "nothing handed yet"
        );

        // The first update is sent by the transport itself; the second handed over.
        let Poll::Ready(Some(Ok(first))) = direct.poll_source(&mut cx) else {
            panic!("the first update");
        };
        assert_eq!(first.event.place.id, 1);
        let Poll::Ready(second) = direct.poll_source(&mut cx) else {
            panic!("the second update");
        };
        direct.hand(second);
        assert!(
            direct.poll_source(&mut cx).is_pending(),
            "one hand-over at a time"
        );
        assert_eq!(place(handed.poll_next_unpin(&mut cx)), Some(2));
        assert!(handed.poll_next_unpin(&mut cx).is_pending());

        // The error, then the end.
        let Poll::Ready(error) = direct.poll_source(&mut cx) else {
            panic!("the error");
        };
        direct.hand(error);
        assert!(matches!(
            handed.poll_next_unpin(&mut cx),
            Poll::Ready(Some(Err(ApiError::Forbidden)))
        ));
        let Poll::Ready(end) = direct.poll_source(&mut cx) else {
            panic!("the end");
        };
        assert!(end.is_none());
        direct.hand(end);
        assert!(matches!(handed.poll_next_unpin(&mut cx), Poll::Ready(None)));
        assert!(matches!(handed.poll_next_unpin(&mut cx), Poll::Ready(None)));
    }

    #[test]
    fn without_a_transport_to_hand_over_to_the_resolver_keeps_its_stream() {
        let mut cx = Context::from_waker(noop_waker_ref());
        let mut own = Direct::adopt(None, stream::iter(vec![Ok(update(3))]));
        assert_eq!(place(own.poll_next_unpin(&mut cx)), Some(3));
        assert!(matches!(own.poll_next_unpin(&mut cx), Poll::Ready(None)));
    }

    #[test]
    fn a_hand_over_wakes_graphql_and_the_transport_is_told() {
        let direct = Direct::new();
        let cx = Context::from_waker(noop_waker_ref());
        assert!(direct.take_woken(&cx), "polled at first");
        assert!(!direct.take_woken(&cx));
        let waker = waker_ref_of(&direct);
        let mut handed = Direct::adopt(Some(&direct), stream::iter(vec![Ok(update(4))]));
        assert!(
            handed
                .poll_next_unpin(&mut Context::from_waker(&waker))
                .is_pending()
        );
        let mut cx = Context::from_waker(noop_waker_ref());
        let Poll::Ready(next) = direct.poll_source(&mut cx) else {
            panic!("the update");
        };
        direct.hand(next);
        assert!(direct.take_woken(&cx), "GraphQL's stream was woken");
    }

    #[test]
    fn letting_go_breaks_the_cycle_of_a_hand_over_waiting_for_graphql() {
        let direct = Direct::new();
        let waker = waker_ref_of(&direct);
        let mut handed = Direct::adopt(Some(&direct), stream::pending::<Result<Update, _>>());
        assert!(
            handed
                .poll_next_unpin(&mut Context::from_waker(&waker))
                .is_pending()
        );
        drop((handed, waker));
        assert_eq!(Arc::strong_count(&direct), 2, "its waker keeps it");
        direct.let_go();
        assert_eq!(Arc::strong_count(&direct), 1);
        assert!(direct.state().source.is_none());
    }

    #[test]
    fn a_render_hand_over_gives_its_resolver_what_it_was_made_with() {
        let mut cx = Context::from_waker(noop_waker_ref());
        assert!(
            Direct::rendering::<Update>(Some(&Direct::new())).is_none(),
            "a subscription's own hand-over runs its resolver"
        );
        assert!(Direct::rendering::<Update>(None).is_none());
        let first = update(5);
        let taken = Taken {
            event: Arc::clone(first.event()),
            update: Box::new(first),
        };
        let render = Direct::to_render(Ok(taken));
        let mut rendering = Direct::rendering::<Update>(Some(&render)).expect("a render");
        assert_eq!(place(rendering.poll_next_unpin(&mut cx)), Some(5));
        assert!(rendering.poll_next_unpin(&mut cx).is_pending());

        let failed = Direct::to_render(Err(ApiError::Unauthenticated));
        let mut rendering = Direct::rendering::<Update>(Some(&failed)).expect("a render");
        assert!(matches!(
            rendering.poll_next_unpin(&mut cx),
            Poll::Ready(Some(Err(ApiError::Unauthenticated)))
        ));
    }

    fn waker_ref_of(direct: &Arc<Direct>) -> std::task::Waker {
        futures_util::task::waker(Arc::clone(direct))
    }
}
