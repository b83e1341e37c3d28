//! The write path of the embedded store: one `Batch` (or `Staged` import) in one redb write transaction.
//!
//! Deletes run first, one by one. Upserts whose node ids and edge ids are each unique (every imported
//! file, since validation rejects duplicates) are then staged in stored form, if they are not already,
//! and written table by table in key order (`sorted.rs`), which is what makes bulk imports fast; a batch
//! with a repeated id is written record by record in batch order, so a later record overrides an earlier
//! one exactly as the summary counts it. A streamed import writes one such staged block at a time into one
//! transaction (`stream.rs`).

use partnergraph_schema::text::index_terms;
use partnergraph_schema::{EdgeId, EdgeRecord, NodeRecord};
use redb::{MultimapTable, ReadableTable, Table, WriteTransaction};

use crate::store::audit::{Audit, Condition};
use crate::store::codec::Encode;
use crate::store::embedded::curation::Before;
use crate::store::embedded::expand::type_index;
use crate::store::embedded::{ADJACENCY, DEGREE, EDGES, NODES, TERMS, backend_error, decode};
use crate::store::{Batch, Staged, StoreError, WriteSummary};

mod sorted;
pub(crate) mod stream;
#[cfg(test)]
mod tests;

type Records<'t> = Table<'t, &'static str, &'static [u8]>;
type Adjacency<'t> = Table<'t, (&'static str, u8, &'static str), ()>;
type Degrees<'t> = Table<'t, &'static str, u64>;
type Terms<'t> = MultimapTable<'t, &'static str, &'static str>;
use crate::store::embedded::curation::{self, EDGE_VERSIONS, NODE_VERSIONS, Versions};

fn shift_degree(degree: &mut Degrees<'_>, node: &str, delta: i64) -> Result<(), StoreError> {
    let current = degree.get(node).map_err(backend_error)?.map_or(0, |value| value.value());
    let next = current.saturating_add_signed(delta);
    if next == 0 {
        degree.remove(node).map_err(backend_error)?;
    } else {
        degree.insert(node, next).map_err(backend_error)?;
    }
    Ok(())
}

/// Removes the adjacency and degree entries of `old`, an edge being deleted or replaced.
fn unlink_edge(adjacency: &mut Adjacency<'_>, degree: &mut Degrees<'_>, old: &EdgeRecord) -> Result<(), StoreError> {
    let edge_type = type_index(old.edge_type);
    for end in [old.source.as_str(), old.target.as_str()] {
        adjacency.remove((end, edge_type, old.id.as_str())).map_err(backend_error)?;
        shift_degree(degree, end, -1)?;
    }
    Ok(())
}

/// Stores an edge's encoded record under `key` unless it is already stored as is, removing the adjacency
/// and degree entries of the record it replaces, and counts it; returns whether it was written (its
/// adjacency and degrees are then due).
fn upsert_edge(
    edges: &mut Records<'_>,
    adjacency: &mut Adjacency<'_>,
    degree: &mut Degrees<'_>,
    versions: &mut Versions<'_>,
    key: &str,
    bytes: &[u8],
    summary: &mut WriteSummary,
) -> Result<bool, StoreError> {
    let old = edges.get(key).map_err(backend_error)?.map(|value| value.value().to_vec());
    match old {
        Some(old) if old == bytes => {
            summary.edges_unchanged += 1;
            return Ok(false);
        }
        Some(old) => {
            unlink_edge(adjacency, degree, &decode(key, &old)?)?;
            curation::updated(versions, key)?;
            summary.edges_updated += 1;
        }
        None => summary.edges_created += 1,
    }
    edges.insert(key, bytes).map_err(backend_error)?;
    Ok(true)
}

struct Tables<'txn> {
    nodes: Records<'txn>,
    edges: Records<'txn>,
    adjacency: Adjacency<'txn>,
    degree: Degrees<'txn>,
    terms: Terms<'txn>,
    node_versions: Versions<'txn>,
    edge_versions: Versions<'txn>,
}

