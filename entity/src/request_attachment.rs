//! `request_attachments`: files attached to a request or one of its messages.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request_attachments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub request_id: Uuid,
    pub message_id: Option<Uuid>,
    pub uploaded_by_account_id: Option<Uuid>,
    /// The contact shown as the uploader.
    pub uploaded_by_contact_id: Option<Uuid>,
    /// Sanitised file name.
    pub file_name: String,
    /// Detected from the content.
    pub content_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// Where the storage keeps the bytes.
    pub storage_key: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
