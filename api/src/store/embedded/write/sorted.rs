//! Writing a batch whose ids are unique, table by table in key order.
//!
//! Each table is filled in its own key order, so consecutive writes touch the same pages instead of a
//! random leaf each. New keys of a table that is empty go in through one redb cursor, which splices sorted
//! runs into the tree instead of descending it per key. Degrees are counted in memory and written once per
//! node; endpoints are checked against an in-memory set of the batch's nodes before the store is asked;
//! JSON encoding runs on a helper thread while this thread inserts, and the terms index (folding, sorting,
//! inserting) is written on a thread of its own while this one writes the edges (redb lets the tables of
//! one write transaction be written from different threads).
//!
//! The result is the one `write_in_order` gives: with unique ids the outcome of one key never depends on
//! another key's, edges are checked for missing endpoints in batch order (so the same edge is reported),
//! and the summary counts the same created/updated/unchanged records. `tests.rs` compares both paths.

use std::ops::Bound;

use partnergraph_schema::hash::{IdMap, IdSet};
use partnergraph_schema::text::index_terms;
use redb::{ReadableTable, ReadableTableMetadata};

use super::{Adjacency, Degrees, Records, Tables, Terms, upsert_edge};
use crate::store::embedded::backend_error;
use crate::store::embedded::codec::Encode;
use crate::store::embedded::expand::type_index;
use crate::store::{Batch, StoreError, WriteSummary};

/// Records prepared per hand-over between the helper thread and the writer.
const CHUNK: usize = 8192;
/// The low half of an adjacency entry: the edge's position in id order.
const POSITION_MASK: u64 = 0xffff_ffff;

/// An id and the index of its record in the batch.
type Entry<'b> = (&'b str, u32);

/// The batch's nodes and edges, each sorted by id.
pub(super) struct SortedIds<'b> {
    nodes: Vec<Entry<'b>>,
    edges: Vec<Entry<'b>>,
}

impl<'b> SortedIds<'b> {
    /// Sorts the ids; `None` if a node id or an edge id repeats (or the batch cannot be indexed by u32).
    pub(super) fn of(batch: &'b Batch) -> Option<SortedIds<'b>> {
        let nodes = sorted_unique(batch.nodes.iter().map(|node| node.id.as_str()))?;
        let edges = sorted_unique(batch.edges.iter().map(|edge| edge.id.as_str()))?;
        Some(SortedIds { nodes, edges })
    }
}

fn sorted_unique<'b>(ids: impl ExactSizeIterator<Item = &'b str>) -> Option<Vec<Entry<'b>>> {
    u32::try_from(ids.len()).ok()?;
    // The first eight bytes as a number decide most comparisons without reading the strings.
    let mut keyed: Vec<(u64, &'b str, u32)> = ids.zip(0u32..).map(|(id, idx)| (prefix(id), id, idx)).collect();
    keyed.sort_unstable();
    if keyed.windows(2).any(|pair| pair[0].1 == pair[1].1) {
        return None;
    }
    Some(keyed.into_iter().map(|(_, id, idx)| (id, idx)).collect())
}

/// The first eight bytes of `id`, big-endian, zero-padded: ordering by it, then by the whole id, is the
/// id order (padding can only tie, never invert, two ids).
fn prefix(id: &str) -> u64 {
    let mut word = [0u8; 8];
    let bytes = id.as_bytes();
    let len = bytes.len().min(8);
    word[..len].copy_from_slice(&bytes[..len]);
    u64::from_be_bytes(word)
}

fn thread_failed() -> StoreError {
    StoreError::Backend { backend: "embedded", reason: "the encoding thread failed".to_owned() }
}

