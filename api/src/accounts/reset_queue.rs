//! The only place that reads and writes `password_reset_requests`.

use chrono::{DateTime, Utc};
use entity::password_reset_request;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::ids::new_uuid;

/// A queued request.
pub type ResetRequest = password_reset_request::Model;

/// Queues a request for `address` (already trimmed and lower-cased).
pub async fn push<C: ConnectionTrait>(
    conn: &C,
    address: &str,
    client_addr: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    password_reset_request::Entity::insert(password_reset_request::ActiveModel {
        id: Set(new_uuid()),
        address: Set(address.to_owned()),
        client_addr: Set(client_addr),
        requested_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The IDs of the oldest queued requests.
pub async fn oldest<C: ConnectionTrait>(conn: &C, limit: u64) -> Result<Vec<Uuid>, DbErr> {
    password_reset_request::Entity::find()
        .select_only()
        .column(password_reset_request::Column::Id)
        .order_by_asc(password_reset_request::Column::RequestedAt)
        .order_by_asc(password_reset_request::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await
}

/// Takes a request off the queue in the caller's transaction; `None` when another worker took
/// it first.
pub async fn take<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<Option<ResetRequest>, DbErr> {
    let Some(request) = password_reset_request::Entity::find_by_id(id)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let deleted = password_reset_request::Entity::delete_many()
        .filter(password_reset_request::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok((deleted.rows_affected == 1).then_some(request))
}
