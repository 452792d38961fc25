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
    audit_event::Entity::insert(audit_event::ActiveModel {
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
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}
