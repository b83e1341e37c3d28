//! Parsing and validation of a dataset file (JSON Lines), reporting every problem with its line.
//!
//! [`parse`] (or [`parse_reader`], streaming) reads every line it can and collects a [`Problem`] for each one it cannot; [`validate`] then
//! checks the records against each other and against the nodes a store already holds (so an import may
//! point at existing nodes). A file with any problem must not be imported at all: callers get either a
//! valid [`Dataset`] or the full list of problems, sorted by line.

use std::collections::{BTreeMap, HashMap};

pub use read::{parse, parse_reader};

use crate::hash::{IdMap, IdSet};
use crate::wire::Place;
use crate::{EdgeRecord, EdgeType, NodeId, NodeKind, NodeRecord, PartialDate, Source};

/// Longest quote accepted in a source, in characters.
pub const MAX_QUOTE_CHARS: usize = 1000;

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
    /// A source without a document, with paragraph 0, or with an overlong quote.
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
    /// A negative or non-finite amount.
    #[error("`{0}` has an amount that is negative or not a number")]
    InvalidAmount(String),
    /// Coordinates out of range.
    #[error("`{0}` has a location out of range")]
    InvalidLocation(String),
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
    let (mut dataset, mut problems) = parse(text);
    problems.extend(dataset.merge_places());
    problems.extend(validate(&dataset, &HashMap::new()));
    if problems.is_empty() {
        Ok(dataset)
    } else {
        problems.sort_by_key(|problem| problem.line);
        Err(problems)
    }
}

impl Dataset {
    /// Copies each place's location (and region) into the node with the same id; reports places whose
    /// node is missing or is not a country or city.
    pub fn merge_places(&mut self) -> Vec<Problem> {
        let mut problems = Vec::new();
        if self.places.is_empty() {
            return problems;
        }
        let index: HashMap<NodeId, usize> = self.nodes.iter().enumerate().map(|(idx, node)| (node.record.id.clone(), idx)).collect();
        for place in &self.places {
            let found = index.get(&place.record.id).map(|idx| &mut self.nodes[*idx].record);
            match found {
                Some(node) if matches!(node.kind, NodeKind::Country | NodeKind::City) => {
                    node.location = Some(place.record.location);
                    if node.kind == NodeKind::Country {
                        node.region.clone_from(&place.record.region);
                    }
                }
                _ => problems.push(problem(place.line, ProblemKind::PlaceWithoutNode(place.record.id.clone()))),
            }
        }
        problems
    }

    /// Edge endpoints that are not nodes of this file; an importer looks them up in its store.
    pub fn external_endpoints(&self) -> Vec<NodeId> {
        let local: IdSet<&NodeId> = self.nodes.iter().map(|node| &node.record.id).collect();
        let mut external: Vec<NodeId> = self
            .edges
            .iter()
            .flat_map(|edge| [&edge.record.source, &edge.record.target])
            .filter(|id| !local.contains(id))
            .cloned()
            .collect();
        external.sort();
        external.dedup();
        external
    }
}

