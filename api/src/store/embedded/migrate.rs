//! Upgrades a store written by an earlier build, in place, when it is opened.
//!
//! Format 2 kept node and edge records as JSON; format 3 keeps them in the binary form of `codec.rs`.
//! Every other table is unchanged. The upgrade rewrites both record tables and the format mark in one
//! write transaction, so a store is either wholly format 2 or wholly format 3, whatever interrupts it.
//! It also bumps the generation, so no topology snapshot of the old state is ever trusted.

use std::ops::Bound;

use partnergraph_schema::{EdgeRecord, NodeRecord};
use redb::{ReadableTable, TableDefinition, WriteTransaction};
use serde::de::DeserializeOwned;

use crate::store::StoreError;
use crate::store::codec::Encode;
use crate::store::embedded::{EDGES, NODES, backend_error, index};

/// Records rewritten per step (each step reads a chunk, then writes it back).
const CHUNK: usize = 10_000;

/// Rewrites the records of a format-2 store in format 3 inside `txn` (the caller sets the format mark
/// and commits); returns how many nodes and edges were rewritten.
pub(crate) fn from_format_2(txn: &WriteTransaction) -> Result<(u64, u64), StoreError> {
    let nodes = reencode::<NodeRecord>(txn, NODES)?;
    let edges = reencode::<EdgeRecord>(txn, EDGES)?;
    index::bump_generation(txn)?;
    Ok((nodes, edges))
}

