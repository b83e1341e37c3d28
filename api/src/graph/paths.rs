//! "Through whom": the k shortest simple paths between two nodes, ignoring edge direction.
//!
//! The store is read from both ends at once: a ball of radius ⌈h/2⌉ around the source and ⌊h/2⌋ around
//! the target (h = maxHops), one expansion per level, each ball capped at [`BALL_BUDGET`] nodes and edges
//! per level (the first edges by id: around hubs, paths through the rest are not seen). Every path of at
//! most h hops lies inside the union of the two (uncapped) balls, so the paths are then enumerated in
//! memory: shortest first, ties broken by the node ids along the path, at most one path per sequence of
//! nodes (parallel edges between the same two nodes do not make a new path).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use partnergraph_schema::{EdgeId, EdgeLink, NodeId, NodeRecord, PartialDate};

use crate::graph::{Graph, GraphError, check_range};
use crate::store::EdgeFilter;

/// Longest path searched.
pub const MAX_HOPS: i64 = 6;
/// Most paths returned.
pub const MAX_PATHS: i64 = 20;
/// Most nodes, and most edges per level, loaded around each end.
const BALL_BUDGET: usize = 10_000;
/// Most search steps spent enumerating paths.
const STEP_BUDGET: usize = 2_000_000;

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

/// The loaded part of the graph, undirected.
#[derive(Default)]
struct LocalGraph {
    edges: BTreeMap<EdgeId, EdgeLink>,
    /// node → (neighbour, edge id), sorted.
    adjacency: HashMap<NodeId, BTreeSet<(NodeId, EdgeId)>>,
}

impl LocalGraph {
    fn add(&mut self, edge: EdgeLink) {
        if self.edges.contains_key(&edge.id) || edge.source == edge.target {
            return;
        }
        self.adjacency.entry(edge.source.clone()).or_default().insert((edge.target.clone(), edge.id.clone()));
        self.adjacency.entry(edge.target.clone()).or_default().insert((edge.source.clone(), edge.id.clone()));
        self.edges.insert(edge.id.clone(), edge);
    }

    /// Neighbours of `node`, one entry per neighbour (the smallest edge id), sorted by neighbour id.
    fn neighbours(&self, node: &NodeId) -> Vec<(&NodeId, &EdgeId)> {
        let mut seen: Vec<(&NodeId, &EdgeId)> = Vec::new();
        for (neighbour, edge) in self.adjacency.get(node).into_iter().flatten() {
            if seen.last().is_none_or(|(last, _)| *last != neighbour) {
                seen.push((neighbour, edge));
            }
        }
        seen
    }

    /// Hop distance from `start` to every node reachable in the local graph.
    fn distances(&self, start: &NodeId) -> HashMap<NodeId, usize> {
        let mut distance = HashMap::from([(start.clone(), 0)]);
        let mut queue = VecDeque::from([start.clone()]);
        while let Some(node) = queue.pop_front() {
            let next = distance[&node] + 1;
            for (neighbour, _) in self.neighbours(&node) {
                if !distance.contains_key(neighbour) {
                    distance.insert(neighbour.clone(), next);
                    queue.push_back(neighbour.clone());
                }
            }
        }
        distance
    }
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
        let filter = EdgeFilter { types: Vec::new(), as_of: query.as_of };
        let mut local = LocalGraph::default();
        self.load_ball(&mut local, from, max_hops.div_ceil(2), &filter).await?;
        self.load_ball(&mut local, to, max_hops / 2, &filter).await?;

        let sequences = enumerate(&local, from, to, max_hops, first);
        let ids: Vec<NodeId> = sequences.iter().flat_map(|(nodes, _)| nodes.iter().cloned()).collect::<BTreeSet<_>>().into_iter().collect();
        let records = self.node_map(&ids).await?;
        let paths = sequences
            .into_iter()
            .filter_map(|(nodes, edges)| {
                let nodes: Option<Vec<NodeRecord>> = nodes.iter().map(|id| records.get(id).cloned()).collect();
                let edges = edges.iter().map(|id| local.edges[id].clone()).collect();
                nodes.map(|nodes| Path { nodes, edges })
            })
            .collect();
        Ok(paths)
    }

    /// Loads every edge within `radius` hops of `start` into `local`, one expansion per level.
    async fn load_ball(&self, local: &mut LocalGraph, start: &NodeId, radius: usize, filter: &EdgeFilter) -> Result<(), GraphError> {
        let mut seen: BTreeSet<NodeId> = BTreeSet::from([start.clone()]);
        let mut frontier = vec![start.clone()];
        for _ in 0..radius {
            if frontier.is_empty() || seen.len() >= BALL_BUDGET {
                break;
            }
            let level = self.store().expand_page(&frontier, filter, None, BALL_BUDGET).await?;
            frontier = Vec::new();
            for edge in level {
                for end in [&edge.source, &edge.target] {
                    if seen.len() < BALL_BUDGET && seen.insert(end.clone()) {
                        frontier.push(end.clone());
                    }
                }
                local.add(edge);
            }
        }
        Ok(())
    }
}

