//! The only code running queries on `saved_views`.

use entity::saved_view;
use sea_orm::ActiveValue::{Set, Unchanged};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use uuid::Uuid;

pub type Changes = saved_view::ActiveModel;

pub async fn find<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
) -> Result<Option<saved_view::Model>, DbErr> {
    saved_view::Entity::find_by_id(id).one(conn).await
}

/// The owner's views, by name; only the pinned ones, by tile position, with `pinned`.
pub async fn of_owner<C: ConnectionTrait>(
    conn: &C,
    owner: Uuid,
    pinned: bool,
) -> Result<Vec<saved_view::Model>, DbErr> {
    let query = saved_view::Entity::find().filter(saved_view::Column::OwnerContactId.eq(owner));
    if pinned {
        query
            .filter(saved_view::Column::TilePosition.is_not_null())
            .order_by_asc(saved_view::Column::TilePosition)
            .order_by_asc(saved_view::Column::Id)
            .all(conn)
            .await
    } else {
        query
            .order_by_asc(saved_view::Column::NameKey)
            .all(conn)
            .await
    }
}

/// How many views the owner has.
pub async fn count_of_owner<C: ConnectionTrait>(conn: &C, owner: Uuid) -> Result<u64, DbErr> {
    saved_view::Entity::find()
        .filter(saved_view::Column::OwnerContactId.eq(owner))
        .count(conn)
        .await
}

/// The owner's view with this folded name, if any.
pub async fn named<C: ConnectionTrait>(
    conn: &C,
    owner: Uuid,
    name_key: &str,
) -> Result<Option<saved_view::Model>, DbErr> {
    saved_view::Entity::find()
        .filter(saved_view::Column::OwnerContactId.eq(owner))
        .filter(saved_view::Column::NameKey.eq(name_key))
        .one(conn)
        .await
}

pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    row: Changes,
) -> Result<saved_view::Model, DbErr> {
    row.insert(conn).await
}

/// Writes `changes` if the view still has `version`, bumping it; `None` otherwise.
pub async fn write_if_version<C: ConnectionTrait>(
    conn: &C,
    row: &saved_view::Model,
    mut changes: Changes,
) -> Result<Option<saved_view::Model>, DbErr> {
    changes.id = Unchanged(row.id);
    changes.version = Set(row.version + 1);
    let updated = saved_view::Entity::update_many()
        .set(changes)
        .filter(saved_view::Column::Id.eq(row.id))
        .filter(saved_view::Column::Version.eq(row.version))
        .exec_with_returning(conn)
        .await?;
    Ok(updated.into_iter().next())
}

pub async fn delete<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<u64, DbErr> {
    Ok(saved_view::Entity::delete_by_id(id)
        .exec(conn)
        .await?
        .rows_affected)
}