/// Runs `prepare` over `items` a chunk ahead on a helper thread, and `consume` (with the item's position)
/// over the results in order on this one.
fn pipelined<'a, I: Sync, O: Send>(
    items: &'a [I],
    prepare: impl Fn(&'a I) -> Result<O, StoreError> + Sync,
    mut consume: impl FnMut(usize, &'a I, O) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let prepare_chunk = |chunk: &'a [I]| chunk.iter().map(&prepare).collect::<Result<Vec<O>, StoreError>>();
    let prepare_chunk = &prepare_chunk;
    let mut chunks = items.chunks(CHUNK);
    let Some(first) = chunks.next() else { return Ok(()) };
    std::thread::scope(|scope| {
        let mut current = (first, prepare_chunk(first)?);
        let mut start = 0;
        for next in chunks {
            let helper = scope.spawn(move || prepare_chunk(next));
            let (chunk, prepared) = current;
            for (offset, (item, output)) in chunk.iter().zip(prepared).enumerate() {
                consume(start + offset, item, output)?;
            }
            start += chunk.len();
            current = (next, helper.join().map_err(|_| thread_failed())??);
        }
        let (chunk, prepared) = current;
        for (offset, (item, output)) in chunk.iter().zip(prepared).enumerate() {
            consume(start + offset, item, output)?;
        }
        Ok(())
    })
}

/// Writes the upserts of `batch` (deletes are done) in key order. The terms index is written on a
/// thread of its own while this one writes the edges, adjacency and degrees.
pub(super) fn write(tables: &mut Tables<'_>, batch: &Batch, ids: &SortedIds<'_>, summary: &mut WriteSummary) -> Result<(), StoreError> {
    let started = std::time::Instant::now();
    let to_index = write_nodes(tables, batch, &ids.nodes, summary)?;
    tracing::debug!(elapsed_ms = started.elapsed().as_millis(), "write: nodes");
    let Tables { nodes, edges, adjacency, degree, terms } = tables;
    std::thread::scope(|scope| {
        let indexer = scope.spawn(move || {
            insert_terms(terms, batch, &ids.nodes, &to_index)?;
            tracing::debug!(elapsed_ms = started.elapsed().as_millis(), "write: terms");
            Ok(())
        });
        let mut rest = || {
            let external = check_endpoints(nodes, batch, &ids.nodes)?;
            tracing::debug!(elapsed_ms = started.elapsed().as_millis(), "write: endpoints checked");
            let written = write_edges(edges, adjacency, degree, batch, &ids.edges, summary)?;
            tracing::debug!(elapsed_ms = started.elapsed().as_millis(), "write: edges");
            write_adjacency(adjacency, degree, batch, ids, &external, &written)?;
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
fn write_nodes(tables: &mut Tables<'_>, batch: &Batch, sorted: &[Entry<'_>], summary: &mut WriteSummary) -> Result<Vec<u32>, StoreError> {
    let prepare = |(_, idx): &Entry<'_>| Ok(batch.nodes[*idx as usize].encode());
    if tables.nodes.is_empty().map_err(backend_error)? {
        let mut cursor = tables.nodes.upper_bound_mut(Bound::<&str>::Unbounded).map_err(backend_error)?;
        pipelined(sorted, prepare, |_, (key, _), bytes| cursor.insert_before(*key, bytes.as_slice()).map_err(backend_error))?;
        cursor.close().map_err(backend_error)?;
        summary.nodes_created += sorted.len() as u64;
        return Ok((0..sorted.len() as u32).collect());
    }
    let mut to_index = Vec::new();
    pipelined(sorted, prepare, |position, (key, _), bytes| {
        if tables.upsert_node(key, &bytes, summary)? {
            to_index.push(position as u32);
        }
        Ok(())
    })?;
    Ok(to_index)
}

/// Inserts the terms of the nodes at `to_index` (positions in id order), in (term, node id) order.
fn insert_terms(terms: &mut Terms<'_>, batch: &Batch, nodes: &[Entry<'_>], to_index: &[u32]) -> Result<(), StoreError> {
    // Every (term, node) pair: the terms in one arena, each pair (start, length, node position).
    let mut arena = String::new();
    let mut pairs: Vec<(usize, u32, u32)> = Vec::new();
    for position in to_index {
        for term in index_terms(&batch.nodes[nodes[*position as usize].1 as usize]) {
            pairs.push((arena.len(), term.len() as u32, *position));
            arena.push_str(&term);
        }
    }
    let term = |(start, len, _): &(usize, u32, u32)| &arena[*start..*start + *len as usize];
    pairs.sort_unstable_by(|a, b| term(a).cmp(term(b)).then(a.2.cmp(&b.2)));
    for pair in &pairs {
        terms.insert(term(pair), nodes[pair.2 as usize].0).map_err(backend_error)?;
    }
    Ok(())
}

/// Checks, in batch order, that every edge endpoint is a node of the batch or of the store, and fails on
/// the first that is not (as writing edge by edge would). Returns the endpoints only the store has, sorted.
fn check_endpoints<'b>(node_table: &Records<'_>, batch: &'b Batch, nodes: &[Entry<'b>]) -> Result<Vec<&'b str>, StoreError> {
    let local: IdSet<&str> = nodes.iter().map(|(id, _)| *id).collect();
    let mut external: IdSet<&str> = IdSet::default();
    for edge in &batch.edges {
        for end in [&edge.source, &edge.target] {
            let id = end.as_str();
            if local.contains(id) || external.contains(id) {
                continue;
            }
            if node_table.get(id).map_err(backend_error)?.is_none() {
                return Err(StoreError::MissingEndpoint { edge: edge.id.to_string(), node: end.to_string() });
            }
            external.insert(id);
        }
    }
    let mut external: Vec<&str> = external.into_iter().collect();
    external.sort_unstable();
    Ok(external)
}

