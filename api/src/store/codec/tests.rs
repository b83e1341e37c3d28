//! The record codec against its promises: every record reads back as written, stored records are
//! smaller than their JSON, damaged bytes are reported and never panic, and the vocabulary codes that
//! the store format depends on stay where they are.

use partnergraph_schema::{
    AgencyType, AgreementType, Claim, EdgeId, EdgeLink, EdgeRecord, EdgeType, EventType, GeoPoint, IatiRole, Identifier, NetworkType,
    NodeId, NodeKind, NodeRecord, PartialDate, Precedence, Role, Source, Support,
};

use partnergraph_schema::text::NodeNames;

use super::{Decode, Encode, LinkView};

fn seed() -> (Vec<NodeRecord>, Vec<EdgeRecord>) {
    let dataset = partnergraph_schema::seed::dataset().expect("the seed is valid");
    (dataset.nodes.into_iter().map(|lined| lined.record).collect(), dataset.edges.into_iter().map(|lined| lined.record).collect())
}

fn date(text: &str) -> PartialDate {
    text.parse().expect("a date")
}

/// A node with every optional field set, including text that is not ASCII and a source with everything.
fn full_node() -> NodeRecord {
    let mut node = NodeRecord::new(
        NodeId::parse("agreement:full").expect("id"),
        "Fonds fiduciaire Sud–Sud — São Tomé",
        vec![
            Source { document: "doc.pdf".into(), paragraph: Some(70_000), quote: Some("« cité »".into()) },
            Source { document: "other".into(), paragraph: None, quote: None },
        ],
    );
    node.acronym = Some("FSS".into());
    node.aliases = vec!["Alias one".into(), String::new(), "别名".into()];
    node.identifiers = vec![Identifier::new("iati-activity", "XM-DAC-41114-1"), Identifier::new("iati-org", "XM-DAC-41114")];
    node.description = Some("A description.".into());
    node.location = Some(GeoPoint { lat: -33.918_861, lon: 18.423_3 });
    node.agency_type = Some(AgencyType::Other);
    node.iso3 = Some("ZAF".into());
    node.region = Some("Africa".into());
    node.network_type = Some(NetworkType::CommunityOfPractice);
    node.agreement_type = Some(AgreementType::TrustFund);
    node.event_type = Some(EventType::Workshop);
    node.start = Some(date("2004-03"));
    node.end = Some(date("2026-12-31"));
    node.amount_usd = Some(1.5e9);
    node.sdgs = vec![1, 17, 5];
    node.sectors = vec!["31120".into(), "140".into()];
    node.support = vec![Support::Finance, Support::TechnicalAssistance];
    node.languages = vec!["pt".into(), "en".into()];
    node.status = Some(partnergraph_schema::ActivityStatus::Suspended);
    node.translations = vec![
        partnergraph_schema::Translation { language: "fr".into(), name: Some("Fonds".into()), description: None },
        partnergraph_schema::Translation { language: "ar".into(), name: None, description: Some("صندوق".into()) },
    ];
    node.recipients = vec![
        partnergraph_schema::Recipient { country: Some("KEN".into()), region: None, vocabulary: None, percentage: Some(62.5) },
        partnergraph_schema::Recipient { country: None, region: Some("298".into()), vocabulary: Some("1".into()), percentage: None },
    ];
    node.amounts = vec![
        partnergraph_schema::Amount { kind: partnergraph_schema::AmountKind::Budget, currency: "EUR".into(), value: 3000.0 },
        partnergraph_schema::Amount { kind: partnergraph_schema::AmountKind::Disbursement, currency: "USD".into(), value: -12.25 },
    ];
    let mut claimed =
        NodeRecord::new(node.id.clone(), "Another name", vec![Source { document: "f.xml".into(), paragraph: None, quote: None }]);
    claimed.start = Some(date("2005"));
    node.claims = vec![
        Claim { origin: String::new(), precedence: Precedence::Curated, record: Some(Box::new(claimed)) },
        Claim { origin: "f.xml".into(), precedence: Precedence::Mention, record: None },
    ];
    node
}

