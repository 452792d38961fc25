//! Batched loads for resolvers (async-graphql's `DataLoader`, one per GraphQL request): the
//! people, companies, first messages, history, watchers and files of every request of a page
//! are read in one statement per kind, so a page costs as many statements whatever its size.
//! The keys come from the requests area's [`batches`] (made only from visible things) and what
//! comes back for a request is sealed to it.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::Duration;

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use futures_util::future::BoxFuture;
use futures_util::stream::{FuturesUnordered, Stream, StreamExt};
use futures_util::task::ArcWake;

use crate::companies::{self, Company, CompanyOfContact};
use crate::contacts::Contact;
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{deps, request};
use crate::paging::Page;
use crate::requests::batches::{self, CompanyKey, PersonKey, RequestKey, Sealed, Seen};
use crate::requests::{Attachment, HistoryEntry, Message, RequestSide, Watcher};

/// The first page of a request's messages (one side's with `side`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FirstMessages {
    pub request: Seen<RequestKey>,
    pub side: Option<RequestSide>,
    pub first: u64,
}

/// The first page of a request's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FirstHistory {
    pub request: Seen<RequestKey>,
    pub first: u64,
}

/// Every watcher of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WatchersOf(pub Seen<RequestKey>);

/// Every file of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FilesOf(pub Seen<RequestKey>);

/// Reads batches for one GraphQL request.
pub struct Batches {
    deps: Deps,
}

/// A batch failed: every resolver of the batch gets the error.
type Failure = Arc<ApiError>;

fn failed(err: ApiError) -> Failure {
    Arc::new(err)
}

impl Loader<Seen<PersonKey>> for Batches {
    type Value = Contact;
    type Error = Failure;

    async fn load(
        &self,
        keys: &[Seen<PersonKey>],
    ) -> Result<HashMap<Seen<PersonKey>, Contact>, Failure> {
        batches::people(&self.deps, keys).await.map_err(failed)
    }
}

impl Loader<Seen<CompanyKey>> for Batches {
    type Value = Company;
    type Error = Failure;

    async fn load(
        &self,
        keys: &[Seen<CompanyKey>],
    ) -> Result<HashMap<Seen<CompanyKey>, Company>, Failure> {
        batches::companies(&self.deps, keys).await.map_err(failed)
    }
}

impl Loader<CompanyOfContact> for Batches {
    type Value = Company;
    type Error = Failure;

    async fn load(
        &self,
        keys: &[CompanyOfContact],
    ) -> Result<HashMap<CompanyOfContact, Company>, Failure> {
        companies::of_contacts(&self.deps, keys)
            .await
            .map_err(failed)
    }
}

/// A key of a request's first page (`params`: what the page depends on besides the request).
trait FirstPage: Copy + Eq + std::hash::Hash {
    type Params: Copy + Eq + std::hash::Hash;
    fn request(&self) -> Seen<RequestKey>;
    fn params(&self) -> Self::Params;
}

impl FirstPage for FirstMessages {
    type Params = (Option<RequestSide>, u64);
    fn request(&self) -> Seen<RequestKey> {
        self.request
    }
    fn params(&self) -> Self::Params {
        (self.side, self.first)
    }
}

impl FirstPage for FirstHistory {
    type Params = u64;
    fn request(&self) -> Seen<RequestKey> {
        self.request
    }
    fn params(&self) -> Self::Params {
        self.first
    }
}

/// Keys grouped by the parameters they share: each group is read in one batch.
fn grouped<K: FirstPage>(keys: &[K]) -> HashMap<K::Params, Vec<K>> {
    let mut groups: HashMap<K::Params, Vec<K>> = HashMap::new();
    for key in keys {
        groups.entry(key.params()).or_default().push(*key);
    }
    groups
}

fn requests_of<K: FirstPage>(group: &[K]) -> Vec<Seen<RequestKey>> {
    group.iter().map(FirstPage::request).collect()
}

