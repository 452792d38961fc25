//! `request_messages`: what each side wrote on a request.

use chrono::{DateTime, Utc};
use entity::{RequestSide, request_message};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Order, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::after_id;
use crate::error::ApiError;
use crate::ids::{RequestId, new_uuid};
use crate::paging::PageRequest;
use crate::requests::history::Author;

/// A message row (the demo writes them in bulk).
pub fn message_row(
    request_id: RequestId,
    now: DateTime<Utc>,
    author: Author,
    action: Option<&'static str>,
    body: &str,
) -> request_message::ActiveModel {
    request_message::ActiveModel {
        id: Set(new_uuid()),
        request_id: Set(request_id.uuid()),
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
    request_id: RequestId,
    now: DateTime<Utc>,
    author: Author,
    action: Option<&'static str>,
    body: &str,
) -> Result<request_message::Model, DbErr> {
    message_row(request_id, now, author, action, body)
        .insert(conn)
        .await
}

/// A message by its ID.
pub async fn find_message<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
) -> Result<Option<request_message::Model>, DbErr> {
    request_message::Entity::find_by_id(id).one(conn).await
}

/// A page of a request's messages, oldest first, optionally of one side only.
pub async fn messages<C: ConnectionTrait>(
    conn: &C,
    request_id: RequestId,
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
