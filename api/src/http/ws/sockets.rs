//! How many WebSockets each client address holds open, anonymous ones included, so that one
//! address cannot exhaust the server's memory or file descriptors with idle sockets.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// Open sockets per client address.
#[derive(Default)]
pub struct SocketCounts {
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One open socket of an address, counted until dropped.
pub struct SocketSlot {
    counts: Arc<SocketCounts>,
    addr: IpAddr,
}

impl SocketCounts {
    /// A slot for one more socket of `addr`, unless it already holds `max`.
    pub fn try_open(self: &Arc<Self>, addr: IpAddr, max: usize) -> Option<SocketSlot> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(addr).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(SocketSlot {
            counts: Arc::clone(self),
            addr,
        })
    }

    /// How many sockets `addr` holds open.
    pub fn of(&self, addr: IpAddr) -> usize {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.get(&addr).copied().unwrap_or(0)
    }
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let mut open = self
            .counts
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.addr) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.addr);
            }
        }
    }
}

#[cfg(test)]
mod tests {
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
