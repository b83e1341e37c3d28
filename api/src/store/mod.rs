//! Storage: the [`GraphStore`] trait, the [`GraphRead`] view of one committed state, and the backends.
//!
//! Reads are small on purpose: batched reads (nodes and edges by id, one frontier expansion per BFS
//! level, index-term lookup, ordered scans with a cursor); writes are one transaction ([`Batch`]). A store
//! that keeps its structure in memory may also offer it by rank ([`RankedTopology`]), for walks that read
//! far more edges than they return; answers never depend on whether it does.
//! A request reads through one [`GraphStore::snapshot`]: every read of it sees the same committed state,
//! whatever commits beside it (one read transaction on either backend), and the snapshot's
//! [`GraphRead::data_version`] names that state. The store itself also answers reads, each in a
//! transaction of its own (for batch commands that read once).
//! Everything a user asks for — neighbourhoods, paths, triangulars, partners, search ranking, filtered
//! connections — is computed once in `crate::graph` on top of these primitives, so every backend gives the
//! same answers. The embedded store (redb) is the default; nothing above this module knows which backend
//! it talks to. The Bolt store (`bolt/`, on neo4rs) serves deployments that outgrow one machine.

mod arena;
pub mod audit;
mod bolt;
pub mod cancel;
pub(crate) mod codec;
pub(crate) mod dense;
mod embedded;
mod error;
pub mod inline;
mod ranked;
mod staged;

use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;
use partnergraph_schema::text::NodeNames;
use partnergraph_schema::{EdgeId, EdgeLink, EdgeRecord, EdgeType, NodeId, NodeKind, NodeRecord, PartialDate};

pub use audit::{Audit, Change, Condition, Scope, Subject, TokenRecord};
pub use bolt::{BoltConfig, BoltStore, MigrateSummary};
pub use embedded::{CopySummary, EmbeddedStore, IndexMode};
pub use error::StoreError;
pub use ranked::{RankedEdge, RankedLink, RankedTopology};
pub use staged::Staged;

/// Which way an expansion follows edges, seen from the frontier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Direction {
    /// Edges with an end in the frontier, either end.
    #[default]
    Both,
    /// Edges whose source is in the frontier.
    Out,
    /// Edges whose target is in the frontier.
    In,
}

/// Which edges an expansion follows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EdgeFilter {
    /// Only these types; every type when empty.
    pub types: Vec<EdgeType>,
    /// Only edges valid at some time during this date.
    pub as_of: Option<PartialDate>,
    /// Only edges leaving, or entering, the frontier.
    pub direction: Direction,
}

impl EdgeFilter {
    /// A filter on types only.
    pub fn types(types: &[EdgeType]) -> EdgeFilter {
        EdgeFilter { types: types.to_vec(), ..EdgeFilter::default() }
    }

    /// This filter, for edges in `direction` only.
    pub fn toward(self, direction: Direction) -> EdgeFilter {
        EdgeFilter { direction, ..self }
    }

    /// Whether `edge` passes, given whether its source and its target are in the frontier. Backends may
    /// push part of the filter into their query language, but the answer must be the one this gives.
    pub fn matches(&self, edge: &EdgeLink, source_in_frontier: bool, target_in_frontier: bool) -> bool {
        self.follows(source_in_frontier, target_in_frontier) && self.admits(edge.edge_type, edge.from, edge.to)
    }

    /// Whether an edge whose source (target) is in the frontier when `source_in_frontier`
    /// (`target_in_frontier`) goes the filter's way.
    pub fn follows(&self, source_in_frontier: bool, target_in_frontier: bool) -> bool {
        match self.direction {
            Direction::Both => true,
            Direction::Out => source_in_frontier,
            Direction::In => target_in_frontier,
        }
    }

    /// [`EdgeFilter::matches`] on an edge's type and validity period alone, for a backend that keeps
    /// them without the rest of the edge.
    pub fn admits(&self, edge_type: EdgeType, from: Option<PartialDate>, to: Option<PartialDate>) -> bool {
        (self.types.is_empty() || self.types.contains(&edge_type))
            && self.as_of.is_none_or(|as_of| partnergraph_schema::date::valid_during(from, to, as_of))
    }
}

/// Writes applied together in one transaction: all or nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    /// Nodes to insert or replace, keyed by id.
    pub nodes: Vec<NodeRecord>,
    /// Edges to insert or replace, keyed by id.
    pub edges: Vec<EdgeRecord>,
    /// Nodes to delete, with every edge that touches them.
    pub delete_nodes: Vec<NodeId>,
    /// Edges to delete.
    pub delete_edges: Vec<EdgeId>,
    /// What must hold for the batch to be written (versions read, nodes without edges).
    pub conditions: Vec<Condition>,
    /// How the batch is recorded in the audit trail (`None`: not at all, as for the seed).
    pub audit: Option<Audit>,
}

