//! Curation: a list of changes (upserts and deletes of nodes and edges) checked by the import's rules and
//! written as one all-or-nothing batch, with the versions the writer read, recorded in the audit trail
//! under the writer's name.
//!
//! - Records are checked by the same [`Checker`] as every import (a change's number stands for a line),
//!   against the nodes the store holds; a record without a source is refused like a line of a file.
//! - A node written here is the curated origin's record: it is added to the node's other origins
//!   ([`claims::merge`]), so curating a node an IATI file describes keeps the file's facts beside it; an
//!   edge written here is the curated claim on it likewise ([`claims::edges::merge`]).
//! - A batch touches each record once, so its changes cannot depend on their order.
//! - Versions and the audit trail are the store's (`store/audit.rs`): a stale version fails the whole
//!   batch with the current one.

use std::collections::{HashMap, HashSet};

use partnergraph_schema::claims;
use partnergraph_schema::dataset::Checker;
use partnergraph_schema::{EdgeId, EdgeRecord, EdgeType, NodeId, NodeKind, NodeRecord, Precedence, Source};

use crate::store::{Audit, Batch, Condition, Direction, EdgeFilter, GraphStore, StoreError, Subject, WriteSummary};

/// Most changes in one batch.
pub const MAX_CHANGES: usize = 1000;

/// One change a writer asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Write a node (the curated record of it), if it still has `expected` (when given).
    UpsertNode {
        /// The record, as a line of the dataset format (boxed: a node record is several times an edge's).
        node: Box<NodeRecord>,
        /// The version the writer read (0: it must not exist).
        expected: Option<u64>,
    },
    /// Write an edge, if it still has `expected` (when given).
    UpsertEdge {
        /// The record, as a line of the dataset format.
        edge: EdgeRecord,
        /// The version the writer read (0: it must not exist).
        expected: Option<u64>,
    },
    /// Delete a node; refused while it has edges unless `with_edges`.
    DeleteNode {
        /// The node.
        id: NodeId,
        /// Delete its edges with it.
        with_edges: bool,
        /// The version the writer read.
        expected: Option<u64>,
    },
    /// Delete an edge.
    DeleteEdge {
        /// The edge.
        id: EdgeId,
        /// The version the writer read.
        expected: Option<u64>,
    },
}

impl Edit {
    /// The record it is about.
    pub fn subject(&self) -> Subject {
        match self {
            Edit::UpsertNode { node, .. } => Subject::Node(node.id.clone()),
            Edit::UpsertEdge { edge, .. } => Subject::Edge(edge.id.clone()),
            Edit::DeleteNode { id, .. } => Subject::Node(id.clone()),
            Edit::DeleteEdge { id, .. } => Subject::Edge(id.clone()),
        }
    }

    fn expected(&self) -> Option<u64> {
        match self {
            Edit::UpsertNode { expected, .. }
            | Edit::UpsertEdge { expected, .. }
            | Edit::DeleteNode { expected, .. }
            | Edit::DeleteEdge { expected, .. } => *expected,
        }
    }
}

