//! The k-hop neighbourhood of a node, filtered by node kind, edge type and date, capped at a node limit.

use partnergraph_schema::hash::IdSet;
use partnergraph_schema::text::NodeNames;
use partnergraph_schema::{EdgeLink, EdgeType, NodeId, NodeKind, NodeRecord, PartialDate};

use std::sync::Arc;

use crate::graph::reader::{ById, ByRank, Link, Reader};
use crate::graph::{Graph, GraphError, check_range};
use crate::store::{Direction, EdgeFilter, RankedTopology};

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

/// A walk's result in a reader's keys: the nodes in the order met (the centre first), the edges among
/// them in id order.
pub(crate) struct Walked<R: Reader> {
    pub(crate) nodes: Vec<R::Node>,
    pub(crate) edges: Vec<R::Link>,
    pub(crate) truncated: bool,
}

impl Graph {
    /// Breadth-first neighbourhood of `center`: per level, the frontier's edges are walked in id order
    /// (a page at a time, so a hub costs the limit, not its degree) and each new node is added when its
    /// first edge is met, until `limit` nodes.
    pub async fn neighborhood(&self, center: &NodeId, query: &NeighborhoodQuery) -> Result<Subgraph, GraphError> {
        self.neighborhood_of(center, query).await
    }

    /// [`Graph::neighborhood`], reading of each node what `N` says. The walk reads by rank when the store
    /// holds its structure in memory, by id otherwise: the same answer either way.
    pub async fn neighborhood_of<N: NodeFetch>(&self, center: &NodeId, query: &NeighborhoodQuery) -> Result<Subgraph<N>, GraphError> {
        let (ids, edges, truncated) = match self.store().ranked().await? {
            Some(topology) => {
                let reader = ByRank(topology);
                let walked = self.walk(&reader, center, query).await?;
                let ids = walked.nodes.iter().map(|node| reader.node_id(node)).collect::<Result<Vec<_>, _>>()?;
                let edges = walked.edges.iter().map(|edge| reader.edge_link(edge)).collect::<Result<Vec<_>, _>>()?;
                (ids, edges, walked.truncated)
            }
            None => {
                let walked = self.walk(&ById(self.store().as_ref()), center, query).await?;
                (walked.nodes, walked.edges, walked.truncated)
            }
        };
        let found = N::fetch(self, ids.clone()).await?;
        if found.first().is_none_or(Option::is_none) {
            return Err(GraphError::NotFound(center.clone()));
        }
        // A node read from the edges but absent from the state (never in a consistent store) is left out,
        // with its edges.
        let mut absent: IdSet<NodeId> = IdSet::default();
        let mut nodes = Vec::with_capacity(found.len());
        for (id, node) in ids.into_iter().zip(found) {
            match node {
                Some(node) => nodes.push(node),
                None => {
                    absent.insert(id);
                }
            }
        }
        let edges = edges.into_iter().filter(|edge| !absent.contains(&edge.source) && !absent.contains(&edge.target)).collect();
        Ok(Subgraph { nodes, edges, truncated })
    }

    /// The walk of [`Graph::neighborhood`] by rank, when the store holds its structure in memory (`None`
    /// otherwise), with that structure: for answers written straight from it.
    pub(crate) async fn neighborhood_ranked(
        &self,
        center: &NodeId,
        query: &NeighborhoodQuery,
    ) -> Result<Option<(Arc<dyn RankedTopology>, Walked<ByRank>)>, GraphError> {
        let Some(topology) = self.store().ranked().await? else {
            return Ok(None);
        };
        let reader = ByRank(topology);
        let walked = self.walk(&reader, center, query).await?;
        Ok(Some((reader.0, walked)))
    }

    /// The walk itself, in `reader`'s keys.
    async fn walk<R: Reader>(&self, reader: &R, center: &NodeId, query: &NeighborhoodQuery) -> Result<Walked<R>, GraphError> {
        let depth = check_range("depth", query.depth, 0..=MAX_DEPTH)?;
        let limit = check_range("limit", query.limit, 1..=MAX_LIMIT)?;
        let start = reader.node(center).ok_or_else(|| GraphError::NotFound(center.clone()))?;
        let filter = EdgeFilter { types: query.edge_types.clone(), as_of: query.as_of, direction: query.direction };
        let mut included: IdSet<R::Node> = IdSet::default();
        included.insert(start.clone());
        let mut nodes = vec![start.clone()];
        let mut edges: Vec<R::Link> = Vec::new();
        let mut frontier = vec![start];
        let mut truncated = false;
        for _ in 0..depth {
            if frontier.is_empty() || truncated {
                break;
            }
            let mut added: Vec<R::Node> = Vec::new();
            let mut cursor: Option<R::Link> = None;
            'walk: loop {
                let page = reader.page(&frontier, &filter, cursor.as_ref(), WALK_PAGE).await?;
                let exhausted = page.len() < WALK_PAGE;
                cursor = page.last().cloned();
                for edge in page {
                    for end in [edge.source(), edge.target()] {
                        let wanted = query.kinds.is_empty() || reader.kind(end).is_some_and(|kind| query.kinds.contains(&kind));
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
            nodes.extend(added.iter().cloned());
            frontier = added;
        }
        // An edge between two frontier nodes is met from both ends.
        edges.retain(|edge| included.contains(edge.source()) && included.contains(edge.target()));
        edges.sort_unstable_by(|a, b| a.key().cmp(b.key()));
        edges.dedup_by(|a, b| a.key() == b.key());
        Ok(Walked { nodes, edges, truncated })
    }
}
