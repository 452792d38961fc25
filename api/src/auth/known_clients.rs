//! The clients each account signed in from (`known_clients`). A client is its wider network (an
//! IPv4 /24, an IPv6 /48: a dynamic address or a privacy address changes within them) and its
//! browser and system as [`describe_agent`] names them (a browser update is the same client);
//! only a keyed fingerprint of the account and both is stored (`SecretBox::fingerprint`), so
//! the table tells nobody without the secret key where anyone signed in from. A sign-in from a
//! client the account never signed in from, when it had signed in before, is told to its owner
//! (`Template::NewSignIn`), naming the client by [`describe_agent`], never by the raw
//! `User-Agent` the client wrote. A password change or reset forgets them all. The only code
//! touching `known_clients`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbErr, Statement};

use super::login::Client;
use super::secrets::SecretBox;
use crate::ids::AccountId;
use crate::sql::placeholders;

/// Clients not seen for this long are forgotten (a sign-in from them is new again).
pub const FORGET_AFTER_DAYS: i64 = 365;

/// The browser and system a `User-Agent` names, e.g. `Firefox on Linux`; `None` for one this
/// does not recognise.
pub fn describe_agent(agent: &str) -> Option<String> {
    const BROWSERS: [(&str, &str); 9] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
        ("python-requests/", "Python requests"),
    ];
    const SYSTEMS: [(&str, &str); 7] = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("CrOS", "ChromeOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ];
    let browser = BROWSERS
        .iter()
        .find(|(token, _)| agent.contains(token))
        .map(|(_, name)| *name)?;
    Some(
        match SYSTEMS.iter().find(|(token, _)| agent.contains(token)) {
            Some((_, system)) => format!("{browser} on {system}"),
            None => browser.to_owned(),
        },
    )
}

/// The wider network of an address: IPv4 by /24, IPv6 by /48.
fn wide_network(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            IpAddr::V4(Ipv4Addr::new(a, b, c, 0))
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => wide_network(IpAddr::V4(v4)),
            None => {
                let [a, b, c, ..] = v6.segments();
                IpAddr::V6(Ipv6Addr::new(a, b, c, 0, 0, 0, 0, 0))
            }
        },
    }
}

/// The stored key of a client of `account_id`; `None` when nothing is known of it.
fn key_of(secrets: &SecretBox, account_id: AccountId, client: &Client) -> Option<String> {
    if client.addr.is_none() && client.agent.is_none() {
        return None;
    }
    let network = client.addr.map(|addr| wide_network(addr).to_string());
    let agent = client
        .agent
        .as_deref()
        .map(|agent| describe_agent(agent).unwrap_or_else(|| agent.to_owned()));
    Some(secrets.fingerprint(&[
        account_id.uuid().as_bytes(),
        network.unwrap_or_default().as_bytes(),
        agent.unwrap_or_default().as_bytes(),
    ]))
}

/// Records a sign-in of `account_id` from `client` at `now`; `true` when the client is new to
/// an account that had signed in from another one before (the first sign-in tells nothing).
pub async fn remember<C: ConnectionTrait>(
    conn: &C,
    secrets: &SecretBox,
    account_id: AccountId,
    client: &Client,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let Some(key) = key_of(secrets, account_id, client) else {
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

/// Forgets every client of `account_id` (its password changed: whoever knew the old one may
/// have signed in, and their client must not stay known).
pub async fn forget_all<C: ConnectionTrait>(conn: &C, account_id: AccountId) -> Result<u64, DbErr> {
    let backend = conn.get_database_backend();
    let done = conn
        .execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, "DELETE FROM known_clients WHERE account_id = ?"),
            [account_id.into()],
        ))
        .await?;
    Ok(done.rows_affected())
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
    use uuid::Uuid;

    use super::*;

    const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
    const FIREFOX_NEXT: &str =
        "Mozilla/5.0 (X11; Linux x86_64; rv:141.0) Gecko/20100101 Firefox/141.0";
    const CHROME_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
    const SAFARI_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";

    #[test]
    fn agents_are_named_by_browser_and_system() {
        assert_eq!(describe_agent(FIREFOX).as_deref(), Some("Firefox on Linux"));
        assert_eq!(
            describe_agent(CHROME_WINDOWS).as_deref(),
            Some("Chrome on Windows")
        );
        assert_eq!(
            describe_agent(SAFARI_IPHONE).as_deref(),
            Some("Safari on iOS")
        );
        assert_eq!(describe_agent("curl/8.5.0").as_deref(), Some("curl"));
        assert_eq!(
            describe_agent("Call your admin at https://evil.example"),
            None
        );
    }

    #[test]
    fn a_client_is_its_wider_network_and_its_browser_per_account() {
        let secrets = SecretBox::new(&[7; 32]);
        let account = AccountId::from_uuid(Uuid::from_u128(1));
        let key = |addr: &str, agent: Option<&str>| {
            key_of(
                &secrets,
                account,
                &Client::new(Some(addr.parse().unwrap()), agent),
            )
        };
        assert_eq!(
            key("198.51.100.7", Some(FIREFOX)),
            key("198.51.100.200", Some(FIREFOX_NEXT)),
            "same /24, browser updated"
        );
        assert_ne!(
            key("198.51.100.7", Some(FIREFOX)),
            key("198.51.101.7", Some(FIREFOX))
        );
        assert_eq!(
            key("2001:db8:1::1", Some(FIREFOX)),
            key("2001:db8:1:ff::1", Some(FIREFOX)),
            "same /48"
        );
        assert_ne!(
            key("2001:db8:1::1", Some(FIREFOX)),
            key("2001:db8:2::1", Some(FIREFOX))
        );
        assert_ne!(
            key("198.51.100.7", Some(FIREFOX)),
            key("198.51.100.7", Some(CHROME_WINDOWS))
        );
        let other = AccountId::from_uuid(Uuid::from_u128(2));
        let elsewhere = key_of(
            &secrets,
            other,
            &Client::new(Some("198.51.100.7".parse().unwrap()), Some(FIREFOX)),
        );
        assert_ne!(
            key("198.51.100.7", Some(FIREFOX)),
            elsewhere,
            "not linkable across accounts"
        );
        let other_key = SecretBox::new(&[8; 32]);
        let rekeyed = key_of(
            &other_key,
            account,
            &Client::new(Some("198.51.100.7".parse().unwrap()), Some(FIREFOX)),
        );
        assert_ne!(
            key("198.51.100.7", Some(FIREFOX)),
            rekeyed,
            "keyed by the secret key"
        );
        assert_eq!(key_of(&secrets, account, &Client::default()), None);
    }
}
