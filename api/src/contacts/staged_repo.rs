//! The only place that reads and writes `staged_role_changes`: role changes a Security
//! Administrator staged in one session and has not applied yet.

use chrono::{DateTime, Utc};
use entity::{session, staged_role_change};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::ids::{AccountId, CompanyId, ContactId};

/// A staged change as stored: the contact, its roles and version when staged, the roles to give.
pub type StagedChange = staged_role_change::Model;

/// The changes staged in `session` for `company`, oldest first.
pub async fn of_session<C: ConnectionTrait>(
    conn: &C,
    session_id: Uuid,
    company_id: CompanyId,
) -> Result<Vec<StagedChange>, DbErr> {
    use sea_orm::QueryOrder;
    staged_role_change::Entity::find()
        .filter(staged_role_change::Column::SessionId.eq(session_id))
        .filter(staged_role_change::Column::CompanyId.eq(company_id))
        .order_by_asc(staged_role_change::Column::StagedAt)
        .order_by_asc(staged_role_change::Column::Id)
        .all(conn)
        .await
}

/// Stores a staged change.
pub async fn insert<C: ConnectionTrait>(conn: &C, row: &StagedChange) -> Result<(), DbErr> {
    staged_role_change::Entity::insert(staged_role_change::ActiveModel {
        id: Set(row.id),
        session_id: Set(row.session_id),
        company_id: Set(row.company_id),
        contact_id: Set(row.contact_id),
        staged_by_account_id: Set(row.staged_by_account_id),
        contact_version: Set(row.contact_version),
        from_support_role: Set(row.from_support_role),
        from_security_admin: Set(row.from_security_admin),
        to_support_role: Set(row.to_support_role),
        to_security_admin: Set(row.to_security_admin),
        staged_at: Set(row.staged_at),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Deletes the changes staged in `session` for `company`: those of `contacts`, or all of them
/// when `None`; how many.
pub async fn delete_of_session<C: ConnectionTrait>(
    conn: &C,
    session_id: Uuid,
    company_id: CompanyId,
    contacts: Option<&[ContactId]>,
) -> Result<u64, DbErr> {
    let mine = || {
        staged_role_change::Entity::delete_many()
            .filter(staged_role_change::Column::SessionId.eq(session_id))
            .filter(staged_role_change::Column::CompanyId.eq(company_id))
    };
    let Some(ids) = contacts else {
        return Ok(mine().exec(conn).await?.rows_affected);
    };
    let mut deleted = 0;
    // SQLite bounds the parameters of a statement.
    for chunk in ids.chunks(500) {
        let chunk = chunk.iter().map(|id| id.uuid());
        let delete = mine().filter(staged_role_change::Column::ContactId.is_in(chunk));
        deleted += delete.exec(conn).await?.rows_affected;
    }
    Ok(deleted)
}

/// Deletes exactly these staged changes (the ones a batch applied).
pub async fn delete_ids<C: ConnectionTrait>(conn: &C, ids: &[Uuid]) -> Result<(), DbErr> {
    for chunk in ids.chunks(500) {
        staged_role_change::Entity::delete_many()
            .filter(staged_role_change::Column::Id.is_in(chunk.iter().copied()))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// Drops what one session staged (it ended).
pub async fn drop_of_session<C: ConnectionTrait>(conn: &C, session_id: Uuid) -> Result<(), DbErr> {
    staged_role_change::Entity::delete_many()
        .filter(staged_role_change::Column::SessionId.eq(session_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Drops what an account staged in its sessions other than `keep` (they ended).
pub async fn drop_of_account<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
    keep: Option<Uuid>,
) -> Result<(), DbErr> {
    let mut staged = staged_role_change::Entity::delete_many()
        .filter(staged_role_change::Column::StagedByAccountId.eq(account_id));
    if let Some(keep) = keep {
        staged = staged.filter(staged_role_change::Column::SessionId.ne(keep));
    }
    staged.exec(conn).await?;
    Ok(())
}

/// Deletes the staged role changes of sessions that have ended (revoked, idle or expired):
/// changes never applied are dropped with the session that staged them. Logout drops them at
/// once; this catches sessions that simply expired (run by the hourly maintenance).
pub async fn drop_of_dead_sessions<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let dead = Query::select()
        .column(session::Column::Id)
        .from(session::Entity)
        .cond_where(
            Expr::col(session::Column::RevokedAt)
                .is_not_null()
                .or(Expr::col(session::Column::ExpiresAt).lte(now))
                .or(Expr::col(session::Column::IdleExpiresAt).lte(now)),
        )
        .to_owned();
    let deleted = staged_role_change::Entity::delete_many()
        .filter(staged_role_change::Column::SessionId.in_subquery(dead))
        .exec(conn)
        .await?;
    Ok(deleted.rows_affected)
}
