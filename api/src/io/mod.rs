//! Import and export of the dataset format (JSON Lines, `schema/data/README.md`), of CSV sheets
//! (`sheets/`), import of IATI XML (`iati/`), and export to GraphML and GEXF (`xml/`); the formats share one
//! column list (`columns.rs`) and one writer interface (`export.rs`).
//!
//! Import is all-or-nothing per file: the file is streamed, checked and staged in stored form (`stage.rs`),
//! validated whole (edges may point at nodes already in the store), and only a file without a single
//! problem is written, in one transaction.
//! Writing is an upsert keyed by id, so importing the same file twice changes nothing the second time; a
//! node the store already holds is merged with it (`merge.rs`): each origin's facts are kept as its claim.
//! Export writes every node, then every edge, in id order: the same graph always exports to the same
//! bytes, and an export (JSON Lines or CSV) imports back unchanged.

pub mod columns;
mod export;
pub mod iati;
mod merge;
pub mod sheets;
mod stage;
pub mod synthetic;
pub mod synthetic_iati;
pub mod xml;

use std::io::{BufRead, Write};

use partnergraph_schema::dataset::{self, Dataset, Problem};

use crate::store::{Audit, Batch, GraphStore, StoreError, WriteSummary};
use stage::Staging;

pub use export::{EXPORT_HEADER, ExportFormat, GraphWriter, JsonLinesWriter, export_to, write_records};

/// Why an import or export failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IoError {
    /// The file has problems; nothing was written.
    #[error("{} problem(s); nothing was imported", .0.len())]
    Invalid(Vec<Problem>),
    /// CSV sheets imported together have problems (each with its sheet's index and its line there);
    /// nothing was written.
    #[error("{} problem(s); nothing was imported", .0.len())]
    InvalidSheets(Vec<(usize, Problem)>),
    /// The store failed; nothing was written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing the export failed.
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
    /// Reading the file to import failed (or it is not UTF-8); nothing was written.
    #[error("cannot read: {0}")]
    Read(std::io::Error),
    /// An IATI file that is not well-formed XML or not IATI; nothing was written.
    #[error("{0}; nothing was imported")]
    Refused(#[from] iati::Refusal),
}

/// The formats `partnergraph import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// The dataset format (JSON Lines).
    Jsonl,
    /// IATI activity or organisation XML.
    Iati,
}

/// The format of a file from its first bytes: XML (after a byte-order mark and white space, `<`) is IATI,
/// a JSON object or a `//` comment is JSON Lines; `None` if it is neither (an empty file is JSON Lines).
pub fn sniff(start: &[u8]) -> Option<Format> {
    let start = start.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(start);
    let first = start.iter().position(|byte| !byte.is_ascii_whitespace());
    match first.map(|at| &start[at..]) {
        None => Some(Format::Jsonl),
        Some(rest) if rest.starts_with(b"<") => Some(Format::Iati),
        Some(rest) if rest.starts_with(b"{") || rest.starts_with(b"//") => Some(Format::Jsonl),
        Some(_) => None,
    }
}

/// Imports one file's text with the meaning of [`import_reader`].
pub async fn import(store: &dyn GraphStore, text: &str) -> Result<WriteSummary, IoError> {
    import_reader(store, std::io::Cursor::new(text.to_owned())).await
}

/// Imports one file streamed from `reader`: reads, checks and stages it block by block (`stage.rs`), so
/// neither its text nor its parsed records are held whole, finishes the checks against the store, and
/// writes it in one transaction only if it has no problem at all. Reading runs on the blocking pool; a
/// read error (or text that is not UTF-8) fails the import before anything is written.
pub async fn import_reader(store: &dyn GraphStore, reader: impl BufRead + Send + 'static) -> Result<WriteSummary, IoError> {
    import_recorded(store, reader, None).await
}

/// [`import_reader`], recorded in the audit trail as `audit` says (the command line: one entry per file).
pub async fn import_recorded(
    store: &dyn GraphStore,
    reader: impl BufRead + Send + 'static,
    audit: Option<Audit>,
) -> Result<WriteSummary, IoError> {
    import_blocks(store, move |each| dataset::read_blocks(reader, each), audit).await
}

/// Imports the records `read` hands over block by block (with the problems it found), as
/// [`import_reader`] does for a JSON Lines file. `read` runs on the blocking pool.
pub(crate) async fn import_blocks<F>(store: &dyn GraphStore, read: F, audit: Option<Audit>) -> Result<WriteSummary, IoError>
where
    F: FnOnce(&mut dyn FnMut(Dataset, Vec<Problem>)) -> std::io::Result<()> + Send + 'static,
{
    let started = std::time::Instant::now();
    let staging = tokio::task::spawn_blocking(move || Staging::read_with(read))
        .await
        .map_err(|err| IoError::Read(std::io::Error::other(format!("the reading task failed: {err}"))))?
        .map_err(IoError::Read)?;
    let (nodes, edges, staged_bytes) = staging.counts();
    tracing::debug!(elapsed_ms = started.elapsed().as_millis(), nodes, edges, staged_bytes, "import: read and staged");
    let mut staged = staging.finish(store).await?.map_err(IoError::Invalid)?;
    if let Some(audit) = audit {
        staged.set_audit(audit);
    }
    tracing::debug!(elapsed_ms = started.elapsed().as_millis(), "import: validated");
    let summary = store.apply_staged(staged).await?;
    tracing::debug!(elapsed_ms = started.elapsed().as_millis(), "import: written");
    Ok(summary)
}

/// Writes the whole graph to `out` in the dataset format: a header line, the nodes, then the edges, each
/// in id order.
pub async fn export(store: &dyn GraphStore, out: &mut dyn Write) -> Result<(), IoError> {
    export_to(store, &mut JsonLinesWriter::new(out)).await
}

/// Loads the seed dataset into `store` if the store holds nothing at all; returns whether it did.
/// A store with any data is never reseeded, so user edits survive restarts.
pub async fn seed_if_empty(store: &dyn GraphStore) -> Result<bool, IoError> {
    let stats = store.stats().await?;
    if stats.nodes > 0 || stats.edges > 0 {
        return Ok(false);
    }
    let dataset = partnergraph_schema::seed::dataset().map_err(|problems| {
        // The seed is validated by a test; reaching this is a build defect, reported as such.
        StoreError::Backend { backend: "seed", reason: problems.join("; ") }
    })?;
    // The seed is self-contained and checked whole, and the store is empty: it goes in as it is.
    let batch = Batch {
        nodes: dataset.nodes.into_iter().map(|lined| lined.record).collect(),
        edges: dataset.edges.into_iter().map(|lined| lined.record).collect(),
        ..Batch::default()
    };
    store.apply(batch).await?;
    Ok(true)
}
