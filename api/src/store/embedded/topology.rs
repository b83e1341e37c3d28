//! The in-memory topology of the embedded store: every node and edge id interned as its rank, the edges'
//! walkable fields in a flat array, and a CSR adjacency (each node's incident edges by type, then by
//! rank, which is edge-id order). Built from the redb tables in one scan; answers `expand_page` and `degrees`
//! without touching a B-tree or decoding a record, so a walk costs the edges it returns.
//!
//! It is a cache of one committed state: `generation` says which (see `index.rs`), and it is never
//! updated in place.

use std::cmp::Reverse;
use std::collections::binary_heap::PeekMut;
use std::collections::{BinaryHeap, HashMap};

use partnergraph_schema::text::{NameRefs, NodeNames};
use partnergraph_schema::{EdgeId, EdgeLink, EdgeType, IatiRole, NodeId, PartialDate, Role};
use redb::{ReadTransaction, ReadableTable};

use crate::store::codec::{Decode, LinkView, name_len, name_refs, names_prefix};
use crate::store::embedded::expand::type_index;
use crate::store::embedded::terms::Terms;
use crate::store::embedded::{EDGES, NODES, backend_error};
use crate::store::{Direction, EdgeFilter, RankedEdge, RankedLink, RankedTopology, StoreError};

/// Sorted strings stored end to end; a string's position is its rank.
#[derive(Default)]
pub(super) struct SortedStrings {
    pub(super) bytes: String,
    pub(super) ends: Vec<u32>,
}

impl SortedStrings {
    pub(super) fn push(&mut self, text: &str) -> Result<(), StoreError> {
        self.bytes.push_str(text);
        let end = u32::try_from(self.bytes.len()).map_err(|_| too_large("id text over 4 GiB"))?;
        self.ends.push(end);
        Ok(())
    }

    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(super) fn get(&self, rank: u32) -> &str {
        let rank = rank as usize;
        let start = if rank == 0 { 0 } else { self.ends[rank - 1] as usize };
        &self.bytes[start..self.ends[rank] as usize]
    }

    /// `Ok(rank)` when present, else `Err(rank it would have)`.
    pub(super) fn position(&self, text: &str) -> Result<u32, u32> {
        let (mut low, mut high) = (0usize, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match self.get(middle as u32).cmp(text) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Ok(middle as u32),
            }
        }
        Err(low as u32)
    }
}

/// Byte strings stored end to end, by rank.
#[derive(Default)]
pub(super) struct Blobs {
    pub(super) bytes: Vec<u8>,
    pub(super) ends: Vec<u32>,
}

impl Blobs {
    pub(super) fn push(&mut self, blob: &[u8]) -> Result<(), StoreError> {
        self.bytes.extend_from_slice(blob);
        let end = u32::try_from(self.bytes.len()).map_err(|_| too_large("names over 4 GiB"))?;
        self.ends.push(end);
        Ok(())
    }

    fn get(&self, rank: u32) -> &[u8] {
        let rank = rank as usize;
        let start = if rank == 0 { 0 } else { self.ends[rank - 1] as usize };
        &self.bytes[start..self.ends[rank] as usize]
    }
}

/// Incident lists at most this long are cut into their types' runs in one pass rather than by binary
/// searches per type (16 searches cost more slot reads than such a list has edges).
const SCANNED_LIST: usize = 32;

/// What a walk reads of an edge.
#[derive(Clone, Copy)]
pub(super) struct Slot {
    pub(super) source: u32,
    pub(super) target: u32,
    pub(super) edge_type: EdgeType,
    pub(super) role: Option<Role>,
    pub(super) iati_role: Option<IatiRole>,
    pub(super) from: Option<PartialDate>,
    pub(super) to: Option<PartialDate>,
}

/// One committed state of the graph's structure, in memory.
pub(crate) struct Topology {
    /// The store generation this was built from.
    pub(crate) generation: u64,
    pub(super) nodes: SortedStrings,
    /// Each node's names (name, acronym, aliases) in their stored form, by rank (`codec::names_prefix`):
    /// what a map, a neighbourhood or search ranking reads of a node, without a B-tree lookup.
    pub(super) names: Blobs,
    pub(super) edge_ids: SortedStrings,
    pub(super) slots: Vec<Slot>,
    /// `(edge rank, amount)` for the edges that have one, by rank.
    pub(super) amounts: Vec<(u32, f64)>,
    /// `incident[offsets[n]..offsets[n + 1]]`: the ranks of the edges touching node `n`, sorted by
    /// (edge type in `EdgeType::ALL` order, rank).
    pub(super) offsets: Vec<u32>,
    pub(super) incident: Vec<u32>,
    /// Edges touching each node, a loop counted twice (as the `degree` table does).
    pub(super) degrees: Vec<u32>,
    /// The search terms and their nodes' ranks (the `terms` table).
    pub(super) terms: Terms,
}

