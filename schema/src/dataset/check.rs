//! Validation of a dataset's records as they stream by ([`Checker`]): each record is checked on its own as
//! it arrives, and against the others once the file has been read.
//!
//! What the checker keeps is small next to the records: every id with its line (and a node's kind; an edge
//! whose id its caller derived uniquely is not kept, [`Checker::derived_edge`]), the
//! cities and their LOCATED_IN count, the places, and only those edges whose endpoints were not yet known
//! when they arrived (none, when nodes come before edges, as in every export). The records themselves can
//! be dropped, or staged in a compact form, as soon as they are checked.

use std::collections::{BTreeMap, HashMap};

use super::problems::ProblemList;
use super::{Dataset, Lined, Problem, ProblemKind, limits, problem};
use crate::hash::{IdTable, IdTableFull};
use crate::wire::Place;
use crate::{EdgeRecord, EdgeType, NodeId, NodeKind, NodeRecord, PartialDate, Source};

/// An id seen so far: its line, and its kind if it is a node's.
#[derive(Debug, Clone, Copy)]
struct Seen {
    line: u32,
    kind: Option<NodeKind>,
}

/// Checks records one at a time, then against each other with [`Checker::finish`]. Problems are the ones
/// [`validate`](super::validate) reports for the same records, sorted by line.
#[derive(Debug, Default)]
pub struct Checker {
    seen: IdTable<Seen>,
    /// Edges with an endpoint that was not (yet) a node of the file when they arrived.
    deferred: Vec<Lined<EdgeRecord>>,
    /// Cities of the file, with their lines.
    cities: Vec<(usize, NodeId)>,
    /// Per city, its LOCATED_IN edges to countries.
    city_countries: BTreeMap<NodeId, usize>,
    /// Each place: its line, its node, and whether its location is in range.
    places: Vec<(usize, NodeId, bool)>,
    problems: ProblemList,
    /// Whether the id table is full (reported once).
    full: bool,
    /// Nodes not of the file that the caller knows its store holds, with their kinds.
    existing: HashMap<NodeId, NodeKind>,
}

impl Checker {
    /// Records `id` at `line`; reports it if an earlier record used it. Returns whether it is new.
    fn first_use(&mut self, id: &str, line: usize, kind: Option<NodeKind>) -> bool {
        // Lines beyond u32 would need a 4-billion-line file; saturate rather than wrap.
        let seen = Seen { line: u32::try_from(line).unwrap_or(u32::MAX), kind };
        match self.seen.insert_new(id, seen) {
            Ok(None) => true,
            Ok(Some(first)) => {
                let first_line = first.line as usize;
                self.problems.push(problem(line, ProblemKind::DuplicateId { id: id.to_owned(), first_line }));
                false
            }
            Err(IdTableFull) => {
                if !self.full {
                    self.full = true;
                    self.problems.push(problem(line, ProblemKind::TooManyIds));
                }
                false
            }
        }
    }

    /// Whether a node, or an edge checked with [`Checker::edge`], of this id has been checked.
    pub fn knows(&self, id: &str) -> bool {
        self.seen.get(id).is_some()
    }

    /// The kind of a node of the file seen so far, or of one the caller said exists.
    fn node_kind(&self, id: &NodeId) -> Option<NodeKind> {
        self.seen.get(id.as_str()).and_then(|seen| seen.kind).or_else(|| self.existing.get(id).copied())
    }

    /// Notes that the store holds node `id` of `kind` (a caller that has read it, such as an importer that
    /// links to it): edges to it are then checked as they arrive instead of being kept for the end.
    pub fn existing(&mut self, id: &NodeId, kind: NodeKind) {
        if !self.existing.contains_key(id) {
            self.existing.insert(id.clone(), kind);
        }
    }

    /// Notes that the store holds a `LOCATED_IN` edge from `city` to a country that the records checked
    /// here keep (a curation batch that writes a city and not its country edge).
    pub fn stored_city_country(&mut self, city: &NodeId) {
        *self.city_countries.entry(city.clone()).or_default() += 1;
    }

