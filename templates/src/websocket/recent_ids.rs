//! The bounded memory of recent event ids an `EventStream` drops duplicates with.

use std::collections::VecDeque;
use std::hash::{BuildHasher, Hasher};

/// A bounded memory of recent event ids: the ids in insertion order, each stored once, and an index of them
/// (open addressing, linear probing) whose slots hold an id's place in that order and bits of its hash, so
/// that a lookup reads an id itself only where the hash bits match.
#[derive(Debug)]
pub(super) struct RecentIds {
    /// The remembered ids, oldest first; at most `capacity`.
    order: VecDeque<Id>,
    /// The sequence number of `order[0]` (ids are numbered as they arrive, modulo 2^32).
    first: u32,
    /// A power of two at least twice `order.len()` long; 0 is an empty slot. A full slot is the id's
    /// sequence number (low 32 bits) and its hash's high 32 bits with the top bit set (high 32 bits), which
    /// also give its home slot.
    slots: Vec<u64>,
    capacity: usize,
    hashing: IdHashing,
}

/// Ids up to this many bytes are kept inline, without an allocation (`evt_` and a 27-character key fit).
const INLINE: usize = 31;

/// One remembered id: short ones (most) inline, longer ones on the heap.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Id {
    Inline { len: u8, bytes: [u8; INLINE] },
    Shared(::std::boxed::Box<str>),
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
            Id::Shared(::std::boxed::Box::from(id))
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Id::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Id::Shared(id) => id.as_bytes(),
        }
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

impl IdHashing {
    /// The index bits of an id's text: the high half of its hash (`hash_one` of the `str`), with the top
    /// bit set so that a full slot is never 0.
    fn tag(&self, id: &[u8]) -> u64 {
        let mut hasher = self.build_hasher();
        hasher.write(id);
        hasher.write_u8(0xff);
        (hasher.finish() >> 32) | 0x8000_0000
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

/// Index slots a new memory starts with (grown as it fills, up to twice the window).
const FIRST_SLOTS: usize = 2048;

impl RecentIds {
    pub(super) fn new(capacity: usize) -> Self {
        // Sequence numbers are told apart modulo 2^32.
        let capacity = capacity.clamp(1, 1 << 30);
        let slots = (2 * capacity).next_power_of_two().min(FIRST_SLOTS);
        Self {
            order: VecDeque::with_capacity(capacity.min(1024)),
            first: 0,
            slots: ::std::vec![0; slots],
            capacity,
            hashing: IdHashing::new(),
        }
    }

    /// Remembers `id`; `false` when it was already remembered. A new id is hashed once (twice when the
    /// oldest one is forgotten to make room).
    pub(super) fn insert(&mut self, id: &str) -> bool {
        let tag = self.hashing.tag(id.as_bytes());
        let mask = self.slots.len() - 1;
        let mut slot = tag as usize & mask;
        loop {
            let held = self.slots[slot];
            if held == 0 {
                break;
            }
            if held >> 32 == tag && self.order[self.place(held)].as_bytes() == id.as_bytes() {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        if self.order.len() == self.capacity {
            self.forget_oldest();
            // Forgetting may have moved a later entry of this probe sequence back into an empty slot.
            slot = self.empty_slot(tag);
        } else if 2 * (self.order.len() + 1) > self.slots.len() {
            self.grow();
            slot = self.empty_slot(tag);
        }
        let seq = self.first.wrapping_add(self.order.len() as u32);
        self.slots[slot] = (tag << 32) | u64::from(seq);
        self.order.push_back(Id::new(id));
        true
    }

    /// The place in `order` of the id a full slot holds.
    fn place(&self, held: u64) -> usize {
        (held as u32).wrapping_sub(self.first) as usize
    }

    /// The first empty slot of the probe sequence of `tag`.
    fn empty_slot(&self, tag: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut slot = tag as usize & mask;
        while self.slots[slot] != 0 {
            slot = (slot + 1) & mask;
        }
        slot
    }

    /// Drops the oldest id and its slot, shifting the entries after it in its cluster back so that no probe
    /// sequence has a gap.
    fn forget_oldest(&mut self) {
        let mask = self.slots.len() - 1;
        let Some(oldest) = self.order.front() else {
            return;
        };
        let tag = self.hashing.tag(oldest.as_bytes());
        let held = (tag << 32) | u64::from(self.first);
        let mut hole = tag as usize & mask;
        while self.slots[hole] != held {
            hole = (hole + 1) & mask;
        }
        let mut next = hole;
        loop {
            next = (next + 1) & mask;
            let held = self.slots[next];
            if held == 0 {
                break;
            }
            let home = (held >> 32) as usize & mask;
            // The entry may fill the hole if its home is not between the hole and it (cyclically).
            if next.wrapping_sub(home) & mask >= next.wrapping_sub(hole) & mask {
                self.slots[hole] = held;
                hole = next;
            }
        }
        self.slots[hole] = 0;
        self.order.pop_front();
        self.first = self.first.wrapping_add(1);
    }

    /// Doubles the index, placing every entry anew by the hash bits it holds.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let grown = ::std::vec![0; 2 * self.slots.len()];
        let old = ::std::mem::replace(&mut self.slots, grown);
        let mask = self.slots.len() - 1;
        for held in old.into_iter().filter(|&held| held != 0) {
            let mut slot = (held >> 32) as usize & mask;
            while self.slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = held;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

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
        assert_eq!(ids.slots.iter().filter(|&&held| held != 0).count(), 2);
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
        assert_eq!(ids.slots.iter().filter(|&&held| held != 0).count(), 3);
    }

    /// Against a plain model (a queue and a set), over windows that fill, wrap and grow the index, with ids
    /// that repeat at every distance.
    #[test]
    fn recent_ids_agree_with_a_queue_and_a_set() {
        let mut rng = fastrand::Rng::with_seed(7);
        for window in [1, 2, 3, 5, 64, 1000, 1500, 3000] {
            let mut ids = RecentIds::new(window);
            let mut order = VecDeque::new();
            let mut set = HashSet::new();
            for step in 0..20_000u32 {
                let id = match rng.u8(..4) {
                    0 => format!("evt_{}", rng.u32(..4 * window as u32 + 8)),
                    1 => format!("evt_{}", step.saturating_sub(rng.u32(..window as u32 + 2))),
                    2 => "evt_".to_owned() + &"y".repeat(INLINE) + &rng.u8(..20).to_string(),
                    _ => format!("evt_{step}"),
                };
                let new = set.insert(id.clone());
                if new {
                    if order.len() == window {
                        set.remove(&order.pop_front().unwrap());
                    }
                    order.push_back(id.clone());
                }
                assert_eq!(ids.insert(&id), new, "window {window}, step {step}, {id}");
                assert_eq!(ids.order.len(), order.len());
            }
            let held = ids.slots.iter().filter(|&&held| held != 0).count();
            assert_eq!(held, order.len(), "window {window}: one slot per id");
            assert!(2 * held <= ids.slots.len());
        }
    }

    #[test]
    fn id_hashes_spread_over_the_high_and_low_bits() {
        let hashing = IdHashing::new();
        let hash = |id: &str| hashing.hash_one(id);
        assert_eq!(hash("evt_1"), hash("evt_1"));
        assert_eq!(
            hashing.tag(b"evt_1"),
            (hash("evt_1") >> 32) | 0x8000_0000,
            "ids are looked up by the hash of their text"
        );
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
