//! The embedded, durable store: one redb file in the data directory, no server.
//!
//! Layout (format 1):
//! - `nodes`: node id → JSON record; `edges`: edge id → JSON record. Ids carry their kind as a prefix, so
//!   a scan of one kind is a key range and needs no separate index.
//! - `adjacency` (multimap): node id → ids of the edges that touch it, in both directions.
//! - `terms` (multimap): search term → node ids (`partnergraph_schema::text::index_terms`).
//! - `meta`: `format` → layout version.
//!
//! Every write is one redb transaction, committed with immediate durability (fsync), so a kill -9 loses
//! nothing that was committed and never leaves half a batch. The file is opened in redb's multi-writer
//! mode, so `partnergraph import` can write while `partnergraph serve` reads the same directory; readers
//! see each commit as a whole. Blocking redb calls run on tokio's blocking pool.

use std::collections::BTreeSet;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use partnergraph_schema::text::index_terms;
use partnergraph_schema::{EdgeId, EdgeRecord, NodeId, NodeKind, NodeRecord};
use redb::{
    Builder, ConcurrencyMode, Database, MultimapTableDefinition, ReadTransaction, ReadableDatabase, ReadableMultimapTable, ReadableTable,
    ReadableTableMetadata, TableDefinition, WriteTransaction,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::store::{Batch, EdgeFilter, GraphStore, StoreError, StoreStats, WriteSummary};

const NODES: TableDefinition<&str, &[u8]> = TableDefinition::new("nodes");
const EDGES: TableDefinition<&str, &[u8]> = TableDefinition::new("edges");
const ADJACENCY: MultimapTableDefinition<&str, &str> = MultimapTableDefinition::new("adjacency");
const TERMS: MultimapTableDefinition<&str, &str> = MultimapTableDefinition::new("terms");
const META: TableDefinition<&str, &str> = TableDefinition::new("meta");

/// The on-disk layout this build reads and writes.
const FORMAT: &str = "1";
/// The database file inside the data directory.
const FILE_NAME: &str = "partnergraph.redb";
const BACKEND: &str = "embedded";

/// A graph store in one redb file.
#[derive(Clone)]
pub struct EmbeddedStore {
    db: Arc<Database>,
    path: PathBuf,
}

impl std::fmt::Debug for EmbeddedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedStore").field("path", &self.path).finish()
    }
}

fn backend_error(err: impl Into<redb::Error>) -> StoreError {
    StoreError::Backend { backend: BACKEND, reason: err.into().to_string() }
}

fn encode<T: Serialize>(record: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(record).map_err(|err| StoreError::Backend { backend: BACKEND, reason: err.to_string() })
}

fn decode<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|err| StoreError::Corrupt { key: key.to_owned(), reason: err.to_string() })
}

impl EmbeddedStore {
    /// Opens the store in `dir`, creating the directory and an empty store if needed.
    pub fn open(dir: &Path) -> Result<EmbeddedStore, StoreError> {
        std::fs::create_dir_all(dir).map_err(|err| StoreError::Backend {
            backend: BACKEND,
            reason: format!("cannot create data directory {}: {err}", dir.display()),
        })?;
        let path = dir.join(FILE_NAME);
        let display = path.display().to_string();
        let db = Builder::new().set_concurrency_mode(ConcurrencyMode::MultiWriter).create(&path).map_err(|err| match err {
            redb::DatabaseError::DatabaseAlreadyOpen | redb::DatabaseError::LockProtocolMismatch => {
                StoreError::Locked { path: display.clone() }
            }
            other => backend_error(other),
        })?;
        let store = EmbeddedStore { db: Arc::new(db), path };
        store.initialise()?;
        Ok(store)
    }

    /// Creates the tables on first open and checks the format version.
    fn initialise(&self) -> Result<(), StoreError> {
        let txn = self.db.begin_write().map_err(backend_error)?;
        {
            let mut meta = txn.open_table(META).map_err(backend_error)?;
            let found = meta.get("format").map_err(backend_error)?.map(|value| value.value().to_owned());
            match found {
                Some(found) if found != FORMAT => {
                    return Err(StoreError::IncompatibleFormat {
                        path: self.path.display().to_string(),
                        found,
                        expected: FORMAT.to_owned(),
                    });
                }
                Some(_) => {}
                None => {
                    meta.insert("format", FORMAT).map_err(backend_error)?;
                }
            }
            txn.open_table(NODES).map_err(backend_error)?;
            txn.open_table(EDGES).map_err(backend_error)?;
            txn.open_multimap_table(ADJACENCY).map_err(backend_error)?;
            txn.open_multimap_table(TERMS).map_err(backend_error)?;
        }
        txn.commit().map_err(backend_error)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `read` in a read transaction on the blocking pool.
    async fn read<T, F>(&self, read: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&ReadTransaction) -> Result<T, StoreError> + Send + 'static,
    {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            let txn = db.begin_read().map_err(backend_error)?;
            read(&txn)
        })
        .await
        .map_err(|err| StoreError::Backend { backend: BACKEND, reason: format!("read task failed: {err}") })?
    }
}