/// Gives each key of a group its request's page.
fn spread<K: FirstPage, V: Clone>(
    group: Vec<K>,
    pages: &HashMap<Seen<RequestKey>, V>,
    found: &mut HashMap<K, V>,
) {
    for key in group {
        if let Some(page) = pages.get(&key.request()) {
            found.insert(key, page.clone());
        }
    }
}

impl Loader<FirstMessages> for Batches {
    type Value = Sealed<Page<(Message, Vec<Attachment>)>>;
    type Error = Failure;

    async fn load(
        &self,
        keys: &[FirstMessages],
    ) -> Result<HashMap<FirstMessages, Self::Value>, Failure> {
        let mut found = HashMap::with_capacity(keys.len());
        for ((side, first), group) in grouped(keys) {
            let requests = requests_of(&group);
            let pages = batches::first_message_pages(&self.deps, &requests, side, first)
                .await
                .map_err(failed)?;
            spread(group, &pages, &mut found);
        }
        Ok(found)
    }
}

impl Loader<FirstHistory> for Batches {
    type Value = Sealed<Page<HistoryEntry>>;
    type Error = Failure;

    async fn load(
        &self,
        keys: &[FirstHistory],
    ) -> Result<HashMap<FirstHistory, Self::Value>, Failure> {
        let mut found = HashMap::with_capacity(keys.len());
        for (first, group) in grouped(keys) {
            let requests = requests_of(&group);
            let pages = batches::first_history_pages(&self.deps, &requests, first)
                .await
                .map_err(failed)?;
            spread(group, &pages, &mut found);
        }
        Ok(found)
    }
}

impl Loader<WatchersOf> for Batches {
    type Value = Sealed<Vec<Watcher>>;
    type Error = Failure;

    async fn load(&self, keys: &[WatchersOf]) -> Result<HashMap<WatchersOf, Self::Value>, Failure> {
        let requests: Vec<_> = keys.iter().map(|k| k.0).collect();
        let lists = batches::watcher_lists(&self.deps, &requests)
            .await
            .map_err(failed)?;
        Ok(lists.into_iter().map(|(k, v)| (WatchersOf(k), v)).collect())
    }
}

impl Loader<FilesOf> for Batches {
    type Value = Sealed<Vec<Attachment>>;
    type Error = Failure;

    async fn load(&self, keys: &[FilesOf]) -> Result<HashMap<FilesOf, Self::Value>, Failure> {
        let requests: Vec<_> = keys.iter().map(|k| k.0).collect();
        let lists = batches::attachment_lists(&self.deps, &requests)
            .await
            .map_err(failed)?;
        Ok(lists.into_iter().map(|(k, v)| (FilesOf(k), v)).collect())
    }
}

/// The batches of a GraphQL request, run inside the request's own task, in waves. Resolvers
/// ask for their loads while the execution is polled; when it can go no further, the batches
/// they made start together (each holding every key asked for, however long the poll took),
/// and the execution goes on once they have all finished. So a query costs the same batches
/// whatever the size of its pages and the timing of the database. (A loader on its own tasks
/// starts after a fixed delay, and splits a level whose resolvers take longer than it.)
#[derive(Default)]
pub struct Passes {
    queued: Mutex<Vec<BoxFuture<'static, ()>>>,
}

impl std::fmt::Debug for Passes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passes")
    }
}

impl Passes {
    fn queue(&self, batch: BoxFuture<'static, ()>) {
        if let Ok(mut queued) = self.queued.lock() {
            queued.push(batch);
        }
    }

    fn take(&self) -> Vec<BoxFuture<'static, ()>> {
        self.queued
            .lock()
            .map(|mut queued| std::mem::take(&mut *queued))
            .unwrap_or_default()
    }
}

/// An execution (a future, or a stream of responses) that runs the batches its resolvers
/// make; see [`Passes`].
pub struct Counted<F> {
    inner: Pin<Box<F>>,
    passes: Arc<Passes>,
    running: FuturesUnordered<BoxFuture<'static, ()>>,
}

