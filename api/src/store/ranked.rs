//! Ranked reads: one committed state's structure with every node and edge id replaced by its rank in id
//! order, for walks that read many edges but answer with few (the path search reads tens of thousands of
//! edges around two agreements to return three paths).
//!
//! A store offers this only when it keeps its structure in memory ([`GraphStore::ranked`]); the embedded
//! store's topology does. It is never needed for a right answer: an algorithm given `None` reads the same
//! edges by id through [`GraphStore::expand_page`], and must answer exactly the same.
//!
//! [`GraphStore::ranked`]: crate::store::GraphStore::ranked
//! [`GraphStore::expand_page`]: crate::store::GraphStore::expand_page

use partnergraph_schema::{EdgeLink, NodeId};

use crate::store::{EdgeFilter, StoreError};

/// An edge and its two ends, as ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankedEdge {
    /// The edge's rank among all edge ids.
    pub edge: u32,
    /// The rank of its source among all node ids.
    pub source: u32,
    /// The rank of its target.
    pub target: u32,
}

/// One committed state of the graph's structure, addressed by rank.
///
/// Ranks follow id order: for two nodes (or two edges) of the same state, comparing ranks compares ids.
/// A value is a snapshot: the state it shows does not change while it is held, whatever is committed
/// meanwhile.
pub trait RankedTopology: Send + Sync {
    /// The rank of the node `id`, or `None` when the state has no such node.
    fn node_rank(&self, id: &NodeId) -> Option<u32>;

    /// The id of the node of rank `rank` (an error for a rank this state does not have).
    fn node_id(&self, rank: u32) -> Result<NodeId, StoreError>;

    /// [`GraphStore::expand_page`](crate::store::GraphStore::expand_page) without a cursor, by rank: the
    /// edges touching a node of `frontier` that pass `filter`, in id order, at most `limit`.
    fn expand_ranks(&self, frontier: &[u32], filter: &EdgeFilter, limit: usize) -> Vec<RankedEdge>;

    /// The edge of rank `edge` as a link, as `expand_page` would return it (an error for a rank this
    /// state does not have).
    fn link(&self, edge: u32) -> Result<EdgeLink, StoreError>;
}