fn get_records<T: DeserializeOwned>(
    txn: &ReadTransaction,
    table: TableDefinition<&str, &[u8]>,
    keys: &[String],
) -> Result<Vec<Option<T>>, StoreError> {
    let table = txn.open_table(table).map_err(backend_error)?;
    keys.iter()
        .map(|key| match table.get(key.as_str()).map_err(backend_error)? {
            Some(value) => decode(key, value.value()).map(Some),
            None => Ok(None),
        })
        .collect()
}

fn scan_records<T: DeserializeOwned>(
    txn: &ReadTransaction,
    table: TableDefinition<&str, &[u8]>,
    lower: Bound<&str>,
    upper: Bound<&str>,
    limit: usize,
) -> Result<Vec<T>, StoreError> {
    let table = txn.open_table(table).map_err(backend_error)?;
    let mut records = Vec::new();
    for entry in table.range::<&str>((lower, upper)).map_err(backend_error)?.take(limit) {
        let (key, value) = entry.map_err(backend_error)?;
        records.push(decode(key.value(), value.value())?);
    }
    Ok(records)
}

#[async_trait]
impl GraphStore for EmbeddedStore {
    fn backend(&self) -> &'static str {
        BACKEND
    }

    async fn nodes(&self, ids: &[NodeId]) -> Result<Vec<Option<NodeRecord>>, StoreError> {
        let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
        self.read(move |txn| get_records(txn, NODES, &keys)).await
    }

    async fn edges(&self, ids: &[EdgeId]) -> Result<Vec<Option<EdgeRecord>>, StoreError> {
        let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
        self.read(move |txn| get_records(txn, EDGES, &keys)).await
    }

    async fn expand(&self, frontier: &[NodeId], filter: &EdgeFilter) -> Result<Vec<EdgeRecord>, StoreError> {
        let keys: Vec<String> = frontier.iter().map(ToString::to_string).collect();
        let filter = filter.clone();
        self.read(move |txn| {
            let adjacency = txn.open_multimap_table(ADJACENCY).map_err(backend_error)?;
            let mut edge_ids = BTreeSet::new();
            for key in &keys {
                for edge_id in adjacency.get(key.as_str()).map_err(backend_error)? {
                    edge_ids.insert(edge_id.map_err(backend_error)?.value().to_owned());
                }
            }
            let edges = txn.open_table(EDGES).map_err(backend_error)?;
            let mut found = Vec::with_capacity(edge_ids.len());
            for edge_id in edge_ids {
                let Some(value) = edges.get(edge_id.as_str()).map_err(backend_error)? else {
                    return Err(StoreError::Corrupt { key: edge_id, reason: "adjacency names an edge that does not exist".into() });
                };
                let edge: EdgeRecord = decode(&edge_id, value.value())?;
                if filter.matches(&edge) {
                    found.push(edge);
                }
            }
            Ok(found)
        })
        .await
    }

    async fn find_by_term(&self, term: &str, prefix: bool, limit: usize) -> Result<Vec<NodeId>, StoreError> {
        let term = term.to_owned();
        self.read(move |txn| {
            let terms = txn.open_multimap_table(TERMS).map_err(backend_error)?;
            let mut ids = BTreeSet::new();
            for entry in terms.range::<&str>(term.as_str()..).map_err(backend_error)? {
                let (key, values) = entry.map_err(backend_error)?;
                let key = key.value();
                let matches = if prefix { key.starts_with(term.as_str()) } else { key == term };
                if !matches {
                    break;
                }
                for value in values {
                    ids.insert(value.map_err(backend_error)?.value().to_owned());
                    if ids.len() > limit {
                        ids.pop_last();
                    }
                }
            }
            ids.into_iter()
                .map(|id| NodeId::parse(id.clone()).map_err(|err| StoreError::Corrupt { key: id, reason: err.to_string() }))
                .collect()
        })
        .await
    }

    async fn scan_nodes(&self, kind: Option<NodeKind>, after: Option<&NodeId>, limit: usize) -> Result<Vec<NodeRecord>, StoreError> {
        let after = after.map(ToString::to_string);
        self.read(move |txn| {
            // Ids are `<prefix>:<slug>`, and ';' sorts right after ':', so a kind is the range [prefix:, prefix;).
            let (kind_start, kind_end) = match kind {
                Some(kind) => (Some(format!("{}:", kind.id_prefix())), Some(format!("{};", kind.id_prefix()))),
                None => (None, None),
            };
            let lower = match (&after, &kind_start) {
                (Some(after), Some(start)) if after.as_str() >= start.as_str() => Bound::Excluded(after.as_str()),
                (_, Some(start)) => Bound::Included(start.as_str()),
                (Some(after), None) => Bound::Excluded(after.as_str()),
                (None, None) => Bound::Unbounded,
            };
            let upper = kind_end.as_deref().map_or(Bound::Unbounded, Bound::Excluded);
            scan_records(txn, NODES, lower, upper, limit)
        })
        .await
    }

    async fn scan_edges(&self, after: Option<&EdgeId>, limit: usize) -> Result<Vec<EdgeRecord>, StoreError> {
        let after = after.map(ToString::to_string);
        self.read(move |txn| {
            let lower = after.as_deref().map_or(Bound::Unbounded, Bound::Excluded);
            scan_records(txn, EDGES, lower, Bound::Unbounded, limit)
        })
        .await
    }

    async fn stats(&self) -> Result<StoreStats, StoreError> {
        self.read(|txn| {
            let nodes = txn.open_table(NODES).map_err(backend_error)?.len().map_err(backend_error)?;
            let edges = txn.open_table(EDGES).map_err(backend_error)?.len().map_err(backend_error)?;
            Ok(StoreStats { nodes, edges })
        })
        .await
    }

    async fn apply(&self, batch: Batch) -> Result<WriteSummary, StoreError> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            let txn = db.begin_write().map_err(backend_error)?;
            let summary = write_batch(&txn, batch)?;
            txn.commit().map_err(backend_error)?;
            Ok(summary)
        })
        .await
        .map_err(|err| StoreError::Backend { backend: BACKEND, reason: format!("write task failed: {err}") })?
    }
}

