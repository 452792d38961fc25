//! The schema of the support portal as an ordered list of migrations.
//!
//! The same [`Migrator`] runs at server start-up, from `portal migrate`, from this crate's own
//! CLI (`cargo run -p portal-migration -- up`) and in every test database.

pub use sea_orm_migration::prelude::*;

mod m20261121_000001_identity;
mod m20261121_000002_auth;
mod m20261121_000003_role_batches;
mod m20261121_000004_requests;
mod m20261121_000005_attachments;
mod m20261205_000006_sealed_mail_links;
mod m20261205_000007_reset_requests;
mod m20261205_000008_address_limits;
mod m20261205_000009_known_clients;
mod m20261205_000010_request_search;
mod m20261205_000011_request_counts;
mod m20261205_000012_saved_views;
mod m20261205_000013_request_sort_indexes;
mod m20261205_000014_request_metrics;
mod m20261206_000015_view_counts;
mod m20261206_000016_live_events;
mod m20261206_000017_request_follow_ups;

/// Applies the portal's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_identity::Migration),
            Box::new(m20261121_000002_auth::Migration),
            Box::new(m20261121_000003_role_batches::Migration),
            Box::new(m20261121_000004_requests::Migration),
            Box::new(m20261121_000005_attachments::Migration),
            Box::new(m20261205_000006_sealed_mail_links::Migration),
            Box::new(m20261205_000007_reset_requests::Migration),
            Box::new(m20261205_000008_address_limits::Migration),
            Box::new(m20261205_000009_known_clients::Migration),
            Box::new(m20261205_000010_request_search::Migration),
            Box::new(m20261205_000011_request_counts::Migration),
            Box::new(m20261205_000012_saved_views::Migration),
            Box::new(m20261205_000013_request_sort_indexes::Migration),
            Box::new(m20261205_000014_request_metrics::Migration),
            Box::new(m20261206_000015_view_counts::Migration),
            Box::new(m20261206_000016_live_events::Migration),
            Box::new(m20261206_000017_request_follow_ups::Migration),
        ]
    }
}