fn full_edge() -> EdgeRecord {
    let mut edge = plain_edge();
    let mut claimed = plain_edge();
    claimed.role = Some(Role::Pivotal);
    claimed.to = None;
    edge.claims = vec![
        Claim { origin: "f.xml".into(), precedence: Precedence::OwnRecord, record: Some(Box::new(plain_edge())) },
        Claim { origin: String::new(), precedence: Precedence::Curated, record: Some(Box::new(claimed)) },
    ];
    edge
}

fn plain_edge() -> EdgeRecord {
    EdgeRecord {
        id: EdgeId::parse("e:full").expect("id"),
        edge_type: EdgeType::PartOf,
        source: NodeId::parse("agency:undp").expect("id"),
        target: NodeId::parse("agreement:full").expect("id"),
        role: Some(Role::Partner),
        iati_role: Some(IatiRole::Implementing),
        from: Some(date("2019")),
        to: Some(date("2021-06-30")),
        amount_usd: Some(-0.0),
        sources: vec![Source { document: "doc".into(), paragraph: Some(0), quote: None }],
        claims: Vec::new(),
    }
}

#[test]
fn every_seed_record_and_every_optional_field_round_trips() {
    let (mut nodes, mut edges) = seed();
    nodes.push(full_node());
    edges.push(full_edge());
    edges.push(plain_edge());
    for node in &nodes {
        let bytes = node.encode();
        assert_eq!(&NodeRecord::decode(node.id.as_str(), &bytes).expect("decodes"), node);
        let names = NodeNames::decode(node.id.as_str(), &bytes).expect("names decode");
        assert_eq!(names, NodeNames::from(node.clone()), "{}: the names alone", node.id);
    }
    for edge in &edges {
        let bytes = edge.encode();
        let back = EdgeRecord::decode(edge.id.as_str(), &bytes).expect("decodes");
        assert_eq!(&back, edge);
        assert_eq!(back.amount_usd.map(f64::to_bits), edge.amount_usd.map(f64::to_bits), "bit for bit");
        let link = EdgeLink::decode(edge.id.as_str(), &bytes).expect("a link decodes");
        let view = LinkView::decode(edge.id.as_str(), &bytes).expect("a view decodes");
        assert_eq!((link.source.as_str(), link.target.as_str()), (view.source, view.target));
        let EdgeRecord { id, edge_type, source, target, role, iati_role, from, to, amount_usd, sources: _, claims: _ } = edge.clone();
        assert_eq!(link, EdgeLink { id, edge_type, source, target, role, iati_role, from, to, amount_usd });
    }
}

#[test]
fn every_stored_record_is_smaller_than_its_json() {
    let (mut nodes, mut edges) = seed();
    nodes.push(full_node());
    edges.push(full_edge());
    for node in &nodes {
        let json = serde_json::to_vec(node).expect("JSON");
        assert!(node.encode().len() < json.len(), "{}", node.id);
    }
    for edge in &edges {
        let json = serde_json::to_vec(edge).expect("JSON");
        assert!(edge.encode().len() < json.len(), "{}", edge.id);
    }
}

#[test]
fn a_record_stored_before_identifiers_existed_reads_as_it_was() {
    let mut node = full_node();
    node.identifiers.clear();
    node.claims.clear();
    clear_matching_fields(&mut node);
    let bytes = node.encode();
    // Bits 0-13 only: the two-byte flags every record stored before identifiers were added has.
    assert_eq!(bytes[..2], [0xff, 0x7f]);
    assert_eq!(NodeRecord::decode("agreement:full", &bytes).expect("decodes"), node);
}

