//! The clients each account signed in from (`known_clients`). A client is its network (an IPv4
//! address, an IPv6 /64, as the address limit counts them) with its `User-Agent`; only the
//! SHA-256 of both is stored. A sign-in from a client the account never signed in from, when it
//! had signed in before, is told to its owner (`Template::NewSignIn`). The only code touching
//! `known_clients`.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbErr, Statement};
use sha2::{Digest, Sha256};

use super::address_limit::network_of;
use super::login::Client;
use crate::ids::AccountId;
use crate::sql::placeholders;

/// Clients not seen for this long are forgotten (a sign-in from them is new again).
pub const FORGET_AFTER_DAYS: i64 = 365;

/// The stored key of a client; `None` when nothing is known of it.
fn key_of(client: &Client) -> Option<String> {
    if client.addr.is_none() && client.agent.is_none() {
        return None;
    }
    let mut hash = Sha256::new();
    if let Some(addr) = client.addr {
        hash.update(network_of(addr).to_string().as_bytes());
    }
    hash.update([0]);
    if let Some(agent) = &client.agent {
        hash.update(agent.as_bytes());
    }
    Some(
        hash.finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect(),
    )
}

/// Records a sign-in of `account_id` from `client` at `now`; `true` when the client is new to
/// an account that had signed in from another one before (the first sign-in tells nothing).
pub async fn remember<C: ConnectionTrait>(
    conn: &C,
    account_id: AccountId,
    client: &Client,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let Some(key) = key_of(client) else {
        return Ok(false);
    };
    let backend = conn.get_database_backend();
    let run = |sql: &str, values: Vec<sea_orm::Value>| {
        Statement::from_sql_and_values(backend, placeholders(backend, sql), values)
    };
    let seen = conn
        .execute_raw(run(
            "UPDATE known_clients SET last_seen_at = ? WHERE account_id = ? AND client_key = ?",
            vec![now.into(), account_id.into(), key.clone().into()],
        ))
        .await?;
    if seen.rows_affected() > 0 {
        return Ok(false);
    }
    let others = conn
        .query_one_raw(run(
            "SELECT COUNT(*) FROM known_clients WHERE account_id = ?",
            vec![account_id.into()],
        ))
        .await?
        .map(|row| row.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0);
    let added = conn
        .execute_raw(run(
            "INSERT INTO known_clients (account_id, client_key, first_seen_at, last_seen_at) \
             VALUES (?, ?, ?, ?) ON CONFLICT (account_id, client_key) DO NOTHING",
            vec![account_id.into(), key.into(), now.into(), now.into()],
        ))
        .await?;
    Ok(others > 0 && added.rows_affected() > 0)
}

/// Forgets the clients not seen for [`FORGET_AFTER_DAYS`] before `now`.
pub async fn purge<C: ConnectionTrait>(conn: &C, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let backend = conn.get_database_backend();
    let done = conn
        .execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, "DELETE FROM known_clients WHERE last_seen_at < ?"),
            [(now - Duration::days(FORGET_AFTER_DAYS)).into()],
        ))
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_is_its_network_and_its_user_agent() {
        let at = |addr: &str, agent: Option<&str>| {
            key_of(&Client::new(Some(addr.parse().unwrap()), agent))
        };
        let firefox = Some("Mozilla/5.0 Firefox/140.0");
        assert_eq!(
            at("2001:db8::1", firefox),
            at("2001:db8::ffff", firefox),
            "same /64"
        );
        assert_ne!(at("2001:db8::1", firefox), at("2001:db8:0:1::1", firefox));
        assert_ne!(at("192.0.2.1", firefox), at("192.0.2.1", Some("curl/8.0")));
        assert_ne!(at("192.0.2.1", firefox), at("192.0.2.1", None));
        assert_eq!(key_of(&Client::default()), None);
        assert_eq!(at("192.0.2.1", None).map(|k| k.len()), Some(64));
    }
}
