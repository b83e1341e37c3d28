//! What a store keeps beside the graph for curation: each record's version, the conditions a write may
//! state (the versions it read, a node without edges), the audit trail of changes, and API tokens (as
//! hashes).
//!
//! Versions: a node or edge that exists has version 1 when it is first written and one more each time
//! its stored content changes; a record that does not exist has version 0. Deleting a record remembers
//! its next version, so a record deleted and written again goes on counting and a writer who read the
//! old one cannot overwrite the new one by accident.
//!
//! The audit trail is a sequence of [`Change`]s numbered from 1, written in the same transaction as what
//! they describe: one per record a curation batch changed (with its state before and after, as lines of
//! the dataset format), and one per imported file (with its counts).

use partnergraph_schema::wire::Record;
use partnergraph_schema::{EdgeId, NodeId, Source};
use serde::{Deserialize, Serialize};

use crate::store::WriteSummary;

/// A node or an edge, by id: what a change or a condition is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// A node.
    Node(NodeId),
    /// An edge.
    Edge(EdgeId),
}

impl Subject {
    /// The record's id.
    pub fn id(&self) -> &str {
        match self {
            Subject::Node(id) => id.as_str(),
            Subject::Edge(id) => id.as_str(),
        }
    }

    /// What kind of record it is, as the audit trail names it.
    pub fn kind(&self) -> SubjectKind {
        match self {
            Subject::Node(_) => SubjectKind::Node,
            Subject::Edge(_) => SubjectKind::Edge,
        }
    }
}

/// Whether a change is about a node or an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SubjectKind {
    /// A node.
    Node,
    /// An edge.
    Edge,
}

/// What must hold when a batch is written, or it writes nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The record has this version (0: it does not exist). Checked before anything is written; otherwise
    /// the batch fails with [`StoreError::Conflict`](crate::store::StoreError::Conflict).
    Version {
        /// The record.
        subject: Subject,
        /// The version the writer read.
        version: u64,
    },
    /// The node has no edges once the batch's edge deletes are done; otherwise the batch fails with
    /// [`StoreError::Linked`](crate::store::StoreError::Linked).
    Unlinked(NodeId),
}

/// How a batch is recorded in the audit trail.
#[derive(Debug, Clone, PartialEq)]
pub enum Audit {
    /// One entry per record the batch changes, with its state before and after (curation).
    Records {
        /// Who made the change: the API token's name.
        actor: String,
        /// The sources given for the deletes (the records written carry their own).
        sources: Vec<Source>,
    },
    /// One entry for the whole batch, with its counts: the import of one file.
    Import {
        /// Who imported it (`cli` for the command line).
        actor: String,
        /// The file's name.
        file: String,
    },
}

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
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

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// Its number: 1 for the first change of the store, then one more for each.
    pub seq: u64,
    /// When it was committed (RFC 3339, UTC, milliseconds).
    pub at: String,
    /// Who made it: an API token's name, or `cli` for an import from the command line.
    pub actor: String,
    /// What it did.
    pub action: ChangeAction,
    /// Whether it is about a node or an edge (absent for an import).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<SubjectKind>,
    /// The record's id (absent for an import).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The record's version after the change (for a delete: the version it will have if written again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    /// The record before, as a line of the dataset format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Record>,
    /// The record after, as a line of the dataset format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Record>,
    /// The sources given for it: the written record's, or those given with a delete.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    /// The imported file (an import only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// What the import changed (an import only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts: Option<WriteSummary>,
}

impl Change {
    /// The entry of one imported file, with what it changed (numbered when appended).
    pub(crate) fn import(actor: &str, file: &str, counts: WriteSummary, at: String) -> Change {
        Change {
            seq: 0,
            at,
            actor: actor.to_owned(),
            action: ChangeAction::Import,
            kind: None,
            id: None,
            version: None,
            before: None,
            after: None,
            sources: Vec::new(),
            file: Some(file.to_owned()),
            counts: Some(counts),
        }
    }

    /// The entry of a record that went from `before` to `after` (which differ) and now has `version` (numbered
    /// when appended): its sources are the written record's, or `given` for a delete.
    pub(crate) fn record(
        actor: &str,
        at: String,
        subject: &Subject,
        version: u64,
        (before, after): (Option<Record>, Option<Record>),
        given: &[Source],
    ) -> Change {
        let action = match (&before, &after) {
            (None, _) => ChangeAction::Create,
            (Some(_), Some(_)) => ChangeAction::Update,
            (Some(_), None) => ChangeAction::Delete,
        };
        let sources = match &after {
            Some(Record::Node(node)) => node.sources.clone(),
            Some(Record::Edge(edge)) => edge.sources.clone(),
            _ => given.to_vec(),
        };
        Change {
            seq: 0,
            at,
            actor: actor.to_owned(),
            action,
            kind: Some(subject.kind()),
            id: Some(subject.id().to_owned()),
            version: Some(version),
            before,
            after,
            sources,
            file: None,
            counts: None,
        }
    }

    /// The nodes this change touches: the node itself, or both ends of the edge before and after.
    pub fn touched_nodes(&self) -> Vec<&str> {
        let mut nodes = Vec::new();
        for record in [&self.before, &self.after].into_iter().flatten() {
            match record {
                Record::Node(node) => nodes.push(node.id.as_str()),
                Record::Edge(edge) => nodes.extend([edge.source.as_str(), edge.target.as_str()]),
                Record::Place(place) => nodes.push(place.id.as_str()),
            }
        }
        nodes.sort_unstable();
        nodes.dedup();
        nodes
    }
}

/// What an API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Write nodes and edges, delete single records.
    Write,
    /// Everything `write` may, and delete a node with its edges, and revoke tokens.
    Admin,
}

impl Scope {
    /// Whether a token of this scope may do what `needed` allows.
    pub fn allows(self, needed: Scope) -> bool {
        self >= needed
    }

    /// The scope's name, as the command line and the audit trail write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }
}

/// An API token as stored: never the token, only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenRecord {
    /// Its unique name, which the audit trail records as the actor.
    pub name: String,
    /// What it may do.
    pub scope: Scope,
    /// The SHA-256 of the token, in lower-case hex.
    pub hash: String,
    /// When it was created (RFC 3339).
    pub created: String,
    /// When it was revoked, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<String>,
}

/// The current time as the audit trail writes it: RFC 3339, UTC, milliseconds.
pub fn now() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}
