//! A small in-memory map of answers that may be served again for a while: bounded in entries,
//! each kept at most a fixed time. For values that cannot change (sums over days that are
//! over); the time limit bounds what a rare outside change (a rebuild by another instance)
//! could leave stale.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Answers by key, each kept for `keep` at most, `capacity` at most (all dropped when full).
pub struct Memo<V> {
    entries: Mutex<HashMap<String, (Instant, Arc<V>)>>,
    keep: Duration,
    capacity: usize,
}

impl<V> Memo<V> {
    pub fn new(keep: Duration, capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            keep,
            capacity,
        }
    }

    /// The answer kept for `key`, if any and still young enough.
    pub fn get(&self, key: &str) -> Option<Arc<V>> {
        let entries = self.entries.lock().ok()?;
        let (at, value) = entries.get(key)?;
        (at.elapsed() < self.keep).then(|| Arc::clone(value))
    }

    /// Keeps `value` for `key`.
    pub fn put(&self, key: String, value: Arc<V>) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= self.capacity {
            entries.retain(|_, (at, _)| at.elapsed() < self.keep);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, (Instant::now(), value));
    }

    /// Forgets every answer (after the values were rebuilt).
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_kept_for_a_while_and_within_capacity() {
        let memo = Memo::new(Duration::from_millis(50), 2);
        memo.put("a".into(), Arc::new(1));
        memo.put("b".into(), Arc::new(2));
        assert_eq!(memo.get("a").as_deref(), Some(&1));
        assert_eq!(memo.get("c"), None);
        // Full: the third answer drops the others (none expired yet).
        memo.put("c".into(), Arc::new(3));
        assert_eq!(memo.get("a"), None);
        assert_eq!(memo.get("c").as_deref(), Some(&3));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(memo.get("c"), None, "expired");
        memo.put("d".into(), Arc::new(4));
        memo.clear();
        assert_eq!(memo.get("d"), None);
    }
}
