//! Sets and numberings of the keys a walk meets, without hashing when the keys are ranks.
//!
//! A rank is its own index into an array ([`Key::index`]), so marking it or giving it a number is one
//! array write; an id has no index and goes through a hash map instead. The arrays are scratch that outlives
//! the request: each is taken from a small pool, only the entries a request set are cleared when it is
//! dropped, and it goes back to the pool, so a request pays for the keys it meets and never for the size
//! of the graph (nor for fresh pages from the allocator). The answer does not depend on which way a key
//! is stored.

use std::hash::Hash;
use std::sync::Mutex;

use partnergraph_schema::hash::{IdMap, IdSet};
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

static NUMBER_ARRAYS: Mutex<Vec<Vec<u32>>> = Mutex::new(Vec::new());
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

/// The number given to each key met, in the order they were first given one.
pub(crate) struct Numbering<K: Key> {
    /// By index: the key's number, `u32::MAX` where it has none (every entry outside `touched`).
    by_index: Vec<u32>,
    touched: Vec<usize>,
    by_key: IdMap<K, u32>,
}

impl<K: Key> Default for Numbering<K> {
    fn default() -> Numbering<K> {
        Numbering { by_index: take(&NUMBER_ARRAYS), touched: Vec::new(), by_key: IdMap::default() }
    }
}

impl<K: Key> Numbering<K> {
    /// The number of `key`, if it has one.
    pub(crate) fn get(&self, key: &K) -> Option<u32> {
        match key.index() {
            Some(index) => self.by_index.get(index).copied().filter(|number| *number != u32::MAX),
            None => self.by_key.get(key).copied(),
        }
    }

    /// The number of `key`, giving it `next()` when it has none (`u32::MAX` is not a number).
    pub(crate) fn get_or_insert_with(&mut self, key: K, next: impl FnOnce() -> u32) -> u32 {
        match key.index() {
            Some(index) => {
                if index >= self.by_index.len() {
                    self.by_index.resize(index + 1, u32::MAX);
                }
                if self.by_index[index] == u32::MAX {
                    self.by_index[index] = next();
                    self.touched.push(index);
                }
                self.by_index[index]
            }
            None => *self.by_key.entry(key).or_insert_with(next),
        }
    }
}

impl<K: Key> Drop for Numbering<K> {
    fn drop(&mut self) {
        for index in self.touched.drain(..) {
            self.by_index[index] = u32::MAX;
        }
        give_back(&NUMBER_ARRAYS, std::mem::take(&mut self.by_index));
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

    /// Ranks and ids give the same numbering and the same set, and nothing set by one use is seen by
    /// the next (the arrays go back to the pool cleared).
    #[test]
    fn ranks_and_ids_number_alike_and_nothing_leaks_between_uses() {
        for round in 0..3u32 {
            let keys: Vec<u32> = vec![7, 3, 7, 1000 + round, 3, 64, 0];
            let ids: Vec<NodeId> = keys.iter().map(|key| NodeId::parse(format!("agency:n{key}")).expect("id")).collect();
            let mut by_rank: Numbering<u32> = Numbering::default();
            let mut by_id: Numbering<NodeId> = Numbering::default();
            let mut next = (0u32, 0u32);
            for (rank, id) in keys.iter().zip(&ids) {
                let a = by_rank.get_or_insert_with(*rank, || {
                    next.0 += 1;
                    next.0 - 1
                });
                let b = by_id.get_or_insert_with(id.clone(), || {
                    next.1 += 1;
                    next.1 - 1
                });
                assert_eq!(a, b);
            }
            assert_eq!(next, (5, 5), "five distinct keys");
            assert_eq!(by_rank.get(&5), None);
            assert_eq!(by_rank.get(&(1000 + round)), Some(2), "the third distinct key");
            assert_eq!(by_rank.get(&(999 + round)), None, "a key of an earlier round is not numbered");

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