#[test]
fn damaged_records_are_reported_and_never_panic() {
    let (node, edge) = (full_node(), full_edge());
    let (node_bytes, edge_bytes) = (node.encode(), edge.encode());
    for len in 0..node_bytes.len() {
        assert!(NodeRecord::decode("agreement:full", &node_bytes[..len]).is_err(), "node cut at {len}");
    }
    // The names are read from the record's start: cut inside them, they fail too.
    // Four bytes of flags (every optional field is set, the last one the twenty-third bit), the kind, then
    // each string as a one-byte length and its bytes (all are short).
    let acronym = node.acronym.as_deref().unwrap_or_default();
    let names_end = 5 + 1 + node.name.len() + 1 + acronym.len() + 1 + node.aliases.iter().map(|alias| 1 + alias.len()).sum::<usize>();
    for len in 0..names_end {
        assert!(NodeNames::decode("agreement:full", &node_bytes[..len]).is_err(), "names cut at {len}");
    }
    assert!(NodeNames::decode("agreement:full", &node_bytes[..names_end]).is_ok(), "the names end there");
    for len in 0..edge_bytes.len() {
        assert!(EdgeRecord::decode("e:full", &edge_bytes[..len]).is_err(), "edge cut at {len}");
    }
    let mut longer = node_bytes.clone();
    longer.push(0);
    assert!(NodeRecord::decode("agreement:full", &longer).is_err(), "trailing bytes");
    assert!(NodeRecord::decode("no prefix", &node_bytes).is_err(), "a key that is not a node id");
    // Every single-byte change either fails to decode or decodes to something; none panics.
    for at in 0..node_bytes.len() {
        for value in [0x00, 0x7f, 0x80, 0xff] {
            let mut damaged = node_bytes.clone();
            damaged[at] = value;
            let _ = NodeRecord::decode("agreement:full", &damaged);
            let _ = NodeNames::decode("agreement:full", &damaged);
        }
    }
    for at in 0..edge_bytes.len() {
        for value in [0x00, 0x7f, 0x80, 0xff] {
            let mut damaged = edge_bytes.clone();
            damaged[at] = value;
            let _ = EdgeRecord::decode("e:full", &damaged);
            let _ = EdgeLink::decode("e:full", &damaged);
        }
    }
    // Every optional field is set, so the flags are bits 0-22: [0xff, 0xff, 0xff, 0x03]. Bit 23 names no field.
    assert_eq!(node_bytes[..4], [0xff, 0xff, 0xff, 0x03]);
    let mut unknown_flag = vec![0xff, 0xff, 0xff, 0x07];
    unknown_flag.extend_from_slice(&node_bytes[4..]);
    let error = NodeRecord::decode("agreement:full", &unknown_flag).expect_err("an unknown field flag");
    assert!(error.to_string().contains("agreement:full"), "{error}");
}

/// Stored records hold each vocabulary value as its position in `ALL`, and the adjacency table keys edge
/// types the same way: this order is part of the store format and must never change (append only).
#[test]
fn vocabulary_codes_are_pinned() {
    fn names<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|value| name(*value)).collect()
    }
    assert_eq!(names(NodeKind::ALL, NodeKind::as_str), ["AGENCY", "COUNTRY", "CITY", "NETWORK", "AGREEMENT", "EVENT", "NEED", "OFFER"]);
    assert_eq!(
        names(EdgeType::ALL, EdgeType::as_str),
        ["MEMBER_OF", "HOSTED_BY", "LOCATED_IN", "PARTICIPATES_IN", "FUNDS", "ADMINISTERED_BY", "ORGANISED_BY", "PART_OF"]
    );
    assert_eq!(names(Role::ALL, Role::as_str), ["BENEFICIARY", "PIVOTAL", "FACILITATING", "PARTNER"]);
    assert_eq!(names(IatiRole::ALL, IatiRole::as_str), ["FUNDING", "ACCOUNTABLE", "EXTENDING", "IMPLEMENTING"]);
    assert_eq!(
        names(AgencyType::ALL, AgencyType::as_str),
        [
            "UN_ENTITY",
            "GOVERNMENT",
            "INTERGOVERNMENTAL",
            "DEVELOPMENT_BANK",
            "NGO",
            "PRIVATE_SECTOR",
            "ACADEMIC",
            "LOCAL_GOVERNMENT",
            "OTHER"
        ]
    );
    assert_eq!(
        names(NetworkType::ALL, NetworkType::as_str),
        ["CITY_NETWORK", "COUNTRY_GROUP", "KNOWLEDGE_NETWORK", "COMMUNITY_OF_PRACTICE", "PLATFORM", "OTHER"]
    );
    assert_eq!(
        names(AgreementType::ALL, AgreementType::as_str),
        [
            "PARTNERSHIP_AGREEMENT",
            "MEMORANDUM_OF_UNDERSTANDING",
            "TRUST_FUND",
            "FACILITY",
            "PROGRAMME",
            "PROJECT",
            "CENTRE_OF_EXCELLENCE",
            "INITIATIVE",
            "OTHER"
        ]
    );
    assert_eq!(names(EventType::ALL, EventType::as_str), ["CONFERENCE", "FORUM", "EXPO", "CONSULTATION", "MEETING", "WORKSHOP", "OTHER"]);
    assert_eq!(
        names(Support::ALL, Support::as_str),
        ["TECHNICAL_ASSISTANCE", "CAPACITY_BUILDING", "KNOWLEDGE_SHARING", "POLICY_ADVICE", "TECHNOLOGY_TRANSFER", "FINANCE"]
    );
    assert_eq!(Precedence::ALL, [Precedence::Mention, Precedence::OwnRecord, Precedence::Curated]);
    assert_eq!(
        names(partnergraph_schema::ActivityStatus::ALL, partnergraph_schema::ActivityStatus::as_str),
        ["PIPELINE", "IMPLEMENTATION", "FINALISATION", "CLOSED", "CANCELLED", "SUSPENDED"]
    );
    assert_eq!(
        names(partnergraph_schema::AmountKind::ALL, partnergraph_schema::AmountKind::as_str),
        ["BUDGET", "COMMITMENT", "DISBURSEMENT"]
    );
}

