//! Reads and writes of requests, their history, messages and watchers.

use chrono::{DateTime, Utc};
use entity::{RequestSide, RequestState, request, request_event, request_message, request_watcher};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Order, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::error::ApiError;
use crate::ids::new_uuid;
use crate::paging::{Cursor, PageRequest};

pub async fn find<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<Option<request::Model>, DbErr> {
    request::Entity::find_by_id(id).one(conn).await
}

/// Reads a request and holds its row lock until the transaction ends (PostgreSQL; SQLite has
/// one writer), so an action decides on the state it changes.
pub async fn lock<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<Option<request::Model>, DbErr> {
    let mut query = request::Entity::find_by_id(id);
    if conn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        query = query.lock_exclusive();
    }
    query.one(conn).await
}

/// Who did something on a request; `None` fields for the system.
#[derive(Debug, Clone, Copy)]
pub struct Author {
    pub account_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub side: RequestSide,
}

impl Author {
    pub const SYSTEM: Author = Author {
        account_id: None,
        contact_id: None,
        side: RequestSide::System,
    };
}

/// One history entry.
#[derive(Debug, Clone, Default)]
pub struct NewEvent {
    pub kind: &'static str,
    pub action: Option<&'static str>,
    pub from_state: Option<RequestState>,
    pub to_state: Option<RequestState>,
    pub field: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub comment: Option<String>,
}

pub fn event_row(
    request_id: Uuid,
    now: DateTime<Utc>,
    author: Author,
    event: NewEvent,
) -> request_event::ActiveModel {
    request_event::ActiveModel {
        id: Set(new_uuid()),
        request_id: Set(request_id),
        occurred_at: Set(now),
        actor_account_id: Set(author.account_id),
        actor_contact_id: Set(author.contact_id),
        side: Set(author.side),
        kind: Set(event.kind.to_owned()),
        action: Set(event.action.map(str::to_owned)),
        from_state: Set(event.from_state),
        to_state: Set(event.to_state),
        field: Set(event.field),
        before: Set(event.before),
        after: Set(event.after),
        comment: Set(event.comment),
    }
}

/// Appends history entries in the caller's transaction.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    request_id: Uuid,
    now: DateTime<Utc>,
    author: Author,
    events: Vec<NewEvent>,
) -> Result<(), DbErr> {
    // 14 columns a row: stay well below SQLite's 32766 bound parameters.
    const BATCH: usize = 1_000;
    let mut rows = events
        .into_iter()
        .map(|e| event_row(request_id, now, author, e))
        .peekable();
    while rows.peek().is_some() {
        let batch: Vec<_> = rows.by_ref().take(BATCH).collect();
        request_event::Entity::insert_many(batch)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// A message row.
pub fn message_row(
    request_id: Uuid,
    now: DateTime<Utc>,
    author: Author,
    action: Option<&'static str>,
    body: &str,
) -> request_message::ActiveModel {
    request_message::ActiveModel {
        id: Set(new_uuid()),
        request_id: Set(request_id),
        author_account_id: Set(author.account_id),
        author_contact_id: Set(author.contact_id),
        side: Set(author.side),
        action: Set(action.map(str::to_owned)),
        body: Set(body.to_owned()),
        created_at: Set(now),
    }
}

/// Adds a message in the caller's transaction.
pub async fn insert_message<C: ConnectionTrait>(
    conn: &C,
    request_id: Uuid,
    now: DateTime<Utc>,
    author: Author,
    action: Option<&'static str>,
    body: &str,
) -> Result<request_message::Model, DbErr> {
    message_row(request_id, now, author, action, body)
        .insert(conn)
        .await
}

fn after_id(page: &PageRequest) -> Result<Option<Uuid>, ApiError> {
    page.after
        .as_ref()
        .map(|cursor| match cursor.parts() {
            [id] => Uuid::try_parse(id).map_err(|_| Cursor::invalid()),
            _ => Err(Cursor::invalid()),
        })
        .transpose()
}

/// The cursor of a row listed by ID.
pub fn id_cursor(id: Uuid) -> Cursor {
    Cursor::new(vec![id.to_string()])
}

/// A page of a request's messages, oldest first, optionally of one side only.
pub async fn messages<C: ConnectionTrait>(
    conn: &C,
    request_id: Uuid,
    side: Option<RequestSide>,
    page: &PageRequest,
) -> Result<Vec<request_message::Model>, ApiError> {
    let mut query =
        request_message::Entity::find().filter(request_message::Column::RequestId.eq(request_id));
    if let Some(side) = side {
        query = query.filter(request_message::Column::Side.eq(side));
    }
    if let Some(after) = after_id(page)? {
        query = query.filter(request_message::Column::Id.gt(after));
    }
    Ok(query
        .order_by(request_message::Column::Id, Order::Asc)
        .limit(page.fetch_limit())
        .all(conn)
        .await?)
}

/// A page of a request's history, oldest first.
pub async fn history<C: ConnectionTrait>(
    conn: &C,
    request_id: Uuid,
    page: &PageRequest,
) -> Result<Vec<request_event::Model>, ApiError> {
    let mut query =
        request_event::Entity::find().filter(request_event::Column::RequestId.eq(request_id));
    if let Some(after) = after_id(page)? {
        query = query.filter(request_event::Column::Id.gt(after));
    }
    Ok(query
        .order_by(request_event::Column::Id, Order::Asc)
        .limit(page.fetch_limit())
        .all(conn)
        .await?)
}

/// A request's watchers, in the order they were added.
pub async fn watchers<C: ConnectionTrait>(
    conn: &C,
    request_id: Uuid,
) -> Result<Vec<request_watcher::Model>, DbErr> {
    request_watcher::Entity::find()
        .filter(request_watcher::Column::RequestId.eq(request_id))
        .order_by(request_watcher::Column::AddedAt, Order::Asc)
        .order_by(request_watcher::Column::ContactId, Order::Asc)
        .all(conn)
        .await
}

/// A page of requests matching `condition`, newest first.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    condition: Condition,
    page: &PageRequest,
) -> Result<Vec<request::Model>, ApiError> {
    let mut query = request::Entity::find().filter(condition);
    if let Some(after) = after_id(page)? {
        query = query.filter(request::Column::Id.lt(after));
    }
    Ok(query
        .order_by(request::Column::Id, Order::Desc)
        .limit(page.fetch_limit())
        .all(conn)
        .await?)
}