/// Checks the records of `dataset` against each other; `existing` gives the kind of nodes that are
/// not in the file but already in the store. Returns every problem, sorted by line.
pub fn validate(dataset: &Dataset, existing: &HashMap<NodeId, NodeKind>) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen: IdMap<&str, usize> = IdMap::with_capacity_and_hasher(dataset.nodes.len() + dataset.edges.len(), Default::default());
    let mut kinds: IdMap<&NodeId, NodeKind> = IdMap::with_capacity_and_hasher(existing.len() + dataset.nodes.len(), Default::default());
    kinds.extend(existing.iter().map(|(id, kind)| (id, *kind)));
    for Lined { line, record } in &dataset.nodes {
        check_unique(&mut seen, record.id.as_str(), *line, &mut problems);
        kinds.insert(&record.id, record.kind);
        problems.extend(check_node(record).into_iter().map(|kind| problem(*line, kind)));
    }
    let mut city_countries: BTreeMap<&NodeId, usize> = BTreeMap::new();
    for Lined { line, record } in &dataset.edges {
        check_unique(&mut seen, record.id.as_str(), *line, &mut problems);
        problems.extend(check_edge(record, &kinds).into_iter().map(|kind| problem(*line, kind)));
        let is_city_country =
            record.edge_type == EdgeType::LocatedIn && record.source.kind() == NodeKind::City && record.target.kind() == NodeKind::Country;
        if is_city_country {
            *city_countries.entry(&record.source).or_default() += 1;
        }
    }
    for Lined { line, record } in &dataset.nodes {
        if record.kind == NodeKind::City {
            match city_countries.get(&record.id) {
                None => problems.push(problem(*line, ProblemKind::CityWithoutCountry(record.id.clone()))),
                Some(count) if *count > 1 => problems.push(problem(*line, ProblemKind::CityInSeveralCountries(record.id.clone()))),
                Some(_) => {}
            }
        }
    }
    problems.sort_by_key(|problem| problem.line);
    problems
}

fn check_unique<'d>(seen: &mut IdMap<&'d str, usize>, id: &'d str, line: usize, problems: &mut Vec<Problem>) {
    if let Some(first_line) = seen.get(id) {
        problems.push(problem(line, ProblemKind::DuplicateId { id: id.to_owned(), first_line: *first_line }));
    } else {
        seen.insert(id, line);
    }
}

fn check_sources(id: &str, sources: &[Source]) -> Vec<ProblemKind> {
    if sources.is_empty() {
        return vec![ProblemKind::MissingSources(id.to_owned())];
    }
    let invalid = |reason: &str| ProblemKind::InvalidSource { id: id.to_owned(), reason: reason.to_owned() };
    let mut problems = Vec::new();
    for source in sources {
        if source.document.trim().is_empty() {
            problems.push(invalid("empty document"));
        }
        if source.paragraph == Some(0) {
            problems.push(invalid("paragraphs are counted from 1"));
        }
        if source.quote.as_ref().is_some_and(|quote| quote.chars().count() > MAX_QUOTE_CHARS) {
            problems.push(invalid("quote longer than 1000 characters"));
        }
    }
    problems
}

fn check_dates(id: &str, start: Option<PartialDate>, end: Option<PartialDate>) -> Option<ProblemKind> {
    match (start, end) {
        (Some(start), Some(end)) if end.last_day() < start.first_day() => {
            Some(ProblemKind::DatesOutOfOrder { id: id.to_owned(), start, end })
        }
        _ => None,
    }
}

