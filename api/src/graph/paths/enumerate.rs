//! Enumerating paths in memory, over the edges loaded around the two ends: shortest first, ties broken by
//! the node ids along the path, at most one path per sequence of nodes (parallel edges between the same
//! two nodes do not make a new path; the one with the smallest id stands for them), loops ignored.
//!
//! Written once for any [`Link`]: edges by id (`EdgeLink`) or by rank (`RankedEdge`, whose ranks compare
//! as the ids do), so both ways of reading the store find the same paths in the same order.

use crate::graph::paths::corridor::{Adjacency, Interned, Scratch, distances_into};
use crate::graph::reader::Link;

/// Most search steps spent enumerating paths. The walk runs over the corridor of every loaded edge (the
/// leaves left out of its distance searches are still in it when they can be), so where a request reaches
/// this budget does not depend on how the corridor was computed.
const STEP_BUDGET: usize = 2_000_000;

/// A path found: its nodes from the source to the target, and the edge taken between each two.
pub(super) type Found<'a, L> = (Vec<&'a <L as Link>::Node>, Vec<&'a L>);

/// Simple paths of at most `max_hops` edges from `from` to `to` over `links` (in any order, duplicates
/// allowed), by length then by node ids, at most `first`.
pub(super) fn enumerate<'a, L: Link>(links: &'a [L], from: &L::Node, to: &L::Node, max_hops: usize, first: usize) -> Vec<Found<'a, L>> {
    let mut scratch = Scratch::take();
    let found = enumerate_with(links, from, to, max_hops, first, &mut scratch);
    scratch.give_back();
    found
}

fn enumerate_with<'a, L: Link>(
    links: &'a [L],
    from: &L::Node,
    to: &L::Node,
    max_hops: usize,
    first: usize,
    scratch: &mut Scratch,
) -> Vec<Found<'a, L>> {
    let Some(interned) = Interned::corridor(links, from, to, max_hops, scratch) else {
        return Vec::new();
    };
    let (Some(start), Some(end)) = (interned.position(from), interned.position(to)) else {
        return Vec::new();
    };
    let mut distance_to_target = Vec::new();
    distances_into(&interned.adjacency, end, &mut distance_to_target, &mut scratch.queue);
    let shortest = distance_to_target[start as usize];
    if shortest == u32::MAX {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut steps = 0;
    for length in shortest as usize..=max_hops {
        let mut walk = Walk {
            adjacency: &interned.adjacency,
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
            let nodes = nodes.iter().map(|position| interned.nodes[*position as usize]).collect();
            let edges = edges.iter().map(|number| &links[scratch.edge_links[*number as usize] as usize]).collect();
            (nodes, edges)
        })
        .collect()
}

