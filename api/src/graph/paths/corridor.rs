//! The corridor between the two ends: the part of the loaded edges that a path of at most `max_hops`
//! edges can use, with every node replaced by its position in key order.
//!
//! The loaded edges' ends are numbered by sorting them (a radix sort when the keys are ranks), so the
//! numbers come out in key order, no graph-sized array is touched and the corridor needs no sort of its
//! own. The two distance searches skip the union's leaves (a node that is not an end and meets one edge
//! only; around a hub, most of the union): a leaf is never inside a shortest path, so the other nodes'
//! distances are those of the whole union, and a leaf's are its one neighbour's plus one. The corridor,
//! and so the walk over it and the steps it counts, are exactly those of the whole union.

use std::collections::VecDeque;
use std::sync::Mutex;

use crate::graph::reader::Link;
use crate::store::dense::{Key, Marks};

/// Neighbour lists side by side: node `n`'s `(neighbour, edge)` pairs are
/// `entries[offsets[n]..offsets[n + 1]]`.
#[derive(Default)]
pub(super) struct Adjacency {
    offsets: Vec<u32>,
    entries: Vec<(u32, u32)>,
}

impl Adjacency {
    /// Both directions of each edge `(source, target)`, numbered by position, over `nodes` nodes, in
    /// this adjacency's buffers (`fill` is scratch).
    fn fill_undirected(&mut self, nodes: usize, ends: &[(u32, u32)], fill: &mut Vec<u32>) {
        let offsets = &mut self.offsets;
        offsets.clear();
        offsets.resize(nodes + 1, 0);
        for (source, target) in ends {
            offsets[*source as usize + 1] += 1;
            offsets[*target as usize + 1] += 1;
        }
        for node in 0..nodes {
            offsets[node + 1] += offsets[node];
        }
        fill.clear();
        fill.extend_from_slice(offsets);
        self.entries.clear();
        self.entries.resize(ends.len() * 2, (0, 0));
        for (edge, (source, target)) in ends.iter().enumerate() {
            for (from, to) in [(*source, *target), (*target, *source)] {
                self.entries[fill[from as usize] as usize] = (to, edge as u32);
                fill[from as usize] += 1;
            }
        }
    }

    fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub(super) fn of(&self, node: u32) -> &[(u32, u32)] {
        &self.entries[self.offsets[node as usize] as usize..self.offsets[node as usize + 1] as usize]
    }
}

/// The buffers of one enumeration over all the loaded edges, kept between requests (in a small pool) so
/// that a request does not fault in fresh pages for them; everything in them is overwritten before use.
#[derive(Default)]
pub(super) struct Scratch {
    /// Per distinct edge: the position in the loaded links of the one that stands for it.
    pub(super) edge_links: Vec<u32>,
    /// Per distinct edge: its two ends, as node numbers.
    ends: Vec<(u32, u32)>,
    /// Per node number: where it was first met, `2 × link + 1` if as a target.
    node_links: Vec<u32>,
    /// Per node number: how many distinct edges meet it.
    degree: Vec<u32>,
    /// Each end of each distinct edge, `key << 32 | 2 × edge + (1 if the target)`, sorted by key.
    met: Vec<u64>,
    sorting: Vec<u64>,
    /// The distinct edges between two nodes that are not leaves (or, in the corridor, both inside).
    core_ends: Vec<(u32, u32)>,
    core_edges: Vec<u32>,
    neighbours: Adjacency,
    fill: Vec<u32>,
    from_start: Vec<u32>,
    to_end: Vec<u32>,
    pub(super) queue: VecDeque<u32>,
    rank: Vec<u32>,
}

static SCRATCH: Mutex<Vec<Scratch>> = Mutex::new(Vec::new());

impl Scratch {
    pub(super) fn take() -> Scratch {
        SCRATCH.lock().map(|mut pool| pool.pop().unwrap_or_default()).unwrap_or_default()
    }

    pub(super) fn give_back(self) {
        if let Ok(mut pool) = SCRATCH.lock()
            && pool.len() < 8
        {
            pool.push(self);
        }
    }
}

/// The part of the loaded edges that a path of at most `max_hops` edges can use, with every node replaced
/// by its position in key order, so comparing positions compares ids and the search allocates nothing per
/// step.
pub(super) struct Interned<'a, L: Link> {
    pub(super) nodes: Vec<&'a L::Node>,
    /// Per node: `(neighbour, edge)`, one entry per neighbour (the smallest edge key), by neighbour.
    pub(super) adjacency: Adjacency,
}

