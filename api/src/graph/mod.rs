//! Graph algorithms, written once over the [`GraphStore`] primitives and blind to the backend.
//!
//! Each algorithm lives in its own module and reads the store level by level (one `expand` per BFS
//! level), so a remote backend costs one round trip per hop. Results are deterministic — sorted by id
//! wherever the question leaves the order open — so both backends answer byte for byte the same.

mod changes;
pub mod curation;
mod identifiers;
mod listing;
mod location;
pub mod matching;
mod neighborhood;
mod partners;
mod paths;
pub(crate) mod reader;
pub mod search;
pub mod statistics;
pub(crate) mod triangulars;

use std::collections::HashMap;
use std::sync::Arc;

use partnergraph_schema::{EdgeId, EdgeLink, EdgeRecord, EdgeType, NodeId, NodeRecord, PartialDate, Source};

use crate::store::{Direction, EdgeFilter, GraphRead, GraphStore, StoreError, StoreStats};

pub use changes::{ChangePage, MAX_CHANGES_PAGE};
pub use identifiers::identifiers;
pub use listing::{ListFilter, Page};
pub use location::Located;
pub use neighborhood::{Named, NeighborhoodQuery, NodeFetch, Subgraph};
pub use partners::Partnership;
pub use paths::{Path, PathQuery};
pub use triangulars::Triangular;

/// Most edges `incident_page` returns.
pub const MAX_INCIDENT: i64 = 5000;

/// Why a graph question could not be answered.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError {
    /// A node the question is about does not exist.
    #[error("no node with id `{0}`")]
    NotFound(NodeId),
    /// An argument is out of its allowed range.
    #[error("{0}")]
    InvalidArgument(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The graph, as the API sees it: the algorithms over the reads of one committed state. A request gets
/// one from [`Graph::snapshot`], so all it reads comes from one state.
#[derive(Debug, Clone)]
pub struct Graph {
    store: Arc<dyn GraphRead>,
}

impl Graph {
    /// The graph over `reads` (a snapshot, or a store whose every read sees the latest state).
    pub fn new(reads: Arc<dyn GraphRead>) -> Graph {
        Graph { store: reads }
    }

    /// The graph over a snapshot of `store`'s latest committed state.
    pub async fn snapshot(store: &Arc<dyn GraphStore>) -> Result<Graph, GraphError> {
        Ok(Graph::new(store.snapshot().await?))
    }

    /// The reads underneath.
    pub fn store(&self) -> &Arc<dyn GraphRead> {
        &self.store
    }

    /// The data version of the state read ([`GraphRead::data_version`]): equal versions mean equal answers.
    pub async fn data_version(&self) -> Result<Option<u64>, GraphError> {
        Ok(self.store.data_version().await?)
    }

    /// One node, or `None`.
    pub async fn node(&self, id: &NodeId) -> Result<Option<NodeRecord>, GraphError> {
        Ok(self.store.nodes(std::slice::from_ref(id)).await?.pop().flatten())
    }

    /// One node, or [`GraphError::NotFound`].
    pub async fn require(&self, id: &NodeId) -> Result<NodeRecord, GraphError> {
        self.node(id).await?.ok_or_else(|| GraphError::NotFound(id.clone()))
    }

    /// Several nodes, in the order asked; `None` for unknown ids.
    pub async fn nodes(&self, ids: &[NodeId]) -> Result<Vec<Option<NodeRecord>>, GraphError> {
        Ok(self.store.nodes(ids).await?)
    }

    /// The nodes that exist among `ids`, keyed by id.
    pub(crate) async fn node_map(&self, ids: &[NodeId]) -> Result<HashMap<NodeId, NodeRecord>, GraphError> {
        let found = self.store.nodes(ids).await?;
        Ok(found.into_iter().flatten().map(|node| (node.id.clone(), node)).collect())
    }

    /// The sources of each of `ids`, in the order asked (none for an edge that no longer exists).
    pub async fn edge_sources(&self, ids: &[EdgeId]) -> Result<Vec<Vec<Source>>, GraphError> {
        Ok(self.store.edges(ids).await?.into_iter().map(|edge| edge.map(|edge| edge.sources).unwrap_or_default()).collect())
    }

    /// Whole edge records, sources included, in the order asked; `None` for an edge that no longer exists.
    pub async fn edges(&self, ids: &[EdgeId]) -> Result<Vec<Option<EdgeRecord>>, GraphError> {
        Ok(self.store.edges(ids).await?)
    }

    /// Number of edges touching each of `ids`, in either direction.
    pub async fn degrees(&self, ids: &[NodeId]) -> Result<Vec<u64>, GraphError> {
        Ok(self.store.degrees(ids).await?)
    }

    /// Every edge touching `id`, optionally of some types only, sorted by id.
    pub async fn incident(&self, id: &NodeId, types: &[EdgeType]) -> Result<Vec<EdgeLink>, GraphError> {
        Ok(self.store.expand(std::slice::from_ref(id), &EdgeFilter::types(types)).await?)
    }

    /// The first `first` edges (by id) touching `id` that pass `filter`.
    pub async fn incident_page(&self, id: &NodeId, filter: &EdgeFilter, first: i64) -> Result<Vec<EdgeLink>, GraphError> {
        let first = check_range("first", first, 0..=MAX_INCIDENT)?;
        Ok(self.store.expand_page(std::slice::from_ref(id), filter, None, first).await?)
    }

    /// The members of `network` (sources of MEMBER_OF edges pointing at it) valid during `as_of`: the first
    /// `first` by edge id. Only entering edges are read, so a network that is itself a member of others
    /// still gets `first` members.
    pub async fn members(&self, network: &NodeId, as_of: Option<PartialDate>, first: i64) -> Result<Vec<NodeRecord>, GraphError> {
        let filter = EdgeFilter { as_of, ..EdgeFilter::types(&[EdgeType::MemberOf]) }.toward(Direction::In);
        let edges = self.incident_page(network, &filter, first).await?;
        let ids: Vec<NodeId> = edges.into_iter().map(|edge| edge.source).collect();
        Ok(self.nodes(&ids).await?.into_iter().flatten().collect())
    }

    /// The graph's size and the backend that holds it.
    pub async fn stats(&self) -> Result<(StoreStats, &'static str), GraphError> {
        Ok((self.store.stats().await?, self.store.backend()))
    }

    /// The PARTICIPATES_IN edges pointing at `target` (an agreement, event or network), sorted by id.
    pub async fn participations(&self, target: &NodeId) -> Result<Vec<EdgeLink>, GraphError> {
        let edges = self.incident(target, &[EdgeType::ParticipatesIn]).await?;
        Ok(edges.into_iter().filter(|edge| &edge.target == target).collect())
    }
}

/// Checks that `value` lies in `range`, naming the argument otherwise.
pub(crate) fn check_range(name: &str, value: i64, range: std::ops::RangeInclusive<i64>) -> Result<usize, GraphError> {
    if range.contains(&value) {
        usize::try_from(value).map_err(|_| GraphError::InvalidArgument(format!("`{name}` is out of range")))
    } else {
        Err(GraphError::InvalidArgument(format!("`{name}` must be between {} and {} (got {value})", range.start(), range.end())))
    }
}
