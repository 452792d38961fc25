//! Batched reads for lists: what a page of visible requests needs (their people, companies,
//! first messages, history, watchers and files) read in one statement per kind, however many
//! requests the page holds.
//!
//! The keys are [`Seen`] values, which only this area makes, from a visible request or part:
//! a batch can only ask for what its caller may already see. What comes back for a request is
//! [`Sealed`], opened only with that visible request, so the rows come out [`Visible`] as
//! from the one-request reads.

use std::collections::HashMap;

use entity::RequestSide;
use uuid::Uuid;

use super::access::Visible;
use super::{Attachment, HistoryEntry, Message, Request, Watcher, repo};
use crate::companies::{self, Company};
use crate::contacts::{self, Contact};
use crate::deps::Deps;
use crate::error::ApiResult;
use crate::paging::{Page, PageRequest};

/// An ID read from something visible, usable as a batch key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Seen<K>(Uuid, std::marker::PhantomData<K>);

impl<K> Seen<K> {
    fn new(id: Uuid) -> Self {
        Self(id, std::marker::PhantomData)
    }

    fn uuid(&self) -> Uuid {
        self.0
    }
}

/// Kinds of [`Seen`] keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersonKey {}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompanyKey {}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKey {}

/// Who opened a visible request.
pub fn requester_key(request: &Visible<Request>) -> Seen<PersonKey> {
    Seen::new(request.get().requester_contact_id)
}

/// The agent a visible request is assigned to.
pub fn assignee_key(request: &Visible<Request>) -> Option<Seen<PersonKey>> {
    request.get().assignee_contact_id.map(Seen::new)
}

/// Who wrote a visible message.
pub fn author_key(message: &Visible<Message>) -> Option<Seen<PersonKey>> {
    message.get().author_contact_id.map(Seen::new)
}

/// Who acted in a visible history entry.
pub fn actor_key(entry: &Visible<HistoryEntry>) -> Option<Seen<PersonKey>> {
    entry.get().actor_contact_id.map(Seen::new)
}

/// Who uploaded a visible file.
pub fn uploader_key(file: &Visible<Attachment>) -> Option<Seen<PersonKey>> {
    file.get().uploaded_by_contact_id.map(Seen::new)
}

/// The contact of a visible watcher.
pub fn watcher_key(watcher: &Visible<Watcher>) -> Seen<PersonKey> {
    Seen::new(watcher.get().contact_id)
}

/// The company of a visible request.
pub fn company_key(request: &Visible<Request>) -> Seen<CompanyKey> {
    Seen::new(request.get().company_id)
}

/// A visible request, for reading its parts in a batch.
pub fn request_key(request: &Visible<Request>) -> Seen<RequestKey> {
    Seen::new(request.get().id)
}

/// The contacts of `keys`.
pub async fn people(
    deps: &Deps,
    keys: &[Seen<PersonKey>],
) -> ApiResult<HashMap<Seen<PersonKey>, Contact>> {
    let ids: Vec<Uuid> = keys.iter().map(Seen::uuid).collect();
    let found = contacts::repo::find_many(deps.db.reader(), &ids).await?;
    Ok(found
        .into_iter()
        .map(|(id, c)| (Seen::new(id), c))
        .collect())
}

/// The companies of `keys`.
pub async fn companies(
    deps: &Deps,
    keys: &[Seen<CompanyKey>],
) -> ApiResult<HashMap<Seen<CompanyKey>, Company>> {
    let ids: Vec<Uuid> = keys.iter().map(Seen::uuid).collect();
    let found = companies::repo::find_many(deps.db.reader(), &ids).await?;
    Ok(found
        .into_iter()
        .map(|(id, c)| (Seen::new(id), c))
        .collect())
}

/// What a batch read for one request, opened with that visible request.
#[derive(Debug, Clone)]
pub struct Sealed<T> {
    request: Uuid,
    item: T,
}

impl<T> Sealed<T> {
    fn new(request: Uuid, item: T) -> Self {
        Self { request, item }
    }

    /// The contents, if `request` is the one they were read for.
    fn open_with(self, request: &Visible<Request>) -> Option<T> {
        (self.request == request.get().id).then_some(self.item)
    }
}

impl<T> Sealed<Vec<T>> {
    /// The rows, visible as parts of `request` (none if read for another one).
    pub fn open(self, request: &Visible<Request>) -> Vec<Visible<T>> {
        let rows = self.open_with(request).unwrap_or_default();
        rows.into_iter().map(|row| request.part(row)).collect()
    }
}

/// A first page of a request's messages, each with its files.
pub type MessagePage = Page<(Visible<Message>, Vec<Visible<Attachment>>)>;