/// Upserts the edge records in id order; returns, per position in id order, whether the edge was written
/// (created or updated) and so needs adjacency entries and degrees. An updated edge's old adjacency
/// entries and degrees are removed here.
fn write_edges(
    edges: &mut Records<'_>,
    adjacency: &mut Adjacency<'_>,
    degree: &mut Degrees<'_>,
    batch: &Batch,
    sorted: &[Entry<'_>],
    summary: &mut WriteSummary,
) -> Result<Vec<bool>, StoreError> {
    let prepare = |(_, idx): &Entry<'_>| Ok(batch.edges[*idx as usize].encode());
    if edges.is_empty().map_err(backend_error)? {
        let mut cursor = edges.upper_bound_mut(Bound::<&str>::Unbounded).map_err(backend_error)?;
        pipelined(sorted, prepare, |_, (key, _), bytes| cursor.insert_before(*key, bytes.as_slice()).map_err(backend_error))?;
        cursor.close().map_err(backend_error)?;
        summary.edges_created += sorted.len() as u64;
        return Ok(vec![true; sorted.len()]);
    }
    let mut written = Vec::with_capacity(sorted.len());
    pipelined(sorted, prepare, |_, (key, _), bytes| {
        written.push(upsert_edge(edges, adjacency, degree, key, &bytes, summary)?);
        Ok(())
    })?;
    Ok(written)
}

/// Inserts the adjacency entries of the written edges in (node, type, edge) order and adds their count
/// to each node's degree, one write per node.
fn write_adjacency(
    adjacency: &mut Adjacency<'_>,
    degree: &mut Degrees<'_>,
    batch: &Batch,
    ids: &SortedIds<'_>,
    external: &[&str],
    written: &[bool],
) -> Result<(), StoreError> {
    // Every endpoint in id order (the batch's nodes and the store's are disjoint), and its rank.
    let mut keys: Vec<&str> = Vec::with_capacity(ids.nodes.len() + external.len());
    let mut store_ids = external.iter().copied().peekable();
    for (id, _) in &ids.nodes {
        while let Some(store_id) = store_ids.next_if(|store_id| store_id < id) {
            keys.push(store_id);
        }
        keys.push(*id);
    }
    keys.extend(store_ids);
    let rank: IdMap<&str, u32> = keys.iter().copied().zip(0u32..).collect();
    let rank_of = |id: &str| {
        rank.get(id).copied().ok_or_else(|| StoreError::Backend { backend: "embedded", reason: format!("endpoint `{id}` was not indexed") })
    };

    // Bucket the entries by node (a counting sort), then sort each node's few by (type, edge position).
    let mut ends: Vec<[u32; 2]> = Vec::with_capacity(ids.edges.len());
    let mut offsets = vec![0usize; keys.len() + 1];
    for ((_, idx), written) in ids.edges.iter().zip(written) {
        let edge = &batch.edges[*idx as usize];
        let pair = if *written { [rank_of(edge.source.as_str())?, rank_of(edge.target.as_str())?] } else { [u32::MAX; 2] };
        if *written {
            for end in pair {
                offsets[end as usize + 1] += 1;
            }
        }
        ends.push(pair);
    }
    for node in 0..keys.len() {
        offsets[node + 1] += offsets[node];
    }
    let mut fill = offsets.clone();
    let mut entries = vec![0u64; offsets[keys.len()]];
    for (position, ((_, idx), pair)) in ids.edges.iter().zip(&ends).enumerate() {
        if pair[0] == u32::MAX {
            continue;
        }
        let edge_type = u64::from(type_index(batch.edges[*idx as usize].edge_type));
        for end in pair {
            let slot = &mut fill[*end as usize];
            entries[*slot] = (edge_type << 32) | position as u64;
            *slot += 1;
        }
    }
    drop(ends);
    drop(fill);
    for node in 0..keys.len() {
        entries[offsets[node]..offsets[node + 1]].sort_unstable();
    }

    // A self-loop has the same key at both ends: inserted once, counted twice (as edge by edge).
    let (keys, entries, offsets) = (&keys, &entries, &offsets);
    let adjacency_keys = (0..keys.len()).flat_map(|node| {
        let slice = &entries[offsets[node]..offsets[node + 1]];
        slice.iter().enumerate().filter(move |(at, entry)| *at == 0 || slice[at - 1] != **entry).map(move |(_, entry)| {
            let edge_id = ids.edges[(entry & POSITION_MASK) as usize].0;
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
