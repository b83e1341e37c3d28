//! The closed vocabularies of the graph: node kinds, edge types, roles and the per-kind classifications.
//!
//! Every enum here is part of the dataset format and of the GraphQL contract: its wire spelling is the
//! upper-case variant name (`HOSTED_BY`, `PIVOTAL`), and `ALL` lists the variants in declaration order.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Error for a name that is not one of an enum's variants.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{value}`, expected one of {expected}")]
pub struct UnknownVariant {
    /// Which vocabulary was asked for (e.g. "edge type").
    pub what: &'static str,
    /// The rejected value.
    pub value: String,
    /// The accepted spellings, comma separated.
    pub expected: String,
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire spelling (upper case, as in the dataset and GraphQL).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownVariant;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                match value {
                    $($wire => Ok($name::$variant),)+
                    _ => Err(UnknownVariant {
                        what: $what,
                        value: value.to_owned(),
                        expected: [$($wire),+].join(", "),
                    }),
                }
            }
        }
    };
}

vocabulary! {
    /// What a node is. The prefix of a [`crate::NodeId`] names its kind.
    NodeKind, "node kind" {
        /// An organisation: UN entity, ministry, development bank, NGO, university, …
        Agency => "AGENCY",
        /// A sovereign country, identified by its ISO 3166-1 alpha-3 code.
        Country => "COUNTRY",
        /// A city (or metropolitan area) in one country.
        City => "CITY",
        /// A network, alliance, group of countries or community with members.
        Network => "NETWORK",
        /// A partnership agreement, trust fund, facility, programme, project or centre of excellence.
        Agreement => "AGREEMENT",
        /// A dated event: forum, conference, expo, consultation.
        Event => "EVENT",
        /// A country-led request for help: who asks, where, on which SDGs and sectors, what kind of support.
        Need => "NEED",
        /// A Southern solution on offer: who offers it, where it was tested, SDGs, sectors, kind of support.
        Offer => "OFFER",
    }
}

impl NodeKind {
    /// The id prefix of this kind, without the colon (`agency`, `country`, …).
    pub fn id_prefix(self) -> &'static str {
        match self {
            NodeKind::Agency => "agency",
            NodeKind::Country => "country",
            NodeKind::City => "city",
            NodeKind::Network => "network",
            NodeKind::Agreement => "agreement",
            NodeKind::Event => "event",
            NodeKind::Need => "need",
            NodeKind::Offer => "offer",
        }
    }

    /// The kind whose id prefix is `prefix`.
    pub fn from_id_prefix(prefix: &str) -> Option<NodeKind> {
        NodeKind::ALL.iter().copied().find(|kind| kind.id_prefix() == prefix)
    }

    /// The kind of the node id `id` (`kind:slug`), from its prefix; `None` without a known prefix.
    pub fn of_id(id: &str) -> Option<NodeKind> {
        NodeKind::from_id_prefix(id.split_once(':')?.0)
    }
}

vocabulary! {
    /// The type of a directed edge; see the dataset format for each type's direction.
    EdgeType, "edge type" {
        /// Member → network or organisation with members.
        MemberOf => "MEMBER_OF",
        /// Hosted network, office, secretariat or event → host.
        HostedBy => "HOSTED_BY",
        /// City → country; agency → headquarters city; event → venue city or country.
        LocatedIn => "LOCATED_IN",
        /// Actor → agreement, event or network, with an OECD role and/or an IATI role.
        ParticipatesIn => "PARTICIPATES_IN",
        /// Funder → agreement, agency or network, with an amount.
        Funds => "FUNDS",
        /// Trust fund, facility or programme → the agency that administers it.
        AdministeredBy => "ADMINISTERED_BY",
        /// Event → organiser.
        OrganisedBy => "ORGANISED_BY",
        /// Part → whole.
        PartOf => "PART_OF",
    }
}