impl<'txn> Tables<'txn> {
    fn open(txn: &'txn WriteTransaction) -> Result<Tables<'txn>, StoreError> {
        Ok(Tables {
            nodes: txn.open_table(NODES).map_err(backend_error)?,
            edges: txn.open_table(EDGES).map_err(backend_error)?,
            adjacency: txn.open_table(ADJACENCY).map_err(backend_error)?,
            degree: txn.open_table(DEGREE).map_err(backend_error)?,
            terms: txn.open_multimap_table(TERMS).map_err(backend_error)?,
            node_versions: txn.open_table(NODE_VERSIONS).map_err(backend_error)?,
            edge_versions: txn.open_table(EDGE_VERSIONS).map_err(backend_error)?,
        })
    }

    fn shift_degree(&mut self, node: &str, delta: i64) -> Result<(), StoreError> {
        shift_degree(&mut self.degree, node, delta)
    }

    /// Removes an edge with its adjacency and degree entries; returns whether it existed.
    fn remove_edge(&mut self, edge_id: &str) -> Result<bool, StoreError> {
        let old: EdgeRecord = match self.edges.remove(edge_id).map_err(backend_error)? {
            Some(old) => decode(edge_id, old.value())?,
            None => return Ok(false),
        };
        unlink_edge(&mut self.adjacency, &mut self.degree, &old)?;
        curation::deleted(&mut self.edge_versions, edge_id)?;
        Ok(true)
    }

    /// Adds the adjacency and degree entries of a stored edge.
    fn link_edge(&mut self, edge: &EdgeRecord) -> Result<(), StoreError> {
        let edge_type = type_index(edge.edge_type);
        for end in [edge.source.as_str(), edge.target.as_str()] {
            self.adjacency.insert((end, edge_type, edge.id.as_str()), ()).map_err(backend_error)?;
            self.shift_degree(end, 1)?;
        }
        Ok(())
    }

    /// Stores a node's encoded record under `key` unless it is already stored as is, removing the terms of
    /// the record it replaces, and counts it; returns whether it was written (its terms are then due).
    fn upsert_node(&mut self, key: &str, bytes: &[u8], summary: &mut WriteSummary) -> Result<bool, StoreError> {
        let old = self.nodes.get(key).map_err(backend_error)?.map(|value| value.value().to_vec());
        match old {
            Some(old) if old == bytes => {
                summary.nodes_unchanged += 1;
                return Ok(false);
            }
            Some(old) => {
                self.index_node(&decode(key, &old)?, false)?;
                curation::updated(&mut self.node_versions, key)?;
                summary.nodes_updated += 1;
            }
            None => summary.nodes_created += 1,
        }
        self.nodes.insert(key, bytes).map_err(backend_error)?;
        Ok(true)
    }

    fn index_node(&mut self, node: &NodeRecord, insert: bool) -> Result<(), StoreError> {
        let key = node.id.as_str();
        for term in index_terms(node) {
            if insert {
                self.terms.insert(term.as_str(), key).map_err(backend_error)?;
            } else {
                self.terms.remove(term.as_str(), key).map_err(backend_error)?;
            }
        }
        Ok(())
    }

    /// The edge ids touching `node`, in any order.
    fn incident(&self, node: &str) -> Result<Vec<String>, StoreError> {
        let mut ids = Vec::new();
        for entry in self.adjacency.range((node, 0u8, "")..(node, u8::MAX, "")).map_err(backend_error)? {
            let (key, _) = entry.map_err(backend_error)?;
            ids.push(key.value().2.to_owned());
        }
        Ok(ids)
    }
}

/// Writes `batch` into `txn`; the caller commits. Its version conditions are checked first; deletes run
/// next, then node upserts, then edges; an edge whose endpoint is missing fails the batch (the caller then
/// drops the transaction). Its audit entries are recorded last, in the same transaction.
pub(crate) fn write_batch(txn: &WriteTransaction, batch: Batch) -> Result<WriteSummary, StoreError> {
    write_batch_with(txn, batch, true)
}

/// [`write_batch`] without the sorted path: what the sorted path must be equivalent to.
#[cfg(test)]
fn write_batch_in_order(txn: &WriteTransaction, batch: Batch) -> Result<WriteSummary, StoreError> {
    write_batch_with(txn, batch, false)
}

fn write_batch_with(txn: &WriteTransaction, mut batch: Batch, allow_sorted: bool) -> Result<WriteSummary, StoreError> {
    let conditions = std::mem::take(&mut batch.conditions);
    let audit = batch.audit.take();
    curation::check_versions(txn, &conditions)?;
    let before = match &audit {
        Some(Audit::Records { .. }) => Some(Before::read(txn, &batch)?),
        _ => None,
    };
    let summary = {
        let mut tables = Tables::open(txn)?;
        write_records(&mut tables, batch, allow_sorted, &conditions)?
    };
    if let Some(audit) = &audit {
        curation::record(txn, audit, before, &summary)?;
    }
    Ok(summary)
}

fn write_records(tables: &mut Tables<'_>, batch: Batch, allow_sorted: bool, conditions: &[Condition]) -> Result<WriteSummary, StoreError> {
    let mut summary = WriteSummary::default();
    delete_edges(tables, &batch.delete_edges, &mut summary)?;
    curation::check_unlinked(&tables.degree, conditions)?;
    for node_id in &batch.delete_nodes {
        for edge_id in tables.incident(node_id.as_str())? {
            if tables.remove_edge(&edge_id)? {
                summary.edges_deleted += 1;
            }
        }
        let old: NodeRecord = match tables.nodes.remove(node_id.as_str()).map_err(backend_error)? {
            Some(old) => decode(node_id.as_str(), old.value())?,
            None => continue,
        };
        tables.index_node(&old, false)?;
        curation::deleted(&mut tables.node_versions, node_id.as_str())?;
        summary.nodes_deleted += 1;
    }

    if allow_sorted {
        let staged = Staged::of(&batch);
        if let Some(ids) = sorted::SortedIds::of(&staged) {
            drop(batch);
            sorted::write(tables, staged, &ids, &mut summary)?;
            return Ok(summary);
        }
    }
    write_in_order(tables, &batch, &mut summary)?;
    Ok(summary)
}

/// Writes staged upserts into `txn` with the meaning of [`write_batch`] on the batch they were staged from.
pub(crate) fn write_staged(txn: &WriteTransaction, staged: Staged) -> Result<WriteSummary, StoreError> {
    let audit = staged.audit().cloned();
    let summary = write_block(txn, staged)?;
    if let Some(audit) = &audit {
        curation::record(txn, audit, None, &summary)?;
    }
    Ok(summary)
}

/// Writes staged upserts into `txn` as [`write_staged`] does, without recording them in the audit trail
/// (one block of a streamed import: the import records the file once, when it commits).
pub(crate) fn write_block(txn: &WriteTransaction, staged: Staged) -> Result<WriteSummary, StoreError> {
    let mut summary = WriteSummary::default();
    let mut tables = Tables::open(txn)?;
    delete_edges(&mut tables, staged.deleted_edges(), &mut summary)?;
    let started = std::time::Instant::now();
    let sorted_ids = sorted::SortedIds::of(&staged);
    tracing::debug!(elapsed_ms = started.elapsed().as_millis(), sorted = sorted_ids.is_some(), "write: ids sorted");
    match sorted_ids {
        Some(ids) => sorted::write(&mut tables, staged, &ids, &mut summary)?,
        None => write_in_order(&mut tables, &staged.into_batch()?, &mut summary)?,
    }
    Ok(summary)
}

/// Deletes the edges `ids` (those that exist), before any upsert of the same transaction.
fn delete_edges(tables: &mut Tables<'_>, ids: &[EdgeId], summary: &mut WriteSummary) -> Result<(), StoreError> {
    for edge_id in ids {
        if tables.remove_edge(edge_id.as_str())? {
            summary.edges_deleted += 1;
        }
    }
    Ok(())
}

/// Upserts the nodes, then the edges, one record at a time in batch order (the general path, for batches
/// that repeat an id).
fn write_in_order(tables: &mut Tables<'_>, batch: &Batch, summary: &mut WriteSummary) -> Result<(), StoreError> {
    for node in &batch.nodes {
        if tables.upsert_node(node.id.as_str(), &node.encode(), summary)? {
            tables.index_node(node, true)?;
        }
    }

    for edge in &batch.edges {
        let key = edge.id.as_str();
        for end in [&edge.source, &edge.target] {
            if tables.nodes.get(end.as_str()).map_err(backend_error)?.is_none() {
                return Err(StoreError::MissingEndpoint { edge: key.to_owned(), node: end.to_string() });
            }
        }
        if upsert_edge(
            &mut tables.edges,
            &mut tables.adjacency,
            &mut tables.degree,
            &mut tables.edge_versions,
            key,
            &edge.encode(),
            summary,
        )? {
            tables.link_edge(edge)?;
        }
    }
    Ok(())
}
