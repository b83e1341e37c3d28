//! Sets of the keys a walk meets, without hashing when the keys are ranks.
//!
//! A rank is its own index into an array ([`Key::index`]), so marking it is one array write; an id has
//! no index and goes through a hash set instead. The arrays are scratch that outlives
//! the request: each is taken from a small pool, only the entries a request set are cleared when it is
//! dropped, and it goes back to the pool, so a request pays for the keys it meets and never for the size
//! of the graph (nor for fresh pages from the allocator). The answer does not depend on which way a key
//! is stored.

use std::hash::Hash;
use std::sync::Mutex;

use partnergraph_schema::hash::IdSet;
use partnergraph_schema::{EdgeId, NodeId};

/// A key a walk meets: a node or edge id, or a rank.
pub(crate) trait Key: Eq + Hash + Ord {
    /// The key as an array index, when it is one (a rank); `None` for an id.
    fn index(&self) -> Option<usize> {
        None
    }
}

impl Key for NodeId {}

impl Key for EdgeId {}

impl Key for u32 {
    fn index(&self) -> Option<usize> {
        Some(*self as usize)
    }
}

impl<K: Key> Key for &K {
    fn index(&self) -> Option<usize> {
        (**self).index()
    }
}

/// Arrays kept between requests: at most this many of each kind wait in a pool.
const POOLED: usize = 8;

static MARK_ARRAYS: Mutex<Vec<Vec<u64>>> = Mutex::new(Vec::new());

fn take<T>(pool: &Mutex<Vec<Vec<T>>>) -> Vec<T> {
    pool.lock().map(|mut pool| pool.pop().unwrap_or_default()).unwrap_or_default()
}

fn give_back<T>(pool: &Mutex<Vec<Vec<T>>>, array: Vec<T>) {
    if let Ok(mut pool) = pool.lock()
        && pool.len() < POOLED
    {
        pool.push(array);
    }
}

/// A set of keys.
pub(crate) struct Marks<K: Key> {
    /// By index: one bit per key, set only for the words in `touched`.
    bits: Vec<u64>,
    touched: Vec<usize>,
    keys: IdSet<K>,
    len: usize,
}

impl<K: Key> Default for Marks<K> {
    fn default() -> Marks<K> {
        Marks { bits: take(&MARK_ARRAYS), touched: Vec::new(), keys: IdSet::default(), len: 0 }
    }
}

impl<K: Key> Marks<K> {
    /// Adds `key`; `true` when it was not in the set.
    pub(crate) fn insert(&mut self, key: K) -> bool {
        let added = match key.index() {
            Some(index) => {
                let word = index / 64;
                if word >= self.bits.len() {
                    self.bits.resize(word + 1, 0);
                }
                let bit = 1 << (index % 64);
                if self.bits[word] == 0 {
                    self.touched.push(word);
                }
                let added = self.bits[word] & bit == 0;
                self.bits[word] |= bit;
                added
            }
            None => self.keys.insert(key),
        };
        self.len += usize::from(added);
        added
    }

    /// How many keys are in the set.
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

impl<K: Key> Drop for Marks<K> {
    fn drop(&mut self) {
        for word in self.touched.drain(..) {
            self.bits[word] = 0;
        }
        give_back(&MARK_ARRAYS, std::mem::take(&mut self.bits));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ranks and ids give the same set, and nothing set by one use is seen by the next (the arrays go
    /// back to the pool cleared).
    #[test]
    fn ranks_and_ids_mark_alike_and_nothing_leaks_between_uses() {
        for round in 0..3u32 {
            let keys: Vec<u32> = vec![7, 3, 7, 1000 + round, 3, 64, 0];
            let ids: Vec<NodeId> = keys.iter().map(|key| NodeId::parse(format!("agency:n{key}")).expect("id")).collect();
            let mut marks: Marks<u32> = Marks::default();
            let mut set: Marks<NodeId> = Marks::default();
            for (rank, id) in keys.iter().zip(&ids) {
                assert_eq!(marks.insert(*rank), set.insert(id.clone()));
            }
            assert_eq!((marks.len(), set.len()), (5, 5));
            assert!(!marks.insert(64) && marks.insert(65), "64 was in the set, 65 was not");
            assert!(marks.insert(999 + round), "a key of an earlier round is not in the set");
            assert!(marks.insert(1_000_000), "beyond the array");
            assert_eq!(marks.len(), 8);
        }
    }
}
