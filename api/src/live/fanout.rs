//! Who listens to what on this instance: each subscription registers the topics it needs (its
//! company, the support's, one request, its own account) and the reader hands each event only
//! to the subscriptions of its topics, so an event costs what its audience costs, not what
//! every open subscription does.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::mpsc::{self, error::TrySendError};
use uuid::Uuid;

use super::{Body, Event};

/// What an event is about, as subscriptions listen for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// One request's changes.
    Request(Uuid),
    /// A company's requests and contacts.
    Company(Uuid),
    /// Every company's requests, for the support.
    Staff,
    /// An account's sessions and roles.
    Account(Uuid),
}

impl Body {
    /// The topics whose subscriptions may want this event.
    pub fn topics(&self) -> Vec<Topic> {
        match self {
            Self::Request(event) => vec![
                Topic::Request(event.request.id),
                Topic::Company(event.request.company_id),
                Topic::Staff,
            ],
            Self::Access { account_id } => vec![Topic::Account(*account_id)],
            Self::Contact(event) => vec![
                Topic::Company(event.contact.company_id),
                Topic::Account(event.contact.account_id),
            ],
            Self::Unknown => Vec::new(),
        }
    }
}

struct Listener {
    sender: mpsc::Sender<Arc<Event>>,
    /// Set when an event could not be handed over (the inbox was full).
    lagged: Arc<AtomicBool>,
    topics: Vec<Topic>,
}

/// The subscriptions of this instance, by topic.
#[derive(Default)]
pub(super) struct Registry {
    next: u64,
    listeners: HashMap<u64, Listener>,
    by_topic: HashMap<Topic, HashSet<u64>>,
}

impl Registry {
    fn index(&mut self, id: u64, topics: &[Topic]) {
        for topic in topics {
            self.by_topic.entry(*topic).or_default().insert(id);
        }
    }

    fn unindex(&mut self, id: u64, topics: &[Topic]) {
        for topic in topics {
            if let Some(ids) = self.by_topic.get_mut(topic) {
                ids.remove(&id);
                if ids.is_empty() {
                    self.by_topic.remove(topic);
                }
            }
        }
    }

    fn remove(&mut self, id: u64) {
        if let Some(listener) = self.listeners.remove(&id) {
            self.unindex(id, &listener.topics);
        }
    }

    /// Hands `event` to every subscription of its topics; one whose inbox is full is marked
    /// as lagging (it reads what it missed from the database).
    pub(super) fn deliver(&mut self, event: &Arc<Event>) {
        let mut ids: Vec<u64> = Vec::new();
        for topic in event.body.topics() {
            if let Some(listening) = self.by_topic.get(&topic) {
                ids.extend(listening);
            }
        }
        ids.sort_unstable();
        ids.dedup();
        let mut gone = Vec::new();
        for id in ids {
            let Some(listener) = self.listeners.get(&id) else {
                continue;
            };
            match listener.sender.try_send(Arc::clone(event)) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) => listener.lagged.store(true, Ordering::Release),
                Err(TrySendError::Closed(_)) => gone.push(id),
            }
        }
        for id in gone {
            self.remove(id);
        }
    }
}

/// The registry, whatever a panic elsewhere left behind (it holds no invariant a panic can
/// break half-way).
pub(super) fn lock(registry: &Mutex<Registry>) -> MutexGuard<'_, Registry> {
    registry
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What one subscription receives next.
pub enum Received {
    Event(Arc<Event>),
    /// Events were dropped because the inbox was full: read them from the database.
    Lagged,
    /// The instance is shutting down.
    Closed,
}

/// One subscription's inbox: the events of its topics, in order, at most `capacity` waiting.
pub struct Inbox {
    id: u64,
    receiver: mpsc::Receiver<Arc<Event>>,
    lagged: Arc<AtomicBool>,
    registry: Arc<Mutex<Registry>>,
}

impl Inbox {
    pub(super) fn open(
        registry: &Arc<Mutex<Registry>>,
        capacity: usize,
        topics: Vec<Topic>,
    ) -> Self {
        let (sender, receiver) = mpsc::channel(capacity.max(1));
        let lagged = Arc::new(AtomicBool::new(false));
        let mut guard = lock(registry);
        guard.next += 1;
        let id = guard.next;
        guard.index(id, &topics);
        let listener = Listener {
            sender,
            lagged: Arc::clone(&lagged),
            topics,
        };
        guard.listeners.insert(id, listener);
        Self {
            id,
            receiver,
            lagged,
            registry: Arc::clone(registry),
        }
    }

    /// The topics listened to.
    pub fn topics(&self) -> Vec<Topic> {
        lock(&self.registry)
            .listeners
            .get(&self.id)
            .map(|l| l.topics.clone())
            .unwrap_or_default()
    }

    /// Listens on `topics` from now on, instead of the earlier ones.
    pub fn retopic(&self, topics: Vec<Topic>) {
        let mut guard = lock(&self.registry);
        let Some(old) = guard.listeners.get(&self.id).map(|l| l.topics.clone()) else {
            return;
        };
        guard.unindex(self.id, &old);
        guard.index(self.id, &topics);
        if let Some(listener) = guard.listeners.get_mut(&self.id) {
            listener.topics = topics;
        }
    }

    pub async fn recv(&mut self) -> Received {
        if self.lagged.swap(false, Ordering::AcqRel) {
            return Received::Lagged;
        }
        match self.receiver.recv().await {
            Some(event) => Received::Event(event),
            None => Received::Closed,
        }
    }
}

impl Drop for Inbox {
    fn drop(&mut self) {
        lock(&self.registry).remove(self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::Place;

    fn access(account_id: Uuid, id: i64) -> Arc<Event> {
        Arc::new(Event {
            place: Place { tx: 0, id },
            cursor: String::new(),
            occurred_at: chrono::DateTime::UNIX_EPOCH,
            body: Body::Access { account_id },
            renders: crate::live::Renders::default(),
        })
    }

    #[tokio::test]
    async fn an_event_reaches_only_its_topics_and_a_full_inbox_is_told_it_lags() {
        let registry = Arc::new(Mutex::new(Registry::default()));
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut first = Inbox::open(&registry, 4, vec![Topic::Account(a)]);
        let mut second = Inbox::open(&registry, 1, vec![Topic::Account(b), Topic::Staff]);
        lock(&registry).deliver(&access(a, 1));
        assert!(matches!(first.recv().await, Received::Event(e) if e.place.id == 1));
        assert!(second.receiver.try_recv().is_err(), "not its topic");

        lock(&registry).deliver(&access(b, 2));
        lock(&registry).deliver(&access(b, 3));
        assert!(matches!(second.recv().await, Received::Lagged));
        assert!(matches!(second.recv().await, Received::Event(e) if e.place.id == 2));

        second.retopic(vec![Topic::Account(a)]);
        lock(&registry).deliver(&access(a, 4));
        assert!(matches!(second.recv().await, Received::Event(e) if e.place.id == 4));
        assert!(matches!(first.recv().await, Received::Event(e) if e.place.id == 4));

        drop(first);
        lock(&registry).deliver(&access(a, 5));
        assert_eq!(lock(&registry).listeners.len(), 1);
        assert!(!lock(&registry).by_topic.contains_key(&Topic::Staff));
    }
}
