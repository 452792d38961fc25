//! The only place that reads and writes `second_factors` and `recovery_codes`.

use chrono::{DateTime, Utc};
use entity::{recovery_code, second_factor};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter,
};
use uuid::Uuid;

use crate::ids::{AccountId, new_uuid};

/// An account's second factor: its sealed secret, when it was confirmed, the last step used.
pub type SecondFactor = second_factor::Model;

/// The account's second factor: a confirmed one, or (`confirmed` false) one waiting for its
/// first code.
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
    confirmed: bool,
) -> Result<Option<SecondFactor>, DbErr> {
    let column = second_factor::Column::ConfirmedAt;
    second_factor::Entity::find_by_id(account_id.uuid())
        .filter(if confirmed {
            column.is_not_null()
        } else {
            column.is_null()
        })
        .one(conn)
        .await
}

/// Whether the account has a confirmed second factor.
pub async fn is_enabled<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
) -> Result<bool, DbErr> {
    Ok(find(conn, account_id, true).await?.is_some())
}

/// Records `step` as the last accepted one, only if it is later than the last (compare and
/// set, so a code works once even in parallel); `confirm_at` also confirms a new factor.
pub async fn accept_step<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
    step: i64,
    confirm_at: Option<DateTime<Utc>>,
) -> Result<bool, DbErr> {
    let mut update = second_factor::Entity::update_many()
        .col_expr(second_factor::Column::LastStep, Some(step).into())
        .filter(second_factor::Column::AccountId.eq(account_id))
        .filter(
            Condition::any()
                .add(second_factor::Column::LastStep.is_null())
                .add(second_factor::Column::LastStep.lt(step)),
        );
    if let Some(at) = confirm_at {
        update = update.col_expr(second_factor::Column::ConfirmedAt, Some(at).into());
    }
    Ok(update.exec(conn).await?.rows_affected == 1)
}

/// Replaces any unconfirmed factor with a new one waiting for its first code; `false` (and
/// nothing written) when a confirmed one exists.
pub async fn start<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
    sealed_secret: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    if is_enabled(conn, account_id).await? {
        return Ok(false);
    }
    second_factor::Entity::delete_by_id(account_id.uuid())
        .exec(conn)
        .await?;
    second_factor::Entity::insert(second_factor::ActiveModel {
        account_id: Set(account_id.uuid()),
        secret: Set(sealed_secret),
        confirmed_at: Set(None),
        last_step: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(true)
}

/// Deletes the account's second factor and its recovery codes.
pub async fn remove<C: ConnectionTrait>(conn: &C, account_id: AccountId) -> Result<(), DbErr> {
    second_factor::Entity::delete_by_id(account_id.uuid())
        .exec(conn)
        .await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// A recovery code as stored: a salt and the salted SHA-256 of the code.
pub struct StoredCode {
    pub salt: Vec<u8>,
    pub hash: Vec<u8>,
}

/// Replaces the account's recovery codes.
pub async fn replace_recovery_codes<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
    codes: Vec<StoredCode>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .exec(conn)
        .await?;
    let rows = codes.into_iter().map(|code| recovery_code::ActiveModel {
        id: Set(new_uuid()),
        account_id: Set(account_id.uuid()),
        salt: Set(code.salt),
        code_hash: Set(code.hash),
        created_at: Set(now),
        used_at: Set(None),
    });
    recovery_code::Entity::insert_many(rows)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The account's unused recovery codes: (ID, salt, hash).
pub async fn unused_recovery_codes<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
) -> Result<Vec<(Uuid, StoredCode)>, DbErr> {
    Ok(recovery_code::Entity::find()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .all(conn)
        .await?
        .into_iter()
        .map(|row| {
            let code = StoredCode {
                salt: row.salt,
                hash: row.code_hash,
            };
            (row.id, code)
        })
        .collect())
}

/// Marks a recovery code used, if it still is unused (compare and set); whether it was.
pub async fn use_recovery_code<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let used = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Some(now).into())
        .filter(recovery_code::Column::Id.eq(id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    Ok(used.rows_affected == 1)
}

/// How many recovery codes the account has not used yet.
pub async fn count_unused<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
) -> Result<u64, DbErr> {
    recovery_code::Entity::find()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(conn)
        .await
}

/// Stores an already confirmed second factor, unless the account has one (the demo data).
pub async fn ensure_confirmed<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
    sealed_secret: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if second_factor::Entity::find_by_id(account_id.uuid())
        .one(conn)
        .await?
        .is_some()
    {
        return Ok(());
    }
    second_factor::Entity::insert(second_factor::ActiveModel {
        account_id: Set(account_id.uuid()),
        secret: Set(sealed_secret),
        confirmed_at: Set(Some(now)),
        last_step: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}
