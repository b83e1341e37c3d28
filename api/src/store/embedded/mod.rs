//! The embedded, durable store: one redb file in the data directory, no server.
//!
//! Layout (format 3; `migrate.rs` upgrades format 2 when it is opened):
//! - `nodes`: node id → record; `edges`: edge id → record, in the binary form of `store/codec.rs`. Ids carry
//!   their kind as a prefix, so a scan of one kind is a key range and needs no separate index.
//! - `adjacency`: (node id, edge type, edge id) → (), both ends of every edge. A node's edges of one type
//!   are one key range in id order, so a typed expansion never reads other types and a page of a hub's
//!   edges costs the page, not the hub's degree (`expand.rs` merges the ranges).
//! - `degree`: node id → number of edges touching it.
//! - `terms` (multimap): search term → node ids (`partnergraph_schema::text::index_terms`).
//! - `meta`: `format` → layout version.
//!
//! Every write is one redb transaction, committed with immediate durability (fsync), so a kill -9 loses
//! nothing that was committed and never leaves half a batch. The file is opened in redb's multi-writer
//! mode, so `partnergraph import` can write while `partnergraph serve` reads the same directory; readers
//! see each commit as a whole. Blocking redb calls run on tokio's blocking pool.

mod backup;
mod curation;
mod expand;
mod index;
mod migrate;
mod runs;
mod snapshot;
mod terms;
mod topology;
mod view;
mod write;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use partnergraph_schema::text::NodeNames;
use partnergraph_schema::{EdgeId, EdgeLink, EdgeRecord, NodeId, NodeKind, NodeRecord};
use redb::{Builder, ConcurrencyMode, Database, MultimapTableDefinition, ReadableDatabase, ReadableTable, TableDefinition};

use crate::store::cancel::{self, Cancel};
use crate::store::codec::Decode;
use crate::store::embedded::index::TopologyIndex;
use crate::store::embedded::view::EmbeddedView;
use crate::store::inline;
use crate::store::{
    Batch, Change, EdgeFilter, GraphRead, GraphStore, RankedTopology, Staged, StagedWriter, StoreError, StoreStats, Subject, TokenRecord,
    WriteSummary,
};

pub use backup::CopySummary;
pub use index::IndexMode;

pub(crate) const NODES: TableDefinition<&str, &[u8]> = TableDefinition::new("nodes");
pub(crate) const EDGES: TableDefinition<&str, &[u8]> = TableDefinition::new("edges");
pub(crate) const ADJACENCY: TableDefinition<(&str, u8, &str), ()> = TableDefinition::new("adjacency");
pub(crate) const DEGREE: TableDefinition<&str, u64> = TableDefinition::new("degree");
pub(crate) const TERMS: MultimapTableDefinition<&str, &str> = MultimapTableDefinition::new("terms");
pub(crate) const META: TableDefinition<&str, &str> = TableDefinition::new("meta");

/// The on-disk layout this build reads and writes.
const FORMAT: &str = "3";
/// The older layout this build upgrades when it opens it (`migrate.rs`).
const UPGRADABLE_FORMAT: &str = "2";
/// Compaction passes after an upgrade (each pass moves what it can; one or two usually suffice).
const MAX_COMPACTION_PASSES: usize = 8;
/// redb's page cache (for reads and a write transaction's buffer alike) when serving: the node records a
/// query reads stay cached. With the topology in memory, 256 MiB serves 1M nodes as fast as redb's default
/// of 1 GiB (BENCHMARKS.md, round 4).
const SERVING_CACHE_BYTES: usize = 256 << 20;
/// The same for batch commands (`import`, `export`), which pass over each page about once: at 1M nodes /
/// 5M edges an import peaks 0.12 GiB lower than with the serving cache, and takes as long (round 5).
const BATCH_CACHE_BYTES: usize = 64 << 20;
/// The database file inside the data directory.
const FILE_NAME: &str = "partnergraph.redb";
pub(crate) const BACKEND: &str = "embedded";

