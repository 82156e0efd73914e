//! The bounded memory of recent event ids an `EventStream` drops duplicates with.

use std::collections::{HashSet, VecDeque};

/// A bounded memory of recent event ids: insertion order plus a set for lookups, which share each id.
#[derive(Debug)]
pub(super) struct RecentIds {
    order: VecDeque<::std::sync::Arc<str>>,
    set: HashSet<::std::sync::Arc<str>>,
    capacity: usize,
}

impl RecentIds {
    pub(super) fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            order: VecDeque::with_capacity(capacity.min(1024)),
            set: HashSet::with_capacity(capacity.min(1024)),
            capacity,
        }
    }

    /// Remembers `id`; `false` when it was already remembered. A new id is hashed once (twice when the
    /// oldest one is forgotten to make room).
    pub(super) fn insert(&mut self, id: &str) -> bool {
        let id: ::std::sync::Arc<str> = ::std::sync::Arc::from(id);
        if !self.set.insert(::std::sync::Arc::clone(&id)) {
            return false;
        }
        if self.order.len() == self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.set.remove(&oldest);
            }
        }
        self.order.push_back(id);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_ids_forget_the_oldest() {
        let mut ids = RecentIds::new(2);
        assert!(ids.insert("a"));
        assert!(ids.insert("b"));
        assert!(!ids.insert("a"));
        assert!(ids.insert("c")); // forgets "a"
        assert!(ids.insert("a"));
        assert!(!ids.insert("c"));
        assert_eq!(ids.order.len(), 2);
        assert_eq!(ids.set.len(), 2);
    }
}
