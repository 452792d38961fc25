//! Idempotency keys: a client that retries a write with the same key gets the first result
//! instead of a second object. The only code touching `idempotency_keys`.

use chrono::{DateTime, Utc};
use entity::idempotency_key;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::domain::IdempotencyKey;
use crate::ids::AccountId;

/// The object a previous call with this key produced, if any.
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
    scope: &str,
    key: &IdempotencyKey,
) -> Result<Option<Uuid>, DbErr> {
    Ok(idempotency_key::Entity::find()
        .filter(idempotency_key::Column::AccountId.eq(account_id))
        .filter(idempotency_key::Column::Scope.eq(scope))
        .filter(idempotency_key::Column::Key.eq(key.as_str()))
        .one(conn)
        .await?
        .map(|row| row.target_id))
}

/// Remembers the result of a call, in the transaction that produced it. A concurrent call with
/// the same key fails here with a unique violation, and its transaction rolls back.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
    scope: &str,
    key: &IdempotencyKey,
    target_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    idempotency_key::Entity::insert(idempotency_key::ActiveModel {
        account_id: Set(account_id.uuid()),
        scope: Set(scope.to_owned()),
        key: Set(key.as_str().to_owned()),
        target_id: Set(target_id),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}
