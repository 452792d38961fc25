//! Identity tables: companies, accounts, contacts (with their roles), sessions, counters, and
//! the idempotency keys of retried writes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

fn in_list(column: &'static str, values: &[&'static str]) -> SimpleExpr {
    Expr::col(column).is_in(values.iter().copied())
}

fn nullable_in_list(column: &'static str, values: &[&'static str]) -> SimpleExpr {
    Expr::col(column).is_null().or(in_list(column, values))
}

/// Text compared byte by byte on both databases, so lists sort and page the same way on SQLite
/// (always binary) and PostgreSQL (whose default collation follows the server's locale).
fn sortable(manager: &SchemaManager, mut column: ColumnDef) -> ColumnDef {
    if manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
        column.extra("COLLATE \"C\"");
    }
    column
}

const SUPPORT_ROLES: &[&str] = &[
    "SUPPORT_RESTRICTED",
    "SUPPORT_ADVANCED",
    "SUPPORT_ADMINISTRATOR",
];
const PROVIDER_ROLES: &[&str] = &["SUPPORT_AGENT", "SUPPORT_MANAGER", "PLATFORM_OPERATOR"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("counters")
                    .col(string_len("name", 64).primary_key())
                    .col(big_integer("value"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("companies")
                    .col(uuid("id").primary_key())
                    .col(string_len_uniq("human_id", 32))
                    .col(string_len("name", 200))
                    .col(sortable(manager, string_len("name_key", 200)))
                    .col(string_len("kind", 16))
                    .col(string_len("language", 8))
                    .col(boolean("require_two_factor"))
                    .col(big_integer("auto_close_after_secs"))
                    .col(big_integer("reopen_window_secs"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .check(in_list("kind", &["PROVIDER", "CUSTOMER"]))
                    .check(in_list("language", &["en", "fr"]))
                    .check(Expr::col("auto_close_after_secs").gt(0))
                    .check(Expr::col("reopen_window_secs").gte(0))
                    .to_owned(),
            )
            .await?;
        // At most one provider organisation.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX companies_one_provider ON companies (kind) \
                 WHERE kind = 'PROVIDER'",
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("accounts")
                    .col(uuid("id").primary_key())
                    .col(string_len_uniq("login", 254))
                    .col(string_len_uniq("email", 254))
                    .col(string_len("display_name", 200))
                    .col(string_len("language", 8))
                    .col(string_len("state", 16))
                    .col(text_null("password_hash"))
                    .col(boolean("must_change_password"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .check(in_list("state", &["PENDING", "ACTIVE", "DISABLED"]))
                    .check(in_list("language", &["en", "fr"]))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("contacts")
                    .col(uuid("id").primary_key())
                    .col(uuid("company_id"))
                    .col(uuid("account_id"))
                    .col(string_len("last_name", 100))
                    .col(string_len("first_name", 100))
                    .col(sortable(manager, string_len("email", 254)))
                    .col(sortable(manager, string_len("name_key", 210)))
                    .col(string_len_null("support_role", 32))
                    .col(boolean("security_admin"))
                    .col(string_len_null("provider_role", 32))
                    .col(string_len("status", 16))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("contacts", "company_id")
                            .to("companies", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("contacts", "account_id")
                            .to("accounts", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .check(nullable_in_list("support_role", SUPPORT_ROLES))
                    .check(nullable_in_list("provider_role", PROVIDER_ROLES))
                    .check(in_list("status", &["ACTIVE", "OBSOLETE"]))
                    // Provider staff hold no customer role.
                    .check(
                        Expr::col("provider_role")
                            .is_null()
                            .or(Expr::col("support_role")
                                .is_null()
                                .and(Expr::col("security_admin").eq(false))),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns, unique) in [
            (
                "contacts_company_account",
                &["company_id", "account_id"][..],
                true,
            ),
            ("contacts_company_email", &["company_id", "email"][..], true),
            (
                "contacts_company_name",
                &["company_id", "name_key", "id"][..],
                false,
            ),
            ("contacts_account", &["account_id"][..], false),
        ] {
            let mut index = Index::create();
            index.name(name).table("contacts");
            for column in columns {
                index.col(*column);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("sessions")
                    .col(uuid("id").primary_key())
                    .col(binary_len("token_hash", 32).unique_key())
                    .col(uuid("account_id"))
                    .col(uuid_null("contact_id"))
                    .col(boolean("two_factor"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("last_seen_at"))
                    .col(timestamp_with_time_zone("idle_expires_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("sessions", "account_id")
                            .to("accounts", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("sessions", "contact_id")
                            .to("contacts", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("sessions_account")
                    .table("sessions")
                    .col("account_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("idempotency_keys")
                    .col(uuid("account_id"))
                    .col(string_len("scope", 64))
                    .col(string_len("key", 128))
                    .col(uuid("target_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("account_id").col("scope").col("key"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("idempotency_keys", "account_id")
                            .to("accounts", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "idempotency_keys",
            "sessions",
            "contacts",
            "accounts",
            "companies",
            "counters",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