/// Depth-first search for paths of exactly `length` edges, pruned by the distance to the target.
struct Walk<'a> {
    adjacency: &'a Adjacency,
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
        for (neighbour, edge) in self.adjacency.of(current) {
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
    use std::collections::BTreeSet;

    use super::*;
    use partnergraph_schema::{EdgeId, EdgeLink, EdgeType, NodeId};

    use crate::graph::paths::corridor::tests::Numbers;
    use crate::store::RankedEdge;

    fn edge(source: &str, target: &str, tag: &str) -> EdgeLink {
        EdgeLink {
            id: EdgeId::parse(format!("{source}>{tag}>{target}")).expect("edge id"),
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

    fn links(edges: &[(&str, &str)]) -> Vec<EdgeLink> {
        edges.iter().map(|(source, target)| edge(&format!("agency:{source}"), &format!("agency:{target}"), "part_of")).collect()
    }

    fn agency(slug: &str) -> NodeId {
        NodeId::parse(format!("agency:{slug}")).expect("node id")
    }

    /// Enumerates paths in a small text graph and prints them as `a-b-c`.
    fn check(edges: &[(&str, &str)], from: &str, to: &str, max_hops: usize, first: usize) -> Vec<String> {
        let links = links(edges);
        enumerate(&links, &agency(from), &agency(to), max_hops, first)
            .into_iter()
            .map(|(nodes, edges)| {
                assert_eq!(edges.len() + 1, nodes.len());
                nodes.iter().map(|id| id.slug()).collect::<Vec<_>>().join("-")
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
    fn parallel_edges_give_one_path_through_the_smallest_id() {
        let links = vec![
            edge("agency:b", "agency:a", "m"),
            edge("agency:a", "agency:a", "loop"),
            edge("agency:a", "agency:b", "z"),
            edge("agency:b", "agency:a", "m"),
        ];
        let found = enumerate(&links, &agency("a"), &agency("b"), 3, 5);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1[0].id.as_str(), "agency:a>z>agency:b", "the smaller of the two ids, though met second");
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
        let mut numbers = Numbers(0x2545_f491_4f6c_dd1d);
        for _ in 0..400 {
            let nodes = 3 + numbers.below(10);
            let edge_count = numbers.below(nodes * 3);
            let edges: Vec<(String, String)> = (0..edge_count)
                .map(|_| {
                    let a = if numbers.below(3) == 0 { 0 } else { numbers.below(nodes) };
                    (format!("n{a:02}"), format!("n{:02}", numbers.below(nodes)))
                })
                .collect();
            let pairs: Vec<(&str, &str)> = edges.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            let (from, to) = (format!("n{:02}", numbers.below(nodes)), format!("n{:02}", numbers.below(nodes)));
            if from == to {
                continue;
            }
            let max_hops = 1 + numbers.below(6) as usize;
            let first = 1 + numbers.below(20) as usize;
            let mut expected = brute_force(&edges, &from, &to, max_hops);
            expected.truncate(first);
            assert_eq!(check(&pairs, &from, &to, max_hops, first), expected, "{edges:?} {from} → {to} within {max_hops}");
        }
    }

    /// Reading the same edges by rank finds the same paths, through the same edges, in the same order,
    /// as reading them by id: ranks compare as ids, and the order edges arrive in does not matter.
    #[test]
    fn ranks_find_what_ids_find() {
        let mut numbers = Numbers(0x9e37_79b9_7f4a_7c15);
        for _ in 0..300 {
            let nodes = 3 + numbers.below(12);
            let name = |n: u64| format!("agency:n{n}");
            let mut links: Vec<EdgeLink> = (0..numbers.below(nodes * 4))
                .map(|_| {
                    let a = if numbers.below(3) == 0 { 0 } else { numbers.below(nodes) };
                    let tag = ["a", "b", "c"][numbers.below(3) as usize];
                    edge(&name(a), &name(numbers.below(nodes)), tag)
                })
                .collect();
            let node_ids: Vec<NodeId> =
                (0..nodes).map(|n| NodeId::parse(name(n)).expect("id")).collect::<BTreeSet<_>>().into_iter().collect();
            let edge_ids: Vec<EdgeId> = links.iter().map(|link| link.id.clone()).collect::<BTreeSet<_>>().into_iter().collect();
            let node_rank = |id: &NodeId| node_ids.binary_search(id).expect("node") as u32;
            let ranked: Vec<RankedEdge> = links
                .iter()
                .rev()
                .map(|link| RankedEdge {
                    edge: edge_ids.binary_search(&link.id).expect("edge") as u32,
                    source: node_rank(&link.source),
                    target: node_rank(&link.target),
                })
                .collect();
            links.sort_by(|a, b| a.id.cmp(&b.id));
            let (from, to) =
                (NodeId::parse(name(numbers.below(nodes))).expect("from"), NodeId::parse(name(numbers.below(nodes))).expect("to"));
            let max_hops = 1 + numbers.below(5) as usize;
            let by_id: Vec<(Vec<String>, Vec<String>)> = enumerate(&links, &from, &to, max_hops, 50)
                .into_iter()
                .map(|(nodes, edges)| {
                    (nodes.iter().map(ToString::to_string).collect(), edges.iter().map(|edge| edge.id.to_string()).collect())
                })
                .collect();
            let by_rank: Vec<(Vec<String>, Vec<String>)> = enumerate(&ranked, &node_rank(&from), &node_rank(&to), max_hops, 50)
                .into_iter()
                .map(|(nodes, edges)| {
                    let nodes = nodes.iter().map(|rank| node_ids[**rank as usize].to_string()).collect();
                    (nodes, edges.iter().map(|edge| edge_ids[edge.edge as usize].to_string()).collect())
                })
                .collect();
            assert_eq!(by_rank, by_id, "{from} → {to} within {max_hops}");
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
