//! How the graph algorithms read the structure: [`Reader`], by id through any store ([`ById`]) or by rank
//! from a committed state held in memory ([`ByRank`], no id copied, hashed or compared as text until an
//! answer is made). The walks (neighbourhood, paths) are written once over it, so the answer does not
//! depend on the reader; [`Link`] is what they read of an edge.

use std::sync::Arc;

use partnergraph_schema::{EdgeId, EdgeLink, NodeId, NodeKind};

use crate::graph::GraphError;
use crate::store::dense::Key;
use crate::store::{EdgeFilter, GraphRead, RankedEdge, RankedTopology};

/// What the enumeration reads of an edge: its key and its two ends, each comparing as the ids they
/// stand for.
pub(crate) trait Link {
    /// A node's key.
    type Node: Key;
    /// An edge's key.
    type Edge: Key;
    /// This edge's key.
    fn key(&self) -> &Self::Edge;
    /// Its source.
    fn source(&self) -> &Self::Node;
    /// Its target.
    fn target(&self) -> &Self::Node;
}

impl Link for EdgeLink {
    type Node = NodeId;
    type Edge = EdgeId;
    fn key(&self) -> &EdgeId {
        &self.id
    }
    fn source(&self) -> &NodeId {
        &self.source
    }
    fn target(&self) -> &NodeId {
        &self.target
    }
}

impl Link for RankedEdge {
    type Node = u32;
    type Edge = u32;
    fn key(&self) -> &u32 {
        &self.edge
    }
    fn source(&self) -> &u32 {
        &self.source
    }
    fn target(&self) -> &u32 {
        &self.target
    }
}

/// How an algorithm reads the graph's structure: by id from any store, or by rank from a state held in
/// memory. Both give the same edges in the same order.
pub(crate) trait Reader: Sync {
    /// What a level returns for each edge.
    type Link: Link<Node = Self::Node> + Clone + Send + Sync;
    /// A node's key.
    type Node: Clone + Key + Send + Sync;

    /// The key of the node `id`, or `None` when the state read has no such node.
    fn node(&self, id: &NodeId) -> Option<Self::Node>;

    /// The edges touching `frontier` that pass `filter`, in id order, at most `limit`.
    fn level(
        &self,
        frontier: &[Self::Node],
        filter: &EdgeFilter,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Self::Link>, GraphError>> + Send;

    /// [`Reader::level`] after the edge `after` (a page of a level, in id order).
    fn page(
        &self,
        frontier: &[Self::Node],
        filter: &EdgeFilter,
        after: Option<&Self::Link>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Self::Link>, GraphError>> + Send;

    /// The kind of the node `node` (`None` only for a key this state does not have).
    fn kind(&self, node: &Self::Node) -> Option<NodeKind>;

    /// The id of a node key.
    fn node_id(&self, node: &Self::Node) -> Result<NodeId, GraphError>;

    /// An edge as the answer shows it.
    fn edge_link(&self, link: &Self::Link) -> Result<EdgeLink, GraphError>;
}

/// Reads by id, through [`GraphRead::expand_page`]: any store.
pub(crate) struct ById<'a>(pub(crate) &'a dyn GraphRead);

impl Reader for ById<'_> {
    type Link = EdgeLink;
    type Node = NodeId;

    fn node(&self, id: &NodeId) -> Option<NodeId> {
        Some(id.clone())
    }

    async fn level(&self, frontier: &[NodeId], filter: &EdgeFilter, limit: usize) -> Result<Vec<EdgeLink>, GraphError> {
        Ok(self.0.expand_page(frontier, filter, None, limit).await?)
    }

    async fn page(
        &self,
        frontier: &[NodeId],
        filter: &EdgeFilter,
        after: Option<&EdgeLink>,
        limit: usize,
    ) -> Result<Vec<EdgeLink>, GraphError> {
        Ok(self.0.expand_page(frontier, filter, after.map(|link| &link.id), limit).await?)
    }

    fn kind(&self, node: &NodeId) -> Option<NodeKind> {
        Some(node.kind())
    }

    fn node_id(&self, node: &NodeId) -> Result<NodeId, GraphError> {
        Ok(node.clone())
    }

    fn edge_link(&self, link: &EdgeLink) -> Result<EdgeLink, GraphError> {
        Ok(link.clone())
    }
}

/// Reads by rank, from one committed state held in memory.
pub(crate) struct ByRank(pub(crate) Arc<dyn RankedTopology>);

impl Reader for ByRank {
    type Link = RankedEdge;
    type Node = u32;

    fn node(&self, id: &NodeId) -> Option<u32> {
        self.0.node_rank(id)
    }

    async fn level(&self, frontier: &[u32], filter: &EdgeFilter, limit: usize) -> Result<Vec<RankedEdge>, GraphError> {
        Ok(self.0.expand_ranks(frontier, filter, None, limit))
    }

    async fn page(
        &self,
        frontier: &[u32],
        filter: &EdgeFilter,
        after: Option<&RankedEdge>,
        limit: usize,
    ) -> Result<Vec<RankedEdge>, GraphError> {
        Ok(self.0.expand_ranks(frontier, filter, after.map(|link| link.edge), limit))
    }

    fn kind(&self, node: &u32) -> Option<NodeKind> {
        NodeKind::of_id(self.0.node_str(*node)?)
    }

    fn node_id(&self, node: &u32) -> Result<NodeId, GraphError> {
        Ok(self.0.node_id(*node)?)
    }

    fn edge_link(&self, link: &RankedEdge) -> Result<EdgeLink, GraphError> {
        Ok(self.0.link(link.edge)?)
    }
}
