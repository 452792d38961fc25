//! Saving, renaming, deleting, pinning and ordering a person's views. Every view belongs to
//! the contact that saved it: anyone else gets `NOT_FOUND`, exactly as for an unknown ID.

use entity::saved_view;
use sea_orm::ActiveValue::Set;
use sea_orm::DatabaseTransaction;

use super::definition::ViewDefinition;
use super::{NAME_MAX, kept, repo};
use crate::auth::RequestWorker;
use crate::db::is_unique_violation;
use crate::deps::Deps;
use crate::domain::fold;
use crate::error::{ApiError, ApiResult, InputReason};
use crate::ids::{SavedViewId, new_uuid};
use crate::requests::access::{self, Audience, in_scope};
use crate::requests::{self, RequestFilter};

/// Most views one person keeps.
pub const VIEWS_MAX: u64 = 200;

/// A saved view as its owner opens it: what it shows, and what of it no longer exists.
#[derive(Debug, Clone)]
pub struct SavedView {
    pub row: saved_view::Model,
    pub definition: ViewDefinition,
    pub warnings: Vec<String>,
}

impl SavedView {
    fn of(row: saved_view::Model) -> Self {
        let (definition, warnings) = ViewDefinition::from_json(&row.definition);
        Self {
            row,
            definition,
            warnings,
        }
    }
}

/// A view to save: its name and what it shows.
#[derive(Debug, Clone)]
pub struct NewView {
    pub name: String,
    pub definition: ViewDefinition,
}

fn not_found() -> ApiError {
    ApiError::NotFound { what: "saved view" }
}

fn stale() -> ApiError {
    ApiError::Conflict {
        field: Some("version".into()),
        message: "the view changed since it was read; read it again".into(),
    }
}

fn taken() -> ApiError {
    ApiError::bad_input(
        "name",
        InputReason::Taken,
        "you already have a view with this name",
    )
}

/// A trimmed name of 1 to [`NAME_MAX`] characters without control characters, and its key.
fn checked_name(raw: &str) -> ApiResult<(String, String)> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(ApiError::bad_input(
            "name",
            InputReason::Required,
            "give the view a name",
        ));
    }
    if name.chars().count() > NAME_MAX {
        return Err(ApiError::bad_input(
            "name",
            InputReason::TooLong,
            format!("must be at most {NAME_MAX} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(ApiError::bad_input(
            "name",
            InputReason::InvalidFormat,
            "a name is one line of text",
        ));
    }
    // Folding can lengthen a few characters (İ → i̇); the key keeps the column's 80.
    let key = fold(name).chars().take(NAME_MAX).collect();
    Ok((name.to_owned(), key))
}

/// The caller's views, by name (only the pinned ones, in tile order, with `pinned`).
pub async fn list(deps: &Deps, worker: &RequestWorker, pinned: bool) -> ApiResult<Vec<SavedView>> {
    let owner = worker.contact_id().uuid();
    let rows = repo::of_owner(deps.db.reader(), owner, pinned).await?;
    Ok(rows.into_iter().map(SavedView::of).collect())
}

/// How many requests one of the caller's views holds (its tile's figure). A pinned view's is
/// never counted when read: the counts kept per company and person answer a view that filters
/// nothing beyond its queue and scope, its own kept count ([`kept`]) one that does (kept at once
/// when missing: a view pinned before counts were kept). Only an unpinned view is counted.
pub async fn count(deps: &Deps, worker: &RequestWorker, view: &SavedView) -> ApiResult<i64> {
    let query = &view.definition.query;
    in_scope(worker, query.scope)?;
    if query.filter == RequestFilter::default() {
        let counts = requests::queue_counts(deps, worker, query.scope).await?;
        return Ok(counts.of(query.queue));
    }
    let counted = || async {
        let n = requests::count(deps, worker, query).await?;
        ApiResult::Ok(i64::try_from(n).unwrap_or(i64::MAX))
    };
    if view.row.tile_position.is_none() {
        return counted().await;
    }
    let found = match kept::read(deps.db.reader(), view.row.id).await? {
        Some(found) if found.definition == view.row.definition => Some(found),
        _ => {
            let txn = deps.db.begin_write().await?;
            let row = own(&txn, worker, SavedViewId::from_uuid(view.row.id)).await?;
            keep_count(&txn, worker, &row).await?;
            let found = kept::read(&txn, row.id).await?;
            deps.commit(txn).await?;
            found.filter(|found| found.definition == view.row.definition)
        }
    };
    // Changed since it was read: counted as it was.
    let Some(found) = found else {
        return counted().await;
    };
    let own_only = query.scope.is_none() && !access::team(worker);
    Ok(if own_only { found.own } else { found.n })
}

