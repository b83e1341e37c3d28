//! "Through whom": the k shortest simple paths between two nodes, ignoring edge direction.
//!
//! The store is read from both ends at once: a ball of radius ⌈h/2⌉ around the source and ⌊h/2⌋ around
//! the target (h = maxHops), one expansion per level, each ball capped at [`BALL_BUDGET`] nodes and edges
//! per level (the first edges by id: around hubs, paths through the rest are not seen). Every path of at
//! most h hops lies inside the union of the two (uncapped) balls, so the paths are then enumerated in
//! memory: shortest first, ties broken by the node ids along the path, at most one path per sequence of
//! nodes (parallel edges between the same two nodes do not make a new path).

use std::collections::{BTreeSet, VecDeque};

use partnergraph_schema::hash::{IdMap, IdSet};
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

/// The loaded part of the graph, undirected: edges by id (loops left out).
#[derive(Default)]
struct LocalGraph {
    edges: IdSet<ById>,
}

/// A link that hashes and compares by its id, so the set is keyed without a copy of the id.
struct ById(EdgeLink);

impl PartialEq for ById {
    fn eq(&self, other: &ById) -> bool {
        self.0.id == other.0.id
    }
}

impl Eq for ById {}

impl std::hash::Hash for ById {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.id.hash(state);
    }
}

impl std::borrow::Borrow<EdgeId> for ById {
    fn borrow(&self) -> &EdgeId {
        &self.0.id
    }
}

impl LocalGraph {
    fn add(&mut self, edge: EdgeLink) {
        if edge.source != edge.target {
            self.edges.insert(ById(edge));
        }
    }

    fn get(&self, id: &EdgeId) -> Option<&EdgeLink> {
        self.edges.get(id).map(|edge| &edge.0)
    }
}

/// The part of the local graph that a path of at most `max_hops` edges can use, with every node id replaced
/// by its rank in id order, so comparing ranks compares ids and the search allocates nothing per step.
/// Edges are numbered in no particular order: only their ids are ever compared, and only between
/// parallel edges.
struct Interned<'a> {
    nodes: Vec<&'a NodeId>,
    edges: Vec<&'a EdgeId>,
    /// Per node: `(neighbour, edge)`, one entry per neighbour (the smallest edge id), by neighbour id.
    adjacency: Vec<Vec<(u32, u32)>>,
}

impl<'a> Interned<'a> {
    /// The corridor between `from` and `to`: the nodes whose distance from `from` plus distance to `to`
    /// is at most `max_hops`. Every node of such a path is in it, and so is every shortest path from
    /// one of its nodes to `to`, so searching it finds what searching the whole graph finds; only the
    /// corridor is sorted. `None` when either end is not in the local graph.
    fn corridor(local: &'a LocalGraph, from: &NodeId, to: &NodeId, max_hops: usize) -> Option<Interned<'a>> {
        let mut number: IdMap<&NodeId, u32> = IdMap::default();
        let mut ids: Vec<&NodeId> = Vec::new();
        let mut edges: Vec<&EdgeId> = Vec::with_capacity(local.edges.len());
        let mut neighbours: Vec<Vec<(u32, u32)>> = Vec::new();
        for (edge_number, ById(edge)) in local.edges.iter().enumerate() {
            let mut intern = |id: &'a NodeId| {
                *number.entry(id).or_insert_with(|| {
                    ids.push(id);
                    neighbours.push(Vec::new());
                    (ids.len() - 1) as u32
                })
            };
            let (source, target) = (intern(&edge.source), intern(&edge.target));
            edges.push(&edge.id);
            neighbours[source as usize].push((target, edge_number as u32));
            neighbours[target as usize].push((source, edge_number as u32));
        }
        let (start, end) = (*number.get(from)?, *number.get(to)?);
        let (from_start, to_end) = (distances(&neighbours, start), distances(&neighbours, end));
        let mut inside: Vec<u32> = (0..ids.len() as u32)
            .filter(|node| {
                let (before, after) = (from_start[*node as usize], to_end[*node as usize]);
                before != u32::MAX && after != u32::MAX && (before + after) as usize <= max_hops
            })
            .collect();
        inside.sort_unstable_by(|a, b| ids[*a as usize].cmp(ids[*b as usize]));
        let mut rank = vec![u32::MAX; ids.len()];
        for (position, node) in inside.iter().enumerate() {
            rank[*node as usize] = position as u32;
        }
        let adjacency = inside
            .iter()
            .map(|node| {
                let mut list: Vec<(u32, u32)> = neighbours[*node as usize]
                    .iter()
                    .filter(|(neighbour, _)| rank[*neighbour as usize] != u32::MAX)
                    .map(|(neighbour, edge)| (rank[*neighbour as usize], *edge))
                    .collect();
                list.sort_unstable_by(|(a, a_edge), (b, b_edge)| {
                    a.cmp(b).then_with(|| edges[*a_edge as usize].cmp(edges[*b_edge as usize]))
                });
                list.dedup_by_key(|(neighbour, _)| *neighbour);
                list
            })
            .collect();
        Some(Interned { nodes: inside.iter().map(|node| ids[*node as usize]).collect(), edges, adjacency })
    }

