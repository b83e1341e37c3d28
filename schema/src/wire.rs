//! The wire records of the dataset format, shared by the importer, the exporter, the stores and the widgets.
//!
//! These are the only serde types of the domain: changing a field name here changes the dataset format
//! (`schema/data/README.md`) and is a breaking change. Fields that do not apply to a node's kind stay
//! absent; [`crate::dataset`] rejects them.

use serde::{Deserialize, Serialize};

use crate::{
    ActivityStatus, AgencyType, AgreementType, AmountKind, EdgeId, EdgeType, EventType, IatiRole, NetworkType, NodeId, NodeKind,
    PartialDate, Role, Support,
};

/// Where a fact comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The seed file's own name, or the imported file's name or IATI identifier.
    pub document: String,
    /// The paragraph in that document (see the dataset format for how paragraphs are counted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<u32>,
    /// A short verbatim extract that states the fact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// An identifier of a node in another register: an IATI organisation or activity identifier, an ISO code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identifier {
    /// The register, in lower case: `iati-org`, `iati-activity`, `iso3166-alpha2`, `iso3166-alpha3`, …
    pub scheme: String,
    /// The identifier in that register, as published (e.g. `XM-DAC-41114`).
    pub value: String,
}

impl Identifier {
    /// An identifier in `scheme`.
    pub fn new(scheme: &str, value: impl Into<String>) -> Identifier {
        Identifier { scheme: scheme.to_owned(), value: value.into() }
    }

    /// Whether the scheme is 1–40 of `a-z 0-9 - .` and the value is 1–200 characters without control
    /// characters or surrounding spaces.
    pub fn is_valid(&self) -> bool {
        let scheme_ok = (1..=40).contains(&self.scheme.len())
            && self.scheme.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'.'));
        let value_ok =
            (1..=200).contains(&self.value.chars().count()) && !self.value.chars().any(char::is_control) && self.value.trim() == self.value;
        scheme_ok && value_ok
    }
}

/// A WGS 84 point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeoPoint {
    /// Latitude in degrees, −90 to 90.
    pub lat: f64,
    /// Longitude in degrees, −180 to 180.
    pub lon: f64,
}

impl GeoPoint {
    /// Whether both coordinates are finite and in range.
    pub fn is_valid(&self) -> bool {
        self.lat.is_finite() && self.lon.is_finite() && (-90.0..=90.0).contains(&self.lat) && (-180.0..=180.0).contains(&self.lon)
    }
}

/// A node of the graph with its properties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NodeRecord {
    /// Unique, stable id.
    pub id: NodeId,
    /// Must match the id's prefix.
    pub kind: NodeKind,
    /// Full name in English.
    pub name: String,
    /// Short form, e.g. `UNOSSC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acronym: Option<String>,
    /// Other names used in the sources.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// One sentence of what it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Coordinates (countries: centroid; cities: GeoNames point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<GeoPoint>,
    /// Identifiers in other registers (IATI organisation or activity identifiers, …), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<Identifier>,
    /// AGENCY only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_type: Option<AgencyType>,
    /// COUNTRY only: ISO 3166-1 alpha-3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iso3: Option<String>,
    /// COUNTRY only: continent or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// NETWORK only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_type: Option<NetworkType>,
    /// AGREEMENT only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement_type: Option<AgreementType>,
    /// EVENT only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<EventType>,
    /// AGREEMENT, EVENT and NEED: when it started (a need: from when help is wanted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<PartialDate>,
    /// AGREEMENT, EVENT and NEED: when it ended (a need: until when help is wanted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<PartialDate>,
    /// AGREEMENT only: total size in US dollars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_usd: Option<f64>,
    /// AGREEMENT, NEED and OFFER: Sustainable Development Goals (1–17) the sources name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sdgs: Vec<u8>,
    /// AGREEMENT, NEED and OFFER: OECD DAC sector codes (3-digit categories or 5-digit purpose codes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sectors: Vec<String>,
    /// NEED and OFFER: the kinds of help asked for or given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub support: Vec<Support>,
    /// NEED and OFFER: working languages, as ISO 639-1 codes in lower case (`en`, `fr`, `pt`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    /// The name and description in other languages than the node's own, as the sources give them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub translations: Vec<Translation>,
    /// AGREEMENT only: where it stands (IATI `activity-status`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ActivityStatus>,
    /// AGREEMENT only: the recipient countries and regions, with their shares when given (IATI
    /// `recipient-country`, `recipient-region`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<Recipient>,
    /// AGREEMENT only: its budgets, commitments and disbursements, each summed per currency.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amounts: Vec<Amount>,
    /// Where the node is named.
    pub sources: Vec<Source>,
    /// What each origin says of the node, when it is not only the curated record (`crate::claims`): one
    /// claim without a record names the one origin the node comes from; several claims, each with its
    /// record, are the origins the node's values are composed from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<Claim>,
}

/// A node's name and description in one other language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Translation {
    /// ISO 639-1, lower case (`fr`, `es`).
    pub language: String,
    /// The name in that language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The description in that language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A recipient of an agreement: a country or a region, with its share of the agreement when given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Recipient {
    /// A country, by ISO 3166-1 alpha-3 (as country ids are); absent for a region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// A region, by its code in `vocabulary`; absent for a country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// A region's IATI RegionVocabulary code: `1` OECD DAC (the default), `2` UN M49, `99` the publisher's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vocabulary: Option<String>,
    /// Its share of the agreement, in percent (0–100), when the source gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percentage: Option<f64>,
}

