//! The mutations: upserts and deletes of nodes and edges, one at a time or as an all-or-nothing batch,
//! each with the version its writer read, and revoking a token. The HTTP layer checks the request's API
//! token before anything runs and puts the [`Writer`] in the request's data; a field that needs more
//! than its scope answers `FORBIDDEN`. The changes go through `graph::curation`.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use partnergraph_schema::Source as WireSource;
use tokio::sync::Notify;

use crate::error::{AppError, IntoGql};
use crate::gql::changes::ChangeSubject;
use crate::gql::inputs::{ChangeInput, EdgeInput, NodeInput, SourceInput, edge_id, node_id, sources, version};
use crate::gql::nodes::Node;
use crate::gql::scalars::number;
use crate::gql::types::Edge;
use crate::graph::curation::{self, Edit};
use crate::store::{GraphStore, Scope, Subject};

/// Who writes, and where: the API token's name and scope, the store, and what to wake when a write
/// commits (the change feed).
#[derive(Clone)]
pub struct Writer {
    /// The token's name (the audit trail's actor).
    pub name: String,
    /// What the token may do.
    pub scope: Scope,
    /// The store written to.
    pub store: Arc<dyn GraphStore>,
    /// Woken after each committed write.
    pub written: Arc<Notify>,
}

impl Writer {
    /// Refuses unless the token's scope allows `needed`.
    fn needs(&self, needed: Scope) -> Result<()> {
        if self.scope.allows(needed) {
            return Ok(());
        }
        Err(AppError::Forbidden { token: self.name.clone(), has: self.scope.as_str(), needed: needed.as_str() }).gql()
    }

    /// Writes `edits` as one batch.
    async fn apply(&self, edits: Vec<Edit>, given: Vec<WireSource>) -> Result<()> {
        curation::apply(self.store.as_ref(), &self.name, given, edits).await.gql()?;
        self.written.notify_one();
        Ok(())
    }
}

fn writer<'c>(ctx: &Context<'c>) -> Result<&'c Writer> {
    ctx.data_opt::<Writer>().ok_or(AppError::Unauthenticated).gql()
}

/// What one change of a batch left: the record and its version now (0: deleted).
#[derive(SimpleObject)]
pub struct ChangeOutcome {
    /// The record's id.
    pub id: ID,
    /// Whether it is a node or an edge.
    pub subject: ChangeSubject,
    /// Its version after the batch (0: it no longer exists).
    pub version: i64,
}

/// Writes to the graph. Every mutation needs an API token (`Authorization: Bearer …`).
#[derive(Default)]
pub struct MutationRoot;

#[Object]
impl MutationRoot {
    /// Writes a node (the fields of a node line of the dataset format), checked as an import checks it,
    /// with at least one source; a stale `expectedVersion` is refused with `CONFLICT` and the current
    /// version. Other origins' facts about the node (IATI files) stay beside it.
    async fn upsert_node(&self, ctx: &Context<'_>, input: NodeInput, expected_version: Option<i32>) -> Result<Node> {
        let writer = writer(ctx)?;
        let node = input.record().gql()?;
        let id = node.id.clone();
        writer.apply(vec![Edit::UpsertNode { node: Box::new(node), expected: version(expected_version).gql()? }], Vec::new()).await?;
        let stored = writer.store.nodes(std::slice::from_ref(&id)).await.gql()?.pop().flatten();
        stored.map(Node::from_record).ok_or(AppError::Graph(crate::graph::GraphError::NotFound(id))).gql()
    }

    /// Writes an edge (the fields of an edge line of the dataset format), checked as an import checks it.
    async fn upsert_edge(&self, ctx: &Context<'_>, input: EdgeInput, expected_version: Option<i32>) -> Result<Edge> {
        let writer = writer(ctx)?;
        let edge = input.record().gql()?;
        let id = edge.id.clone();
        writer.apply(vec![Edit::UpsertEdge { edge, expected: version(expected_version).gql()? }], Vec::new()).await?;
        let stored = writer.store.edges(std::slice::from_ref(&id)).await.gql()?.pop().flatten();
        match stored {
            Some(edge) => Ok(Edge::from_record(edge)),
            None => Err(AppError::BadInput(format!("edge `{id}` was deleted meanwhile"))).gql(),
        }
    }

