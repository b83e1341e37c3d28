//! Curation on the Bolt store (`store/audit.rs` says what it means): record versions, the conditions a
//! batch may state, the audit trail and API tokens, with the embedded store's answers.
//!
//! Layout, beside the graph and never labelled `Node`, so no graph read or count meets it:
//! - the `version` property of a node or relationship (absent: 1), which the write path (`write.rs`)
//!   moves on: one more per change, a creation takes its tombstone's version;
//! - `(:Tombstone {key, version})`, `key` being `n:<id>` or `e:<id>`: the version a deleted record takes
//!   if written again (a changed edge is deleted and created again in one batch, and carries its version
//!   itself);
//! - `(:Change {seq, subject, json})`: one entry of the trail, `json` the [`Change`] itself, `subject` its
//!   record's key (none for an import); numbers come from `(:Counter {name: 'changes', value})`, moved on
//!   in the writing transaction, so they run without gaps (two writers that took the same numbers collide
//!   at commit, on the unique `seq`, and the one that lost runs again: `BoltStore::transact`);
//! - `(:Token {name, json})`, unique by name.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use futures_util::future::BoxFuture;
use neo4rs::{BoltType, Txn};
use partnergraph_schema::wire::Record;
use partnergraph_schema::{EdgeId, EdgeType, NodeRecord};

use crate::store::audit::{Audit, Change, Condition, Subject, SubjectKind, TokenRecord, now};
use crate::store::bolt::statement::{self, query};
use crate::store::bolt::write::{Incident, Stored, count, encode, run_chunks, stored_edges, stored_nodes};
use crate::store::bolt::{EDGE_ID_CHUNK, Rows, Write, column, cypher, decode, strings};
use crate::store::{Batch, StoreError, WriteSummary};

/// The key of a node's tombstone and changes.
pub(crate) fn node_key(id: &str) -> String {
    format!("n:{id}")
}

/// The key of an edge's tombstone and changes.
pub(crate) fn edge_key(id: &str) -> String {
    format!("e:{id}")
}

fn key(subject: &Subject) -> String {
    match subject {
        Subject::Node(id) => node_key(id.as_str()),
        Subject::Edge(id) => edge_key(id.as_str()),
    }
}

