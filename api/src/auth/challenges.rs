//! The only place that reads and writes `login_challenges`: the short-lived tokens between the
//! password step and the second-factor step of a login.

use chrono::{DateTime, Utc};
use entity::login_challenge;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::sessions::token_hash;
use crate::ids::{AccountId, ContactId, new_uuid};

/// A challenge as stored.
pub type Challenge = login_challenge::Model;

/// Stores a new challenge for `token`.
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    token: &str,
    account_id: AccountId,
    contact_id: Option<ContactId>,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    login_challenge::Entity::insert(login_challenge::ActiveModel {
        id: Set(new_uuid()),
        token_hash: Set(token_hash(token)),
        account_id: Set(account_id.uuid()),
        contact_id: Set(contact_id.map(|id| id.uuid())),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The unused, unexpired challenge of a presented token, if any.
pub async fn find_usable<C: ConnectionTrait>(
    conn: &C,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Challenge>, DbErr> {
    Ok(login_challenge::Entity::find()
        .filter(login_challenge::Column::TokenHash.eq(token_hash(token)))
        .one(conn)
        .await?
        .filter(|row| row.used_at.is_none() && now < row.expires_at))
}

/// Voids every unused challenge of an account (its password changed: a challenge earned with
/// the old one must not open a session).
pub async fn void_for_account<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    login_challenge::Entity::update_many()
        .col_expr(login_challenge::Column::UsedAt, Some(now).into())
        .filter(login_challenge::Column::AccountId.eq(account_id))
        .filter(login_challenge::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Uses a challenge, if it is still unused (compare and set); whether it was.
pub async fn claim<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let claimed = login_challenge::Entity::update_many()
        .col_expr(login_challenge::Column::UsedAt, Some(now).into())
        .filter(login_challenge::Column::Id.eq(id))
        .filter(login_challenge::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    Ok(claimed.rows_affected == 1)
}
