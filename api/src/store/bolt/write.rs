//! The write path of the Bolt store: one `Batch` inside one explicit transaction, in `UNWIND` chunks.
//!
//! The summary counts the same way as the embedded store: records are taken in batch order, and a
//! record equal (as JSON) to what is stored is "unchanged". An edge whose endpoint does not exist after
//! the batch's node writes fails the whole batch with `StoreError::MissingEndpoint`.
//!
//! Every statement has a shape ArcadeDB's planner answers from an index (checked with `PROFILE`): nodes
//! are looked up with `UNWIND $ids MATCH (n:Node {id: wanted})`, edges with `WHERE r.id IN $ids` per type
//! (`UNWIND` plus a relationship pattern walks every node once per id). New records are written with
//! `CREATE`, changed ones with `MATCH ... SET`, never with `MERGE` (which scans a multi-label type). Lookups
//! are skipped where the store cannot hold the ids: no nodes at all, no edges of a type, or endpoints that
//! are nodes of this batch. So importing into an empty store sends only `CREATE` statements.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use neo4rs::{BoltType, Query, Row, Txn, query};
use partnergraph_schema::text::index_terms;
use partnergraph_schema::{EdgeRecord, EdgeType, NodeKind, NodeRecord};

use crate::store::bolt::{EDGE_ID_CHUNK, column, cypher, driver_error, strings};
use crate::store::{Batch, StoreError, WriteSummary};

/// Rows per `UNWIND` statement.
const CHUNK: usize = 5000;

/// Parameters of one `UNWIND` row.
type Params = HashMap<String, BoltType>;

async fn collect(txn: &mut Txn, query: Query) -> Result<Vec<Row>, StoreError> {
    let mut stream = txn.execute(query).await.map_err(driver_error)?;
    let mut rows = Vec::new();
    while let Some(row) = stream.next(txn.handle()).await.map_err(driver_error)? {
        rows.push(row);
    }
    Ok(rows)
}

async fn count(txn: &mut Txn, text: &str) -> Result<i64, StoreError> {
    let rows = collect(txn, query(text)).await?;
    rows.first().map(|row| column(row, "c")).transpose().map(|count| count.unwrap_or(0))
}

