//! A batch of upserts held in the records' stored binary form (`codec.rs`), for large imports.
//!
//! A parsed record costs several hundred bytes of Rust structs and small allocations; its stored form costs
//! a tenth of that. An import stages each record as soon as it is parsed and checked, drops the structs,
//! and hands the whole staged batch to [`GraphStore::apply_staged`](super::GraphStore::apply_staged) once
//! the file is known to be valid, so nothing is written before that and the peak memory is the staged
//! bytes, not the parsed file. The embedded store writes these bytes as they are; other stores decode them.
//!
//! Records keep their push order (the order in which a store must report a missing endpoint). Their ids
//! and their values live in two arenas of fixed-size chunks, so growing never copies what is already
//! staged, and a writer can free the values it has written while it still needs the ids.

use partnergraph_schema::{EdgeId, EdgeRecord, NodeRecord};

use super::arena::{Arena, Blocks, Span};
use super::codec::{Decode, Encode};
use super::{Audit, Batch, StoreError};

/// Node and edge upserts in stored form, each in push order, and edges to delete before them.
#[derive(Debug, Default)]
pub struct Staged {
    nodes: Packed,
    edges: Packed,
    delete_edges: Vec<EdgeId>,
    /// How the write is recorded in the audit trail.
    audit: Option<Audit>,
}

/// Records of one kind: each record's id and stored value, in two arenas (so the values can be freed
/// once written while the ids are still needed).
#[derive(Debug, Default)]
pub(crate) struct Packed {
    ids: Arena,
    values: Arena,
    entries: Blocks<(Span, Span)>,
}

impl Packed {
    fn push(&mut self, id: &str, bytes: &[u8]) {
        let entry = self.store(id, bytes);
        self.entries.push(entry);
    }

    /// Copies a record's id and value into the arenas and returns where they are.
    fn store(&mut self, id: &str, bytes: &[u8]) -> (Span, Span) {
        (self.ids.push(id.as_bytes()), self.values.push(bytes))
    }

    /// Number of records.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The id of the record at `index`.
    pub(crate) fn id(&self, index: usize) -> &str {
        // The bytes were copied from a `&str`.
        std::str::from_utf8(self.id_bytes(index)).unwrap_or_default()
    }

    /// The bytes of the id at `index` (for comparing and hashing, which need not check UTF-8).
    pub(crate) fn id_bytes(&self, index: usize) -> &[u8] {
        self.ids.get(self.entries.get(index).0)
    }

    /// The id and stored value of the record at `index` (the value is empty once released).
    pub(crate) fn get(&self, index: usize) -> (&str, &[u8]) {
        (self.id(index), self.values.get(self.entries.get(index).1))
    }

    /// Takes the stored values out, keeping the ids (a writer that has written them drops them; the values
    /// then read as empty): whoever takes them reads them with [`Packed::decode_from`].
    pub(crate) fn take_values(&mut self) -> Arena {
        std::mem::take(&mut self.values)
    }

    /// Decodes the record at `index` from values taken with [`Packed::take_values`].
    pub(crate) fn decode_from<T: Decode>(&self, values: &Arena, index: usize) -> Result<T, StoreError> {
        T::decode(self.id(index), values.get(self.entries.get(index).1))
    }

    fn heap_bytes(&self) -> usize {
        self.ids.heap_bytes() + self.values.heap_bytes() + self.entries.heap_bytes()
    }

    fn append(&mut self, other: Packed) {
        let id_offset = self.ids.append(other.ids);
        let value_offset = self.values.append(other.values);
        for (id, value) in other.entries.iter() {
            self.entries.push((id.shifted(id_offset), value.shifted(value_offset)));
        }
    }

    pub(crate) fn decode<T: Decode>(&self, index: usize) -> Result<T, StoreError> {
        self.decode_from(&self.values, index)
    }
}

impl Staged {
    /// The upserts of `batch` (not its deletes), in batch order.
    pub fn of(batch: &Batch) -> Staged {
        let mut staged = Staged::default();
        batch.nodes.iter().for_each(|node| staged.push_node(node));
        batch.edges.iter().for_each(|edge| staged.push_edge(edge));
        staged
    }

    /// Stages a node upsert.
    pub fn push_node(&mut self, node: &NodeRecord) {
        self.nodes.push(node.id.as_str(), &node.encode());
    }

    /// Stages an edge upsert.
    pub fn push_edge(&mut self, edge: &EdgeRecord) {
        self.edges.push(edge.id.as_str(), &edge.encode());
    }

    /// Stages the deletion of an edge, applied before every upsert (as a [`Batch`]'s deletes are).
    pub fn delete_edge(&mut self, id: EdgeId) {
        self.delete_edges.push(id);
    }

    /// Records the write in the audit trail as `audit` says (an import: one entry for the file).
    pub fn set_audit(&mut self, audit: Audit) {
        self.audit = Some(audit);
    }

    /// How the write is recorded in the audit trail.
    pub fn audit(&self) -> Option<&Audit> {
        self.audit.as_ref()
    }

    /// The edges staged for deletion.
    pub fn deleted_edges(&self) -> &[EdgeId] {
        &self.delete_edges
    }

    /// Moves the records of `other` after these, in its order.
    pub fn append(&mut self, other: Staged) {
        self.nodes.append(other.nodes);
        self.edges.append(other.edges);
        self.delete_edges.extend(other.delete_edges);
        self.audit = self.audit.take().or(other.audit);
    }

