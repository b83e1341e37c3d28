//! Parsing and validation of a dataset file (JSON Lines), reporting every problem with its line.
//!
//! [`parse`] (or [`parse_reader`], streaming) reads every line it can and collects a [`Problem`] for each one it cannot; [`validate`] then
//! checks the records against each other and against the nodes a store already holds (so an import may
//! point at existing nodes). A file with any problem must not be imported at all: callers get either a
//! valid [`Dataset`] or the full list of problems, sorted by line.

use std::collections::HashMap;

pub use check::{Checker, apply_place, endpoint_kinds, is_language_code};
pub use problems::total as problem_total;
pub use read::{NotText, parse, parse_reader, read_blocks};

use crate::wire::Place;
use crate::{EdgeRecord, EdgeType, NodeId, NodeKind, NodeRecord, PartialDate};

/// A record and the 1-based line it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Lined<T> {
    /// 1-based line number in the file.
    pub line: usize,
    /// The record.
    pub record: T,
}

/// The records of one dataset file, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    /// Node records.
    pub nodes: Vec<Lined<NodeRecord>>,
    /// Edge records.
    pub edges: Vec<Lined<EdgeRecord>>,
    /// Generated coordinates, merged into nodes by [`Dataset::merge_places`].
    pub places: Vec<Lined<Place>>,
}

