//! Writing a batch whose ids are unique, table by table in key order.
//!
//! Each table is filled in its own key order, so consecutive writes touch the same pages instead of a
//! random leaf each. New keys of a table that is empty go in through one redb cursor, which splices sorted
//! runs into the tree instead of descending it per key. Degrees are counted in memory and written once per
//! node; endpoints are checked against an in-memory set of the batch's nodes before the store is asked;
//! the records arrive already in stored form ([`Staged`]), and the terms index (folding, sorting, inserting)
//! is written on a thread of its own while this one writes the edges (redb lets the tables of one write
//! transaction be written from different threads).
//!
//! The result is the one `write_in_order` gives: with unique ids the outcome of one key never depends on
//! another key's, edges are checked for missing endpoints in batch order (so the same edge is reported),
//! and the summary counts the same created/updated/unchanged records. `tests.rs` compares both paths.

use std::ops::Bound;

use hashbrown::HashTable;
use partnergraph_schema::NodeRecord;
use partnergraph_schema::hash::{IdMap, hash_id};
use partnergraph_schema::text::index_terms;
use redb::{ReadableTable, ReadableTableMetadata};

use super::{Adjacency, Degrees, Records, Tables, Terms, upsert_edge};
use crate::store::arena::{Arena, Span};
use crate::store::codec::LinkView;
use crate::store::embedded::backend_error;
use crate::store::embedded::curation::Versions;
use crate::store::embedded::expand::type_index;
use crate::store::staged::Packed;
use crate::store::{Staged, StoreError, WriteSummary};

/// The low half of an adjacency entry: the edge's position in id order.
const POSITION_MASK: u64 = 0xffff_ffff;
/// Search terms per node to reserve room for (a name gives its words and itself).
const TERMS_PER_NODE: usize = 6;

/// The staged nodes and edges, each as positions in push order, sorted by id.
pub(super) struct SortedIds {
    nodes: Vec<u32>,
    edges: Vec<u32>,
}

impl SortedIds {
    /// Sorts the ids; `None` if a node id or an edge id repeats (or there are too many to index by u32).
    pub(super) fn of(staged: &Staged) -> Option<SortedIds> {
        let (nodes, edges) = staged.packed();
        let nodes_sorted = sorted_unique(nodes.len(), |index| nodes.id_bytes(index as usize))?;
        let edges_sorted = sorted_unique(edges.len(), |index| edges.id_bytes(index as usize))?;
        Some(SortedIds { nodes: nodes_sorted, edges: edges_sorted })
    }
}

/// The positions `0..count` sorted by `id_of` (the ids' bytes); `None` if an id repeats.
fn sorted_unique<'s>(count: usize, id_of: impl Fn(u32) -> &'s [u8]) -> Option<Vec<u32>> {
    let count = u32::try_from(count).ok()?;
    // The first eight bytes as a number decide many comparisons without reading the strings; the ids'
    // bytes are looked up once here, not at every comparison (ids of one kind share their first bytes).
    let mut keyed: Vec<(u64, &[u8], u32)> = (0..count)
        .map(|index| {
            let id = id_of(index);
            (prefix(id), id, index)
        })
        .collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    if keyed.windows(2).any(|pair| pair[0].1 == pair[1].1) {
        return None;
    }
    Some(keyed.into_iter().map(|(_, _, index)| index).collect())
}

/// The first eight bytes of `id`, big-endian, zero-padded: ordering by it, then by the whole id, is the
/// id order (padding can only tie, never invert, two ids).
fn prefix(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    let len = bytes.len().min(8);
    word[..len].copy_from_slice(&bytes[..len]);
    u64::from_be_bytes(word)
}

fn thread_failed() -> StoreError {
    StoreError::Backend { backend: "embedded", reason: "the terms thread failed".to_owned() }
}