/// Keeps the count of a view that is pinned and filters more than its queue and scope, and
/// stops keeping it otherwise, in the transaction that wrote the view.
async fn keep_count(
    txn: &DatabaseTransaction,
    worker: &RequestWorker,
    row: &saved_view::Model,
) -> ApiResult<()> {
    let (definition, _) = ViewDefinition::from_json(&row.definition);
    if row.tile_position.is_some() && definition.query.filter != RequestFilter::default() {
        kept::keep(txn, row.id, Audience::of(worker), &row.definition).await?;
    } else {
        kept::forget(txn, row.id).await?;
    }
    Ok(())
}

/// One of the caller's views.
pub async fn find(deps: &Deps, worker: &RequestWorker, id: SavedViewId) -> ApiResult<SavedView> {
    own(deps.db.reader(), worker, id).await.map(SavedView::of)
}

async fn own<C: sea_orm::ConnectionTrait>(
    conn: &C,
    worker: &RequestWorker,
    id: SavedViewId,
) -> ApiResult<saved_view::Model> {
    repo::find(conn, id.uuid())
        .await?
        .filter(|row| row.owner_contact_id == worker.contact_id().uuid())
        .ok_or_else(not_found)
}

/// Saves a view: over `existing` (at the version read) when given ("Save"), as a new view
/// otherwise ("Save As"). The name is unique among the caller's views.
pub async fn save(
    deps: &Deps,
    worker: &RequestWorker,
    existing: Option<(SavedViewId, Option<i32>)>,
    view: NewView,
) -> ApiResult<SavedView> {
    let (name, name_key) = checked_name(&view.name)?;
    // The scope must be one the caller may use (not the team for Support Restricted).
    in_scope(worker, view.definition.query.scope)?;
    let owner = worker.contact_id().uuid();
    let now = deps.clock.now();
    let txn = deps.db.begin_write().await?;
    let clash = repo::named(&txn, owner, &name_key).await?;
    let saved = match existing {
        Some((id, version)) => {
            let row = own(&txn, worker, id).await?;
            check_version(&row, version)?;
            if clash.is_some_and(|other| other.id != row.id) {
                return Err(taken());
            }
            let changes = repo::Changes {
                name: Set(name),
                name_key: Set(name_key),
                definition: Set(view.definition.to_json()),
                updated_at: Set(now),
                ..Default::default()
            };
            let saved = write(&txn, &row, changes).await?;
            keep_count(&txn, worker, &saved).await?;
            saved
        }
        None => {
            if clash.is_some() {
                return Err(taken());
            }
            if repo::count_of_owner(&txn, owner).await? >= VIEWS_MAX {
                return Err(ApiError::bad_input(
                    "name",
                    InputReason::OutOfRange,
                    format!(
                        "you have {VIEWS_MAX} views, the most one person keeps: delete one first"
                    ),
                ));
            }
            let row = repo::Changes {
                id: Set(new_uuid()),
                owner_contact_id: Set(owner),
                name: Set(name),
                name_key: Set(name_key),
                definition: Set(view.definition.to_json()),
                tile_position: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            };
            repo::insert(&txn, row).await.map_err(name_clash)?
        }
    };
    deps.commit(txn).await?;
    Ok(SavedView::of(saved))
}

/// Two saves of one name at once: the database's unique index decides, the loser is told.
fn name_clash(err: sea_orm::DbErr) -> ApiError {
    if is_unique_violation(&err) {
        taken()
    } else {
        err.into()
    }
}

