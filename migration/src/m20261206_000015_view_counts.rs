//! The kept counts of pinned views that filter more than their queue and scope: each tile's
//! figure, changed by the transaction of every request change (see `views::kept`).

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
                    .table("view_counts")
                    .col(uuid("view_id").primary_key())
                    // The owner's company (a customer contact); absent for the provider's
                    // support, who see every company's requests.
                    .col(uuid_null("company_id"))
                    .col(uuid("owner_contact_id"))
                    // The definition counted (the view's, when it was last kept).
                    .col(text("definition"))
                    // In the view's scope, as seen with a team role; `own`: the owner's own.
                    .col(big_integer("n"))
                    .col(big_integer("own"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("view_counts", "view_id")
                            .to("saved_views", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        // A request's change reads the counts of its company's views and of the support's.
        manager
            .create_index(
                Index::create()
                    .name("view_counts_company")
                    .table("view_counts")
                    .col("company_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("view_counts").to_owned())
            .await
    }
}