/// A graph store in one redb file.
#[derive(Clone)]
pub struct EmbeddedStore {
    db: Arc<Database>,
    path: PathBuf,
    index: Arc<TopologyIndex>,
}

impl std::fmt::Debug for EmbeddedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedStore").field("path", &self.path).finish()
    }
}

pub(crate) fn backend_error(err: impl Into<redb::Error>) -> StoreError {
    StoreError::Backend { backend: BACKEND, reason: err.into().to_string() }
}

/// The error for a database file that cannot be opened: [`StoreError::Locked`] if another process holds it.
pub(crate) fn open_error(err: redb::DatabaseError, path: &str) -> StoreError {
    match err {
        redb::DatabaseError::DatabaseAlreadyOpen | redb::DatabaseError::LockProtocolMismatch => {
            StoreError::Locked { path: path.to_owned() }
        }
        other => backend_error(other),
    }
}

/// Reads the record stored under `key` (`codec.rs`).
pub(crate) fn decode<T: Decode>(key: &str, bytes: &[u8]) -> Result<T, StoreError> {
    T::decode(key, bytes)
}

impl EmbeddedStore {
    /// Opens the store in `dir`, creating the directory and an empty store if needed, and starts building
    /// the in-memory topology in the background ([`IndexMode::Background`]).
    pub fn open(dir: &Path) -> Result<EmbeddedStore, StoreError> {
        EmbeddedStore::open_with(dir, IndexMode::Background)
    }

    /// Opens the store in `dir` with the in-memory topology kept as `mode` says.
    pub fn open_with(dir: &Path, mode: IndexMode) -> Result<EmbeddedStore, StoreError> {
        std::fs::create_dir_all(dir).map_err(|err| StoreError::Backend {
            backend: BACKEND,
            reason: format!("cannot create data directory {}: {err}", dir.display()),
        })?;
        let path = dir.join(FILE_NAME);
        let display = path.display().to_string();
        if std::fs::metadata(&path).is_ok_and(|meta| meta.len() == 0) {
            // redb would take a zero-length file for a new database and write an empty store over it.
            return Err(StoreError::EmptyFile { path: display });
        }
        let mut builder = Builder::new();
        builder.set_concurrency_mode(ConcurrencyMode::MultiWriter);
        // A server's hot structure lives in the topology, and an import's dirty pages are flushed as the
        // cache fills: redb's default of 1 GiB only added to the peak RSS.
        builder.set_cache_size(if mode == IndexMode::Off { BATCH_CACHE_BYTES } else { SERVING_CACHE_BYTES });
        let mut db = builder.create(&path).map_err(|err| open_error(err, &display))?;
        let (store_id, upgraded) = initialise(&db, &path)?;
        if upgraded {
            compact(&mut db, "upgrade");
        }
        let index = TopologyIndex::new(mode, Some((dir.to_path_buf(), store_id)), &db)?;
        let store = EmbeddedStore { db: Arc::new(db), path, index: Arc::new(index) };
        store.index.start_build(&store.db);
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether reads are answered from an in-memory topology of the latest committed state.
    pub fn topology_is_fresh(&self) -> Result<bool, StoreError> {
        let txn = self.db.begin_read().map_err(backend_error)?;
        self.index.is_fresh(&txn)
    }

    /// A view of the latest committed state: a read transaction and, when it was built from that state, the
    /// in-memory topology (opened on the blocking pool).
    async fn view(&self) -> Result<EmbeddedView, StoreError> {
        let (db, index) = (self.db.clone(), self.index.clone());
        let cancel = Cancel::current();
        let open = move || {
            cancel::check(cancel.as_ref())?;
            let txn = db.begin_read().map_err(backend_error)?;
            let topology = index.fresh(&db, &txn)?;
            EmbeddedView::new(txn, topology)
        };
        if inline::active() {
            return open();
        }
        tokio::task::spawn_blocking(open)
            .await
            .map_err(|err| StoreError::Backend { backend: BACKEND, reason: format!("read task failed: {err}") })?
    }

    /// Runs `write` in one write transaction on the blocking pool and commits it with a new generation.
    async fn write(
        &self,
        write: impl FnOnce(&redb::WriteTransaction) -> Result<WriteSummary, StoreError> + Send + 'static,
    ) -> Result<WriteSummary, StoreError> {
        let (db, index) = (self.db.clone(), self.index.clone());
        tokio::task::spawn_blocking(move || {
            let txn = db.begin_write().map_err(backend_error)?;
            let summary = write(&txn)?;
            index::commit_generation(&db, &index, txn)?;
            Ok(summary)
        })
        .await
        .map_err(|err| StoreError::Backend { backend: BACKEND, reason: format!("write task failed: {err}") })?
    }
}

/// Gives back the space an upgrade or a restore freed (each rewrote every record); `after` says which. A
/// failure costs only disk space, so it is logged and the store opens all the same.
fn compact(db: &mut Database, after: &str) {
    let started = std::time::Instant::now();
    for _ in 0..MAX_COMPACTION_PASSES {
        match db.compact() {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                tracing::warn!(%err, "could not compact the store after its {after}; it works, and takes more disk than it needs");
                return;
            }
        }
    }
    tracing::info!(seconds = started.elapsed().as_secs_f64(), "store compacted after its {after}");
}

