//! The Bolt store: the graph in Neo4j (or any Bolt server that speaks Cypher), through `neo4rs`.
//!
//! Layout (version 3, `layout.rs`): every node is `(:Node:<Kind> {id, kind, name, json})`, with a unique
//! constraint on `Node.id`; every edge is a relationship of its own type (`HOSTED_BY`, …) with `{id, json}`
//! and an index on `id` per type, and typed properties that statements filter on (`type`, `fromDay` and
//! `toDay` as `yyyymmdd` numbers, `role`, `iatiRole`); each search term of a node is a
//! `(:Term {key, id, name, acronym, aliases})`, `key` being the term, a NUL and the node's id, with a range
//! index on `key` that serves search in (term, id) order and the node's names beside, so search ranks its
//! candidates without reading their records; each edge has an `(:Adj {outKey, inKey, …})` (`adjacency.rs`),
//! each key being one end's id, a NUL and the edge's id, whose range indexes serve a node's edges in id
//! order a page at a time, with the few scalar fields a walk reads. Every statement is timed at debug
//! level (`statement.rs`). `json` holds the exact wire record, so this backend answers byte for byte as the
//! embedded one; the other properties serve filters in Cypher and people who query the database directly.
//! Curation (`curation.rs`) adds a `version` property to both and keeps tombstones, the audit trail and
//! API tokens as nodes of other labels, never `Node`, so the graph's reads and counts never meet them.
//! Labels and relationship types come from the closed enums of the schema crate; every value that comes
//! from a user (ids, search terms, records) travels as a query parameter.
//!
//! A snapshot ([`GraphStore::snapshot`]) is this store with one read transaction, begun on its first read
//! and rolled back when the snapshot is dropped (the driver resets a connection before it is used again):
//! every read of a request then sees one state. Each call runs under a timeout; an unreachable server answers `StoreError::Unavailable`, a slow one
//! `StoreError::Timeout`, and the driver reconnects by itself once the server is back. Writes run in one
//! explicit transaction, in `UNWIND` batches; ArcadeDB checks concurrent writers only at commit, so a
//! write that collided with another there runs again (`BoltStore::transact`). The process keeps no
//! graph state of its own, so any number of `serve` processes can share one database.

mod adjacency;
mod curation;
mod cypher;
mod layout;
mod statement;
mod upgrade3;
mod write;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::future::BoxFuture;
use neo4rs::{BoltType, ConfigBuilder, Graph as Driver, Row, Txn};
use partnergraph_schema::text::NodeNames;
use partnergraph_schema::{EdgeId, EdgeLink, EdgeRecord, EdgeType, NodeId, NodeKind, NodeRecord, PartialDate};
use serde::de::DeserializeOwned;

use crate::store::bolt::statement::{Statement, query};
use crate::store::{Batch, Change, EdgeFilter, GraphRead, GraphStore, StoreError, StoreStats, Subject, TokenRecord, WriteSummary};

pub use layout::MigrateSummary;

const BACKEND: &str = "bolt";
/// Ids per edge lookup or delete by `r.id IN $ids`: ArcadeDB checks `IN` against the list linearly, so
/// 5,000 found ids cost 0.95 s and 1,000 cost 0.15 s.
pub(crate) const EDGE_ID_CHUNK: usize = 1000;
/// Rows fetched per round trip while streaming results.
const FETCH_SIZE: usize = 500;
/// Most runs of one write that collides with others (`BoltStore::transact`).
const WRITE_ATTEMPTS: u32 = 20;
/// The largest `LIMIT` sent: ArcadeDB reads `LIMIT` as a 32-bit number, and sizes its sort by it (a
/// `LIMIT` of 2^31 - 1 after `ORDER BY` fails with `IllegalArgumentException`; 2^30 works).
pub(crate) const MAX_LIMIT: usize = 1 << 30;
/// Most index terms asked for in one search query.
const TERM_PAGE: usize = 5_000;

/// How to reach the Bolt server.
#[derive(Debug, Clone)]
pub struct BoltConfig {
    /// `bolt://HOST:PORT` or `neo4j://HOST:PORT`.
    pub url: String,
    /// User name.
    pub user: String,
    /// Password.
    pub password: String,
    /// Database name (`neo4j` on Neo4j; `graph` on the test server).
    pub database: String,
    /// Connections in the pool.
    pub max_connections: usize,
    /// Longest a read may take; writes get ten times as long.
    pub timeout: Duration,
}