/// One problem, at one line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}: {kind}")]
pub struct Problem {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What is wrong with a record.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ProblemKind {
    /// The line is not a JSON record of the dataset format (includes unknown fields, enums and bad ids).
    #[error("not a valid record: {0}")]
    Syntax(String),
    /// A date field that is not a date; each one is reported, and the rest of the record still checked.
    #[error("`{field}` is `{value}`, which is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)")]
    InvalidDate {
        /// The field (`start`, `end`, `from` or `to`).
        field: &'static str,
        /// The text found.
        value: String,
    },
    /// A line longer than [`limits::MAX_LINE_BYTES`]; it is skipped without being read.
    #[error("the line is longer than {max} bytes, the longest a record may be; it was skipped", max = limits::MAX_LINE_BYTES)]
    LineTooLong,
    /// A line that is not UTF-8 text; the other lines are still read.
    #[error("the line is not UTF-8 text (invalid byte at column {column})")]
    NotUtf8 {
        /// 1-based byte position of the first invalid byte in the line.
        column: usize,
    },
    /// Problems past the first [`limits::MAX_PROBLEMS`] of a file, counted but not listed; the line is the
    /// first of theirs.
    #[error("{count} more problem(s) from this line on are not listed (a report lists the first {max})", max = limits::MAX_PROBLEMS)]
    Unlisted {
        /// How many.
        count: usize,
    },
    /// A field larger than the format allows (see `limits`).
    #[error("`{id}` has a `{field}` of {size} {unit}, over the limit of {max}")]
    TooLarge {
        /// The record id.
        id: String,
        /// The field.
        field: &'static str,
        /// Its size (the largest item's, for a list of text).
        size: usize,
        /// The limit.
        max: usize,
        /// `bytes`, `characters` or `items`.
        unit: &'static str,
    },
    /// An edge id that is not `<source>><type in lower case>><target>`, optionally followed by `~2`, `~3`, ….
    #[error(
        "edge id `{id}` does not follow the form `{expected}` (with `~2`, `~3`, … or a `~qualifier` in lower case for a further relation of that type between the same nodes)"
    )]
    EdgeIdForm {
        /// The edge id.
        id: String,
        /// The id the format expects for this edge.
        expected: String,
    },
    /// The id was already used on an earlier line.
    #[error("duplicate id `{id}` (first used on line {first_line})")]
    DuplicateId {
        /// The id.
        id: String,
        /// Where it was first used.
        first_line: usize,
    },
    /// The `kind` field disagrees with the id prefix.
    #[error("node `{id}` has kind {kind} but its id prefix says {expected}")]
    KindMismatch {
        /// The node id.
        id: NodeId,
        /// The declared kind.
        kind: NodeKind,
        /// The kind of the prefix.
        expected: NodeKind,
    },
    /// The name is empty or blank.
    #[error("`{0}` has an empty name")]
    EmptyName(String),
    /// A record without sources.
    #[error("`{0}` has no sources (every node and edge needs at least one)")]
    MissingSources(String),
    /// A source without a document, or with paragraph 0.
    #[error("`{id}` has an invalid source: {reason}")]
    InvalidSource {
        /// The record id.
        id: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A kind-specific field on a node of another kind.
    #[error("`{id}` is a {kind} but has field `{field}`")]
    FieldNotForKind {
        /// The node id.
        id: NodeId,
        /// Its kind.
        kind: NodeKind,
        /// The field that does not belong.
        field: &'static str,
    },
    /// A country whose `iso3` is missing or differs from its id.
    #[error("country `{0}` must have `iso3` equal to its id's code")]
    Iso3Mismatch(NodeId),
    /// An end date before a start date.
    #[error("`{id}` ends ({end}) before it starts ({start})")]
    DatesOutOfOrder {
        /// The record id.
        id: String,
        /// The start (or `from`).
        start: PartialDate,
        /// The end (or `to`).
        end: PartialDate,
    },
    /// An SDG outside 1–17.
    #[error("`{id}` names SDG {sdg}, which does not exist (1–17)")]
    InvalidSdg {
        /// The node id.
        id: NodeId,
        /// The number.
        sdg: u8,
    },
    /// A sector that is not an OECD DAC code (3 or 5 digits).
    #[error("`{id}` names sector `{sector}`, which is not an OECD DAC code (3 or 5 digits)")]
    InvalidSector {
        /// The node id.
        id: NodeId,
        /// The text found.
        sector: String,
    },
    /// A language that is not an ISO 639-1 code in lower case.
    #[error("`{id}` names language `{language}`, which is not an ISO 639-1 code in lower case (`en`, `fr`, …)")]
    InvalidLanguage {
        /// The node id.
        id: NodeId,
        /// The text found.
        language: String,
    },
    /// A translation whose language is not an ISO 639-1 code, that translates nothing, or whose language is
    /// given twice.
    #[error("`{id}` has an invalid translation `{language}`: {reason}")]
    InvalidTranslation {
        /// The node id.
        id: NodeId,
        /// The language given.
        language: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A recipient that is not one country or one region, or whose share is not a percentage.
    #[error("`{id}` has an invalid recipient: {reason}")]
    InvalidRecipient {
        /// The node id.
        id: NodeId,
        /// What is wrong.
        reason: &'static str,
    },
    /// An amount of money whose currency is not an ISO 4217 code, whose value is not a number, or that is
    /// given twice.
    #[error("`{id}` has an invalid amount of money: {reason}")]
    InvalidMoney {
        /// The node id.
        id: NodeId,
        /// What is wrong.
        reason: &'static str,
    },
    /// A negative or non-finite amount.
    #[error("`{0}` has an amount that is negative or not a number")]
    InvalidAmount(String),
    /// Coordinates out of range.
    #[error("`{0}` has a location out of range")]
    InvalidLocation(String),
    /// A claim whose record is of another node or edge or has claims of its own, or an origin claimed twice.
    #[error("`{id}` has an invalid claim of origin `{origin}`: {reason}")]
    InvalidClaim {
        /// The node or edge id.
        id: String,
        /// The claim's origin.
        origin: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// An external identifier with a bad scheme or value, or listed twice.
    #[error(
        "`{id}` has an invalid identifier `{scheme}`/`{value}` (scheme: 1–40 of a-z 0-9 - .; value: 1–200 characters, no control characters or surrounding spaces; each once, sorted)"
    )]
    InvalidIdentifier {
        /// The node id.
        id: NodeId,
        /// The identifier's scheme.
        scheme: String,
        /// The identifier's value.
        value: String,
    },
    /// An edge endpoint that is neither in the file nor in the store.
    #[error("edge `{edge}` has {end} `{id}`, which is not a node of this file or of the store")]
    DanglingEndpoint {
        /// The edge id.
        edge: String,
        /// `source` or `target`.
        end: &'static str,
        /// The missing node id.
        id: NodeId,
    },
    /// An edge whose endpoint kind does not fit its type.
    #[error("edge `{edge}` of type {edge_type} cannot have a {kind} as {end} (allowed: {allowed})")]
    EndpointKind {
        /// The edge id.
        edge: String,
        /// Its type.
        edge_type: EdgeType,
        /// `source` or `target`.
        end: &'static str,
        /// The kind found.
        kind: NodeKind,
        /// The kinds allowed.
        allowed: String,
    },
    /// An edge from a node to itself.
    #[error("edge `{0}` points from a node to itself")]
    SelfLoop(String),
    /// A role, IATI role or amount on an edge type that does not carry one.
    #[error("edge `{edge}` of type {edge_type} cannot carry `{field}`")]
    FieldNotForEdgeType {
        /// The edge id.
        edge: String,
        /// Its type.
        edge_type: EdgeType,
        /// The field.
        field: &'static str,
    },
    /// A city with no LOCATED_IN edge to a country in the same file.
    #[error("city `{0}` needs a LOCATED_IN edge to its country in the same file")]
    CityWithoutCountry(NodeId),
    /// A city with LOCATED_IN edges to more than one country.
    #[error("city `{0}` is LOCATED_IN more than one country")]
    CityInSeveralCountries(NodeId),
    /// More ids than one import can check (4 GiB of id text, or 2^32 − 1 records); split the file.
    #[error("the file has more ids than one import can check (4 GiB of id text or 2^32 − 1 records): split it")]
    TooManyIds,
    /// A place for a node that is not a country or city of this file.
    #[error("place `{0}` is not a country or city of this dataset")]
    PlaceWithoutNode(NodeId),
}

