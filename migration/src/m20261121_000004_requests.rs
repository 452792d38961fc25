//! Support requests (SPEC §5): the request with its form fields and lifecycle state, its history,
//! its messages, its watchers and its attachments.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

const STATES: &[&str] = &[
    "DRAFT",
    "SUPPORT_ANALYSIS",
    "CUSTOMER_CLARIFICATION",
    "WAITING_EXTERNAL",
    "WAITING_CORRECTION",
    "SOLUTION_PROPOSED",
    "CLOSED",
];
const CATEGORIES: &[&str] = &[
    "SOFTWARE_USAGE",
    "SOFTWARE_DOWNLOAD",
    "SOFTWARE_ORDERING",
    "LICENSE_KEYS",
    "CONTACT_MANAGEMENT",
    "CERTIFICATION_TRAINING",
    "ADMINISTRATIVE_APPS",
];
const KINDS: &[&str] = &["ISSUE", "HOW_TO"];
const URGENCIES: &[&str] = &["LOW", "MEDIUM", "HIGH", "URGENT"];
const SIDES: &[&str] = &["CUSTOMER", "SUPPORT", "SYSTEM"];

fn nullable_in_list(column: &'static str, values: &[&'static str]) -> SimpleExpr {
    Expr::col(column)
        .is_null()
        .or(Expr::col(column).is_in(values.iter().copied()))
}

/// Text compared byte by byte on both databases (see the identity migration).
fn sortable(manager: &SchemaManager, mut column: ColumnDef) -> ColumnDef {
    if manager.get_database_backend() == DatabaseBackend::Postgres {
        column.extra("COLLATE \"C\"");
    }
    column
}

fn index(name: &str, table: &str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table.to_owned());
    for column in columns {
        index.col(*column);
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("requests")
                    .col(uuid("id").primary_key())
                    .col(uuid("company_id"))
                    .col(uuid("requester_contact_id"))
                    // `SR-2026-000123`, given at submission; drafts have none.
                    .col(sortable(manager, string_len_null("human_id", 24)))
                    .col(string_len("state", 32))
                    .col(string_len_null("category", 32))
                    .col(string_len_null("kind", 16))
                    .col(string_len_null("urgency", 16))
                    .col(sortable(manager, text_null("title")))
                    .col(text_null("description"))
                    .col(text_null("product"))
                    .col(text_null("environment_module"))
                    .col(text_null("environment_os"))
                    .col(text_null("environment_browser"))
                    .col(text_null("environment_version"))
                    .col(boolean("regression"))
                    .col(date_null("started_on"))
                    .col(boolean_null("happened_before"))
                    .col(integer_null("affected_users"))
                    .col(text_null("external_reference"))
                    .col(text_null("tag"))
                    // JSON array of normalised addresses.
                    .col(text("notify_emails"))
                    .col(boolean("follow_up"))
                    .col(uuid_null("assignee_contact_id"))
                    .col(integer("version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("submitted_at"))
                    .col(timestamp_with_time_zone("state_changed_at"))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    .col(timestamp_with_time_zone_null("first_response_at"))
                    // When a proposed solution closes by itself.
                    .col(timestamp_with_time_zone_null("auto_close_at"))
                    // When the next reminder is due (closure or clarification).
                    .col(timestamp_with_time_zone_null("remind_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("requests", "company_id")
                            .to("companies", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("requests", "requester_contact_id")
                            .to("contacts", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("requests", "assignee_contact_id")
                            .to("contacts", "id"),
                    )
                    .check(Expr::col("state").is_in(STATES.iter().copied()))
                    .check(nullable_in_list("category", CATEGORIES))
                    .check(nullable_in_list("kind", KINDS))
                    .check(nullable_in_list("urgency", URGENCIES))
                    // Only drafts lack a human ID.
                    .check(
                        Expr::col("state")
                            .eq("DRAFT")
                            .or(Expr::col("human_id").is_not_null()),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("requests_human_id", "requests", &["human_id"])
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("requests_company_state", &["company_id", "state"][..]),
            (
                "requests_requester_state",
                &["requester_contact_id", "state"],
            ),
            ("requests_assignee_state", &["assignee_contact_id", "state"]),
            ("requests_auto_close", &["auto_close_at"]),
            ("requests_remind", &["remind_at"]),
        ] {
            manager
                .create_index(index(name, "requests", columns))
                .await?;
        }

        // Every state change and field edit, append-only.
        manager
            .create_table(
                Table::create()
                    .table("request_events")
                    .col(uuid("id").primary_key())
                    .col(uuid("request_id"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(uuid_null("actor_account_id"))
                    .col(uuid_null("actor_contact_id"))
                    .col(string_len("side", 16))
                    .col(string_len("kind", 32))
                    .col(string_len_null("action", 32))
                    .col(string_len_null("from_state", 32))
                    .col(string_len_null("to_state", 32))
                    .col(string_len_null("field", 64))
                    .col(text_null("before"))
                    .col(text_null("after"))
                    .col(text_null("comment"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("request_events", "request_id")
                            .to("requests", "id"),
                    )
                    .check(Expr::col("side").is_in(SIDES.iter().copied()))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "request_events_request",
                "request_events",
                &["request_id", "occurred_at", "id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("request_messages")
                    .col(uuid("id").primary_key())
                    .col(uuid("request_id"))
                    .col(uuid_null("author_account_id"))
                    .col(uuid_null("author_contact_id"))
                    .col(string_len("side", 16))
                    // The lifecycle action the message came with, if any (a question, an
                    // answer, a reason, a final answer).
                    .col(string_len_null("action", 32))
                    .col(text("body"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("request_messages", "request_id")
                            .to("requests", "id"),
                    )
                    .check(Expr::col("side").is_in(SIDES.iter().copied()))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "request_messages_request",
                "request_messages",
                &["request_id", "created_at", "id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("request_watchers")
                    .col(uuid("request_id"))
                    .col(uuid("contact_id"))
                    .col(boolean("wants_mail"))
                    .col(uuid_null("added_by_account_id"))
                    .col(timestamp_with_time_zone("added_at"))
                    .primary_key(Index::create().col("request_id").col("contact_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("request_watchers", "request_id")
                            .to("requests", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("request_watchers", "contact_id")
                            .to("contacts", "id"),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("request_attachments")
                    .col(uuid("id").primary_key())
                    .col(uuid("request_id"))
                    .col(uuid_null("message_id"))
                    .col(uuid_null("uploaded_by_account_id"))
                    .col(text("file_name"))
                    .col(string_len("content_type", 128))
                    .col(big_integer("size_bytes"))
                    .col(string_len("sha256", 64))
                    .col(text("storage_key"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("request_attachments", "request_id")
                            .to("requests", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("request_attachments", "message_id")
                            .to("request_messages", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "request_attachments_request",
                "request_attachments",
                &["request_id", "created_at", "id"],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "request_attachments",
            "request_watchers",
            "request_messages",
            "request_events",
            "requests",
        ] {
            manager
                .drop_table(Table::drop().table(table.to_owned()).to_owned())
                .await?;
        }
        Ok(())
    }
}
