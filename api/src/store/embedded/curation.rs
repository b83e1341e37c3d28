//! The embedded store's curation tables (`store/audit.rs` says what they mean): record versions, the audit
//! trail and API tokens.
//!
//! - `node_versions`, `edge_versions`: id → version, for records whose version is not 1 (a record
//!   created by a bulk import has none) and for deleted records (the version they will have if written
//!   again).
//! - `changes`: number → the [`Change`] as JSON; `history`: (node 0 or edge 1, id, number) → (), so a
//!   record's changes are one key range.
//! - `tokens`: name → the [`TokenRecord`] as JSON.
//!
//! Versions move in the write path (`write/mod.rs`): an update or a delete moves a record's entry one
//! on; a creation leaves it (none: version 1; a deleted predecessor's: the version it left for it).
//! Changes are recorded here, in the same transaction.

use partnergraph_schema::wire::Record;
use partnergraph_schema::{EdgeRecord, NodeRecord};
use redb::{ReadTransaction, ReadableTable, Table, TableDefinition, WriteTransaction};

use crate::store::audit::{Audit, Change, Condition, Subject, SubjectKind, TokenRecord, now};
use crate::store::embedded::{ADJACENCY, EDGES, NODES, backend_error, decode};
use crate::store::{Batch, StoreError, WriteSummary};

pub(crate) const NODE_VERSIONS: TableDefinition<&str, u64> = TableDefinition::new("node_versions");
pub(crate) const EDGE_VERSIONS: TableDefinition<&str, u64> = TableDefinition::new("edge_versions");
pub(crate) const CHANGES: TableDefinition<u64, &[u8]> = TableDefinition::new("changes");
pub(crate) const HISTORY: TableDefinition<(u8, &str, u64), ()> = TableDefinition::new("history");
pub(crate) const TOKENS: TableDefinition<&str, &[u8]> = TableDefinition::new("tokens");

/// Creates the curation tables (on open; a store made before them gains them).
pub(crate) fn create_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    txn.open_table(NODE_VERSIONS).map_err(backend_error)?;
    txn.open_table(EDGE_VERSIONS).map_err(backend_error)?;
    txn.open_table(CHANGES).map_err(backend_error)?;
    txn.open_table(HISTORY).map_err(backend_error)?;
    txn.open_table(TOKENS).map_err(backend_error)?;
    Ok(())
}

/// A version table being written.
pub(crate) type Versions<'t> = Table<'t, &'static str, u64>;

/// The version of a record that exists, as its table keeps it (1 when it has no entry).
fn stored_version(versions: &impl ReadableTable<&'static str, u64>, id: &str) -> Result<u64, StoreError> {
    Ok(versions.get(id).map_err(backend_error)?.map_or(1, |value| value.value()))
}

/// A record's content changed: one version more.
pub(crate) fn updated(versions: &mut Versions<'_>, id: &str) -> Result<(), StoreError> {
    let next = stored_version(versions, id)? + 1;
    versions.insert(id, next).map_err(backend_error)?;
    Ok(())
}

/// A record was deleted: its entry now holds the version it takes if written again.
pub(crate) fn deleted(versions: &mut Versions<'_>, id: &str) -> Result<(), StoreError> {
    updated(versions, id)
}

/// The version of each subject in `txn`'s state: 0 for a record that does not exist.
pub(crate) fn versions(txn: &ReadTransaction, subjects: &[Subject]) -> Result<Vec<u64>, StoreError> {
    let (nodes, edges) = (txn.open_table(NODES).map_err(backend_error)?, txn.open_table(EDGES).map_err(backend_error)?);
    let node_versions = txn.open_table(NODE_VERSIONS).map_err(backend_error)?;
    let edge_versions = txn.open_table(EDGE_VERSIONS).map_err(backend_error)?;
    subjects
        .iter()
        .map(|subject| {
            let (records, versions) = match subject {
                Subject::Node(_) => (&nodes, &node_versions),
                Subject::Edge(_) => (&edges, &edge_versions),
            };
            if records.get(subject.id()).map_err(backend_error)?.is_none() {
                return Ok(0);
            }
            stored_version(versions, subject.id())
        })
        .collect()
}

/// The version of one subject inside a write transaction (0: it does not exist).
fn version_in(txn: &WriteTransaction, subject: &Subject) -> Result<u64, StoreError> {
    let (records, versions) = match subject {
        Subject::Node(_) => (NODES, NODE_VERSIONS),
        Subject::Edge(_) => (EDGES, EDGE_VERSIONS),
    };
    if txn.open_table(records).map_err(backend_error)?.get(subject.id()).map_err(backend_error)?.is_none() {
        return Ok(0);
    }
    stored_version(&txn.open_table(versions).map_err(backend_error)?, subject.id())
}

