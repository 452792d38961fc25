//! Kept counts of the pinned views that filter more than their queue and scope: each such
//! tile's figure is a row of `view_counts`, moved by the transaction of every request change,
//! so the console reads one row instead of counting requests. The only code touching that
//! table.
//!
//! A kept row holds the view's definition and its owner (a customer contact and their company,
//! or a member of the support, of no company). A request's change reads the rows of its
//! company and the support's, decides for each with the lists' own rules
//! ([`Audience::sees`], [`matches`]) whether the request was in the view before and is after,
//! and moves the count by the difference. Two figures are kept: the view as its owner sees it
//! with a team role (`n`), and only the owner's own requests in it (`own`), what a customer
//! without a team role sees in a view of no scope; so a role change leaves both right.
//!
//! Counting a view (when it is pinned or redefined) races with the changes written meanwhile.
//! On PostgreSQL a count first locks `requests` in SHARE mode: it waits for every transaction
//! that has written a request to commit (so it counts them), and every later write of a request
//! waits for the count to commit (so it reads the new kept row: a change reads the kept rows
//! after writing its request). A change either is in the count, or moves it; changes take no
//! lock of their own. SQLite writes one transaction at a time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use entity::request;
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement, Value};
use uuid::Uuid;

use super::definition::ViewDefinition;
use crate::requests::access::Audience;
use crate::requests::queues::{QueueQuery, Scope};
use crate::requests::repo::{count, matches};
use crate::sql::{placeholders, rows_of};

/// Most parsed definitions kept in memory (then the memory starts again).
const PARSED_MAX: usize = 10_000;

/// A kept view's query, parsed once per process and definition: every request change reads the
/// definitions of its company's kept views and the support's.
fn parsed(view: Uuid, definition: &str) -> Arc<QueueQuery> {
    type Parsed = HashMap<Uuid, (String, Arc<QueueQuery>)>;
    static PARSED: OnceLock<Mutex<Parsed>> = OnceLock::new();
    let memory = PARSED.get_or_init(Mutex::default);
    let mut memory = memory
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((text, query)) = memory.get(&view)
        && text == definition
    {
        return Arc::clone(query);
    }
    if memory.len() >= PARSED_MAX {
        memory.clear();
    }
    let query = Arc::new(ViewDefinition::from_json(definition).0.query);
    memory.insert(view, (definition.to_owned(), Arc::clone(&query)));
    query
}

/// A kept count as read: the definition counted and the two figures.
pub struct Kept {
    pub definition: String,
    pub n: i64,
    pub own: i64,
}

/// The kept views, read by [`kept_view`].
const KEPT_SQL: &str = "SELECT view_id, company_id, owner_contact_id, definition FROM view_counts";

/// A kept view as [`KEPT_SQL`] reads it: its ID, its owner's audience and its definition.
fn kept_view(found: &sea_orm::QueryResult) -> Result<(Uuid, Audience, String), DbErr> {
    let view: Uuid = found.try_get_by_index(0)?;
    let company: Option<Uuid> = found.try_get_by_index(1)?;
    let contact: Uuid = found.try_get_by_index(2)?;
    let audience = match company {
        Some(company) => Audience::Customer { company, contact },
        None => Audience::Staff { contact },
    };
    Ok((view, audience, found.try_get_by_index(3)?))
}

fn company_of(audience: Audience) -> (Option<Uuid>, Uuid) {
    match audience {
        Audience::Customer { company, contact } => (Some(company), contact),
        Audience::Staff { contact } => (None, contact),
    }
}

/// Before counting (PostgreSQL): no request written but not committed, none written until the
/// count commits.
async fn hold_request_writes<C: ConnectionTrait>(conn: &C) -> Result<(), DbErr> {
    if conn.get_database_backend() == DatabaseBackend::Postgres {
        conn.execute_unprepared("LOCK TABLE requests IN SHARE MODE")
            .await?;
    }
    Ok(())
}

async fn run<C: ConnectionTrait>(
    conn: &C,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
    let backend = conn.get_database_backend();
    conn.query_all_raw(Statement::from_sql_and_values(
        backend,
        placeholders(backend, sql),
        values,
    ))
    .await
}