impl<'a, L: Link> Interned<'a, L> {
    /// The corridor between `from` and `to`: the nodes whose distance from `from` plus distance to `to`
    /// is at most `max_hops` (distances over all the loaded edges). Every node of such a path is in it,
    /// and so is every shortest path from one of its nodes to `to`, so searching it finds what searching
    /// the whole graph finds. `None` when either end is not among the loaded edges. The edge numbers in
    /// the adjacency index `scratch.edge_links`.
    pub(super) fn corridor(
        links: &'a [L],
        from: &L::Node,
        to: &L::Node,
        max_hops: usize,
        scratch: &mut Scratch,
    ) -> Option<Interned<'a, L>> {
        let node_of = |at: u32| -> &'a L::Node {
            let link = &links[(at / 2) as usize];
            if at.is_multiple_of(2) { link.source() } else { link.target() }
        };
        number_ends(links, scratch);
        let Scratch {
            edge_links, ends, node_links, degree, core_ends, core_edges, neighbours, fill, from_start, to_end, queue, rank, ..
        } = scratch;
        let node_count = node_links.len();
        let find = |id: &L::Node| node_links.binary_search_by(|at| node_of(*at).cmp(id)).ok().map(|node| node as u32);
        let (start, end) = (find(from)?, find(to)?);
        let leaf = |node: u32| degree[node as usize] == 1 && node != start && node != end;

        // The distances over the edges between nodes that are not leaves, then each leaf's from its one
        // neighbour (a leaf's neighbour that is a leaf too stays unreached: their edge meets neither end).
        core_ends.clear();
        core_ends.extend(ends.iter().filter(|(source, target)| !leaf(*source) && !leaf(*target)));
        neighbours.fill_undirected(node_count, core_ends, fill);
        distances_into(neighbours, start, from_start, queue);
        distances_into(neighbours, end, to_end, queue);
        for (source, target) in ends.iter() {
            for (node, neighbour) in [(*source, *target), (*target, *source)] {
                if leaf(node) {
                    for distance in [&mut *from_start, &mut *to_end] {
                        let through = distance[neighbour as usize];
                        distance[node as usize] = if through == u32::MAX { u32::MAX } else { through + 1 };
                    }
                }
            }
        }

        // The corridor, already in key order, and its edges.
        rank.clear();
        rank.resize(node_count, u32::MAX);
        let mut nodes = Vec::new();
        for node in 0..node_count {
            let (before, after) = (from_start[node], to_end[node]);
            if before != u32::MAX && after != u32::MAX && (before + after) as usize <= max_hops {
                rank[node] = nodes.len() as u32;
                nodes.push(node_of(node_links[node]));
            }
        }
        core_ends.clear();
        core_edges.clear();
        for (edge, (source, target)) in ends.iter().enumerate() {
            let (source, target) = (rank[*source as usize], rank[*target as usize]);
            if source != u32::MAX && target != u32::MAX {
                core_ends.push((source, target));
                core_edges.push(edge as u32);
            }
        }
        neighbours.fill_undirected(nodes.len(), core_ends, fill);
        let edge_key = |edge: u32| links[edge_links[edge as usize] as usize].key();
        let mut adjacency = Adjacency { offsets: Vec::with_capacity(nodes.len() + 1), entries: Vec::new() };
        adjacency.offsets.push(0);
        for node in 0..nodes.len() as u32 {
            let first = adjacency.entries.len();
            adjacency.entries.extend(neighbours.of(node).iter().map(|(neighbour, at)| (*neighbour, core_edges[*at as usize])));
            let list = &mut adjacency.entries[first..];
            list.sort_unstable_by(|(a, a_edge), (b, b_edge)| a.cmp(b).then_with(|| edge_key(*a_edge).cmp(edge_key(*b_edge))));
            let mut kept = first;
            for at in first..adjacency.entries.len() {
                if at == first || adjacency.entries[at].0 != adjacency.entries[kept - 1].0 {
                    adjacency.entries[kept] = adjacency.entries[at];
                    kept += 1;
                }
            }
            adjacency.entries.truncate(kept);
            adjacency.offsets.push(adjacency.entries.len() as u32);
        }
        Some(Interned { nodes, adjacency })
    }

    pub(super) fn position(&self, id: &L::Node) -> Option<u32> {
        self.nodes.binary_search(&id).ok().map(|position| position as u32)
    }
}