/// Checks the version conditions of `conditions`, before anything is written.
pub(crate) fn check_versions(txn: &WriteTransaction, conditions: &[Condition]) -> Result<(), StoreError> {
    for condition in conditions {
        if let Condition::Version { subject, version } = condition {
            let current = version_in(txn, subject)?;
            if current != *version {
                return Err(StoreError::Conflict { id: subject.id().to_owned(), expected: *version, current });
            }
        }
    }
    Ok(())
}

/// Checks the nodes that must have no edges (after the batch's edge deletes).
pub(crate) fn check_unlinked(degree: &impl ReadableTable<&'static str, u64>, conditions: &[Condition]) -> Result<(), StoreError> {
    for condition in conditions {
        if let Condition::Unlinked(node) = condition {
            let edges = degree.get(node.as_str()).map_err(backend_error)?.map_or(0, |value| value.value());
            if edges > 0 {
                return Err(StoreError::Linked { id: node.to_string(), edges });
            }
        }
    }
    Ok(())
}

/// The records a curation batch may change, read before it is written: every node and edge it writes or
/// deletes, and the edges of the nodes it deletes.
pub(crate) struct Before {
    records: Vec<(Subject, Option<Record>)>,
}

impl Before {
    /// Reads them in `txn`, before the batch is written.
    pub(crate) fn read(txn: &WriteTransaction, batch: &Batch) -> Result<Before, StoreError> {
        let mut subjects: Vec<Subject> = Vec::new();
        subjects.extend(batch.delete_edges.iter().cloned().map(Subject::Edge));
        for node in &batch.delete_nodes {
            let adjacency = txn.open_table(ADJACENCY).map_err(backend_error)?;
            for entry in adjacency.range((node.as_str(), 0u8, "")..(node.as_str(), u8::MAX, "")).map_err(backend_error)? {
                let (key, _) = entry.map_err(backend_error)?;
                let id = key.value().2.to_owned();
                let id = partnergraph_schema::EdgeId::parse(id)
                    .map_err(|err| StoreError::Corrupt { key: node.to_string(), reason: err.to_string() })?;
                subjects.push(Subject::Edge(id));
            }
            subjects.push(Subject::Node(node.clone()));
        }
        subjects.extend(batch.nodes.iter().map(|node| Subject::Node(node.id.clone())));
        subjects.extend(batch.edges.iter().map(|edge| Subject::Edge(edge.id.clone())));
        let mut seen = std::collections::HashSet::new();
        subjects.retain(|subject| seen.insert(subject.clone()));
        let records = subjects
            .into_iter()
            .map(|subject| {
                let record = read_record(txn, &subject)?;
                Ok((subject, record))
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Before { records })
    }
}

/// A record as stored in `txn` (as a dataset line), if it exists.
fn read_record(txn: &WriteTransaction, subject: &Subject) -> Result<Option<Record>, StoreError> {
    Ok(match subject {
        Subject::Node(id) => match txn.open_table(NODES).map_err(backend_error)?.get(id.as_str()).map_err(backend_error)? {
            Some(bytes) => Some(Record::Node(Box::new(decode::<NodeRecord>(id.as_str(), bytes.value())?))),
            None => None,
        },
        Subject::Edge(id) => match txn.open_table(EDGES).map_err(backend_error)?.get(id.as_str()).map_err(backend_error)? {
            Some(bytes) => Some(Record::Edge(decode::<EdgeRecord>(id.as_str(), bytes.value())?)),
            None => None,
        },
    })
}

/// Records the audit entries of a batch just written in `txn`: for [`Audit::Records`], one per record
/// whose state differs from `before`; for [`Audit::Import`], one with `summary`. Returns how many.
pub(crate) fn record(txn: &WriteTransaction, audit: &Audit, before: Option<Before>, summary: &WriteSummary) -> Result<u64, StoreError> {
    let at = now();
    let mut changes = Vec::new();
    match audit {
        Audit::Import { actor, file } => changes.push(Change::import(actor, file, *summary, at)),
        Audit::Records { actor, sources } => {
            let Some(before) = before else { return Ok(0) };
            let (node_versions, edge_versions) =
                (txn.open_table(NODE_VERSIONS).map_err(backend_error)?, txn.open_table(EDGE_VERSIONS).map_err(backend_error)?);
            for (subject, old) in before.records {
                let new = read_record(txn, &subject)?;
                if old == new {
                    continue;
                }
                let versions = match subject {
                    Subject::Node(_) => &node_versions,
                    Subject::Edge(_) => &edge_versions,
                };
                let version = stored_version(versions, subject.id())?;
                changes.push(Change::record(actor, at.clone(), &subject, version, (old, new), sources));
            }
        }
    }
    append(txn, changes)
}

/// Appends `changes` to the trail, numbering them; returns how many.
fn append(txn: &WriteTransaction, changes: Vec<Change>) -> Result<u64, StoreError> {
    let mut table = txn.open_table(CHANGES).map_err(backend_error)?;
    let mut history = txn.open_table(HISTORY).map_err(backend_error)?;
    let mut seq = table.last().map_err(backend_error)?.map_or(0, |(key, _)| key.value());
    let count = changes.len() as u64;
    for mut change in changes {
        seq += 1;
        change.seq = seq;
        let json = serde_json::to_vec(&change).map_err(|err| StoreError::Backend { backend: "embedded", reason: err.to_string() })?;
        table.insert(seq, json.as_slice()).map_err(backend_error)?;
        if let (Some(kind), Some(id)) = (change.kind, change.id.as_deref()) {
            history.insert((kind_code(kind), id, seq), ()).map_err(backend_error)?;
        }
    }
    Ok(count)
}

fn kind_code(kind: SubjectKind) -> u8 {
    match kind {
        SubjectKind::Node => 0,
        SubjectKind::Edge => 1,
    }
}

fn decode_change(seq: u64, bytes: &[u8]) -> Result<Change, StoreError> {
    serde_json::from_slice(bytes).map_err(|err| StoreError::Corrupt { key: format!("change {seq}"), reason: err.to_string() })
}

/// The changes numbered after `after`, oldest first, at most `limit`.
pub(crate) fn changes(txn: &ReadTransaction, after: u64, limit: usize) -> Result<Vec<Change>, StoreError> {
    let table = txn.open_table(CHANGES).map_err(backend_error)?;
    let mut changes = Vec::new();
    for entry in table.range(after.saturating_add(1)..).map_err(backend_error)?.take(limit) {
        let (key, value) = entry.map_err(backend_error)?;
        changes.push(decode_change(key.value(), value.value())?);
    }
    Ok(changes)
}

/// The changes of `subject` numbered after `after`, oldest first, at most `limit`.
pub(crate) fn history(txn: &ReadTransaction, subject: &Subject, after: u64, limit: usize) -> Result<Vec<Change>, StoreError> {
    let (history, table) = (txn.open_table(HISTORY).map_err(backend_error)?, txn.open_table(CHANGES).map_err(backend_error)?);
    let kind = kind_code(subject.kind());
    let range = (kind, subject.id(), after.saturating_add(1))..=(kind, subject.id(), u64::MAX);
    let mut changes = Vec::new();
    for entry in history.range(range).map_err(backend_error)?.take(limit) {
        let seq = entry.map_err(backend_error)?.0.value().2;
        if let Some(value) = table.get(seq).map_err(backend_error)? {
            changes.push(decode_change(seq, value.value())?);
        }
    }
    Ok(changes)
}

/// The number of the latest change (0: none).
pub(crate) fn last_change(txn: &ReadTransaction) -> Result<u64, StoreError> {
    Ok(txn.open_table(CHANGES).map_err(backend_error)?.last().map_err(backend_error)?.map_or(0, |(key, _)| key.value()))
}

/// Every token, in name order.
pub(crate) fn tokens(txn: &ReadTransaction) -> Result<Vec<TokenRecord>, StoreError> {
    let table = txn.open_table(TOKENS).map_err(backend_error)?;
    let mut tokens = Vec::new();
    for entry in table.iter().map_err(backend_error)? {
        let (key, value) = entry.map_err(backend_error)?;
        let token = serde_json::from_slice(value.value())
            .map_err(|err| StoreError::Corrupt { key: format!("token {}", key.value()), reason: err.to_string() })?;
        tokens.push(token);
    }
    Ok(tokens)
}

/// Stores a token (see `GraphStore::save_token`).
pub(crate) fn save_token(txn: &WriteTransaction, token: &TokenRecord, create: bool) -> Result<(), StoreError> {
    let mut table = txn.open_table(TOKENS).map_err(backend_error)?;
    let exists = table.get(token.name.as_str()).map_err(backend_error)?.is_some();
    match (create, exists) {
        (true, true) => return Err(StoreError::TokenExists { name: token.name.clone() }),
        (false, false) => return Err(StoreError::NoSuchToken { name: token.name.clone() }),
        _ => {}
    }
    let json = serde_json::to_vec(token).map_err(|err| StoreError::Backend { backend: "embedded", reason: err.to_string() })?;
    table.insert(token.name.as_str(), json.as_slice()).map_err(backend_error)?;
    Ok(())
}
