//! The write path of the Bolt store: one `Batch` inside one explicit transaction, in `UNWIND` chunks.
//!
//! The summary counts the same way as the embedded store: records are taken in batch order, and a
//! record equal (as JSON) to what is stored is "unchanged". An edge whose endpoint does not exist after
//! the batch's node writes fails the whole batch with `StoreError::MissingEndpoint`. Versions move as on
//! the embedded store (`curation.rs`): the batch's version conditions are checked before anything is
//! written and its `Unlinked` ones after its edge deletes; each change of a record in batch order moves
//! its version one on, a deleted record leaves a tombstone, a created one takes its tombstone's version.
//!
//! Every statement has a shape ArcadeDB's planner answers from an index (checked with `PROFILE`): nodes
//! are looked up with `UNWIND $ids MATCH (n:Node {id: wanted})`, edges with `WHERE r.id IN $ids` per type
//! (`UNWIND` plus a relationship pattern walks every node once per id). New records are written with
//! `CREATE`, changed ones with `MATCH ... SET`, never with `MERGE` (which scans a multi-label type). Lookups
//! are skipped where the store cannot hold the ids: no nodes at all, no edges of a type, no tombstones, or
//! endpoints that are nodes of this batch. So importing into an empty store sends only `CREATE` statements.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use neo4rs::{BoltType, Row, Txn};
use partnergraph_schema::date::Day;
use partnergraph_schema::text::index_terms;
use partnergraph_schema::{EdgeRecord, EdgeType, NodeKind, NodeRecord};

use crate::store::audit::{Audit, Condition, Subject};
use crate::store::bolt::curation::{self, Before, edge_key, node_key};
use crate::store::bolt::statement::{self, query};
use crate::store::bolt::{EDGE_ID_CHUNK, Rows, adjacency, column, cypher, decode, strings};
use crate::store::{Batch, StoreError, WriteSummary};

/// Rows per `UNWIND` statement.
const CHUNK: usize = 5000;

/// Parameters of one `UNWIND` row.
type Params = HashMap<String, BoltType>;

/// A record as stored: its JSON and its version.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stored {
    /// The wire record.
    pub(crate) json: String,
    /// Its version (1 when the property is absent).
    pub(crate) version: u64,
}

impl Stored {
    fn of(row: &Row) -> Result<Stored, StoreError> {
        let version: i64 = column(row, "v")?;
        let version = u64::try_from(version).map_err(|_| StoreError::Backend { backend: "bolt", reason: format!("version {version}") })?;
        Ok(Stored { json: column(row, "json")?, version })
    }
}

/// An edge touching a node to delete, as stored before the batch.
pub(crate) struct Incident {
    /// The node to delete it touches.
    pub(crate) node: String,
    pub(crate) edge_type: EdgeType,
    pub(crate) id: String,
    pub(crate) stored: Stored,
}

pub(crate) async fn count(txn: &mut Txn, text: &str) -> Result<i64, StoreError> {
    let rows = txn.rows(query(text)).await?;
    rows.first().map(|row| column(row, "c")).transpose().map(|count| count.unwrap_or(0))
}

async fn ids_of(txn: &mut Txn, text: &str, ids: &[String]) -> Result<BTreeSet<String>, StoreError> {
    let mut found = BTreeSet::new();
    for chunk in ids.chunks(CHUNK) {
        for row in txn.rows(query(text).param("ids", chunk.to_vec())).await? {
            found.insert(column::<String>(&row, "id")?);
        }
    }
    Ok(found)
}

/// The edge types of which the store holds at least one relationship; lookups by edge id skip the others.
async fn edge_types_held(txn: &mut Txn) -> Result<Vec<EdgeType>, StoreError> {
    let mut held = Vec::new();
    for edge_type in EdgeType::ALL {
        if count(txn, &cypher::count_edges_of(*edge_type)).await? > 0 {
            held.push(*edge_type);
        }
    }
    Ok(held)
}

/// The stored `(kind, record)` of each of `ids` that is a node.
pub(crate) async fn stored_nodes(reader: &mut impl Rows, ids: &[String]) -> Result<HashMap<String, (String, Stored)>, StoreError> {
    let mut found = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        for row in reader.rows(query(cypher::STORED_NODES).param("ids", chunk.to_vec())).await? {
            found.insert(column(&row, "id")?, (column(&row, "kind")?, Stored::of(&row)?));
        }
    }
    Ok(found)
}