/// Writes the staged upserts (deletes are done) in key order. The terms index is written on a thread of
/// its own while this one writes the edges, adjacency and degrees; the edges' stored values are freed as
/// soon as they are written, before the adjacency entries are built.
pub(super) fn write(tables: &mut Tables<'_>, mut staged: Staged, ids: &SortedIds, summary: &mut WriteSummary) -> Result<(), StoreError> {
    let started = std::time::Instant::now();
    let (staged_nodes, staged_edges) = staged.parts();
    let to_index = write_nodes(tables, staged_nodes, &ids.nodes, summary)?;
    tracing::debug!(elapsed_ms = started.elapsed().as_millis(), "write: nodes");
    // The node values are needed only to list the terms: that thread takes them and frees them after.
    let node_values = staged_nodes.take_values();
    let staged_nodes = &*staged_nodes;
    let Tables { nodes, edges, adjacency, degree, terms, edge_versions, .. } = tables;
    std::thread::scope(|scope| {
        let indexer = scope.spawn(move || {
            insert_terms(terms, staged_nodes, node_values, &ids.nodes, &to_index)?;
            tracing::debug!(elapsed_ms = started.elapsed().as_millis(), "write: terms");
            Ok(())
        });
        let mut rest = || {
            let ends = resolve_ends(nodes, staged_nodes, staged_edges, &ids.nodes)?;
            tracing::debug!(elapsed_ms = started.elapsed().as_millis(), "write: endpoints resolved");
            let written = write_edges(edges, adjacency, degree, edge_versions, staged_edges, &ids.edges, summary)?;
            drop(staged_edges.take_values());
            tracing::debug!(elapsed_ms = started.elapsed().as_millis(), "write: edges");
            write_adjacency(adjacency, degree, staged_nodes, staged_edges, ids, ends, &written)?;
            tracing::debug!(elapsed_ms = started.elapsed().as_millis(), "write: adjacency and degrees");
            Ok(())
        };
        let written = rest();
        let indexed = indexer.join().map_err(|_| thread_failed())?;
        written.and(indexed)
    })
}

/// Upserts the node records in id order and removes the old terms of updated nodes; returns the positions
/// (in id order) of the nodes whose terms must be inserted.
fn write_nodes(tables: &mut Tables<'_>, staged: &Packed, sorted: &[u32], summary: &mut WriteSummary) -> Result<Vec<u32>, StoreError> {
    if tables.nodes.is_empty().map_err(backend_error)? {
        let mut cursor = tables.nodes.upper_bound_mut(Bound::<&str>::Unbounded).map_err(backend_error)?;
        for index in sorted {
            let (key, bytes) = staged.get(*index as usize);
            cursor.insert_before(key, bytes).map_err(backend_error)?;
        }
        cursor.close().map_err(backend_error)?;
        summary.nodes_created += sorted.len() as u64;
        return Ok((0..sorted.len() as u32).collect());
    }
    let mut to_index = Vec::new();
    for (position, index) in sorted.iter().enumerate() {
        let (key, bytes) = staged.get(*index as usize);
        if tables.upsert_node(key, bytes, summary)? {
            to_index.push(position as u32);
        }
    }
    Ok(to_index)
}

/// Inserts the terms of the nodes at `to_index` (positions in id order), in (term, node id) order.
/// `values` are the staged nodes' values, freed once the terms are listed.
fn insert_terms(terms: &mut Terms<'_>, staged: &Packed, values: Arena, nodes: &[u32], to_index: &[u32]) -> Result<(), StoreError> {
    // Every (term, node) pair: the terms in an arena, each pair (the term's span, the node's position).
    let mut arena = Arena::default();
    let mut pairs: Vec<(Span, u32)> = Vec::with_capacity(to_index.len().saturating_mul(TERMS_PER_NODE));
    for position in to_index {
        let node: NodeRecord = staged.decode_from(&values, nodes[*position as usize] as usize)?;
        for term in index_terms(&node) {
            pairs.push((arena.push(term.as_bytes()), *position));
        }
    }
    drop(values);
    tracing::debug!(pairs = pairs.len(), arena_bytes = arena.heap_bytes(), "write: terms listed");
    // Byte order is the order of the terms as strings (UTF-8 preserves it).
    let term = |(span, _): &(Span, u32)| arena.get(*span);
    pairs.sort_unstable_by(|a, b| term(a).cmp(term(b)).then(a.1.cmp(&b.1)));
    tracing::debug!("write: terms sorted");
    for pair in &pairs {
        let text = std::str::from_utf8(term(pair))
            .map_err(|_| StoreError::Backend { backend: "embedded", reason: "a search term is not UTF-8".to_owned() })?;
        terms.insert(text, staged.id(nodes[pair.1 as usize] as usize)).map_err(backend_error)?;
    }
    Ok(())
}

