//! The only place that reads and writes `companies`.

use chrono::{DateTime, Utc};
use entity::{CompanyKind, company};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Order, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::settings::CompanySettings;
use crate::counters::next_counter_value;
use crate::domain::{CompanyName, Language, fold};
use crate::error::ApiError;
use crate::ids::{CompanyId, company_human_id, new_uuid};
use crate::paging::{Cursor, PageRequest};
use crate::sql::escape_like;

pub async fn find<C: ConnectionTrait>(
    conn: &C,
    id: CompanyId,
) -> Result<Option<company::Model>, DbErr> {
    company::Entity::find_by_id(id.uuid()).one(conn).await
}

/// Companies by ID, read in chunks of 500 (SQLite bounds the parameters of a statement).
pub async fn find_many<C: ConnectionTrait>(
    conn: &C,
    ids: &[uuid::Uuid],
) -> Result<std::collections::HashMap<uuid::Uuid, company::Model>, DbErr> {
    let mut found = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows = company::Entity::find()
            .filter(company::Column::Id.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        found.extend(rows.into_iter().map(|c| (c.id, c)));
    }
    Ok(found)
}

pub async fn find_provider<C: ConnectionTrait>(conn: &C) -> Result<Option<company::Model>, DbErr> {
    company::Entity::find()
        .filter(company::Column::Kind.eq(CompanyKind::Provider))
        .one(conn)
        .await
}

/// Inserts a company with the next human ID, inside the caller's transaction.
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    kind: CompanyKind,
    name: &CompanyName,
    language: Language,
    now: DateTime<Utc>,
) -> Result<company::Model, DbErr> {
    let number = next_counter_value(conn, "company").await?;
    let model = company::Model {
        id: new_uuid(),
        human_id: company_human_id(number),
        name: name.as_str().to_owned(),
        name_key: fold(name.as_str()),
        kind,
        language: language.code().to_owned(),
        require_two_factor: false,
        auto_close_after_secs: CompanySettings::default().auto_close_after_secs,
        reopen_window_secs: CompanySettings::default().reopen_window_secs,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    company::Entity::insert(company::ActiveModel {
        id: Set(model.id),
        human_id: Set(model.human_id.clone()),
        name: Set(model.name.clone()),
        name_key: Set(model.name_key.clone()),
        kind: Set(model.kind),
        language: Set(model.language.clone()),
        require_two_factor: Set(model.require_two_factor),
        auto_close_after_secs: Set(model.auto_close_after_secs),
        reopen_window_secs: Set(model.reopen_window_secs),
        version: Set(model.version),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(model)
}

/// Writes a company's settings and bumps its version; the updated company.
pub async fn write_settings<C: ConnectionTrait>(
    conn: &C,
    company: &company::Model,
    settings: CompanySettings,
    now: DateTime<Utc>,
) -> Result<company::Model, DbErr> {
    company::Entity::update_many()
        .col_expr(
            company::Column::RequireTwoFactor,
            settings.require_two_factor.into(),
        )
        .col_expr(
            company::Column::AutoCloseAfterSecs,
            settings.auto_close_after_secs.into(),
        )
        .col_expr(
            company::Column::ReopenWindowSecs,
            settings.reopen_window_secs.into(),
        )
        .col_expr(
            company::Column::Version,
            Expr::col(company::Column::Version).add(1),
        )
        .col_expr(company::Column::UpdatedAt, now.into())
        .filter(company::Column::Id.eq(company.id))
        .exec(conn)
        .await?;
    Ok(company::Model {
        require_two_factor: settings.require_two_factor,
        auto_close_after_secs: settings.auto_close_after_secs,
        reopen_window_secs: settings.reopen_window_secs,
        version: company.version + 1,
        updated_at: now,
        ..company.clone()
    })
}

/// Takes the company's row lock until the transaction ends (PostgreSQL; SQLite has one writer
/// anyway): role batches, obsolete marking and first administrators of one company run one at
/// a time, so "at least one Security Administrator" cannot be broken by two at once.
pub async fn lock<C: ConnectionTrait>(
    conn: &C,
    id: CompanyId,
) -> Result<Option<company::Model>, DbErr> {
    let mut query = company::Entity::find_by_id(id.uuid());
    if conn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        query = query.lock_exclusive();
    }
    query.one(conn).await
}

/// Companies in creation order, optionally only those whose name or human ID contains `search`
/// (ignoring case and accents).
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    search: Option<&str>,
    after: Option<Uuid>,
    page: &PageRequest,
) -> Result<Vec<company::Model>, DbErr> {
    let mut query = company::Entity::find();
    if let Some(search) = search {
        let pattern = LikeExpr::new(format!("%{}%", escape_like(&fold(search)))).escape('\\');
        let human =
            LikeExpr::new(format!("%{}%", escape_like(&search.trim().to_uppercase()))).escape('\\');
        query = query.filter(
            Expr::col(company::Column::NameKey)
                .like(pattern)
                .or(Expr::col(company::Column::HumanId).like(human)),
        );
    }
    if let Some(after) = after {
        query = query.filter(company::Column::Id.gt(after));
    }
    query
        .order_by(company::Column::Id, Order::Asc)
        .limit(page.fetch_limit())
        .all(conn)
        .await
}

/// The cursor of a company in [`list`] order.
pub fn cursor(company: &company::Model) -> Cursor {
    Cursor::new(vec![company.id.to_string()])
}

/// Reads a cursor made by [`cursor`].
pub fn parse_cursor(cursor: &Cursor) -> Result<Uuid, ApiError> {
    match cursor.parts() {
        [id] => Uuid::try_parse(id).map_err(|_| Cursor::invalid()),
        _ => Err(Cursor::invalid()),
    }
}
