//! How many WebSockets each client address (anonymous ones included) and each session hold
//! open, so that neither can exhaust the server's memory or file descriptors with idle sockets.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

/// Open sockets per key (a client address, a session).
pub struct SocketCounts<K> {
    open: Mutex<HashMap<K, usize>>,
}

impl<K> Default for SocketCounts<K> {
    fn default() -> Self {
        Self {
            open: Mutex::new(HashMap::new()),
        }
    }
}

/// One open socket of a key, counted until dropped.
pub struct SocketSlot<K: Hash + Eq + Copy> {
    counts: Arc<SocketCounts<K>>,
    key: K,
}

impl<K: Hash + Eq + Copy> SocketCounts<K> {
    /// A slot for one more socket of `key`, unless it already holds `max`.
    pub fn try_open(self: &Arc<Self>, key: K, max: usize) -> Option<SocketSlot<K>> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(key).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(SocketSlot {
            counts: Arc::clone(self),
            key,
        })
    }

    /// How many sockets `key` holds open.
    pub fn of(&self, key: K) -> usize {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.get(&key).copied().unwrap_or(0)
    }
}

impl<K: Hash + Eq + Copy> Drop for SocketSlot<K> {
    fn drop(&mut self) {
        let mut open = self
            .counts
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;

    #[test]
    fn an_address_holds_at_most_max_sockets_and_gets_them_back_when_they_close() {
        let counts = Arc::new(SocketCounts::default());
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let first = counts.try_open(a, 2).expect("first");
        let _second = counts.try_open(a, 2).expect("second");
        assert!(
            counts.try_open(a, 2).is_none(),
            "a third socket of the same address"
        );
        assert!(
            counts.try_open(b, 2).is_some(),
            "another address is not affected"
        );
        drop(first);
        assert_eq!(counts.of(a), 1);
        assert!(
            counts.try_open(a, 2).is_some(),
            "a closed socket frees its slot"
        );
        assert_eq!(counts.of(b), 0, "an address without sockets is forgotten");
    }
}
