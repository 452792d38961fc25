//! Links that open an account (welcome and reset links) are no longer kept readable in the
//! outbox: the link is sealed with the secret key and put into the mail only when it is sent,
//! after which the stored bodies are blanked.

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
                    .table("mail_outbox")
                    .add_column(binary_null("sealed_link"))
                    .to_owned(),
            )
            .await?;
        // Rows written before hold their links in the clear: blank those already delivered or
        // given up (the worker blanks the pending ones once it has sent them).
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE mail_outbox SET body_text = '(removed once sent: it held a single-use link)', \
             body_html = '<p>(removed once sent: it held a single-use link)</p>' \
             WHERE kind IN ('WELCOME', 'PASSWORD_RESET') AND status <> 'PENDING'",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("mail_outbox")
                    .drop_column("sealed_link")
                    .to_owned(),
            )
            .await
    }
}
