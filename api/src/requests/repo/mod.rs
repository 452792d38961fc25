//! The only code that runs queries on the request tables: `requests` here, and their
//! history, messages, watchers and attachments in the submodules.

mod attachments;
mod batches;
mod counts;
mod history;
mod listing;
mod messages;
pub mod rows;
mod watchers;

pub use attachments::*;
pub use batches::*;
pub use counts::*;
pub use history::*;
pub use listing::*;
pub use messages::*;
pub use watchers::*;

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use entity::{RequestState, request};
use sea_orm::ActiveValue::{self, NotSet, Set, Unchanged};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Order, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::error::ApiError;
use crate::ids::RequestId;
use crate::metrics;
use crate::paging::{Cursor, PageRequest};
use crate::requests::queues::search_key;

/// Changes to write on a request: the columns set are written, the others kept.
pub type Changes = request::ActiveModel;

/// Whether the writing transactions keep the request counts and the metrics. Always on; only
/// the benchmark that measures what keeping them costs (`bench/run lifecycle`) turns it off,
/// between two rounds of the same binary. Off, tiles and dashboards go stale.
static KEEP_AGGREGATES: AtomicBool = AtomicBool::new(true);

/// Turns the keeping of counts and metrics on or off, for the whole process (benchmarks only).
#[doc(hidden)]
pub fn keep_aggregates(on: bool) {
    KEEP_AGGREGATES.store(on, Ordering::Relaxed);
}

/// Moves a request's counts and metrics from `before` (absent when new) to `after` (absent
/// when deleted), in the caller's transaction.
async fn aggregates_moved<C: ConnectionTrait>(
    conn: &C,
    before: Option<&request::Model>,
    after: Option<&request::Model>,
) -> Result<(), DbErr> {
    if !KEEP_AGGREGATES.load(Ordering::Relaxed) {
        return Ok(());
    }
    let counted = |row: &request::Model| {
        let owners = (
            row.company_id,
            row.requester_contact_id,
            row.assignee_contact_id,
        );
        (row.state, owners)
    };
    if before.map(counted) != after.map(counted) {
        counts::moved(conn, before, after).await?;
    }
    metrics::moved(conn, before, after).await?;
    crate::views::kept::moved(conn, before, after).await
}

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
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    mut row: Changes,
) -> Result<request::Model, DbErr> {
    set_search_key(&mut row, None);
    let inserted = row.insert(conn).await?;
    aggregates_moved(conn, None, Some(&inserted)).await?;
    Ok(inserted)
}

/// Sets the search key of a row to be written from its values, those it does not change
/// taken from `before` (nothing to do when it changes none of them).
pub fn set_search_key(row: &mut Changes, before: Option<&request::Model>) {
    let text = |value: &ActiveValue<Option<String>>, old: Option<&Option<String>>| match value {
        Set(new) | Unchanged(new) => Some(new.clone()),
        NotSet => old.cloned(),
    };
    let changed = [&row.human_id, &row.title, &row.description]
        .into_iter()
        .any(|v| matches!(v, Set(_)));
    if before.is_some() && !changed {
        return;
    }
    let human_id = text(&row.human_id, before.map(|b| &b.human_id)).flatten();
    let title = text(&row.title, before.map(|b| &b.title)).flatten();
    let description = text(&row.description, before.map(|b| &b.description)).flatten();
    let key = search_key(
        human_id.as_deref(),
        title.as_deref(),
        description.as_deref(),
    );
    row.search_key = Set(Some(key));
}

type SearchedText = Option<String>;

/// Fills the search key of rows written before it existed, 500 at a time; how many.
pub async fn fill_search_keys<C: ConnectionTrait>(conn: &C) -> Result<u64, DbErr> {
    let mut filled = 0;
    loop {
        let rows: Vec<(Uuid, SearchedText, SearchedText, SearchedText)> = request::Entity::find()
            .select_only()
            .columns([
                request::Column::Id,
                request::Column::HumanId,
                request::Column::Title,
                request::Column::Description,
            ])
            .filter(request::Column::SearchKey.is_null())
            .limit(500)
            .into_tuple()
            .all(conn)
            .await?;
        if rows.is_empty() {
            return Ok(filled);
        }
        for (id, human_id, title, description) in rows {
            let key = search_key(
                human_id.as_deref(),
                title.as_deref(),
                description.as_deref(),
            );
            request::Entity::update_many()
                .col_expr(request::Column::SearchKey, Some(key).into())
                .filter(request::Column::Id.eq(id))
                .exec(conn)
                .await?;
            filled += 1;
        }
    }
}

/// Deletes a request with its history, messages, watchers and files' rows (their stored files
/// go with the next sweep of unreferenced files), and takes it out of the counts.
pub async fn delete<C: ConnectionTrait>(conn: &C, row: &request::Model) -> Result<(), DbErr> {
    use entity::{request_attachment, request_event, request_message, request_watcher};
    request_attachment::Entity::delete_many()
        .filter(request_attachment::Column::RequestId.eq(row.id))
        .exec(conn)
        .await?;
    request_watcher::Entity::delete_many()
        .filter(request_watcher::Column::RequestId.eq(row.id))
        .exec(conn)
        .await?;
    request_message::Entity::delete_many()
        .filter(request_message::Column::RequestId.eq(row.id))
        .exec(conn)
        .await?;
    request_event::Entity::delete_many()
        .filter(request_event::Column::RequestId.eq(row.id))
        .exec(conn)
        .await?;
    request::Entity::delete_by_id(row.id).exec(conn).await?;
    aggregates_moved(conn, Some(row), None).await
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
    set_search_key(&mut changes, Some(row));
    let updated = request::Entity::update_many()
        .set(changes)
        .filter(request::Column::Id.eq(row.id))
        .filter(request::Column::Version.eq(row.version))
        .exec_with_returning(conn)
        .await?;
    let updated = updated.into_iter().next();
    if let Some(after) = &updated {
        aggregates_moved(conn, Some(row), Some(after)).await?;
    }
    Ok(updated)
}

/// Marks a request (`before`, as read in the transaction) as changed now, without a new version
/// (a message, a draft's attachments); the request as it is then.
pub async fn touch<C: ConnectionTrait>(
    conn: &C,
    before: &request::Model,
    now: DateTime<Utc>,
    first_response: bool,
    remind_at: Option<DateTime<Utc>>,
) -> Result<Option<request::Model>, DbErr> {
    let mut touch = request::Entity::update_many()
        .col_expr(request::Column::UpdatedAt, now.into())
        .filter(request::Column::Id.eq(before.id));
    if first_response {
        touch = touch.col_expr(request::Column::FirstResponseAt, Some(now).into());
    }
    if let Some(at) = remind_at {
        touch = touch.col_expr(request::Column::RemindAt, Some(at).into());
    }
    let after = touch.exec_with_returning(conn).await?.into_iter().next();
    if let Some(after) = &after {
        aggregates_moved(conn, Some(before), Some(after)).await?;
    }
    Ok(after)
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