/// Creates the tables on first open, checks the format version (upgrading an older one), and returns the
/// store's id and whether it was upgraded.
fn initialise(db: &Database, path: &Path) -> Result<(u64, bool), StoreError> {
    let txn = db.begin_write().map_err(backend_error)?;
    let found = {
        let mut meta = txn.open_table(META).map_err(backend_error)?;
        let found = meta.get("format").map_err(backend_error)?.map(|value| value.value().to_owned());
        match found.as_deref() {
            None => {
                meta.insert("format", FORMAT).map_err(backend_error)?;
            }
            Some(FORMAT | UPGRADABLE_FORMAT) => {}
            Some(other) => {
                let (path, found, expected) = (path.display().to_string(), other.to_owned(), FORMAT.to_owned());
                return Err(StoreError::IncompatibleFormat { path, found, expected });
            }
        }
        txn.open_table(NODES).map_err(backend_error)?;
        txn.open_table(EDGES).map_err(backend_error)?;
        txn.open_table(ADJACENCY).map_err(backend_error)?;
        txn.open_table(DEGREE).map_err(backend_error)?;
        txn.open_multimap_table(TERMS).map_err(backend_error)?;
        curation::create_tables(&txn)?;
        found
    };
    if found.as_deref() == Some(UPGRADABLE_FORMAT) {
        let started = std::time::Instant::now();
        tracing::info!(path = %path.display(), "upgrading the store from format {UPGRADABLE_FORMAT} to {FORMAT}");
        let (nodes, edges) = migrate::from_format_2(&txn)?;
        txn.open_table(META).map_err(backend_error)?.insert("format", FORMAT).map_err(backend_error)?;
        tracing::info!(nodes, edges, seconds = started.elapsed().as_secs_f64(), "store upgraded to format {FORMAT}");
    }
    let store_id = index::store_id(&txn)?;
    txn.commit().map_err(backend_error)?;
    Ok((store_id, found.as_deref() == Some(UPGRADABLE_FORMAT)))
}

