//! `counters`: named sequences for human-readable IDs (`ACC-004217`, `SR-2026-000123`),
//! incremented with `UPDATE … RETURNING` inside the transaction that uses the number, so they
//! are gap-free per committed row and unique under concurrency on both databases.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "counters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    pub value: i64,
}

impl ActiveModelBehavior for ActiveModel {}