fn check_node(node: &NodeRecord) -> Vec<ProblemKind> {
    let id = &node.id;
    let mut problems = Vec::new();
    if node.kind != id.kind() {
        problems.push(ProblemKind::KindMismatch { id: id.clone(), kind: node.kind, expected: id.kind() });
    }
    if node.name.trim().is_empty() {
        problems.push(ProblemKind::EmptyName(id.to_string()));
    }
    problems.extend(check_sources(id.as_str(), &node.sources));
    let kind = node.kind;
    let not_for = |field: &'static str| ProblemKind::FieldNotForKind { id: id.clone(), kind, field };
    let fields: [(&'static str, bool, &[NodeKind]); 9] = [
        ("agencyType", node.agency_type.is_some(), &[NodeKind::Agency]),
        ("iso3", node.iso3.is_some(), &[NodeKind::Country]),
        ("region", node.region.is_some(), &[NodeKind::Country]),
        ("networkType", node.network_type.is_some(), &[NodeKind::Network]),
        ("agreementType", node.agreement_type.is_some(), &[NodeKind::Agreement]),
        ("eventType", node.event_type.is_some(), &[NodeKind::Event]),
        ("start", node.start.is_some() || node.end.is_some(), &[NodeKind::Agreement, NodeKind::Event]),
        ("amountUsd", node.amount_usd.is_some(), &[NodeKind::Agreement]),
        ("sdgs", !node.sdgs.is_empty(), &[NodeKind::Agreement]),
    ];
    for (field, present, allowed) in fields {
        if present && !allowed.contains(&kind) {
            problems.push(not_for(field));
        }
    }
    if kind == NodeKind::Country && node.iso3.as_deref() != Some(id.slug()) {
        problems.push(ProblemKind::Iso3Mismatch(id.clone()));
    }
    problems.extend(check_dates(id.as_str(), node.start, node.end));
    for sdg in &node.sdgs {
        if !(1..=17).contains(sdg) {
            problems.push(ProblemKind::InvalidSdg { id: id.clone(), sdg: *sdg });
        }
    }
    if node.amount_usd.is_some_and(|amount| !amount.is_finite() || amount < 0.0) {
        problems.push(ProblemKind::InvalidAmount(id.to_string()));
    }
    if node.location.is_some_and(|location| !location.is_valid()) {
        problems.push(ProblemKind::InvalidLocation(id.to_string()));
    }
    problems
}

/// The node kinds an edge type accepts as (source, target); `None` accepts any kind.
pub fn endpoint_kinds(edge_type: EdgeType) -> (Option<&'static [NodeKind]>, Option<&'static [NodeKind]>) {
    use NodeKind::*;
    match edge_type {
        EdgeType::MemberOf => (None, Some(&[Network, Agency])),
        EdgeType::HostedBy => (None, Some(&[Agency, Country, City])),
        EdgeType::LocatedIn => (Some(&[City, Agency, Event, Network, Agreement]), Some(&[City, Country])),
        EdgeType::ParticipatesIn => (None, Some(&[Agreement, Event, Network])),
        EdgeType::Funds => (None, Some(&[Agreement, Agency, Network, Event])),
        EdgeType::AdministeredBy => (Some(&[Agreement, Network]), Some(&[Agency])),
        EdgeType::OrganisedBy => (Some(&[Event]), None),
        EdgeType::PartOf => (None, None),
    }
}

fn check_edge(edge: &EdgeRecord, kinds: &IdMap<&NodeId, NodeKind>) -> Vec<ProblemKind> {
    let id = edge.id.as_str();
    let mut problems = check_sources(id, &edge.sources);
    if edge.source == edge.target {
        problems.push(ProblemKind::SelfLoop(id.to_owned()));
    }
    let (sources_allowed, targets_allowed) = endpoint_kinds(edge.edge_type);
    for (end, node_id, allowed) in [("source", &edge.source, sources_allowed), ("target", &edge.target, targets_allowed)] {
        let Some(kind) = kinds.get(node_id) else {
            problems.push(ProblemKind::DanglingEndpoint { edge: id.to_owned(), end, id: node_id.clone() });
            continue;
        };
        if let Some(allowed) = allowed
            && !allowed.contains(kind)
        {
            let allowed = allowed.iter().map(|kind| kind.as_str()).collect::<Vec<_>>().join(", ");
            problems.push(ProblemKind::EndpointKind { edge: id.to_owned(), edge_type: edge.edge_type, end, kind: *kind, allowed });
        }
    }
    let not_for = |field: &'static str| ProblemKind::FieldNotForEdgeType { edge: id.to_owned(), edge_type: edge.edge_type, field };
    let participation = edge.edge_type == EdgeType::ParticipatesIn;
    if edge.role.is_some() && !participation {
        problems.push(not_for("role"));
    }
    if edge.iati_role.is_some() && !(participation || edge.edge_type == EdgeType::Funds) {
        problems.push(not_for("iatiRole"));
    }
    if edge.amount_usd.is_some() && !(participation || edge.edge_type == EdgeType::Funds) {
        problems.push(not_for("amountUsd"));
    }
    if edge.amount_usd.is_some_and(|amount| !amount.is_finite() || amount < 0.0) {
        problems.push(ProblemKind::InvalidAmount(id.to_owned()));
    }
    problems.extend(check_dates(id, edge.from, edge.to));
    problems
}

mod read;
#[cfg(test)]
mod tests;