#[async_trait]
impl GraphRead for EmbeddedStore {
    fn backend(&self) -> &'static str {
        BACKEND
    }

    async fn nodes(&self, ids: &[NodeId]) -> Result<Vec<Option<NodeRecord>>, StoreError> {
        self.view().await?.nodes(ids).await
    }

    async fn node_names(&self, ids: &[NodeId]) -> Result<Vec<Option<NodeNames>>, StoreError> {
        self.view().await?.node_names(ids).await
    }

    async fn edges(&self, ids: &[EdgeId]) -> Result<Vec<Option<EdgeRecord>>, StoreError> {
        self.view().await?.edges(ids).await
    }

    async fn expand_page(
        &self,
        frontier: &[NodeId],
        filter: &EdgeFilter,
        after: Option<&EdgeId>,
        limit: usize,
    ) -> Result<Vec<EdgeLink>, StoreError> {
        self.view().await?.expand_page(frontier, filter, after, limit).await
    }

    async fn degrees(&self, ids: &[NodeId]) -> Result<Vec<u64>, StoreError> {
        self.view().await?.degrees(ids).await
    }

    async fn find_by_term(&self, term: &str, prefix: bool, limit: usize) -> Result<Vec<NodeId>, StoreError> {
        self.view().await?.find_by_term(term, prefix, limit).await
    }

    async fn scan_nodes(&self, kind: Option<NodeKind>, after: Option<&NodeId>, limit: usize) -> Result<Vec<NodeRecord>, StoreError> {
        self.view().await?.scan_nodes(kind, after, limit).await
    }

    async fn scan_edges(&self, after: Option<&EdgeId>, limit: usize) -> Result<Vec<EdgeRecord>, StoreError> {
        self.view().await?.scan_edges(after, limit).await
    }

    async fn stats(&self) -> Result<StoreStats, StoreError> {
        self.view().await?.stats().await
    }

    /// The generation every commit bumps (`index.rs`), read in a transaction of its own, so a write by
    /// another process (`partnergraph import` beside `serve`) changes it too.
    async fn data_version(&self) -> Result<Option<u64>, StoreError> {
        self.view().await?.data_version().await
    }

    async fn ranked(&self) -> Result<Option<Arc<dyn RankedTopology>>, StoreError> {
        self.view().await?.ranked().await
    }

    async fn versions(&self, subjects: &[Subject]) -> Result<Vec<u64>, StoreError> {
        self.view().await?.versions(subjects).await
    }

    async fn changes(&self, after: u64, limit: usize) -> Result<Vec<Change>, StoreError> {
        self.view().await?.changes(after, limit).await
    }

    async fn history(&self, subject: &Subject, after: u64, limit: usize) -> Result<Vec<Change>, StoreError> {
        self.view().await?.history(subject, after, limit).await
    }

    async fn last_change(&self) -> Result<u64, StoreError> {
        self.view().await?.last_change().await
    }
}

#[async_trait]
impl GraphStore for EmbeddedStore {
    async fn snapshot(&self) -> Result<Arc<dyn GraphRead>, StoreError> {
        Ok(Arc::new(self.view().await?))
    }

    async fn apply(&self, batch: Batch) -> Result<WriteSummary, StoreError> {
        self.write(move |txn| write::write_batch(txn, batch)).await
    }

    async fn apply_staged(&self, staged: Staged) -> Result<WriteSummary, StoreError> {
        self.write(move |txn| write::write_staged(txn, staged)).await
    }

    fn begin_staged(&self) -> Result<Option<Box<dyn StagedWriter>>, StoreError> {
        let writer = write::stream::StreamWriter::begin(self.db.clone(), self.index.clone())?;
        Ok(Some(Box::new(writer)))
    }

    async fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        let db = self.db.clone();
        blocking(move || curation::tokens(&db.begin_read().map_err(backend_error)?)).await
    }

    /// In a transaction of its own that leaves the generation alone: the graph did not change.
    async fn save_token(&self, token: TokenRecord, create: bool) -> Result<(), StoreError> {
        let db = self.db.clone();
        blocking(move || {
            let txn = db.begin_write().map_err(backend_error)?;
            curation::save_token(&txn, &token, create)?;
            txn.commit().map_err(backend_error)
        })
        .await
    }
}

/// Runs `work` on the blocking pool.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> Result<T, StoreError> + Send + 'static) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| StoreError::Backend { backend: BACKEND, reason: format!("store task failed: {err}") })?
}
