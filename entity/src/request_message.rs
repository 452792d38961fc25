//! `request_messages`: what either side wrote on a request.

use sea_orm::entity::prelude::*;

use super::RequestSide;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request_messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub request_id: Uuid,
    pub author_account_id: Option<Uuid>,
    pub author_contact_id: Option<Uuid>,
    pub side: RequestSide,
    /// The lifecycle action the message came with (`CLARIFY`, `REFUSE`…), if any.
    pub action: Option<String>,
    pub body: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
