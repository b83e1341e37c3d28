//! The search terms of the in-memory topology: the `terms` table of one committed state, each term once in
//! term order with the ranks of its nodes in rank order (which is id order, as the table keeps them), so a
//! term or a prefix of terms is one binary search and a read of consecutive ranks, with no B-tree, no
//! string per id and no hash set (`GraphRead::find_by_term` answered by rank).

use std::collections::HashMap;

use redb::{ReadTransaction, ReadableMultimapTable};

use crate::store::StoreError;
use crate::store::dense::Marks;
use crate::store::embedded::topology::{SortedStrings, too_large};
use crate::store::embedded::{TERMS, backend_error};

/// Every term and the ranks of the nodes that have it.
#[derive(Default)]
pub(crate) struct Terms {
    /// The distinct terms, in term order.
    pub(super) terms: SortedStrings,
    /// `postings[ends[t - 1]..ends[t]]`: the ranks of the nodes having term `t`, ascending.
    pub(super) ends: Vec<u32>,
    pub(super) postings: Vec<u32>,
}

impl Terms {
    /// Reads the `terms` table of the state `txn` sees; `rank_of` gives each node id's rank.
    pub(super) fn build(txn: &ReadTransaction, rank_of: &HashMap<&str, u32>) -> Result<Terms, StoreError> {
        let mut built = Terms::default();
        for entry in txn.open_multimap_table(TERMS).map_err(backend_error)?.iter().map_err(backend_error)? {
            let (term, ids) = entry.map_err(backend_error)?;
            let term = term.value();
            for id in ids {
                let id = id.map_err(backend_error)?;
                let id = id.value();
                let rank = rank_of
                    .get(id)
                    .copied()
                    .ok_or_else(|| StoreError::Corrupt { key: term.to_owned(), reason: format!("term of `{id}`, which is not a node") })?;
                built.postings.push(rank);
            }
            built.terms.push(term)?;
            built.ends.push(u32::try_from(built.postings.len()).map_err(|_| too_large("over 4G term entries"))?);
        }
        Ok(built)
    }

    /// Approximate heap bytes held.
    pub(super) fn heap_bytes(&self) -> usize {
        self.terms.bytes.len() + 4 * (self.terms.ends.len() + self.ends.len() + self.postings.len())
    }

    /// Whether the parts agree: one posting list per term, ends ascending up to the postings, ranks below
    /// `node_count` and ascending within a term.
    pub(super) fn consistent(&self, node_count: usize) -> bool {
        self.ends.len() == self.terms.ends.len()
            && self.ends.windows(2).all(|pair| pair[0] <= pair[1])
            && self.ends.last().map_or(self.postings.is_empty(), |last| *last as usize == self.postings.len())
            && (0..self.ends.len()).all(|term| self.postings_of(term).windows(2).all(|pair| pair[0] < pair[1]))
            && self.postings.iter().all(|rank| (*rank as usize) < node_count)
    }

    fn postings_of(&self, term: usize) -> &[u32] {
        let start = if term == 0 { 0 } else { self.ends[term - 1] as usize };
        &self.postings[start..self.ends[term] as usize]
    }

    /// The number of nodes having `term` itself.
    pub(super) fn count(&self, term: &str) -> usize {
        self.terms.position(term).map_or(0, |at| self.postings_of(at as usize).len())
    }

    /// The ranks of the nodes having `term`, or a term starting with it when `prefix`: in (term, rank)
    /// order, each node once (at its first matching term), at most `limit`.
    pub(super) fn find(&self, term: &str, prefix: bool, limit: usize) -> Vec<u32> {
        let mut found = Vec::new();
        let mut seen: Marks<u32> = Marks::default();
        let first = self.terms.position(term).unwrap_or_else(|at| at) as usize;
        'terms: for at in first..self.ends.len() {
            let key = self.terms.get(at as u32);
            let matches = if prefix { key.starts_with(term) } else { key == term };
            if !matches {
                break;
            }
            for rank in self.postings_of(at) {
                if seen.insert(*rank) {
                    found.push(*rank);
                    if found.len() >= limit {
                        break 'terms;
                    }
                }
            }
        }
        found
    }
}
