//! Dashboard figures kept by the transaction of every change (SPEC §7), so a dashboard reads a
//! few hundred rows whatever the number of requests:
//!
//! - `metric_counts`: what holds now — submitted requests per state × urgency × category, open
//!   requests per assignee — per company and for every company (`owner_id` all zeros);
//! - `metric_days`: what happened per day and per month — submissions, closures, reopenings,
//!   and the histograms of the durations (first response, resolution, waiting) — plus the open
//!   requests per day of submission (the backlog's ages);
//! - on `requests`, the seconds each request has waited on the customer and on support.
//!
//! Both tables are clustered on their key (SQLite `WITHOUT ROWID`; on PostgreSQL the count is
//! in the unique index), so a read never leaves the index. Filled by `portal` at startup for
//! requests that are already there.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

/// Table, its key columns.
const KEYS: [(&str, &str); 2] = [
    ("metric_counts", "owner_id, metric, key"),
    ("metric_days", "owner_id, metric, grain, day, bucket"),
];

fn tables() -> [TableCreateStatement; 2] {
    [
        Table::create()
            .table("metric_counts")
            .col(uuid("owner_id"))
            .col(string_len("metric", 16))
            .col(string_len("key", 80))
            .col(big_integer("n"))
            .to_owned(),
        Table::create()
            .table("metric_days")
            .col(uuid("owner_id"))
            .col(string_len("metric", 16))
            // 0: a day, 1: a month.
            .col(small_integer("grain"))
            // Days since 1970-01-01 (UTC) of the day, or of the month's first day.
            .col(integer("day"))
            // A duration histogram's bucket; 0 for plain counts.
            .col(integer("bucket"))
            .col(big_integer("n"))
            .to_owned(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["customer_wait_secs", "support_wait_secs"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("requests")
                        .add_column(big_integer(column).default(0))
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        for (table, (name, key)) in tables().iter().zip(KEYS) {
            match manager.get_database_backend() {
                DatabaseBackend::Sqlite => {
                    let mut sql = table.to_string(SqliteQueryBuilder);
                    let end = sql.rfind(')').unwrap_or(sql.len());
                    sql.insert_str(end, &format!(", PRIMARY KEY ({key})"));
                    db.execute_unprepared(&format!("{sql} WITHOUT ROWID"))
                        .await?;
                }
                _ => {
                    db.execute_unprepared(&table.to_string(PostgresQueryBuilder))
                        .await?;
                    db.execute_unprepared(&format!(
                        "CREATE UNIQUE INDEX {name}_key ON {name} ({key}) INCLUDE (n)"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in KEYS {
            manager
                .drop_table(Table::drop().table(name).to_owned())
                .await?;
        }
        for column in ["customer_wait_secs", "support_wait_secs"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("requests")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
