//! The audit journal: append-only records of security and administrative actions.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use entity::audit_event;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

use crate::ids::new_uuid;

/// One journal entry, written in the transaction of the action it records.
#[derive(Debug, Clone, Default)]
pub struct AuditEntry {
    pub action: &'static str,
    pub actor_account_id: Option<Uuid>,
    pub company_id: Option<Uuid>,
    pub target_kind: Option<&'static str>,
    pub target_id: Option<Uuid>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub client_addr: Option<IpAddr>,
}

impl AuditEntry {
    /// An action of a person on their own account.
    pub fn on_account(action: &'static str, account_id: Uuid, client_addr: Option<IpAddr>) -> Self {
        Self {
            action,
            actor_account_id: Some(account_id),
            target_kind: Some("ACCOUNT"),
            target_id: Some(account_id),
            client_addr,
            ..Self::default()
        }
    }
}

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
        action: Set(entry.action.to_owned()),
        actor_account_id: Set(entry.actor_account_id),
        company_id: Set(entry.company_id),
        target_kind: Set(entry.target_kind.map(str::to_owned)),
        target_id: Set(entry.target_id),
        before: Set(entry.before.map(|v| v.to_string())),
        after: Set(entry.after.map(|v| v.to_string())),
        client_addr: Set(entry.client_addr.map(|a| a.to_string())),
    }
}

/// Which journal entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only these actions (all when empty).
    pub actions: Vec<String>,
    /// Only entries by this account.
    pub actor_account_id: Option<Uuid>,
    /// Only entries about this object.
    pub target_id: Option<Uuid>,
    /// Only this company's entries (the platform operator; Security Administrators always get
    /// their own company's).
    pub company_id: Option<Uuid>,
    /// Only entries at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only entries before this time.
    pub until: Option<DateTime<Utc>>,
}

/// One page of the journal, newest first.
pub async fn list(
    deps: &crate::deps::Deps,
    actor: &crate::auth::Actor,
    mut filter: AuditFilter,
    page: &crate::paging::PageRequest,
) -> crate::error::ApiResult<crate::paging::Page<audit_event::Model>> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    use sea_orm::{ColumnTrait, Order, QueryFilter, QueryOrder, QuerySelect};
    // The platform operator reads everything; a Security Administrator their company's only.
    if actor.platform_operator().is_err() {
        filter.company_id = Some(actor.security_administrator()?.company_id());
    }
    let after = page.after.as_ref().map(parse_cursor).transpose()?;
    let mut query = audit_event::Entity::find();
    if let Some(company) = filter.company_id {
        query = query.filter(audit_event::Column::CompanyId.eq(company));
    }
    if !filter.actions.is_empty() {
        query = query.filter(audit_event::Column::Action.is_in(filter.actions));
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
        query = query.filter(row.lt(Expr::tuple([Expr::val(at), Expr::val(id)])));
    }
    let rows = query
        .order_by(audit_event::Column::OccurredAt, Order::Desc)
        .order_by(audit_event::Column::Id, Order::Desc)
        .limit(page.fetch_limit())
        .all(deps.db.reader())
        .await?;
    Ok(crate::paging::Page::from_rows(page, rows, cursor))
}

fn cursor(event: &audit_event::Model) -> crate::paging::Cursor {
    crate::paging::Cursor::new(vec![
        "audit".to_owned(),
        event.occurred_at.to_rfc3339(),
        event.id.to_string(),
    ])
}

fn parse_cursor(cursor: &crate::paging::Cursor) -> crate::error::ApiResult<(DateTime<Utc>, Uuid)> {
    let invalid = crate::paging::Cursor::invalid;
    let [tag, at, id] = cursor.parts() else {
        return Err(invalid());
    };
    if tag != "audit" {
        return Err(invalid());
    }
    let at = DateTime::parse_from_rfc3339(at).map_err(|_| invalid())?;
    let id = Uuid::try_parse(id).map_err(|_| invalid())?;
    Ok((at.with_timezone(&Utc), id))
}