fn reencode<T: DeserializeOwned + Encode>(txn: &WriteTransaction, definition: TableDefinition<&str, &[u8]>) -> Result<u64, StoreError> {
    let mut table = txn.open_table(definition).map_err(backend_error)?;
    let mut after: Option<String> = None;
    let mut count = 0;
    loop {
        let lower = after.as_deref().map_or(Bound::Unbounded, Bound::Excluded);
        let chunk = table
            .range::<&str>((lower, Bound::Unbounded))
            .map_err(backend_error)?
            .take(CHUNK)
            .map(|entry| {
                let (key, value) = entry.map_err(backend_error)?;
                let record: T = serde_json::from_slice(value.value())
                    .map_err(|err| StoreError::Corrupt { key: key.value().to_owned(), reason: format!("format 2 record: {err}") })?;
                Ok((key.value().to_owned(), record.encode()))
            })
            .collect::<Result<Vec<(String, Vec<u8>)>, StoreError>>()?;
        let Some((last, _)) = chunk.last() else { break };
        after = Some(last.clone());
        for (key, bytes) in &chunk {
            table.insert(key.as_str(), bytes.as_slice()).map_err(backend_error)?;
        }
        count += chunk.len() as u64;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use partnergraph_schema::{EdgeRecord, NodeRecord};
    use redb::{Builder, ConcurrencyMode, Database, ReadableDatabase, ReadableTable};

    use crate::store::embedded::{EDGES, EmbeddedStore, FILE_NAME, IndexMode, META, NODES, decode, index};
    use crate::store::{GraphRead, StoreError};

    fn raw(dir: &std::path::Path) -> Database {
        let mut builder = Builder::new();
        builder.set_concurrency_mode(ConcurrencyMode::MultiWriter);
        builder.create(dir.join(FILE_NAME)).expect("the database opens")
    }

    async fn everything(store: &EmbeddedStore) -> (Vec<NodeRecord>, Vec<EdgeRecord>) {
        let nodes = store.scan_nodes(None, None, usize::MAX).await.expect("nodes");
        let edges = store.scan_edges(None, usize::MAX).await.expect("edges");
        (nodes, edges)
    }

    /// A seeded store written back as an earlier build kept it: JSON records, format 2.
    async fn format_2_store() -> (tempfile::TempDir, (Vec<NodeRecord>, Vec<EdgeRecord>)) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = EmbeddedStore::open_with(dir.path(), IndexMode::Off).expect("opens");
        crate::io::seed_if_empty(&store).await.expect("seeded");
        let graph = everything(&store).await;
        drop(store);
        let db = raw(dir.path());
        let txn = db.begin_write().expect("write");
        {
            let mut nodes = txn.open_table(NODES).expect("nodes");
            for node in &graph.0 {
                nodes.insert(node.id.as_str(), serde_json::to_vec(node).expect("JSON").as_slice()).expect("insert");
            }
            let mut edges = txn.open_table(EDGES).expect("edges");
            for edge in &graph.1 {
                edges.insert(edge.id.as_str(), serde_json::to_vec(edge).expect("JSON").as_slice()).expect("insert");
            }
            txn.open_table(META).expect("meta").insert("format", "2").expect("insert");
        }
        txn.commit().expect("commit");
        (dir, graph)
    }

    #[tokio::test]
    async fn a_format_2_store_is_upgraded_when_opened_and_reads_the_same() {
        let (dir, graph) = format_2_store().await;
        let generation = index::generation(&raw(dir.path()).begin_read().expect("read")).expect("generation");
        let store = EmbeddedStore::open_with(dir.path(), IndexMode::Off).expect("an upgraded store opens");
        assert!(!graph.0.is_empty() && !graph.1.is_empty());
        assert_eq!(everything(&store).await, graph, "every record reads back as it was");
        drop(store);
        let db = raw(dir.path());
        let txn = db.begin_read().expect("read");
        assert_eq!(
            txn.open_table(META).expect("meta").get("format").expect("get").map(|value| value.value().to_owned()).as_deref(),
            Some("3")
        );
        assert!(index::generation(&txn).expect("generation") > generation, "no snapshot of the old state is trusted");
        for entry in txn.open_table(NODES).expect("nodes").iter().expect("iter") {
            let (key, value) = entry.expect("entry");
            assert!(decode::<NodeRecord>(key.value(), value.value()).is_ok(), "{} is stored in format 3", key.value());
        }
    }

    #[tokio::test]
    async fn a_damaged_format_2_record_fails_the_upgrade_and_changes_nothing() {
        let (dir, _) = format_2_store().await;
        {
            let db = raw(dir.path());
            let txn = db.begin_write().expect("write");
            txn.open_table(EDGES).expect("edges").insert("zz-damaged", b"{not json".as_slice()).expect("insert");
            txn.commit().expect("commit");
        }
        let error = EmbeddedStore::open_with(dir.path(), IndexMode::Off).expect_err("the upgrade fails");
        assert!(matches!(&error, StoreError::Corrupt { key, .. } if key == "zz-damaged"), "{error:?}");
        let db = raw(dir.path());
        let txn = db.begin_read().expect("read");
        assert_eq!(
            txn.open_table(META).expect("meta").get("format").expect("get").map(|value| value.value().to_owned()).as_deref(),
            Some("2")
        );
        let first = txn.open_table(NODES).expect("nodes").first().expect("first").map(|(_, value)| value.value().to_vec()).expect("a node");
        assert_eq!(first.first(), Some(&b'{'), "the records are still the format 2 ones");
    }

    #[test]
    fn an_unknown_format_is_refused() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        drop(EmbeddedStore::open_with(dir.path(), IndexMode::Off).expect("opens"));
        {
            let db = raw(dir.path());
            let txn = db.begin_write().expect("write");
            txn.open_table(META).expect("meta").insert("format", "9").expect("insert");
            txn.commit().expect("commit");
        }
        let error = EmbeddedStore::open_with(dir.path(), IndexMode::Off).expect_err("refused");
        assert!(matches!(&error, StoreError::IncompatibleFormat { found, expected, .. } if found == "9" && expected == "3"), "{error:?}");
    }

    /// A store, or a backup, written before curation (format 3 without the curation tables): the backup
    /// restores, and the store opens with version 1 on its records, no token and no change yet.
    #[tokio::test]
    async fn a_backup_from_before_curation_restores_and_opens() {
        use crate::store::embedded::curation::{CHANGES, EDGE_VERSIONS, HISTORY, NODE_VERSIONS, TOKENS};
        use crate::store::{GraphStore, Subject};
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = EmbeddedStore::open_with(dir.path(), IndexMode::Off).expect("opens");
        crate::io::seed_if_empty(&store).await.expect("seeded");
        drop(store);
        let backup = tempfile::tempdir().expect("a temporary directory");
        EmbeddedStore::backup(dir.path(), backup.path()).expect("backed up");
        for old in [dir.path(), backup.path()] {
            let db = raw(old);
            let txn = db.begin_write().expect("write");
            for table in [NODE_VERSIONS, EDGE_VERSIONS] {
                assert!(txn.delete_table(table).expect("delete"));
            }
            assert!(txn.delete_table(TOKENS).expect("delete"));
            assert!(txn.delete_table(CHANGES).expect("delete"));
            assert!(txn.delete_table(HISTORY).expect("delete"));
            txn.commit().expect("commit");
        }
        let restored = tempfile::tempdir().expect("a temporary directory");
        EmbeddedStore::restore(restored.path(), backup.path(), false).expect("an old backup restores");
        for path in [dir.path(), restored.path()] {
            let store = EmbeddedStore::open_with(path, IndexMode::Off).expect("opens, gaining the tables");
            let undp = Subject::Node(partnergraph_schema::NodeId::parse("agency:undp").expect("id"));
            assert_eq!(store.versions(&[undp]).await.expect("versions"), [1]);
            assert_eq!(store.last_change().await.expect("changes"), 0);
            assert!(store.tokens().await.expect("tokens").is_empty());
        }
    }
}