pub(super) fn too_large(what: &str) -> StoreError {
    StoreError::Backend { backend: "embedded", reason: format!("graph too large for the in-memory index: {what}") }
}

/// A rank this topology does not have: a caller's mistake, not the data's.
fn no_rank(what: &str, rank: u32) -> StoreError {
    StoreError::Backend { backend: "embedded", reason: format!("no {what} of rank {rank} in this topology") }
}

fn corrupt(key: &str, reason: impl Into<String>) -> StoreError {
    StoreError::Corrupt { key: key.to_owned(), reason: reason.into() }
}

impl Topology {
    /// Reads the structure of the committed state `txn` sees, labelled `generation`.
    pub(crate) fn build(txn: &ReadTransaction, generation: u64) -> Result<Topology, StoreError> {
        let mut nodes = SortedStrings::default();
        let mut names = Blobs::default();
        for entry in txn.open_table(NODES).map_err(backend_error)?.iter().map_err(backend_error)? {
            let (key, value) = entry.map_err(backend_error)?;
            nodes.push(key.value())?;
            names.push(names_prefix(key.value(), value.value())?)?;
        }
        let node_count = u32::try_from(nodes.len()).map_err(|_| too_large("over 4G nodes"))?;
        let rank_of: HashMap<&str, u32> = (0..node_count).map(|rank| (nodes.get(rank), rank)).collect();

        let edges = txn.open_table(EDGES).map_err(backend_error)?;
        let mut edge_ids = SortedStrings::default();
        let mut slots = Vec::new();
        let mut amounts = Vec::new();
        let mut degrees = vec![0u32; nodes.len()];
        for entry in edges.iter().map_err(backend_error)? {
            let (key, value) = entry.map_err(backend_error)?;
            let id = key.value();
            let stored = LinkView::decode(id, value.value())?;
            let end = |node: &str| rank_of.get(node).copied().ok_or_else(|| corrupt(id, format!("edge end `{node}` is not a node")));
            let (source, target) = (end(stored.source)?, end(stored.target)?);
            let rank = u32::try_from(slots.len()).map_err(|_| too_large("over 4G edges"))?;
            edge_ids.push(id)?;
            if let Some(amount) = stored.amount_usd {
                amounts.push((rank, amount));
            }
            for node in [source, target] {
                degrees[node as usize] = degrees[node as usize].saturating_add(1);
            }
            slots.push(Slot {
                source,
                target,
                edge_type: stored.edge_type,
                role: stored.role,
                iati_role: stored.iati_role,
                from: stored.from,
                to: stored.to,
            });
        }
        let terms = Terms::build(txn, &rank_of)?;
        drop(rank_of);

        // CSR: count each node's distinct incident edges, then fill in rank order (so lists come sorted).
        let mut offsets = vec![0u32; nodes.len() + 1];
        for slot in &slots {
            offsets[slot.source as usize + 1] += 1;
            if slot.target != slot.source {
                offsets[slot.target as usize + 1] += 1;
            }
        }
        for node in 0..nodes.len() {
            offsets[node + 1] = offsets[node].checked_add(offsets[node + 1]).ok_or_else(|| too_large("over 4G adjacency entries"))?;
        }
        // One pass per edge type, each in rank order: a node's list comes sorted by (type, rank), so a
        // typed expansion of a hub reads only its edges of that type.
        let mut fill = offsets.clone();
        let mut incident = vec![0u32; offsets[nodes.len()] as usize];
        for edge_type in EdgeType::ALL {
            for (rank, slot) in slots.iter().enumerate().filter(|(_, slot)| slot.edge_type == *edge_type) {
                let ends: &[u32] = if slot.source == slot.target { &[slot.source] } else { &[slot.source, slot.target] };
                for node in ends {
                    let at = &mut fill[*node as usize];
                    incident[*at as usize] = rank as u32;
                    *at += 1;
                }
            }
        }
        Ok(Topology { generation, nodes, names, edge_ids, slots, amounts, offsets, incident, degrees, terms })
    }

