//! Files attached to a request: to its draft by the author, or to a message (or the text of a
//! lifecycle action) once submitted. They are reached only through a request the caller may
//! see; another company's attachment answers exactly like an unknown ID.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Utc};
use entity::{RequestState, request, request_attachment};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::access;
use super::repo::Author;
use super::service::{self, commit, lock_visible, not_allowed};
use crate::auth::RequestWorker;
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::files::StoredFile;
use crate::ids::new_uuid;

/// The error for an attachment the caller may not see, identical to an unknown ID's.
pub fn not_found() -> ApiError {
    ApiError::NotFound { what: "attachment" }
}

/// Records stored files as attachments of a request (and of one of its messages).
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    request_id: Uuid,
    message_id: Option<Uuid>,
    author: Author,
    now: DateTime<Utc>,
    files: &[StoredFile],
) -> ApiResult<Vec<request_attachment::Model>> {
    let mut rows = Vec::with_capacity(files.len());
    for file in files {
        let row = request_attachment::ActiveModel {
            id: Set(new_uuid()),
            request_id: Set(request_id),
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

/// Every attachment of a request, its draft's and its messages', oldest first.
pub async fn of_request<C: ConnectionTrait>(
    conn: &C,
    request_id: Uuid,
) -> ApiResult<Vec<request_attachment::Model>> {
    Ok(request_attachment::Entity::find()
        .filter(request_attachment::Column::RequestId.eq(request_id))
        .order_by_asc(request_attachment::Column::CreatedAt)
        .order_by_asc(request_attachment::Column::Id)
        .all(conn)
        .await?)
}

/// The attachments of each of `messages` (one query for a page of them), in upload order.
pub async fn of_messages<C: ConnectionTrait>(
    conn: &C,
    messages: &[Uuid],
) -> ApiResult<HashMap<Uuid, Vec<request_attachment::Model>>> {
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

/// The keys among `keys` that no attachment row names (files a refused or failed operation
/// left in storage).
pub async fn unreferenced<C: ConnectionTrait>(
    conn: &C,
    keys: Vec<String>,
) -> ApiResult<Vec<String>> {
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

/// How old a file no row names must be before the sweep deletes it: far longer than any
/// operation that could still record it.
pub const ORPHAN_GRACE_HOURS: i64 = 24;

/// Deletes the files of this month and the last that no attachment row names and that were
/// written more than [`ORPHAN_GRACE_HOURS`] before `now`: left by a client that went away while
/// its operation ran, or by a server that stopped. Safe with several instances (deleting twice
/// is harmless). Returns how many were deleted.
pub async fn sweep_orphans(deps: &Deps, now: DateTime<Utc>) -> ApiResult<usize> {
    let before = now - chrono::Duration::hours(ORPHAN_GRACE_HOURS);
    // The last day of the month before, for runs that were missed.
    let last_month = before - chrono::Duration::days(i64::from(before.day()));
    let mut deleted = 0;
    for month in [last_month, before] {
        let keys = deps
            .files
            .written_before(month, before)
            .await
            .map_err(ApiError::internal)?;
        for chunk in keys.chunks(500) {
            let orphans = unreferenced(deps.db.reader(), chunk.to_vec()).await?;
            deleted += orphans.len();
            deps.files.delete_all(orphans).await;
        }
    }
    Ok(deleted)
}

/// Marks a draft as edited now; returns it.
async fn touch<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<request::Model> {
    request::Entity::update_many()
        .col_expr(request::Column::UpdatedAt, now.into())
        .filter(request::Column::Id.eq(id))
        .exec_with_returning(conn)
        .await?
        .into_iter()
        .next()
        .ok_or_else(access::not_found)
}

/// Attaches files to the caller's own draft.
pub async fn add_to_draft(
    deps: &Deps,
    worker: &RequestWorker,
    request_id: Uuid,
    files: &[StoredFile],
) -> ApiResult<(request::Model, Vec<request_attachment::Model>)> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let row = lock_visible(&txn, worker, request_id, None).await?;
    if row.state != RequestState::Draft {
        return Err(not_allowed(
            "ADD_ATTACHMENT",
            row.state,
            access::side(worker),
        ));
    }
    if files.is_empty() {
        return Err(ApiError::bad_input(
            "files",
            InputReason::Required,
            "send at least one file",
        ));
    }
    let rows = record(&txn, row.id, None, service::author(worker), now, files).await?;
    let row = touch(&txn, row.id, now).await?;
    commit(txn, deps).await?;
    Ok((row, rows))
}

/// Removes an attachment from the caller's own draft, then its file. Attachments of submitted
/// requests are part of their record and are never removed.
pub async fn remove_from_draft(
    deps: &Deps,
    worker: &RequestWorker,
    attachment_id: Uuid,
) -> ApiResult<request::Model> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let attachment = request_attachment::Entity::find_by_id(attachment_id)
        .one(&txn)
        .await?
        .ok_or_else(not_found)?;
    let row = lock_visible(&txn, worker, attachment.request_id, None)
        .await
        .map_err(|err| match err {
            ApiError::NotFound { .. } => not_found(),
            other => other,
        })?;
    if row.state != RequestState::Draft {
        return Err(not_allowed(
            "REMOVE_ATTACHMENT",
            row.state,
            access::side(worker),
        ));
    }
    request_attachment::Entity::delete_by_id(attachment.id)
        .exec(&txn)
        .await?;
    let row = touch(&txn, row.id, now).await?;
    commit(txn, deps).await?;
    deps.files.delete_all([attachment.storage_key]).await;
    Ok(row)
}

/// An attachment of a request the worker may see.
pub async fn find_visible(
    deps: &Deps,
    worker: &RequestWorker,
    attachment_id: Uuid,
) -> ApiResult<request_attachment::Model> {
    let attachment = request_attachment::Entity::find_by_id(attachment_id)
        .one(deps.db.reader())
        .await?
        .ok_or_else(not_found)?;
    let request = super::repo::find(deps.db.reader(), attachment.request_id)
        .await?
        .filter(|row| access::can_see(worker, row));
    match request {
        Some(_) => Ok(attachment),
        None => Err(not_found()),
    }
}