fn int(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn number(row: &neo4rs::Row, name: &str) -> Result<u64, StoreError> {
    let value: i64 = column(row, name)?;
    u64::try_from(value).map_err(|_| StoreError::Backend { backend: "bolt", reason: format!("column `{name}`: {value}") })
}

/// The stored state of each of `subjects` that exists (edges are looked for among `types`).
async fn states(reader: &mut impl Rows, subjects: &[Subject], types: &[EdgeType]) -> Result<HashMap<Subject, Stored>, StoreError> {
    let (mut node_ids, mut edge_ids) = (BTreeSet::new(), BTreeSet::new());
    for subject in subjects {
        match subject {
            Subject::Node(id) => node_ids.insert(id.as_str()),
            Subject::Edge(id) => edge_ids.insert(id.as_str()),
        };
    }
    let nodes = stored_nodes(reader, &strings(&node_ids.into_iter().collect::<Vec<_>>())).await?;
    let edges = stored_edges(reader, &strings(&edge_ids.into_iter().collect::<Vec<_>>()), types).await?;
    Ok(subjects
        .iter()
        .filter_map(|subject| {
            let stored = match subject {
                Subject::Node(id) => nodes.get(id.as_str()).map(|(_, stored)| stored),
                Subject::Edge(id) => edges.get(id.as_str()).map(|(_, stored)| stored),
            };
            stored.map(|stored| (subject.clone(), stored.clone()))
        })
        .collect())
}

/// The version of each subject (edges among `types`), 0 for one that does not exist.
pub(crate) async fn versions(reader: &mut impl Rows, subjects: &[Subject], types: &[EdgeType]) -> Result<Vec<u64>, StoreError> {
    let states = states(reader, subjects, types).await?;
    Ok(subjects.iter().map(|subject| states.get(subject).map_or(0, |stored| stored.version)).collect())
}

/// Checks the version conditions, before anything is written (edges among `held`, the types stored).
pub(crate) async fn check_versions(txn: &mut Txn, conditions: &[Condition], held: &[EdgeType]) -> Result<(), StoreError> {
    let checked: Vec<(&Subject, u64)> = conditions
        .iter()
        .filter_map(|condition| match condition {
            Condition::Version { subject, version } => Some((subject, *version)),
            Condition::Unlinked(_) => None,
        })
        .collect();
    if checked.is_empty() {
        return Ok(());
    }
    let subjects: Vec<Subject> = checked.iter().map(|(subject, _)| (*subject).clone()).collect();
    let current = versions(txn, &subjects, held).await?;
    match checked.iter().zip(current).find(|((_, expected), current)| expected != current) {
        Some(((subject, expected), current)) => Err(StoreError::Conflict { id: subject.id().to_owned(), expected: *expected, current }),
        None => Ok(()),
    }
}

/// Checks the nodes that must have no edges (after the batch's edge deletes).
pub(crate) async fn check_unlinked(txn: &mut Txn, conditions: &[Condition]) -> Result<(), StoreError> {
    let nodes: Vec<&str> = conditions
        .iter()
        .filter_map(|condition| match condition {
            Condition::Unlinked(node) => Some(node.as_str()),
            Condition::Version { .. } => None,
        })
        .collect();
    if nodes.is_empty() {
        return Ok(());
    }
    let mut degrees = HashMap::new();
    for row in txn.rows(query(cypher::DEGREES).param("ids", strings(&nodes))).await? {
        degrees.insert(column::<String>(&row, "id")?, number(&row, "d")?);
    }
    match nodes.iter().find_map(|node| degrees.get(*node).filter(|edges| **edges > 0).map(|edges| (node, *edges))) {
        Some((node, edges)) => Err(StoreError::Linked { id: (*node).to_owned(), edges }),
        None => Ok(()),
    }
}

/// The versions the deleted records of `keys` left (those that have a tombstone). No tombstone at all (a
/// first import): no lookup, and the keys are never made.
pub(crate) async fn reborn(txn: &mut Txn, keys: impl Iterator<Item = String> + Send) -> Result<HashMap<String, u64>, StoreError> {
    let mut found = HashMap::new();
    if count(txn, cypher::COUNT_TOMBSTONES).await? == 0 {
        return Ok(found);
    }
    let keys: Vec<String> = keys.collect::<BTreeSet<_>>().into_iter().collect();
    for chunk in keys.chunks(EDGE_ID_CHUNK) {
        for row in txn.rows(query(cypher::TOMBSTONES).param("keys", chunk.to_vec())).await? {
            found.insert(column(&row, "key")?, number(&row, "v")?);
        }
    }
    Ok(found)
}

/// Remembers, for each deleted record by key, the version it takes if written again.
pub(crate) async fn bury(txn: &mut Txn, buried: &BTreeMap<String, u64>) -> Result<(), StoreError> {
    let rows: Vec<HashMap<String, BoltType>> = buried
        .iter()
        .map(|(key, version)| {
            HashMap::from([("key".to_owned(), BoltType::from(key.as_str())), ("version".to_owned(), BoltType::from(int(*version)))])
        })
        .collect();
    run_chunks(txn, cypher::BURY, &rows).await
}

/// The records a curation batch may change, read before it is written, in the order of the trail: the
/// edges it deletes, the edges of each node it deletes (in type, then id order) then the node, the nodes
/// it writes, the edges it writes; each once.
pub(crate) struct Before {
    records: Vec<(Subject, Option<Record>)>,
}

impl Before {
    /// Reads them in `txn` before the batch is written (`incident`: the edges of the nodes it deletes;
    /// `held`: the edge types stored).
    pub(crate) async fn read(txn: &mut Txn, batch: &Batch, incident: &[Incident], held: &[EdgeType]) -> Result<Before, StoreError> {
        let mut subjects: Vec<Subject> = batch.delete_edges.iter().cloned().map(Subject::Edge).collect();
        for node in &batch.delete_nodes {
            let mut edges: Vec<&Incident> = incident.iter().filter(|edge| edge.node == node.as_str()).collect();
            edges.sort_by(|a, b| (a.edge_type, &a.id).cmp(&(b.edge_type, &b.id)));
            for edge in edges {
                let id =
                    EdgeId::parse(edge.id.clone()).map_err(|err| StoreError::Corrupt { key: edge.id.clone(), reason: err.to_string() })?;
                subjects.push(Subject::Edge(id));
            }
            subjects.push(Subject::Node(node.clone()));
        }
        subjects.extend(batch.nodes.iter().map(|node| Subject::Node(node.id.clone())));
        subjects.extend(batch.edges.iter().map(|edge| Subject::Edge(edge.id.clone())));
        let mut seen = HashSet::new();
        subjects.retain(|subject| seen.insert(subject.clone()));
        let mut types = held.to_vec();
        types.extend(incident.iter().map(|edge| edge.edge_type));
        types.sort();
        types.dedup();
        let states = states(txn, &subjects, &types).await?;
        let records = subjects
            .into_iter()
            .map(|subject| {
                let record = states.get(&subject).map(|stored| record_of(&subject, &stored.json)).transpose()?;
                Ok((subject, record))
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Before { records })
    }
}

/// A stored record as a dataset line.
fn record_of(subject: &Subject, json: &str) -> Result<Record, StoreError> {
    Ok(match subject {
        Subject::Node(id) => Record::Node(Box::new(decode::<NodeRecord>(id.as_str(), json)?)),
        Subject::Edge(id) => Record::Edge(decode(id.as_str(), json)?),
    })
}

/// Records the audit entries of a batch just written in `txn` (`types`: the edge types it may hold): for
/// [`Audit::Records`], one per record whose state differs from `before`; for [`Audit::Import`], one with
/// `summary`.
pub(crate) async fn record(
    txn: &mut Txn,
    audit: &Audit,
    before: Option<Before>,
    summary: &WriteSummary,
    types: &[EdgeType],
) -> Result<(), StoreError> {
    let at = now();
    let mut changes = Vec::new();
    match audit {
        Audit::Import { actor, file } => changes.push(Change::import(actor, file, *summary, at)),
        Audit::Records { actor, sources } => {
            let Some(before) = before else { return Ok(()) };
            let subjects: Vec<Subject> = before.records.iter().map(|(subject, _)| subject.clone()).collect();
            let after = states(txn, &subjects, types).await?;
            let tombstones = reborn(txn, subjects.iter().filter(|subject| !after.contains_key(*subject)).map(key)).await?;
            for (subject, old) in before.records {
                let now = after.get(&subject);
                let new = now.map(|stored| record_of(&subject, &stored.json)).transpose()?;
                if old == new {
                    continue;
                }
                let version = now.map_or_else(|| tombstones.get(&key(&subject)).copied().unwrap_or(1), |stored| stored.version);
                changes.push(Change::record(actor, at.clone(), &subject, version, (old, new), sources));
            }
        }
    }
    append(txn, changes).await
}

/// Appends `changes` to the trail, numbering them after the last.
async fn append(txn: &mut Txn, changes: Vec<Change>) -> Result<(), StoreError> {
    if changes.is_empty() {
        return Ok(());
    }
    let added = changes.len() as u64;
    let rows = txn.rows(query(cypher::COUNT_CHANGES).param("n", int(added))).await?;
    let last = rows.first().map(|row| number(row, "last")).transpose()?.unwrap_or(0);
    let mut seq = last.saturating_sub(added);
    let mut params = Vec::with_capacity(changes.len());
    for mut change in changes {
        seq += 1;
        change.seq = seq;
        let subject = match (&change.kind, &change.id) {
            (Some(SubjectKind::Node), Some(id)) => Some(node_key(id)),
            (Some(SubjectKind::Edge), Some(id)) => Some(edge_key(id)),
            _ => None,
        };
        params.push(HashMap::from([
            ("seq".to_owned(), BoltType::from(int(seq))),
            ("subject".to_owned(), BoltType::from(subject)),
            ("json".to_owned(), BoltType::from(encode(&change)?)),
        ]));
    }
    run_chunks(txn, cypher::CREATE_CHANGES, &params).await
}

/// `(seq, json)` rows decoded into changes, in number order.
fn decode_changes(rows: &[neo4rs::Row]) -> Result<Vec<Change>, StoreError> {
    let mut changes = rows
        .iter()
        .map(|row| {
            let seq = number(row, "seq")?;
            decode::<Change>(&format!("change {seq}"), &column::<String>(row, "json")?)
        })
        .collect::<Result<Vec<_>, _>>()?;
    changes.sort_by_key(|change| change.seq);
    Ok(changes)
}

/// The number of the latest change (0: none).
pub(crate) async fn last_change(reader: &mut impl Rows) -> Result<u64, StoreError> {
    let rows = reader.rows(query(cypher::LAST_CHANGE)).await?;
    Ok(rows.first().map(|row| number(row, "last")).transpose()?.unwrap_or(0))
}

/// The changes numbered after `after`, oldest first, at most `limit`: numbers run without gaps up to the
/// last, so they are looked up by number.
pub(crate) async fn changes(reader: &mut impl Rows, after: u64, limit: usize) -> Result<Vec<Change>, StoreError> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let upper = last_change(reader).await?.min(after.saturating_add(limit as u64));
    let mut changes = Vec::new();
    let mut first = after.saturating_add(1);
    while first <= upper {
        let end = upper.min(first.saturating_add(EDGE_ID_CHUNK as u64 - 1));
        let seqs: Vec<i64> = (first..=end).map(int).collect();
        changes.extend(decode_changes(&reader.rows(query(cypher::CHANGES_BY_SEQ).param("seqs", seqs)).await?)?);
        first = end.saturating_add(1);
    }
    Ok(changes)
}

/// The changes of `subject` numbered after `after`, oldest first, at most `limit`.
pub(crate) async fn history(reader: &mut impl Rows, subject: &Subject, after: u64, limit: usize) -> Result<Vec<Change>, StoreError> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let text = query(cypher::HISTORY).param("subject", key(subject)).param("after", int(after)).param("limit", int(limit as u64));
    decode_changes(&reader.rows(text).await?)
}

