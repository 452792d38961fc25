//! Authentication and mail: one-time links, second factors, recovery codes, login challenges,
//! credential attempts (for throttling), the audit journal and the mail outbox.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

fn in_list(column: &'static str, values: &[&'static str]) -> SimpleExpr {
    Expr::col(column).is_in(values.iter().copied())
}

fn account_fk(table: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, "account_id")
        .to("accounts", "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: &'static str,
    columns: &[&'static str],
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(*column);
    }
    manager.create_index(index.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("auth_tokens")
                    .col(uuid("id").primary_key())
                    .col(uuid("account_id"))
                    .col(string_len("purpose", 16))
                    .col(binary_len("token_hash", 32).unique_key())
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .foreign_key(&mut account_fk("auth_tokens"))
                    .check(in_list("purpose", &["SETUP", "RESET"]))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "auth_tokens_account",
            "auth_tokens",
            &["account_id", "purpose", "created_at"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("second_factors")
                    .col(uuid("account_id").primary_key())
                    .col(binary("secret"))
                    .col(timestamp_with_time_zone_null("confirmed_at"))
                    .col(big_integer_null("last_step"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut account_fk("second_factors"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("recovery_codes")
                    .col(uuid("id").primary_key())
                    .col(uuid("account_id"))
                    .col(binary_len("salt", 16))
                    .col(binary_len("code_hash", 32))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .foreign_key(&mut account_fk("recovery_codes"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "recovery_codes_account",
            "recovery_codes",
            &["account_id"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("login_challenges")
                    .col(uuid("id").primary_key())
                    .col(binary_len("token_hash", 32).unique_key())
                    .col(uuid("account_id"))
                    .col(uuid_null("contact_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .foreign_key(&mut account_fk("login_challenges"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("auth_attempts")
                    .col(uuid("id").primary_key())
                    .col(uuid("account_id"))
                    .col(string_len("kind", 16))
                    .col(boolean("succeeded"))
                    .col(timestamp_with_time_zone("at"))
                    .foreign_key(&mut account_fk("auth_attempts"))
                    .check(in_list("kind", &["PASSWORD", "SECOND_FACTOR"]))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "auth_attempts_account",
            "auth_attempts",
            &["account_id", "kind", "at"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("audit_events")
                    .col(uuid("id").primary_key())
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(string_len("action", 64))
                    .col(uuid_null("actor_account_id"))
                    .col(uuid_null("company_id"))
                    .col(string_len_null("target_kind", 32))
                    .col(uuid_null("target_id"))
                    .col(text_null("before"))
                    .col(text_null("after"))
                    .col(string_len_null("client_addr", 64))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "audit_events_company",
            "audit_events",
            &["company_id", "occurred_at"],
        )
        .await?;
        index(
            manager,
            "audit_events_target",
            "audit_events",
            &["target_id", "occurred_at"],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("mail_outbox")
                    .col(uuid("id").primary_key())
                    .col(string_len_uniq("message_id", 200))
                    .col(string_len("kind", 32))
                    .col(uuid_null("account_id"))
                    .col(string_len("to_address", 254))
                    .col(string_len("to_name", 200))
                    .col(string_len("language", 8))
                    .col(string_len("subject", 300))
                    .col(text("body_text"))
                    .col(text("body_html"))
                    .col(string_len("status", 16))
                    .col(integer("attempts"))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("claimed_until"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .check(in_list("status", &["PENDING", "SENT", "FAILED"]))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "mail_outbox_due",
            "mail_outbox",
            &["status", "next_attempt_at"],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "mail_outbox",
            "audit_events",
            "auth_attempts",
            "login_challenges",
            "recovery_codes",
            "second_factors",
            "auth_tokens",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