    /// Number of staged nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of staged edges.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// Bytes held on the heap (arena chunks and entries, with their spare capacity).
    pub fn heap_bytes(&self) -> usize {
        self.nodes.heap_bytes() + self.edges.heap_bytes()
    }

    /// The staged nodes and edges.
    pub(crate) fn packed(&self) -> (&Packed, &Packed) {
        (&self.nodes, &self.edges)
    }

    /// The staged nodes and edges, mutable (a writer frees their values once written).
    pub(crate) fn parts(&mut self) -> (&mut Packed, &mut Packed) {
        (&mut self.nodes, &mut self.edges)
    }

    /// The id of the node at `index`.
    pub fn node_id(&self, index: usize) -> &str {
        self.nodes.id(index)
    }

    /// The id of the edge at `index`.
    pub fn edge_id(&self, index: usize) -> &str {
        self.edges.id(index)
    }

    /// The node at `index`, decoded.
    pub fn decode_node(&self, index: usize) -> Result<NodeRecord, StoreError> {
        self.nodes.decode(index)
    }

    /// Replaces the node at `index` with `node` (which keeps its place in push order).
    pub fn replace_node(&mut self, index: usize, node: &NodeRecord) {
        let entry = self.nodes.store(node.id.as_str(), &node.encode());
        self.nodes.entries.set(index, entry);
    }

    /// The stored form of the edge at `index`.
    pub(crate) fn edge_bytes(&self, index: usize) -> &[u8] {
        self.edges.get(index).1
    }

    /// The edge at `index`, decoded.
    pub fn decode_edge(&self, index: usize) -> Result<EdgeRecord, StoreError> {
        self.edges.decode(index)
    }

    /// Replaces the edge at `index` with `edge` (which keeps its place in push order).
    pub fn replace_edge(&mut self, index: usize, edge: &EdgeRecord) {
        let entry = self.edges.store(edge.id.as_str(), &edge.encode());
        self.edges.entries.set(index, entry);
    }

    /// The staged records as a plain batch, decoded (for stores that do not write stored bytes).
    pub fn into_batch(self) -> Result<Batch, StoreError> {
        let nodes = (0..self.node_count()).map(|index| self.nodes.decode(index)).collect::<Result<_, _>>()?;
        let edges = (0..self.edge_count()).map(|index| self.edges.decode(index)).collect::<Result<_, _>>()?;
        Ok(Batch { nodes, edges, delete_edges: self.delete_edges, audit: self.audit, ..Batch::default() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_batch() -> Batch {
        let dataset = partnergraph_schema::seed::dataset().expect("the seed is valid");
        Batch {
            nodes: dataset.nodes.into_iter().map(|lined| lined.record).collect(),
            edges: dataset.edges.into_iter().map(|lined| lined.record).collect(),
            ..Batch::default()
        }
    }

    #[test]
    fn a_staged_batch_decodes_to_the_batch_it_was_staged_from() {
        let batch = seed_batch();
        assert!(batch.nodes.len() > 10 && batch.edges.len() > 10);
        let staged = Staged::of(&batch);
        assert_eq!(staged.node_count(), batch.nodes.len());
        assert_eq!(staged.edge_count(), batch.edges.len());
        assert_eq!(staged.node_id(3), batch.nodes[3].id.as_str());
        assert_eq!(staged.into_batch().expect("decodes"), batch);
    }

    #[test]
    fn appended_parts_keep_their_order_across_chunks() {
        let batch = seed_batch();
        let mut staged = Staged::default();
        // One part per record, so every append brings a chunk of its own.
        for node in &batch.nodes {
            let mut part = Staged::default();
            part.push_node(node);
            staged.append(part);
        }
        for edge in &batch.edges {
            let mut part = Staged::default();
            part.push_edge(edge);
            staged.append(part);
        }
        assert_eq!(staged.nodes.values.chunk_count(), batch.nodes.len());
        assert_eq!(staged.into_batch().expect("decodes"), batch);
    }

    #[test]
    fn a_record_larger_than_a_chunk_gets_its_own() {
        let mut batch = seed_batch();
        batch.nodes.truncate(2);
        batch.edges.clear();
        batch.nodes[0].name = "x".repeat(crate::store::arena::CHUNK_BYTES + 10);
        let staged = Staged::of(&batch);
        assert_eq!(staged.nodes.values.chunk_count(), 2);
        assert_eq!(staged.into_batch().expect("decodes"), batch);
    }

    #[test]
    fn released_values_leave_the_ids_and_read_as_empty() {
        let batch = seed_batch();
        let mut staged = Staged::of(&batch);
        let (_, edges) = staged.parts();
        assert!(!edges.get(0).1.is_empty());
        drop(edges.take_values());
        assert_eq!(edges.get(0), (batch.edges[0].id.as_str(), &[][..]));
        assert_eq!(staged.edge_id(5), batch.edges[5].id.as_str());
        assert!(matches!(staged.into_batch(), Err(StoreError::Corrupt { .. })), "an empty value is not a record");
    }

    #[test]
    fn a_replaced_node_keeps_its_place() {
        let batch = seed_batch();
        let mut staged = Staged::of(&batch);
        let mut changed = batch.nodes[1].clone();
        changed.name = "Renamed".to_owned();
        staged.replace_node(1, &changed);
        let mut expected = batch.clone();
        expected.nodes[1] = changed;
        assert_eq!(staged.into_batch().expect("decodes"), expected);
    }
}
