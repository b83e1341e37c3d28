//! Search by name, acronym or alias: case- and accent-insensitive, exact acronym and name hits first.
//!
//! Candidates come from the store's term index (whole folded names, and word prefixes of the most
//! selective query word); ranking is `partnergraph_schema::text::rank` over the candidates' names (read
//! alone), then shorter names, then id; only the records shown are read whole.
//!
//! When the store offers its state by rank ([`RankedTopology`](crate::store::RankedTopology)), the terms
//! are looked up and the names ranked there, borrowed, with no id made until the few shown, and only the
//! names whose score the lookups do not prove are folded (`by_rank.rs`); otherwise by id through the
//! store's `find_names_by_term` (a Bolt store reads the names from its term index, not the records),
//! every candidate folded. Both find the same candidates (ranks follow ids) and keep the best `first` by
//! the same key in a bounded heap (`top.rs`), so the answer does not depend on the way.

mod by_rank;
mod top;

pub use by_rank::best_ranks;
use partnergraph_schema::text::{EXACT, NodeNames, Ranker, WORD, fold};
use partnergraph_schema::{NodeId, NodeKind, NodeRecord};
use top::Top;

use crate::graph::{Graph, GraphError, check_range};

/// Most results returned.
pub const MAX_RESULTS: i64 = 100;
/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Candidates loaded per term lookup.
pub const CANDIDATES: usize = 2000;

/// The two index terms the folded `query` looks up, each as a prefix: the whole query (exact), then the
/// word prefix of its most selective (longest) word. Both ways of searching look up these, so they find
/// the same candidates.
fn lookup_terms(query: &str) -> [String; 2] {
    let most_selective = query.split(' ').max_by_key(|word| word.len()).unwrap_or(query);
    [format!("{EXACT}{query}"), format!("{WORD}{most_selective}")]
}

impl Graph {
    /// The best `first` matches of `text`, optionally of some kinds only.
    pub async fn search(&self, text: &str, kinds: &[NodeKind], first: i64) -> Result<Vec<NodeRecord>, GraphError> {
        let first = check_range("first", first, 0..=MAX_RESULTS)?;
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(GraphError::InvalidArgument(format!("search text is longer than {MAX_QUERY_CHARS} characters")));
        }
        let query = fold(text);
        if query.is_empty() || first == 0 {
            return Ok(Vec::new());
        }
        let best = match self.store().ranked().await? {
            Some(topology) => best_ranks(topology.as_ref(), &query, kinds, first, CANDIDATES)?
                .into_iter()
                .map(|rank| topology.node_id(rank))
                .collect::<Result<Vec<_>, _>>()?,
            None => self.best_by_id(&query, kinds, first).await?,
        };
        Ok(self.store().nodes(&best).await?.into_iter().flatten().collect())
    }

    /// The `first` best candidates of `terms` for `query`, read by id.
    async fn best_by_id(&self, query: &str, kinds: &[NodeKind], first: usize) -> Result<Vec<NodeId>, GraphError> {
        let mut candidates: Vec<(NodeId, NodeNames)> = Vec::new();
        for term in lookup_terms(query) {
            candidates.extend(self.store().find_names_by_term(&term, true, CANDIDATES).await?);
        }
        candidates.retain(|(id, _)| kinds.is_empty() || kinds.contains(&id.kind()));
        candidates.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        candidates.dedup_by(|a, b| a.0 == b.0);
        let mut ranker = Ranker::new(query);
        // (score, name length, position): positions follow the candidates, which are in id order, so the
        // smallest of these keys rank by score, then shorter names, then id.
        let mut top = Top::new(first);
        for (position, (_, names)) in candidates.iter().enumerate() {
            if let Some(score) = ranker.rank(&names.name, names.acronym.as_deref(), names.aliases.iter().map(String::as_str)) {
                top.offer((score, names.name.len(), position));
            }
        }
        Ok(top.into_sorted().into_iter().map(|(_, _, position)| candidates[position].0.clone()).collect())
    }
}