/// The stored `(type, record)` of each of `ids` that is an edge of one of `types`.
pub(crate) async fn stored_edges(
    reader: &mut impl Rows,
    ids: &[String],
    types: &[EdgeType],
) -> Result<HashMap<String, (EdgeType, Stored)>, StoreError> {
    let mut found = HashMap::new();
    if ids.is_empty() || types.is_empty() {
        return Ok(found);
    }
    let text = cypher::stored_edges(types);
    for chunk in ids.chunks(EDGE_ID_CHUNK) {
        for row in reader.rows(query(&text).param("ids", chunk.to_vec())).await? {
            found.insert(column::<String>(&row, "id")?, (edge_type_of(&row)?, Stored::of(&row)?));
        }
    }
    Ok(found)
}

/// The relationship type in a row's `type` column.
fn edge_type_of(row: &Row) -> Result<EdgeType, StoreError> {
    let name: String = column(row, "type")?;
    name.parse().map_err(|_| StoreError::Backend { backend: "bolt", reason: format!("unknown relationship type {name}") })
}

/// The edges touching the nodes `ids`, as stored (an edge once per end among `ids`).
async fn incident_edges(txn: &mut Txn, ids: &[String]) -> Result<Vec<Incident>, StoreError> {
    let mut found = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        for row in txn.rows(query(cypher::INCIDENT_EDGES).param("ids", chunk.to_vec())).await? {
            found.push(Incident {
                node: column(&row, "node")?,
                edge_type: edge_type_of(&row)?,
                id: column(&row, "id")?,
                stored: Stored::of(&row)?,
            });
        }
    }
    Ok(found)
}

/// Deletes the stored edges `edges` (type, id, record as stored) with their adjacency entries.
async fn delete_edges(txn: &mut Txn, edges: &[(EdgeType, &str, &Stored)]) -> Result<(), StoreError> {
    let mut by_type: BTreeMap<EdgeType, Vec<String>> = BTreeMap::new();
    for (edge_type, id, _) in edges {
        by_type.entry(*edge_type).or_default().push((*id).to_owned());
    }
    for (edge_type, ids) in by_type {
        let text = cypher::delete_edges(edge_type);
        for chunk in ids.chunks(EDGE_ID_CHUNK) {
            statement::run(txn, query(&text).param("ids", chunk.to_vec())).await?;
        }
    }
    delete_adjacency(txn, edges.iter().map(|(_, id, stored)| (*id, *stored))).await
}

/// Deletes the adjacency entries (`adjacency.rs`) of the edges `(id, record as stored)`, found by their
/// `outKey`s.
async fn delete_adjacency<'s>(txn: &mut Txn, edges: impl Iterator<Item = (&'s str, &'s Stored)>) -> Result<(), StoreError> {
    let keys: BTreeSet<String> =
        edges.map(|(id, stored)| decode::<EdgeRecord>(id, &stored.json).map(|edge| adjacency::out_key(&edge))).collect::<Result<_, _>>()?;
    let keys: Vec<String> = keys.into_iter().collect();
    for chunk in keys.chunks(CHUNK) {
        statement::run(txn, query(adjacency::DELETE).param("keys", chunk.to_vec())).await?;
    }
    Ok(())
}

pub(crate) async fn run_chunks(txn: &mut Txn, text: &str, rows: &[Params]) -> Result<(), StoreError> {
    for chunk in rows.chunks(CHUNK) {
        statement::run(txn, query(text).param("rows", chunk.to_vec())).await?;
    }
    Ok(())
}

pub(crate) fn encode<T: serde::Serialize>(record: &T) -> Result<String, StoreError> {
    serde_json::to_string(record).map_err(|err| StoreError::Backend { backend: "bolt", reason: err.to_string() })
}

/// A version as a parameter: null for 1, which is not stored.
fn version_param(version: u64) -> BoltType {
    BoltType::from((version != 1).then(|| i64::try_from(version).unwrap_or(i64::MAX)))
}

fn node_row(node: &NodeRecord, json: String, version: u64) -> Params {
    HashMap::from([
        ("version".to_owned(), version_param(version)),
        ("id".to_owned(), BoltType::from(node.id.as_str())),
        ("kind".to_owned(), BoltType::from(node.kind.as_str())),
        ("name".to_owned(), BoltType::from(node.name.as_str())),
        ("json".to_owned(), BoltType::from(json)),
    ])
}

/// The key of a node's index term (`cypher::TERM_SCHEMA`): the term, a NUL, the node's id.
pub(crate) fn term_key(term: &str, id: &str) -> String {
    format!("{term}\u{0}{id}")
}

