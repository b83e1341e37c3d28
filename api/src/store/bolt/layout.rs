//! The layout of a Bolt database, its version, and the upgrade from older layouts
//! (`partnergraph migrate --store …`).
//!
//! The version is recorded in `(:Layout {name: 'partnergraph', version})`. A database with nodes but no
//! such record was written before versions were recorded: layout 1, whose nodes held their search terms
//! as a list property `terms` that no index serves, and whose edges held only `{id, json, version}`.
//! Layout 2 keeps the terms as `(:Term {key, id})` nodes with a range index (`cypher::TERM_SCHEMA`), and
//! gives every edge typed properties that statements filter on (`type`, `fromDay`, `toDay`, `role`,
//! `iatiRole`: `write::typed_edge`). Layout 3 gives each `Term` its node's names (what search ranks by)
//! and lists every edge under each of its ends in `(:Adj)` entries (`adjacency.rs`), so that search reads
//! no record it does not show and a hub's edges come a page at a time. [`BoltStore::connect`] records the
//! version on an empty database and refuses any other ([`StoreError::OldLayout`] names the command that
//! upgrades it).
//!
//! The upgrade from layout 1 records layout 1 in the `Layout` record, then walks the layout-1 nodes in id order, a batch per transaction: each batch writes the
//! nodes' `Term`s (computed from their records, as the write path computes them) and drops their `terms`
//! list, so a node is either upgraded or not, and a run that stops (killed, server gone) is resumed by
//! running the command again: it finds the nodes that still hold `terms`. Edges go the same way, type by
//! type in id order, found by their missing `type`. Then layout 2 → 3 (`upgrade3.rs`), which records its
//! progress in the `Layout` record. The version is recorded last. Servers of older builds must be
//! stopped meanwhile: they would write an older layout.

use futures_util::future::BoxFuture;
use std::collections::HashMap;

use neo4rs::{BoltType, Txn};
use partnergraph_schema::{EdgeRecord, EdgeType, NodeRecord};

use crate::store::StoreError;
use crate::store::bolt::statement::{self, query};
use crate::store::bolt::write::{run_chunks, term_rows, typed_edge};
use crate::store::bolt::{BoltConfig, BoltStore, Write, column, cypher, decode, driver_error};

/// The layout this build reads and writes.
pub(crate) const LAYOUT: u64 = 3;
/// Nodes upgraded per transaction.
const BATCH: usize = 2_000;
/// Edges upgraded per transaction (`r.id IN $ids` is linear in the list: `EDGE_ID_CHUNK`).
const EDGE_BATCH: usize = 1_000;

/// What `migrate` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MigrateSummary {
    /// The layout found (the current one when there was nothing to do).
    pub from: u64,
    /// The layout now recorded.
    pub to: u64,
    /// Nodes this run wrote in the current layout (their `Term`s with names).
    pub nodes: u64,
    /// Edges this run wrote in the current layout (their adjacency entries).
    pub edges: u64,
}

/// One batch of layout-1 nodes, `(id, json)`, upgraded in one transaction.
struct Upgrade {
    nodes: Vec<(String, String)>,
}

impl Write for Upgrade {
    type Done = ();

    fn run<'t>(&'t self, txn: &'t mut Txn) -> BoxFuture<'t, Result<(), StoreError>> {
        Box::pin(async move {
            let ids: Vec<String> = self.nodes.iter().map(|(id, _)| id.clone()).collect();
            let mut terms = Vec::new();
            for (id, json) in &self.nodes {
                terms.extend(term_rows(&decode::<NodeRecord>(id, json)?));
            }
            // No `Term` of these nodes exists (each batch commits whole); deleting first keeps a rerun exact.
            statement::run(txn, query(cypher::DELETE_TERMS).param("ids", ids.clone())).await?;
            run_chunks(txn, cypher::CREATE_TERMS, &terms).await?;
            statement::run(txn, query(cypher::DROP_LAYOUT_1_TERMS).param("ids", ids)).await?;
            Ok(())
        })
    }
}

/// One batch of layout-1 edges of one type, `(id, json)`, given their typed properties in one transaction.
struct TypeEdges {
    edge_type: EdgeType,
    edges: Vec<(String, String)>,
}

impl Write for TypeEdges {
    type Done = ();

    fn run<'t>(&'t self, txn: &'t mut Txn) -> BoxFuture<'t, Result<(), StoreError>> {
        Box::pin(async move {
            let mut rows: HashMap<String, BoltType> = HashMap::new();
            for (id, json) in &self.edges {
                let edge: EdgeRecord = decode(id, json)?;
                rows.insert(id.clone(), BoltType::from(typed_edge(&edge)));
            }
            let ids: Vec<String> = self.edges.iter().map(|(id, _)| id.clone()).collect();
            let text = query(&cypher::type_layout_1_edges(self.edge_type)).param("ids", ids).param("rows", rows);
            statement::run(txn, text).await
        })
    }
}

