//! The write path of the Bolt store: one `Batch` inside one explicit transaction, in `UNWIND` chunks.
//!
//! The summary counts the same way as the embedded store: records are taken in batch order, and a
//! record equal (as JSON) to what is stored is "unchanged". An edge whose endpoint does not exist after
//! the batch's node writes fails the whole batch with `StoreError::MissingEndpoint`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use neo4rs::{BoltType, Query, Row, Txn, query};
use partnergraph_schema::text::index_terms;
use partnergraph_schema::{EdgeRecord, EdgeType, NodeKind, NodeRecord};

use crate::store::bolt::{column, cypher, driver_error, strings};
use crate::store::{Batch, StoreError, WriteSummary};

/// Rows per `UNWIND` statement.
const CHUNK: usize = 5000;

async fn collect(txn: &mut Txn, query: Query) -> Result<Vec<Row>, StoreError> {
    let mut stream = txn.execute(query).await.map_err(driver_error)?;
    let mut rows = Vec::new();
    while let Some(row) = stream.next(txn.handle()).await.map_err(driver_error)? {
        rows.push(row);
    }
    Ok(rows)
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

/// The stored `(type, json)` of each of `ids` that exists, whatever its type.
async fn stored_edges(txn: &mut Txn, ids: &[String]) -> Result<HashMap<String, (EdgeType, String)>, StoreError> {
    let mut found = HashMap::new();
    if ids.is_empty() {
        return Ok(found);
    }
    for edge_type in EdgeType::ALL {
        for chunk in ids.chunks(CHUNK) {
            for row in collect(txn, query(&cypher::edges_by_id(*edge_type)).param("ids", chunk.to_vec())).await? {
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
        for chunk in ids.chunks(CHUNK) {
            txn.run(query(&cypher::delete_edges(edge_type)).param("ids", chunk.to_vec())).await.map_err(driver_error)?;
        }
    }
    Ok(())
}

fn encode<T: serde::Serialize>(record: &T) -> Result<String, StoreError> {
    serde_json::to_string(record).map_err(|err| StoreError::Backend { backend: "bolt", reason: err.to_string() })
}

fn node_row(node: &NodeRecord, json: String) -> HashMap<String, BoltType> {
    HashMap::from([
        ("id".to_owned(), BoltType::from(node.id.as_str())),
        ("kind".to_owned(), BoltType::from(node.kind.as_str())),
        ("name".to_owned(), BoltType::from(node.name.as_str())),
        ("json".to_owned(), BoltType::from(json)),
        ("terms".to_owned(), BoltType::from(index_terms(node))),
    ])
}

fn edge_row(edge: &EdgeRecord, json: String) -> HashMap<String, BoltType> {
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

    let doomed_edges = stored_edges(txn, &strings(&batch.delete_edges)).await?;
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

    let mut current: HashMap<String, String> = HashMap::new();
    let node_ids = strings(&batch.nodes.iter().map(|node| node.id.clone()).collect::<Vec<_>>());
    for chunk in node_ids.chunks(CHUNK) {
        for row in collect(txn, query(cypher::NODES_BY_ID).param("ids", chunk.to_vec())).await? {
            current.insert(column(&row, "id")?, column(&row, "json")?);
        }
    }
    let mut changed_nodes: BTreeMap<String, (NodeKind, HashMap<String, BoltType>)> = BTreeMap::new();
    for node in &batch.nodes {
        let json = encode(node)?;
        match current.get(node.id.as_str()) {
            Some(stored) if *stored == json => summary.nodes_unchanged += 1,
            Some(_) => summary.nodes_updated += 1,
            None => summary.nodes_created += 1,
        }
        current.insert(node.id.to_string(), json.clone());
        changed_nodes.insert(node.id.to_string(), (node.kind, node_row(node, json)));
    }
    let mut rows_by_kind: BTreeMap<NodeKind, Vec<HashMap<String, BoltType>>> = BTreeMap::new();
    for (_, (kind, row)) in changed_nodes {
        rows_by_kind.entry(kind).or_default().push(row);
    }
    for (kind, rows) in rows_by_kind {
        for chunk in rows.chunks(CHUNK) {
            txn.run(query(&cypher::upsert_nodes(kind)).param("rows", chunk.to_vec())).await.map_err(driver_error)?;
        }
    }

    let edge_ids = strings(&batch.edges.iter().map(|edge| edge.id.clone()).collect::<Vec<_>>());
    let stored = stored_edges(txn, &edge_ids).await?;
    let mut state: HashMap<String, String> = stored.iter().map(|(id, (_, json))| (id.clone(), json.clone())).collect();
    let mut final_edges: BTreeMap<String, &EdgeRecord> = BTreeMap::new();
    for edge in &batch.edges {
        let json = encode(edge)?;
        match state.get(edge.id.as_str()) {
            Some(old) if *old == json => summary.edges_unchanged += 1,
            Some(_) => summary.edges_updated += 1,
            None => summary.edges_created += 1,
        }
        state.insert(edge.id.to_string(), json);
        final_edges.insert(edge.id.to_string(), edge);
    }
    // Edges whose final record equals the stored one stay; the others are replaced.
    final_edges.retain(|id, edge| stored.get(id).is_none_or(|(_, json)| encode(*edge).is_ok_and(|new| new != *json)));
    let replaced: Vec<(EdgeType, String)> =
        final_edges.keys().filter_map(|id| stored.get(id).map(|(edge_type, _)| (*edge_type, id.clone()))).collect();
    delete_edges(txn, &replaced).await?;

    let endpoints: Vec<String> = final_edges
        .values()
        .flat_map(|edge| [edge.source.to_string(), edge.target.to_string()])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let present = ids_of(txn, cypher::EXISTING_NODE_IDS, &endpoints).await?;
    if let Some(edge) = final_edges.values().find(|edge| !present.contains(edge.source.as_str()) || !present.contains(edge.target.as_str()))
    {
        let node = if present.contains(edge.source.as_str()) { &edge.target } else { &edge.source };
        return Err(StoreError::MissingEndpoint { edge: edge.id.to_string(), node: node.to_string() });
    }
    let mut rows_by_type: BTreeMap<EdgeType, Vec<HashMap<String, BoltType>>> = BTreeMap::new();
    for edge in final_edges.values() {
        rows_by_type.entry(edge.edge_type).or_default().push(edge_row(edge, encode(*edge)?));
    }
    for (edge_type, rows) in rows_by_type {
        for chunk in rows.chunks(CHUNK) {
            let created = collect(txn, query(&cypher::create_edges(edge_type)).param("rows", chunk.to_vec())).await?;
            let count: i64 = created.first().map(|row| column(row, "c")).transpose()?.unwrap_or(0);
            if usize::try_from(count).ok() != Some(chunk.len()) {
                return Err(StoreError::Backend {
                    backend: "bolt",
                    reason: format!("created {count} of {} {edge_type} edges", chunk.len()),
                });
            }
        }
    }
    Ok(summary)
}
