//! "Through whom": the k shortest simple paths between two nodes, ignoring edge direction.
//!
//! The store is read from both ends at once: a ball of radius ⌈h/2⌉ around the source and ⌊h/2⌋ around
//! the target (h = maxHops), one expansion per level, each ball capped at [`BALL_BUDGET`] nodes and edges
//! per level (the first edges by id: around hubs, paths through the rest are not seen). Every path of at
//! most h hops lies inside the union of the two (uncapped) balls, so the paths are then enumerated in
//! memory (`enumerate.rs`) within the corridor of nodes that can lie on one (`corridor.rs`).
//!
//! The balls are read by rank when the store offers its structure that way ([`RankedTopology`]: no id
//! is copied, hashed or compared as text until the few paths found are turned back into ids), and by id
//! through `expand_page` otherwise. Both readers return the same edges in the same order, and the
//! enumeration is one generic function, so the answer does not depend on the reader.

mod corridor;
mod enumerate;

use std::collections::BTreeSet;

use partnergraph_schema::{EdgeLink, NodeId, NodeRecord, PartialDate};

use crate::graph::paths::enumerate::enumerate;
use crate::graph::reader::{ById, ByRank, Link, Reader};
use crate::graph::{Graph, GraphError, check_range};
use crate::store::EdgeFilter;
use crate::store::dense::Marks;

/// Longest path searched.
pub const MAX_HOPS: i64 = 6;
/// Most paths returned.
pub const MAX_PATHS: i64 = 20;
/// Most nodes, and most edges per level, loaded around each end.
const BALL_BUDGET: usize = 10_000;

/// What to search for.
#[derive(Debug, Clone)]
pub struct PathQuery {
    /// Longest path, in edges.
    pub max_hops: i64,
    /// How many paths.
    pub first: i64,
    /// Only edges valid at some time during this date.
    pub as_of: Option<PartialDate>,
}

/// One path: n nodes and the n − 1 edges between them, in walking order.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// From the source to the target.
    pub nodes: Vec<NodeRecord>,
    /// `edges[i]` joins `nodes[i]` and `nodes[i + 1]` (in either direction).
    pub edges: Vec<EdgeLink>,
}

impl Graph {
    /// The `first` shortest simple paths of at most `max_hops` edges from `from` to `to`.
    pub async fn paths(&self, from: &NodeId, to: &NodeId, query: &PathQuery) -> Result<Vec<Path>, GraphError> {
        let max_hops = check_range("maxHops", query.max_hops, 1..=MAX_HOPS)?;
        let first = check_range("first", query.first, 0..=MAX_PATHS)?;
        let from_node = self.require(from).await?;
        self.require(to).await?;
        if from == to {
            return Ok(vec![Path { nodes: vec![from_node], edges: Vec::new() }]);
        }
        if first == 0 {
            return Ok(Vec::new());
        }
        let filter = EdgeFilter { as_of: query.as_of, ..EdgeFilter::default() };
        match self.store().ranked().await? {
            Some(topology) => self.paths_read_by(&ByRank(topology), from, to, max_hops, first, &filter).await,
            None => self.paths_read_by(&ById(self.store().as_ref()), from, to, max_hops, first, &filter).await,
        }
    }

    /// [`Graph::paths`] of two distinct nodes, reading the structure through `reader`.
    async fn paths_read_by<R: Reader>(
        &self,
        reader: &R,
        from: &NodeId,
        to: &NodeId,
        max_hops: usize,
        first: usize,
        filter: &EdgeFilter,
    ) -> Result<Vec<Path>, GraphError> {
        let (Some(start), Some(end)) = (reader.node(from), reader.node(to)) else {
            return Ok(Vec::new());
        };
        let mut links = Vec::new();
        load_ball(reader, &mut links, start.clone(), max_hops.div_ceil(2), filter).await?;
        load_ball(reader, &mut links, end.clone(), max_hops / 2, filter).await?;

        let sequences = enumerate(&links, &start, &end, max_hops, first);
        let mut paths_by_id = Vec::with_capacity(sequences.len());
        for (nodes, edges) in sequences {
            let nodes = nodes.into_iter().map(|node| reader.node_id(node)).collect::<Result<Vec<NodeId>, GraphError>>()?;
            let edges = edges.into_iter().map(|link| reader.edge_link(link)).collect::<Result<Vec<EdgeLink>, GraphError>>()?;
            paths_by_id.push((nodes, edges));
        }
        let ids: Vec<NodeId> =
            paths_by_id.iter().flat_map(|(nodes, _)| nodes.iter().cloned()).collect::<BTreeSet<_>>().into_iter().collect();
        let records = self.node_map(&ids).await?;
        let paths = paths_by_id
            .into_iter()
            .filter_map(|(nodes, edges)| {
                let nodes: Option<Vec<NodeRecord>> = nodes.iter().map(|id| records.get(id).cloned()).collect();
                nodes.map(|nodes| Path { nodes, edges })
            })
            .collect();
        Ok(paths)
    }
}

/// Appends to `links` every edge within `radius` hops of `start`, one expansion per level.
async fn load_ball<R: Reader>(
    reader: &R,
    links: &mut Vec<R::Link>,
    start: R::Node,
    radius: usize,
    filter: &EdgeFilter,
) -> Result<(), GraphError> {
    let mut seen: Marks<R::Node> = Marks::default();
    seen.insert(start.clone());
    let mut frontier = vec![start];
    for _ in 0..radius {
        if frontier.is_empty() || seen.len() >= BALL_BUDGET {
            break;
        }
        let level = reader.level(&frontier, filter, BALL_BUDGET).await?;
        frontier = Vec::new();
        for link in level {
            for end in [link.source(), link.target()] {
                if seen.len() < BALL_BUDGET && seen.insert(end.clone()) {
                    frontier.push(end.clone());
                }
            }
            links.push(link);
        }
    }
    Ok(())
}