impl BoltStore {
    /// The layout of the database: the recorded version, 1 for a graph written before versions were
    /// recorded, `None` for an empty database.
    async fn found_layout(&self) -> Result<Option<u64>, StoreError> {
        let rows = self.rows(query(cypher::LAYOUT_VERSION)).await?;
        if let Some(row) = rows.first() {
            let version: i64 = column(row, "v")?;
            return u64::try_from(version)
                .map(Some)
                .map_err(|_| StoreError::Corrupt { key: "Layout".to_owned(), reason: format!("version {version}") });
        }
        Ok((!self.rows(query(cypher::ANY_NODE)).await?.is_empty()).then_some(1))
    }

    /// Runs `text` with `$version` (`cypher::SET_LAYOUT_VERSION` or `cypher::FIRST_LAYOUT_VERSION`).
    async fn record_layout(&self, text: &str, version: u64) -> Result<(), StoreError> {
        let version = BoltType::from(i64::try_from(version).unwrap_or(i64::MAX));
        self.within(self.timeout, async { self.driver.run(neo4rs::query(text).param("version", version)).await.map_err(driver_error) })
            .await
    }

    /// Accepts a database of this build's layout, records it on an empty one, refuses any other.
    pub(crate) async fn check_layout(&self) -> Result<(), StoreError> {
        match self.found_layout().await? {
            None => self.record_layout(cypher::SET_LAYOUT_VERSION, LAYOUT).await,
            Some(LAYOUT) => Ok(()),
            Some(found) if found < LAYOUT => Err(StoreError::OldLayout { found, expected: LAYOUT }),
            Some(found) => Err(StoreError::NewerLayout { found, expected: LAYOUT }),
        }
    }

    /// Upgrades the database at `config` to this build's layout, in place and resumably (see the module
    /// documentation).
    pub async fn migrate(config: BoltConfig) -> Result<MigrateSummary, StoreError> {
        let store = BoltStore::connect_unchecked(config).await?;
        let from = match store.found_layout().await? {
            None => LAYOUT,
            Some(found) if found > LAYOUT => return Err(StoreError::NewerLayout { found, expected: LAYOUT }),
            Some(found) => found,
        };
        let mut summary = MigrateSummary { from, to: LAYOUT, nodes: 0, edges: 0 };
        if from < LAYOUT {
            // Recorded first (a layout-1 database has no record): the upgrade to 3 keeps its progress there.
            store.record_layout(cypher::FIRST_LAYOUT_VERSION, from).await?;
        }
        if from < 2 {
            let nodes = store.terms_to_nodes().await?;
            let mut edges = 0;
            for edge_type in EdgeType::ALL {
                edges += store.type_edges(*edge_type).await?;
            }
            tracing::info!(nodes, edges, "bolt migrate: at layout 2");
        }
        if from < LAYOUT {
            (summary.nodes, summary.edges) = store.upgrade_to_3().await?;
        }
        store.record_layout(cypher::SET_LAYOUT_VERSION, LAYOUT).await?;
        Ok(summary)
    }

    /// Layout 1 → 2: moves every node's `terms` list into `Term` nodes; returns how many nodes it moved.
    async fn terms_to_nodes(&self) -> Result<u64, StoreError> {
        self.upgrade_all(cypher::LAYOUT_1_NODES, BATCH, |nodes| Upgrade { nodes }).await
    }

    /// Runs `upgrade` on every `(id, json)` that `text` (`$after`, `$limit`: records still in layout 1,
    /// from an index, in its order) finds, a batch per transaction, until it finds none; returns how many.
    async fn upgrade_all<W: Write<Done = ()>>(
        &self,
        text: &str,
        batch: usize,
        upgrade: impl Fn(Vec<(String, String)>) -> W,
    ) -> Result<u64, StoreError> {
        let limit = i64::try_from(batch).unwrap_or(i64::MAX);
        let (mut done, mut after) = (0u64, String::new());
        loop {
            let rows = self.rows(query(text).param("after", after.as_str()).param("limit", limit)).await?;
            if rows.is_empty() {
                if after.is_empty() {
                    return Ok(done);
                }
                // From the start once more: a record the cursor passed (a server answering out of id
                // order) is still in layout 1.
                after.clear();
                continue;
            }
            let records = rows
                .iter()
                .map(|row| Ok((column(row, "id")?, column(row, "json")?)))
                .collect::<Result<Vec<(String, String)>, StoreError>>()?;
            after = records.iter().map(|(id, _)| id.clone()).max().unwrap_or_default();
            let count = records.len() as u64;
            self.transact(&upgrade(records)).await?;
            done += count;
            tracing::info!(done, "bolt migrate: records moved to layout {LAYOUT}");
        }
    }
}

impl BoltStore {
    /// Layout 1 → 2: gives the edges of one type their typed properties; returns how many it changed.
    async fn type_edges(&self, edge_type: EdgeType) -> Result<u64, StoreError> {
        self.upgrade_all(&cypher::layout_1_edges(edge_type), EDGE_BATCH, |edges| TypeEdges { edge_type, edges }).await
    }
}
