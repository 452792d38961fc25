//! How many requests each company, requester and assignee has in each state, kept by the
//! transaction of every change, so the console's tiles read a few rows instead of counting.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// Counts of the requests already there (the application keeps them from now on).
const FILL: [&str; 3] = [
    "INSERT INTO request_counts (scope, owner_id, state, n) \
     SELECT 'COMPANY', company_id, state, COUNT(*) FROM requests GROUP BY company_id, state",
    "INSERT INTO request_counts (scope, owner_id, state, n) \
     SELECT 'REQUESTER', requester_contact_id, state, COUNT(*) FROM requests \
     GROUP BY requester_contact_id, state",
    "INSERT INTO request_counts (scope, owner_id, state, n) \
     SELECT 'ASSIGNEE', assignee_contact_id, state, COUNT(*) FROM requests \
     WHERE assignee_contact_id IS NOT NULL GROUP BY assignee_contact_id, state",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("request_counts")
                    // COMPANY, REQUESTER or ASSIGNEE.
                    .col(string_len("scope", 16))
                    // The company or contact.
                    .col(uuid("owner_id"))
                    .col(string_len("state", 32))
                    .col(big_integer("n"))
                    .primary_key(Index::create().col("scope").col("owner_id").col("state"))
                    .to_owned(),
            )
            .await?;
        for sql in FILL {
            manager.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("request_counts").to_owned())
            .await
    }
}
