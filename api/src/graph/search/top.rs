//! The `first` smallest of many keys, kept in a bounded max-heap instead of sorting them all.
//!
//! Search ranks up to 4,000 candidates to show at most 100; the heap holds the best `first` seen so far,
//! and its worst ([`Top::worst`]) tells a caller when a candidate cannot enter, so the caller may skip the
//! work of scoring it. With distinct keys the answer is exactly the first `first` of a full sort.

use std::collections::BinaryHeap;

/// The `first` smallest keys offered.
#[derive(Debug)]
pub(super) struct Top<K: Ord> {
    first: usize,
    heap: BinaryHeap<K>,
}

impl<K: Ord> Top<K> {
    /// An empty top of `first`.
    pub(super) fn new(first: usize) -> Top<K> {
        Top { first, heap: BinaryHeap::with_capacity(first.saturating_add(1).min(1024)) }
    }

    /// Whether a key `key` or greater can no longer enter: the top is full and its worst is at most `key`.
    pub(super) fn excludes(&self, key: &K) -> bool {
        self.heap.len() >= self.first && self.worst().is_none_or(|worst| worst <= key)
    }

    /// The greatest key held, if any.
    pub(super) fn worst(&self) -> Option<&K> {
        self.heap.peek()
    }

    /// Offers `key`: kept if it is among the `first` smallest so far.
    pub(super) fn offer(&mut self, key: K) {
        if self.first == 0 {
            return;
        }
        if self.heap.len() < self.first {
            self.heap.push(key);
        } else if self.heap.peek().is_some_and(|worst| key < *worst) {
            self.heap.pop();
            self.heap.push(key);
        }
    }

    /// The keys held, smallest first.
    pub(super) fn into_sorted(self) -> Vec<K> {
        self.heap.into_sorted_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator, so a failure names its case.
    fn keys(seed: u32, count: usize, spread: u32) -> Vec<(u8, usize, u32)> {
        let mut state = seed | 1;
        (0..count)
            .map(|at| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                ((state % 6) as u8, (state >> 8) as usize % spread as usize, at as u32)
            })
            .collect()
    }

    #[test]
    fn the_top_is_the_first_of_a_full_sort() {
        for seed in 1..40 {
            for count in [0, 1, 2, 9, 10, 11, 57, 400] {
                for first in [0, 1, 3, 10, 100, 1000] {
                    let offered = keys(seed, count, 1 + seed % 30);
                    let mut top = Top::new(first);
                    for key in &offered {
                        top.offer(*key);
                    }
                    let mut sorted = offered.clone();
                    sorted.sort_unstable();
                    sorted.truncate(first);
                    assert_eq!(top.into_sorted(), sorted, "seed {seed} count {count} first {first}");
                }
            }
        }
    }

    #[test]
    fn a_full_top_excludes_keys_not_below_its_worst() {
        let mut top = Top::new(2);
        assert!(!top.excludes(&(9, 9, 9)), "an empty top takes anything");
        top.offer((3, 5, 1));
        assert!(!top.excludes(&(9, 9, 9)), "a top not full takes anything");
        top.offer((3, 7, 2));
        assert_eq!(top.worst(), Some(&(3, 7, 2)));
        assert!(top.excludes(&(3, 7, 2)));
        assert!(top.excludes(&(3, 8, 0)));
        assert!(!top.excludes(&(3, 7, 1)));
        assert!(!top.excludes(&(2, 90, 0)));
        top.offer((3, 6, 4));
        assert_eq!(top.into_sorted(), vec![(3, 5, 1), (3, 6, 4)]);
        assert!(Top::<u8>::new(0).excludes(&0), "a top of none takes nothing");
    }
}
