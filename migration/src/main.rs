//! Stand-alone migration CLI: `cargo run -p portal-migration -- --help`.

use sea_orm_migration::prelude::*;

#[tokio::main]
async fn main() {
    cli::run_cli(migration::Migrator).await;
}
