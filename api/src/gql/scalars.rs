//! GraphQL scalars and enums: the `Date` scalar and the mirrors of the domain vocabularies.
//!
//! The enums are declared as remote mirrors of `partnergraph_schema::kinds`, so the GraphQL names are the
//! wire names of the dataset format and the two cannot drift apart silently (the derive checks every
//! variant).

use async_graphql::{Enum, InputValueError, InputValueResult, Scalar, ScalarType, Value};
use partnergraph_schema::PartialDate;

/// An ISO 8601 calendar date with year, year-month or year-month-day precision (`2014`, `2014-06`,
/// `2014-06-30`); a partial date stands for the whole period it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub PartialDate);

#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => text.parse().map(Date).map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// What a node is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "NodeKind", remote = "partnergraph_schema::NodeKind")]
pub enum NodeKind {
    /// An organisation: UN entity, ministry, development bank, NGO, university.
    Agency,
    /// A country (ISO 3166-1 alpha-3).
    Country,
    /// A city.
    City,
    /// A network, alliance or group with members.
    Network,
    /// A partnership agreement, trust fund, facility, programme, project or centre of excellence.
    Agreement,
    /// A dated event.
    Event,
    /// A country-led request for help (matching).
    Need,
    /// A Southern solution on offer (matching).
    Offer,
}

/// The kind of help a need asks for or an offer gives.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "Support", remote = "partnergraph_schema::Support")]
pub enum Support {
    /// Experts sent to advise or do the work.
    TechnicalAssistance,
    /// Training and strengthening of institutions.
    CapacityBuilding,
    /// Exchanges of experience: study tours, peer learning, documented practices.
    KnowledgeSharing,
    /// Advice on policy, law or regulation.
    PolicyAdvice,
    /// Technology, equipment or know-how transferred.
    TechnologyTransfer,
    /// Grants, loans or co-financing.
    Finance,
}

/// The type of a directed edge (see the dataset format for each direction).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "EdgeType", remote = "partnergraph_schema::EdgeType")]
pub enum EdgeType {
    /// Member → network or organisation.
    MemberOf,
    /// Hosted network, office or event → host.
    HostedBy,
    /// City → country; agency → headquarters city; event → venue.
    LocatedIn,
    /// Actor → agreement, event or network, with roles.
    ParticipatesIn,
    /// Funder → agreement, agency or network.
    Funds,
    /// Fund, facility or programme → administering agency.
    AdministeredBy,
    /// Event → organiser.
    OrganisedBy,
    /// Part → whole.
    PartOf,
}

/// Which edges to follow from a node or a frontier: every edge touching it, or only those leaving it
/// (it is their source) or entering it (their target).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(name = "EdgeDirection", remote = "crate::store::Direction")]
pub enum EdgeDirection {
    /// Either way.
    #[default]
    Both,
    /// Edges whose source it is.
    Out,
    /// Edges whose target it is.
    In,
}

/// OECD triangular co-operation roles, plus a plain partner role.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "Role", remote = "partnergraph_schema::Role")]
pub enum Role {
    /// Receives the co-operation and owns the results.
    Beneficiary,
    /// Shares its proven experience (usually a Southern country).
    Pivotal,
    /// Connects and supports the others (usually a donor or multilateral body).
    Facilitating,
    /// A partner whose triangular role the sources do not state.
    Partner,
}

/// What kind of origin a claim on a node comes from; a node shows the value of the highest, then the newest.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "Precedence", remote = "partnergraph_schema::Precedence")]
pub enum Precedence {
    /// A mention in someone else's record (a participating organisation or recipient country of an IATI
    /// activity).
    Mention,
    /// The record its subject publishes itself (an IATI organisation file by that organisation; an IATI
    /// activity for its agreement).
    OwnRecord,
    /// The node's own curated record (the seed dataset, JSON Lines and CSV imports).
    Curated,
}

/// IATI participating-organisation roles (codes 1–4).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "IatiRole", remote = "partnergraph_schema::IatiRole")]
pub enum IatiRole {
    /// 1: provides the funds.
    Funding,
    /// 2: accountable for oversight and outcomes.
    Accountable,
    /// 3: manages the funds on behalf of the funder.
    Extending,
    /// 4: carries out the activity.
    Implementing,
}

/// Kinds of organisation.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "AgencyType", remote = "partnergraph_schema::AgencyType")]
pub enum AgencyType {
    /// UN fund, programme, specialized agency, office or regional commission.
    UnEntity,
    /// National government, ministry or co-operation agency.
    Government,
    /// Non-UN intergovernmental organisation.
    Intergovernmental,
    /// Development bank.
    DevelopmentBank,
    /// Non-governmental organisation.
    Ngo,
    /// Company or business association.
    PrivateSector,
    /// University, research institute or think tank.
    Academic,
    /// City or other sub-national government.
    LocalGovernment,
    /// Anything else.
    Other,
}

/// Kinds of network.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "NetworkType", remote = "partnergraph_schema::NetworkType")]
pub enum NetworkType {
    /// Alliance of cities.
    CityNetwork,
    /// Group or forum of countries.
    CountryGroup,
    /// Knowledge or expert network.
    KnowledgeNetwork,
    /// Community of practice.
    CommunityOfPractice,
    /// Online or institutional platform.
    Platform,
    /// Anything else.
    Other,
}

/// Kinds of agreement.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "AgreementType", remote = "partnergraph_schema::AgreementType")]
pub enum AgreementType {
    /// Partnership agreement.
    PartnershipAgreement,
    /// Memorandum of understanding.
    MemorandumOfUnderstanding,
    /// Trust fund.
    TrustFund,
    /// Facility.
    Facility,
    /// Programme.
    Programme,
    /// Project.
    Project,
    /// Centre of excellence.
    CentreOfExcellence,
    /// Initiative.
    Initiative,
    /// Anything else.
    Other,
}

/// Kinds of event.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "EventType", remote = "partnergraph_schema::EventType")]
pub enum EventType {
    /// Conference.
    Conference,
    /// Forum.
    Forum,
    /// Expo.
    Expo,
    /// Consultation.
    Consultation,
    /// Meeting or side event.
    Meeting,
    /// Workshop or training.
    Workshop,
    /// Anything else.
    Other,
}

/// How common a pairing in the role crosswalk is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "Affinity", remote = "partnergraph_schema::crosswalk::Affinity")]
pub enum Affinity {
    /// The usual IATI coding of the OECD role.
    Typical,
    /// Seen, but not the default.
    Possible,
}

/// A count, number or version of the store as GraphQL's `Int` (saturating, never wrapping).
pub(crate) fn number(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Converts a list of GraphQL enum values to domain values.
pub fn to_domain<G: Copy + Into<D>, D>(values: Option<Vec<G>>) -> Vec<D> {
    values.unwrap_or_default().into_iter().map(Into::into).collect()
}