/// Moves the kept counts of the views a request was in (`before`, absent when new) and is in
/// (`after`, absent when deleted), in the caller's transaction.
pub async fn moved<C: ConnectionTrait>(
    conn: &C,
    before: Option<&request::Model>,
    after: Option<&request::Model>,
) -> Result<(), DbErr> {
    let mut companies: Vec<Value> = Vec::with_capacity(2);
    for row in [before, after].into_iter().flatten() {
        let company = Value::from(row.company_id);
        if !companies.contains(&company) {
            companies.push(company);
        }
    }
    if companies.is_empty() {
        return Ok(());
    }
    let marks = vec!["?"; companies.len()].join(", ");
    let sql =
        format!("{KEPT_SQL} WHERE company_id IS NULL OR company_id IN ({marks}) ORDER BY view_id");
    let mut moves: Vec<Value> = Vec::new();
    for found in run(conn, &sql, companies).await? {
        let (view, audience, definition) = kept_view(&found)?;
        let query = parsed(view, &definition);
        let shown = |row: Option<&request::Model>, scope: Option<Scope>| {
            i64::from(row.is_some_and(|r| audience.sees(scope, true, r) && matches(&query, r)))
        };
        let n = shown(after, query.scope) - shown(before, query.scope);
        let own = shown(after, Some(Scope::Personal)) - shown(before, Some(Scope::Personal));
        if n != 0 || own != 0 {
            moves.extend([view.into(), n.into(), own.into()]);
        }
    }
    if moves.is_empty() {
        return Ok(());
    }
    // One statement for every view moved, in the order of their IDs.
    let rows = rows_of(moves.len() / 3, 3);
    let sql = format!(
        "UPDATE view_counts SET n = view_counts.n + d.column2, own = view_counts.own + d.column3 \
         FROM (VALUES {rows}) AS d WHERE view_counts.view_id = d.column1"
    );
    run(conn, &sql, moves).await?;
    Ok(())
}

/// Counts a pinned view's requests (as `audience` sees them) and keeps the figures from now
/// on, in the caller's writing transaction.
pub async fn keep<C: ConnectionTrait>(
    conn: &C,
    view: Uuid,
    audience: Audience,
    definition: &str,
) -> Result<Kept, DbErr> {
    hold_request_writes(conn).await?;
    let query = ViewDefinition::from_json(definition).0.query;
    let n = count(conn, audience.condition(query.scope, true), &query).await?;
    let own = count(
        conn,
        audience.condition(Some(Scope::Personal), true),
        &query,
    )
    .await?;
    let (n, own) = (to_i64(n), to_i64(own));
    let (company, owner) = company_of(audience);
    let sql = "INSERT INTO view_counts (view_id, company_id, owner_contact_id, definition, n, own) \
               VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (view_id) DO UPDATE SET \
               company_id = excluded.company_id, owner_contact_id = excluded.owner_contact_id, \
               definition = excluded.definition, n = excluded.n, own = excluded.own";
    let values = vec![
        view.into(),
        company.into(),
        owner.into(),
        definition.into(),
        n.into(),
        own.into(),
    ];
    run(conn, sql, values).await?;
    Ok(Kept {
        definition: definition.to_owned(),
        n,
        own,
    })
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Stops keeping a view's count (unpinned, redefined without a filter, deleted).
pub async fn forget<C: ConnectionTrait>(conn: &C, view: Uuid) -> Result<(), DbErr> {
    run(
        conn,
        "DELETE FROM view_counts WHERE view_id = ?",
        vec![view.into()],
    )
    .await?;
    Ok(())
}

/// A view's kept count, if it is kept.
pub async fn read<C: ConnectionTrait>(conn: &C, view: Uuid) -> Result<Option<Kept>, DbErr> {
    let sql = "SELECT definition, n, own FROM view_counts WHERE view_id = ?";
    let Some(found) = run(conn, sql, vec![view.into()]).await?.into_iter().next() else {
        return Ok(None);
    };
    Ok(Some(Kept {
        definition: found.try_get_by_index(0)?,
        n: found.try_get_by_index(1)?,
        own: found.try_get_by_index(2)?,
    }))
}

/// Counts every kept view again (after a bulk load that bypassed [`moved`]); how many.
pub async fn rebuild<C: ConnectionTrait>(conn: &C) -> Result<usize, DbErr> {
    let rows = run(conn, KEPT_SQL, Vec::new()).await?;
    for found in &rows {
        let (view, audience, definition) = kept_view(found)?;
        keep(conn, view, audience, &definition).await?;
    }
    Ok(rows.len())
}
