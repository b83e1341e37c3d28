//! The adjacency index of the Bolt store (layout 3): each edge listed under each of its ends, so that a
//! node's edges come in id order from an index, and a hub costs the page read, not its degree.
//!
//! Every edge has one `(:Adj {key, edge, type, dir, fromDay, toDay, link})` per end: `key` is the end's
//! node id, a NUL and the edge's id (ids hold no control characters), so a range scan of the index on
//! `key` from `node NUL` yields that node's edges in edge-id order; `dir` says which end the node is
//! (`out`: the source, `in`: the target, `self`: both, one entry); `type`, `fromDay` and `toDay` are the
//! edge's typed properties (`write::typed_edge`), so the scan filters without reading the edge; `link` is
//! the edge's JSON without its sources and claims: an [`EdgeLink`], all a walk needs. `edge` finds the
//! entries of an edge when it changes or goes. The write path keeps them with the relationships
//! (`write.rs`), in the same transaction.
//!
//! ArcadeDB (26.10) serves `a.key STARTS WITH $p` from the index, in key order, and stops at a `LIMIT`
//! (`PROFILE`: `NodeIndexRangeScan(a:Adj) [index=adj_key, key >= $p < next($p)]`), but only when `$p` is a
//! parameter: the same predicate on an `UNWIND` variable, in `CALL {}` or not, scans every `Adj`. So one
//! statement asks for many nodes with a `UNION ALL` of one such scan per node, each with its own `LIMIT`,
//! and the client merges the pages; it checks the key order of each, and falls back to the relationship
//! statement (`cypher::expand`, which sorts on the server) if a server answers otherwise.

use std::collections::HashMap;

use neo4rs::{BoltType, query};
use partnergraph_schema::{EdgeLink, EdgeRecord, NodeId, PartialDate};

use crate::store::bolt::write::{day_number, encode, typed_edge};
use crate::store::bolt::{BoltStore, MAX_LIMIT, column, decode, strings};
use crate::store::{Direction, EdgeFilter, StoreError};

/// The indexes of the adjacency entries: by key (the range scan) and by edge (to delete an edge's).
pub const SCHEMA: [&str; 2] =
    ["CREATE INDEX adj_key IF NOT EXISTS FOR (a:Adj) ON (a.key)", "CREATE INDEX adj_edge IF NOT EXISTS FOR (a:Adj) ON (a.edge)"];

/// Creates `$rows` ([`rows`]) as adjacency entries (nulls are not stored).
pub const CREATE: &str = "UNWIND $rows AS row CREATE (:Adj {key: row.key, edge: row.edge, type: row.type, dir: row.dir, \
     fromDay: row.fromDay, toDay: row.toDay, link: row.link})";

/// Deletes the adjacency entries of the edges `$ids` (from the index on `edge`).
pub const DELETE: &str = "UNWIND $ids AS wanted MATCH (a:Adj {edge: wanted}) DELETE a";

/// Frontier nodes per statement: the `UNION ALL` has one branch per node.
const BRANCHES: usize = 32;

/// One branch of [`page_statement`]: the entries of the node `$p<i>` (its id and a NUL) with keys after
/// `$a<i>`, that pass the filter, at most `$limit`, in key order.
fn branch(i: usize) -> String {
    format!(
        "MATCH (a:Adj) WHERE a.key STARTS WITH $p{i} AND a.key > $a{i} \
         AND (size($types) = 0 OR a.type IN $types) AND ($skip IS NULL OR a.dir <> $skip) \
         AND ($asOfLast IS NULL OR a.fromDay IS NULL OR a.fromDay <= $asOfLast) \
         AND ($asOfFirst IS NULL OR a.toDay IS NULL OR a.toDay >= $asOfFirst) \
         RETURN a.key AS key, a.link AS link LIMIT $limit"
    )
}

/// `$p0…`, `$a0…` (one per node), `$types`, `$skip`, `$asOfFirst`, `$asOfLast`, `$limit` → `(key, link)`:
/// the first `$limit` matching edges of each of `nodes` frontier nodes, node after node.
pub fn page_statement(nodes: usize) -> String {
    (0..nodes).map(branch).collect::<Vec<_>>().join(" UNION ALL ")
}

