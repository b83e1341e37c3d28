//! The input types of the mutations: a node or an edge as a line of the dataset format gives it (the
//! same field names, enum spellings and dates), so a line of an export, as GraphQL input, is a valid
//! write. Each converts to its wire record; ids are checked here.

use async_graphql::{ID, InputObject, OneofObject};
use partnergraph_schema::{EdgeId, EdgeRecord, NodeId, NodeRecord};

use crate::error::AppError;
use crate::gql::money::{ActivityStatus, AmountInput, RecipientInput, TranslationInput};
use crate::gql::scalars::{
    AgencyType, AgreementType, Date, EdgeType, EventType, IatiRole, NetworkType, NodeKind, Precedence, Role, Support,
};

/// Where a fact comes from: a document and paragraph, with the sentence that states it.
#[derive(InputObject, Clone)]
pub struct SourceInput {
    /// The document's file name or address.
    pub document: String,
    /// The paragraph (1 for the first).
    pub paragraph: Option<i32>,
    /// The words of the document that state the fact.
    pub quote: Option<String>,
}

/// A WGS 84 point.
#[derive(InputObject)]
pub struct GeoPointInput {
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
}

/// An identifier of a node in another register.
#[derive(InputObject)]
pub struct IdentifierInput {
    /// The register (`iati-org`, `iati-activity`, …).
    pub scheme: String,
    /// The identifier in it.
    pub value: String,
}

/// What one origin says of a node (as an export of a node several origins describe writes it).
#[derive(InputObject)]
pub struct ClaimInput {
    /// The imported file's name; empty for the curated record.
    pub origin: String,
    /// What kind of origin it is.
    pub precedence: Precedence,
    /// The node as this origin describes it.
    pub record: Option<Box<NodeInput>>,
}

/// A node, with the fields of a node line of the dataset format (`schema/data/README.md`).
#[derive(InputObject)]
pub struct NodeInput {
    /// `<kind>:<slug>`.
    pub id: ID,
    /// What the node is (must match the id's prefix).
    pub kind: NodeKind,
    /// Full name in English.
    pub name: String,
    /// Short form.
    pub acronym: Option<String>,
    /// Other names.
    pub aliases: Option<Vec<String>>,
    /// One sentence of what it is.
    pub description: Option<String>,
    /// Coordinates.
    pub location: Option<GeoPointInput>,
    /// Identifiers in other registers.
    pub identifiers: Option<Vec<IdentifierInput>>,
    /// Kind of organisation (agencies).
    pub agency_type: Option<AgencyType>,
    /// ISO 3166-1 alpha-3 (countries).
    pub iso3: Option<String>,
    /// Region (countries).
    pub region: Option<String>,
    /// Kind of network.
    pub network_type: Option<NetworkType>,
    /// Kind of agreement.
    pub agreement_type: Option<AgreementType>,
    /// Kind of event.
    pub event_type: Option<EventType>,
    /// When it started.
    pub start: Option<Date>,
    /// When it ended.
    pub end: Option<Date>,
    /// Amount in US dollars (agreements).
    pub amount_usd: Option<f64>,
    /// Sustainable Development Goals (1–17).
    pub sdgs: Option<Vec<i32>>,
    /// OECD DAC sector codes, 3 or 5 digits (agreements, needs, offers).
    pub sectors: Option<Vec<String>>,
    /// Kinds of support asked for or given (needs, offers).
    pub support: Option<Vec<Support>>,
    /// Working languages, ISO 639-1 codes in lower case (needs, offers).
    pub languages: Option<Vec<String>>,
    /// Where the documents say so: at least one.
    pub sources: Vec<SourceInput>,
    /// The name and description in other languages.
    pub translations: Option<Vec<TranslationInput>>,
    /// Where an agreement stands.
    pub status: Option<ActivityStatus>,
    /// An agreement's recipient countries and regions, with their shares.
    pub recipients: Option<Vec<RecipientInput>>,
    /// An agreement's budgets, commitments and disbursements, each summed per currency.
    pub amounts: Option<Vec<AmountInput>>,
    /// What each origin says, when the node is composed from several (as exported).
    pub claims: Option<Vec<ClaimInput>>,
}

/// An edge, with the fields of an edge line of the dataset format.
#[derive(InputObject)]
pub struct EdgeInput {
    /// Unique, stable id.
    pub id: ID,
    /// What the relation is.
    #[graphql(name = "type")]
    pub edge_type: EdgeType,
    /// The node it starts from.
    pub source: ID,
    /// The node it points to.
    pub target: ID,
    /// OECD triangular role (PARTICIPATES_IN).
    pub role: Option<Role>,
    /// IATI participating-organisation role.
    pub iati_role: Option<IatiRole>,
    /// Valid from.
    pub from: Option<Date>,
    /// Valid until.
    pub to: Option<Date>,
    /// Amount in US dollars.
    pub amount_usd: Option<f64>,
    /// Where the documents say so: at least one.
    pub sources: Vec<SourceInput>,
}

/// A node to write, with the version read.
#[derive(InputObject)]
pub struct UpsertNodeChange {
    /// The node.
    pub input: NodeInput,
    /// The version read (0: it must not exist yet); absent: write whatever is stored.
    pub expected_version: Option<i32>,
}

