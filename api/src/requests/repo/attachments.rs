//! `request_attachments`: the files of requests and of their messages.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::request_attachment;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::files::StoredFile;
use crate::ids::{AttachmentId, RequestId, new_uuid};
use crate::requests::history::Author;

/// Records stored files as attachments of a request (and of one of its messages).
pub async fn insert_attachments<C: ConnectionTrait>(
    conn: &C,
    request_id: RequestId,
    message_id: Option<Uuid>,
    author: Author,
    now: DateTime<Utc>,
    files: &[StoredFile],
) -> Result<Vec<request_attachment::Model>, DbErr> {
    let mut rows = Vec::with_capacity(files.len());
    for file in files {
        let row = request_attachment::ActiveModel {
            id: Set(new_uuid()),
            request_id: Set(request_id.uuid()),
            message_id: Set(message_id),
            uploaded_by_account_id: Set(author.account_id),
            uploaded_by_contact_id: Set(author.contact_id),
            file_name: Set(file.file_name.clone()),
            content_type: Set(file.content_type.clone()),
            size_bytes: Set(i64::try_from(file.size).unwrap_or(i64::MAX)),
            sha256: Set(file.sha256.clone()),
            storage_key: Set(file.key.clone()),
            created_at: Set(now),
        }
        .insert(conn)
        .await?;
        rows.push(row);
    }
    Ok(rows)
}

/// An attachment by its ID.
pub async fn find_attachment<C: ConnectionTrait>(
    conn: &C,
    id: AttachmentId,
) -> Result<Option<request_attachment::Model>, DbErr> {
    request_attachment::Entity::find_by_id(id.uuid())
        .one(conn)
        .await
}

/// Deletes an attachment row (its file is deleted by the caller after commit).
pub async fn delete_attachment<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<(), DbErr> {
    request_attachment::Entity::delete_by_id(id)
        .exec(conn)
        .await?;
    Ok(())
}

/// The attachments of each of `messages` (one query for a page of them), in upload order.
pub async fn of_messages<C: ConnectionTrait>(
    conn: &C,
    messages: &[Uuid],
) -> Result<HashMap<Uuid, Vec<request_attachment::Model>>, DbErr> {
    let mut by_message: HashMap<Uuid, Vec<request_attachment::Model>> = HashMap::new();
    if messages.is_empty() {
        return Ok(by_message);
    }
    let rows = request_attachment::Entity::find()
        .filter(request_attachment::Column::MessageId.is_in(messages.iter().copied()))
        .order_by_asc(request_attachment::Column::Id)
        .all(conn)
        .await?;
    for row in rows {
        if let Some(message) = row.message_id {
            by_message.entry(message).or_default().push(row);
        }
    }
    Ok(by_message)
}

/// The keys among `keys` that no attachment row names.
pub async fn unreferenced<C: ConnectionTrait>(
    conn: &C,
    keys: Vec<String>,
) -> Result<Vec<String>, DbErr> {
    if keys.is_empty() {
        return Ok(keys);
    }
    let named: Vec<String> = request_attachment::Entity::find()
        .select_only()
        .column(request_attachment::Column::StorageKey)
        .filter(request_attachment::Column::StorageKey.is_in(keys.iter().cloned()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(keys.into_iter().filter(|k| !named.contains(k)).collect())
}