/// A graph store on a Bolt server.
#[derive(Clone)]
pub struct BoltStore {
    driver: Driver,
    timeout: Duration,
    url: String,
    /// A snapshot's read transaction (begun on first read); `None` on the store itself.
    snapshot: Option<Arc<tokio::sync::Mutex<Option<Txn>>>>,
}

impl std::fmt::Debug for BoltStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BoltStore").field("url", &self.url).finish()
    }
}

/// Maps a driver error to a store error: connection trouble is `Unavailable`, the rest `Backend`.
fn driver_error(err: neo4rs::Error) -> StoreError {
    use neo4rs::Error;
    let unavailable = |reason: String| StoreError::Unavailable { backend: BACKEND, reason };
    match err {
        Error::IOError { detail } => unavailable(detail.to_string()),
        Error::ConnectionError => unavailable("connection error".into()),
        Error::AuthenticationError(reason) => unavailable(format!("authentication failed: {reason}")),
        Error::Neo4j(err)
            if err.code().starts_with("Neo.TransientError")
                || err.code().contains("DatabaseNotFound")
                || err.code().contains("Unauthorized") =>
        {
            unavailable(format!("{}: {}", err.code(), err.message()))
        }
        other => StoreError::Backend { backend: BACKEND, reason: other.to_string() },
    }
}

fn decode<T: DeserializeOwned>(key: &str, json: &str) -> Result<T, StoreError> {
    serde_json::from_str(json).map_err(|err| StoreError::Corrupt { key: key.to_owned(), reason: err.to_string() })
}

fn column<'row, T: serde::Deserialize<'row>>(row: &'row Row, name: &str) -> Result<T, StoreError> {
    row.get(name).map_err(|err| StoreError::Backend { backend: BACKEND, reason: format!("column `{name}`: {err}") })
}

fn strings<T: AsRef<str>>(items: &[T]) -> Vec<String> {
    items.iter().map(|item| item.as_ref().to_owned()).collect()
}

/// What runs a statement and collects its rows: the store (or a snapshot of it) for reads, or a write
/// transaction, so a lookup is written once for both.
pub(crate) trait Rows {
    /// The rows `query` answers.
    async fn rows(&mut self, statement: Statement) -> Result<Vec<Row>, StoreError>;
}

impl Rows for &BoltStore {
    async fn rows(&mut self, statement: Statement) -> Result<Vec<Row>, StoreError> {
        BoltStore::rows(self, statement).await
    }
}

impl Rows for Txn {
    async fn rows(&mut self, statement: Statement) -> Result<Vec<Row>, StoreError> {
        statement::txn_rows(self, statement).await
    }
}

impl BoltStore {
    /// Connects (lazily: the pool opens connections on first use), creates the constraints and indexes
    /// the layout needs, and checks the database's layout (`layout.rs`): an empty database gets this
    /// build's, an older one is refused with [`StoreError::OldLayout`].
    pub async fn connect(config: BoltConfig) -> Result<BoltStore, StoreError> {
        let store = BoltStore::connect_unchecked(config).await?;
        store.check_layout().await?;
        Ok(store)
    }

    /// [`BoltStore::connect`] without the layout check, for the upgrade.
    async fn connect_unchecked(config: BoltConfig) -> Result<BoltStore, StoreError> {
        let driver_config = ConfigBuilder::default()
            .uri(config.url.as_str())
            .user(config.user.as_str())
            .password(config.password.as_str())
            .db(config.database.as_str())
            .fetch_size(FETCH_SIZE)
            .max_connections(config.max_connections.max(1))
            .build()
            .map_err(driver_error)?;
        let driver = Driver::connect(driver_config).await.map_err(driver_error)?;
        let store = BoltStore { driver, timeout: config.timeout, url: config.url, snapshot: None };
        store.ensure_schema().await?;
        Ok(store)
    }

    async fn ensure_schema(&self) -> Result<(), StoreError> {
        self.within(self.timeout * 4, async {
            for text in [cypher::NODE_ID_CONSTRAINT, cypher::LAYOUT_CONSTRAINT] {
                self.driver.run(neo4rs::query(text)).await.map_err(driver_error)?;
            }
            for edge_type in EdgeType::ALL {
                self.driver.run(neo4rs::query(&cypher::edge_id_index(*edge_type))).await.map_err(driver_error)?;
            }
            for text in cypher::TERM_SCHEMA.iter().chain(&adjacency::SCHEMA).chain(&cypher::CURATION_SCHEMA) {
                self.driver.run(neo4rs::query(text)).await.map_err(driver_error)?;
            }
            Ok(())
        })
        .await
    }

