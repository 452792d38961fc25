//! Idempotency keys: a client that retries a write with the same key gets the first result
//! instead of a second object.

use chrono::{DateTime, Utc};
use entity::idempotency_key;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::error::{ApiError, InputReason};

/// A client-chosen key: 1 to 128 printable ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &str, field: &str) -> Result<Self, ApiError> {
        if raw.is_empty() || raw.len() > 128 || !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ApiError::bad_input(
                field,
                InputReason::InvalidFormat,
                "must be 1 to 128 printable ASCII characters",
            ));
        }
        Ok(Self(raw.to_owned()))
    }
}

/// The object a previous call with this key produced, if any.
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    account_id: Uuid,
    scope: &str,
    key: &IdempotencyKey,
) -> Result<Option<Uuid>, DbErr> {
    Ok(idempotency_key::Entity::find()
        .filter(idempotency_key::Column::AccountId.eq(account_id))
        .filter(idempotency_key::Column::Scope.eq(scope))
        .filter(idempotency_key::Column::Key.eq(key.0.as_str()))
        .one(conn)
        .await?
        .map(|row| row.target_id))
}

/// Remembers the result of a call, in the transaction that produced it. A concurrent call with
/// the same key fails here with a unique violation, and its transaction rolls back.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    account_id: Uuid,
    scope: &str,
    key: &IdempotencyKey,
    target_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    idempotency_key::Entity::insert(idempotency_key::ActiveModel {
        account_id: Set(account_id),
        scope: Set(scope.to_owned()),
        key: Set(key.0.clone()),
        target_id: Set(target_id),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_printable_ascii() {
        assert!(IdempotencyKey::parse("3f1c-retry-1", "idempotencyKey").is_ok());
        for bad in ["", "with space", "é", &"k".repeat(129)] {
            assert!(
                IdempotencyKey::parse(bad, "idempotencyKey").is_err(),
                "{bad}"
            );
        }
    }
}
