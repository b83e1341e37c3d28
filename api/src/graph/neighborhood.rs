//! The k-hop neighbourhood of a node, filtered by node kind, edge type and date, capped at a node limit.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use partnergraph_schema::{EdgeId, EdgeRecord, EdgeType, NodeId, NodeKind, NodeRecord, PartialDate};

use crate::graph::{Graph, GraphError, check_range};
use crate::store::EdgeFilter;

/// Deepest neighbourhood served.
pub const MAX_DEPTH: i64 = 6;
/// Most nodes one neighbourhood may return.
pub const MAX_LIMIT: i64 = 5000;

/// What to collect around a node.
#[derive(Debug, Clone, Default)]
pub struct NeighborhoodQuery {
    /// Hops from the centre (0 gives the centre alone).
    pub depth: i64,
    /// Only nodes of these kinds (the centre is always included); all when empty. Nodes of other kinds
    /// are neither returned nor walked through.
    pub kinds: Vec<NodeKind>,
    /// Only edges of these types; all when empty.
    pub edge_types: Vec<EdgeType>,
    /// Only edges valid at some time during this date.
    pub as_of: Option<PartialDate>,
    /// Most nodes returned, centre included.
    pub limit: i64,
}

/// Nodes and the edges among them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Subgraph {
    /// The centre first, then each level's new nodes in id order.
    pub nodes: Vec<NodeRecord>,
    /// Every edge passing the filter whose two ends are both in `nodes`, in id order.
    pub edges: Vec<EdgeRecord>,
    /// Whether nodes within the depth were left out because of the limit.
    pub truncated: bool,
}

impl Graph {
    /// Breadth-first neighbourhood of `center`: one store expansion per level.
    pub async fn neighborhood(&self, center: &NodeId, query: &NeighborhoodQuery) -> Result<Subgraph, GraphError> {
        let depth = check_range("depth", query.depth, 0..=MAX_DEPTH)?;
        let limit = check_range("limit", query.limit, 1..=MAX_LIMIT)?;
        let center_node = self.require(center).await?;
        let filter = EdgeFilter { types: query.edge_types.clone(), as_of: query.as_of };
        let mut included: HashSet<NodeId> = HashSet::from([center.clone()]);
        let mut nodes = vec![center_node];
        let mut edges: BTreeMap<EdgeId, EdgeRecord> = BTreeMap::new();
        let mut frontier = vec![center.clone()];
        let mut truncated = false;
        for _ in 0..depth {
            if frontier.is_empty() || truncated {
                break;
            }
            let level = self.store().expand(&frontier, &filter).await?;
            let candidates: BTreeSet<NodeId> = level
                .iter()
                .flat_map(|edge| [&edge.source, &edge.target])
                .filter(|id| !included.contains(*id))
                .filter(|id| query.kinds.is_empty() || query.kinds.contains(&id.kind()))
                .cloned()
                .collect();
            for edge in level {
                edges.insert(edge.id.clone(), edge);
            }
            let candidates: Vec<NodeId> = candidates.into_iter().collect();
            let found = self.store().nodes(&candidates).await?;
            frontier = Vec::new();
            for node in found.into_iter().flatten() {
                if nodes.len() >= limit {
                    truncated = true;
                    break;
                }
                included.insert(node.id.clone());
                frontier.push(node.id.clone());
                nodes.push(node);
            }
        }
        let edges = edges.into_values().filter(|edge| included.contains(&edge.source) && included.contains(&edge.target)).collect();
        Ok(Subgraph { nodes, edges, truncated })
    }
}