    /// Runs `work` in a write transaction and commits it, under the write timeout. ArcadeDB checks
    /// concurrent writers at commit only: one that collided with another (both took the same change
    /// numbers, or created the same unique key) fails then, and is run again from the start on the new
    /// state, up to [`WRITE_ATTEMPTS`] times in all, so writers act as if one ran after the other.
    async fn transact<W: Write>(&self, work: &W) -> Result<W::Done, StoreError> {
        self.within(self.timeout * 10, async {
            let mut attempt = 1;
            loop {
                let mut txn = self.driver.start_txn().await.map_err(driver_error)?;
                let result = work.run(&mut txn).await;
                match finish(txn, result).await {
                    Err(err) if attempt < WRITE_ATTEMPTS && collided(&err) => {
                        tracing::debug!(attempt, error = %err, "bolt: a write collided with another, running it again");
                        // Spread the writers that collided (sub-second clock digits serve as jitter).
                        let jitter =
                            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |now| now.subsec_micros());
                        tokio::time::sleep(Duration::from_micros(u64::from(jitter % 2000) * u64::from(attempt.min(8)))).await;
                        attempt += 1;
                    }
                    other => return other,
                }
            }
        })
        .await
    }

    /// Runs `work` under `limit`.
    async fn within<T>(&self, limit: Duration, work: impl Future<Output = Result<T, StoreError>>) -> Result<T, StoreError> {
        match tokio::time::timeout(limit, work).await {
            Ok(result) => result,
            Err(_) => Err(StoreError::Timeout { backend: BACKEND, seconds: limit.as_secs().max(1) }),
        }
    }

    /// Runs a read statement and collects its rows, under the read timeout.
    async fn rows(&self, statement: Statement) -> Result<Vec<Row>, StoreError> {
        crate::metrics::metrics().store_read(BACKEND);
        self.within(self.timeout, async {
            let Statement { query, label } = statement;
            let started = std::time::Instant::now();
            let mut rows = Vec::new();
            match &self.snapshot {
                None => {
                    let mut stream = self.driver.execute(query).await.map_err(driver_error)?;
                    while let Some(row) = stream.next().await.map_err(driver_error)? {
                        rows.push(row);
                    }
                }
                Some(snapshot) => {
                    let mut held = snapshot.lock().await;
                    let txn = match &mut *held {
                        Some(txn) => txn,
                        empty => empty.insert(self.driver.start_txn().await.map_err(driver_error)?),
                    };
                    let mut stream = txn.execute(query).await.map_err(driver_error)?;
                    while let Some(row) = stream.next(txn.handle()).await.map_err(driver_error)? {
                        rows.push(row);
                    }
                }
            }
            statement::log(&label, started, rows.len());
            Ok(rows)
        })
        .await
    }

    /// `(id, json)` rows decoded into records.
    async fn records<T: DeserializeOwned>(&self, statement: Statement) -> Result<Vec<T>, StoreError> {
        let rows = self.rows(statement).await?;
        rows.iter()
            .map(|row| {
                let id: String = column(row, "id")?;
                let json: String = column(row, "json")?;
                decode(&id, &json)
            })
            .collect()
    }

    /// The nodes of the index terms whose key starts with `prefix`, with their names, each once at its
    /// first term, in key order, at most `limit`: pages of [`cypher::FIND_TERMS`] (or, when `sorted`, of the server-sorted
    /// [`cypher::FIND_TERMS_SORTED`]) until `limit` nodes are found or the terms run out. `None` when the
    /// server answered a page out of key order (then ask again with `sorted`).
    async fn terms_in_order(&self, prefix: &str, limit: usize, sorted: bool) -> Result<Option<Vec<(NodeId, NodeNames)>>, StoreError> {
        let page = i64::try_from(limit.clamp(1, TERM_PAGE)).unwrap_or(i64::MAX);
        let (mut ids, mut seen) = (Vec::new(), std::collections::HashSet::new());
        let mut cursor: Option<String> = None;
        loop {
            let text = match (&cursor, sorted) {
                (_, true) => query(cypher::FIND_TERMS_SORTED).param("after", cursor.clone()),
                (None, false) => query(cypher::FIND_TERMS),
                (Some(after), false) => query(cypher::FIND_TERMS_AFTER).param("after", after.as_str()),
            };
            let rows = self.rows(text.param("prefix", prefix).param("limit", page)).await?;
            for row in &rows {
                let key: String = column(row, "key")?;
                if cursor.as_ref().is_some_and(|last| *last >= key) {
                    return Ok(None);
                }
                let id: String = column(row, "id")?;
                let id = NodeId::parse(id.clone()).map_err(|err| StoreError::Corrupt { key: id, reason: err.to_string() })?;
                if seen.insert(id.clone()) {
                    let names =
                        NodeNames { name: column(row, "name")?, acronym: column(row, "acronym")?, aliases: column(row, "aliases")? };
                    ids.push((id, names));
                    if ids.len() == limit {
                        return Ok(Some(ids));
                    }
                }
                cursor = Some(key);
            }
            if (rows.len() as i64) < page {
                return Ok(Some(ids));
            }
        }
    }

    async fn count(&self, text: &str) -> Result<u64, StoreError> {
        let rows = self.rows(query(text)).await?;
        let count: i64 = rows.first().map(|row| column(row, "c")).transpose()?.unwrap_or(0);
        Ok(u64::try_from(count).unwrap_or(0))
    }
}