async fn ids_of(txn: &mut Txn, text: &str, ids: &[String]) -> Result<BTreeSet<String>, StoreError> {
    let mut found = BTreeSet::new();
    for chunk in ids.chunks(CHUNK) {
        for row in collect(txn, query(text).param("ids", chunk.to_vec())).await? {
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

/// The stored `(type, json)` of each of `ids` that exists, whatever its type among `held`.
async fn stored_edges(txn: &mut Txn, ids: &[String], held: &[EdgeType]) -> Result<HashMap<String, (EdgeType, String)>, StoreError> {
    let mut found = HashMap::new();
    if ids.is_empty() {
        return Ok(found);
    }
    for edge_type in held {
        let text = cypher::stored_edges(*edge_type);
        for chunk in ids.chunks(EDGE_ID_CHUNK) {
            for row in collect(txn, query(&text).param("ids", chunk.to_vec())).await? {
                found.insert(column::<String>(&row, "id")?, (*edge_type, column::<String>(&row, "json")?));
            }
        }
    }
    Ok(found)
}

async fn delete_edges(txn: &mut Txn, edges: &[(EdgeType, String)]) -> Result<(), StoreError> {
    let mut by_type: BTreeMap<EdgeType, Vec<String>> = BTreeMap::new();
    for (edge_type, id) in edges {
        by_type.entry(*edge_type).or_default().push(id.clone());
    }
    for (edge_type, ids) in by_type {
        let text = cypher::delete_edges(edge_type);
        for chunk in ids.chunks(EDGE_ID_CHUNK) {
            txn.run(query(&text).param("ids", chunk.to_vec())).await.map_err(driver_error)?;
        }
    }
    Ok(())
}

async fn run_chunks(txn: &mut Txn, text: &str, rows: &[Params]) -> Result<(), StoreError> {
    for chunk in rows.chunks(CHUNK) {
        txn.run(query(text).param("rows", chunk.to_vec())).await.map_err(driver_error)?;
    }
    Ok(())
}

fn encode<T: serde::Serialize>(record: &T) -> Result<String, StoreError> {
    serde_json::to_string(record).map_err(|err| StoreError::Backend { backend: "bolt", reason: err.to_string() })
}

fn node_row(node: &NodeRecord, json: String) -> Params {
    HashMap::from([
        ("id".to_owned(), BoltType::from(node.id.as_str())),
        ("kind".to_owned(), BoltType::from(node.kind.as_str())),
        ("name".to_owned(), BoltType::from(node.name.as_str())),
        ("json".to_owned(), BoltType::from(json)),
        ("terms".to_owned(), BoltType::from(index_terms(node))),
    ])
}

fn edge_row(edge: &EdgeRecord, json: String) -> Params {
    HashMap::from([
        ("id".to_owned(), BoltType::from(edge.id.as_str())),
        ("source".to_owned(), BoltType::from(edge.source.as_str())),
        ("target".to_owned(), BoltType::from(edge.target.as_str())),
        ("json".to_owned(), BoltType::from(json)),
    ])
}

/// Writes `batch` into `txn`; the caller commits or rolls back.
pub async fn write_batch(txn: &mut Txn, batch: Batch) -> Result<WriteSummary, StoreError> {
    let mut summary = WriteSummary::default();
    // Taken before any write of this batch: deletes only shrink it, so it stays a superset.
    let held = if batch.edges.is_empty() && batch.delete_edges.is_empty() { Vec::new() } else { edge_types_held(txn).await? };

    let doomed_edges = stored_edges(txn, &strings(&batch.delete_edges), &held).await?;
    summary.edges_deleted += doomed_edges.len() as u64;
    delete_edges(txn, &doomed_edges.into_iter().map(|(id, (edge_type, _))| (edge_type, id)).collect::<Vec<_>>()).await?;

    let doomed_nodes = strings(&batch.delete_nodes);
    if !doomed_nodes.is_empty() {
        summary.edges_deleted += ids_of(txn, cypher::INCIDENT_EDGE_IDS, &doomed_nodes).await?.len() as u64;
        summary.nodes_deleted += ids_of(txn, cypher::EXISTING_NODE_IDS, &doomed_nodes).await?.len() as u64;
        for chunk in doomed_nodes.chunks(CHUNK) {
            txn.run(query(cypher::DETACH_DELETE_NODES).param("ids", chunk.to_vec())).await.map_err(driver_error)?;
        }
    }

    write_nodes(txn, &batch.nodes, &mut summary).await?;
    write_edges(txn, &batch, &held, &mut summary).await?;
    Ok(summary)
}

/// Creates the new nodes and rewrites the changed ones.
async fn write_nodes(txn: &mut Txn, nodes: &[NodeRecord], summary: &mut WriteSummary) -> Result<(), StoreError> {
    if nodes.is_empty() {
        return Ok(());
    }
    // (kind, json) of the stored nodes among `nodes`; an empty store needs no lookup.
    let mut stored: HashMap<String, (String, String)> = HashMap::new();
    if count(txn, cypher::COUNT_NODES).await? > 0 {
        let ids = strings(&nodes.iter().map(|node| node.id.clone()).collect::<Vec<_>>());
        for chunk in ids.chunks(CHUNK) {
            for row in collect(txn, query(cypher::STORED_NODES).param("ids", chunk.to_vec())).await? {
                stored.insert(column(&row, "id")?, (column(&row, "kind")?, column(&row, "json")?));
            }
        }
    }
    let mut current: HashMap<&str, String> = stored.iter().map(|(id, (_, json))| (id.as_str(), json.clone())).collect();
    let mut last: BTreeMap<&str, (&NodeRecord, String)> = BTreeMap::new();
    for node in nodes {
        let json = encode(node)?;
        match current.get(node.id.as_str()) {
            Some(previous) if *previous == json => summary.nodes_unchanged += 1,
            Some(_) => summary.nodes_updated += 1,
            None => summary.nodes_created += 1,
        }
        current.insert(node.id.as_str(), json.clone());
        last.insert(node.id.as_str(), (node, json));
    }
    let mut created: BTreeMap<NodeKind, Vec<Params>> = BTreeMap::new();
    let mut updated: Vec<Params> = Vec::new();
    for (id, (node, json)) in last {
        match stored.get(id) {
            None => created.entry(node.kind).or_default().push(node_row(node, json)),
            Some((_, old)) if *old == json => {}
            Some((kind, _)) if kind != node.kind.as_str() => {
                // A kind follows from the id, so validated data never gets here; labels are not rewritten.
                return Err(StoreError::Backend {
                    backend: "bolt",
                    reason: format!("node {id} is stored as {kind}, cannot become {}", node.kind),
                });
            }
            Some(_) => updated.push(node_row(node, json)),
        }
    }
    for (kind, rows) in created {
        run_chunks(txn, &cypher::create_nodes(kind), &rows).await?;
    }
    run_chunks(txn, cypher::UPDATE_NODES, &updated).await
}

/// Creates the new edges and replaces the changed ones (a relationship's ends and type cannot change
/// in place); fails with `MissingEndpoint` before writing any edge if an end is not a node.
async fn write_edges(txn: &mut Txn, batch: &Batch, held: &[EdgeType], summary: &mut WriteSummary) -> Result<(), StoreError> {
    if batch.edges.is_empty() {
        return Ok(());
    }
    let edge_ids = strings(&batch.edges.iter().map(|edge| edge.id.clone()).collect::<Vec<_>>());
    let stored = stored_edges(txn, &edge_ids, held).await?;
    let mut state: HashMap<&str, String> = stored.iter().map(|(id, (_, json))| (id.as_str(), json.clone())).collect();
    let mut final_edges: BTreeMap<&str, (&EdgeRecord, String)> = BTreeMap::new();
    for edge in &batch.edges {
        let json = encode(edge)?;
        match state.get(edge.id.as_str()) {
            Some(old) if *old == json => summary.edges_unchanged += 1,
            Some(_) => summary.edges_updated += 1,
            None => summary.edges_created += 1,
        }
        state.insert(edge.id.as_str(), json.clone());
        final_edges.insert(edge.id.as_str(), (edge, json));
    }
    // Edges whose final record equals the stored one stay; the others are replaced.
    final_edges.retain(|id, (_, json)| stored.get(*id).is_none_or(|(_, old)| old != json));
    let replaced: Vec<(EdgeType, String)> =
        final_edges.keys().filter_map(|id| stored.get(*id).map(|(edge_type, _)| (*edge_type, (*id).to_owned()))).collect();
    delete_edges(txn, &replaced).await?;

    // The batch's own nodes exist by now; only the other ends need a look.
    let written: HashSet<&str> = batch.nodes.iter().map(|node| node.id.as_str()).collect();
    let others: Vec<String> = final_edges
        .values()
        .flat_map(|(edge, _)| [edge.source.as_str(), edge.target.as_str()])
        .filter(|id| !written.contains(id))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let present = ids_of(txn, cypher::EXISTING_NODE_IDS, &others).await?;
    let exists = |id: &str| written.contains(id) || present.contains(id);
    if let Some((edge, _)) = final_edges.values().find(|(edge, _)| !exists(edge.source.as_str()) || !exists(edge.target.as_str())) {
        let node = if exists(edge.source.as_str()) { &edge.target } else { &edge.source };
        return Err(StoreError::MissingEndpoint { edge: edge.id.to_string(), node: node.to_string() });
    }

    let mut rows_by_type: BTreeMap<EdgeType, Vec<Params>> = BTreeMap::new();
    for (edge, json) in final_edges.into_values() {
        rows_by_type.entry(edge.edge_type).or_default().push(edge_row(edge, json));
    }
    for (edge_type, rows) in rows_by_type {
        let text = cypher::create_edges(edge_type);
        for chunk in rows.chunks(CHUNK) {
            let created = collect(txn, query(&text).param("rows", chunk.to_vec())).await?;
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