/// The rows of `cypher::CREATE_TERMS` for the index terms of `node`, each with the node's names (what
/// search ranks by: layout 3), so a search reads no record for the candidates it does not show.
pub(crate) fn term_rows(node: &NodeRecord) -> Vec<Params> {
    let id = node.id.as_str();
    let aliases = (!node.aliases.is_empty()).then(|| node.aliases.clone());
    index_terms(node)
        .iter()
        .map(|term| {
            HashMap::from([
                ("key".to_owned(), BoltType::from(term_key(term, id))),
                ("id".to_owned(), BoltType::from(id)),
                ("name".to_owned(), BoltType::from(node.name.as_str())),
                ("acronym".to_owned(), BoltType::from(node.acronym.clone())),
                ("aliases".to_owned(), BoltType::from(aliases.clone())),
            ])
        })
        .collect()
}

/// A day as the number `yyyymmdd`, which sorts as the day does.
pub(crate) fn day_number((year, month, day): Day) -> i64 {
    i64::from(year) * 10_000 + i64::from(month) * 100 + i64::from(day)
}

/// The typed properties of an edge (layout 2): its type, the first day it is valid and the last, its roles.
pub(crate) fn typed_edge(edge: &EdgeRecord) -> Params {
    let text = |value: Option<&'static str>| BoltType::from(value.map(str::to_owned));
    HashMap::from([
        ("type".to_owned(), BoltType::from(edge.edge_type.as_str())),
        ("fromDay".to_owned(), BoltType::from(edge.from.map(|from| day_number(from.first_day())))),
        ("toDay".to_owned(), BoltType::from(edge.to.map(|to| day_number(to.last_day())))),
        ("role".to_owned(), text(edge.role.map(|role| role.as_str()))),
        ("iatiRole".to_owned(), text(edge.iati_role.map(|role| role.as_str()))),
    ])
}

fn edge_row(edge: &EdgeRecord, json: String, version: u64) -> Params {
    let mut row = typed_edge(edge);
    row.extend([
        ("version".to_owned(), version_param(version)),
        ("id".to_owned(), BoltType::from(edge.id.as_str())),
        ("source".to_owned(), BoltType::from(edge.source.as_str())),
        ("target".to_owned(), BoltType::from(edge.target.as_str())),
        ("json".to_owned(), BoltType::from(json)),
    ]);
    row
}

/// Writes `batch` into `txn`; the caller commits or rolls back (and may run it again).
pub async fn write_batch(txn: &mut Txn, batch: &Batch) -> Result<WriteSummary, StoreError> {
    let (conditions, audit) = (&batch.conditions, &batch.audit);
    let mut summary = WriteSummary::default();
    // Taken before any write of this batch: deletes only shrink it, so it stays a superset.
    let edge_checked = conditions.iter().any(|condition| matches!(condition, Condition::Version { subject: Subject::Edge(_), .. }));
    let held =
        if batch.edges.is_empty() && batch.delete_edges.is_empty() && !edge_checked { Vec::new() } else { edge_types_held(txn).await? };
    curation::check_versions(txn, conditions, &held).await?;
    let doomed_nodes = strings(&batch.delete_nodes);
    let incident = incident_edges(txn, &doomed_nodes).await?;
    let before = match &audit {
        Some(Audit::Records { .. }) => Some(Before::read(txn, batch, &incident, &held).await?),
        _ => None,
    };

    let doomed_edges = stored_edges(txn, &strings(&batch.delete_edges), &held).await?;
    summary.edges_deleted += doomed_edges.len() as u64;
    delete_edges(txn, &doomed_edges.iter().map(|(id, (edge_type, stored))| (*edge_type, id.as_str(), stored)).collect::<Vec<_>>()).await?;
    curation::check_unlinked(txn, conditions).await?;
    // What each deleted record leaves for its next writer: one version more.
    let mut buried: BTreeMap<String, u64> =
        doomed_edges.iter().map(|(id, (_, stored))| (edge_key(id), stored.version.saturating_add(1))).collect();
    if !doomed_nodes.is_empty() {
        for edge in incident.iter().filter(|edge| !doomed_edges.contains_key(&edge.id)) {
            if buried.insert(edge_key(&edge.id), edge.stored.version.saturating_add(1)).is_none() {
                summary.edges_deleted += 1;
            }
        }
        let nodes = stored_nodes(txn, &doomed_nodes).await?;
        summary.nodes_deleted += nodes.len() as u64;
        buried.extend(nodes.iter().map(|(id, (_, stored))| (node_key(id), stored.version.saturating_add(1))));
        for chunk in doomed_nodes.chunks(CHUNK) {
            statement::run(txn, query(cypher::DETACH_DELETE_NODES).param("ids", chunk.to_vec())).await?;
            statement::run(txn, query(cypher::DELETE_TERMS).param("ids", chunk.to_vec())).await?;
        }
        delete_adjacency(txn, incident.iter().map(|edge| (edge.id.as_str(), &edge.stored))).await?;
    }
    curation::bury(txn, &buried).await?;

    write_nodes(txn, &batch.nodes, &mut summary).await?;
    write_edges(txn, batch, &held, &mut summary).await?;
    if let Some(audit) = audit {
        let mut types = held;
        types.extend(batch.edges.iter().map(|edge| edge.edge_type));
        types.sort();
        types.dedup();
        curation::record(txn, audit, before, &summary, &types).await?;
    }
    Ok(summary)
}

