//! Credential checks per client network per minute, counted in the database so that every
//! server instance sees the same budget (each instance also keeps a bound in memory).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("address_limits")
                    // An IPv4 address, or an IPv6 /64 network, as text.
                    .col(string_len("network", 64))
                    // Minutes since the Unix epoch.
                    .col(big_integer("minute"))
                    .col(integer("checks"))
                    .primary_key(Index::create().col("network").col("minute"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("address_limits_minute")
                    .table("address_limits")
                    .col("minute")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("address_limits").to_owned())
            .await
    }
}
