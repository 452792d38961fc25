//! The only place that reads and writes `audit_events` (triggers refuse updates and deletes).

use chrono::{DateTime, Utc};
use entity::audit_event;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Order, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::{AuditEntry, AuditFilter};
use crate::ids::{CompanyId, new_uuid};

/// Appends one entry, in the caller's transaction.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    entry: AuditEntry,
) -> Result<(), DbErr> {
    audit_event::Entity::insert(row(now, entry))
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Appends many entries in a few statements (a role batch), in the caller's transaction.
pub async fn record_many<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    entries: Vec<AuditEntry>,
) -> Result<(), DbErr> {
    // 10 columns a row: well below SQLite's 32766 bound parameters per statement.
    const BATCH: usize = 1_000;
    let mut rows = entries.into_iter().map(|e| row(now, e)).peekable();
    while rows.peek().is_some() {
        let batch: Vec<_> = rows.by_ref().take(BATCH).collect();
        audit_event::Entity::insert_many(batch)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

fn row(now: DateTime<Utc>, entry: AuditEntry) -> audit_event::ActiveModel {
    audit_event::ActiveModel {
        id: Set(new_uuid()),
        occurred_at: Set(now),
        action: Set(entry.action.code().to_owned()),
        actor_account_id: Set(entry.actor.map(|id| id.uuid())),
        company_id: Set(entry.company.map(|id| id.uuid())),
        target_kind: Set(entry.target.map(|t| t.kind().code().to_owned())),
        target_id: Set(entry.target.map(|t| t.uuid())),
        before: Set(entry.before.map(|v| v.to_string())),
        after: Set(entry.after.map(|v| v.to_string())),
        client_addr: Set(entry.client_addr.map(|a| a.to_string())),
    }
}

/// One page of entries newest first (or oldest first), of `company` when given, after the
/// entry at `after`.
pub async fn page<C: ConnectionTrait>(
    conn: &C,
    company: Option<CompanyId>,
    filter: &AuditFilter,
    oldest_first: bool,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> Result<Vec<audit_event::Model>, DbErr> {
    let mut query = audit_event::Entity::find();
    if let Some(company) = company {
        query = query.filter(audit_event::Column::CompanyId.eq(company));
    }
    if !filter.actions.is_empty() {
        query = query.filter(audit_event::Column::Action.is_in(filter.actions.iter().cloned()));
    }
    if let Some(actor) = filter.actor_account_id {
        query = query.filter(audit_event::Column::ActorAccountId.eq(actor));
    }
    if let Some(target) = filter.target_id {
        query = query.filter(audit_event::Column::TargetId.eq(target));
    }
    if let Some(since) = filter.since {
        query = query.filter(audit_event::Column::OccurredAt.gte(since));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_event::Column::OccurredAt.lt(until));
    }
    if let Some((at, id)) = after {
        let row = Expr::tuple([
            Expr::col(audit_event::Column::OccurredAt),
            Expr::col(audit_event::Column::Id),
        ]);
        let cursor = Expr::tuple([Expr::val(at), Expr::val(id)]);
        query = query.filter(if oldest_first {
            row.gt(cursor)
        } else {
            row.lt(cursor)
        });
    }
    let order = if oldest_first {
        Order::Asc
    } else {
        Order::Desc
    };
    query
        .order_by(audit_event::Column::OccurredAt, order.clone())
        .order_by(audit_event::Column::Id, order)
        .limit(limit)
        .all(conn)
        .await
}
