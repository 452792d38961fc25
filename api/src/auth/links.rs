//! Single-use links (account set-up, password reset): 256-bit random tokens, stored as SHA-256,
//! with an expiry; issuing a new one voids the older unused ones of the same purpose. The only
//! code touching `auth_tokens`.

use chrono::{DateTime, Duration, Utc};
use entity::{TokenPurpose, auth_token};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
};

use super::sessions::{SessionToken, token_hash};
use crate::ids::{AccountId, new_uuid};

/// Issues a link token for the account, voiding its older unused ones of this purpose.
pub async fn issue<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
    valid_for: Duration,
) -> Result<SessionToken, DbErr> {
    auth_token::Entity::update_many()
        .col_expr(auth_token::Column::UsedAt, Some(now).into())
        .filter(auth_token::Column::AccountId.eq(account_id))
        .filter(auth_token::Column::Purpose.eq(purpose))
        .filter(auth_token::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    let token = SessionToken::generate();
    auth_token::Entity::insert(auth_token::ActiveModel {
        id: Set(new_uuid()),
        account_id: Set(account_id.uuid()),
        purpose: Set(purpose),
        token_hash: Set(token_hash(token.expose())),
        created_at: Set(now),
        expires_at: Set(now + valid_for),
        used_at: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(token)
}

/// How many links of this purpose the account was sent since `since`.
pub async fn issued_since<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
    purpose: TokenPurpose,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    auth_token::Entity::find()
        .filter(auth_token::Column::AccountId.eq(account_id))
        .filter(auth_token::Column::Purpose.eq(purpose))
        .filter(auth_token::Column::CreatedAt.gt(since))
        .count(conn)
        .await
}

/// Uses a link: the account it was issued for, if the token is known, unused, unexpired and of
/// this purpose. Marks it used (compare-and-set: of two parallel uses, one wins).
pub async fn consume<C: ConnectionTrait>(
    conn: &C,
    token: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<Option<AccountId>, DbErr> {
    let Some(row) = auth_token::Entity::find()
        .filter(auth_token::Column::TokenHash.eq(token_hash(token)))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    if row.purpose != purpose || row.used_at.is_some() || now >= row.expires_at {
        return Ok(None);
    }
    let used = auth_token::Entity::update_many()
        .col_expr(auth_token::Column::UsedAt, Some(now).into())
        .filter(auth_token::Column::Id.eq(row.id))
        .filter(auth_token::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    Ok((used.rows_affected == 1).then_some(AccountId::from_uuid(row.account_id)))
}

/// The account of a usable link (known, unused, unexpired, of this purpose), without using it:
/// forms check a link before the expensive work, then [`consume`] it in the write.
pub async fn peek<C: ConnectionTrait>(
    conn: &C,
    token: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<Option<AccountId>, DbErr> {
    Ok(auth_token::Entity::find()
        .filter(auth_token::Column::TokenHash.eq(token_hash(token)))
        .one(conn)
        .await?
        .filter(|row| row.purpose == purpose && row.used_at.is_none() && now < row.expires_at)
        .map(|row| AccountId::from_uuid(row.account_id)))
}
