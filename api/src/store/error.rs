//! Errors of the storage layer, whatever the backend.

/// Why a store operation failed. Callers map these to user-facing codes in one place
/// (`crate::error::Code`); the messages of `Internal`-class variants are logged, never shown.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database cannot be reached (server down, connection refused, network partition).
    #[error("the {backend} store is unavailable: {reason}")]
    Unavailable {
        /// Backend name.
        backend: &'static str,
        /// What failed.
        reason: String,
    },
    /// The database did not answer in time.
    #[error("the {backend} store did not answer within {seconds} s")]
    Timeout {
        /// Backend name.
        backend: &'static str,
        /// The limit that passed.
        seconds: u64,
    },
    /// The data directory is held by another process that does not share it.
    #[error("the data directory {path} is in use by another process")]
    Locked {
        /// The database file.
        path: String,
    },
    /// The database file exists but is empty: what is left of a store after a failed copy, a full disk or a
    /// truncation, never an empty store (redb writes a header when it creates one).
    #[error(
        "the database file {path} is empty (0 bytes): it is not an empty store but a damaged one; restore it from a backup (`partnergraph restore --data DIR BACKUP`), or move it away to start a new, empty store"
    )]
    EmptyFile {
        /// The database file.
        path: String,
    },
    /// There is no store where one was expected (the source of a restore).
    #[error("there is no store at {path}")]
    NoStore {
        /// The database file expected.
        path: String,
    },
    /// A backup's destination already holds a store: a backup only ever writes a new one.
    #[error("{path} already exists: a backup is written as a new store only (choose another directory, or move that one away)")]
    BackupExists {
        /// The database file found.
        path: String,
    },
    /// A restore would replace records, and was not forced.
    #[error("the store at {path} holds {nodes} nodes and {edges} edges: restore replaces them only with --force")]
    RestoreOverData {
        /// The target database file.
        path: String,
        /// Its node records.
        nodes: u64,
        /// Its edge records.
        edges: u64,
    },
    /// The data directory was written by an incompatible version of partnergraph.
    #[error("the store at {path} has format {found}, this build reads format {expected}")]
    IncompatibleFormat {
        /// The database file.
        path: String,
        /// Format found on disk.
        found: String,
        /// Format this build writes.
        expected: String,
    },
    /// A Bolt database written with an older layout than this build reads (`store/bolt/layout.rs`).
    #[error(
        "the Bolt database has layout {found}, this build reads layout {expected}: upgrade it in place with `partnergraph migrate --store URL` (same connection flags as `serve`; stop servers of older builds first)"
    )]
    OldLayout {
        /// Layout found.
        found: u64,
        /// Layout this build writes.
        expected: u64,
    },
    /// A Bolt database written by a newer build than this one.
    #[error("the Bolt database has layout {found}, written by a newer build; this build reads layout {expected}")]
    NewerLayout {
        /// Layout found.
        found: u64,
        /// Layout this build writes.
        expected: u64,
    },
    /// A batch writes an edge whose endpoint is not a node of the store (after the batch's node writes);
    /// nothing of the batch is written.
    #[error("edge `{edge}` points at `{node}`, which is not in the store")]
    MissingEndpoint {
        /// The edge id.
        edge: String,
        /// The missing node id.
        node: String,
    },
    /// A write stated the version of a record it read, and the record has another: someone changed it
    /// since. Nothing of the batch is written.
    #[error("`{id}` has version {current}, not {expected}: it changed since it was read (read it again, then retry)")]
    Conflict {
        /// The record's id.
        id: String,
        /// The version the write stated.
        expected: u64,
        /// The version stored (0: the record does not exist).
        current: u64,
    },
    /// A node to delete without its edges still has some. Nothing of the batch is written.
    #[error("node `{id}` still has {edges} edges: delete them first, or delete the node with its edges")]
    Linked {
        /// The node's id.
        id: String,
        /// How many edges touch it.
        edges: u64,
    },
    /// A token of that name exists already.
    #[error("a token named `{name}` exists already (names are unique; revoked tokens keep theirs)")]
    TokenExists {
        /// The name.
        name: String,
    },
    /// There is no token of that name.
    #[error("there is no token named `{name}`")]
    NoSuchToken {
        /// The name.
        name: String,
    },
    /// A stored record could not be decoded.
    #[error("stored record `{key}` is corrupt: {reason}")]
    Corrupt {
        /// The record key.
        key: String,
        /// The decoding error.
        reason: String,
    },
    /// The request the read belonged to was cancelled or ran out of time before the read started.
    #[error("the request was cancelled before this read started")]
    Cancelled,
    /// Any other failure of the backend (I/O, protocol, bug).
    #[error("{backend} store failure: {reason}")]
    Backend {
        /// Backend name.
        backend: &'static str,
        /// The underlying error.
        reason: String,
    },
}
