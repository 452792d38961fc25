//! `password_reset_requests`: reset requests waiting for the mail worker, which looks the
//! address up and sends a link when it is an active account's.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "password_reset_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The e-mail address or login as typed, trimmed and lower-cased.
    pub address: String,
    pub client_addr: Option<String>,
    pub requested_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
