//! `request_events`: the history of each request.

use chrono::{DateTime, Utc};
use entity::request_event;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect,
};

use super::after_id;
use crate::error::ApiError;
use crate::ids::{RequestId, new_uuid};
use crate::paging::PageRequest;
use crate::requests::history::{Author, NewEvent};

/// One history row (the demo writes them in bulk).
pub fn event_row(
    request_id: RequestId,
    now: DateTime<Utc>,
    author: Author,
    event: NewEvent,
) -> request_event::ActiveModel {
    request_event::ActiveModel {
        id: Set(new_uuid()),
        request_id: Set(request_id.uuid()),
        occurred_at: Set(now),
        actor_account_id: Set(author.account_id),
        actor_contact_id: Set(author.contact_id),
        side: Set(author.side),
        kind: Set(event.kind.code().to_owned()),
        action: Set(event.action.map(|a| a.code().to_owned())),
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
    request_id: RequestId,
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

/// A page of a request's history, oldest first.
pub async fn history<C: ConnectionTrait>(
    conn: &C,
    request_id: RequestId,
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