/// Numbers the ends of the distinct edges of `links` (loops left out) in key order: fills
/// `scratch.edge_links`, `ends`, `node_links` and `degree`.
fn number_ends<L: Link>(links: &[L], scratch: &mut Scratch) {
    let node_of = |at: u32| -> &L::Node {
        let link = &links[(at / 2) as usize];
        if at.is_multiple_of(2) { link.source() } else { link.target() }
    };
    let Scratch { edge_links, ends, node_links, degree, met, sorting, .. } = scratch;
    let mut seen: Marks<&L::Edge> = Marks::default();
    edge_links.clear();
    met.clear();
    let mut by_index = true;
    let mut widest = 0u64;
    for (at, link) in links.iter().enumerate() {
        if link.source() == link.target() || !seen.insert(link.key()) {
            continue;
        }
        let edge = edge_links.len() as u64;
        edge_links.push(at as u32);
        for (end, node) in [link.source(), link.target()].into_iter().enumerate() {
            let key = node.index().map_or(0, |index| index as u64);
            by_index &= node.index().is_some();
            widest |= key;
            met.push(key << 32 | (2 * edge + end as u64));
        }
    }
    // A position in `met` names a link's end: `2 × link + end`.
    let link_end = |item: u64| 2 * edge_links[((item as u32) / 2) as usize] + (item as u32) % 2;
    if by_index {
        radix_sort_high(met, sorting, 64 - widest.leading_zeros());
    } else {
        met.sort_unstable_by(|a, b| node_of(link_end(*a)).cmp(node_of(link_end(*b))));
    }
    ends.clear();
    ends.resize(edge_links.len(), (0, 0));
    node_links.clear();
    degree.clear();
    let mut previous: Option<u64> = None;
    for item in met.iter() {
        let same = previous.is_some_and(|previous| {
            if by_index { previous >> 32 == item >> 32 } else { node_of(link_end(previous)) == node_of(link_end(*item)) }
        });
        if !same {
            node_links.push(link_end(*item));
            degree.push(0);
        }
        previous = Some(*item);
        let node = (node_links.len() - 1) as u32;
        degree[node as usize] += 1;
        let slot = *item as u32;
        let pair = &mut ends[(slot / 2) as usize];
        if slot.is_multiple_of(2) {
            pair.0 = node;
        } else {
            pair.1 = node;
        }
    }
}

/// Sorts `items` by their high 32 bits, of which only the low `bits` may be set (least significant digit
/// first, 11 bits a pass; stable, `buffer` is scratch).
fn radix_sort_high(items: &mut Vec<u64>, buffer: &mut Vec<u64>, bits: u32) {
    const DIGIT: u32 = 11;
    let mut shift = 32;
    while shift < 32 + bits {
        let mut counts = [0u32; 1 << DIGIT];
        for item in items.iter() {
            counts[((item >> shift) as usize) & ((1 << DIGIT) - 1)] += 1;
        }
        let mut total = 0;
        for count in counts.iter_mut() {
            (*count, total) = (total, total + *count);
        }
        buffer.clear();
        buffer.resize(items.len(), 0);
        for item in items.iter() {
            let digit = ((item >> shift) as usize) & ((1 << DIGIT) - 1);
            buffer[counts[digit] as usize] = *item;
            counts[digit] += 1;
        }
        std::mem::swap(items, buffer);
        shift += DIGIT;
    }
}

