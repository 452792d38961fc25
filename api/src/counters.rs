//! Named counters behind human IDs (`ACC-000042`, `SR-2026-000123`): the only code touching
//! `counters`.

use sea_orm::{ConnectionTrait, DbErr, Statement};

use crate::sql::placeholders;

/// Takes the next value of a named counter inside the caller's transaction.
///
/// The upsert locks the counter row until the transaction ends, so concurrent transactions get
/// distinct values and a rolled-back one gives its number back.
pub async fn next_counter_value<C: ConnectionTrait>(conn: &C, name: &str) -> Result<i64, DbErr> {
    let backend = conn.get_database_backend();
    let sql = placeholders(
        backend,
        "INSERT INTO counters (name, value) VALUES (?, 1) \
         ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
    );
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [name.into()]))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("counter {name}")))?;
    row.try_get_by_index(0)
}
