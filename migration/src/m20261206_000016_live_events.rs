//! `live_events`: what subscriptions push (SPEC §8), written in the transaction of each change.
//!
//! An event's place in the stream is `(tx, id)`. On SQLite one writer at a time makes `id`
//! alone commit-ordered (`tx` is 0). On PostgreSQL `id` comes from a sequence, so a
//! transaction that took a lower `id` may commit after one that took a higher: `tx` is the
//! writing transaction's ID, and readers take only events whose transaction is older than
//! every transaction still running, in `(tx, id)` order. Nothing can then commit before what
//! was read, so a reader that remembers its place never skips an event.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tx_default = match manager.get_database_backend() {
            DatabaseBackend::Postgres => Expr::cust("(pg_current_xact_id()::text::bigint)"),
            _ => Expr::cust("0"),
        };
        manager
            .create_table(
                Table::create()
                    .table("live_events")
                    .col(big_pk_auto("id"))
                    .col(big_integer("tx").default(tx_default))
                    .col(timestamp_with_time_zone("occurred_at"))
                    // `REQUEST_CHANGED`, `ACCESS_CHANGED`, `CONTACT_CHANGED`.
                    .col(string_len("kind", 32))
                    // Whose the event is: the request's or the contact's company.
                    .col(uuid_null("company_id"))
                    // The account whose access changed (sessions, roles, obsolete marking).
                    .col(uuid_null("account_id"))
                    .col(uuid_null("request_id"))
                    // What a client needs to update its view, as JSON.
                    .col(text("payload"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("live_events_place")
                    .table("live_events")
                    .col("tx")
                    .col("id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("live_events_occurred_at")
                    .table("live_events")
                    .col("occurred_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("live_events").to_owned())
            .await
    }
}