    /// Checks every record of `block` (records read at their lines).
    pub fn block(&mut self, block: &Dataset) {
        for Lined { line, record } in &block.nodes {
            self.node(*line, record);
        }
        for Lined { line, record } in &block.edges {
            self.edge(*line, record);
        }
        for Lined { line, record } in &block.places {
            self.place(*line, record);
        }
    }

    /// Checks a node record read at `line`.
    pub fn node(&mut self, line: usize, node: &NodeRecord) {
        self.first_use(node.id.as_str(), line, Some(node.kind));
        self.problems.extend(check_node(node).into_iter().map(|kind| problem(line, kind)));
        if node.kind == NodeKind::City {
            self.cities.push((line, node.id.clone()));
        }
    }

    /// Checks an edge record read at `line`. Its endpoints are checked now if both are nodes already seen,
    /// otherwise when the file has been read.
    pub fn edge(&mut self, line: usize, edge: &EdgeRecord) {
        self.first_use(edge.id.as_str(), line, None);
        self.edge_alone(line, edge);
    }

    /// Checks an edge as [`Checker::edge`] does, except that its id is not kept to be compared with the
    /// others': for a caller whose edge ids are unique by construction (an IATI participation's id names
    /// its activity's agreement, which a file has once), so the checker's memory grows with the file's
    /// nodes only, not its edges.
    pub fn derived_edge(&mut self, line: usize, edge: &EdgeRecord) {
        self.edge_alone(line, edge);
    }

    /// The checks of one edge that do not compare its id with the others'.
    fn edge_alone(&mut self, line: usize, edge: &EdgeRecord) {
        let is_city_country =
            edge.edge_type == EdgeType::LocatedIn && edge.source.kind() == NodeKind::City && edge.target.kind() == NodeKind::Country;
        if is_city_country {
            *self.city_countries.entry(edge.source.clone()).or_default() += 1;
        }
        if self.node_kind(&edge.source).is_some() && self.node_kind(&edge.target).is_some() {
            let problems = check_edge(edge, &|id| self.node_kind(id));
            self.problems.extend(problems.into_iter().map(|kind| problem(line, kind)));
        } else {
            self.deferred.push(Lined { line, record: edge.clone() });
        }
    }

    /// Notes a place read at `line` (checked once every node is known).
    pub fn place(&mut self, line: usize, place: &Place) {
        self.problems.extend(limits::place_sizes(place).into_iter().map(|kind| problem(line, kind)));
        self.places.push((line, place.id.clone(), place.location.is_valid()));
    }

    /// Adds problems found elsewhere (lines that are not records).
    pub fn extend(&mut self, problems: impl IntoIterator<Item = Problem>) {
        self.problems.extend(problems);
    }

    /// Problems found so far.
    pub fn problem_count(&self) -> usize {
        self.problems.total()
    }

    /// Edge endpoints that are not nodes of the file; a caller looks them up in its store.
    pub fn external_endpoints(&self) -> Vec<NodeId> {
        let mut external: Vec<NodeId> = self
            .deferred
            .iter()
            .flat_map(|edge| [&edge.record.source, &edge.record.target])
            .filter(|id| self.node_kind(id).is_none())
            .cloned()
            .collect();
        external.sort();
        external.dedup();
        external
    }

    /// Finishes the checks that need the whole file; `existing` gives the kind of nodes that are not in the
    /// file but already in the store. Returns every problem, sorted by line (past
    /// [`limits::MAX_PROBLEMS`], the others counted by a last [`ProblemKind::Unlisted`]).
    pub fn finish(mut self, existing: &HashMap<NodeId, NodeKind>) -> Vec<Problem> {
        for Lined { line, record } in std::mem::take(&mut self.deferred) {
            let problems = check_edge(&record, &|id| self.node_kind(id).or_else(|| existing.get(id).copied()));
            self.problems.extend(problems.into_iter().map(|kind| problem(line, kind)));
        }
        for (line, id) in std::mem::take(&mut self.cities) {
            match self.city_countries.get(&id) {
                None => self.problems.push(problem(line, ProblemKind::CityWithoutCountry(id))),
                Some(count) if *count > 1 => self.problems.push(problem(line, ProblemKind::CityInSeveralCountries(id))),
                Some(_) => {}
            }
        }
        let places = std::mem::take(&mut self.places);
        self.problems.extend(place_problems(&places, |id| self.node_kind(id)));
        self.problems.finish()
    }
}