/// Each record's content and version after `records`, the upserts of one kind, taken in batch order over
/// `stored` and counted as the embedded store counts them: equal content is unchanged, other content one
/// version more, and a record not stored is created with its tombstone's version (1 without one).
async fn walk<'b, T: serde::Serialize + Sync>(
    txn: &mut Txn,
    records: &'b [T],
    id_of: fn(&T) -> &str,
    stored: impl Iterator<Item = (&'b str, &'b Stored)>,
    key: fn(&str) -> String,
    counts: [&mut u64; 3],
) -> Result<HashMap<&'b str, Stored>, StoreError> {
    let [unchanged, updated, created] = counts;
    let mut current: HashMap<&str, Stored> = stored.map(|(id, stored)| (id, stored.clone())).collect();
    let reborn = curation::reborn(txn, records.iter().map(id_of).filter(|id| !current.contains_key(id)).map(key)).await?;
    for record in records {
        let (id, json) = (id_of(record), encode(record)?);
        let version = match current.get(id) {
            Some(previous) if previous.json == json => {
                *unchanged += 1;
                continue;
            }
            Some(previous) => {
                *updated += 1;
                previous.version.saturating_add(1)
            }
            None => {
                *created += 1;
                reborn.get(&key(id)).copied().unwrap_or(1)
            }
        };
        current.insert(id, Stored { json, version });
    }
    Ok(current)
}

/// Creates the new nodes and rewrites the changed ones.
async fn write_nodes(txn: &mut Txn, nodes: &[NodeRecord], summary: &mut WriteSummary) -> Result<(), StoreError> {
    if nodes.is_empty() {
        return Ok(());
    }
    // (kind, record) of the stored nodes among `nodes`; an empty store needs no lookup.
    let ids = strings(&nodes.iter().map(|node| node.id.clone()).collect::<Vec<_>>());
    let stored = if count(txn, cypher::COUNT_NODES).await? > 0 { stored_nodes(txn, &ids).await? } else { HashMap::new() };
    let current = walk(
        txn,
        nodes,
        |node| node.id.as_str(),
        stored.iter().map(|(id, (_, stored))| (id.as_str(), stored)),
        node_key,
        [&mut summary.nodes_unchanged, &mut summary.nodes_updated, &mut summary.nodes_created],
    )
    .await?;
    let last: BTreeMap<&str, &NodeRecord> = nodes.iter().map(|node| (node.id.as_str(), node)).collect();
    let mut created: BTreeMap<NodeKind, Vec<Params>> = BTreeMap::new();
    let mut updated: Vec<Params> = Vec::new();
    // The search index: terms of new nodes, and of changed nodes whose terms changed (after deleting theirs).
    let (mut new_terms, mut stale_terms) = (Vec::new(), Vec::new());
    for (id, node) in last {
        let Some(now) = current.get(id) else { continue };
        match stored.get(id) {
            None => {
                created.entry(node.kind).or_default().push(node_row(node, now.json.clone(), now.version));
                new_terms.extend(term_rows(node));
            }
            Some((_, old)) if old == now => {}
            Some((kind, _)) if kind != node.kind.as_str() => {
                // A kind follows from the id, so validated data never gets here; labels are not rewritten.
                return Err(StoreError::Backend {
                    backend: "bolt",
                    reason: format!("node {id} is stored as {kind}, cannot become {}", node.kind),
                });
            }
            Some((_, old)) => {
                updated.push(node_row(node, now.json.clone(), now.version));
                // The terms carry the names too: rewritten when either changed.
                let same = serde_json::from_str::<NodeRecord>(&old.json).is_ok_and(|old| {
                    (&old.name, &old.acronym, &old.aliases) == (&node.name, &node.acronym, &node.aliases)
                        && index_terms(&old) == index_terms(node)
                });
                if same {
                    continue;
                }
                stale_terms.push(id.to_owned());
                new_terms.extend(term_rows(node));
            }
        }
    }
    for (kind, rows) in created {
        run_chunks(txn, &cypher::create_nodes(kind), &rows).await?;
    }
    run_chunks(txn, cypher::UPDATE_NODES, &updated).await?;
    for chunk in stale_terms.chunks(CHUNK) {
        statement::run(txn, query(cypher::DELETE_TERMS).param("ids", chunk.to_vec())).await?;
    }
    run_chunks(txn, cypher::CREATE_TERMS, &new_terms).await
}

