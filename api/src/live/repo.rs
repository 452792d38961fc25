//! The only code that runs queries on `live_events`.

use chrono::{DateTime, Utc};
use entity::live_event;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, Order, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Select, Statement,
};

use super::Place;

/// The channel of PostgreSQL's `NOTIFY` that wakes every instance's reader.
pub const CHANNEL: &str = "portal_live";

/// Writes events in the caller's transaction. On PostgreSQL the same statement sends `NOTIFY`
/// with the last event's id, which PostgreSQL delivers when (and only if) it commits.
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<live_event::ActiveModel>,
) -> Result<(), DbErr> {
    // 7 values a row: well below SQLite's 32766 bound parameters.
    const CHUNK: usize = 1_000;
    let backend = conn.get_database_backend();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(CHUNK).collect();
        let insert = live_event::Entity::insert_many(chunk).build(backend);
        match backend {
            DatabaseBackend::Postgres => {
                let sql = format!(
                    "WITH e AS ({} RETURNING id) \
                     SELECT pg_notify('{CHANNEL}', max(id)::text) FROM e",
                    insert.sql
                );
                let values = insert.values.map(|v| v.0).unwrap_or_default();
                conn.query_one_raw(Statement::from_sql_and_values(backend, sql, values))
                    .await?;
            }
            _ => {
                conn.execute_raw(insert).await?;
            }
        }
    }
    Ok(())
}

/// `(tx, id)`, compared as a row with [`values`].
fn columns() -> Expr {
    Expr::tuple([
        Expr::col(live_event::Column::Tx),
        Expr::col(live_event::Column::Id),
    ])
}

fn values(place: Place) -> Expr {
    Expr::tuple([Expr::val(place.tx), Expr::val(place.id)])
}

/// Only events that can be read in order: on PostgreSQL, those of transactions older than
/// every transaction still running (none of which can then commit an event before them).
fn deliverable(
    select: Select<live_event::Entity>,
    backend: DatabaseBackend,
) -> Select<live_event::Entity> {
    match backend {
        DatabaseBackend::Postgres => select.filter(Expr::cust(
            "tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
        )),
        _ => select,
    }
}

/// The events after `place`, in order, at most `limit`.
pub async fn after<C: ConnectionTrait>(
    conn: &C,
    place: Place,
    limit: u64,
) -> Result<Vec<live_event::Model>, DbErr> {
    let select = live_event::Entity::find().filter(columns().gt(values(place)));
    deliverable(select, conn.get_database_backend())
        .order_by(live_event::Column::Tx, Order::Asc)
        .order_by(live_event::Column::Id, Order::Asc)
        .limit(limit)
        .all(conn)
        .await
}

/// Whether an event after `place` exists that cannot be read yet (its transaction, or an
/// older one, is still running).
pub async fn waiting<C: ConnectionTrait>(conn: &C, place: Place) -> Result<bool, DbErr> {
    let found = live_event::Entity::find()
        .select_only()
        .column(live_event::Column::Id)
        .filter(columns().gt(values(place)))
        .into_tuple::<i64>()
        .one(conn)
        .await?;
    Ok(found.is_some())
}

/// The place of the last event that can be read now (the start when there is none).
pub async fn head<C: ConnectionTrait>(conn: &C) -> Result<Place, DbErr> {
    let select = live_event::Entity::find()
        .select_only()
        .column(live_event::Column::Tx)
        .column(live_event::Column::Id);
    let last: Option<(i64, i64)> = deliverable(select, conn.get_database_backend())
        .order_by(live_event::Column::Tx, Order::Desc)
        .order_by(live_event::Column::Id, Order::Desc)
        .into_tuple()
        .one(conn)
        .await?;
    Ok(last.map_or(Place::default(), |(tx, id)| Place { tx, id }))
}

/// Whether the event at `place` is still kept (a cursor of a pruned event is expired).
pub async fn kept<C: ConnectionTrait>(conn: &C, place: Place) -> Result<bool, DbErr> {
    let found = live_event::Entity::find()
        .select_only()
        .column(live_event::Column::Id)
        .filter(live_event::Column::Tx.eq(place.tx))
        .filter(live_event::Column::Id.eq(place.id))
        .into_tuple::<i64>()
        .one(conn)
        .await?;
    Ok(found.is_some())
}

/// Deletes the events that occurred before `cutoff`, and every event placed before them, so
/// that what is kept always follows on from any kept event: a client whose cursor is kept
/// misses nothing. Returns how many were deleted.
pub async fn prune<C: ConnectionTrait>(conn: &C, cutoff: DateTime<Utc>) -> Result<u64, DbErr> {
    let last: Option<(i64, i64)> = live_event::Entity::find()
        .select_only()
        .column(live_event::Column::Tx)
        .column(live_event::Column::Id)
        .filter(live_event::Column::OccurredAt.lt(cutoff))
        .order_by(live_event::Column::Tx, Order::Desc)
        .order_by(live_event::Column::Id, Order::Desc)
        .into_tuple()
        .one(conn)
        .await?;
    let Some((tx, id)) = last else { return Ok(0) };
    let deleted = live_event::Entity::delete_many()
        .filter(columns().lte(values(Place { tx, id })))
        .exec(conn)
        .await?;
    Ok(deleted.rows_affected)
}
