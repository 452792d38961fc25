//! `requests.follow_up_of_id`: the closed request a new one follows up (seed `000_…`: a
//! question that comes after a request is closed, or past its reopen window, starts a new
//! request that names the old one). Indexed for listing a request's follow-ups.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("requests")
                    .add_column(uuid_null("follow_up_of_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("requests_follow_up_of")
                    .table("requests")
                    .col("follow_up_of_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("requests_follow_up_of")
                    .table("requests")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("requests")
                    .drop_column("follow_up_of_id")
                    .to_owned(),
            )
            .await
    }
}
