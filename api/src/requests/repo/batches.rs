//! Reads for many requests at once, one statement each whatever their number (chunked to stay
//! within SQLite's parameter limit): the first page of each request's messages or history
//! (numbered per request with a window function), and every watcher and file of each.

use std::collections::HashMap;

use entity::{RequestSide, request_attachment, request_event, request_message, request_watcher};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, Order, QueryFilter,
    QueryOrder, Statement, Value,
};
use uuid::Uuid;

use crate::sql::placeholders;

/// Request IDs per statement.
const CHUNK: usize = 500;

/// The first `limit` rows of each request in `table`, by ID, optionally of one side.
async fn first_rows<C, M>(
    conn: &C,
    table: &str,
    requests: &[Uuid],
    side: Option<RequestSide>,
    limit: u64,
) -> Result<Vec<M>, DbErr>
where
    C: ConnectionTrait,
    M: FromQueryResult,
{
    let backend = conn.get_database_backend();
    let mut rows = Vec::new();
    for chunk in requests.chunks(CHUNK) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let side_filter = if side.is_some() { " AND side = ?" } else { "" };
        let sql = format!(
            "SELECT * FROM (SELECT t.*, ROW_NUMBER() OVER (PARTITION BY request_id ORDER BY id) \
             AS position FROM {table} t WHERE request_id IN ({marks}){side_filter}) numbered \
             WHERE position <= ? ORDER BY request_id, id"
        );
        let mut values: Vec<Value> = chunk.iter().map(|id| (*id).into()).collect();
        if let Some(side) = side {
            values.push(sea_orm::ActiveEnum::into_value(side).into());
        }
        values.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
        let statement =
            Statement::from_sql_and_values(backend, placeholders(backend, &sql), values);
        rows.extend(M::find_by_statement(statement).all(conn).await?);
    }
    Ok(rows)
}

/// The first `limit` messages of each request, oldest first (one side's with `side`).
pub async fn first_messages<C: ConnectionTrait>(
    conn: &C,
    requests: &[Uuid],
    side: Option<RequestSide>,
    limit: u64,
) -> Result<Vec<request_message::Model>, DbErr> {
    first_rows(conn, "request_messages", requests, side, limit).await
}

/// The first `limit` history entries of each request, oldest first.
pub async fn first_events<C: ConnectionTrait>(
    conn: &C,
    requests: &[Uuid],
    limit: u64,
) -> Result<Vec<request_event::Model>, DbErr> {
    first_rows(conn, "request_events", requests, None, limit).await
}

/// Every watcher of each request, in the order they were added.
pub async fn watchers_of_many<C: ConnectionTrait>(
    conn: &C,
    requests: &[Uuid],
) -> Result<HashMap<Uuid, Vec<request_watcher::Model>>, DbErr> {
    let mut by_request: HashMap<Uuid, Vec<request_watcher::Model>> = HashMap::new();
    for chunk in requests.chunks(CHUNK) {
        let rows = request_watcher::Entity::find()
            .filter(request_watcher::Column::RequestId.is_in(chunk.iter().copied()))
            .order_by(request_watcher::Column::AddedAt, Order::Asc)
            .order_by(request_watcher::Column::ContactId, Order::Asc)
            .all(conn)
            .await?;
        for row in rows {
            by_request.entry(row.request_id).or_default().push(row);
        }
    }
    Ok(by_request)
}

/// Every file of each request (its form's and its messages'), oldest first.
pub async fn attachments_of_many<C: ConnectionTrait>(
    conn: &C,
    requests: &[Uuid],
) -> Result<HashMap<Uuid, Vec<request_attachment::Model>>, DbErr> {
    let mut by_request: HashMap<Uuid, Vec<request_attachment::Model>> = HashMap::new();
    for chunk in requests.chunks(CHUNK) {
        let rows = request_attachment::Entity::find()
            .filter(request_attachment::Column::RequestId.is_in(chunk.iter().copied()))
            .order_by_asc(request_attachment::Column::CreatedAt)
            .order_by_asc(request_attachment::Column::Id)
            .all(conn)
            .await?;
        for row in rows {
            by_request.entry(row.request_id).or_default().push(row);
        }
    }
    Ok(by_request)
}