/// Why a batch of changes was not written. Nothing of it was.
#[derive(Debug, thiserror::Error)]
pub enum CurationError {
    /// The changes break the dataset's rules (each message names its change, numbered from 1).
    #[error("the changes were refused: {}", .0.join("; "))]
    Invalid(Vec<String>),
    /// The store refused them (a stale version, a node with edges, a missing endpoint) or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks `edits` and writes them as one batch in `store`, recorded as `actor`'s (with `sources` for the
/// deletes). Returns what the batch changed.
pub async fn apply(store: &dyn GraphStore, actor: &str, sources: Vec<Source>, edits: Vec<Edit>) -> Result<WriteSummary, CurationError> {
    if edits.is_empty() {
        return Err(CurationError::Invalid(vec!["no changes were given".to_owned()]));
    }
    if edits.len() > MAX_CHANGES {
        return Err(CurationError::Invalid(vec![format!("at most {MAX_CHANGES} changes go in one batch (got {})", edits.len())]));
    }
    once_each(&edits)?;
    check(store, &edits).await?;
    let mut batch = Batch { audit: Some(Audit::Records { actor: actor.to_owned(), sources }), ..Batch::default() };
    let upserted: Vec<NodeId> = edits
        .iter()
        .filter_map(|edit| match edit {
            Edit::UpsertNode { node, .. } => Some(node.id.clone()),
            _ => None,
        })
        .collect();
    let upserted_edges: Vec<EdgeId> = edits
        .iter()
        .filter_map(|edit| match edit {
            Edit::UpsertEdge { edge, .. } => Some(edge.id.clone()),
            _ => None,
        })
        .collect();
    let mut stored = store.nodes(&upserted).await?.into_iter();
    let mut stored_edges = store.edges(&upserted_edges).await?.into_iter();
    for edit in edits {
        if let Some(version) = edit.expected() {
            batch.conditions.push(Condition::Version { subject: edit.subject(), version });
        }
        match edit {
            Edit::UpsertNode { node, .. } => {
                let existing = stored.next().flatten();
                batch.nodes.push(claims::merge(existing.as_ref(), *node));
            }
            Edit::UpsertEdge { edge, .. } => {
                let existing = stored_edges.next().flatten();
                let curated = Some((String::new(), Precedence::Curated));
                batch.edges.push(claims::edges::merge(existing.as_ref(), edge, curated));
            }
            Edit::DeleteNode { id, with_edges, .. } => {
                if !with_edges {
                    batch.conditions.push(Condition::Unlinked(id.clone()));
                }
                batch.delete_nodes.push(id);
            }
            Edit::DeleteEdge { id, .. } => batch.delete_edges.push(id),
        }
    }
    Ok(store.apply(batch).await?)
}

/// Refuses a batch that touches one record twice.
fn once_each(edits: &[Edit]) -> Result<(), CurationError> {
    let mut first: HashMap<Subject, usize> = HashMap::new();
    let mut problems = Vec::new();
    for (index, edit) in edits.iter().enumerate() {
        let subject = edit.subject();
        if let Some(earlier) = first.get(&subject) {
            problems.push(format!(
                "change {}: `{}` is already changed by change {earlier}; a batch changes each record once",
                index + 1,
                subject.id()
            ));
        } else {
            first.insert(subject, index + 1);
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(CurationError::Invalid(problems)) }
}

/// Checks the written records by the import's rules, against the nodes of the store.
async fn check(store: &dyn GraphStore, edits: &[Edit]) -> Result<(), CurationError> {
    let mut checker = Checker::default();
    let deleted_edges: HashSet<&EdgeId> = edits
        .iter()
        .filter_map(|edit| match edit {
            Edit::DeleteEdge { id, .. } => Some(id),
            _ => None,
        })
        .collect();
    let written_edges: HashSet<&EdgeId> = edits
        .iter()
        .filter_map(|edit| match edit {
            Edit::UpsertEdge { edge, .. } => Some(&edge.id),
            _ => None,
        })
        .collect();
    for (index, edit) in edits.iter().enumerate() {
        match edit {
            Edit::UpsertNode { node, .. } => {
                checker.node(index + 1, node);
                if node.kind == NodeKind::City {
                    // Its country edge may be in the store already: count those the batch keeps as they are.
                    let filter = EdgeFilter::types(&[EdgeType::LocatedIn]).toward(Direction::Out);
                    for edge in store.expand(std::slice::from_ref(&node.id), &filter).await? {
                        if edge.target.kind() == NodeKind::Country && !deleted_edges.contains(&edge.id) && !written_edges.contains(&edge.id)
                        {
                            checker.stored_city_country(&node.id);
                        }
                    }
                }
            }
            Edit::UpsertEdge { edge, .. } => checker.edge(index + 1, edge),
            Edit::DeleteNode { .. } | Edit::DeleteEdge { .. } => {}
        }
    }
    let outside = checker.external_endpoints();
    let existing: HashMap<NodeId, NodeKind> = store.nodes(&outside).await?.into_iter().flatten().map(|node| (node.id, node.kind)).collect();
    let problems = checker.finish(&existing);
    if problems.is_empty() {
        return Ok(());
    }
    Err(CurationError::Invalid(problems.iter().map(|problem| format!("change {}: {}", problem.line, problem.kind)).collect()))
}