fn problem(line: usize, kind: ProblemKind) -> Problem {
    Problem { line, kind }
}

/// serde_json appends " at line 1 column N", which is about the one-line record, not the file.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(pos) => message[..pos].to_owned(),
        None => message.to_owned(),
    }
}

/// Parses and validates a whole, self-contained dataset (no store to resolve references against).
pub fn parse_and_validate(text: &str) -> Result<Dataset, Vec<Problem>> {
    let (mut dataset, parsed) = parse(text);
    let mut problems = problems::ProblemList::default();
    problems.extend(parsed);
    problems.extend(validate(&dataset, &HashMap::new()));
    dataset.merge_places();
    if problems.total() == 0 { Ok(dataset) } else { Err(problems.finish()) }
}

impl Dataset {
    /// Copies each place's location (and a country's region) into the country or city with the same id.
    /// Places without such a node are left for [`validate`] to report.
    pub fn merge_places(&mut self) {
        if self.places.is_empty() {
            return;
        }
        let index: HashMap<NodeId, usize> = self.nodes.iter().enumerate().map(|(idx, node)| (node.record.id.clone(), idx)).collect();
        for place in &self.places {
            if let Some(idx) = index.get(&place.record.id) {
                apply_place(&mut self.nodes[*idx].record, &place.record);
            }
        }
    }

    /// The problems of this dataset's places against its nodes (see [`validate`], which reports them too).
    pub fn place_problems(&self) -> Vec<Problem> {
        let kinds: HashMap<&NodeId, NodeKind> = self.nodes.iter().map(|node| (&node.record.id, node.record.kind)).collect();
        let places: Vec<_> =
            self.places.iter().map(|place| (place.line, place.record.id.clone(), place.record.location.is_valid())).collect();
        check::place_problems(&places, |id| kinds.get(id).copied())
    }
}

/// Checks the records of `dataset` against each other; `existing` gives the kind of nodes that are not in
/// the file but already in the store. Returns every problem (places included), sorted by line.
pub fn validate(dataset: &Dataset, existing: &HashMap<NodeId, NodeKind>) -> Vec<Problem> {
    let mut checker = Checker::default();
    checker.block(dataset);
    checker.finish(existing)
}

/// What [`check_reader`] found: the records of each kind, and every problem, sorted by line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckReport {
    /// Node records read.
    pub nodes: usize,
    /// Edge records read.
    pub edges: usize,
    /// Every problem, sorted by line (past [`limits::MAX_PROBLEMS`], counted by a last
    /// [`ProblemKind::Unlisted`]; [`problem_total`] counts them all).
    pub problems: Vec<Problem>,
}

/// Checks a self-contained dataset streamed from `reader`, with the problems [`parse_and_validate`] finds,
/// holding the ids and never the records. Fails only if reading fails or the file is not text ([`NotText`]).
pub fn check_reader(reader: impl std::io::BufRead) -> std::io::Result<CheckReport> {
    let mut checker = Checker::default();
    let (mut nodes, mut edges) = (0, 0);
    read_blocks(reader, |block, problems| {
        checker.extend(problems);
        checker.block(&block);
        nodes += block.nodes.len();
        edges += block.edges.len();
    })?;
    Ok(CheckReport { nodes, edges, problems: checker.finish(&HashMap::new()) })
}

mod check;
pub mod limits;
mod money;
mod problems;
mod read;
#[cfg(test)]
mod tests;
