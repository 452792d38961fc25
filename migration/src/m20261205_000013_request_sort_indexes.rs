//! Indexes for the queues' usual orders (newest, last changed), so a first page reads the rows
//! in order and stops after the page instead of sorting every matching request.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

const INDEXES: [(&str, &str); 2] = [
    ("requests_created", "created_at"),
    ("requests_updated", "updated_at"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, column) in INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("requests")
                        .col(column)
                        .col("id")
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table("requests").to_owned())
                .await?;
        }
        Ok(())
    }
}
