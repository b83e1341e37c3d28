//! The audit trail over GraphQL: the `Change` type, the root field `changes`, and the `history` and
//! `version` of nodes and edges.

use async_graphql::connection::{Connection, Edge as ConnectionEdge};
use async_graphql::dataloader::DataLoader;
use async_graphql::types::Json;
use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};

use crate::error::{AppError, IntoGql};
use crate::gql::loaders::VersionLoader;
use crate::gql::scalars::number;
use crate::gql::types::Source;
use crate::graph::{ChangePage, Graph};
use crate::store::Subject;
use crate::store::audit;

/// Default page of changes.
pub const DEFAULT_CHANGES: i32 = 20;

/// What a change did.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ChangeAction", remote = "audit::ChangeAction")]
pub enum ChangeAction {
    /// A record that did not exist was written.
    Create,
    /// A record's content changed.
    Update,
    /// A record was deleted.
    Delete,
    /// A file was imported (one entry with its counts).
    Import,
}

/// Whether a change is about a node or an edge.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ChangeSubject", remote = "audit::SubjectKind")]
pub enum ChangeSubject {
    /// A node.
    Node,
    /// An edge.
    Edge,
}

/// What an import changed.
#[derive(SimpleObject)]
pub struct ImportCounts {
    /// Nodes that were new.
    pub nodes_created: i64,
    /// Nodes that changed.
    pub nodes_updated: i64,
    /// Nodes written as they were.
    pub nodes_unchanged: i64,
    /// Edges that were new.
    pub edges_created: i64,
    /// Edges that changed.
    pub edges_updated: i64,
    /// Edges written as they were.
    pub edges_unchanged: i64,
    /// Nodes deleted.
    pub nodes_deleted: i64,
    /// Edges deleted.
    pub edges_deleted: i64,
}

/// One entry of the audit trail: who changed what, when, from what to what, and on which sources.
pub struct Change(pub audit::Change);

#[Object(serial)]
impl Change {
    /// Its number: 1 for the store's first change, one more for each (the cursor of `changes`).
    async fn seq(&self) -> i64 {
        number(self.0.seq)
    }

    /// When it was committed (RFC 3339, UTC).
    async fn at(&self) -> &str {
        &self.0.at
    }

    /// Who made it: the API token's name, or `cli` for an import from the command line.
    async fn actor(&self) -> &str {
        &self.0.actor
    }

    /// What it did.
    async fn action(&self) -> ChangeAction {
        self.0.action.into()
    }

    /// Whether it is about a node or an edge (null for an import).
    async fn subject(&self) -> Option<ChangeSubject> {
        self.0.kind.map(Into::into)
    }

    /// The record's id (null for an import).
    async fn id(&self) -> Option<ID> {
        self.0.id.clone().map(ID)
    }

    /// The record's version after the change (for a delete: the version it takes if written again).
    async fn version(&self) -> Option<i64> {
        self.0.version.map(number)
    }

    /// The record before, as a line of the dataset format (`{"node": {…}}` or `{"edge": {…}}`).
    async fn before(&self) -> Option<Json<partnergraph_schema::wire::Record>> {
        self.0.before.clone().map(Json)
    }

    /// The record after, as a line of the dataset format.
    async fn after(&self) -> Option<Json<partnergraph_schema::wire::Record>> {
        self.0.after.clone().map(Json)
    }

    /// The sources given for it: the written record's, or those given with a delete.
    async fn sources(&self) -> Vec<Source> {
        self.0.sources.iter().cloned().map(Source).collect()
    }

    /// The imported file (an import only).
    async fn file(&self) -> Option<&str> {
        self.0.file.as_deref()
    }

    /// What the import changed (an import only).
    async fn counts(&self) -> Option<ImportCounts> {
        self.0.counts.map(|counts| ImportCounts {
            nodes_created: number(counts.nodes_created),
            nodes_updated: number(counts.nodes_updated),
            nodes_unchanged: number(counts.nodes_unchanged),
            edges_created: number(counts.edges_created),
            edges_updated: number(counts.edges_updated),
            edges_unchanged: number(counts.edges_unchanged),
            nodes_deleted: number(counts.nodes_deleted),
            edges_deleted: number(counts.edges_deleted),
        })
    }
}

/// A change's number from a cursor (`after`).
fn cursor(after: Option<String>) -> Result<u64> {
    match after {
        None => Ok(0),
        Some(text) => text.parse().map_err(|_| AppError::BadInput(format!("`after` is a change number (got `{text}`)"))).gql(),
    }
}

/// A page as a Relay connection whose cursors are the change numbers.
fn connection(page: ChangePage, after: u64) -> Connection<String, Change> {
    let mut connection = Connection::new(after > 0, page.has_next);
    connection.edges.extend(page.changes.into_iter().map(|change| ConnectionEdge::new(change.seq.to_string(), Change(change))));
    connection
}

/// The changes after `after` and since `since`, as the root field `changes` gives them.
pub async fn changes(
    ctx: &Context<'_>,
    since: Option<String>,
    first: Option<i32>,
    after: Option<String>,
) -> Result<Connection<String, Change>> {
    let after = cursor(after)?;
    let page = ctx.data::<Graph>()?.changes(since.as_deref(), after, i64::from(first.unwrap_or(DEFAULT_CHANGES))).await.gql()?;
    Ok(connection(page, after))
}

/// A record's own changes, oldest first.
pub async fn history(ctx: &Context<'_>, subject: Subject, first: Option<i32>, after: Option<String>) -> Result<Connection<String, Change>> {
    let after = cursor(after)?;
    let page = ctx.data::<Graph>()?.history(&subject, after, i64::from(first.unwrap_or(DEFAULT_CHANGES))).await.gql()?;
    Ok(connection(page, after))
}

/// A record's version (0: it no longer exists), read for a whole list at once.
pub async fn version(ctx: &Context<'_>, subject: Subject) -> Result<i64> {
    let version = ctx.data::<DataLoader<VersionLoader>>()?.load_one(subject).await.gql()?;
    Ok(version.map_or(0, number))
}