/// Hop distance from `start` to every node of `adjacency` (`u32::MAX` where unreachable), into `distance`.
pub(super) fn distances_into(adjacency: &Adjacency, start: u32, distance: &mut Vec<u32>, queue: &mut VecDeque<u32>) {
    distance.clear();
    distance.resize(adjacency.len(), u32::MAX);
    distance[start as usize] = 0;
    queue.clear();
    queue.push_back(start);
    while let Some(node) = queue.pop_front() {
        let next = distance[node as usize] + 1;
        for (neighbour, _) in adjacency.of(node) {
            if distance[*neighbour as usize] == u32::MAX {
                distance[*neighbour as usize] = next;
                queue.push_back(*neighbour);
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::collections::{BTreeMap, BTreeSet, VecDeque};

    use super::*;
    use crate::store::RankedEdge;

    /// Per node of a corridor, by rank: its `(neighbour, edge)` ranks.
    type Lists = Vec<(u32, Vec<(u32, u32)>)>;

    /// The corridor as first written, over maps: every distinct edge (loops left out), distances over all
    /// of them, the nodes within `max_hops`, and per node its neighbours inside, the smallest edge key each.
    fn reference(links: &[RankedEdge], from: u32, to: u32, max_hops: usize) -> Option<Lists> {
        let mut seen = BTreeSet::new();
        let mut neighbours: BTreeMap<u32, Vec<(u32, u32)>> = BTreeMap::new();
        for link in links {
            if link.source == link.target || !seen.insert(link.edge) {
                continue;
            }
            neighbours.entry(link.source).or_default().push((link.target, link.edge));
            neighbours.entry(link.target).or_default().push((link.source, link.edge));
        }
        let distances = |start: u32| {
            let mut distance = BTreeMap::from([(start, 0usize)]);
            let mut queue = VecDeque::from([start]);
            while let Some(node) = queue.pop_front() {
                let next = distance[&node] + 1;
                for (neighbour, _) in &neighbours[&node] {
                    distance.entry(*neighbour).or_insert_with(|| {
                        queue.push_back(*neighbour);
                        next
                    });
                }
            }
            distance
        };
        if !neighbours.contains_key(&from) || !neighbours.contains_key(&to) {
            return None;
        }
        let (before, after) = (distances(from), distances(to));
        let inside = |node: &u32| matches!((before.get(node), after.get(node)), (Some(a), Some(b)) if a + b <= max_hops);
        Some(
            neighbours
                .iter()
                .filter(|(node, _)| inside(node))
                .map(|(node, list)| {
                    let mut list: Vec<(u32, u32)> = list.iter().copied().filter(|(neighbour, _)| inside(neighbour)).collect();
                    list.sort_unstable();
                    list.dedup_by_key(|(neighbour, _)| *neighbour);
                    (*node, list)
                })
                .collect(),
        )
    }

    /// A pseudo-random source of small numbers (xorshift), so the graphs are the same every run.
    pub(in crate::graph::paths) struct Numbers(pub(in crate::graph::paths) u64);

    impl Numbers {
        pub(in crate::graph::paths) fn below(&mut self, bound: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % bound
        }
    }

    /// Graphs shaped like the union around hubs: a few hubs with many leaves (some of them the ends,
    /// some joined to two hubs), chains between them, parallel edges, repeated edges and loops, with ranks
    /// spread over 24 bits (three radix passes). The sorted numbering and the leaves left out of the
    /// distance searches give exactly the corridor of the plain searches over every edge, so the walk
    /// over it, and the steps it counts against its budget, are the same.
    #[test]
    fn the_corridor_is_that_of_every_edge() {
        let mut numbers = Numbers(0x5851_f42d_4c95_7f2d);
        for round in 0..400 {
            let node_count = 4 + numbers.below(60);
            let rank_of: Vec<u32> = {
                let mut ranks = BTreeSet::new();
                while (ranks.len() as u64) < node_count {
                    ranks.insert(numbers.below(1 << 24) as u32);
                }
                let mut ranks: Vec<u32> = ranks.into_iter().collect();
                for at in (1..ranks.len()).rev() {
                    ranks.swap(at, numbers.below(at as u64 + 1) as usize);
                }
                ranks
            };
            let hubs = 1 + numbers.below(4);
            let mut pairs: Vec<(u64, u64)> = Vec::new();
            for node in hubs..node_count {
                let hub = numbers.below(hubs);
                pairs.push((hub, node));
                let other = match numbers.below(6) {
                    0 => numbers.below(hubs),
                    1 => numbers.below(node_count),
                    2 => node,
                    3 => hub,
                    _ => continue,
                };
                pairs.push((node, other));
            }
            for _ in 0..numbers.below(node_count) {
                let a = numbers.below(node_count);
                pairs.push((a, numbers.below(node_count)));
            }
            let mut links: Vec<RankedEdge> = Vec::new();
            let mut next_edge = 0u32;
            for (a, b) in pairs {
                if numbers.below(8) == 0 && !links.is_empty() {
                    let again = links[numbers.below(links.len() as u64) as usize];
                    links.push(again);
                }
                next_edge += 1 + numbers.below(3) as u32;
                links.push(RankedEdge { edge: next_edge, source: rank_of[a as usize], target: rank_of[b as usize] });
            }
            let from = rank_of[numbers.below(node_count) as usize];
            let to = if numbers.below(10) == 0 { u32::MAX - 1 } else { rank_of[numbers.below(node_count) as usize] };
            let max_hops = 1 + numbers.below(6) as usize;
            let mut scratch = Scratch::take();
            let found = Interned::corridor(&links, &from, &to, max_hops, &mut scratch).map(|interned| {
                (0..interned.nodes.len() as u32)
                    .map(|node| {
                        let list = interned.adjacency.of(node).iter();
                        let list = list.map(|(neighbour, edge)| {
                            (*interned.nodes[*neighbour as usize], links[scratch.edge_links[*edge as usize] as usize].edge)
                        });
                        (*interned.nodes[node as usize], list.collect())
                    })
                    .collect::<Vec<_>>()
            });
            scratch.give_back();
            assert_eq!(found, reference(&links, from, to, max_hops), "round {round}: {links:?} {from} → {to} within {max_hops}");
        }
    }

    #[test]
    fn the_radix_sort_sorts_by_the_high_half() {
        let mut numbers = Numbers(0x2545_f491_4f6c_dd1d);
        let mut items: Vec<u64> = (0..5000).map(|at| numbers.below(1 << 30) << 32 | at).collect();
        let mut expected = items.clone();
        expected.sort_by_key(|item| (item >> 32, item & 0xffff_ffff));
        radix_sort_high(&mut items, &mut Vec::new(), 30);
        assert_eq!(items, expected, "by key, and stable");
    }
}