vocabulary! {
    /// OECD roles in triangular co-operation, plus a plain partner role.
    Role, "role" {
        /// The partner that receives the co-operation and owns the development results.
        Beneficiary => "BENEFICIARY",
        /// The partner, usually a Southern country, that shares its proven experience.
        Pivotal => "PIVOTAL",
        /// The partner, usually a donor or multilateral body, that connects and supports the others.
        Facilitating => "FACILITATING",
        /// A partner whose triangular role the sources do not state.
        Partner => "PARTNER",
    }
}

vocabulary! {
    /// IATI participating-organisation roles (codelist OrganisationRole, codes 1–4).
    IatiRole, "IATI role" {
        /// Code 1: provides the funds.
        Funding => "FUNDING",
        /// Code 2: accountable for the oversight of the activity and its outcomes.
        Accountable => "ACCOUNTABLE",
        /// Code 3: manages the budget and direction of the activity on behalf of the funder.
        Extending => "EXTENDING",
        /// Code 4: physically carries out the activity.
        Implementing => "IMPLEMENTING",
    }
}

impl IatiRole {
    /// The numeric IATI code (1–4).
    pub fn code(self) -> u8 {
        match self {
            IatiRole::Funding => 1,
            IatiRole::Accountable => 2,
            IatiRole::Extending => 3,
            IatiRole::Implementing => 4,
        }
    }

    /// The role for an IATI code (1–4).
    pub fn from_code(code: u8) -> Option<IatiRole> {
        IatiRole::ALL.iter().copied().find(|role| role.code() == code)
    }
}

vocabulary! {
    /// The kind of help a need asks for or an offer gives.
    Support, "kind of support" {
        /// Experts sent to advise or do the work.
        TechnicalAssistance => "TECHNICAL_ASSISTANCE",
        /// Training and strengthening of institutions.
        CapacityBuilding => "CAPACITY_BUILDING",
        /// Exchanges of experience: study tours, peer learning, documented practices.
        KnowledgeSharing => "KNOWLEDGE_SHARING",
        /// Advice on policy, law or regulation.
        PolicyAdvice => "POLICY_ADVICE",
        /// Technology, equipment or know-how transferred.
        TechnologyTransfer => "TECHNOLOGY_TRANSFER",
        /// Grants, loans or co-financing.
        Finance => "FINANCE",
    }
}

vocabulary! {
    /// What kind of organisation an agency is.
    AgencyType, "agency type" {
        /// A UN fund, programme, specialized agency, office or regional commission.
        UnEntity => "UN_ENTITY",
        /// A national government, ministry or national co-operation agency.
        Government => "GOVERNMENT",
        /// A non-UN intergovernmental organisation.
        Intergovernmental => "INTERGOVERNMENTAL",
        /// A multilateral or national development bank.
        DevelopmentBank => "DEVELOPMENT_BANK",
        /// A non-governmental organisation.
        Ngo => "NGO",
        /// A company or business association.
        PrivateSector => "PRIVATE_SECTOR",
        /// A university, research institute or think tank.
        Academic => "ACADEMIC",
        /// A city or other sub-national government.
        LocalGovernment => "LOCAL_GOVERNMENT",
        /// Anything else.
        Other => "OTHER",
    }
}

vocabulary! {
    /// What kind of network a network node is.
    NetworkType, "network type" {
        /// An alliance of cities (e.g. WACAP).
        CityNetwork => "CITY_NETWORK",
        /// A group or forum of countries (e.g. G77, IBSA).
        CountryGroup => "COUNTRY_GROUP",
        /// A knowledge or expert network.
        KnowledgeNetwork => "KNOWLEDGE_NETWORK",
        /// A community of practice.
        CommunityOfPractice => "COMMUNITY_OF_PRACTICE",
        /// An online or institutional platform.
        Platform => "PLATFORM",
        /// Anything else.
        Other => "OTHER",
    }
}

