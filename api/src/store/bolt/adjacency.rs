//! The adjacency index of the Bolt store (layout 3): each edge listed under both its ends, so that a
//! node's edges come in id order from an index, and a hub costs the page read, not its degree.
//!
//! Every edge has one `(:Adj {outKey, inKey, type, fromDay, toDay, from, to, role, iatiRole, amountUsd})`:
//! `outKey` is the source's id, a NUL and the edge's id, `inKey` the same with the target (ids hold no
//! control characters), each with a range index, so a scan of `outKey` from `node NUL` yields the edges
//! leaving that node in edge-id order, one of `inKey` those arriving. The entry holds the edge's link
//! ([`EdgeLink`]: the keys give the id and both ends, the other properties the rest, nulls not stored)
//! and the typed `fromDay`/`toDay` (`write::typed_edge`), so a page is filtered and answered from the
//! entries alone, without reading a relationship. One entry per edge, with scalar properties only, keeps
//! a file's transaction small (an edge's entry is about a third of its relationship). `outKey` also finds
//! an edge's entry when it changes or goes. The write path keeps the entries with the relationships
//! (`write.rs`), in the same transaction.
//!
//! ArcadeDB (26.10) serves `a.outKey STARTS WITH $p` from the index, in key order, and stops at a `LIMIT`
//! (`PROFILE`: `NodeIndexRangeScan(a:Adj)`), but only when `$p` is a parameter: the same predicate on an
//! `UNWIND` variable, in `CALL {}` or not, scans every `Adj`. So one statement asks for many nodes with a
//! `UNION ALL` of one such scan per node and side, each with its own `LIMIT`, and the client merges the
//! pages; it checks the key order of each, and falls back to the relationship statement
//! (`cypher::expand`, which sorts on the server) if a server answers otherwise.

use std::collections::HashMap;

use neo4rs::BoltType;
use partnergraph_schema::{EdgeLink, EdgeRecord, NodeId, PartialDate};
use serde_json::{Map, Value};

use crate::store::bolt::statement::query;
use crate::store::bolt::write::{day_number, typed_edge};
use crate::store::bolt::{BoltStore, MAX_LIMIT, column, strings};
use crate::store::{Direction, EdgeFilter, StoreError};

/// The indexes of the adjacency entries: one per side, each serving its range scans and the lookups of
/// an edge's entry (by `outKey`).
pub const SCHEMA: [&str; 2] =
    ["CREATE INDEX adj_out IF NOT EXISTS FOR (a:Adj) ON (a.outKey)", "CREATE INDEX adj_in IF NOT EXISTS FOR (a:Adj) ON (a.inKey)"];

/// Creates `$rows` ([`row`]) as adjacency entries (nulls are not stored).
pub const CREATE: &str = "UNWIND $rows AS row CREATE (:Adj {outKey: row.outKey, inKey: row.inKey, type: row.type, \
     fromDay: row.fromDay, toDay: row.toDay, from: row.from, to: row.to, role: row.role, iatiRole: row.iatiRole, amountUsd: row.amountUsd})";

/// Deletes the adjacency entries whose `outKey` is in `$keys` ([`out_key`]).
pub const DELETE: &str = "UNWIND $keys AS wanted MATCH (a:Adj {outKey: wanted}) DELETE a";

/// Range scans per statement: the `UNION ALL` has one branch per node and side.
const BRANCHES: usize = 64;

/// The fields of an edge's JSON that its entry keeps as properties of the same names (the rest of its
/// link comes from the keys and the type).
const LINK_FIELDS: [&str; 5] = ["from", "to", "role", "iatiRole", "amountUsd"];

/// One side of a node's edges: the key its scan runs over.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Side {
    /// Edges leaving the node (`outKey`).
    Out,
    /// Edges arriving at it (`inKey`).
    In,
}

impl Side {
    fn key(self) -> &'static str {
        match self {
            Side::Out => "outKey",
            Side::In => "inKey",
        }
    }
}

/// One branch of [`page_statement`]: the entries of the node `$p<i>` (its id and a NUL) on `side`, with
/// keys after `$a<i>`, that pass the filter, at most `$limit`, in key order.
fn branch(i: usize, side: Side) -> String {
    let key = side.key();
    format!(
        "MATCH (a:Adj) WHERE a.{key} STARTS WITH $p{i} AND a.{key} > $a{i} \
         AND (size($types) = 0 OR a.type IN $types) \
         AND ($asOfLast IS NULL OR a.fromDay IS NULL OR a.fromDay <= $asOfLast) \
         AND ($asOfFirst IS NULL OR a.toDay IS NULL OR a.toDay >= $asOfFirst) \
         RETURN {i} AS branch, a.outKey AS outKey, a.inKey AS inKey, a.type AS type, a.from AS from, a.to AS to, \
         a.role AS role, a.iatiRole AS iatiRole, a.amountUsd AS amountUsd LIMIT $limit"
    )
}

/// `$p0…`, `$a0…` (one per branch), `$types`, `$asOfFirst`, `$asOfLast`, `$limit` → the entries of the
/// first `$limit` matching edges of each of `sides`' nodes and sides, branch after branch, as `branch`
/// (the side's position in `sides`), `outKey`, `inKey` and the link's other fields.
fn page_statement(sides: &[Side]) -> String {
    sides.iter().enumerate().map(|(i, side)| branch(i, *side)).collect::<Vec<_>>().join(" UNION ALL ")
}

