//! A view of one committed state of the embedded store: one redb read transaction, and the in-memory
//! topology when it was built from the same generation. Every read of a request goes through one view,
//! so an answer never mixes two commits (`partnergraph import` beside `serve`); each read runs on
//! tokio's blocking pool, after checking the request's cancellation token.

use std::ops::Bound;
use std::sync::Arc;

use async_trait::async_trait;
use partnergraph_schema::hash::IdSet;
use partnergraph_schema::text::NodeNames;
use partnergraph_schema::{EdgeId, EdgeLink, EdgeRecord, NodeId, NodeKind, NodeRecord};
use redb::{ReadTransaction, ReadableTableMetadata, TableDefinition};

use crate::metrics::metrics;
use crate::store::cancel::{self, Cancel};
use crate::store::codec::Decode;
use crate::store::embedded::curation;
use crate::store::embedded::topology::Topology;
use crate::store::embedded::{BACKEND, DEGREE, EDGES, NODES, TERMS, backend_error, decode, expand, index};
use crate::store::inline;
use crate::store::{Change, EdgeFilter, GraphRead, RankedTopology, StoreError, StoreStats, Subject};

/// One committed state of the embedded store.
pub(crate) struct EmbeddedView {
    txn: Arc<ReadTransaction>,
    topology: Option<Arc<Topology>>,
    generation: u64,
}

impl std::fmt::Debug for EmbeddedView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedView").field("generation", &self.generation).field("topology", &self.topology.is_some()).finish()
    }
}

impl EmbeddedView {
    /// The view of `txn`'s state, with `topology` if it was built from it.
    pub(crate) fn new(txn: ReadTransaction, topology: Option<Arc<Topology>>) -> Result<EmbeddedView, StoreError> {
        let generation = index::generation(&txn)?;
        let topology = topology.filter(|topology| topology.generation == generation);
        Ok(EmbeddedView { txn: Arc::new(txn), topology, generation })
    }

    /// Runs `read` on the view's transaction (and topology): on this thread when it may block
    /// ([`inline`]), on the blocking pool otherwise.
    async fn read<T, F>(&self, read: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&ReadTransaction, Option<&Topology>) -> Result<T, StoreError> + Send + 'static,
    {
        let cancel = Cancel::current();
        metrics().store_read(BACKEND);
        if inline::active() {
            cancel::check(cancel.as_ref())?;
            return read(&self.txn, self.topology.as_deref());
        }
        let (txn, topology) = (self.txn.clone(), self.topology.clone());
        tokio::task::spawn_blocking(move || {
            cancel::check(cancel.as_ref())?;
            read(&txn, topology.as_deref())
        })
        .await
        .map_err(|err| StoreError::Backend { backend: BACKEND, reason: format!("read task failed: {err}") })?
    }

    /// The records of `table` stored under these ids, decoded as `T`, in the order asked.
    async fn get_records<T: Decode + Send + 'static>(
        &self,
        table: TableDefinition<'static, &'static str, &'static [u8]>,
        ids: &[impl ToString],
    ) -> Result<Vec<Option<T>>, StoreError> {
        let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
        self.read(move |txn, _| get_records(txn, table, &keys)).await
    }
}