    /// Approximate heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.nodes.bytes.len()
            + self.names.bytes.len()
            + self.edge_ids.bytes.len()
            + 4 * (self.nodes.ends.len()
                + self.names.ends.len()
                + self.edge_ids.ends.len()
                + self.offsets.len()
                + self.incident.len()
                + self.degrees.len())
            + std::mem::size_of::<Slot>() * self.slots.len()
            + std::mem::size_of::<(u32, f64)>() * self.amounts.len()
            + self.terms.heap_bytes()
    }

    fn node_rank(&self, id: &NodeId) -> Option<u32> {
        self.nodes.position(id.as_str()).ok()
    }

    fn incident_of(&self, node: u32) -> &[u32] {
        &self.incident[self.offsets[node as usize] as usize..self.offsets[node as usize + 1] as usize]
    }

    /// The names of each of `ids`, as the records hold them (`None` for unknown ids).
    pub(crate) fn names(&self, ids: &[NodeId]) -> Result<Vec<Option<NodeNames>>, StoreError> {
        ids.iter().map(|id| self.node_rank(id).map(|rank| NodeNames::decode(id.as_str(), self.names.get(rank))).transpose()).collect()
    }

    /// The number of edges touching each of `ids` (0 for unknown ids).
    pub(crate) fn degrees(&self, ids: &[NodeId]) -> Vec<u64> {
        ids.iter().map(|id| self.node_rank(id).map_or(0, |rank| u64::from(self.degrees[rank as usize]))).collect()
    }

    /// The edges touching `frontier` that pass `filter`, with id > `after`, in id order, at most `limit`.
    pub(crate) fn expand(
        &self,
        frontier: &[NodeId],
        filter: &EdgeFilter,
        after: Option<&EdgeId>,
        limit: usize,
    ) -> Result<Vec<EdgeLink>, StoreError> {
        let lower = match after {
            Some(after) => self.edge_ids.position(after.as_str()).map_or_else(|at| at, |at| at + 1),
            None => 0,
        };
        let ranks: Vec<u32> = frontier.iter().filter_map(|id| self.node_rank(id)).collect();
        self.expand_edges(ranks, filter, lower, limit).into_iter().map(|edge| self.link(edge)).collect()
    }

    /// The ranks of the edges touching the nodes `frontier` that pass `filter`, with rank ≥ `lower`, in
    /// rank order, at most `limit`: a k-way merge of the frontier's incident lists that stops when the
    /// page is full.
    fn expand_edges(&self, mut frontier: Vec<u32>, filter: &EdgeFilter, lower: u32, limit: usize) -> Vec<u32> {
        let mut found = Vec::new();
        if limit == 0 {
            return found;
        }
        frontier.sort_unstable();
        frontier.dedup();
        let types: &[EdgeType] = if filter.types.is_empty() { EdgeType::ALL } else { &filter.types };
        let mut lists: Vec<&[u32]> = Vec::new();
        for node in frontier.iter().filter(|node| (**node as usize) < self.degrees.len()) {
            self.push_runs(self.incident_of(*node), types, lower, &mut lists);
        }
        lists.retain(|run| !run.is_empty());
        // Every edge of the runs has a wanted type: without dates or a direction to check, each passes.
        let admits_all = filter.direction == Direction::Both && filter.as_of.is_none();
        // Min-heap of (each run's next edge, run); the runs are advanced as they are consumed.
        let mut heap: BinaryHeap<Reverse<(u32, u32)>> = lists.iter().enumerate().map(|(at, run)| Reverse((run[0], at as u32))).collect();
        let mut last = None;
        while let Some(mut least) = heap.peek_mut() {
            let Reverse((edge, list)) = *least;
            let run = &mut lists[list as usize];
            *run = &run[1..];
            match run.first() {
                Some(next) => *least = Reverse((*next, list)),
                None => drop(PeekMut::pop(least)),
            }
            if last == Some(edge) {
                continue;
            }
            last = Some(edge);
            if admits_all || {
                let slot = &self.slots[edge as usize];
                let follows = filter.direction == Direction::Both
                    || filter.follows(frontier.binary_search(&slot.source).is_ok(), frontier.binary_search(&slot.target).is_ok());
                follows && filter.admits(slot.edge_type, slot.from, slot.to)
            } {
                found.push(edge);
                if found.len() >= limit {
                    break;
                }
            }
        }
        found
    }

    /// Appends to `runs` the runs of `list` (a node's incident edges, by type then rank) of the types
    /// `types`, each from rank `lower` on. A short list is cut in one pass, reading each edge's type once;
    /// a long one (a hub's) by two binary searches per type.
    fn push_runs<'a>(&self, list: &'a [u32], types: &[EdgeType], lower: u32, runs: &mut Vec<&'a [u32]>) {
        let type_of = |edge: &u32| self.slots[*edge as usize].edge_type;
        let from_lower = |run: &'a [u32]| &run[run.partition_point(|edge| *edge < lower)..];
        if list.len() <= SCANNED_LIST {
            let mut rest = list;
            while let Some(first) = rest.first() {
                let edge_type = type_of(first);
                let (run, after) = rest.split_at(rest.iter().take_while(|edge| type_of(edge) == edge_type).count());
                if types.contains(&edge_type) {
                    runs.push(from_lower(run));
                }
                rest = after;
            }
            return;
        }
        for edge_type in types {
            let order = type_index(*edge_type);
            let typed = &list[list.partition_point(|edge| type_index(type_of(edge)) < order)..];
            runs.push(from_lower(&typed[..typed.partition_point(|edge| type_index(type_of(edge)) == order)]));
        }
    }

    fn link(&self, edge: u32) -> Result<EdgeLink, StoreError> {
        let slot = &self.slots[edge as usize];
        let view = LinkView {
            edge_type: slot.edge_type,
            source: self.nodes.get(slot.source),
            target: self.nodes.get(slot.target),
            role: slot.role,
            iati_role: slot.iati_role,
            from: slot.from,
            to: slot.to,
            amount_usd: self.amounts.binary_search_by_key(&edge, |(rank, _)| *rank).ok().map(|at| self.amounts[at].1),
        };
        view.to_link(self.edge_ids.get(edge))
    }
}