    fn rank(&self, id: &NodeId) -> Option<u32> {
        self.nodes.binary_search(&id).ok().map(|rank| rank as u32)
    }
}

/// Hop distance from `start` to every node of `adjacency` (`u32::MAX` where unreachable).
fn distances(adjacency: &[Vec<(u32, u32)>], start: u32) -> Vec<u32> {
    let mut distance = vec![u32::MAX; adjacency.len()];
    distance[start as usize] = 0;
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        let next = distance[node as usize] + 1;
        for (neighbour, _) in &adjacency[node as usize] {
            if distance[*neighbour as usize] == u32::MAX {
                distance[*neighbour as usize] = next;
                queue.push_back(*neighbour);
            }
        }
    }
    distance
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
                let edges = edges.iter().filter_map(|id| local.get(id).cloned()).collect();
                nodes.map(|nodes| Path { nodes, edges })
            })
            .collect();
        Ok(paths)
    }

    /// Loads every edge within `radius` hops of `start` into `local`, one expansion per level.
    async fn load_ball(&self, local: &mut LocalGraph, start: &NodeId, radius: usize, filter: &EdgeFilter) -> Result<(), GraphError> {
        let mut seen: IdSet<NodeId> = IdSet::default();
        seen.insert(start.clone());
        let mut frontier = vec![start.clone()];
        for _ in 0..radius {
            if frontier.is_empty() || seen.len() >= BALL_BUDGET {
                break;
            }
            let level = self.store().expand_page(&frontier, filter, None, BALL_BUDGET).await?;
            frontier = Vec::new();
            for edge in level {
                for end in [&edge.source, &edge.target] {
                    if seen.len() < BALL_BUDGET && !seen.contains(end) {
                        seen.insert(end.clone());
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
    let Some(interned) = Interned::corridor(local, from, to, max_hops) else {
        return Vec::new();
    };
    let (Some(start), Some(end)) = (interned.rank(from), interned.rank(to)) else {
        return Vec::new();
    };
    let distance_to_target = distances(&interned.adjacency, end);
    let shortest = distance_to_target[start as usize];
    if shortest == u32::MAX {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut steps = 0;
    for length in shortest as usize..=max_hops {
        let mut walk = Walk {
            graph: &interned,
            to: end,
            length,
            distance_to_target: &distance_to_target,
            first,
            found: &mut found,
            steps: &mut steps,
        };
        walk.extend(&mut vec![start], &mut Vec::new());
        if found.len() >= first || steps >= STEP_BUDGET {
            break;
        }
    }
    found
        .into_iter()
        .map(|(nodes, edges)| {
            let nodes = nodes.iter().map(|rank| interned.nodes[*rank as usize].clone()).collect();
            let edges = edges.iter().map(|rank| interned.edges[*rank as usize].clone()).collect();
            (nodes, edges)
        })
        .collect()
}

/// Depth-first search for paths of exactly `length` edges, pruned by the distance to the target.
struct Walk<'a> {
    graph: &'a Interned<'a>,
    to: u32,
    length: usize,
    distance_to_target: &'a [u32],
    first: usize,
    found: &'a mut Vec<(Vec<u32>, Vec<u32>)>,
    steps: &'a mut usize,
}

impl Walk<'_> {
    fn extend(&mut self, nodes: &mut Vec<u32>, edges: &mut Vec<u32>) {
        *self.steps += 1;
        if self.found.len() >= self.first || *self.steps >= STEP_BUDGET {
            return;
        }
        let Some(current) = nodes.last().copied() else { return };
        if current == self.to {
            if edges.len() == self.length {
                self.found.push((nodes.clone(), edges.clone()));
            }
            return;
        }
        for (neighbour, edge) in &self.graph.adjacency[current as usize] {
            let remaining = self.distance_to_target[*neighbour as usize];
            if remaining == u32::MAX || edges.len() + 1 + remaining as usize > self.length || nodes.contains(neighbour) {
                continue;
            }
            nodes.push(*neighbour);
            edges.push(*edge);
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

    /// Every simple path of at most `max_hops` edges, by brute force: by length, then node ids.
    fn brute_force(edges: &[(String, String)], from: &str, to: &str, max_hops: usize) -> Vec<String> {
        fn walk(edges: &[(String, String)], to: &str, max_hops: usize, path: &mut Vec<String>, out: &mut BTreeSet<(usize, Vec<String>)>) {
            let current = path.last().expect("start").clone();
            if current == to {
                out.insert((path.len() - 1, path.clone()));
                return;
            }
            if path.len() > max_hops {
                return;
            }
            for (a, b) in edges {
                let next = if *a == current {
                    b
                } else if *b == current {
                    a
                } else {
                    continue;
                };
                if a != b && !path.contains(next) {
                    path.push(next.clone());
                    walk(edges, to, max_hops, path, out);
                    path.pop();
                }
            }
        }
        let mut out = BTreeSet::new();
        walk(edges, to, max_hops, &mut vec![from.to_owned()], &mut out);
        out.into_iter().map(|(_, path)| path.join("-")).collect()
    }

    /// The corridor search finds exactly what a search of every path finds, in the same order, on
    /// pseudo-random graphs with hubs, parallel edges and loops.
    #[test]
    fn the_corridor_loses_no_path() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |bound: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % bound
        };
        for _ in 0..200 {
            let nodes = 3 + next(10);
            let edge_count = next(nodes * 3);
            let edges: Vec<(String, String)> = (0..edge_count)
                .map(|_| {
                    let a = if next(3) == 0 { 0 } else { next(nodes) };
                    (format!("n{a:02}"), format!("n{:02}", next(nodes)))
                })
                .collect();
            let pairs: Vec<(&str, &str)> = edges.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            let (from, to) = (format!("n{:02}", next(nodes)), format!("n{:02}", next(nodes)));
            if from == to {
                continue;
            }
            let max_hops = 1 + next(4) as usize;
            let expected = brute_force(&edges, &from, &to, max_hops);
            assert_eq!(check(&pairs, &from, &to, max_hops, 1000), expected, "{edges:?} {from} → {to} within {max_hops}");
        }
    }

    #[test]
    fn no_path_within_the_hop_limit() {
        let chain = [("a", "b"), ("b", "c"), ("c", "d")];
        assert!(check(&chain, "a", "d", 2, 3).is_empty());
        assert_eq!(check(&chain, "a", "d", 3, 3), ["a-b-c-d"]);
        assert!(check(&chain, "a", "z", 3, 3).is_empty());
    }
}