/// The key of an entry on one side: the node's id, a NUL, the edge's id.
fn key(node: &str, edge: &str) -> String {
    format!("{node}\u{0}{edge}")
}

/// The `outKey` of the entry of `edge`, which finds it.
pub(crate) fn out_key(edge: &EdgeRecord) -> String {
    key(edge.source.as_str(), edge.id.as_str())
}

/// The row of [`CREATE`] for `edge`.
pub(crate) fn row(edge: &EdgeRecord) -> Result<HashMap<String, BoltType>, StoreError> {
    let json = serde_json::to_value(edge).map_err(|err| StoreError::Backend { backend: "bolt", reason: err.to_string() })?;
    let mut row = typed_edge(edge);
    row.remove("role");
    row.remove("iatiRole");
    row.extend([
        ("outKey".to_owned(), BoltType::from(out_key(edge))),
        ("inKey".to_owned(), BoltType::from(key(edge.target.as_str(), edge.id.as_str()))),
    ]);
    for field in LINK_FIELDS {
        let value = match json.get(field) {
            Some(Value::String(text)) => BoltType::from(text.as_str()),
            Some(Value::Number(number)) => BoltType::from(number.as_f64()),
            _ => BoltType::from(None::<String>),
        };
        row.insert(field.to_owned(), value);
    }
    Ok(row)
}

/// The link of one page row: id and ends from the keys, the rest from the entry's properties, read as
/// the edge's JSON would be (so the link equals the one decoded from the record).
fn link(row: &neo4rs::Row, out: &str, inward: &str) -> Result<EdgeLink, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt { key: out.to_owned(), reason };
    let (Some((source, id)), Some((target, _))) = (out.split_once('\u{0}'), inward.split_once('\u{0}')) else {
        return Err(corrupt("an adjacency key without a NUL".to_owned()));
    };
    let mut fields = Map::new();
    fields.insert("id".to_owned(), Value::from(id));
    fields.insert("type".to_owned(), Value::from(column::<String>(row, "type")?));
    fields.insert("source".to_owned(), Value::from(source));
    fields.insert("target".to_owned(), Value::from(target));
    for field in ["from", "to", "role", "iatiRole"] {
        if let Some(text) = column::<Option<String>>(row, field)? {
            fields.insert(field.to_owned(), Value::from(text));
        }
    }
    if let Some(amount) = column::<Option<f64>>(row, "amountUsd")? {
        fields.insert("amountUsd".to_owned(), Value::from(amount));
    }
    serde_json::from_value(Value::Object(fields)).map_err(|err| corrupt(err.to_string()))
}

impl BoltStore {
    /// `GraphRead::expand_page` from the adjacency index: each frontier node's first `limit` matching
    /// edges after `after` on each side the direction asks for, merged, each once, in id order, the first
    /// `limit`. `None` when the server answered a scan out of key order (then the caller asks otherwise).
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
        let sides: &[Side] = match filter.direction {
            Direction::Both => &[Side::Out, Side::In],
            Direction::Out => &[Side::Out],
            Direction::In => &[Side::In],
        };
        let scans: Vec<(&str, Side)> = nodes.iter().flat_map(|node| sides.iter().map(move |side| (node.as_str(), *side))).collect();
        let types: Vec<String> = filter.types.iter().map(|edge_type| edge_type.as_str().to_owned()).collect();
        let day = |day: fn(PartialDate) -> partnergraph_schema::date::Day| BoltType::from(filter.as_of.map(|as_of| day_number(day(as_of))));
        let mut links: Vec<EdgeLink> = Vec::new();
        for chunk in scans.chunks(BRANCHES) {
            let chunk_sides: Vec<Side> = chunk.iter().map(|(_, side)| *side).collect();
            let mut text = query(&page_statement(&chunk_sides))
                .param("types", types.clone())
                .param("asOfFirst", day(PartialDate::first_day))
                .param("asOfLast", day(PartialDate::last_day))
                .param("limit", i64::try_from(limit.min(MAX_LIMIT)).unwrap_or(i64::MAX));
            for (i, (node, _)) in chunk.iter().enumerate() {
                let prefix = key(node, "");
                text = text
                    .param(&format!("a{i}"), after.map_or_else(|| prefix.clone(), |after| key(node, after)))
                    .param(&format!("p{i}"), prefix);
            }
            let mut last: Option<(i64, String)> = None;
            for row in self.rows(text).await? {
                let branch: i64 = column(&row, "branch")?;
                let (out, inward): (String, String) = (column(&row, "outKey")?, column(&row, "inKey")?);
                let scanned = match usize::try_from(branch).ok().and_then(|branch| chunk_sides.get(branch)) {
                    Some(Side::Out) => &out,
                    Some(Side::In) => &inward,
                    None => return Ok(None),
                };
                // Within a branch, keys must rise.
                if last.as_ref().is_some_and(|(last_branch, last_key)| *last_branch == branch && last_key >= scanned) {
                    return Ok(None);
                }
                links.push(link(&row, &out, &inward)?);
                last = Some((branch, scanned.clone()));
            }
        }
        links.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        links.dedup_by(|a, b| a.id == b.id);
        links.truncate(limit);
        Ok(Some(links))
    }
}