/// The ends of every staged edge, read once: what the adjacency entries and degrees are built from.
struct Ends {
    /// Per edge in push order: its (source, target) as node references, and its type's code. A reference
    /// below the number of staged nodes is that node's position in id order; above, it is a store node,
    /// `external[reference - staged nodes]`.
    refs: Vec<([u32; 2], u8)>,
    /// The endpoints only the store has, in order of first use.
    external: Vec<String>,
}

/// Reads every edge's link once, in push order, and resolves its ends to nodes of the batch or of the
/// store; fails on the first end that is neither (the edge writing edge by edge would report).
fn resolve_ends(node_table: &Records<'_>, staged_nodes: &Packed, staged_edges: &Packed, nodes: &[u32]) -> Result<Ends, StoreError> {
    // The batch's nodes by id: a table of their ranks, hashed by the staged ids themselves.
    let id_of_rank = |rank: u32| staged_nodes.id_bytes(nodes[rank as usize] as usize);
    let mut local: HashTable<u32> = HashTable::with_capacity(nodes.len());
    for rank in 0..nodes.len() as u32 {
        local.insert_unique(hash_id(id_of_rank(rank)), rank, |rank| hash_id(id_of_rank(*rank)));
    }
    let local_rank = |id: &str| local.find(hash_id(id.as_bytes()), |rank| id_of_rank(*rank) == id.as_bytes()).copied();
    let local_count = nodes.len() as u32;
    let mut ends = Ends { refs: Vec::with_capacity(staged_edges.len()), external: Vec::new() };
    let mut external_refs: IdMap<String, u32> = IdMap::default();
    for index in 0..staged_edges.len() {
        let (edge_id, bytes) = staged_edges.get(index);
        let link = LinkView::decode(edge_id, bytes)?;
        let mut pair = [0u32; 2];
        for (slot, id) in pair.iter_mut().zip([link.source, link.target]) {
            *slot = match local_rank(id).or_else(|| external_refs.get(id).copied()) {
                Some(reference) => reference,
                None => {
                    if node_table.get(id).map_err(backend_error)?.is_none() {
                        return Err(StoreError::MissingEndpoint { edge: edge_id.to_owned(), node: id.to_owned() });
                    }
                    let reference = local_count + ends.external.len() as u32;
                    ends.external.push(id.to_owned());
                    external_refs.insert(id.to_owned(), reference);
                    reference
                }
            };
        }
        ends.refs.push((pair, type_index(link.edge_type)));
    }
    Ok(ends)
}

/// Upserts the edge records in id order; returns, per position in id order, whether the edge was written
/// (created or updated) and so needs adjacency entries and degrees. An updated edge's old adjacency
/// entries and degrees are removed here.
fn write_edges(
    edges: &mut Records<'_>,
    adjacency: &mut Adjacency<'_>,
    degree: &mut Degrees<'_>,
    versions: &mut Versions<'_>,
    staged: &Packed,
    sorted: &[u32],
    summary: &mut WriteSummary,
) -> Result<Vec<bool>, StoreError> {
    if edges.is_empty().map_err(backend_error)? {
        let mut cursor = edges.upper_bound_mut(Bound::<&str>::Unbounded).map_err(backend_error)?;
        for index in sorted {
            let (key, bytes) = staged.get(*index as usize);
            cursor.insert_before(key, bytes).map_err(backend_error)?;
        }
        cursor.close().map_err(backend_error)?;
        summary.edges_created += sorted.len() as u64;
        return Ok(vec![true; sorted.len()]);
    }
    let mut written = Vec::with_capacity(sorted.len());
    for index in sorted {
        let (key, bytes) = staged.get(*index as usize);
        written.push(upsert_edge(edges, adjacency, degree, versions, key, bytes, summary)?);
    }
    Ok(written)
}