/// What a [`Batch`] changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WriteSummary {
    /// Nodes that were new.
    pub nodes_created: u64,
    /// Nodes that existed and changed.
    pub nodes_updated: u64,
    /// Nodes written with exactly the stored content.
    pub nodes_unchanged: u64,
    /// Edges that were new.
    pub edges_created: u64,
    /// Edges that existed and changed.
    pub edges_updated: u64,
    /// Edges written with exactly the stored content.
    pub edges_unchanged: u64,
    /// Nodes deleted.
    pub nodes_deleted: u64,
    /// Edges deleted, including those of deleted nodes.
    pub edges_deleted: u64,
}

impl WriteSummary {
    /// Adds the counts of `other` (a later block of the same transaction) to these.
    pub fn add(&mut self, other: &WriteSummary) {
        self.nodes_created += other.nodes_created;
        self.nodes_updated += other.nodes_updated;
        self.nodes_unchanged += other.nodes_unchanged;
        self.edges_created += other.edges_created;
        self.edges_updated += other.edges_updated;
        self.edges_unchanged += other.edges_unchanged;
        self.nodes_deleted += other.nodes_deleted;
        self.edges_deleted += other.edges_deleted;
    }

    /// Whether the batch changed nothing.
    pub fn is_noop(&self) -> bool {
        self.nodes_created + self.nodes_updated + self.edges_created + self.edges_updated + self.nodes_deleted + self.edges_deleted == 0
    }
}

/// One write transaction filled block by block ([`GraphStore::begin_staged`]). Each block is written as
/// [`GraphStore::apply_staged`] would write it (its deletes first, then its upserts); what earlier blocks
/// wrote is visible to later ones (an edge may point at a node of an earlier block), and nothing is
/// visible to anyone else until [`StagedWriter::commit`]. Dropping the writer without committing aborts
/// the transaction: the store is left as it was. Blocking, like a store's own write thread.
pub trait StagedWriter: Send {
    /// Writes `block` into the transaction. After an error the writer must be dropped (nothing is written).
    fn write(&mut self, block: Staged) -> Result<(), StoreError>;

    /// Records the write in the audit trail as `audit` says, commits, and returns what every block changed.
    fn commit(self: Box<Self>, audit: Option<Audit>) -> Result<WriteSummary, StoreError>;
}

/// Sizes of the stored graph.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// Number of nodes.
    pub nodes: u64,
    /// Number of edges.
    pub edges: u64,
}

/// Reads of a property graph. On a [`GraphStore::snapshot`] every read sees one committed state; on the
/// store itself each read sees the latest at the time it runs.
///
/// Ordering contract (so that all backends answer byte for byte the same): every method that returns a
/// list returns it sorted by id, without duplicates.
#[async_trait]
pub trait GraphRead: Send + Sync + Debug {
    /// A short backend name for logs and `/readyz` (`embedded`, `bolt`).
    fn backend(&self) -> &'static str;

    /// The nodes with these ids, in the order asked; `None` for unknown ids.
    async fn nodes(&self, ids: &[NodeId]) -> Result<Vec<Option<NodeRecord>>, StoreError>;

    /// The names of the nodes with these ids (what search ranks by), in the order asked; `None` for
    /// unknown ids. A lighter read than [`GraphRead::nodes`] where a store can read names alone; the
    /// default reads the whole records.
    async fn node_names(&self, ids: &[NodeId]) -> Result<Vec<Option<NodeNames>>, StoreError> {
        Ok(self.nodes(ids).await?.into_iter().map(|node| node.map(NodeNames::from)).collect())
    }

    /// The edges with these ids, in the order asked; `None` for unknown ids.
    async fn edges(&self, ids: &[EdgeId]) -> Result<Vec<Option<EdgeRecord>>, StoreError>;

    /// The edges that touch a node of `frontier` and pass `filter` (its direction seen from the frontier), with an id
    /// greater than `after`, in id order, at most `limit`, as links (without sources: fetch those with
    /// [`GraphRead::edges`] for the edges an answer shows). One call per BFS level (or page of one): a
    /// remote backend makes one round trip here, not one per node; a hub costs `limit`, not its degree.
    async fn expand_page(
        &self,
        frontier: &[NodeId],
        filter: &EdgeFilter,
        after: Option<&EdgeId>,
        limit: usize,
    ) -> Result<Vec<EdgeLink>, StoreError>;

    /// Every edge that touches a node of `frontier` and passes `filter`, in id order (cost: the degrees).
    async fn expand(&self, frontier: &[NodeId], filter: &EdgeFilter) -> Result<Vec<EdgeLink>, StoreError> {
        self.expand_page(frontier, filter, None, usize::MAX).await
    }

    /// The number of edges touching each of `ids`, in the order asked (0 for unknown ids).
    async fn degrees(&self, ids: &[NodeId]) -> Result<Vec<u64>, StoreError>;

