//! `request_counts`: how many requests each company, requester and assignee has in each state,
//! changed by the transaction that inserts, changes or deletes a request (never by counting
//! rows when read). The only code touching that table.

use std::collections::BTreeMap;

use entity::{RequestState, request};
use sea_orm::{ActiveEnum, ConnectionTrait, DbErr, Statement, Value};
use uuid::Uuid;

use crate::sql::{placeholders, rows_of};

/// Whose requests a count is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CountScope {
    Company,
    Requester,
    Assignee,
}

impl CountScope {
    fn as_str(self) -> &'static str {
        match self {
            Self::Company => "COMPANY",
            Self::Requester => "REQUESTER",
            Self::Assignee => "ASSIGNEE",
        }
    }
}

/// The counts a request is part of.
fn keys(row: &request::Model) -> Vec<(CountScope, Uuid, RequestState)> {
    let mut keys = vec![
        (CountScope::Company, row.company_id, row.state),
        (CountScope::Requester, row.requester_contact_id, row.state),
    ];
    if let Some(assignee) = row.assignee_contact_id {
        keys.push((CountScope::Assignee, assignee, row.state));
    }
    keys
}

/// Moves a request's counts from `before` (absent when it is new) to `after` (absent when it
/// is deleted), in the caller's transaction, in one statement. Rows are changed in one order
/// everywhere (the statement's), so two transactions never wait for each other in a cycle.
pub async fn moved<C: ConnectionTrait>(
    conn: &C,
    before: Option<&request::Model>,
    after: Option<&request::Model>,
) -> Result<(), DbErr> {
    let mut deltas: BTreeMap<(CountScope, Uuid, String), i64> = BTreeMap::new();
    for (row, sign) in [(before, -1), (after, 1)] {
        for (scope, owner, state) in row.map(keys).unwrap_or_default() {
            *deltas.entry((scope, owner, state.to_value())).or_default() += sign;
        }
    }
    let mut values: Vec<Value> = Vec::with_capacity(deltas.len() * 4);
    for ((scope, owner, state), delta) in deltas {
        if delta != 0 {
            values.extend([
                scope.as_str().into(),
                owner.into(),
                state.into(),
                delta.into(),
            ]);
        }
    }
    if values.is_empty() {
        return Ok(());
    }
    let rows = rows_of(values.len() / 4, 4);
    let sql = format!(
        "INSERT INTO request_counts (scope, owner_id, state, n) VALUES {rows} \
         ON CONFLICT (scope, owner_id, state) DO UPDATE SET n = request_counts.n + excluded.n"
    );
    let backend = conn.get_database_backend();
    conn.execute_raw(Statement::from_sql_and_values(
        backend,
        placeholders(backend, &sql),
        values,
    ))
    .await?;
    Ok(())
}

/// One owner's counts per state.
pub async fn of_owner<C: ConnectionTrait>(
    conn: &C,
    scope: CountScope,
    owner: Uuid,
) -> Result<Vec<(RequestState, i64)>, DbErr> {
    let sql = "SELECT state, n FROM request_counts WHERE scope = ? AND owner_id = ?";
    rows(conn, sql, vec![scope.as_str().into(), owner.into()]).await
}

/// Every company's counts added up, per state.
pub async fn of_every_company<C: ConnectionTrait>(
    conn: &C,
) -> Result<Vec<(RequestState, i64)>, DbErr> {
    let sql = "SELECT state, CAST(SUM(n) AS BIGINT) FROM request_counts WHERE scope = ? \
               GROUP BY state";
    rows(conn, sql, vec![CountScope::Company.as_str().into()]).await
}

async fn rows<C: ConnectionTrait>(
    conn: &C,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<(RequestState, i64)>, DbErr> {
    let backend = conn.get_database_backend();
    let found = conn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, sql),
            values,
        ))
        .await?;
    let mut counts = Vec::with_capacity(found.len());
    for row in found {
        let state: String = row.try_get_by_index(0)?;
        let n: i64 = row.try_get_by_index(1)?;
        let state = RequestState::try_from_value(&state).map_err(|e| DbErr::Type(e.to_string()))?;
        counts.push((state, n));
    }
    Ok(counts)
}

/// Counts every request again (after a bulk load that bypassed [`moved`]).
pub async fn rebuild<C: ConnectionTrait>(conn: &C) -> Result<(), DbErr> {
    conn.execute_unprepared("DELETE FROM request_counts")
        .await?;
    for (scope, column, filter) in [
        (CountScope::Company, "company_id", ""),
        (CountScope::Requester, "requester_contact_id", ""),
        (
            CountScope::Assignee,
            "assignee_contact_id",
            " WHERE assignee_contact_id IS NOT NULL",
        ),
    ] {
        let sql = format!(
            "INSERT INTO request_counts (scope, owner_id, state, n) SELECT '{}', {column}, \
             state, COUNT(*) FROM requests{filter} GROUP BY {column}, state",
            scope.as_str()
        );
        conn.execute_unprepared(&sql).await?;
    }
    Ok(())
}
