//! Search by name, acronym or alias: case- and accent-insensitive, exact acronym and name hits first.
//!
//! Candidates come from the store's term index (whole folded names, and word prefixes of the most
//! selective query word); ranking is `partnergraph_schema::text::rank`, then shorter names, then id.

use std::collections::BTreeSet;

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
        let mut candidates: BTreeSet<NodeId> = BTreeSet::new();
        candidates.extend(self.store().find_by_term(&format!("{EXACT}{query}"), true, CANDIDATES).await?);
        let most_selective = query.split(' ').max_by_key(|word| word.len()).unwrap_or(query.as_str());
        candidates.extend(self.store().find_by_term(&format!("{WORD}{most_selective}"), true, CANDIDATES).await?);
        let candidates: Vec<NodeId> = candidates.into_iter().filter(|id| kinds.is_empty() || kinds.contains(&id.kind())).collect();
        let mut ranked: Vec<(u8, NodeRecord)> = self
            .store()
            .nodes(&candidates)
            .await?
            .into_iter()
            .flatten()
            .filter_map(|node| rank(&node, &query).map(|score| (score, node)))
            .collect();
        ranked
            .sort_by(|(score_a, a), (score_b, b)| score_a.cmp(score_b).then(a.name.len().cmp(&b.name.len())).then_with(|| a.id.cmp(&b.id)));
        Ok(ranked.into_iter().take(first).map(|(_, node)| node).collect())
    }
}