    /// Deletes a node. One that still has edges is refused (`CONFLICT`) unless `withEdges`, which needs
    /// an `admin` token. `sources` say why (recorded in the audit trail).
    async fn delete_node(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default_with = "Some(false)")] with_edges: Option<bool>,
        expected_version: Option<i32>,
        sources: Option<Vec<SourceInput>>,
    ) -> Result<ID> {
        let writer = writer(ctx)?;
        let with_edges = with_edges.unwrap_or(false);
        if with_edges {
            writer.needs(Scope::Admin)?;
        }
        let node = node_id(&id).gql()?;
        let edit = Edit::DeleteNode { id: node, with_edges, expected: version(expected_version).gql()? };
        writer.apply(vec![edit], self::sources(sources)).await?;
        Ok(id)
    }

    /// Deletes an edge. `sources` say why (recorded in the audit trail).
    async fn delete_edge(&self, ctx: &Context<'_>, id: ID, expected_version: Option<i32>, sources: Option<Vec<SourceInput>>) -> Result<ID> {
        let writer = writer(ctx)?;
        let edit = Edit::DeleteEdge { id: edge_id(&id).gql()?, expected: version(expected_version).gql()? };
        writer.apply(vec![edit], self::sources(sources)).await?;
        Ok(id)
    }

    /// Several changes as one batch: all are written, or none (any refused change refuses the batch, and
    /// the error names it by its number, from 1). A batch changes each record once, at most 1000.
    /// `sources` say why the deletes were made.
    async fn apply_changes(
        &self,
        ctx: &Context<'_>,
        changes: Vec<ChangeInput>,
        sources: Option<Vec<SourceInput>>,
    ) -> Result<Vec<ChangeOutcome>> {
        let writer = writer(ctx)?;
        let mut edits = Vec::with_capacity(changes.len());
        for change in changes {
            edits.push(match change {
                ChangeInput::UpsertNode(change) => {
                    Edit::UpsertNode { node: Box::new(change.input.record().gql()?), expected: version(change.expected_version).gql()? }
                }
                ChangeInput::UpsertEdge(change) => {
                    Edit::UpsertEdge { edge: change.input.record().gql()?, expected: version(change.expected_version).gql()? }
                }
                ChangeInput::DeleteNode(change) => {
                    let with_edges = change.with_edges.unwrap_or(false);
                    if with_edges {
                        writer.needs(Scope::Admin)?;
                    }
                    Edit::DeleteNode { id: node_id(&change.id).gql()?, with_edges, expected: version(change.expected_version).gql()? }
                }
                ChangeInput::DeleteEdge(change) => {
                    Edit::DeleteEdge { id: edge_id(&change.id).gql()?, expected: version(change.expected_version).gql()? }
                }
            });
        }
        let subjects: Vec<Subject> = edits.iter().map(Edit::subject).collect();
        writer.apply(edits, self::sources(sources)).await?;
        let versions = writer.store.versions(&subjects).await.gql()?;
        Ok(subjects
            .into_iter()
            .zip(versions)
            .map(|(subject, version)| ChangeOutcome {
                id: ID(subject.id().to_owned()),
                subject: subject.kind().into(),
                version: number(version),
            })
            .collect())
    }

    /// Revokes the token called `name` at once (needs an `admin` token); returns the name.
    async fn revoke_token(&self, ctx: &Context<'_>, name: String) -> Result<String> {
        let writer = writer(ctx)?;
        writer.needs(Scope::Admin)?;
        crate::tokens::revoke(writer.store.as_ref(), &name).await.gql()?;
        Ok(name)
    }
}
