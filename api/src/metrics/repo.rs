//! The only code touching `metric_counts` and `metric_days`: the changes of a transaction,
//! the dashboard's reads, and the rebuild from the requests' history.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use entity::{RequestState, request, request_event};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement, Value,
};
use uuid::Uuid;

use super::facts::{self, Grain, Key, StateChange};
use crate::sql::{placeholders, rows_of};

/// Rows per `INSERT` statement.
const ROWS_PER_INSERT: usize = 400;

/// Adds up the deltas of a change per counter and writes them, in the caller's transaction:
/// one statement per table, its rows in key order (the same order in every transaction, so
/// two never wait for each other in a cycle).
pub async fn apply<C: ConnectionTrait>(conn: &C, deltas: Vec<(Key, i64)>) -> Result<(), DbErr> {
    let mut summed: BTreeMap<Key, i64> = BTreeMap::new();
    for (key, delta) in deltas {
        *summed.entry(key).or_default() += delta;
    }
    summed.retain(|_, delta| *delta != 0);
    write(conn, summed.into_iter().collect(), true).await
}

/// Writes counters: added to the existing ones (`add`), or as new rows.
async fn write<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<(Key, i64)>,
    add: bool,
) -> Result<(), DbErr> {
    let (counts, days): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|(key, _)| matches!(key, Key::Count { .. }));
    let backend = conn.get_database_backend();
    for chunk in counts.chunks(ROWS_PER_INSERT) {
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 4);
        for (key, n) in chunk {
            if let Key::Count { owner, metric, key } = key {
                values.extend([(*owner).into(), (*metric).into(), key.clone().into()]);
                values.push((*n).into());
            }
        }
        let mut sql = format!(
            "INSERT INTO metric_counts (owner_id, metric, key, n) VALUES {}",
            rows_of(chunk.len(), 4)
        );
        if add {
            sql.push_str(
                " ON CONFLICT (owner_id, metric, key) DO UPDATE SET n = metric_counts.n + excluded.n",
            );
        }
        let sql = placeholders(backend, &sql);
        conn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    for chunk in days.chunks(ROWS_PER_INSERT) {
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 6);
        for (key, n) in chunk {
            if let Key::Daily {
                owner,
                metric,
                grain,
                day,
                bucket,
            } = key
            {
                values.extend([(*owner).into(), (*metric).into(), (*grain as i16).into()]);
                values.extend([(*day).into(), (*bucket).into(), (*n).into()]);
            }
        }
        let mut sql = format!(
            "INSERT INTO metric_days (owner_id, metric, grain, day, bucket, n) VALUES {}",
            rows_of(chunk.len(), 6)
        );
        if add {
            sql.push_str(
                " ON CONFLICT (owner_id, metric, grain, day, bucket) \
                 DO UPDATE SET n = metric_days.n + excluded.n",
            );
        }
        let sql = placeholders(backend, &sql);
        conn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    Ok(())
}

/// The counters of what holds now of one owner and metric: (key, n).
pub async fn counts<C: ConnectionTrait>(
    conn: &C,
    owner: Uuid,
    metric: &str,
) -> Result<Vec<(String, i64)>, DbErr> {
    let backend = conn.get_database_backend();
    let sql = placeholders(
        backend,
        "SELECT key, n FROM metric_counts WHERE owner_id = ? AND metric = ? AND n <> 0",
    );
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [owner.into(), metric.into()],
        ))
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?)))
        .collect()
}

/// Days or months of counters: `grain`, first day included, last day excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub grain: Grain,
    pub from: i32,
    pub to: i32,
}

/// What to add up over some spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sum {
    /// Per day: (metric code, day, n).
    PerDay,
    /// Per metric: (metric code, 0, n).
    PerMetric,
    /// Per bucket: ("", bucket, n).
    PerBucket,
}

/// The counters of one owner and some metrics over some spans, added up in the database as
/// `sum` says (each span read through the key: one range per metric and span).
pub async fn sums<C: ConnectionTrait>(
    conn: &C,
    owner: Uuid,
    metrics: &[&str],
    spans: &[Span],
    sum: Sum,
) -> Result<Vec<(String, i32, i64)>, DbErr> {
    if metrics.is_empty() || spans.is_empty() {
        return Ok(Vec::new());
    }
    let mut values: Vec<Value> = Vec::new();
    let mut parts = Vec::new();
    for metric in metrics {
        for span in spans {
            parts.push(
                "SELECT metric, day, bucket, n FROM metric_days WHERE owner_id = ? AND metric = ? \
                 AND grain = ? AND day >= ? AND day < ?",
            );
            values.extend([owner.into(), (*metric).into(), (span.grain as i16).into()]);
            values.extend([span.from.into(), span.to.into()]);
        }
    }
    let (select, group) = match sum {
        Sum::PerDay => ("metric, day", "metric, day"),
        Sum::PerMetric => ("metric, 0", "metric"),
        Sum::PerBucket => ("'', bucket", "bucket"),
    };
    let sql = format!(
        "SELECT {select}, CAST(SUM(n) AS BIGINT) FROM ({}) counted GROUP BY {group}",
        parts.join(" UNION ALL ")
    );
    let backend = conn.get_database_backend();
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, &sql),
            values,
        ))
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get_by_index(0)?,
                r.try_get_by_index(1)?,
                r.try_get_by_index(2)?,
            ))
        })
        .filter(|row| !matches!(row, Ok((_, _, 0))))
        .collect()
}