impl Sealed<Page<(Message, Vec<Attachment>)>> {
    /// The page, its messages and files visible as parts of `request`.
    pub fn open(self, request: &Visible<Request>) -> MessagePage {
        let page = self.open_with(request).unwrap_or_else(Page::empty);
        page.map(|(message, files)| {
            let files = files.into_iter().map(|f| request.part(f)).collect();
            (request.part(message), files)
        })
    }
}

impl Sealed<Page<HistoryEntry>> {
    /// The page, its entries visible as parts of `request`.
    pub fn open(self, request: &Visible<Request>) -> Page<Visible<HistoryEntry>> {
        let page = self.open_with(request).unwrap_or_else(Page::empty);
        page.map(|entry| request.part(entry))
    }
}

/// Groups rows by request and makes each group a first page.
fn first_pages<T>(
    keys: &[Seen<RequestKey>],
    rows: Vec<T>,
    request_of: impl Fn(&T) -> Uuid,
    page: &PageRequest,
    cursor_of: impl Fn(&T) -> crate::paging::Cursor + Copy,
) -> HashMap<Seen<RequestKey>, Sealed<Page<T>>> {
    let mut grouped: HashMap<Uuid, Vec<T>> = HashMap::new();
    for row in rows {
        grouped.entry(request_of(&row)).or_default().push(row);
    }
    keys.iter()
        .map(|key| {
            let rows = grouped.remove(&key.uuid()).unwrap_or_default();
            let page = Page::from_rows(page, rows, cursor_of);
            (*key, Sealed::new(key.uuid(), page))
        })
        .collect()
}

/// The first page (`first` messages, oldest first, one side's with `side`) of each request's
/// messages, with their files.
pub async fn first_message_pages(
    deps: &Deps,
    keys: &[Seen<RequestKey>],
    side: Option<RequestSide>,
    first: u64,
) -> ApiResult<HashMap<Seen<RequestKey>, Sealed<Page<(Message, Vec<Attachment>)>>>> {
    let db = deps.db.reader();
    let page = PageRequest { first, after: None };
    let ids: Vec<Uuid> = keys.iter().map(Seen::uuid).collect();
    let rows = repo::first_messages(db, &ids, side, page.fetch_limit()).await?;
    let message_ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
    let mut files = repo::of_messages(db, &message_ids).await?;
    let rows: Vec<(Message, Vec<Attachment>)> = rows
        .into_iter()
        .map(|m| {
            let attached = files.remove(&m.id).unwrap_or_default();
            (m, attached)
        })
        .collect();
    Ok(first_pages(
        keys,
        rows,
        |(m, _)| m.request_id,
        &page,
        |(m, _)| repo::id_cursor(m.id),
    ))
}

/// The first page (`first` entries, oldest first) of each request's history.
pub async fn first_history_pages(
    deps: &Deps,
    keys: &[Seen<RequestKey>],
    first: u64,
) -> ApiResult<HashMap<Seen<RequestKey>, Sealed<Page<HistoryEntry>>>> {
    let page = PageRequest { first, after: None };
    let ids: Vec<Uuid> = keys.iter().map(Seen::uuid).collect();
    let rows = repo::first_events(deps.db.reader(), &ids, page.fetch_limit()).await?;
    Ok(first_pages(
        keys,
        rows,
        |e| e.request_id,
        &page,
        |e| repo::id_cursor(e.id),
    ))
}

fn sealed_lists<T>(
    keys: &[Seen<RequestKey>],
    mut found: HashMap<Uuid, Vec<T>>,
) -> HashMap<Seen<RequestKey>, Sealed<Vec<T>>> {
    keys.iter()
        .map(|key| {
            let rows = found.remove(&key.uuid()).unwrap_or_default();
            (*key, Sealed::new(key.uuid(), rows))
        })
        .collect()
}

/// Every watcher of each request.
pub async fn watcher_lists(
    deps: &Deps,
    keys: &[Seen<RequestKey>],
) -> ApiResult<HashMap<Seen<RequestKey>, Sealed<Vec<Watcher>>>> {
    let ids: Vec<Uuid> = keys.iter().map(Seen::uuid).collect();
    let found = repo::watchers_of_many(deps.db.reader(), &ids).await?;
    Ok(sealed_lists(keys, found))
}

/// Every file of each request.
pub async fn attachment_lists(
    deps: &Deps,
    keys: &[Seen<RequestKey>],
) -> ApiResult<HashMap<Seen<RequestKey>, Sealed<Vec<Attachment>>>> {
    let ids: Vec<Uuid> = keys.iter().map(Seen::uuid).collect();
    let found = repo::attachments_of_many(deps.db.reader(), &ids).await?;
    Ok(sealed_lists(keys, found))
}
