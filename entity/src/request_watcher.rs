//! `request_watchers`: contacts who follow a request without being its requester.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request_watchers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub request_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub contact_id: Uuid,
    /// Whether the watcher wants mail about the request.
    pub wants_mail: bool,
    pub added_by_account_id: Option<Uuid>,
    pub added_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
