//! Online backup and restore of the embedded store.
//!
//! A backup reads one committed state (a redb read transaction, so an import committing meanwhile is
//! either wholly in it or not at all) and writes it, table by table, into a new store file; it never copies
//! the file's bytes, which a commit beside it could tear. It is written under a temporary name and renamed
//! once committed, so a backup that fails leaves no file that looks like a store.
//!
//! A restore opens the target store exclusively (so it refuses while `serve` or `import` has it open) and
//! replaces every table with the backup's in one write transaction: it happens whole or not at all. The
//! target keeps its store id and moves to a new generation, so no topology snapshot of its old contents is
//! ever taken for the new ones.

use std::path::Path;

use redb::{
    Builder, ConcurrencyMode, MultimapTableDefinition, ReadTransaction, ReadableDatabase, ReadableMultimapTable, ReadableTable,
    ReadableTableMetadata, TableDefinition, WriteTransaction,
};

use crate::store::StoreError;
use crate::store::embedded::{
    ADJACENCY, BATCH_CACHE_BYTES, DEGREE, EDGES, EmbeddedStore, FILE_NAME, FORMAT, META, NODES, TERMS, backend_error, curation, index,
    open_error, snapshot,
};

/// What a backup or a restore copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopySummary {
    /// Node records copied.
    pub nodes: u64,
    /// Edge records copied.
    pub edges: u64,
    /// The source's generation (every commit bumps it) at the state copied.
    pub generation: u64,
}

/// The suffix of a backup being written.
const PARTIAL_SUFFIX: &str = ".partial";

impl EmbeddedStore {
    /// Backs up the store in the data directory `dir` into the directory `dest` ([`Self::backup_to`]);
    /// refuses if `dir` holds no store rather than creating one.
    pub fn backup(dir: &Path, dest: &Path) -> Result<CopySummary, StoreError> {
        let file = dir.join(FILE_NAME);
        if !file.exists() {
            return Err(StoreError::NoStore { path: file.display().to_string() });
        }
        EmbeddedStore::open_with(dir, super::IndexMode::Off)?.backup_to(dest)
    }

    /// Writes one committed state of this store as a new store in the directory `dest` (created if
    /// needed), which must not hold a store yet. Safe while other processes read and write this store.
    pub fn backup_to(&self, dest: &Path) -> Result<CopySummary, StoreError> {
        let target = dest.join(FILE_NAME);
        if target.exists() {
            return Err(StoreError::BackupExists { path: target.display().to_string() });
        }
        std::fs::create_dir_all(dest).map_err(|err| io_error(dest, &err))?;
        let partial = dest.join(format!("{FILE_NAME}{PARTIAL_SUFFIX}"));
        // A partial file is what a backup that failed or was killed left: never a store, always replaced.
        match std::fs::remove_file(&partial) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(io_error(&partial, &err)),
        }
        let source = self.db.begin_read().map_err(backend_error)?;
        let summary = {
            // Written once, page by page: a small cache keeps the backup's memory small, as for an import.
            let db = Builder::new().set_cache_size(BATCH_CACHE_BYTES).create(&partial).map_err(backend_error)?;
            let txn = db.begin_write().map_err(backend_error)?;
            let summary = copy_tables(&source, &txn)?;
            copy_meta(&source, &txn)?;
            // A backup is another store: its topology snapshots must never be taken for this one's.
            index::store_id(&txn)?;
            txn.commit().map_err(backend_error)?;
            summary
        };
        std::fs::rename(&partial, &target).map_err(|err| io_error(&target, &err))?;
        sync_dir(dest);
        Ok(summary)
    }

    /// Replaces the contents of the store in `dir` with the store in the directory `source` (a backup),
    /// in one transaction. Refuses if another process has the store in `dir` open, and if it holds any
    /// record unless `force`. A zero-length database file in `dir` (a damaged store) is replaced too.
    pub fn restore(dir: &Path, source: &Path, force: bool) -> Result<CopySummary, StoreError> {
        let source_file = source.join(FILE_NAME);
        let source_path = source_file.display().to_string();
        match std::fs::metadata(&source_file) {
            Ok(meta) if meta.len() == 0 => return Err(StoreError::EmptyFile { path: source_path }),
            Ok(_) => {}
            Err(_) => return Err(StoreError::NoStore { path: source_path }),
        }
        let source_db = Builder::new()
            .set_cache_size(BATCH_CACHE_BYTES)
            .set_concurrency_mode(ConcurrencyMode::MultiWriter)
            .open_read_only(&source_file)
            .map_err(|err| open_error(err, &source_path))?;
        let source_txn = source_db.begin_read().map_err(backend_error)?;
        let format =
            source_txn.open_table(META).map_err(backend_error)?.get("format").map_err(backend_error)?.map(|value| value.value().to_owned());
        if format.as_deref() != Some(FORMAT) {
            let found = format.unwrap_or_else(|| "none".to_owned());
            return Err(StoreError::IncompatibleFormat { path: source_path, found, expected: FORMAT.to_owned() });
        }

        std::fs::create_dir_all(dir).map_err(|err| io_error(dir, &err))?;
        let target_file = dir.join(FILE_NAME);
        let target_path = target_file.display().to_string();
        if std::fs::canonicalize(&target_file).ok() == std::fs::canonicalize(&source_file).ok() {
            return Err(StoreError::Backend { backend: super::BACKEND, reason: "a store cannot be restored onto itself".to_owned() });
        }
        // Exclusive: refused while `serve` or `import` (multi-writer handles) has the store open.
        let mut db = Builder::new().set_cache_size(BATCH_CACHE_BYTES).create(&target_file).map_err(|err| open_error(err, &target_path))?;
        super::initialise(&db, &target_file)?;
        let (summary, replaced) = {
            let txn = db.begin_write().map_err(backend_error)?;
            let nodes = txn.open_table(NODES).map_err(backend_error)?.len().map_err(backend_error)?;
            let edges = txn.open_table(EDGES).map_err(backend_error)?.len().map_err(backend_error)?;
            let replaced = nodes > 0 || edges > 0;
            if replaced && !force {
                return Err(StoreError::RestoreOverData { path: target_path, nodes, edges });
            }
            txn.delete_table(NODES).map_err(backend_error)?;
            txn.delete_table(EDGES).map_err(backend_error)?;
            txn.delete_table(ADJACENCY).map_err(backend_error)?;
            txn.delete_table(DEGREE).map_err(backend_error)?;
            txn.delete_multimap_table(TERMS).map_err(backend_error)?;
            for table in [curation::NODE_VERSIONS, curation::EDGE_VERSIONS] {
                txn.delete_table(table).map_err(backend_error)?;
            }
            txn.delete_table(curation::CHANGES).map_err(backend_error)?;
            txn.delete_table(curation::HISTORY).map_err(backend_error)?;
            txn.delete_table(curation::TOKENS).map_err(backend_error)?;
            let summary = copy_tables(&source_txn, &txn)?;
            index::bump_generation(&txn)?;
            txn.commit().map_err(backend_error)?;
            (summary, replaced)
        };
        // The old contents' snapshot: its generation no longer matches, but it is dead weight.
        let _ = std::fs::remove_file(snapshot::path(dir));
        if replaced {
            super::compact(&mut db, "restore");
        }
        Ok(summary)
    }
}

