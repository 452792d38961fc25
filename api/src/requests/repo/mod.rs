//! The only code that runs queries on the request tables: `requests` here, and their
//! history, messages, watchers and attachments in the submodules.

mod attachments;
mod history;
mod messages;
mod watchers;

pub use attachments::*;
pub use history::*;
pub use messages::*;
pub use watchers::*;

use chrono::{DateTime, Utc};
use entity::{RequestState, request};
use sea_orm::ActiveValue::{Set, Unchanged};
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Order, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::error::ApiError;
use crate::ids::RequestId;
use crate::paging::{Cursor, PageRequest};

/// Changes to write on a request: the columns set are written, the others kept.
pub type Changes = request::ActiveModel;

pub async fn find<C: ConnectionTrait>(
    conn: &C,
    id: RequestId,
) -> Result<Option<request::Model>, DbErr> {
    request::Entity::find_by_id(id.uuid()).one(conn).await
}

/// Reads a request and holds its row lock until the transaction ends (PostgreSQL; SQLite has
/// one writer), so an action decides on the state it changes.
pub async fn lock<C: ConnectionTrait>(
    conn: &C,
    id: RequestId,
) -> Result<Option<request::Model>, DbErr> {
    let mut query = request::Entity::find_by_id(id.uuid());
    if conn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        query = query.lock_exclusive();
    }
    query.one(conn).await
}

/// The request with this human ID (`SR-2026-000123`).
pub async fn find_by_human_id<C: ConnectionTrait>(
    conn: &C,
    human_id: &str,
) -> Result<Option<request::Model>, DbErr> {
    request::Entity::find()
        .filter(request::Column::HumanId.eq(human_id))
        .one(conn)
        .await
}

/// Inserts a new request.
pub async fn insert<C: ConnectionTrait>(conn: &C, row: Changes) -> Result<request::Model, DbErr> {
    row.insert(conn).await
}

/// Writes `changes` to `row` if its version is still the one read, bumping it; `None` when
/// someone changed it first.
pub async fn write_if_version<C: ConnectionTrait>(
    conn: &C,
    row: &request::Model,
    mut changes: Changes,
) -> Result<Option<request::Model>, DbErr> {
    changes.id = Unchanged(row.id);
    changes.version = Set(row.version + 1);
    let updated = request::Entity::update_many()
        .set(changes)
        .filter(request::Column::Id.eq(row.id))
        .filter(request::Column::Version.eq(row.version))
        .exec_with_returning(conn)
        .await?;
    Ok(updated.into_iter().next())
}

/// Marks a request as changed now, without a new version (a message, a draft's attachments);
/// the request as it is then.
pub async fn touch<C: ConnectionTrait>(
    conn: &C,
    id: RequestId,
    now: DateTime<Utc>,
    first_response: bool,
    remind_at: Option<DateTime<Utc>>,
) -> Result<Option<request::Model>, DbErr> {
    let mut touch = request::Entity::update_many()
        .col_expr(request::Column::UpdatedAt, now.into())
        .filter(request::Column::Id.eq(id));
    if first_response {
        touch = touch.col_expr(request::Column::FirstResponseAt, Some(now).into());
    }
    if let Some(at) = remind_at {
        touch = touch.col_expr(request::Column::RemindAt, Some(at).into());
    }
    Ok(touch.exec_with_returning(conn).await?.into_iter().next())
}

/// Sets (or clears) when the next reminder of a request is due.
pub async fn set_remind_at<C: ConnectionTrait>(
    conn: &C,
    id: RequestId,
    next: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    request::Entity::update_many()
        .col_expr(request::Column::RemindAt, next.into())
        .filter(request::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// A time-based rule's due requests.
#[derive(Debug, Clone, Copy)]
pub enum Due {
    /// A reminder is due.
    Reminder,
    /// A proposed solution's time is up.
    AutoClose,
}

/// Up to `limit` requests due at `now` for `due`, the longest overdue first.
pub async fn due<C: ConnectionTrait>(
    conn: &C,
    due: Due,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<RequestId>, DbErr> {
    let (column, state) = match due {
        Due::Reminder => (request::Column::RemindAt, None),
        Due::AutoClose => (
            request::Column::AutoCloseAt,
            Some(RequestState::SolutionProposed),
        ),
    };
    let mut query = request::Entity::find()
        .select_only()
        .column(request::Column::Id)
        .filter(column.lte(now));
    if let Some(state) = state {
        query = query.filter(request::Column::State.eq(state));
    }
    let ids: Vec<Uuid> = query
        .order_by(column, Order::Asc)
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(ids.into_iter().map(RequestId::from_uuid).collect())
}

/// Which requests to list, besides what the caller may see.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only these states (all when empty).
    pub states: Vec<RequestState>,
    /// Only requests opened by this contact.
    pub requester: Option<Uuid>,
    /// Only requests assigned to this contact.
    pub assignee: Option<Uuid>,
    /// Only requests nobody is assigned to.
    pub unassigned: bool,
}

/// A page of the requests matching `visible` and `filter`, newest first.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    visible: Condition,
    filter: &ListFilter,
    page: &PageRequest,
) -> Result<Vec<request::Model>, ApiError> {
    let mut query = request::Entity::find().filter(visible);
    if !filter.states.is_empty() {
        query = query.filter(request::Column::State.is_in(filter.states.iter().copied()));
    }
    if let Some(requester) = filter.requester {
        query = query.filter(request::Column::RequesterContactId.eq(requester));
    }
    if let Some(assignee) = filter.assignee {
        query = query.filter(request::Column::AssigneeContactId.eq(assignee));
    }
    if filter.unassigned {
        query = query.filter(request::Column::AssigneeContactId.is_null());
    }
    if let Some(after) = after_id(page)? {
        query = query.filter(request::Column::Id.lt(after));
    }
    Ok(query
        .order_by(request::Column::Id, Order::Desc)
        .limit(page.fetch_limit())
        .all(conn)
        .await?)
}

/// The ID a page starts after, from a cursor made by [`id_cursor`].
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