/// The key of an adjacency entry: the node's id, a NUL, the edge's id.
fn key(node: &str, edge: &str) -> String {
    format!("{node}\u{0}{edge}")
}

/// The node id an entry's key starts with.
fn node_of(key: &str) -> &str {
    key.split('\u{0}').next().unwrap_or(key)
}

/// The rows of [`CREATE`] for `edge`: one per end, one for a loop.
pub(crate) fn rows(edge: &EdgeRecord) -> Result<Vec<HashMap<String, BoltType>>, StoreError> {
    let mut link = serde_json::to_value(edge).map_err(|err| StoreError::Backend { backend: "bolt", reason: err.to_string() })?;
    if let Some(fields) = link.as_object_mut() {
        fields.remove("sources");
        fields.remove("claims");
    }
    let link = encode(&link)?;
    let (source, target) = (edge.source.as_str(), edge.target.as_str());
    let ends: &[(&str, &str)] = if source == target { &[(source, "self")] } else { &[(source, "out"), (target, "in")] };
    Ok(ends
        .iter()
        .map(|(node, dir)| {
            let mut row = typed_edge(edge);
            row.remove("role");
            row.remove("iatiRole");
            row.extend([
                ("key".to_owned(), BoltType::from(key(node, edge.id.as_str()))),
                ("edge".to_owned(), BoltType::from(edge.id.as_str())),
                ("dir".to_owned(), BoltType::from(*dir)),
                ("link".to_owned(), BoltType::from(link.clone())),
            ]);
            row
        })
        .collect())
}

impl BoltStore {
    /// `GraphRead::expand_page` from the adjacency index: each frontier node's first `limit` matching
    /// edges after `after`, merged, each once, in id order, the first `limit`. `None` when the server
    /// answered a node's entries out of key order (then the caller asks otherwise).
    pub(crate) async fn adjacent_page(
        &self,
        frontier: &[NodeId],
        filter: &EdgeFilter,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Option<Vec<EdgeLink>>, StoreError> {
        let mut nodes = strings(frontier);
        nodes.sort_unstable();
        nodes.dedup();
        let types: Vec<String> = filter.types.iter().map(|edge_type| edge_type.as_str().to_owned()).collect();
        let skip = match filter.direction {
            Direction::Both => None,
            Direction::Out => Some("in"),
            Direction::In => Some("out"),
        };
        let day = |day: fn(PartialDate) -> partnergraph_schema::date::Day| BoltType::from(filter.as_of.map(|as_of| day_number(day(as_of))));
        let mut links: Vec<EdgeLink> = Vec::new();
        for chunk in nodes.chunks(BRANCHES) {
            let mut text = query(&page_statement(chunk.len()))
                .param("types", types.clone())
                .param("skip", skip)
                .param("asOfFirst", day(PartialDate::first_day))
                .param("asOfLast", day(PartialDate::last_day))
                .param("limit", i64::try_from(limit.min(MAX_LIMIT)).unwrap_or(i64::MAX));
            for (i, node) in chunk.iter().enumerate() {
                let prefix = key(node, "");
                text = text
                    .param(&format!("a{i}"), after.map_or_else(|| prefix.clone(), |after| key(node, after)))
                    .param(&format!("p{i}"), prefix);
            }
            let mut last: Option<String> = None;
            for row in self.rows(text).await? {
                let key: String = column(&row, "key")?;
                // Within a node's entries (which share the prefix up to the NUL) keys must rise.
                if last.as_ref().is_some_and(|last| node_of(last) == node_of(&key) && *last >= key) {
                    return Ok(None);
                }
                let json: String = column(&row, "link")?;
                links.push(decode(&key, &json)?);
                last = Some(key);
            }
        }
        links.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        links.dedup_by(|a, b| a.id == b.id);
        links.truncate(limit);
        Ok(Some(links))
    }
}
