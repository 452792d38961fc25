//! Credential checks per client address: a fixed number a minute, then `RATE_LIMITED`. The
//! transport admits each credential check through [`admit`]: counted first in memory (each
//! instance, which refuses floods without touching the database), then in the database
//! (`address_limits`, through `address_counts`, so that several server instances share one
//! budget per address).
//!
//! An IPv6 client is counted by its /64 (one subscriber's network), since changing the last
//! 64 bits is free. The table in memory holds at most [`MAX_TRACKED`] networks: when that many
//! are active in the same minute, networks not yet tracked are counted in the database only.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use super::address_counts;
use crate::deps::Deps;
use crate::error::{ApiError, ApiResult};

/// Client networks tracked at once.
pub const MAX_TRACKED: usize = 100_000;

/// The key a client address is counted under: IPv4 addresses whole, IPv6 by their /64.
pub fn network_of(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => addr,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let [a, b, c, d, ..] = v6.segments();
                IpAddr::V6(Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0))
            }
        },
    }
}

/// Counts one credential check from `addr` at `now`, in this instance's memory and then in the
/// database shared by every instance; `false` when the address's network is over its budget.
pub async fn admit(
    deps: &Deps,
    local: &AddressLimiter,
    addr: IpAddr,
    now: DateTime<Utc>,
) -> ApiResult<bool> {
    if !local.allow(addr, now) {
        return Ok(false);
    }
    let checks = address_counts::add_one(deps.db.writer(), network_of(addr), minute_of(now))
        .await
        .map_err(ApiError::internal)?;
    Ok(checks <= i64::from(local.per_minute))
}

/// The minute `now` falls in, counted from the Unix epoch.
pub fn minute_of(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(60)
}

/// Credential checks per client network per minute (fixed windows), in one instance's memory.
#[derive(Debug)]
pub struct AddressLimiter {
    per_minute: u32,
    max_tracked: usize,
    windows: Mutex<Windows>,
}

#[derive(Debug, Default)]
struct Windows {
    counts: HashMap<IpAddr, (i64, u32)>,
    /// The minute the table was last cleared of older minutes (once a minute at most).
    swept: i64,
}

impl AddressLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self::bounded(per_minute, MAX_TRACKED)
    }

    /// A limiter that tracks at most `max_tracked` networks.
    pub fn bounded(per_minute: u32, max_tracked: usize) -> Self {
        Self {
            per_minute,
            max_tracked: max_tracked.max(1),
            windows: Mutex::new(Windows::default()),
        }
    }

    /// Counts one check from `addr`; `false` when its network is over its limit here. When the
    /// table is full of networks active this minute, a network not in it is not counted here
    /// (`true`): the shared count in the database still applies to it, and refusing it would
    /// let whoever fills the table lock every new client out.
    pub fn allow(&self, addr: IpAddr, now: DateTime<Utc>) -> bool {
        let key = network_of(addr);
        let minute = minute_of(now);
        let Ok(mut windows) = self.windows.lock() else {
            return false;
        };
        let windows = &mut *windows;
        if !windows.counts.contains_key(&key) && windows.counts.len() >= self.max_tracked {
            if windows.swept != minute {
                windows.swept = minute;
                windows.counts.retain(|_, (window, _)| *window == minute);
            }
            if windows.counts.len() >= self.max_tracked {
                tracing::warn!(
                    tracked = windows.counts.len(),
                    "address limiter full: new networks are counted in the database only"
                );
                return true;
            }
        }
        let entry = windows.counts.entry(key).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        entry.1 <= self.per_minute
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn addresses_get_their_own_budget_per_minute() {
        let limiter = AddressLimiter::new(3);
        let now = at(0);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        assert!((0..3).all(|_| limiter.allow(a, now)));
        assert!(!limiter.allow(a, now));
        assert!(limiter.allow(b, now));
        assert!(limiter.allow(a, now + Duration::seconds(60)));
    }

    #[test]
    fn an_ipv6_network_shares_one_budget_whatever_its_last_64_bits() {
        let limiter = AddressLimiter::new(2);
        let first: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let sibling: IpAddr = "2001:db8:1:2:ffff:ffff:ffff:ffff".parse().unwrap();
        let neighbour: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert!(limiter.allow(first, at(0)));
        assert!(limiter.allow(sibling, at(0)));
        assert!(!limiter.allow(first, at(0)));
        assert!(limiter.allow(neighbour, at(0)));
        let mapped: IpAddr = "::ffff:192.0.2.9".parse().unwrap();
        assert_eq!(network_of(mapped), "192.0.2.9".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn the_table_is_bounded_and_leaves_new_networks_to_the_shared_count_when_full() {
        let limiter = AddressLimiter::bounded(5, 2);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let c: IpAddr = "192.0.2.3".parse().unwrap();
        assert!(limiter.allow(a, at(0)));
        assert!(limiter.allow(b, at(0)));
        // Full of networks active this minute: a new one is left to the shared count.
        assert!((0..10).all(|_| limiter.allow(c, at(0))));
        assert!(
            (0..4).all(|_| limiter.allow(a, at(0))),
            "tracked networks go on"
        );
        assert!(!limiter.allow(a, at(0)), "and stop at their limit");
        assert!(limiter.allow(c, at(60)), "a new minute frees the table");
        assert!((0..4).all(|_| limiter.allow(c, at(60))));
        assert!(!limiter.allow(c, at(60)), "c is tracked again");
    }
}
