//! Attachments as people upload them: who uploaded each (the contact shown beside it), an
//! index to list a message's attachments, and one row per stored file (a file is deleted with
//! the one row that names it, and uploads no row names are found by key).

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
                    .table("request_attachments")
                    .add_column(uuid_null("uploaded_by_contact_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("request_attachments_message")
                    .table("request_attachments")
                    .col("message_id")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("request_attachments_storage_key")
                    .table("request_attachments")
                    .col("storage_key")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("request_attachments_storage_key")
                    .table("request_attachments")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("request_attachments_message")
                    .table("request_attachments")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("request_attachments")
                    .drop_column("uploaded_by_contact_id")
                    .to_owned(),
            )
            .await
    }
}