fn check_version(row: &saved_view::Model, version: Option<i32>) -> ApiResult<()> {
    match version {
        Some(v) if v != row.version => Err(stale()),
        _ => Ok(()),
    }
}

async fn write(
    txn: &DatabaseTransaction,
    row: &saved_view::Model,
    changes: repo::Changes,
) -> ApiResult<saved_view::Model> {
    repo::write_if_version(txn, row, changes)
        .await
        .map_err(name_clash)?
        .ok_or_else(stale)
}

/// Renames one of the caller's views.
pub async fn rename(
    deps: &Deps,
    worker: &RequestWorker,
    id: SavedViewId,
    version: Option<i32>,
    name: &str,
) -> ApiResult<SavedView> {
    let (name, name_key) = checked_name(name)?;
    let txn = deps.db.begin_write().await?;
    let row = own(&txn, worker, id).await?;
    check_version(&row, version)?;
    let owner = worker.contact_id().uuid();
    if repo::named(&txn, owner, &name_key)
        .await?
        .is_some_and(|other| other.id != row.id)
    {
        return Err(taken());
    }
    let changes = repo::Changes {
        name: Set(name),
        name_key: Set(name_key),
        updated_at: Set(deps.clock.now()),
        ..Default::default()
    };
    let renamed = write(&txn, &row, changes).await?;
    deps.commit(txn).await?;
    Ok(SavedView::of(renamed))
}

/// Deletes one of the caller's views.
pub async fn delete(deps: &Deps, worker: &RequestWorker, id: SavedViewId) -> ApiResult<()> {
    let txn = deps.db.begin_write().await?;
    own(&txn, worker, id).await?;
    kept::forget(&txn, id.uuid()).await?;
    repo::delete(&txn, id.uuid()).await?;
    deps.commit(txn).await?;
    Ok(())
}

/// Pins a view to the console (after the other tiles) or unpins it.
pub async fn pin(
    deps: &Deps,
    worker: &RequestWorker,
    id: SavedViewId,
    pinned: bool,
) -> ApiResult<SavedView> {
    let txn = deps.db.begin_write().await?;
    let row = own(&txn, worker, id).await?;
    let position = if pinned {
        if row.tile_position.is_some() {
            return Ok(SavedView::of(row));
        }
        let tiles = repo::of_owner(&txn, row.owner_contact_id, true).await?;
        let last = tiles
            .iter()
            .filter_map(|t| t.tile_position)
            .max()
            .unwrap_or(0);
        Some(last + 1)
    } else {
        None
    };
    let changes = repo::Changes {
        tile_position: Set(position),
        ..Default::default()
    };
    let done = write(&txn, &row, changes).await?;
    keep_count(&txn, worker, &done).await?;
    deps.commit(txn).await?;
    Ok(SavedView::of(done))
}

/// Puts the caller's pinned views in this order; `ids` names each of them once.
pub async fn order_tiles(
    deps: &Deps,
    worker: &RequestWorker,
    ids: &[SavedViewId],
) -> ApiResult<Vec<SavedView>> {
    let owner = worker.contact_id().uuid();
    let txn = deps.db.begin_write().await?;
    let tiles = repo::of_owner(&txn, owner, true).await?;
    let mut given: Vec<_> = ids.iter().map(|id| id.uuid()).collect();
    let mut pinned: Vec<_> = tiles.iter().map(|t| t.id).collect();
    given.sort_unstable();
    pinned.sort_unstable();
    if given != pinned {
        return Err(ApiError::bad_input(
            "viewIds",
            InputReason::InvalidFormat,
            "name each of your pinned views once",
        ));
    }
    let mut ordered = Vec::with_capacity(ids.len());
    for (position, id) in ids.iter().enumerate() {
        let Some(row) = tiles.iter().find(|t| t.id == id.uuid()) else {
            continue;
        };
        let changes = repo::Changes {
            tile_position: Set(Some(i32::try_from(position).unwrap_or(i32::MAX) + 1)),
            ..Default::default()
        };
        ordered.push(SavedView::of(write(&txn, row, changes).await?));
    }
    deps.commit(txn).await?;
    Ok(ordered)
}