    /// Ids of nodes having an index term (see `partnergraph_schema::text::index_terms`) equal to `term`,
    /// or starting with it when `prefix`: in (term, id) order, each node once (at its first matching
    /// term), at most `limit`. Stops after `limit`, so a common prefix costs `limit`, not its matches.
    async fn find_by_term(&self, term: &str, prefix: bool, limit: usize) -> Result<Vec<NodeId>, StoreError>;

    /// [`GraphRead::find_by_term`] with each node's names (what search ranks by), for a store that keeps
    /// the names beside its terms and so answers both at once; the default reads them with
    /// [`GraphRead::node_names`] (a node gone in between is left out).
    async fn find_names_by_term(&self, term: &str, prefix: bool, limit: usize) -> Result<Vec<(NodeId, NodeNames)>, StoreError> {
        let ids = self.find_by_term(term, prefix, limit).await?;
        let names = self.node_names(&ids).await?;
        Ok(ids.into_iter().zip(names).filter_map(|(id, names)| Some((id, names?))).collect())
    }

    /// Nodes in id order, of one kind or all, strictly after `after`; at most `limit`.
    async fn scan_nodes(&self, kind: Option<NodeKind>, after: Option<&NodeId>, limit: usize) -> Result<Vec<NodeRecord>, StoreError>;

    /// Edges in id order, strictly after `after`; at most `limit`.
    async fn scan_edges(&self, after: Option<&EdgeId>, limit: usize) -> Result<Vec<EdgeRecord>, StoreError>;

    /// Number of nodes and edges.
    async fn stats(&self) -> Result<StoreStats, StoreError>;

    /// A number that changes with every committed write, whichever process made it, or `None` when the
    /// store cannot tell (answers read from it must then never be reused). The response cache keys its
    /// entries by it.
    async fn data_version(&self) -> Result<Option<u64>, StoreError> {
        Ok(None)
    }

    /// The structure of the state read by rank ([`RankedTopology`]), when the store keeps it in memory and
    /// it was built from that state; `None` otherwise (then read by id: the answers are the same).
    async fn ranked(&self) -> Result<Option<Arc<dyn RankedTopology>>, StoreError> {
        Ok(None)
    }

    /// The version of each record, in the order asked: 0 for one that does not exist (`audit.rs`).
    async fn versions(&self, subjects: &[Subject]) -> Result<Vec<u64>, StoreError>;

    /// The changes numbered after `after`, oldest first, at most `limit`.
    async fn changes(&self, after: u64, limit: usize) -> Result<Vec<Change>, StoreError>;

    /// The changes of one record numbered after `after`, oldest first, at most `limit`.
    async fn history(&self, subject: &Subject, after: u64, limit: usize) -> Result<Vec<Change>, StoreError>;

    /// The number of the latest change (0 when there is none).
    async fn last_change(&self) -> Result<u64, StoreError>;
}

/// A property-graph store: reads, snapshots for requests, and transactional writes. Implementations are
/// cheap to share (`Arc<dyn GraphStore>`).
#[async_trait]
pub trait GraphStore: GraphRead {
    /// A view of the latest committed state that every read through it sees, whatever commits later (one
    /// read transaction). Held for one request, or one export.
    async fn snapshot(&self) -> Result<Arc<dyn GraphRead>, StoreError>;

    /// Applies `batch` in one transaction (deletes first, then node upserts, then edge upserts). An edge
    /// whose endpoint is not a node afterwards fails the whole batch with `StoreError::MissingEndpoint`.
    async fn apply(&self, batch: Batch) -> Result<WriteSummary, StoreError>;

    /// Applies staged upserts with the meaning of [`GraphStore::apply`] on the batch they were staged from.
    /// Stores that keep records in their stored form write the bytes as they are; the default decodes them.
    async fn apply_staged(&self, staged: Staged) -> Result<WriteSummary, StoreError> {
        self.apply(staged.into_batch()?).await
    }

    /// Opens one write transaction that an import fills block by block while it reads its file
    /// ([`StagedWriter`]), so the file is never staged whole; `None` if this store does not write that way
    /// (the import then stages the file and calls [`GraphStore::apply_staged`] once). Blocking: called on
    /// the thread that reads the file, and it waits for any other write transaction to end.
    fn begin_staged(&self) -> Result<Option<Box<dyn StagedWriter>>, StoreError> {
        Ok(None)
    }

    /// Every API token, in name order (revoked ones too).
    async fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError>;

    /// Stores `token`: a new one when `create` (a token of that name fails with
    /// `StoreError::TokenExists`), else over the one of that name (`StoreError::NoSuchToken` if none).
    /// Token writes leave the graph's data version alone.
    async fn save_token(&self, token: TokenRecord, create: bool) -> Result<(), StoreError>;
}