/// `execution`, running the batches its resolvers make.
pub fn counted<F>(passes: Arc<Passes>, execution: F) -> Counted<F> {
    Counted {
        inner: Box::pin(execution),
        passes,
        running: FuturesUnordered::new(),
    }
}

impl<F> Counted<F> {
    /// Drives the running batches; whether they have all finished (their resolvers then have
    /// their values, and the execution can go on).
    fn batches_done(&mut self, cx: &mut TaskContext<'_>) -> bool {
        while let Poll::Ready(Some(())) = self.running.poll_next_unpin(cx) {}
        self.running.is_empty()
    }

    /// After a poll that left the execution waiting: starts the batches it queued; whether
    /// there were any.
    fn start_batches(&mut self) -> bool {
        self.running.extend(self.passes.take());
        !self.running.is_empty()
    }
}

/// Wakes the task, noting that it was woken: an execution that wakes itself while polled only
/// yields (async-graphql's lists poll 32 items at a time), its level is not finished yet.
struct Noted {
    woken: AtomicBool,
    task: Waker,
}

impl ArcWake for Noted {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.woken.store(true, Ordering::SeqCst);
        arc_self.task.wake_by_ref();
    }
}

/// Polls an execution once; `Ready`, or whether it is waiting for something (rather than
/// yielding with more to do).
fn poll_once<T>(
    cx: &mut TaskContext<'_>,
    poll: impl FnOnce(&mut TaskContext<'_>) -> Poll<T>,
) -> Result<T, bool> {
    let noted = Arc::new(Noted {
        woken: AtomicBool::new(false),
        task: cx.waker().clone(),
    });
    let waker = futures_util::task::waker(Arc::clone(&noted));
    match poll(&mut TaskContext::from_waker(&waker)) {
        Poll::Ready(value) => Ok(value),
        Poll::Pending => Err(!noted.woken.load(Ordering::SeqCst)),
    }
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<F::Output> {
        loop {
            if !self.batches_done(cx) {
                return Poll::Pending;
            }
            match poll_once(cx, |cx| self.inner.as_mut().poll(cx)) {
                Ok(output) => return Poll::Ready(output),
                Err(true) if self.start_batches() => {}
                Err(_) => return Poll::Pending,
            }
        }
    }
}

impl<S: Stream> Stream for Counted<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<S::Item>> {
        loop {
            if !self.batches_done(cx) {
                return Poll::Pending;
            }
            match poll_once(cx, |cx| self.inner.as_mut().poll_next(cx)) {
                Ok(item) => return Poll::Ready(item),
                Err(true) if self.start_batches() => {}
                Err(_) => return Poll::Pending,
            }
        }
    }
}

/// The batch loader of a GraphQL request.
pub struct BatchLoader(DataLoader<Batches>);

impl std::fmt::Debug for BatchLoader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BatchLoader")
    }
}

impl BatchLoader {
    fn new(deps: Deps, passes: Arc<Passes>) -> Self {
        let run_in_request = move |batch: BoxFuture<'static, ()>| passes.queue(batch);
        Self(DataLoader::new(Batches { deps }, run_in_request).delay(Duration::ZERO))
    }

    /// One value of a batch (joined with the other resolvers' of the same kind).
    pub async fn one<K>(&self, key: K) -> ApiResult<Option<<Batches as Loader<K>>::Value>>
    where
        K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
        Batches: Loader<K, Error = Failure>,
    {
        self.0.load_one(key).await.map_err(|err| (*err).clone())
    }
}

/// The batch loader of the GraphQL request being resolved.
pub fn loader<'a>(ctx: &Context<'a>) -> ApiResult<&'a BatchLoader> {
    let deps = deps(ctx)?;
    let request = request(ctx)?;
    Ok(request.batches(|| BatchLoader::new(deps.clone(), request.passes())))
}
