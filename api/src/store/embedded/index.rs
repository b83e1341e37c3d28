//! When the in-memory [`Topology`] may answer, and when it is (re)built.
//!
//! Every write transaction bumps `generation` in the `meta` table (in the same commit). A read opens its
//! transaction, reads the generation it sees, and uses the topology only if it was built from exactly that
//! generation; otherwise it answers from the tables (`expand.rs`, the `degree` table), which are always
//! right, and asks for a rebuild. So a reader never mixes two states, and a commit by another process
//! (`partnergraph import` beside `serve`) is noticed on the next read.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use redb::{Database, ReadTransaction, ReadableDatabase, ReadableTable, WriteTransaction};

use crate::store::StoreError;
use crate::store::embedded::snapshot;
use crate::store::embedded::topology::Topology;
use crate::store::embedded::{META, backend_error};

/// The `meta` key holding the number of committed writes.
const GENERATION: &str = "generation";
/// The `meta` key holding a random id of this store, made when the store is created (it tells the
/// snapshot of this store from one left by a store that was deleted and created again).
pub(crate) const STORE_ID: &str = "store_id";

/// Whether and how the embedded store keeps its topology in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IndexMode {
    /// Never: every read goes to the tables (batch commands such as `import` and `export`).
    Off,
    /// Built on a background thread at open and after each commit; reads use the tables until it is
    /// fresh. The server's mode: ready at once, and fast once built.
    #[default]
    Background,
    /// Built before the read that needs it, so every read uses it (tests, benchmarks, small graphs).
    Blocking,
}

/// A number kept as text in the `meta` table, if present and readable.
fn meta_number(meta: &impl ReadableTable<&'static str, &'static str>, key: &str) -> Result<Option<u64>, StoreError> {
    Ok(meta.get(key).map_err(backend_error)?.and_then(|value| value.value().parse().ok()))
}

/// The generation a transaction sees (0 for a store never written since generations began).
pub(crate) fn generation(txn: &ReadTransaction) -> Result<u64, StoreError> {
    Ok(meta_number(&txn.open_table(META).map_err(backend_error)?, GENERATION)?.unwrap_or(0))
}

/// This store's random id, made on first call (inside the store's first write transaction).
pub(crate) fn store_id(txn: &WriteTransaction) -> Result<u64, StoreError> {
    use std::hash::{BuildHasher, Hasher};
    let mut meta = txn.open_table(META).map_err(backend_error)?;
    if let Some(id) = meta_number(&meta, STORE_ID)? {
        return Ok(id);
    }
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_nanos()));
    hasher.write_u32(std::process::id());
    let id = hasher.finish();
    meta.insert(STORE_ID, id.to_string().as_str()).map_err(backend_error)?;
    Ok(id)
}

/// Bumps the generation inside a write transaction (called once per commit).
pub(crate) fn bump_generation(txn: &WriteTransaction) -> Result<(), StoreError> {
    let mut meta = txn.open_table(META).map_err(backend_error)?;
    let current = meta_number(&meta, GENERATION)?.unwrap_or(0);
    meta.insert(GENERATION, (current + 1).to_string().as_str()).map_err(backend_error)?;
    Ok(())
}

/// Commits `txn` as a new generation of the data and starts building the topology of that generation:
/// how every write of the store ends, whether one batch or a streamed import's blocks.
pub(crate) fn commit_generation(db: &Arc<Database>, index: &Arc<TopologyIndex>, txn: WriteTransaction) -> Result<(), StoreError> {
    bump_generation(&txn)?;
    txn.commit().map_err(backend_error)?;
    index.start_build(db);
    Ok(())
}

/// The current topology, if any, and the machinery that rebuilds it.
pub(crate) struct TopologyIndex {
    mode: IndexMode,
    /// Where the snapshot is kept (background mode only), and the store it belongs to.
    snapshot: Option<(PathBuf, u64)>,
    current: RwLock<Option<Arc<Topology>>>,
    building: AtomicBool,
    /// 1 + the generation whose build failed (0: none), so a failing build is not retried per read.
    failed: AtomicU64,
    /// Serialises blocking builds, so concurrent readers build once.
    build_lock: Mutex<()>,
}

