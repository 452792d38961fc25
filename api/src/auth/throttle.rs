//! Throttling of credential checks.
//!
//! Per account (in the database, so every server instance sees the same counts): after 10
//! consecutive password failures each new check waits 30 s, doubling up to 15 min; never more
//! than 100 password checks in an hour; at most 10 second-factor failures in 24 h. Each check
//! is recorded as a failure *before* it runs, so parallel requests cannot exceed the limits.
//!
//! Per client address (in memory, per instance): a fixed number of credential checks a minute,
//! answered with `RATE_LIMITED`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use entity::{AttemptKind, auth_attempt};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Statement,
};
use uuid::Uuid;

use crate::ids::new_uuid;
use crate::sql::placeholders;

/// Consecutive password failures before checks slow down.
pub const FREE_FAILURES: u64 = 10;
/// First delay once slowed down; it doubles with each further failure.
pub const FIRST_DELAY: Duration = Duration::seconds(30);
/// The longest delay between two checks of one account.
pub const MAX_DELAY: Duration = Duration::minutes(15);
/// Password checks per account per hour.
pub const PASSWORD_CHECKS_PER_HOUR: u64 = 100;
/// Second-factor failures per account per 24 hours.
pub const SECOND_FACTOR_FAILURES_PER_DAY: u64 = 10;
/// Attempts older than this are no longer needed by any rule.
pub const RETENTION: Duration = Duration::hours(24);

/// A reserved credential check; record its success with [`succeeded`].
#[derive(Debug, Clone, Copy)]
pub struct Reservation(Uuid);

/// The delay after `failures` consecutive failures.
pub fn delay_after(failures: u64) -> Duration {
    if failures < FREE_FAILURES {
        return Duration::zero();
    }
    let doublings = u32::try_from(failures - FREE_FAILURES)
        .unwrap_or(u32::MAX)
        .min(10);
    (FIRST_DELAY * 2_i32.pow(doublings)).min(MAX_DELAY)
}

/// Locks the account row until the end of the transaction (PostgreSQL; on SQLite the write
/// transaction already serialises), so two checks of one account are counted one after the
/// other.
async fn lock_account<C: ConnectionTrait>(conn: &C, account_id: Uuid) -> Result<(), DbErr> {
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
    account_id: Uuid,
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
            let failures = of_kind()
                .filter(auth_attempt::Column::Succeeded.eq(false))
                .filter(auth_attempt::Column::At.gt(now - Duration::hours(24)))
                .count(conn)
                .await?;
            failures < SECOND_FACTOR_FAILURES_PER_DAY
        }
    };
    if !allowed {
        return Ok(None);
    }
    let id = new_uuid();
    auth_attempt::Entity::insert(auth_attempt::ActiveModel {
        id: Set(id),
        account_id: Set(account_id),
        kind: Set(kind),
        succeeded: Set(false),
        at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(Some(Reservation(id)))
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

/// Credential checks per client address per minute (fixed windows), in memory.
#[derive(Debug)]
pub struct AddressLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<IpAddr, (i64, u32)>>,
}

impl AddressLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one check from `addr`; `false` when the address is over its limit.
    pub fn allow(&self, addr: IpAddr, now: DateTime<Utc>) -> bool {
        let minute = now.timestamp().div_euclid(60);
        let Ok(mut windows) = self.windows.lock() else {
            return false;
        };
        if windows.len() > 100_000 {
            windows.retain(|_, (window, _)| *window == minute);
        }
        let entry = windows.entry(addr).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        entry.1 <= self.per_minute
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_ten_failures_double_and_stop_at_fifteen_minutes() {
        assert_eq!(delay_after(9), Duration::zero());
        assert_eq!(delay_after(10), Duration::seconds(30));
        assert_eq!(delay_after(11), Duration::seconds(60));
        assert_eq!(delay_after(14), Duration::seconds(480));
        assert_eq!(delay_after(15), Duration::minutes(15));
        assert_eq!(delay_after(1_000), Duration::minutes(15));
    }

    #[test]
    fn addresses_get_their_own_budget_per_minute() {
        let limiter = AddressLimiter::new(3);
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        assert!((0..3).all(|_| limiter.allow(a, now)));
        assert!(!limiter.allow(a, now));
        assert!(limiter.allow(b, now));
        assert!(limiter.allow(a, now + Duration::seconds(60)));
    }
}