/// An edge to write, with the version read.
#[derive(InputObject)]
pub struct UpsertEdgeChange {
    /// The edge.
    pub input: EdgeInput,
    /// The version read (0: it must not exist yet); absent: write whatever is stored.
    pub expected_version: Option<i32>,
}

/// A node to delete.
#[derive(InputObject)]
pub struct DeleteNodeChange {
    /// The node.
    pub id: ID,
    /// Delete its edges with it (needs an `admin` token); otherwise a node with edges is refused.
    #[graphql(default_with = "Some(false)")]
    pub with_edges: Option<bool>,
    /// The version read.
    pub expected_version: Option<i32>,
}

/// An edge to delete.
#[derive(InputObject)]
pub struct DeleteEdgeChange {
    /// The edge.
    pub id: ID,
    /// The version read.
    pub expected_version: Option<i32>,
}

/// One change of a batch: exactly one of the fields.
#[derive(OneofObject)]
pub enum ChangeInput {
    /// Write a node (boxed: a node is several times the size of the other changes).
    UpsertNode(Box<UpsertNodeChange>),
    /// Write an edge.
    UpsertEdge(UpsertEdgeChange),
    /// Delete a node.
    DeleteNode(DeleteNodeChange),
    /// Delete an edge.
    DeleteEdge(DeleteEdgeChange),
}

/// A version as the store counts it; a negative one is refused.
pub fn version(value: Option<i32>) -> Result<Option<u64>, AppError> {
    value.map(|value| u64::try_from(value).map_err(|_| AppError::BadInput(format!("a version is 0 or more (got {value})")))).transpose()
}

/// A node id.
pub fn node_id(id: &ID) -> Result<NodeId, AppError> {
    Ok(NodeId::parse(id.as_str())?)
}

/// An edge id.
pub fn edge_id(id: &ID) -> Result<EdgeId, AppError> {
    Ok(EdgeId::parse(id.as_str())?)
}

impl SourceInput {
    /// The wire source (a negative paragraph is refused by the checker as 0 is).
    pub fn record(self) -> partnergraph_schema::Source {
        partnergraph_schema::Source {
            document: self.document,
            paragraph: self.paragraph.map(|paragraph| u32::try_from(paragraph).unwrap_or(0)),
            quote: self.quote,
        }
    }
}

/// Wire sources.
pub fn sources(sources: Option<Vec<SourceInput>>) -> Vec<partnergraph_schema::Source> {
    sources.unwrap_or_default().into_iter().map(SourceInput::record).collect()
}

impl NodeInput {
    /// The wire record.
    pub fn record(self) -> Result<NodeRecord, AppError> {
        let claims = self
            .claims
            .unwrap_or_default()
            .into_iter()
            .map(|claim| {
                let record = claim.record.map(|record| record.record().map(Box::new)).transpose()?;
                Ok(partnergraph_schema::Claim { origin: claim.origin, precedence: claim.precedence.into(), record })
            })
            .collect::<Result<_, AppError>>()?;
        let sdgs = self
            .sdgs
            .unwrap_or_default()
            .into_iter()
            .map(|goal| u8::try_from(goal).map_err(|_| AppError::BadInput(format!("`sdgs` are 1 to 17 (got {goal})"))))
            .collect::<Result<_, _>>()?;
        Ok(NodeRecord {
            id: node_id(&self.id)?,
            kind: self.kind.into(),
            name: self.name,
            acronym: self.acronym,
            aliases: self.aliases.unwrap_or_default(),
            description: self.description,
            location: self.location.map(|point| partnergraph_schema::GeoPoint { lat: point.lat, lon: point.lon }),
            identifiers: self
                .identifiers
                .unwrap_or_default()
                .into_iter()
                .map(|identifier| partnergraph_schema::Identifier { scheme: identifier.scheme, value: identifier.value })
                .collect(),
            agency_type: self.agency_type.map(Into::into),
            iso3: self.iso3,
            region: self.region,
            network_type: self.network_type.map(Into::into),
            agreement_type: self.agreement_type.map(Into::into),
            event_type: self.event_type.map(Into::into),
            start: self.start.map(|date| date.0),
            end: self.end.map(|date| date.0),
            amount_usd: self.amount_usd,
            sdgs,
            sectors: self.sectors.unwrap_or_default(),
            support: self.support.unwrap_or_default().into_iter().map(Into::into).collect(),
            languages: self.languages.unwrap_or_default(),
            translations: self.translations.unwrap_or_default().into_iter().map(Into::into).collect(),
            status: self.status.map(Into::into),
            recipients: self.recipients.unwrap_or_default().into_iter().map(Into::into).collect(),
            amounts: self.amounts.unwrap_or_default().into_iter().map(Into::into).collect(),
            sources: self.sources.into_iter().map(SourceInput::record).collect(),
            claims,
        })
    }
}

impl EdgeInput {
    /// The wire record.
    pub fn record(self) -> Result<EdgeRecord, AppError> {
        Ok(EdgeRecord {
            id: edge_id(&self.id)?,
            edge_type: self.edge_type.into(),
            source: node_id(&self.source)?,
            target: node_id(&self.target)?,
            role: self.role.map(Into::into),
            iati_role: self.iati_role.map(Into::into),
            from: self.from.map(|date| date.0),
            to: self.to.map(|date| date.0),
            amount_usd: self.amount_usd,
            sources: self.sources.into_iter().map(SourceInput::record).collect(),
            claims: Vec::new(),
        })
    }
}
