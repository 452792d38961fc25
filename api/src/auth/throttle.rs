//! Throttling of credential checks; the figures are in `limits`.
//!
//! Per account (in the database, so every server instance sees the same counts): after
//! `FREE_FAILURES` consecutive password failures each new check waits, the delay doubling up to
//! a maximum; never more than `PASSWORD_CHECKS_PER_HOUR` password checks in an hour; at most
//! `SECOND_FACTOR_FAILURES_PER_DAY` second-factor failures in 24 h. Each check is recorded as a
//! failure *before* it runs, so parallel requests cannot exceed the limits. The only code
//! touching `auth_attempts`.
//!
//! The per-address limit (in memory per instance, and in the database for all) is `address_limit`.

use chrono::{DateTime, Duration, Utc};
use entity::{AttemptKind, auth_attempt};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Statement,
};
use uuid::Uuid;

use super::limits::{
    ATTEMPT_RETENTION as RETENTION, PASSWORD_CHECKS_PER_HOUR, SECOND_FACTOR_FAILURES_PER_DAY,
    delay_after,
};
use crate::ids::{AccountId, new_uuid};
use crate::sql::placeholders;

/// A reserved credential check; record its success with [`succeeded`].
#[derive(Debug, Clone, Copy)]
pub struct Reservation(Uuid);

/// Locks the account row until the end of the transaction (PostgreSQL; on SQLite the write
/// transaction already serialises), so two checks of one account are counted one after the
/// other.
async fn lock_account<C: ConnectionTrait>(conn: &C, account_id: AccountId) -> Result<(), DbErr> {
    let backend = conn.get_database_backend();
    if backend == sea_orm::DatabaseBackend::Postgres {
        conn.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, "SELECT id FROM accounts WHERE id = ? FOR UPDATE"),
            [account_id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// The time of the latest attempt among `attempts`.
async fn latest<C: ConnectionTrait>(
    attempts: sea_orm::Select<auth_attempt::Entity>,
    conn: &C,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    attempts
        .order_by_desc(auth_attempt::Column::At)
        .select_only()
        .column(auth_attempt::Column::At)
        .into_tuple::<DateTime<Utc>>()
        .one(conn)
        .await
}

/// Reserves one check of `kind` for the account, or `None` when the account is throttled.
/// Call inside a write transaction.
pub async fn reserve<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
    kind: AttemptKind,
    now: DateTime<Utc>,
) -> Result<Option<Reservation>, DbErr> {
    lock_account(conn, account_id).await?;
    let of_kind = || {
        auth_attempt::Entity::find()
            .filter(auth_attempt::Column::AccountId.eq(account_id))
            .filter(auth_attempt::Column::Kind.eq(kind))
    };
    let allowed = match kind {
        AttemptKind::Password => {
            let last_hour = of_kind()
                .filter(auth_attempt::Column::At.gt(now - Duration::hours(1)))
                .count(conn)
                .await?;
            if last_hour >= PASSWORD_CHECKS_PER_HOUR {
                false
            } else {
                let last_success = latest(
                    of_kind().filter(auth_attempt::Column::Succeeded.eq(true)),
                    conn,
                )
                .await?;
                let mut failures = of_kind().filter(auth_attempt::Column::Succeeded.eq(false));
                if let Some(since) = last_success {
                    failures = failures.filter(auth_attempt::Column::At.gt(since));
                }
                let last_failure = latest(failures.clone(), conn).await?;
                let count = failures.count(conn).await?;
                last_failure.is_none_or(|at| now >= at + delay_after(count))
            }
        }
        AttemptKind::SecondFactor => {
            second_factor_failures(conn, account_id, now).await? < SECOND_FACTOR_FAILURES_PER_DAY
        }
    };
    if !allowed {
        return Ok(None);
    }
    let id = new_uuid();
    auth_attempt::Entity::insert(auth_attempt::ActiveModel {
        id: Set(id),
        account_id: Set(account_id.uuid()),
        kind: Set(kind),
        succeeded: Set(false),
        at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(Some(Reservation(id)))
}

/// Second-factor failures of the account in the last 24 hours (a reserved check counts as one
/// until it succeeds).
pub async fn second_factor_failures<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    auth_attempt::Entity::find()
        .filter(auth_attempt::Column::AccountId.eq(account_id))
        .filter(auth_attempt::Column::Kind.eq(AttemptKind::SecondFactor))
        .filter(auth_attempt::Column::Succeeded.eq(false))
        .filter(auth_attempt::Column::At.gt(now - Duration::hours(24)))
        .count(conn)
        .await
}

/// Records that a reserved check succeeded (it ends a run of consecutive failures).
pub async fn succeeded<C: ConnectionTrait>(
    conn: &C,
    reservation: Reservation,
) -> Result<(), DbErr> {
    auth_attempt::Entity::update_many()
        .col_expr(auth_attempt::Column::Succeeded, true.into())
        .filter(auth_attempt::Column::Id.eq(reservation.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes attempts no rule looks at any more.
pub async fn purge<C: ConnectionTrait>(conn: &C, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(auth_attempt::Entity::delete_many()
        .filter(auth_attempt::Column::At.lt(now - RETENTION))
        .exec(conn)
        .await?
        .rows_affected)
}
