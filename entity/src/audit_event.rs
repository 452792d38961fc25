//! `audit_events`: the append-only journal of security and administrative actions.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub occurred_at: DateTimeUtc,
    /// What happened, e.g. `LOGIN_SUCCEEDED`.
    pub action: String,
    pub actor_account_id: Option<Uuid>,
    pub company_id: Option<Uuid>,
    /// The kind of object acted on, e.g. `ACCOUNT`.
    pub target_kind: Option<String>,
    pub target_id: Option<Uuid>,
    /// JSON of the state before the action, when it changed something.
    pub before: Option<String>,
    /// JSON of the state after the action.
    pub after: Option<String>,
    pub client_addr: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