/// Writes `batch` into `txn`; the caller commits. Deletes run first, then node upserts, then edges.
fn write_batch(txn: &WriteTransaction, batch: Batch) -> Result<WriteSummary, StoreError> {
    let mut summary = WriteSummary::default();
    let mut nodes = txn.open_table(NODES).map_err(backend_error)?;
    let mut edges = txn.open_table(EDGES).map_err(backend_error)?;
    let mut adjacency = txn.open_multimap_table(ADJACENCY).map_err(backend_error)?;
    let mut terms = txn.open_multimap_table(TERMS).map_err(backend_error)?;

    let remove_edge = |edges: &mut redb::Table<&str, &[u8]>,
                       adjacency: &mut redb::MultimapTable<&str, &str>,
                       edge_id: &str|
     -> Result<bool, StoreError> {
        let Some(old) = edges.remove(edge_id).map_err(backend_error)? else {
            return Ok(false);
        };
        let old: EdgeRecord = decode(edge_id, old.value())?;
        adjacency.remove(old.source.as_str(), edge_id).map_err(backend_error)?;
        adjacency.remove(old.target.as_str(), edge_id).map_err(backend_error)?;
        Ok(true)
    };

    for edge_id in &batch.delete_edges {
        if remove_edge(&mut edges, &mut adjacency, edge_id.as_str())? {
            summary.edges_deleted += 1;
        }
    }
    for node_id in &batch.delete_nodes {
        let incident: Vec<String> = adjacency
            .get(node_id.as_str())
            .map_err(backend_error)?
            .map(|edge_id| edge_id.map(|edge_id| edge_id.value().to_owned()).map_err(backend_error))
            .collect::<Result<_, _>>()?;
        for edge_id in incident {
            if remove_edge(&mut edges, &mut adjacency, &edge_id)? {
                summary.edges_deleted += 1;
            }
        }
        let Some(old) = nodes.remove(node_id.as_str()).map_err(backend_error)? else {
            continue;
        };
        let old: NodeRecord = decode(node_id.as_str(), old.value())?;
        for term in index_terms(&old) {
            terms.remove(term.as_str(), node_id.as_str()).map_err(backend_error)?;
        }
        summary.nodes_deleted += 1;
    }

    for node in &batch.nodes {
        let key = node.id.as_str();
        let bytes = encode(node)?;
        let old = nodes.get(key).map_err(backend_error)?.map(|value| value.value().to_vec());
        match old {
            Some(old) if old == bytes => {
                summary.nodes_unchanged += 1;
                continue;
            }
            Some(old) => {
                let old: NodeRecord = decode(key, &old)?;
                for term in index_terms(&old) {
                    terms.remove(term.as_str(), key).map_err(backend_error)?;
                }
                summary.nodes_updated += 1;
            }
            None => summary.nodes_created += 1,
        }
        nodes.insert(key, bytes.as_slice()).map_err(backend_error)?;
        for term in index_terms(node) {
            terms.insert(term.as_str(), key).map_err(backend_error)?;
        }
    }

    for edge in &batch.edges {
        let key = edge.id.as_str();
        for end in [&edge.source, &edge.target] {
            if nodes.get(end.as_str()).map_err(backend_error)?.is_none() {
                return Err(StoreError::MissingEndpoint { edge: key.to_owned(), node: end.to_string() });
            }
        }
        let bytes = encode(edge)?;
        let old = edges.get(key).map_err(backend_error)?.map(|value| value.value().to_vec());
        match old {
            Some(old) if old == bytes => {
                summary.edges_unchanged += 1;
                continue;
            }
            Some(_) => {
                remove_edge(&mut edges, &mut adjacency, key)?;
                summary.edges_updated += 1;
            }
            None => summary.edges_created += 1,
        }
        edges.insert(key, bytes.as_slice()).map_err(backend_error)?;
        adjacency.insert(edge.source.as_str(), key).map_err(backend_error)?;
        adjacency.insert(edge.target.as_str(), key).map_err(backend_error)?;
    }
    Ok(summary)
}
