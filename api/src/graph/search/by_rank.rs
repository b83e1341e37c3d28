//! Search by rank over the in-memory topology: the candidates of the two term lookups ranked exactly as
//! `schema::text::rank` ranks them, folding only the names whose score the lookups do not prove.
//!
//! The exact lookup (`=query`, a prefix scan in term order) lists first the nodes having the term `=query`
//! itself: one of their names, acronyms or aliases folds to the query, so they score 0, 1 or 2, and are
//! ranked by folding. After them come the nodes found under a longer `=query…` term: once the scan has
//! listed every node of `=query` itself, such a node has no name folding to the query and one starting
//! with it, so it scores 3 ([`schema::text::rank`](partnergraph_schema::text::rank)) and only its name's
//! length is read (`RankedTopology::name_len`, which neither checks nor borrows the names). The word
//! lookup's other candidates score at least 3 when the scan listed every node of `=query`, and at least 4
//! when the scan was not cut by its limit (every node with a name starting with the query was listed), so
//! one whose best possible key cannot enter the top is not folded at all. The best `first` are kept in a
//! bounded heap ([`Top`]); keys are distinct (the rank is last), so the answer is the first `first` of a
//! full sort of every candidate's key.

use partnergraph_schema::NodeKind;
use partnergraph_schema::text::Ranker;

use super::lookup_terms;
use super::top::Top;
use crate::store::{RankedTopology, StoreError};

/// The ranks of the `first` best matches of the folded, non-empty `query` among the candidates of its
/// two term lookups (each at most `limit`), of the kinds `kinds` (any when empty), best first: by score,
/// then shorter names, then rank (which is id order).
pub fn best_ranks(
    topology: &dyn RankedTopology,
    query: &str,
    kinds: &[NodeKind],
    first: usize,
    limit: usize,
) -> Result<Vec<u32>, StoreError> {
    let [exact_term, word_term] = lookup_terms(query);
    let prefixed = topology.find_ranks_by_term(&exact_term, true, limit);
    let words = topology.find_ranks_by_term(&word_term, true, limit);
    let having_query = topology.term_count(&exact_term);
    // The first `exact` ranks found have `=query` itself; when that is all of them, the rest do not.
    let exact = having_query.min(prefixed.len());
    let every_exact_listed = having_query <= prefixed.len();
    let every_prefixed_listed = prefixed.len() < limit;
    // The least score a candidate found by its word alone can have.
    let word_floor = match (every_prefixed_listed, every_exact_listed) {
        (true, _) => 4,
        (false, true) => 3,
        (false, false) => 0,
    };
    let wanted =
        |rank: u32| kinds.is_empty() || topology.node_str(rank).and_then(NodeKind::of_id).is_some_and(|kind| kinds.contains(&kind));
    let mut ranker = Ranker::new(query);
    let mut top = Top::new(first);
    for (at, rank) in prefixed.iter().copied().enumerate() {
        if !wanted(rank) {
            continue;
        }
        if at >= exact {
            if !top.excludes(&(3, 0, 0)) {
                top.offer((3, topology.name_len(rank)?, rank));
            }
            continue;
        }
        let names = topology.name_refs(rank)?;
        if let Some(score) = ranker.rank(names.name, names.acronym, names.aliases.iter().copied()) {
            top.offer((score, names.name.len(), rank));
        }
    }
    let mut listed = prefixed;
    listed.sort_unstable();
    for rank in words {
        if listed.binary_search(&rank).is_ok() || !wanted(rank) || top.excludes(&(word_floor, 0, 0)) {
            continue;
        }
        if top.excludes(&(word_floor, topology.name_len(rank)?, rank)) {
            continue;
        }
        let names = topology.name_refs(rank)?;
        if let Some(score) = ranker.rank(names.name, names.acronym, names.aliases.iter().copied()) {
            top.offer((score, names.name.len(), rank));
        }
    }
    Ok(top.into_sorted().into_iter().map(|(_, _, rank)| rank).collect())
}