/// Creates the new edges and replaces the changed ones (a relationship's ends and type cannot change
/// in place; the new one carries the version on); fails with `MissingEndpoint` before writing any edge
/// if an end is not a node.
async fn write_edges(txn: &mut Txn, batch: &Batch, held: &[EdgeType], summary: &mut WriteSummary) -> Result<(), StoreError> {
    if batch.edges.is_empty() {
        return Ok(());
    }
    let edge_ids = strings(&batch.edges.iter().map(|edge| edge.id.clone()).collect::<Vec<_>>());
    let stored = stored_edges(txn, &edge_ids, held).await?;
    let current = walk(
        txn,
        &batch.edges,
        |edge| edge.id.as_str(),
        stored.iter().map(|(id, (_, stored))| (id.as_str(), stored)),
        edge_key,
        [&mut summary.edges_unchanged, &mut summary.edges_updated, &mut summary.edges_created],
    )
    .await?;
    // Edges whose final record and version equal the stored ones stay; the others are replaced.
    let mut final_edges: BTreeMap<&str, &EdgeRecord> = batch.edges.iter().map(|edge| (edge.id.as_str(), edge)).collect();
    final_edges.retain(|id, _| stored.get(*id).is_none_or(|(_, old)| current.get(id) != Some(old)));
    let replaced: Vec<(EdgeType, &str, &Stored)> =
        final_edges.keys().filter_map(|id| stored.get(*id).map(|(edge_type, old)| (*edge_type, *id, old))).collect();
    delete_edges(txn, &replaced).await?;

    // The batch's own nodes exist by now; only the other ends need a look.
    let written: HashSet<&str> = batch.nodes.iter().map(|node| node.id.as_str()).collect();
    let others: Vec<String> = final_edges
        .values()
        .flat_map(|edge| [edge.source.as_str(), edge.target.as_str()])
        .filter(|id| !written.contains(id))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let present = ids_of(txn, cypher::EXISTING_NODE_IDS, &others).await?;
    let exists = |id: &str| written.contains(id) || present.contains(id);
    if let Some(edge) = final_edges.values().find(|edge| !exists(edge.source.as_str()) || !exists(edge.target.as_str())) {
        let node = if exists(edge.source.as_str()) { &edge.target } else { &edge.source };
        return Err(StoreError::MissingEndpoint { edge: edge.id.to_string(), node: node.to_string() });
    }

    let mut rows_by_type: BTreeMap<EdgeType, Vec<Params>> = BTreeMap::new();
    let mut adjacent = Vec::new();
    for (id, edge) in final_edges {
        let Some(now) = current.get(id) else { continue };
        rows_by_type.entry(edge.edge_type).or_default().push(edge_row(edge, now.json.clone(), now.version));
        adjacent.push(adjacency::row(edge)?);
    }
    run_chunks(txn, adjacency::CREATE, &adjacent).await?;
    for (edge_type, rows) in rows_by_type {
        let text = cypher::create_edges(edge_type);
        for chunk in rows.chunks(CHUNK) {
            let created = txn.rows(query(&text).param("rows", chunk.to_vec())).await?;
            let count: i64 = created.first().map(|row| column(row, "c")).transpose()?.unwrap_or(0);
            if usize::try_from(count).ok() != Some(chunk.len()) {
                return Err(StoreError::Backend {
                    backend: "bolt",
                    reason: format!("created {count} of {} {edge_type} edges", chunk.len()),
                });
            }
        }
    }
    Ok(())
}
