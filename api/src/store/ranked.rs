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

use partnergraph_schema::text::{NameRefs, NodeNames};
use partnergraph_schema::{EdgeLink, EdgeType, IatiRole, NodeId, PartialDate, Role};

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

/// An edge's own fields, borrowed from a ranked state.
#[derive(Debug, Clone, Copy)]
pub struct RankedLink<'a> {
    /// Its id.
    pub id: &'a str,
    /// Its source's id.
    pub source: &'a str,
    /// Its target's id.
    pub target: &'a str,
    /// Its type.
    pub edge_type: EdgeType,
    /// Its OECD role, if any.
    pub role: Option<Role>,
    /// Its IATI role, if any.
    pub iati_role: Option<IatiRole>,
    /// Valid from.
    pub from: Option<PartialDate>,
    /// Valid until.
    pub to: Option<PartialDate>,
    /// Its amount in US dollars, if any.
    pub amount_usd: Option<f64>,
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

    /// [`GraphRead::expand_page`](crate::store::GraphRead::expand_page) by rank: the edges touching a
    /// node of `frontier` that pass `filter`, of rank greater than `after`, in id order, at most `limit`.
    fn expand_ranks(&self, frontier: &[u32], filter: &EdgeFilter, after: Option<u32>, limit: usize) -> Vec<RankedEdge>;

    /// The id of the node of rank `rank`, borrowed (`None` for a rank this state does not have).
    fn node_str(&self, rank: u32) -> Option<&str>;

    /// The names of the node of rank `rank`, as its record holds them.
    fn node_names(&self, rank: u32) -> Result<NodeNames, StoreError>;

    /// [`RankedTopology::node_names`], borrowed from the state.
    fn name_refs(&self, rank: u32) -> Result<NameRefs<'_>, StoreError>;

    /// The length in bytes of the name of the node of rank `rank` (what search orders by after the
    /// score), without reading the rest of its names.
    fn name_len(&self, rank: u32) -> Result<usize, StoreError>;

    /// [`GraphRead::find_by_term`](crate::store::GraphRead::find_by_term) by rank: the ranks of the nodes
    /// having the index term `term` (or one starting with it when `prefix`), in (term, rank) order, each
    /// node once (at its first matching term), at most `limit`.
    fn find_ranks_by_term(&self, term: &str, prefix: bool, limit: usize) -> Vec<u32>;

    /// The number of nodes having the index term `term` itself (not one it starts): with a prefix lookup of
    /// `term`, which lists those nodes first, it tells which of the ranks found have `term` itself.
    fn term_count(&self, term: &str) -> usize;

    /// The number of edges touching the node of rank `rank`.
    fn degree(&self, rank: u32) -> u64;

    /// The edge of rank `edge`, borrowed (`None` for a rank this state does not have).
    fn link_view(&self, edge: u32) -> Option<RankedLink<'_>>;

    /// The edge of rank `edge` as a link, as `expand_page` would return it (an error for a rank this
    /// state does not have).
    fn link(&self, edge: u32) -> Result<EdgeLink, StoreError>;
}