impl RankedTopology for Topology {
    fn node_rank(&self, id: &NodeId) -> Option<u32> {
        Topology::node_rank(self, id)
    }

    fn node_id(&self, rank: u32) -> Result<NodeId, StoreError> {
        if rank as usize >= self.nodes.len() {
            return Err(no_rank("node", rank));
        }
        let id = self.nodes.get(rank);
        NodeId::parse(id).map_err(|err| corrupt(id, err.to_string()))
    }

    fn expand_ranks(&self, frontier: &[u32], filter: &EdgeFilter, after: Option<u32>, limit: usize) -> Vec<RankedEdge> {
        self.expand_edges(frontier.to_vec(), filter, after.map_or(0, |after| after.saturating_add(1)), limit)
            .into_iter()
            .map(|edge| {
                let slot = &self.slots[edge as usize];
                RankedEdge { edge, source: slot.source, target: slot.target }
            })
            .collect()
    }

    fn link(&self, edge: u32) -> Result<EdgeLink, StoreError> {
        if edge as usize >= self.slots.len() {
            return Err(no_rank("edge", edge));
        }
        Topology::link(self, edge)
    }

    fn node_str(&self, rank: u32) -> Option<&str> {
        ((rank as usize) < self.nodes.len()).then(|| self.nodes.get(rank))
    }

    fn node_names(&self, rank: u32) -> Result<NodeNames, StoreError> {
        let id = self.node_str(rank).ok_or_else(|| no_rank("node", rank))?;
        NodeNames::decode(id, self.names.get(rank))
    }

    fn name_refs(&self, rank: u32) -> Result<NameRefs<'_>, StoreError> {
        // The id is read only to name the node in an error: reading it costs a cache miss per node.
        if rank as usize >= self.nodes.len() {
            return Err(no_rank("node", rank));
        }
        name_refs(|| self.nodes.get(rank), self.names.get(rank))
    }

    fn name_len(&self, rank: u32) -> Result<usize, StoreError> {
        if rank as usize >= self.nodes.len() {
            return Err(no_rank("node", rank));
        }
        name_len(|| self.nodes.get(rank), self.names.get(rank))
    }

    fn find_ranks_by_term(&self, term: &str, prefix: bool, limit: usize) -> Vec<u32> {
        self.terms.find(term, prefix, limit)
    }

    fn term_count(&self, term: &str) -> usize {
        self.terms.count(term)
    }

    fn degree(&self, rank: u32) -> u64 {
        self.degrees.get(rank as usize).map_or(0, |degree| u64::from(*degree))
    }

    fn link_view(&self, edge: u32) -> Option<RankedLink<'_>> {
        let slot = self.slots.get(edge as usize)?;
        let amount_usd = self.amounts.binary_search_by_key(&edge, |(rank, _)| *rank).ok().map(|at| self.amounts[at].1);
        Some(RankedLink {
            id: self.edge_ids.get(edge),
            source: self.nodes.get(slot.source),
            target: self.nodes.get(slot.target),
            edge_type: slot.edge_type,
            role: slot.role,
            iati_role: slot.iati_role,
            from: slot.from,
            to: slot.to,
            amount_usd,
        })
    }
}
