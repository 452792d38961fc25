//! Password reset requests are queued: answering one writes the same row whatever the
//! address, and the mail worker finds the account (if any) and sends the link afterwards, so
//! the answer takes the same time for every address.

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
                    .table("password_reset_requests")
                    .col(uuid("id").primary_key())
                    .col(string_len("address", 254))
                    .col(string_len_null("client_addr", 64))
                    .col(timestamp_with_time_zone("requested_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("password_reset_requests").to_owned())
            .await
    }
}