vocabulary! {
    /// What kind of agreement an agreement node is.
    AgreementType, "agreement type" {
        /// A partnership agreement.
        PartnershipAgreement => "PARTNERSHIP_AGREEMENT",
        /// A memorandum of understanding.
        MemorandumOfUnderstanding => "MEMORANDUM_OF_UNDERSTANDING",
        /// A trust fund.
        TrustFund => "TRUST_FUND",
        /// A facility.
        Facility => "FACILITY",
        /// A programme.
        Programme => "PROGRAMME",
        /// A project.
        Project => "PROJECT",
        /// A centre of excellence.
        CentreOfExcellence => "CENTRE_OF_EXCELLENCE",
        /// An initiative.
        Initiative => "INITIATIVE",
        /// Anything else.
        Other => "OTHER",
    }
}

vocabulary! {
    /// What kind of event an event node is.
    EventType, "event type" {
        /// A conference.
        Conference => "CONFERENCE",
        /// A forum.
        Forum => "FORUM",
        /// An expo.
        Expo => "EXPO",
        /// A consultation.
        Consultation => "CONSULTATION",
        /// A meeting or side event.
        Meeting => "MEETING",
        /// A workshop or training.
        Workshop => "WORKSHOP",
        /// Anything else.
        Other => "OTHER",
    }
}

vocabulary! {
    /// Where an agreement stands: the IATI ActivityStatus codelist (codes 1–6, in this order).
    ActivityStatus, "activity status" {
        /// Pipeline or identification: being scoped or planned.
        Pipeline => "PIPELINE",
        /// Being implemented.
        Implementation => "IMPLEMENTATION",
        /// Physical activity complete, or the final disbursement made; reporting and evaluation go on.
        Finalisation => "FINALISATION",
        /// Finished and closed.
        Closed => "CLOSED",
        /// Cancelled.
        Cancelled => "CANCELLED",
        /// Suspended for a time.
        Suspended => "SUSPENDED",
    }
}

impl ActivityStatus {
    /// The status of IATI code `code` (1–6).
    pub fn from_code(code: &str) -> Option<ActivityStatus> {
        let index = code.trim().parse::<usize>().ok()?.checked_sub(1)?;
        ActivityStatus::ALL.get(index).copied()
    }
}

vocabulary! {
    /// What an agreement's money [`crate::Amount`] is: IATI budgets and transactions of two types.
    AmountKind, "amount kind" {
        /// The budgets (`budget`; a revised budget replaces the original one of the same period).
        Budget => "BUDGET",
        /// Commitments (`transaction` type 2, `C` in 1.0x).
        Commitment => "COMMITMENT",
        /// Disbursements (`transaction` type 3, `D` in 1.0x).
        Disbursement => "DISBURSEMENT",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_spelling_round_trips_for_every_vocabulary() {
        for kind in NodeKind::ALL {
            assert_eq!(kind.as_str().parse::<NodeKind>(), Ok(*kind));
            assert_eq!(NodeKind::from_id_prefix(kind.id_prefix()), Some(*kind));
        }
        for edge_type in EdgeType::ALL {
            assert_eq!(edge_type.as_str().parse::<EdgeType>(), Ok(*edge_type));
            let json = serde_json::to_string(edge_type).expect("serialize");
            assert_eq!(json, format!("\"{}\"", edge_type.as_str()));
        }
        for role in IatiRole::ALL {
            assert_eq!(IatiRole::from_code(role.code()), Some(*role));
        }
        assert_eq!(IatiRole::from_code(5), None);
        assert_eq!(ActivityStatus::from_code("2"), Some(ActivityStatus::Implementation));
        assert_eq!(ActivityStatus::from_code(" 6"), Some(ActivityStatus::Suspended));
        assert_eq!((ActivityStatus::from_code("0"), ActivityStatus::from_code("7")), (None, None));
    }

    #[test]
    fn unknown_variant_names_the_accepted_values() {
        let err = "HOSTS".parse::<EdgeType>().expect_err("not an edge type");
        let message = err.to_string();
        assert!(message.contains("unknown edge type `HOSTS`"), "{message}");
        assert!(message.contains("HOSTED_BY"), "{message}");
    }
}