impl TopologyIndex {
    /// An index kept as `mode` says; in background mode, `snapshot` names the data directory and the
    /// store id, and a snapshot of the committed state is loaded at once if there is one.
    pub(crate) fn new(mode: IndexMode, snapshot: Option<(PathBuf, u64)>, db: &Database) -> Result<TopologyIndex, StoreError> {
        let snapshot = snapshot.filter(|_| mode == IndexMode::Background);
        let index = TopologyIndex {
            mode,
            snapshot,
            current: RwLock::new(None),
            building: AtomicBool::new(false),
            failed: AtomicU64::new(0),
            build_lock: Mutex::new(()),
        };
        if let Some((dir, store_id)) = &index.snapshot {
            let started = Instant::now();
            let generation = generation(&db.begin_read().map_err(backend_error)?)?;
            match snapshot::load(dir, *store_id, generation) {
                Ok(Some(topology)) => {
                    tracing::info!(generation, seconds = started.elapsed().as_secs_f64(), "in-memory topology loaded from its snapshot");
                    index.install(topology);
                }
                Ok(None) => tracing::info!("no topology snapshot yet; the in-memory topology is built from the tables"),
                Err(reason) => {
                    let file = snapshot::path(dir);
                    tracing::warn!(file = %file.display(), "topology snapshot not used ({reason}); the in-memory topology is rebuilt from the tables");
                }
            }
        }
        Ok(index)
    }

    fn current(&self) -> Option<Arc<Topology>> {
        self.current.read().map_or(None, |current| current.clone())
    }

    fn install(&self, topology: Topology) {
        if let Ok(mut current) = self.current.write()
            && current.as_ref().is_none_or(|old| old.generation <= topology.generation)
        {
            *current = Some(Arc::new(topology));
        }
    }

    /// Drops a topology older than `generation`, so two never sit in memory at once.
    fn forget_older_than(&self, generation: u64) {
        if let Ok(mut current) = self.current.write()
            && current.as_ref().is_some_and(|old| old.generation < generation)
        {
            *current = None;
        }
    }

    /// The topology built from the state `txn` sees, if there is one (or, in blocking mode, after
    /// building it). Otherwise the caller reads the tables.
    pub(crate) fn fresh(self: &Arc<Self>, db: &Arc<Database>, txn: &ReadTransaction) -> Result<Option<Arc<Topology>>, StoreError> {
        if self.mode == IndexMode::Off {
            return Ok(None);
        }
        let generation = generation(txn)?;
        if let Some(topology) = self.current().filter(|topology| topology.generation == generation) {
            return Ok(Some(topology));
        }
        self.forget_older_than(generation);
        match self.mode {
            IndexMode::Off => Ok(None),
            IndexMode::Blocking => {
                let _guard = self
                    .build_lock
                    .lock()
                    .map_err(|_| StoreError::Backend { backend: "embedded", reason: "index lock poisoned".into() })?;
                if let Some(topology) = self.current().filter(|topology| topology.generation == generation) {
                    return Ok(Some(topology));
                }
                let topology = Topology::build(txn, generation)?;
                self.install(topology);
                Ok(self.current().filter(|topology| topology.generation == generation))
            }
            IndexMode::Background => {
                if self.failed.load(Ordering::Acquire) != generation + 1 {
                    self.start_build(db);
                }
                Ok(None)
            }
        }
    }

    /// Whether the current topology was built from the state `txn` sees.
    pub(crate) fn is_fresh(&self, txn: &ReadTransaction) -> Result<bool, StoreError> {
        let generation = generation(txn)?;
        Ok(self.current().is_some_and(|topology| topology.generation == generation))
    }

    /// Starts a background build of the latest committed state unless one is running or the current
    /// topology is already of that state.
    pub(crate) fn start_build(self: &Arc<Self>, db: &Arc<Database>) {
        if self.mode != IndexMode::Background {
            return;
        }
        if let Ok(txn) = db.begin_read()
            && self.is_fresh(&txn).unwrap_or(false)
        {
            return;
        }
        if self.building.swap(true, Ordering::AcqRel) {
            return;
        }
        let (index, db) = (self.clone(), db.clone());
        let spawned = std::thread::Builder::new().name("topology-index".into()).spawn(move || {
            let started = Instant::now();
            let mut seen = 0;
            let built = db.begin_read().map_err(backend_error).and_then(|txn| {
                seen = generation(&txn)?;
                Topology::build(&txn, seen)
            });
            match built {
                Ok(topology) => {
                    tracing::info!(
                        generation = topology.generation,
                        seconds = started.elapsed().as_secs_f64(),
                        mib = topology.heap_bytes() / (1 << 20),
                        "in-memory topology ready"
                    );
                    if let Some((dir, store_id)) = &index.snapshot {
                        let started = Instant::now();
                        match snapshot::save(dir, *store_id, &topology) {
                            Ok(()) => tracing::info!(seconds = started.elapsed().as_secs_f64(), "topology snapshot written"),
                            Err(err) => tracing::warn!(error = %err, "topology snapshot not written; the next start rebuilds it"),
                        }
                    }
                    index.install(topology);
                }
                Err(err) => {
                    index.failed.store(seen + 1, Ordering::Release);
                    tracing::warn!(error = %err, "in-memory topology not built; reads use the tables");
                }
            }
            index.building.store(false, Ordering::Release);
        });
        if spawned.is_err() {
            self.building.store(false, Ordering::Release);
        }
    }
}
