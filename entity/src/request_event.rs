//! `request_events`: a request's history, every state change and field edit.

use sea_orm::entity::prelude::*;

use super::{RequestSide, RequestState};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub request_id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub actor_account_id: Option<Uuid>,
    pub actor_contact_id: Option<Uuid>,
    pub side: RequestSide,
    /// `CREATED`, `STATE_CHANGED`, `FIELD_CHANGED`, `ASSIGNED`, `WATCHER_ADDED`,
    /// `WATCHER_REMOVED`, `REMINDER_SENT`.
    pub kind: String,
    /// The lifecycle action, for state changes.
    pub action: Option<String>,
    pub from_state: Option<RequestState>,
    pub to_state: Option<RequestState>,
    /// The field edited, for field changes.
    pub field: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub comment: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
