//! Frontier expansion over the adjacency table: a k-way merge of the (node, type) key ranges, in edge id
//! order, that stops as soon as the page is full.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};

use partnergraph_schema::{EdgeLink, EdgeType, NodeId};
use redb::ReadTransaction;

use crate::store::codec::code;
use crate::store::embedded::{ADJACENCY, EDGES, backend_error, decode};
use crate::store::{Direction, EdgeFilter, StoreError};

/// The index of an edge type in the adjacency key: its vocabulary code, as records store it.
pub(crate) fn type_index(edge_type: EdgeType) -> u8 {
    code(EdgeType::ALL, edge_type)
}

/// The edges touching `frontier` that pass `filter`, with id > `after`, in id order, at most `limit`.
pub(crate) fn expand(
    txn: &ReadTransaction,
    frontier: &[NodeId],
    filter: &EdgeFilter,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<EdgeLink>, StoreError> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let adjacency = txn.open_table(ADJACENCY).map_err(backend_error)?;
    let edges = txn.open_table(EDGES).map_err(backend_error)?;
    let types: Vec<u8> = if filter.types.is_empty() {
        (0..EdgeType::ALL.len() as u8).collect()
    } else {
        filter.types.iter().map(|t| type_index(*t)).collect()
    };
    let lower = after.unwrap_or("");

    let mut ranges = Vec::new();
    for node in frontier {
        for edge_type in &types {
            let start = (node.as_str(), *edge_type, lower);
            let end = (node.as_str(), edge_type.saturating_add(1), "");
            ranges.push(adjacency.range(start..end).map_err(backend_error)?);
        }
    }
    // Min-heap of (edge id, range index), refilled from each range as it is consumed.
    let mut heap = BinaryHeap::new();
    for (idx, range) in ranges.iter_mut().enumerate() {
        if let Some(entry) = range.next() {
            let (key, _) = entry.map_err(backend_error)?;
            heap.push(Reverse((key.value().2.to_owned(), idx)));
        }
    }
    // The frontier as a set, when the filter has a direction to check.
    let members: Option<HashSet<&NodeId>> = (filter.direction != Direction::Both).then(|| frontier.iter().collect());
    let mut found = Vec::new();
    let mut last: Option<String> = None;
    while let Some(Reverse((edge_id, idx))) = heap.pop() {
        if let Some(entry) = ranges[idx].next() {
            let (key, _) = entry.map_err(backend_error)?;
            heap.push(Reverse((key.value().2.to_owned(), idx)));
        }
        if after.is_some_and(|after| edge_id.as_str() <= after) || last.as_deref() == Some(edge_id.as_str()) {
            continue;
        }
        let Some(value) = edges.get(edge_id.as_str()).map_err(backend_error)? else {
            return Err(StoreError::Corrupt { key: edge_id, reason: "adjacency names an edge that does not exist".into() });
        };
        let edge: EdgeLink = decode(&edge_id, value.value())?;
        last = Some(edge_id);
        let follows = members.as_ref().is_none_or(|members| filter.follows(members.contains(&edge.source), members.contains(&edge.target)));
        if follows && filter.matches(&edge, true, true) {
            found.push(edge);
            if found.len() >= limit {
                break;
            }
        }
    }
    Ok(found)
}
