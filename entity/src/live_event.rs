//! `live_events`: what subscriptions push, in the order `(tx, id)` (see the migration).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "live_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The writing transaction (PostgreSQL), 0 on SQLite; set by the database.
    pub tx: i64,
    pub occurred_at: DateTimeUtc,
    pub kind: String,
    pub company_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub request_id: Option<Uuid>,
    pub payload: String,
}

impl ActiveModelBehavior for ActiveModel {}
