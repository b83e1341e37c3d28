//! The k-hop neighbourhood of a node, filtered by node kind, edge type and date, capped at a node limit.

use partnergraph_schema::hash::IdSet;
use partnergraph_schema::text::NodeNames;
use partnergraph_schema::{EdgeId, EdgeLink, EdgeType, NodeId, NodeKind, NodeRecord, PartialDate};

use crate::graph::{Graph, GraphError, check_range};
use crate::store::{Direction, EdgeFilter};

/// Deepest neighbourhood served.
pub const MAX_DEPTH: i64 = 6;
/// Most nodes one neighbourhood may return.
pub const MAX_LIMIT: i64 = 5000;
/// Edges read per store round trip while walking a level.
const WALK_PAGE: usize = 1000;

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
    /// Only edges leaving (or entering) each level's frontier; either way by default.
    pub direction: Direction,
    /// Most nodes returned, centre included.
    pub limit: i64,
}

/// What a neighbourhood reads of each node it returns: whole records, or only their names ([`Named`]),
/// which the embedded store keeps in memory.
pub trait NodeFetch: Sized + Send + 'static {
    /// The nodes with these ids, in the order asked; `None` for unknown ids.
    fn fetch(graph: &Graph, ids: Vec<NodeId>) -> impl Future<Output = Result<Vec<Option<Self>>, GraphError>> + Send;
}

impl NodeFetch for NodeRecord {
    async fn fetch(graph: &Graph, ids: Vec<NodeId>) -> Result<Vec<Option<NodeRecord>>, GraphError> {
        graph.nodes(&ids).await
    }
}

/// A node's id and names.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    /// Its id (which gives its kind).
    pub id: NodeId,
    /// Its name, acronym and aliases.
    pub names: NodeNames,
}

impl NodeFetch for Named {
    async fn fetch(graph: &Graph, ids: Vec<NodeId>) -> Result<Vec<Option<Named>>, GraphError> {
        let names = graph.store().node_names(&ids).await?;
        Ok(ids.into_iter().zip(names).map(|(id, names)| names.map(|names| Named { id, names })).collect())
    }
}

/// Nodes and the edges among them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Subgraph<N = NodeRecord> {
    /// The centre first, then each level's new nodes in the order their first edge (by id) was met.
    pub nodes: Vec<N>,
    /// The edges walked whose two ends are both in `nodes`, in id order.
    pub edges: Vec<EdgeLink>,
    /// Whether nodes within the depth were left out because of the limit.
    pub truncated: bool,
}

impl Graph {
    /// Breadth-first neighbourhood of `center`: per level, the frontier's edges are walked in id order
    /// (a page at a time, so a hub costs the limit, not its degree) and each new node is added when its
    /// first edge is met, until `limit` nodes.
    pub async fn neighborhood(&self, center: &NodeId, query: &NeighborhoodQuery) -> Result<Subgraph, GraphError> {
        self.neighborhood_of(center, query).await
    }

    /// [`Graph::neighborhood`], reading of each node what `N` says.
    pub async fn neighborhood_of<N: NodeFetch>(&self, center: &NodeId, query: &NeighborhoodQuery) -> Result<Subgraph<N>, GraphError> {
        let depth = check_range("depth", query.depth, 0..=MAX_DEPTH)?;
        let limit = check_range("limit", query.limit, 1..=MAX_LIMIT)?;
        let center_node =
            N::fetch(self, vec![center.clone()]).await?.pop().flatten().ok_or_else(|| GraphError::NotFound(center.clone()))?;
        let filter = EdgeFilter { types: query.edge_types.clone(), as_of: query.as_of, direction: query.direction };
        let mut included: IdSet<NodeId> = IdSet::default();
        included.insert(center.clone());
        let mut nodes = vec![center_node];
        let mut edges: Vec<EdgeLink> = Vec::new();
        let mut frontier = vec![center.clone()];
        let mut truncated = false;
        for _ in 0..depth {
            if frontier.is_empty() || truncated {
                break;
            }
            let mut added: Vec<NodeId> = Vec::new();
            let mut cursor: Option<EdgeId> = None;
            'walk: loop {
                let page = self.store().expand_page(&frontier, &filter, cursor.as_ref(), WALK_PAGE).await?;
                let exhausted = page.len() < WALK_PAGE;
                for edge in page {
                    cursor = Some(edge.id.clone());
                    for end in [&edge.source, &edge.target] {
                        let wanted = query.kinds.is_empty() || query.kinds.contains(&end.kind());
                        if wanted && !included.contains(end) {
                            if nodes.len() + added.len() >= limit {
                                truncated = true;
                                break 'walk;
                            }
                            included.insert(end.clone());
                            added.push(end.clone());
                        }
                    }
                    edges.push(edge);
                }
                if exhausted {
                    break;
                }
            }
            let found = N::fetch(self, added.clone()).await?;
            frontier = Vec::with_capacity(added.len());
            for (id, node) in added.into_iter().zip(found) {
                match node {
                    Some(node) => {
                        frontier.push(id);
                        nodes.push(node);
                    }
                    None => {
                        included.remove(&id);
                    }
                }
            }
        }
        // An edge between two frontier nodes is met from both ends.
        edges.retain(|edge| included.contains(&edge.source) && included.contains(&edge.target));
        edges.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        edges.dedup_by(|a, b| a.id == b.id);
        Ok(Subgraph { nodes, edges, truncated })
    }
}
