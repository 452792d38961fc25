//! Staged role changes (the Security Administrator's apply-changes batch) and an append-only
//! audit journal enforced by the database itself.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

const SUPPORT_ROLES: &[&str] = &[
    "SUPPORT_RESTRICTED",
    "SUPPORT_ADVANCED",
    "SUPPORT_ADMINISTRATOR",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One row per contact per staging session: the roles the administrator wants, the roles
        // and version the contact had when staged. Rows die with their session.
        manager
            .create_table(
                Table::create()
                    .table("staged_role_changes")
                    .col(uuid("id").primary_key())
                    .col(uuid("session_id"))
                    .col(uuid("company_id"))
                    .col(uuid("contact_id"))
                    .col(uuid("staged_by_account_id"))
                    .col(integer("contact_version"))
                    .col(string_len_null("from_support_role", 32))
                    .col(boolean("from_security_admin"))
                    .col(string_len_null("to_support_role", 32))
                    .col(boolean("to_security_admin"))
                    .col(timestamp_with_time_zone("staged_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("staged_role_changes", "session_id")
                            .to("sessions", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("staged_role_changes", "contact_id")
                            .to("contacts", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .check(
                        Expr::col("to_support_role")
                            .is_null()
                            .or(Expr::col("to_support_role").is_in(SUPPORT_ROLES.iter().copied())),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("staged_role_changes_session_contact")
                    .table("staged_role_changes")
                    .col("session_id")
                    .col("contact_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("audit_events_time")
                    .table("audit_events")
                    .col("occurred_at")
                    .col("id")
                    .to_owned(),
            )
            .await?;

        // The journal is append-only: no statement may change or remove an entry.
        let connection = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                connection
                    .execute_unprepared(
                        "CREATE FUNCTION audit_events_append_only() RETURNS trigger \
                         LANGUAGE plpgsql AS $$ BEGIN \
                         RAISE EXCEPTION 'the audit journal is append-only'; END $$",
                    )
                    .await?;
                connection
                    .execute_unprepared(
                        "CREATE TRIGGER audit_events_append_only \
                         BEFORE UPDATE OR DELETE ON audit_events \
                         FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
                    )
                    .await?;
            }
            _ => {
                for event in ["UPDATE", "DELETE"] {
                    connection
                        .execute_unprepared(&format!(
                            "CREATE TRIGGER audit_events_no_{} BEFORE {event} ON audit_events \
                             BEGIN SELECT RAISE(ABORT, 'the audit journal is append-only'); END",
                            event.to_lowercase()
                        ))
                        .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let connection = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                connection
                    .execute_unprepared(
                        "DROP TRIGGER audit_events_append_only ON audit_events; \
                         DROP FUNCTION audit_events_append_only()",
                    )
                    .await?;
            }
            _ => {
                connection
                    .execute_unprepared(
                        "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete",
                    )
                    .await?;
            }
        }
        manager
            .drop_index(
                Index::drop()
                    .name("audit_events_time")
                    .table("audit_events")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("staged_role_changes").to_owned())
            .await
    }
}
