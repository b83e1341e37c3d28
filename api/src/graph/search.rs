//! Search by name, acronym or alias: case- and accent-insensitive, exact acronym and name hits first.
//!
//! Candidates come from the store's term index (whole folded names, and word prefixes of the most
//! selective query word); ranking is `partnergraph_schema::text::rank` over the candidates' names (read
//! alone), then shorter names, then id; only the records shown are read whole.

use partnergraph_schema::text::{EXACT, WORD, fold, rank};
use partnergraph_schema::{NodeId, NodeKind, NodeRecord};

use crate::graph::{Graph, GraphError, check_range};

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
        let mut candidates: Vec<NodeId> = self.store().find_by_term(&format!("{EXACT}{query}"), true, CANDIDATES).await?;
        let most_selective = query.split(' ').max_by_key(|word| word.len()).unwrap_or(query.as_str());
        candidates.extend(self.store().find_by_term(&format!("{WORD}{most_selective}"), true, CANDIDATES).await?);
        candidates.retain(|id| kinds.is_empty() || kinds.contains(&id.kind()));
        candidates.sort_unstable();
        candidates.dedup();
        let names = self.store().node_names(&candidates).await?;
        // (score, name length, position): positions follow the candidates, which are in id order, so
        // sorting these small keys ranks by score, then shorter names, then id.
        let mut ranked: Vec<(u8, usize, usize)> = names
            .iter()
            .enumerate()
            .filter_map(|(position, names)| {
                let names = names.as_ref()?;
                rank(names, &query).map(|score| (score, names.name.len(), position))
            })
            .collect();
        ranked.sort_unstable();
        // Only the records shown are read whole (a node deleted meanwhile drops out).
        let best: Vec<NodeId> = ranked.into_iter().take(first).map(|(_, _, position)| candidates[position].clone()).collect();
        Ok(self.store().nodes(&best).await?.into_iter().flatten().collect())
    }
}