#[async_trait]
impl GraphRead for BoltStore {
    fn backend(&self) -> &'static str {
        BACKEND
    }

    async fn nodes(&self, ids: &[NodeId]) -> Result<Vec<Option<NodeRecord>>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let found: Vec<NodeRecord> = self.records(query(cypher::NODES_BY_ID).param("ids", strings(ids))).await?;
        let by_id: HashMap<NodeId, NodeRecord> = found.into_iter().map(|node| (node.id.clone(), node)).collect();
        Ok(ids.iter().map(|id| by_id.get(id).cloned()).collect())
    }

    async fn edges(&self, ids: &[EdgeId]) -> Result<Vec<Option<EdgeRecord>>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut by_id: HashMap<EdgeId, EdgeRecord> = HashMap::new();
        // `stored_edges` is answered from the indexes on `r.id`, all types in one statement; its `IN` list
        // is kept short.
        let text = cypher::stored_edges(EdgeType::ALL);
        for chunk in ids.chunks(EDGE_ID_CHUNK) {
            let found: Vec<EdgeRecord> = self.records(query(&text).param("ids", strings(chunk))).await?;
            by_id.extend(found.into_iter().map(|edge| (edge.id.clone(), edge)));
        }
        Ok(ids.iter().map(|id| by_id.get(id).cloned()).collect())
    }

    async fn expand_page(
        &self,
        frontier: &[NodeId],
        filter: &EdgeFilter,
        after: Option<&EdgeId>,
        limit: usize,
    ) -> Result<Vec<EdgeLink>, StoreError> {
        if frontier.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let after_text = after.map(EdgeId::as_str);
        if let Some(links) = self.adjacent_page(frontier, filter, after_text, limit).await? {
            return Ok(links);
        }
        tracing::warn!("bolt: the adjacency index answered out of key order, sorting the relationships on the server instead");
        let types: Vec<String> = filter.types.iter().map(|edge_type| edge_type.as_str().to_owned()).collect();
        let day = |day: fn(PartialDate) -> partnergraph_schema::date::Day| {
            BoltType::from(filter.as_of.map(|as_of| write::day_number(day(as_of))))
        };
        let text = query(&cypher::expand(filter.direction))
            .param("ids", strings(frontier))
            .param("types", types)
            .param("after", after.map(ToString::to_string))
            .param("asOfFirst", day(PartialDate::first_day))
            .param("asOfLast", day(PartialDate::last_day))
            // ArcadeDB takes a `LIMIT` below 2^31 only (`ORDER BY` with 2^31 - 1 fails too); no frontier
            // has more edges than [`MAX_LIMIT`].
            .param("limit", i64::try_from(limit.min(MAX_LIMIT)).unwrap_or(i64::MAX));
        self.records(text).await
    }

    async fn degrees(&self, ids: &[NodeId]) -> Result<Vec<u64>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.rows(query(cypher::DEGREES).param("ids", strings(ids))).await?;
        let mut by_id: HashMap<String, u64> = HashMap::new();
        for row in &rows {
            let degree: i64 = column(row, "d")?;
            by_id.insert(column(row, "id")?, u64::try_from(degree).unwrap_or(0));
        }
        Ok(ids.iter().map(|id| by_id.get(id.as_str()).copied().unwrap_or(0)).collect())
    }

    async fn find_by_term(&self, term: &str, prefix: bool, limit: usize) -> Result<Vec<NodeId>, StoreError> {
        Ok(self.find_names_by_term(term, prefix, limit).await?.into_iter().map(|(id, _)| id).collect())
    }

    async fn find_names_by_term(&self, term: &str, prefix: bool, limit: usize) -> Result<Vec<(NodeId, NodeNames)>, StoreError> {
        // No stored term holds a control character (`cypher::TERM_SCHEMA`), so one with a NUL finds none.
        if limit == 0 || term.contains('\u{0}') {
            return Ok(Vec::new());
        }
        let wanted = if prefix { term.to_owned() } else { write::term_key(term, "") };
        match self.terms_in_order(&wanted, limit, false).await? {
            Some(ids) => Ok(ids),
            None => {
                tracing::warn!("bolt: the term index answered out of key order, sorting on the server instead");
                Ok(self.terms_in_order(&wanted, limit, true).await?.unwrap_or_default())
            }
        }
    }

    async fn scan_nodes(&self, kind: Option<NodeKind>, after: Option<&NodeId>, limit: usize) -> Result<Vec<NodeRecord>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let after = after.map(ToString::to_string);
        self.records(query(&cypher::scan_nodes(kind)).param("after", after).param("limit", limit)).await
    }

    async fn scan_edges(&self, after: Option<&EdgeId>, limit: usize) -> Result<Vec<EdgeRecord>, StoreError> {
        let after_text = after.map(ToString::to_string);
        let max = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut edges = Vec::new();
        for edge_type in EdgeType::ALL {
            let page: Vec<EdgeRecord> =
                self.records(query(&cypher::scan_edges(*edge_type)).param("after", after_text.clone()).param("limit", max)).await?;
            edges.extend(page);
        }
        edges.sort_by(|a, b| a.id.cmp(&b.id));
        edges.truncate(limit);
        Ok(edges)
    }

    async fn stats(&self) -> Result<StoreStats, StoreError> {
        Ok(StoreStats { nodes: self.count(cypher::COUNT_NODES).await?, edges: self.count(cypher::COUNT_EDGES).await? })
    }

    async fn versions(&self, subjects: &[Subject]) -> Result<Vec<u64>, StoreError> {
        curation::versions(&mut &*self, subjects, EdgeType::ALL).await
    }

    async fn changes(&self, after: u64, limit: usize) -> Result<Vec<Change>, StoreError> {
        curation::changes(&mut &*self, after, limit).await
    }

    async fn history(&self, subject: &Subject, after: u64, limit: usize) -> Result<Vec<Change>, StoreError> {
        curation::history(&mut &*self, subject, after, limit).await
    }

    async fn last_change(&self) -> Result<u64, StoreError> {
        curation::last_change(&mut &*self).await
    }
}

