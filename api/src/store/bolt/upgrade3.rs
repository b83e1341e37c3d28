//! The upgrade from layout 2 to layout 3 (`layout.rs`): every node's `Term`s written again with its names
//! (what search ranks by), and every edge given its adjacency entries (`adjacency.rs`).
//!
//! Layout 2 leaves nothing to tell an upgraded record from one still to do (a `Term` without names may
//! be a node without aliases, an edge without entries cannot be found from an index), so the upgrade
//! walks the records in id order, a batch per transaction, and records how far it got in the `Layout`
//! record (`upgrade`: the phase, `after`: the last id done) in the same transaction as the batch: a run
//! that stops (killed, server gone) resumes after the last batch that committed. Each batch first deletes
//! what it is about to write, so running one again is exact. Phases: the nodes, then the edges type by
//! type. The version is recorded (and the progress dropped) by the caller once all are done.

use futures_util::future::BoxFuture;
use neo4rs::Txn;
use partnergraph_schema::{EdgeRecord, EdgeType, NodeRecord};

use crate::store::StoreError;
use crate::store::bolt::statement::{self, query};
use crate::store::bolt::write::{run_chunks, term_rows};
use crate::store::bolt::{BoltStore, Write, adjacency, column, cypher, decode};

/// Nodes per transaction.
const NODE_BATCH: usize = 2_000;
/// Edges per transaction.
const EDGE_BATCH: usize = 5_000;
/// The name of the nodes' phase (the edges' phases are their types' names).
const NODES: &str = "nodes";

/// `(phase, after)` recorded by the last batch that committed (no row, or nulls: none did).
const PROGRESS: &str = "MATCH (l:Layout {name: 'partnergraph'}) RETURN l.upgrade AS phase, l.after AS after";
/// Records `$phase` and `$after` as done.
const SET_PROGRESS: &str = "MATCH (l:Layout {name: 'partnergraph'}) SET l.upgrade = $phase, l.after = $after";
/// `$after`, `$limit` → `(id, json)` of nodes after `$after`, from the index on `Node.id` in its order.
const NODES_AFTER: &str = "MATCH (n:Node) WHERE n.id > $after RETURN n.id AS id, n.json AS json LIMIT $limit";
/// [`NODES_AFTER`] sorted by the server: the fallback for a server that answers out of index order.
const NODES_AFTER_SORTED: &str = "MATCH (n:Node) WHERE n.id > $after RETURN n.id AS id, n.json AS json ORDER BY n.id LIMIT $limit";

/// `$after`, `$limit` → `(id, json)` of the edges of one type after `$after`, from the index on `r.id`
/// in its order (`ORDER BY r.id` when `sorted`).
fn edges_after(edge_type: EdgeType, sorted: bool) -> String {
    let order = if sorted { " ORDER BY r.id" } else { "" };
    format!("MATCH ()-[r:{}]->() WHERE r.id > $after RETURN r.id AS id, r.json AS json{order} LIMIT $limit", edge_type.as_str())
}

/// One batch of one phase, `(id, json)` in id order, upgraded in one transaction with its progress.
struct Batch {
    phase: String,
    records: Vec<(String, String)>,
}

impl Write for Batch {
    type Done = ();

    fn run<'t>(&'t self, txn: &'t mut Txn) -> BoxFuture<'t, Result<(), StoreError>> {
        Box::pin(async move {
            let ids: Vec<String> = self.records.iter().map(|(id, _)| id.clone()).collect();
            let mut rows = Vec::new();
            if self.phase == NODES {
                for (id, json) in &self.records {
                    rows.extend(term_rows(&decode::<NodeRecord>(id, json)?));
                }
                statement::run(txn, query(cypher::DELETE_TERMS).param("ids", ids.clone())).await?;
                run_chunks(txn, cypher::CREATE_TERMS, &rows).await?;
            } else {
                let mut keys = Vec::new();
                for (id, json) in &self.records {
                    let edge = decode::<EdgeRecord>(id, json)?;
                    keys.push(adjacency::out_key(&edge));
                    rows.push(adjacency::row(&edge)?);
                }
                statement::run(txn, query(adjacency::DELETE).param("keys", keys)).await?;
                run_chunks(txn, adjacency::CREATE, &rows).await?;
            }
            let last = ids.last().cloned().unwrap_or_default();
            statement::run(txn, query(SET_PROGRESS).param("phase", self.phase.as_str()).param("after", last)).await
        })
    }
}

impl BoltStore {
    /// Layout 2 → 3, from where an earlier run stopped; returns how many nodes and edges this run upgraded.
    /// The `Layout` record must exist.
    pub(crate) async fn upgrade_to_3(&self) -> Result<(u64, u64), StoreError> {
        let rows = self.rows(query(PROGRESS)).await?;
        let recorded: Option<(String, String)> = match rows.first() {
            Some(row) => column::<Option<String>>(row, "phase")?.zip(column::<Option<String>>(row, "after")?),
            None => None,
        };
        let phases: Vec<&str> = std::iter::once(NODES).chain(EdgeType::ALL.iter().map(|edge_type| edge_type.as_str())).collect();
        let start = recorded.as_ref().and_then(|(phase, _)| phases.iter().position(|name| name == phase)).unwrap_or(0);
        let (mut nodes, mut edges) = (0, 0);
        for (index, phase) in phases.iter().enumerate().skip(start) {
            let after = recorded.as_ref().filter(|_| index == start).map(|(_, after)| after.clone()).unwrap_or_default();
            let done = match EdgeType::ALL.iter().find(|edge_type| edge_type.as_str() == *phase) {
                None => self.upgrade_phase(phase, [NODES_AFTER.to_owned(), NODES_AFTER_SORTED.to_owned()], NODE_BATCH, after).await?,
                Some(edge_type) => {
                    let texts = [edges_after(*edge_type, false), edges_after(*edge_type, true)];
                    self.upgrade_phase(phase, texts, EDGE_BATCH, after).await?
                }
            };
            if *phase == NODES { nodes += done } else { edges += done }
        }
        Ok((nodes, edges))
    }

    /// Upgrades the records that `texts` (in index order, then sorted by the server) find after `after`, a
    /// batch per transaction; returns how many.
    async fn upgrade_phase(&self, phase: &str, texts: [String; 2], batch: usize, mut after: String) -> Result<u64, StoreError> {
        let limit = i64::try_from(batch).unwrap_or(i64::MAX);
        let (mut done, mut sorted) = (0u64, false);
        loop {
            let text = &texts[usize::from(sorted)];
            let rows = self.rows(query(text).param("after", after.as_str()).param("limit", limit)).await?;
            let records = rows
                .iter()
                .map(|row| Ok((column(row, "id")?, column(row, "json")?)))
                .collect::<Result<Vec<(String, String)>, StoreError>>()?;
            let mut previous = after.as_str();
            let in_order = records.iter().all(|(id, _)| {
                let rising = id.as_str() > previous;
                previous = id;
                rising
            });
            if !in_order {
                if sorted {
                    return Err(StoreError::Backend {
                        backend: "bolt",
                        reason: format!("migrate: {phase} came out of id order, even sorted"),
                    });
                }
                tracing::warn!(phase, "bolt migrate: the index answered out of id order, sorting on the server instead");
                sorted = true;
                continue;
            }
            let Some((last, _)) = records.last() else { return Ok(done) };
            after = last.clone();
            let count = records.len() as u64;
            self.transact(&Batch { phase: phase.to_owned(), records }).await?;
            done += count;
            tracing::info!(phase, done, "bolt migrate: records moved to layout 3");
        }
    }
}