/// A sum of an agreement's money of one kind in one currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Amount {
    /// Budgets, commitments or disbursements.
    pub kind: AmountKind,
    /// ISO 4217 code, upper case (`USD`, `EUR`).
    pub currency: String,
    /// The sum, in that currency (not converted).
    pub value: f64,
}

/// What kind of origin a claim comes from; a node shows the value of the highest, then the newest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Precedence {
    /// A mention in someone else's record: a participating organisation or recipient country of an IATI
    /// activity.
    Mention,
    /// The record its subject publishes itself: an IATI organisation file by that organisation, an IATI
    /// activity for its agreement.
    OwnRecord,
    /// The node's own curated record: the seed dataset, JSON Lines and CSV imports.
    Curated,
}

impl Precedence {
    /// Every precedence, lowest first.
    pub const ALL: &'static [Precedence] = &[Precedence::Mention, Precedence::OwnRecord, Precedence::Curated];
}

/// What one origin says of a node (or, as `Claim<EdgeRecord>`, of an edge).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, bound(serialize = "R: Serialize", deserialize = "R: Deserialize<'de>"))]
pub struct Claim<R = NodeRecord> {
    /// The imported file's name; empty for the curated record.
    pub origin: String,
    /// What kind of origin it is.
    pub precedence: Precedence,
    /// The node (or edge) as this origin describes it (without claims); absent when the claim only names
    /// the one origin of a node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<Box<R>>,
}

impl NodeRecord {
    /// A node with only the common fields set.
    pub fn new(id: NodeId, name: impl Into<String>, sources: Vec<Source>) -> NodeRecord {
        NodeRecord {
            kind: id.kind(),
            id,
            name: name.into(),
            acronym: None,
            aliases: Vec::new(),
            description: None,
            location: None,
            identifiers: Vec::new(),
            agency_type: None,
            iso3: None,
            region: None,
            network_type: None,
            agreement_type: None,
            event_type: None,
            start: None,
            end: None,
            amount_usd: None,
            sdgs: Vec::new(),
            sectors: Vec::new(),
            support: Vec::new(),
            languages: Vec::new(),
            translations: Vec::new(),
            status: None,
            recipients: Vec::new(),
            amounts: Vec::new(),
            sources,
            claims: Vec::new(),
        }
    }
}

/// A directed, typed, dated relation between two nodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EdgeRecord {
    /// Unique, stable id.
    pub id: EdgeId,
    /// What the relation is.
    #[serde(rename = "type")]
    pub edge_type: EdgeType,
    /// Where it starts.
    pub source: NodeId,
    /// Where it points.
    pub target: NodeId,
    /// OECD triangular role of `source` in `target`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// IATI participating-organisation role of `source` in `target`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iati_role: Option<IatiRole>,
    /// Valid from (open if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<PartialDate>,
    /// Valid to (open if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<PartialDate>,
    /// Amount in US dollars (FUNDS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_usd: Option<f64>,
    /// Where the relation is stated.
    pub sources: Vec<Source>,
    /// What each origin says of the edge, when several do (`crate::claims::edges`): each claim with its
    /// record, the origins the edge's values are composed from. Empty for an edge one origin states.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<Claim<EdgeRecord>>,
}

/// An edge without its sources: everything a graph walk reads, and what a store's expansion returns.
/// The sources, the bulky part of a record, are fetched by id only for the edges an answer shows.
/// Deserializes from an [`EdgeRecord`]'s JSON, skipping `sources`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EdgeLink {
    /// Unique, stable id.
    pub id: EdgeId,
    /// What the relation is.
    #[serde(rename = "type")]
    pub edge_type: EdgeType,
    /// Where it starts.
    pub source: NodeId,
    /// Where it points.
    pub target: NodeId,
    /// OECD triangular role of `source` in `target`.
    #[serde(default)]
    pub role: Option<Role>,
    /// IATI participating-organisation role of `source` in `target`.
    #[serde(default)]
    pub iati_role: Option<IatiRole>,
    /// Valid from (open if absent).
    #[serde(default)]
    pub from: Option<PartialDate>,
    /// Valid to (open if absent).
    #[serde(default)]
    pub to: Option<PartialDate>,
    /// Amount in US dollars (FUNDS).
    #[serde(default)]
    pub amount_usd: Option<f64>,
}

impl EdgeLink {
    /// Whether the edge holds at some time during `as_of` (always, without `as_of`).
    pub fn valid_during(&self, as_of: Option<PartialDate>) -> bool {
        as_of.is_none_or(|as_of| crate::date::valid_during(self.from, self.to, as_of))
    }
}

/// Coordinates and region generated for a seed node (`places.jsonl`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// The country or city it belongs to.
    pub id: NodeId,
    /// Its coordinates.
    pub location: GeoPoint,
    /// Countries: continent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Where the coordinates come from, and their licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
}

/// One line of a dataset file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Record {
    /// A node (boxed: a node record is several times an edge's size).
    Node(Box<NodeRecord>),
    /// An edge.
    Edge(EdgeRecord),
    /// Generated coordinates for a node of the same dataset.
    Place(Place),
}