/// The problems of places (line, node, location in range) against the nodes they name (`node_kind`
/// gives the kind of a node of the file): a place must name a country or city, with a location in range.
pub(super) fn place_problems(places: &[(usize, NodeId, bool)], node_kind: impl Fn(&NodeId) -> Option<NodeKind>) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (line, id, valid) in places {
        if !matches!(node_kind(id), Some(NodeKind::Country | NodeKind::City)) {
            problems.push(problem(*line, ProblemKind::PlaceWithoutNode(id.clone())));
        } else if !valid {
            problems.push(problem(*line, ProblemKind::InvalidLocation(id.to_string())));
        }
    }
    problems
}

/// Copies a place's location (and a country's region) into `node`; returns `false`, changing nothing, if
/// `node` is not a country or city.
pub fn apply_place(node: &mut NodeRecord, place: &Place) -> bool {
    match node.kind {
        NodeKind::Country => {
            node.location = Some(place.location);
            node.region.clone_from(&place.region);
            true
        }
        NodeKind::City => {
            node.location = Some(place.location);
            true
        }
        _ => false,
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
    problems.extend(limits::node_sizes(node));
    let kind = node.kind;
    let not_for = |field: &'static str| ProblemKind::FieldNotForKind { id: id.clone(), kind, field };
    let fields: [(&'static str, bool, &[NodeKind]); 15] = [
        ("agencyType", node.agency_type.is_some(), &[NodeKind::Agency]),
        ("iso3", node.iso3.is_some(), &[NodeKind::Country]),
        ("region", node.region.is_some(), &[NodeKind::Country]),
        ("networkType", node.network_type.is_some(), &[NodeKind::Network]),
        ("agreementType", node.agreement_type.is_some(), &[NodeKind::Agreement]),
        ("eventType", node.event_type.is_some(), &[NodeKind::Event]),
        ("start", node.start.is_some() || node.end.is_some(), &[NodeKind::Agreement, NodeKind::Event, NodeKind::Need]),
        ("amountUsd", node.amount_usd.is_some(), &[NodeKind::Agreement]),
        ("sdgs", !node.sdgs.is_empty(), &[NodeKind::Agreement, NodeKind::Need, NodeKind::Offer]),
        ("sectors", !node.sectors.is_empty(), &[NodeKind::Agreement, NodeKind::Need, NodeKind::Offer]),
        ("support", !node.support.is_empty(), &[NodeKind::Need, NodeKind::Offer]),
        ("languages", !node.languages.is_empty(), &[NodeKind::Need, NodeKind::Offer]),
        ("status", node.status.is_some(), &[NodeKind::Agreement]),
        ("recipients", !node.recipients.is_empty(), &[NodeKind::Agreement]),
        ("amounts", !node.amounts.is_empty(), &[NodeKind::Agreement]),
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
    for sector in &node.sectors {
        if !is_sector_code(sector) {
            problems.push(ProblemKind::InvalidSector { id: id.clone(), sector: sector.clone() });
        }
    }
    for language in &node.languages {
        if !is_language_code(language) {
            problems.push(ProblemKind::InvalidLanguage { id: id.clone(), language: language.clone() });
        }
    }
    if node.amount_usd.is_some_and(|amount| !amount.is_finite() || amount < 0.0) {
        problems.push(ProblemKind::InvalidAmount(id.to_string()));
    }
    if node.location.is_some_and(|location| !location.is_valid()) {
        problems.push(ProblemKind::InvalidLocation(id.to_string()));
    }
    for (index, identifier) in node.identifiers.iter().enumerate() {
        let sorted = index == 0 || node.identifiers[index - 1] < *identifier;
        if !identifier.is_valid() || !sorted {
            problems.push(ProblemKind::InvalidIdentifier {
                id: id.clone(),
                scheme: identifier.scheme.clone(),
                value: identifier.value.clone(),
            });
        }
    }
    problems.extend(super::money::check(node));
    for (index, translation) in node.translations.iter().enumerate() {
        let invalid = |reason| ProblemKind::InvalidTranslation { id: id.clone(), language: translation.language.clone(), reason };
        if !is_language_code(&translation.language) {
            problems.push(invalid("a language is its ISO 639-1 code in lower case"));
        } else if node.translations[..index].iter().any(|earlier| earlier.language == translation.language) {
            problems.push(invalid("the language is given twice"));
        }
        let empty = |text: &Option<String>| text.as_ref().is_none_or(|text| text.trim().is_empty());
        if empty(&translation.name) && empty(&translation.description) {
            problems.push(invalid("it gives neither a name nor a description"));
        }
    }
    problems.extend(check_claims(node));
    problems
}

/// Whether `code` is an OECD DAC sector: a 3-digit category or a 5-digit purpose code.
pub fn is_sector_code(code: &str) -> bool {
    matches!(code.len(), 3 | 5) && code.bytes().all(|byte| byte.is_ascii_digit())
}

/// Whether `code` is an ISO 639-1 language code in lower case (two letters).
pub fn is_language_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|byte| byte.is_ascii_lowercase())
}

/// The problems of a node's claims: each claim's record is a record of this node, without claims of its
/// own, checked as any node is; each origin is claimed once; a claim without a record stands alone.
fn check_claims(node: &NodeRecord) -> Vec<ProblemKind> {
    let mut problems = Vec::new();
    let invalid = |origin: &str, reason| ProblemKind::InvalidClaim { id: node.id.to_string(), origin: origin.to_owned(), reason };
    for (index, claim) in node.claims.iter().enumerate() {
        if node.claims[..index].iter().any(|other| other.origin == claim.origin) {
            problems.push(invalid(&claim.origin, "the origin is claimed twice"));
        }
        match &claim.record {
            None if node.claims.len() > 1 => problems.push(invalid(&claim.origin, "a claim without a record must be the only one")),
            None => {}
            Some(record) if record.id != node.id => problems.push(invalid(&claim.origin, "its record has another id")),
            Some(record) if !record.claims.is_empty() => problems.push(invalid(&claim.origin, "its record has claims")),
            Some(record) => problems.extend(check_node(record)),
        }
    }
    problems
}

/// A problem if the id of `edge` is not `<source>><type in lower case>><target>`, optionally followed by
/// `~N` with N ≥ 2 (written without leading zeros) or `~qualifier` (a lower-case ASCII letter, then
/// lower-case letters, digits and `-`: `~funding`, as IATI participations are told apart by role), as the
/// format says.
fn id_form(edge: &EdgeRecord) -> Option<ProblemKind> {
    let tag = edge.edge_type.as_str();
    let rest = edge
        .id
        .as_str()
        .strip_prefix(edge.source.as_str())
        .and_then(|rest| rest.strip_prefix('>'))
        .and_then(|rest| {
            let (head, tail) = rest.split_at_checked(tag.len())?;
            head.bytes().zip(tag.bytes()).all(|(found, upper)| found == upper.to_ascii_lowercase()).then_some(tail)
        })
        .and_then(|rest| rest.strip_prefix('>'))
        .and_then(|rest| rest.strip_prefix(edge.target.as_str()));
    let follows = match rest {
        Some("") => true,
        Some(suffix) => suffix.strip_prefix('~').is_some_and(|tail| {
            let counted = !tail.starts_with('0') && tail.parse::<u32>().is_ok_and(|count| count >= 2);
            let qualified = tail.starts_with(|c: char| c.is_ascii_lowercase())
                && tail.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-');
            counted || qualified
        }),
        None => false,
    };
    let expected = || format!("{}>{}>{}", edge.source, tag.to_ascii_lowercase(), edge.target);
    (!follows).then(|| ProblemKind::EdgeIdForm { id: edge.id.to_string(), expected: expected() })
}

/// The node kinds an edge type accepts as (source, target); `None` accepts any kind.
pub fn endpoint_kinds(edge_type: EdgeType) -> (Option<&'static [NodeKind]>, Option<&'static [NodeKind]>) {
    use NodeKind::*;
    match edge_type {
        EdgeType::MemberOf => (None, Some(&[Network, Agency])),
        EdgeType::HostedBy => (None, Some(&[Agency, Country, City])),
        EdgeType::LocatedIn => (Some(&[City, Agency, Event, Network, Agreement, Need, Offer]), Some(&[City, Country])),
        EdgeType::ParticipatesIn => (Some(&[Agency, Country, City, Network]), Some(&[Agreement, Event, Network, Need, Offer])),
        EdgeType::Funds => (None, Some(&[Agreement, Agency, Network, Event])),
        EdgeType::AdministeredBy => (Some(&[Agreement, Network]), Some(&[Agency])),
        EdgeType::OrganisedBy => (Some(&[Event]), None),
        EdgeType::PartOf => (None, None),
    }
}

fn check_edge(edge: &EdgeRecord, kind_of: &dyn Fn(&NodeId) -> Option<NodeKind>) -> Vec<ProblemKind> {
    let id = edge.id.as_str();
    let mut problems = check_sources(id, &edge.sources);
    problems.extend(limits::source_sizes(id, &edge.sources));
    problems.extend(id_form(edge));
    if edge.source == edge.target {
        problems.push(ProblemKind::SelfLoop(id.to_owned()));
    }
    let (sources_allowed, targets_allowed) = endpoint_kinds(edge.edge_type);
    for (end, node_id, allowed) in [("source", &edge.source, sources_allowed), ("target", &edge.target, targets_allowed)] {
        let Some(kind) = kind_of(node_id) else {
            problems.push(ProblemKind::DanglingEndpoint { edge: id.to_owned(), end, id: node_id.clone() });
            continue;
        };
        if let Some(allowed) = allowed
            && !allowed.contains(&kind)
        {
            let allowed = allowed.iter().map(|kind| kind.as_str()).collect::<Vec<_>>().join(", ");
            problems.push(ProblemKind::EndpointKind { edge: id.to_owned(), edge_type: edge.edge_type, end, kind, allowed });
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
    problems.extend(check_edge_claims(edge, kind_of));
    problems
}

/// The problems of an edge's claims (`crate::claims::edges`): at least two, each with a record of this
/// edge (same id, type and ends) without claims of its own, checked as any edge is; each origin once.
fn check_edge_claims(edge: &EdgeRecord, kind_of: &dyn Fn(&NodeId) -> Option<NodeKind>) -> Vec<ProblemKind> {
    let mut problems = Vec::new();
    let invalid = |origin: &str, reason| ProblemKind::InvalidClaim { id: edge.id.to_string(), origin: origin.to_owned(), reason };
    for (index, claim) in edge.claims.iter().enumerate() {
        if edge.claims[..index].iter().any(|other| other.origin == claim.origin) {
            problems.push(invalid(&claim.origin, "the origin is claimed twice"));
        }
        match claim.record.as_deref() {
            None => problems.push(invalid(&claim.origin, "an edge's claim needs its record")),
            Some(record)
                if (&record.id, record.edge_type, &record.source, &record.target)
                    != (&edge.id, edge.edge_type, &edge.source, &edge.target) =>
            {
                problems.push(invalid(&claim.origin, "its record is of another edge"))
            }
            Some(record) if !record.claims.is_empty() => problems.push(invalid(&claim.origin, "its record has claims")),
            Some(record) => problems.extend(check_edge(record, kind_of)),
        }
    }
    problems
}