type Sequence = (Vec<NodeId>, Vec<EdgeId>);

/// Simple paths from `from` to `to`, by length then by node ids, at most `first`.
fn enumerate(local: &LocalGraph, from: &NodeId, to: &NodeId, max_hops: usize, first: usize) -> Vec<Sequence> {
    let distance_to_target = local.distances(to);
    let Some(shortest) = distance_to_target.get(from).copied() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let mut steps = 0;
    for length in shortest..=max_hops {
        let mut walk = Walk { local, to, length, distance_to_target: &distance_to_target, first, found: &mut found, steps: &mut steps };
        let mut nodes = vec![from.clone()];
        let mut edges = Vec::new();
        walk.extend(&mut nodes, &mut edges);
        if found.len() >= first || steps >= STEP_BUDGET {
            break;
        }
    }
    found
}

/// Depth-first search for paths of exactly `length` edges, pruned by the distance to the target.
struct Walk<'a> {
    local: &'a LocalGraph,
    to: &'a NodeId,
    length: usize,
    distance_to_target: &'a HashMap<NodeId, usize>,
    first: usize,
    found: &'a mut Vec<Sequence>,
    steps: &'a mut usize,
}

impl Walk<'_> {
    fn extend(&mut self, nodes: &mut Vec<NodeId>, edges: &mut Vec<EdgeId>) {
        *self.steps += 1;
        if self.found.len() >= self.first || *self.steps >= STEP_BUDGET {
            return;
        }
        let Some(current) = nodes.last().cloned() else { return };
        if &current == self.to {
            if edges.len() == self.length {
                self.found.push((nodes.clone(), edges.clone()));
            }
            return;
        }
        for (neighbour, edge) in self.local.neighbours(&current) {
            let Some(remaining) = self.distance_to_target.get(neighbour) else { continue };
            if edges.len() + 1 + remaining > self.length || nodes.contains(neighbour) {
                continue;
            }
            nodes.push(neighbour.clone());
            edges.push(edge.clone());
            self.extend(nodes, edges);
            nodes.pop();
            edges.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use partnergraph_schema::EdgeType;

    fn edge(source: &str, target: &str) -> EdgeLink {
        EdgeLink {
            id: EdgeId::parse(format!("{source}>part_of>{target}")).expect("edge id"),
            edge_type: EdgeType::PartOf,
            source: NodeId::parse(source).expect("source"),
            target: NodeId::parse(target).expect("target"),
            role: None,
            iati_role: None,
            from: None,
            to: None,
            amount_usd: None,
        }
    }

    /// Enumerates paths in a small text graph and prints them as `a-b-c`.
    fn check(edges: &[(&str, &str)], from: &str, to: &str, max_hops: usize, first: usize) -> Vec<String> {
        let mut local = LocalGraph::default();
        for (source, target) in edges {
            local.add(edge(&format!("agency:{source}"), &format!("agency:{target}")));
        }
        let from = NodeId::parse(format!("agency:{from}")).expect("from");
        let to = NodeId::parse(format!("agency:{to}")).expect("to");
        enumerate(&local, &from, &to, max_hops, first)
            .into_iter()
            .map(|(nodes, edges)| {
                assert_eq!(edges.len() + 1, nodes.len());
                nodes.iter().map(NodeId::slug).collect::<Vec<_>>().join("-")
            })
            .collect()
    }

    #[test]
    fn shortest_first_then_by_node_ids() {
        let diamond = [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("a", "e"), ("e", "f"), ("f", "d")];
        assert_eq!(check(&diamond, "a", "d", 4, 5), ["a-b-d", "a-c-d", "a-e-f-d"]);
        assert_eq!(check(&diamond, "a", "d", 2, 5), ["a-b-d", "a-c-d"]);
        assert_eq!(check(&diamond, "a", "d", 4, 1), ["a-b-d"]);
    }

    #[test]
    fn direction_is_ignored_and_paths_are_simple() {
        let edges = [("b", "a"), ("b", "c"), ("c", "b")];
        assert_eq!(check(&edges, "a", "c", 4, 5), ["a-b-c"]);
    }

    #[test]
    fn no_path_within_the_hop_limit() {
        let chain = [("a", "b"), ("b", "c"), ("c", "d")];
        assert!(check(&chain, "a", "d", 2, 3).is_empty());
        assert_eq!(check(&chain, "a", "d", 3, 3), ["a-b-c-d"]);
        assert!(check(&chain, "a", "z", 3, 3).is_empty());
    }
}
