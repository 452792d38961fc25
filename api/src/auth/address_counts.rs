//! Credential checks per client network and minute in `address_limits`, shared by every server
//! instance. The only code touching that table; the budget is `address_limit`'s.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, Statement};

use super::address_limit::minute_of;
use crate::sql::placeholders;

const COUNT_SQL: &str = "\
INSERT INTO address_limits (network, minute, checks) VALUES (?, ?, 1) \
ON CONFLICT (network, minute) DO UPDATE SET checks = address_limits.checks + 1 \
RETURNING checks";

/// Adds one check to the network's count for `minute`; the count so far, this one included.
pub async fn add_one<C: ConnectionTrait>(
    conn: &C,
    network: IpAddr,
    minute: i64,
) -> Result<i64, DbErr> {
    let backend = conn.get_database_backend();
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, COUNT_SQL),
            [network.to_string().into(), minute.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("address_limits count".into()))?;
    row.try_get_by_index::<i32>(0).map(i64::from)
}

/// Deletes the counts of minutes before the one of `now`.
pub async fn purge<C: ConnectionTrait>(conn: &C, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let backend = conn.get_database_backend();
    let done = conn
        .execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, "DELETE FROM address_limits WHERE minute < ?"),
            [minute_of(now).into()],
        ))
        .await?;
    Ok(done.rows_affected())
}