/// Every token, in name order.
pub(crate) async fn tokens(reader: &mut impl Rows) -> Result<Vec<TokenRecord>, StoreError> {
    let rows = reader.rows(query(cypher::TOKENS)).await?;
    let mut tokens = rows
        .iter()
        .map(|row| {
            let name: String = column(row, "name")?;
            decode::<TokenRecord>(&format!("token {name}"), &column::<String>(row, "json")?)
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Byte order, as the embedded store keeps them (the server's string order may differ).
    tokens.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(tokens)
}

/// A token to store (see `GraphStore::save_token`).
pub(crate) struct SaveToken {
    pub(crate) token: TokenRecord,
    pub(crate) create: bool,
}

impl Write for SaveToken {
    type Done = ();

    fn run<'t>(&'t self, txn: &'t mut Txn) -> BoxFuture<'t, Result<(), StoreError>> {
        Box::pin(save_token(txn, &self.token, self.create))
    }
}

async fn save_token(txn: &mut Txn, token: &TokenRecord, create: bool) -> Result<(), StoreError> {
    let name = token.name.as_str();
    let exists = !txn.rows(query(cypher::TOKEN_NAMED).param("name", name)).await?.is_empty();
    match (create, exists) {
        (true, true) => return Err(StoreError::TokenExists { name: name.to_owned() }),
        (false, false) => return Err(StoreError::NoSuchToken { name: name.to_owned() }),
        _ => {}
    }
    let text = if create { cypher::CREATE_TOKEN } else { cypher::UPDATE_TOKEN };
    // Another writer creating the same name fails at commit, and this runs again (`BoltStore::transact`).
    statement::run(txn, query(text).param("name", name).param("json", encode(token)?)).await
}