/// Whether no counter is kept yet while submitted requests exist (a database from before the
/// figures, to [`rebuild`]).
pub async fn missing<C: ConnectionTrait>(conn: &C) -> Result<bool, DbErr> {
    let backend = conn.get_database_backend();
    let kept = conn
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT 1 FROM metric_counts LIMIT 1",
        ))
        .await?
        .is_some();
    if kept {
        return Ok(false);
    }
    let submitted = request::Entity::find()
        .select_only()
        .column(request::Column::Id)
        .filter(request::Column::State.ne(RequestState::Draft))
        .limit(1)
        .into_tuple::<Uuid>()
        .one(conn)
        .await?;
    Ok(submitted.is_some())
}

/// Requests read per round of a rebuild.
const REBUILD_CHUNK: u64 = 1_000;

/// Makes every counter again from the requests and their history (after a bulk load, or on a
/// database from before the figures), and sets each request's waiting times to what its
/// history says; how many requests were read.
pub async fn rebuild<C: ConnectionTrait>(conn: &C) -> Result<u64, DbErr> {
    conn.execute_unprepared("DELETE FROM metric_counts").await?;
    conn.execute_unprepared("DELETE FROM metric_days").await?;
    let mut summed: HashMap<Key, i64> = HashMap::new();
    let mut after = Uuid::nil();
    let mut read = 0;
    loop {
        let rows = request::Entity::find()
            .filter(request::Column::State.ne(RequestState::Draft))
            .filter(request::Column::Id.gt(after))
            .order_by_asc(request::Column::Id)
            .limit(REBUILD_CHUNK)
            .all(conn)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        read += rows.len() as u64;
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let changes: Vec<(Uuid, DateTime<Utc>, Option<RequestState>)> =
            request_event::Entity::find()
                .select_only()
                .columns([
                    request_event::Column::RequestId,
                    request_event::Column::OccurredAt,
                    request_event::Column::ToState,
                ])
                .filter(request_event::Column::RequestId.is_in(ids))
                .filter(request_event::Column::Kind.eq("STATE_CHANGED"))
                .order_by_asc(request_event::Column::RequestId)
                .order_by_asc(request_event::Column::OccurredAt)
                .order_by_asc(request_event::Column::Id)
                .into_tuple()
                .all(conn)
                .await?;
        let mut history: HashMap<Uuid, Vec<StateChange>> = HashMap::new();
        for (request, at, to) in changes {
            if let Some(to) = to {
                history
                    .entry(request)
                    .or_default()
                    .push(StateChange { at, to });
            }
        }
        for row in &rows {
            let past = history.remove(&row.id).unwrap_or_default();
            let (deltas, waited) = facts::replay(row, &past);
            for (key, delta) in deltas {
                *summed.entry(key).or_default() += delta;
            }
            if waited != (row.customer_wait_secs, row.support_wait_secs) {
                request::Entity::update_many()
                    .col_expr(request::Column::CustomerWaitSecs, waited.0.into())
                    .col_expr(request::Column::SupportWaitSecs, waited.1.into())
                    .filter(request::Column::Id.eq(row.id))
                    .exec(conn)
                    .await?;
            }
        }
    }
    let mut rows: Vec<(Key, i64)> = summed.into_iter().filter(|(_, n)| *n != 0).collect();
    rows.sort_unstable();
    write(conn, rows, false).await?;
    Ok(read)
}

/// Every counter, for comparing the kept ones with a rebuild (tests).
pub async fn all<C: ConnectionTrait>(conn: &C) -> Result<Vec<String>, DbErr> {
    let backend = conn.get_database_backend();
    let mut out = Vec::new();
    for sql in [
        "SELECT owner_id, metric, key, n FROM metric_counts WHERE n <> 0",
        "SELECT owner_id, metric, CAST(grain AS INTEGER), day, bucket, n FROM metric_days \
         WHERE n <> 0",
    ] {
        let rows = conn
            .query_all_raw(Statement::from_string(backend, sql))
            .await?;
        for r in rows {
            let owner: Uuid = r.try_get_by_index(0)?;
            let metric: String = r.try_get_by_index(1)?;
            let line = if sql.contains("metric_counts") {
                let key: String = r.try_get_by_index(2)?;
                let n: i64 = r.try_get_by_index(3)?;
                format!("{owner} {metric} {key} = {n}")
            } else {
                let grain: i32 = r.try_get_by_index(2)?;
                let day: i32 = r.try_get_by_index(3)?;
                let bucket: i32 = r.try_get_by_index(4)?;
                let n: i64 = r.try_get_by_index(5)?;
                format!("{owner} {metric} g{grain} {day} b{bucket} = {n}")
            };
            out.push(line);
        }
    }
    out.sort();
    Ok(out)
}
