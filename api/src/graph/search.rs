//! Search by name, acronym or alias: case- and accent-insensitive, exact acronym and name hits first.
//!
//! Candidates come from the store's term index (whole folded names, and word prefixes of the most
//! selective query word); ranking is `partnergraph_schema::text::rank` over the candidates' names (read
//! alone), then shorter names, then id; only the records shown are read whole.
//!
//! When the store offers its state by rank ([`RankedTopology`]), the terms are looked up and the names
//! ranked there, borrowed, with no id made until the few shown; otherwise by id through the store's
//! `find_names_by_term` (a Bolt store reads the names from its term index, not the records). Both find the same candidates in the same order (ranks follow ids)
//! and rank them with the same function, so the answer does not depend on the way.

use std::sync::Arc;

use partnergraph_schema::text::{EXACT, NodeNames, Ranker, WORD, fold};
use partnergraph_schema::{NodeId, NodeKind, NodeRecord};

use crate::graph::reader::{ByRank, Reader};
use crate::graph::{Graph, GraphError, check_range};
use crate::store::RankedTopology;

/// Most results returned.
pub const MAX_RESULTS: i64 = 100;
/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Candidates loaded per term lookup.
const CANDIDATES: usize = 2000;

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
        let most_selective = query.split(' ').max_by_key(|word| word.len()).unwrap_or(query.as_str());
        let terms = [format!("{EXACT}{query}"), format!("{WORD}{most_selective}")];
        let best = match self.store().ranked().await? {
            Some(topology) => best_by_rank(topology, &terms, &query, kinds, first)?,
            None => self.best_by_id(&terms, &query, kinds, first).await?,
        };
        Ok(self.store().nodes(&best).await?.into_iter().flatten().collect())
    }

    /// The `first` best candidates of `terms` for `query`, read by id.
    async fn best_by_id(&self, terms: &[String; 2], query: &str, kinds: &[NodeKind], first: usize) -> Result<Vec<NodeId>, GraphError> {
        let mut candidates: Vec<(NodeId, NodeNames)> = Vec::new();
        for term in terms {
            candidates.extend(self.store().find_names_by_term(term, true, CANDIDATES).await?);
        }
        candidates.retain(|(id, _)| kinds.is_empty() || kinds.contains(&id.kind()));
        candidates.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        candidates.dedup_by(|a, b| a.0 == b.0);
        let mut ranker = Ranker::new(query);
        // (score, name length, position): positions follow the candidates, which are in id order, so
        // sorting these small keys ranks by score, then shorter names, then id.
        let mut ranked: Vec<(u8, usize, usize)> = candidates
            .iter()
            .enumerate()
            .filter_map(|(position, (_, names))| {
                let score = ranker.rank(&names.name, names.acronym.as_deref(), names.aliases.iter().map(String::as_str))?;
                Some((score, names.name.len(), position))
            })
            .collect();
        ranked.sort_unstable();
        Ok(ranked.into_iter().take(first).map(|(_, _, position)| candidates[position].0.clone()).collect())
    }
}

/// [`Graph::best_by_id`] by rank: the same candidates in the same order (ranks follow ids), ranked by
/// the same function on borrowed names.
fn best_by_rank(
    topology: Arc<dyn RankedTopology>,
    terms: &[String; 2],
    query: &str,
    kinds: &[NodeKind],
    first: usize,
) -> Result<Vec<NodeId>, GraphError> {
    let mut candidates: Vec<u32> = Vec::new();
    for term in terms {
        candidates.extend(topology.find_ranks_by_term(term, true, CANDIDATES));
    }
    let reader = ByRank(topology);
    candidates.retain(|rank| kinds.is_empty() || reader.kind(rank).is_some_and(|kind| kinds.contains(&kind)));
    candidates.sort_unstable();
    candidates.dedup();
    let topology = &reader.0;
    let mut ranker = Ranker::new(query);
    let mut ranked: Vec<(u8, usize, u32)> = Vec::with_capacity(candidates.len());
    for rank in candidates {
        let names = topology.name_refs(rank)?;
        if let Some(score) = ranker.rank(names.name, names.acronym, names.aliases.iter().copied()) {
            ranked.push((score, names.name.len(), rank));
        }
    }
    ranked.sort_unstable();
    ranked.into_iter().take(first).map(|(_, _, rank)| reader.node_id(&rank)).collect()
}
