//! The bounded memory of recent event ids an `EventStream` drops duplicates with.

use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

/// A bounded memory of recent event ids: insertion order plus a set for lookups, both holding every id (a
/// short one copied, a long one shared).
#[derive(Debug)]
pub(super) struct RecentIds {
    order: VecDeque<Id>,
    set: HashSet<Id, IdHashing>,
    capacity: usize,
}

/// Ids up to this many bytes are kept inline, without an allocation (`evt_` and a 27-character key fit).
const INLINE: usize = 31;

/// One remembered id: short ones (most) inline, longer ones shared between the order and the set.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Id {
    Inline { len: u8, bytes: [u8; INLINE] },
    Shared(Arc<str>),
}

impl Id {
    fn new(id: &str) -> Self {
        if id.len() <= INLINE {
            let mut bytes = [0u8; INLINE];
            bytes[..id.len()].copy_from_slice(id.as_bytes());
            Id::Inline {
                len: id.len() as u8,
                bytes,
            }
        } else {
            Id::Shared(Arc::from(id))
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Id::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Id::Shared(id) => id.as_bytes(),
        }
    }
}

/// Hashed as the text it holds (an id is inline or shared by its length alone, so equal ids hash alike).
impl Hash for Id {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(self.as_bytes());
        state.write_u8(0xff);
    }
}

/// Hashing of event ids: short ASCII strings (`evt_…`) from the API the client talks to, hashed once or twice
/// per event. std's SipHash (built to resist inputs chosen to collide) cost a third of what the stream adds to
/// reading the socket; this multiply-and-rotate hash over 8-byte words costs a fraction of it. The seed is
/// random per stream, and the set holds at most `dedup_window` ids, so even ids made to collide only make
/// lookups linear in that bound.
#[derive(Debug, Clone, Copy)]
struct IdHashing {
    seed: u64,
}

impl IdHashing {
    fn new() -> Self {
        IdHashing {
            seed: fastrand::u64(..),
        }
    }
}

impl BuildHasher for IdHashing {
    type Hasher = IdHasher;

    fn build_hasher(&self) -> IdHasher {
        IdHasher { state: self.seed }
    }
}

/// The hasher of [`IdHashing`].
struct IdHasher {
    state: u64,
}

/// An odd constant with well-spread bits (from FxHash).
const MULTIPLIER: u64 = 0xf135_7aea_2e62_a9c5;

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.state = (self.state ^ word).wrapping_mul(MULTIPLIER).rotate_left(26);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        // `str`'s `Hash` ends every string with 0xff, so that "ab","c" and "a","bc" differ.
        self.add(u64::from(byte) | 0x100);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        // A last multiply moves every input bit into the high bits, which hashbrown reads first.
        (self.state ^ (self.state >> 32)).wrapping_mul(MULTIPLIER)
    }
}

impl RecentIds {
    pub(super) fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            order: VecDeque::with_capacity(capacity.min(1024)),
            set: HashSet::with_capacity_and_hasher(capacity.min(1024), IdHashing::new()),
            capacity,
        }
    }

    /// Remembers `id`; `false` when it was already remembered. A new id is hashed once (twice when the
    /// oldest one is forgotten to make room).
    pub(super) fn insert(&mut self, id: &str) -> bool {
        let id = Id::new(id);
        if !self.set.insert(id.clone()) {
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

    #[test]
    fn long_ids_are_remembered_like_short_ones() {
        let long = "evt_".to_owned() + &"x".repeat(INLINE);
        let longer = long.clone() + "y";
        let fits = "evt_".to_owned() + &"x".repeat(INLINE - 4);
        let mut ids = RecentIds::new(3);
        for id in [&long, &longer, &fits] {
            assert!(ids.insert(id), "{id}");
        }
        for id in [&long, &longer, &fits] {
            assert!(!ids.insert(id), "{id} again");
        }
        assert!(matches!(Id::new(&fits), Id::Inline { .. }));
        assert!(matches!(Id::new(&long), Id::Shared(_)));
        assert!(ids.insert("evt_1"), "forgets the oldest, the first long id");
        assert!(ids.insert(&long));
        assert_eq!(ids.set.len(), 3);
    }

    #[test]
    fn id_hashes_spread_over_the_high_and_low_bits() {
        let hashing = IdHashing::new();
        let hash = |id: &str| hashing.hash_one(id);
        assert_eq!(hash("evt_1"), hash("evt_1"));
        // Ids that differ in one character, in the first word, the last one or the length.
        let ids: Vec<String> = (0..4096)
            .map(|n| format!("evt_{n}"))
            .chain((0..64).map(|n| format!("evt_{}", "x".repeat(n))))
            .collect();
        let hashes: HashSet<u64> = ids.iter().map(|id| hash(id)).collect();
        assert_eq!(hashes.len(), ids.len(), "no two of these ids collide");
        let top_bits: HashSet<u64> = hashes.iter().map(|h| h >> 57).collect();
        let low_bits: HashSet<u64> = hashes.iter().map(|h| h & 0x7f).collect();
        assert_eq!(top_bits.len(), 128, "the 7 top bits take every value");
        assert_eq!(low_bits.len(), 128, "the 7 low bits take every value");
        assert_ne!(
            IdHashing::new().hash_one("evt_1"),
            hash("evt_1"),
            "seeded per stream"
        );
    }
}