/// Inserts the adjacency entries of the written edges in (node, type, edge) order and adds their count
/// to each node's degree, one write per node.
fn write_adjacency(
    adjacency: &mut Adjacency<'_>,
    degree: &mut Degrees<'_>,
    staged_nodes: &Packed,
    staged_edges: &Packed,
    ids: &SortedIds,
    ends: Ends,
    written: &[bool],
) -> Result<(), StoreError> {
    // Every endpoint in id order (the batch's nodes and the store's are disjoint), and the rank in that
    // order of every node reference.
    let Ends { refs, external } = ends;
    let mut by_id: Vec<u32> = (0..external.len() as u32).collect();
    by_id.sort_unstable_by(|a, b| external[*a as usize].cmp(&external[*b as usize]));
    let mut keys: Vec<&str> = Vec::with_capacity(ids.nodes.len() + external.len());
    let mut rank_of_ref = vec![0u32; ids.nodes.len() + external.len()];
    let mut store_ids = by_id.iter().copied().peekable();
    for (reference, index) in ids.nodes.iter().enumerate() {
        let id = staged_nodes.id(*index as usize);
        while let Some(position) = store_ids.next_if(|position| external[*position as usize].as_str() < id) {
            rank_of_ref[ids.nodes.len() + position as usize] = keys.len() as u32;
            keys.push(&external[position as usize]);
        }
        rank_of_ref[reference] = keys.len() as u32;
        keys.push(id);
    }
    for position in store_ids {
        rank_of_ref[ids.nodes.len() + position as usize] = keys.len() as u32;
        keys.push(&external[position as usize]);
    }

    // Bucket the entries by node (a counting sort), then sort each node's few by (type, edge position).
    let mut offsets = vec![0usize; keys.len() + 1];
    for (index, written) in ids.edges.iter().zip(written) {
        if *written {
            for reference in refs[*index as usize].0 {
                offsets[rank_of_ref[reference as usize] as usize + 1] += 1;
            }
        }
    }
    for node in 0..keys.len() {
        offsets[node + 1] += offsets[node];
    }
    let mut fill = offsets.clone();
    let mut entries = vec![0u64; offsets[keys.len()]];
    for (position, (index, written)) in ids.edges.iter().zip(written).enumerate() {
        if !*written {
            continue;
        }
        let (pair, edge_type) = refs[*index as usize];
        for reference in pair {
            let slot = &mut fill[rank_of_ref[reference as usize] as usize];
            entries[*slot] = (u64::from(edge_type) << 32) | position as u64;
            *slot += 1;
        }
    }
    drop(refs);
    drop(rank_of_ref);
    drop(fill);
    for node in 0..keys.len() {
        entries[offsets[node]..offsets[node + 1]].sort_unstable();
    }

    // A self-loop has the same key at both ends: inserted once, counted twice (as edge by edge).
    let (keys, entries, offsets) = (&keys, &entries, &offsets);
    let adjacency_keys = (0..keys.len()).flat_map(|node| {
        let slice = &entries[offsets[node]..offsets[node + 1]];
        slice.iter().enumerate().filter(move |(at, entry)| *at == 0 || slice[at - 1] != **entry).map(move |(_, entry)| {
            let edge_id = staged_edges.id(ids.edges[(entry & POSITION_MASK) as usize] as usize);
            (keys[node], (entry >> 32) as u8, edge_id)
        })
    });
    if adjacency.is_empty().map_err(backend_error)? {
        let mut cursor = adjacency.upper_bound_mut(Bound::<(&str, u8, &str)>::Unbounded).map_err(backend_error)?;
        for key in adjacency_keys {
            cursor.insert_before(key, ()).map_err(backend_error)?;
        }
        cursor.close().map_err(backend_error)?;
    } else {
        for key in adjacency_keys {
            adjacency.insert(key, ()).map_err(backend_error)?;
        }
    }

    let degrees = (0..keys.len()).map(|node| (keys[node], (offsets[node + 1] - offsets[node]) as u64)).filter(|(_, added)| *added > 0);
    if degree.is_empty().map_err(backend_error)? {
        let mut cursor = degree.upper_bound_mut(Bound::<&str>::Unbounded).map_err(backend_error)?;
        for (node, added) in degrees {
            cursor.insert_before(node, added).map_err(backend_error)?;
        }
        cursor.close().map_err(backend_error)?;
    } else {
        for (node, added) in degrees {
            let current = degree.get(node).map_err(backend_error)?.map_or(0, |value| value.value());
            degree.insert(node, current.saturating_add(added)).map_err(backend_error)?;
        }
    }
    Ok(())
}
