//! Saved request views, personal to the contact that saved them.

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
                    .table("saved_views")
                    .col(uuid("id").primary_key())
                    .col(uuid("owner_contact_id"))
                    .col(string_len("name", 80))
                    .col(string_len("name_key", 80))
                    .col(text("definition"))
                    .col(integer_null("tile_position"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("saved_views", "owner_contact_id")
                            .to("contacts", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("saved_views_owner_name")
                    .table("saved_views")
                    .col("owner_contact_id")
                    .col("name_key")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("saved_views").to_owned())
            .await
    }
}