#[async_trait]
impl GraphRead for EmbeddedView {
    fn backend(&self) -> &'static str {
        BACKEND
    }

    async fn nodes(&self, ids: &[NodeId]) -> Result<Vec<Option<NodeRecord>>, StoreError> {
        self.get_records(NODES, ids).await
    }

    /// From the topology's names when it was built from this state, else the records' starts.
    async fn node_names(&self, ids: &[NodeId]) -> Result<Vec<Option<NodeNames>>, StoreError> {
        if let Some(topology) = &self.topology {
            return topology.names(ids);
        }
        self.get_records(NODES, ids).await
    }

    async fn edges(&self, ids: &[EdgeId]) -> Result<Vec<Option<EdgeRecord>>, StoreError> {
        self.get_records(EDGES, ids).await
    }

    async fn expand_page(
        &self,
        frontier: &[NodeId],
        filter: &EdgeFilter,
        after: Option<&EdgeId>,
        limit: usize,
    ) -> Result<Vec<EdgeLink>, StoreError> {
        let frontier = frontier.to_vec();
        let filter = filter.clone();
        let after = after.cloned();
        self.read(move |txn, topology| match topology {
            Some(topology) => topology.expand(&frontier, &filter, after.as_ref(), limit),
            None => expand::expand(txn, &frontier, &filter, after.as_ref().map(EdgeId::as_str), limit),
        })
        .await
    }

    async fn degrees(&self, ids: &[NodeId]) -> Result<Vec<u64>, StoreError> {
        let ids = ids.to_vec();
        self.read(move |txn, topology| {
            if let Some(topology) = topology {
                return Ok(topology.degrees(&ids));
            }
            let degree = txn.open_table(DEGREE).map_err(backend_error)?;
            ids.iter().map(|id| Ok(degree.get(id.as_str()).map_err(backend_error)?.map_or(0, |value| value.value()))).collect()
        })
        .await
    }

    async fn find_by_term(&self, term: &str, prefix: bool, limit: usize) -> Result<Vec<NodeId>, StoreError> {
        let term = term.to_owned();
        self.read(move |txn, _| {
            let terms = txn.open_multimap_table(TERMS).map_err(backend_error)?;
            let mut seen: IdSet<NodeId> = IdSet::default();
            let mut ids = Vec::new();
            'terms: for entry in terms.range::<&str>(term.as_str()..).map_err(backend_error)? {
                let (key, values) = entry.map_err(backend_error)?;
                let key = key.value();
                let matches = if prefix { key.starts_with(term.as_str()) } else { key == term };
                if !matches {
                    break;
                }
                for value in values {
                    let value = value.map_err(backend_error)?;
                    let id = value.value();
                    let id = NodeId::parse(id).map_err(|err| StoreError::Corrupt { key: id.to_owned(), reason: err.to_string() })?;
                    if seen.insert(id.clone()) {
                        ids.push(id);
                        if ids.len() >= limit {
                            break 'terms;
                        }
                    }
                }
            }
            Ok(ids)
        })
        .await
    }

    async fn scan_nodes(&self, kind: Option<NodeKind>, after: Option<&NodeId>, limit: usize) -> Result<Vec<NodeRecord>, StoreError> {
        let after = after.map(ToString::to_string);
        self.read(move |txn, _| {
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
        self.read(move |txn, _| {
            let lower = after.as_deref().map_or(Bound::Unbounded, Bound::Excluded);
            scan_records(txn, EDGES, lower, Bound::Unbounded, limit)
        })
        .await
    }

    async fn stats(&self) -> Result<StoreStats, StoreError> {
        self.read(|txn, _| {
            let nodes = txn.open_table(NODES).map_err(backend_error)?.len().map_err(backend_error)?;
            let edges = txn.open_table(EDGES).map_err(backend_error)?.len().map_err(backend_error)?;
            Ok(StoreStats { nodes, edges })
        })
        .await
    }

    /// The generation the view's transaction sees (`index.rs`): every commit bumps it.
    async fn data_version(&self) -> Result<Option<u64>, StoreError> {
        Ok(Some(self.generation))
    }

    /// The in-memory topology, when it was built from the view's state.
    async fn ranked(&self) -> Result<Option<Arc<dyn RankedTopology>>, StoreError> {
        Ok(self.topology.clone().map(|topology| topology as Arc<dyn RankedTopology>))
    }

    async fn versions(&self, subjects: &[Subject]) -> Result<Vec<u64>, StoreError> {
        let subjects = subjects.to_vec();
        self.read(move |txn, _| curation::versions(txn, &subjects)).await
    }

    async fn changes(&self, after: u64, limit: usize) -> Result<Vec<Change>, StoreError> {
        self.read(move |txn, _| curation::changes(txn, after, limit)).await
    }

    async fn history(&self, subject: &Subject, after: u64, limit: usize) -> Result<Vec<Change>, StoreError> {
        let subject = subject.clone();
        self.read(move |txn, _| curation::history(txn, &subject, after, limit)).await
    }

    async fn last_change(&self) -> Result<u64, StoreError> {
        self.read(|txn, _| curation::last_change(txn)).await
    }
}

fn get_records<T: Decode>(
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

fn scan_records<T: Decode>(
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
