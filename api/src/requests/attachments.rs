//! Files attached to a request: to its draft by the author, or to a message (or the text of a
//! lifecycle action) once submitted. They are reached only through a request the caller may
//! see; another company's attachment answers exactly like an unknown ID.

use chrono::{DateTime, Datelike, Utc};
use entity::RequestState;
use futures_util::stream::BoxStream;

use super::access::{self, Visible};
use super::writing::{author, lock_visible, not_allowed, publish};
use super::{Attachment, Request, repo};
use crate::auth::RequestWorker;
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::files::StoredFile;
use crate::ids::{AttachmentId, RequestId};
use crate::live::RequestChange;

/// The error for an attachment the caller may not see, identical to an unknown ID's.
pub fn not_found() -> ApiError {
    ApiError::NotFound { what: "attachment" }
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
            let orphans = repo::unreferenced(deps.db.reader(), chunk.to_vec()).await?;
            deleted += orphans.len();
            deps.files.delete_all(orphans).await;
        }
    }
    Ok(deleted)
}

/// Deletes the received files of an operation that no attachment row names (the operation
/// refused them, failed, replayed an earlier call, or did not take files).
pub async fn discard_unrecorded(deps: &Deps, keys: Vec<String>) -> ApiResult<()> {
    let orphans = repo::unreferenced(deps.db.reader(), keys).await?;
    deps.files.delete_all(orphans).await;
    Ok(())
}

/// Attaches files to the caller's own draft.
pub async fn add_to_draft(
    deps: &Deps,
    worker: &RequestWorker,
    request_id: RequestId,
    files: &[StoredFile],
) -> ApiResult<(Visible<Request>, Vec<Visible<Attachment>>)> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let row = lock_visible(&txn, worker, request_id, None).await?;
    if row.state != RequestState::Draft {
        let side = access::side(worker);
        return Err(not_allowed("ADD_ATTACHMENT", row.state, side));
    }
    if files.is_empty() {
        return Err(ApiError::bad_input(
            "files",
            InputReason::Required,
            "send at least one file",
        ));
    }
    let who = author(worker);
    let rows = repo::insert_attachments(&txn, request_id, None, who, now, files).await?;
    let row = repo::touch(&txn, &row, now, false, None)
        .await?
        .ok_or_else(access::not_found)?;
    publish(&txn, now, &row, who, attachments_edited()).await?;
    deps.commit(txn).await?;
    let request = Visible::new(row, *worker);
    let added = rows.into_iter().map(|a| request.part(a)).collect();
    Ok((request, added))
}

/// A draft's files changed.
fn attachments_edited() -> RequestChange {
    RequestChange::FieldsEdited {
        fields: vec!["attachments".to_owned()],
    }
}

/// Removes an attachment from the caller's own draft, then its file. Attachments of submitted
/// requests are part of their record and are never removed.
pub async fn remove_from_draft(
    deps: &Deps,
    worker: &RequestWorker,
    attachment_id: AttachmentId,
) -> ApiResult<Visible<Request>> {
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let attachment = repo::find_attachment(&txn, attachment_id)
        .await?
        .ok_or_else(not_found)?;
    let request_id = RequestId::from_uuid(attachment.request_id);
    let row = lock_visible(&txn, worker, request_id, None)
        .await
        .map_err(|err| match err {
            ApiError::NotFound { .. } => not_found(),
            other => other,
        })?;
    if row.state != RequestState::Draft {
        let side = access::side(worker);
        return Err(not_allowed("REMOVE_ATTACHMENT", row.state, side));
    }
    repo::delete_attachment(&txn, attachment.id).await?;
    let row = repo::touch(&txn, &row, now, false, None)
        .await?
        .ok_or_else(access::not_found)?;
    publish(&txn, now, &row, author(worker), attachments_edited()).await?;
    deps.commit(txn).await?;
    deps.files.delete_all([attachment.storage_key]).await;
    Ok(Visible::new(row, *worker))
}

/// An attachment's bytes, for someone who can see its request.
pub struct Download {
    pub attachment: Visible<Attachment>,
    pub size: u64,
    pub bytes: BoxStream<'static, std::io::Result<bytes::Bytes>>,
}

/// Opens an attachment of a request the worker may see.
pub async fn download(
    deps: &Deps,
    worker: &RequestWorker,
    attachment_id: AttachmentId,
) -> ApiResult<Download> {
    let attachment = repo::find_attachment(deps.db.reader(), attachment_id)
        .await?
        .ok_or_else(not_found)?;
    let request_id = RequestId::from_uuid(attachment.request_id);
    let visible = repo::find(deps.db.reader(), request_id)
        .await?
        .is_some_and(|row| access::can_see(worker, &row));
    if !visible {
        return Err(not_found());
    }
    let (size, bytes) = deps
        .files
        .open(&attachment.storage_key)
        .await
        .map_err(|err| {
            ApiError::internal(anyhow::anyhow!(
                "the file of attachment {} ({}) cannot be read: {err}",
                attachment.id,
                attachment.storage_key
            ))
        })?;
    Ok(Download {
        attachment: Visible::new(attachment, *worker),
        size,
        bytes,
    })
}
