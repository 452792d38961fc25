//! The clients (network and `User-Agent`) each account signed in from, so that a sign-in from
//! a new one can be told to the account's owner.

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
                    .table("known_clients")
                    .col(uuid("account_id"))
                    // SHA-256 (hex) of the client's network and User-Agent.
                    .col(string_len("client_key", 64))
                    .col(timestamp_with_time_zone("first_seen_at"))
                    .col(timestamp_with_time_zone("last_seen_at"))
                    .primary_key(Index::create().col("account_id").col("client_key"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("known_clients", "account_id")
                            .to("accounts", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("known_clients_last_seen")
                    .table("known_clients")
                    .col("last_seen_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("known_clients").to_owned())
            .await
    }
}