#[test]
fn a_record_stored_before_claims_existed_reads_as_it_was_and_a_claim_cannot_nest() {
    let mut node = full_node();
    node.claims.clear();
    clear_matching_fields(&mut node);
    let bytes = node.encode();
    // Bits 0-14: the flags of every record stored before claims were added.
    assert_eq!(bytes[..3], [0xff, 0xff, 0x01]);
    assert_eq!(NodeRecord::decode("agreement:full", &bytes).expect("decodes"), node);
    let mut nested = full_node();
    if let Some(record) = nested.claims[0].record.as_mut() {
        record.claims = vec![Claim { origin: "x".into(), precedence: Precedence::Mention, record: None }];
    }
    let decoded = NodeRecord::decode("agreement:full", &nested.encode()).expect("decodes");
    assert_eq!(decoded, full_node(), "a claim's record is stored without claims of its own");
}

/// Clears the fields added with matching (sectors, support, languages) and after it, as records stored
/// before them.
fn clear_matching_fields(node: &mut NodeRecord) {
    node.sectors.clear();
    node.support.clear();
    node.languages.clear();
    clear_money_fields(node);
}

/// Clears the fields added with an agreement's money (status, recipients, amounts) and translations.
fn clear_money_fields(node: &mut NodeRecord) {
    node.translations.clear();
    node.status = None;
    node.recipients.clear();
    node.amounts.clear();
}

#[test]
fn a_record_stored_before_money_fields_existed_reads_as_it_was() {
    let mut node = full_node();
    clear_money_fields(&mut node);
    let bytes = node.encode();
    // Bits 0-18: the flags of every record stored before status, recipients, amounts and translations.
    assert_eq!(bytes[..3], [0xff, 0xff, 0x1f]);
    assert_eq!(NodeRecord::decode("agreement:full", &bytes).expect("decodes"), node);
}

#[test]
fn a_record_stored_before_matching_fields_existed_reads_as_it_was() {
    let mut node = full_node();
    clear_matching_fields(&mut node);
    let bytes = node.encode();
    // Bits 0-15: the flags of every record stored before sectors, support and languages were added.
    assert_eq!(bytes[..3], [0xff, 0xff, 0x03]);
    assert_eq!(NodeRecord::decode("agreement:full", &bytes).expect("decodes"), node);
    let full = full_node();
    assert_eq!(NodeRecord::decode("agreement:full", &full.encode()).expect("decodes"), full);
}