#[async_trait]
impl GraphStore for BoltStore {
    async fn snapshot(&self) -> Result<Arc<dyn GraphRead>, StoreError> {
        Ok(Arc::new(BoltStore { snapshot: Some(Arc::default()), ..self.clone() }))
    }

    async fn apply(&self, batch: Batch) -> Result<WriteSummary, StoreError> {
        self.transact(&batch).await
    }

    async fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        curation::tokens(&mut &*self).await
    }

    async fn save_token(&self, token: TokenRecord, create: bool) -> Result<(), StoreError> {
        self.transact(&curation::SaveToken { token, create }).await
    }
}

/// The work of one write transaction, which `BoltStore::transact` may run more than once (boxed, so
/// that the store's futures are `Send` whatever borrows they hold).
trait Write: Sync {
    /// What it gives once committed.
    type Done: Send;

    /// Writes into `txn`; the caller commits or rolls back.
    fn run<'t>(&'t self, txn: &'t mut Txn) -> BoxFuture<'t, Result<Self::Done, StoreError>>;
}

impl Write for Batch {
    type Done = WriteSummary;

    fn run<'t>(&'t self, txn: &'t mut Txn) -> BoxFuture<'t, Result<WriteSummary, StoreError>> {
        Box::pin(write::write_batch(txn, self))
    }
}

/// Whether a write failed because another writer's commit collided with it (ArcadeDB's unique-key and
/// concurrent-modification checks at commit, or a transient error): it may succeed when run again.
fn collided(err: &StoreError) -> bool {
    match err {
        StoreError::Backend { reason, .. } | StoreError::Unavailable { reason, .. } => {
            ["ConstraintValidationFailed", "ConcurrentModification", "Neo.TransientError"].iter().any(|mark| reason.contains(mark))
        }
        _ => false,
    }
}

/// Commits `txn` if its work succeeded, else rolls it back and returns the work's error.
async fn finish<T>(txn: Txn, result: Result<T, StoreError>) -> Result<T, StoreError> {
    match result {
        Ok(value) => {
            txn.commit().await.map_err(driver_error)?;
            Ok(value)
        }
        Err(err) => {
            // After a failed statement the server has already rolled back; rollback may then answer an
            // error of its own, which changes nothing.
            let _ = txn.rollback().await;
            Err(err)
        }
    }
}