/// Copies every record table (not `meta`) from `from` into the empty tables of `to`.
fn copy_tables(from: &ReadTransaction, to: &WriteTransaction) -> Result<CopySummary, StoreError> {
    let nodes = copy_table(from, to, NODES)?;
    let edges = copy_table(from, to, EDGES)?;
    copy_table(from, to, ADJACENCY)?;
    copy_table(from, to, DEGREE)?;
    copy_multimap(from, to, TERMS)?;
    // A store no build with curation has opened yet has none of these tables: nothing to copy.
    copy_optional(from, to, curation::NODE_VERSIONS)?;
    copy_optional(from, to, curation::EDGE_VERSIONS)?;
    copy_optional(from, to, curation::CHANGES)?;
    copy_optional(from, to, curation::HISTORY)?;
    copy_optional(from, to, curation::TOKENS)?;
    Ok(CopySummary { nodes, edges, generation: index::generation(from)? })
}

/// Copies `meta` except the store id.
fn copy_meta(from: &ReadTransaction, to: &WriteTransaction) -> Result<(), StoreError> {
    let source = from.open_table(META).map_err(backend_error)?;
    let mut target = to.open_table(META).map_err(backend_error)?;
    for entry in source.iter().map_err(backend_error)? {
        let (key, value) = entry.map_err(backend_error)?;
        if key.value() != index::STORE_ID {
            target.insert(key.value(), value.value()).map_err(backend_error)?;
        }
    }
    Ok(())
}

/// [`copy_table`] for a table the source may not have.
fn copy_optional<K: redb::Key + 'static, V: redb::Value + 'static>(
    from: &ReadTransaction,
    to: &WriteTransaction,
    table: TableDefinition<K, V>,
) -> Result<u64, StoreError> {
    match from.open_table(table) {
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(0),
        _ => copy_table(from, to, table),
    }
}

fn copy_table<K: redb::Key + 'static, V: redb::Value + 'static>(
    from: &ReadTransaction,
    to: &WriteTransaction,
    table: TableDefinition<K, V>,
) -> Result<u64, StoreError> {
    let source = from.open_table(table).map_err(backend_error)?;
    let mut target = to.open_table(table).map_err(backend_error)?;
    let mut count = 0;
    for entry in source.iter().map_err(backend_error)? {
        let (key, value) = entry.map_err(backend_error)?;
        target.insert(key.value(), value.value()).map_err(backend_error)?;
        count += 1;
    }
    Ok(count)
}

fn copy_multimap(from: &ReadTransaction, to: &WriteTransaction, table: MultimapTableDefinition<&str, &str>) -> Result<(), StoreError> {
    let source = from.open_multimap_table(table).map_err(backend_error)?;
    let mut target = to.open_multimap_table(table).map_err(backend_error)?;
    for entry in source.iter().map_err(backend_error)? {
        let (key, values) = entry.map_err(backend_error)?;
        for value in values {
            target.insert(key.value(), value.map_err(backend_error)?.value()).map_err(backend_error)?;
        }
    }
    Ok(())
}

fn io_error(path: &Path, err: &std::io::Error) -> StoreError {
    StoreError::Backend { backend: super::BACKEND, reason: format!("{}: {err}", path.display()) }
}

/// Makes a rename in `dir` durable; a failure only weakens that, so it is ignored.
fn sync_dir(dir: &Path) {
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
}
