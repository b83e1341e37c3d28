//! Import of IATI XML: activity files (`<iati-activities>`, versions 2.01–2.03, and the 1.0x spellings
//! real files still use) and organisation files (`<iati-organisations>`). The mapping to the graph is
//! documented in `schema/data/README.md`.
//!
//! A file is streamed one record at a time (`xml.rs`), each record mapped to nodes and edges (`activity.rs`,
//! `organisation.rs`), its organisations resolved against the store and the file (`resolve.rs`), and the
//! records checked and staged in stored form as for a JSON Lines import (`run.rs`). One file is one
//! transaction: a file that is not well-formed XML or not IATI is refused with its line and column and
//! nothing is written; a problem in one element is a [`Warning`] with its line and column, and the rest of
//! the file is imported. Ids are derived from IATI identifiers, so importing the same file twice changes
//! nothing.

mod activity;
mod codes;
mod fit;
mod money;
mod organisation;
mod resolve;
mod run;
mod sink;
mod stale;
mod text;
mod warning;
mod xml;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_claims;
#[cfg(test)]
mod tests_money;

pub use run::{IatiReport, check, import, import_recorded, warning_lines};
pub use warning::{Warning, WarningKind, Warnings};
pub use xml::FileKind;

/// Why an IATI file is refused whole; nothing of it is written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The file is not well-formed XML.
    #[error("line {line}, column {column}: not well-formed XML: {reason}")]
    Malformed {
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: u64,
        /// What the XML reader found.
        reason: String,
    },
    /// The root element is not `iati-activities` or `iati-organisations` (or there is none).
    #[error("line {line}, column {column}: not an IATI file: the root element is {}, expected <iati-activities> or <iati-organisations>", if root.is_empty() { "missing".to_owned() } else { format!("<{root}>") })]
    NotIati {
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: u64,
        /// The root element found (empty if none).
        root: String,
    },
    /// A mapped record failed the dataset checks (a defect of the mapping, reported rather than written).
    #[error("the mapped records have {} problem(s), first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
    Invalid(Vec<partnergraph_schema::dataset::Problem>),
}
