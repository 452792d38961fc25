//! `mail_outbox`: mails written in the same transaction as the change that causes them and
//! sent after commit by the mail worker.

use sea_orm::entity::prelude::*;

/// Delivery state of an outbox mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum MailStatus {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "SENT")]
    Sent,
    /// Given up after the last retry; kept for inspection.
    #[sea_orm(string_value = "FAILED")]
    Failed,
}

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The `Message-ID` header, the same on every delivery attempt.
    #[sea_orm(unique)]
    pub message_id: String,
    /// Template name, e.g. `WELCOME`.
    pub kind: String,
    pub account_id: Option<Uuid>,
    pub to_address: String,
    pub to_name: String,
    pub language: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A worker holds the mail until then; after that another may take it over.
    pub claimed_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// A single-use link (welcome, reset) sealed with the secret key: the bodies hold a
    /// placeholder the worker replaces when it sends the mail, then the bodies are blanked.
    pub sealed_link: Option<Vec<u8>>,
}

impl ActiveModelBehavior for ActiveModel {}
