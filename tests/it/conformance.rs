//! The store conformance suite: one set of checks, written against the `GraphStore` trait, run on every
//! backend. A backend passes when it gives exactly these answers (ordering included).

use std::sync::Arc;

use partnergraph::graph::Graph;
use partnergraph::store::{Batch, Direction, EdgeFilter, GraphRead, GraphStore, Staged};

pub use crate::curation::{
    a_stale_version_fails_the_whole_batch, concurrent_writers_all_commit_and_number_changes_without_gaps,
    curation_batches_are_audited_record_by_record, deleting_a_linked_node_can_be_refused, imports_are_audited_as_one_entry,
    tokens_are_stored_by_name_and_unique, versions_count_changes_and_survive_deletes,
};
pub use crate::sources::{
    an_analysts_edge_correction_stays_beside_the_files_participation, sources_add_up_iati_first_then_csv_then_json_lines,
    sources_add_up_json_lines_first_then_iati,
};
use partnergraph_schema::text::{EXACT, NodeNames, WORD, fold, identifier_term};
use partnergraph_schema::{EdgeId, EdgeLink, EdgeRecord, EdgeType, Identifier, NodeId, NodeKind, NodeRecord, PartialDate, Role, Source};

pub(crate) fn sources() -> Vec<Source> {
    vec![Source { document: "conformance".into(), paragraph: Some(1), quote: Some("test fixture".into()) }]
}

pub(crate) fn node(id: &str, name: &str) -> NodeRecord {
    let mut node = NodeRecord::new(NodeId::parse(id).expect(id), name, sources());
    if node.kind == NodeKind::Country {
        node.iso3 = Some(node.id.slug().to_owned());
    }
    node
}

pub(crate) fn edge(source: &str, edge_type: EdgeType, target: &str) -> EdgeRecord {
    EdgeRecord {
        id: EdgeId::parse(format!("{source}>{}>{target}", edge_type.as_str().to_lowercase())).expect("edge id"),
        edge_type,
        source: NodeId::parse(source).expect(source),
        target: NodeId::parse(target).expect(target),
        role: None,
        iati_role: None,
        from: None,
        to: None,
        amount_usd: None,
        sources: sources(),
        claims: Vec::new(),
    }
}

pub(crate) fn id(text: &str) -> NodeId {
    NodeId::parse(text).expect(text)
}

fn date(text: &str) -> PartialDate {
    text.parse().expect(text)
}

/// A small graph: WACAP hosted by UNDP then UNOSSC, UNOSSC part of UNDP, a fund with two participants.
pub(crate) fn fixture() -> Batch {
    let mut hosted_undp = edge("network:wacap", EdgeType::HostedBy, "agency:undp");
    hosted_undp.to = Some(date("2014"));
    let mut hosted_unossc = edge("network:wacap", EdgeType::HostedBy, "agency:unossc");
    hosted_unossc.from = Some(date("2014"));
    let mut pivotal = edge("country:BRA", EdgeType::ParticipatesIn, "agreement:fund");
    pivotal.role = Some(Role::Pivotal);
    Batch {
        nodes: vec![
            node("network:wacap", "World Alliance of Cities Against Poverty"),
            node("agency:undp", "United Nations Development Programme"),
            node("agency:unossc", "United Nations Office for South-South Cooperation"),
            node("country:BRA", "Brazil"),
            node("country:CIV", "Côte d’Ivoire"),
            node("city:sao-paulo-bra", "São Paulo"),
            node("agreement:fund", "南南合作基金 Fund"),
        ],
        edges: vec![
            hosted_undp,
            hosted_unossc,
            edge("agency:unossc", EdgeType::PartOf, "agency:undp"),
            edge("city:sao-paulo-bra", EdgeType::LocatedIn, "country:BRA"),
            pivotal,
            edge("country:CIV", EdgeType::ParticipatesIn, "agreement:fund"),
        ],
        ..Batch::default()
    }
}

pub(crate) async fn loaded(store: &Arc<dyn GraphStore>) {
    let summary = store.apply(fixture()).await.expect("apply fixture");
    assert_eq!((summary.nodes_created, summary.edges_created), (7, 6));
}

fn edge_ids(edges: &[EdgeLink]) -> Vec<&str> {
    edges.iter().map(|edge| edge.id.as_str()).collect()
}

pub async fn reads_nodes_and_edges_by_id_in_the_order_asked(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    let found = store.nodes(&[id("country:BRA"), id("agency:nope"), id("agency:undp")]).await.expect("nodes");
    assert_eq!(found.len(), 3);
    assert_eq!(found[0].as_ref().map(|node| node.name.as_str()), Some("Brazil"));
    assert!(found[1].is_none());
    assert_eq!(found[2].as_ref().map(|node| node.id.as_str()), Some("agency:undp"));
    assert_eq!(found[0].as_ref(), fixture().nodes.iter().find(|node| node.id.as_str() == "country:BRA"), "stored exactly");
    let edges = store
        .edges(&[EdgeId::parse("agency:unossc>part_of>agency:undp").expect("id"), EdgeId::parse("nope").expect("id")])
        .await
        .expect("edges");
    assert_eq!(edges[0].as_ref().map(|edge| edge.edge_type), Some(EdgeType::PartOf));
    assert!(edges[1].is_none());
    assert!(store.nodes(&[]).await.expect("empty").is_empty());
}

pub async fn reads_node_names_alone_as_the_records_hold_them(store: Arc<dyn GraphStore>) {
    let mut batch = fixture();
    let unossc = batch.nodes.iter_mut().find(|node| node.id.as_str() == "agency:unossc").expect("in the fixture");
    unossc.acronym = Some("UNOSSC".into());
    unossc.aliases = vec!["Special Unit for South-South Cooperation".into(), "SU/SSC".into()];
    store.apply(batch).await.expect("apply fixture");
    let ids = [id("agency:unossc"), id("agency:nope"), id("country:CIV"), id("agreement:fund")];
    let names = store.node_names(&ids).await.expect("names");
    let records = store.nodes(&ids).await.expect("nodes");
    assert_eq!(names, records.into_iter().map(|node| node.map(NodeNames::from)).collect::<Vec<_>>());
    let unossc = names[0].as_ref().expect("a known node");
    assert_eq!(
        (unossc.acronym.as_deref(), unossc.aliases.as_slice()),
        (Some("UNOSSC"), ["Special Unit for South-South Cooperation".to_owned(), "SU/SSC".to_owned()].as_slice())
    );
    assert!(names[1].is_none(), "unknown ids give None");
    assert_eq!(names[2].as_ref().map(|names| names.name.as_str()), Some("Côte d’Ivoire"));
    assert!(store.node_names(&[]).await.expect("empty").is_empty());
}

pub async fn expands_a_frontier_in_both_directions_with_filters(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    let all = store.expand(&[id("agency:undp")], &EdgeFilter::default()).await.expect("expand");
    assert_eq!(edge_ids(&all), ["agency:unossc>part_of>agency:undp", "network:wacap>hosted_by>agency:undp"]);
    let hosted = store
        .expand(&[id("network:wacap"), id("agency:undp"), id("agency:unossc")], &EdgeFilter::types(&[EdgeType::HostedBy]))
        .await
        .expect("expand");
    assert_eq!(edge_ids(&hosted), ["network:wacap>hosted_by>agency:undp", "network:wacap>hosted_by>agency:unossc"], "deduplicated, sorted");
    let in_2010 = EdgeFilter { as_of: Some(date("2010")), ..EdgeFilter::default() };
    assert_eq!(edge_ids(&store.expand(&[id("network:wacap")], &in_2010).await.expect("expand")), ["network:wacap>hosted_by>agency:undp"]);
    let in_2020 = EdgeFilter { as_of: Some(date("2020-06")), ..EdgeFilter::default() };
    assert_eq!(edge_ids(&store.expand(&[id("network:wacap")], &in_2020).await.expect("expand")), ["network:wacap>hosted_by>agency:unossc"]);
    assert!(store.expand(&[id("agency:nope")], &EdgeFilter::default()).await.expect("unknown").is_empty());
    assert!(store.expand(&[], &EdgeFilter::default()).await.expect("empty").is_empty());

    // Direction, seen from the frontier: UNDP is the target of both its edges.
    let leaving = EdgeFilter::default().toward(Direction::Out);
    let entering = EdgeFilter::default().toward(Direction::In);
    assert!(store.expand(&[id("agency:undp")], &leaving).await.expect("out").is_empty(), "no edge leaves UNDP");
    assert_eq!(edge_ids(&store.expand(&[id("agency:undp")], &entering).await.expect("in")), edge_ids(&all));
    let first_entering = store.expand_page(&[id("agency:undp")], &entering, None, 1).await.expect("page in");
    assert_eq!(edge_ids(&first_entering), ["agency:unossc>part_of>agency:undp"]);
    let hosted_out = EdgeFilter::types(&[EdgeType::HostedBy]).toward(Direction::Out);
    let hosted_in = EdgeFilter::types(&[EdgeType::HostedBy]).toward(Direction::In);
    let wacap = [id("network:wacap")];
    assert_eq!(edge_ids(&store.expand(&wacap, &hosted_out).await.expect("out")), edge_ids(&hosted), "WACAP is hosted: both leave it");
    assert!(store.expand(&wacap, &hosted_in).await.expect("in").is_empty(), "nothing hosts at WACAP");
    // With both ends in the frontier, an edge leaves and enters it.
    let both_ends = [id("network:wacap"), id("agency:unossc")];
    assert_eq!(edge_ids(&store.expand(&both_ends, &hosted_in).await.expect("in")), ["network:wacap>hosted_by>agency:unossc"]);
    assert_eq!(edge_ids(&store.expand(&both_ends, &hosted_out).await.expect("out")), edge_ids(&hosted));
    // The paging cursor and the limit count edges that go the filter's way only.
    let unossc_in = store.expand_page(&[id("agency:unossc"), id("agency:undp")], &entering, None, 2).await.expect("in page");
    assert_eq!(edge_ids(&unossc_in), ["agency:unossc>part_of>agency:undp", "network:wacap>hosted_by>agency:undp"]);
}

pub async fn finds_nodes_by_folded_terms(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    let exact = store.find_by_term(&format!("{EXACT}{}", fold("COTE D'IVOIRE")), false, 10).await.expect("exact");
    assert_eq!(exact, [id("country:CIV")]);
    let prefix = store.find_by_term(&format!("{WORD}united"), true, 10).await.expect("prefix");
    assert_eq!(prefix, [id("agency:undp"), id("agency:unossc")]);
    let limited = store.find_by_term(&format!("{WORD}united"), true, 1).await.expect("limited");
    assert_eq!(limited, [id("agency:undp")], "the smallest ids within the limit");
    let unicode = store.find_by_term(&format!("{WORD}{}", fold("南南合作基金")), false, 10).await.expect("cjk");
    assert_eq!(unicode, [id("agreement:fund")]);
    assert!(store.find_by_term(&format!("{WORD}zzz"), true, 10).await.expect("none").is_empty());
}

pub async fn scans_nodes_and_edges_in_id_order_with_cursors(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    let agencies = store.scan_nodes(Some(NodeKind::Agency), None, 10).await.expect("scan");
    assert_eq!(agencies.iter().map(|node| node.id.as_str()).collect::<Vec<_>>(), ["agency:undp", "agency:unossc"]);
    let after = store.scan_nodes(Some(NodeKind::Agency), Some(&id("agency:undp")), 10).await.expect("scan after");
    assert_eq!(after.len(), 1);
    let countries = store.scan_nodes(Some(NodeKind::Country), Some(&id("agency:undp")), 10).await.expect("cursor before the kind");
    assert_eq!(countries.len(), 2);
    let all = store.scan_nodes(None, None, 100).await.expect("all");
    assert_eq!(all.len(), 7);
    assert!(all.windows(2).all(|pair| pair[0].id < pair[1].id));
    let first_two = store.scan_edges(None, 2).await.expect("edges");
    let rest = store.scan_edges(Some(&first_two[1].id), 100).await.expect("rest");
    assert_eq!(first_two.len() + rest.len(), 6);
    assert!(first_two[1].id < rest[0].id);
    assert!(store.scan_nodes(Some(NodeKind::Event), None, 10).await.expect("none").is_empty());
}

pub async fn writes_are_idempotent_upserts(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    let again = store.apply(fixture()).await.expect("reapply");
    assert!(again.is_noop(), "{again:?}");
    assert_eq!((again.nodes_unchanged, again.edges_unchanged), (7, 6));
    let mut renamed = fixture();
    renamed.nodes.retain(|node| node.id.as_str() == "agency:unossc");
    renamed.nodes[0].name = "UN Office for South-South Cooperation".into();
    renamed.edges.clear();
    let summary = store.apply(renamed).await.expect("rename");
    assert_eq!(summary.nodes_updated, 1);
    assert!(
        store
            .find_by_term(&format!("{WORD}united"), true, 10)
            .await
            .expect("old terms")
            .iter()
            .all(|found| found.as_str() != "agency:unossc")
    );
    assert_eq!(
        store.find_by_term(&format!("{EXACT}un office for south south cooperation"), false, 10).await.expect("new terms"),
        [id("agency:unossc")]
    );
    let stats = store.stats().await.expect("stats");
    assert_eq!((stats.nodes, stats.edges), (7, 6));
}

/// A rename that keeps every index term (the names fold to the same text) still changes the names a term
/// lookup gives: a store that keeps names beside its terms (Bolt's `Term`s) must rewrite them.
pub async fn renaming_without_new_terms_changes_the_names_found(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    let before = fixture().nodes.into_iter().find(|node| node.id.as_str() == "agency:unossc").expect("in the fixture");
    let mut renamed = before.clone();
    renamed.name = "UNITED NATIONS OFFICE FOR SOUTH-SOUTH COOPERATION".into();
    assert_eq!(partnergraph_schema::text::index_terms(&renamed), partnergraph_schema::text::index_terms(&before), "the same terms");
    let summary = store.apply(Batch { nodes: vec![renamed.clone()], ..Batch::default() }).await.expect("rename");
    assert_eq!(summary.nodes_updated, 1);
    let term = format!("{EXACT}{}", fold(&before.name));
    let found = store.find_names_by_term(&term, false, 10).await.expect("names by term");
    assert_eq!(found, [(id("agency:unossc"), NodeNames::from(renamed))]);
}

pub async fn deleting_a_node_deletes_its_edges(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    let summary =
        store.apply(Batch { delete_nodes: vec![id("agency:undp"), id("agency:never")], ..Batch::default() }).await.expect("delete");
    assert_eq!((summary.nodes_deleted, summary.edges_deleted), (1, 2));
    assert!(store.nodes(&[id("agency:undp")]).await.expect("gone")[0].is_none());
    assert!(store.expand(&[id("agency:unossc")], &EdgeFilter::types(&[EdgeType::PartOf])).await.expect("edges").is_empty());
    assert!(store.find_by_term(&format!("{EXACT}united nations development programme"), false, 10).await.expect("terms").is_empty());
    let edge_id = EdgeId::parse("city:sao-paulo-bra>located_in>country:BRA").expect("id");
    let summary = store.apply(Batch { delete_edges: vec![edge_id.clone()], ..Batch::default() }).await.expect("delete edge");
    assert_eq!(summary.edges_deleted, 1);
    assert!(store.expand(&[id("city:sao-paulo-bra")], &EdgeFilter::default()).await.expect("edges").is_empty());
    let stats = store.stats().await.expect("stats");
    assert_eq!((stats.nodes, stats.edges), (6, 3));
}

pub async fn moving_an_edge_updates_adjacency(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    let mut moved = edge("agency:unossc", EdgeType::PartOf, "agency:undp");
    moved.target = id("network:wacap");
    let summary = store.apply(Batch { edges: vec![moved], ..Batch::default() }).await.expect("move");
    assert_eq!(summary.edges_updated, 1);
    assert_eq!(
        edge_ids(&store.expand(&[id("agency:undp")], &EdgeFilter::types(&[EdgeType::PartOf])).await.expect("old end")),
        Vec::<&str>::new()
    );
    assert_eq!(store.expand(&[id("network:wacap")], &EdgeFilter::types(&[EdgeType::PartOf])).await.expect("new end").len(), 1);
}

pub async fn handles_large_batches_and_frontiers(store: Arc<dyn GraphStore>) {
    let mut batch = Batch::default();
    batch.nodes.push(node("network:hub", "Hub"));
    for i in 0..2000 {
        let member = format!("agency:member-{i:04}");
        batch.nodes.push(node(&member, &format!("Member {i}")));
        batch.edges.push(edge(&member, EdgeType::MemberOf, "network:hub"));
    }
    let summary = store.apply(batch).await.expect("big batch");
    assert_eq!((summary.nodes_created, summary.edges_created), (2001, 2000));
    let all = store.expand(&[id("network:hub")], &EdgeFilter::default()).await.expect("hub");
    assert_eq!(all.len(), 2000);
    let frontier: Vec<NodeId> = (0..2000).map(|i| id(&format!("agency:member-{i:04}"))).collect();
    assert_eq!(store.expand(&frontier, &EdgeFilter::default()).await.expect("frontier").len(), 2000);
    assert_eq!(store.nodes(&frontier).await.expect("nodes").iter().flatten().count(), 2000);
}

pub async fn an_edge_to_a_missing_node_fails_the_whole_batch(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    let mut batch = Batch::default();
    batch.nodes.push(node("agency:newcomer", "Newcomer"));
    batch.edges.push(edge("agency:newcomer", EdgeType::PartOf, "agency:undp"));
    batch.edges.push(edge("agency:newcomer", EdgeType::MemberOf, "network:nowhere"));
    let err = store.apply(batch).await.expect_err("dangling edge");
    assert!(matches!(err, partnergraph::store::StoreError::MissingEndpoint { ref node, .. } if node == "network:nowhere"), "{err}");
    assert!(store.nodes(&[id("agency:newcomer")]).await.expect("read")[0].is_none(), "nothing of the batch was written");
    let stats = store.stats().await.expect("stats");
    assert_eq!((stats.nodes, stats.edges), (7, 6));
}

pub async fn edge_records_round_trip_with_every_field(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    let mut rich = edge("country:CIV", EdgeType::Funds, "agreement:fund");
    rich.iati_role = Some(partnergraph_schema::IatiRole::Funding);
    rich.amount_usd = Some(1_500_000.25);
    rich.from = Some(date("2016-02-29"));
    rich.sources
        .push(Source { document: "données « accentuées ».txt".into(), paragraph: None, quote: Some("“quoted” — 南南".into()) });
    store.apply(Batch { edges: vec![rich.clone()], ..Batch::default() }).await.expect("write");
    let read = store.edges(std::slice::from_ref(&rich.id)).await.expect("read");
    assert_eq!(read[0].as_ref(), Some(&rich));
}

pub async fn pages_expansions_in_id_order_and_counts_degrees(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    let frontier = [id("network:wacap"), id("agency:undp"), id("agency:unossc")];
    let all = store.expand(&frontier, &EdgeFilter::default()).await.expect("all");
    assert_eq!(all.len(), 3);
    let first = store.expand_page(&frontier, &EdgeFilter::default(), None, 2).await.expect("first page");
    assert_eq!(edge_ids(&first), edge_ids(&all[..2]));
    let rest = store.expand_page(&frontier, &EdgeFilter::default(), Some(&first[1].id), 2).await.expect("second page");
    assert_eq!(edge_ids(&rest), edge_ids(&all[2..]));
    let in_2010 = EdgeFilter { as_of: Some(date("2010")), ..EdgeFilter::default() };
    let dated = store.expand_page(&[id("network:wacap")], &in_2010, None, 1).await.expect("dated page");
    assert_eq!(edge_ids(&dated), ["network:wacap>hosted_by>agency:undp"], "the limit counts edges that pass the filter");
    assert!(store.expand_page(&frontier, &EdgeFilter::default(), None, 0).await.expect("zero").is_empty());
    let degrees = store.degrees(&[id("agency:undp"), id("agreement:fund"), id("agency:nope"), id("country:CIV")]).await.expect("degrees");
    assert_eq!(degrees, [2, 2, 0, 1]);
    store.apply(Batch { delete_nodes: vec![id("country:CIV")], ..Batch::default() }).await.expect("delete");
    assert_eq!(store.degrees(&[id("agreement:fund")]).await.expect("after delete"), [1]);
}

pub async fn finds_prefix_terms_in_term_then_id_order(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    // "wsao" (São Paulo) sorts before "wsouth" (UNOSSC's name); within a term, ids sort.
    let found = store.find_by_term(&format!("{WORD}s"), true, 10).await.expect("prefix");
    assert_eq!(found, [id("city:sao-paulo-bra"), id("agency:unossc")]);
    assert_eq!(store.find_by_term(&format!("{WORD}s"), true, 1).await.expect("limited"), [id("city:sao-paulo-bra")]);
}

pub async fn finds_each_node_once_across_pages_of_terms(store: Arc<dyn GraphStore>) {
    // Several terms of one node match before the next node's: a limit of 2 reads past them.
    let nodes = vec![node("agency:aa", "Saa Sab Sac"), node("agency:bb", "Sad"), node("agency:cc", "Tsa")];
    store.apply(Batch { nodes, ..Batch::default() }).await.expect("load");
    let prefix = format!("{WORD}s");
    assert_eq!(store.find_by_term(&prefix, true, 2).await.expect("two"), [id("agency:aa"), id("agency:bb")]);
    assert_eq!(store.find_by_term(&prefix, true, 1).await.expect("one"), [id("agency:aa")]);
    assert_eq!(store.find_by_term(&prefix, true, 10).await.expect("all"), [id("agency:aa"), id("agency:bb")]);
    assert_eq!(store.find_by_term(&format!("{WORD}sad"), false, 10).await.expect("exact"), [id("agency:bb")]);
    assert!(store.find_by_term(&format!("{WORD}sa"), false, 10).await.expect("no such word").is_empty());
    assert!(store.find_by_term(&format!("{WORD}s\u{0}agency:aa"), true, 10).await.expect("a NUL").is_empty());
}

pub async fn finds_nodes_by_external_identifier(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    let mut undp = node("agency:undp", "United Nations Development Programme");
    undp.identifiers = vec![Identifier::new("iati-org", "XM-DAC-41114"), Identifier::new("other", "UNDP 1")];
    store.apply(Batch { nodes: vec![undp.clone()], ..Batch::default() }).await.expect("identifiers");
    assert_eq!(store.nodes(&[id("agency:undp")]).await.expect("read")[0].as_ref(), Some(&undp), "stored as written");
    for value in ["XM-DAC-41114", "xm-dac-41114"] {
        let found = store.find_by_term(&identifier_term("iati-org", value), false, 10).await.expect("index");
        assert_eq!(found, [id("agency:undp")], "{value}");
    }
    assert!(store.find_by_term(&format!("{EXACT}xm dac 41114"), true, 10).await.expect("search").is_empty(), "not a search term");
    let graph = Graph::new(store.clone());
    let lookup = |scheme: &'static str, value: &'static str| {
        let graph = graph.clone();
        async move { graph.lookup(scheme, value).await.expect("lookup").map(|node| node.id.to_string()) }
    };
    assert_eq!(lookup("IATI-ORG", " xm-dac-41114 ").await.as_deref(), Some("agency:undp"));
    assert_eq!(lookup("other", "UNDP 1").await.as_deref(), Some("agency:undp"));
    assert_eq!(lookup("iso3166-alpha2", "br").await.as_deref(), Some("country:BRA"));
    assert_eq!(lookup("iso3166-alpha3", "CIV").await.as_deref(), Some("country:CIV"));
    assert_eq!(lookup("iso3166-alpha3", "FRA").await, None);
    assert_eq!(lookup("iati-org", "XM-DAC-41301").await, None);
    undp.identifiers = vec![Identifier::new("iati-org", "XM-DAC-00000")];
    store.apply(Batch { nodes: vec![undp], ..Batch::default() }).await.expect("replace");
    assert_eq!(lookup("iati-org", "XM-DAC-41114").await, None, "a replaced identifier is no longer found");
    assert_eq!(lookup("iati-org", "XM-DAC-00000").await.as_deref(), Some("agency:undp"));
}

pub async fn staged_writes_delete_edges_before_their_upserts(store: Arc<dyn GraphStore>) {
    loaded(&store).await;
    let part_of = EdgeId::parse("agency:unossc>part_of>agency:undp").expect("id");
    let mut staged = Staged::default();
    staged.delete_edge(part_of.clone());
    staged.delete_edge(EdgeId::parse("no>such>edge").expect("id"));
    staged.push_edge(&edge("agency:unossc", EdgeType::HostedBy, "agency:undp"));
    let summary = store.apply_staged(staged).await.expect("staged");
    assert_eq!((summary.edges_deleted, summary.edges_created), (1, 1));
    assert!(store.edges(&[part_of]).await.expect("read")[0].is_none());
    assert_eq!(store.degrees(&[id("agency:unossc")]).await.expect("degrees"), [2]);
}

/// Instantiates every check for one backend; `$make` is an async expression giving `(guard, store)`.
macro_rules! conformance_suite {
    ($backend:ident, $make:expr) => {
        mod $backend {

            macro_rules! case {
                ($name:ident) => {
                    #[tokio::test]
                    async fn $name() {
                        let (_guard, store) = $make;
                        super::$name(store).await;
                    }
                };
            }

            case!(reads_nodes_and_edges_by_id_in_the_order_asked);
            case!(reads_node_names_alone_as_the_records_hold_them);
            case!(expands_a_frontier_in_both_directions_with_filters);
            case!(finds_nodes_by_folded_terms);
            case!(scans_nodes_and_edges_in_id_order_with_cursors);
            case!(writes_are_idempotent_upserts);
            case!(renaming_without_new_terms_changes_the_names_found);
            case!(deleting_a_node_deletes_its_edges);
            case!(moving_an_edge_updates_adjacency);
            case!(handles_large_batches_and_frontiers);
            case!(an_edge_to_a_missing_node_fails_the_whole_batch);
            case!(edge_records_round_trip_with_every_field);
            case!(pages_expansions_in_id_order_and_counts_degrees);
            case!(finds_prefix_terms_in_term_then_id_order);
            case!(finds_each_node_once_across_pages_of_terms);
            case!(finds_nodes_by_external_identifier);
            case!(staged_writes_delete_edges_before_their_upserts);
            case!(sources_add_up_iati_first_then_csv_then_json_lines);
            case!(sources_add_up_json_lines_first_then_iati);
            case!(an_analysts_edge_correction_stays_beside_the_files_participation);
            case!(versions_count_changes_and_survive_deletes);
            case!(a_stale_version_fails_the_whole_batch);
            case!(deleting_a_linked_node_can_be_refused);
            case!(curation_batches_are_audited_record_by_record);
            case!(imports_are_audited_as_one_entry);
            case!(tokens_are_stored_by_name_and_unique);
            case!(concurrent_writers_all_commit_and_number_changes_without_gaps);
        }
    };
}

conformance_suite!(embedded, partnergraph_tests::empty_store());
conformance_suite!(embedded_tables, partnergraph_tests::empty_store_without_index());
conformance_suite!(bolt, partnergraph_tests::bolt_store().await);

#[tokio::test]
async fn embedded_store_keeps_committed_data_across_reopen() {
    let dir = tempfile::tempdir().expect("dir");
    {
        let store: Arc<dyn GraphStore> = Arc::new(partnergraph::store::EmbeddedStore::open(dir.path()).expect("open"));
        loaded(&store).await;
    }
    let store = partnergraph::store::EmbeddedStore::open(dir.path()).expect("reopen");
    let stats = store.stats().await.expect("stats");
    assert_eq!((stats.nodes, stats.edges), (7, 6));
}

/// The server's mode: reads are right at once (from the tables), the in-memory topology arrives in the
/// background, goes stale with a commit and is rebuilt; answers are the same before and after.
#[tokio::test]
async fn background_topology_is_built_dropped_on_commit_and_rebuilt() {
    use partnergraph::store::{EmbeddedStore, GraphRead, IndexMode};
    let dir = tempfile::tempdir().expect("dir");
    {
        let store: Arc<dyn GraphStore> = Arc::new(EmbeddedStore::open_with(dir.path(), IndexMode::Off).expect("open"));
        loaded(&store).await;
    }
    let store = EmbeddedStore::open_with(dir.path(), IndexMode::Background).expect("reopen");
    let from_whatever_is_ready = store.expand(&[id("agency:undp")], &EdgeFilter::default()).await.expect("expand");
    let wait_fresh = async |store: &EmbeddedStore| {
        for _ in 0..500 {
            if store.topology_is_fresh().expect("fresh?") {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the background topology was not built within 5 s");
    };
    wait_fresh(&store).await;
    assert_eq!(store.expand(&[id("agency:undp")], &EdgeFilter::default()).await.expect("expand"), from_whatever_is_ready);

    store.apply(Batch { delete_nodes: vec![id("network:wacap")], ..Batch::default() }).await.expect("delete");
    let after_delete = store.expand(&[id("agency:undp")], &EdgeFilter::default()).await.expect("expand after delete");
    assert!(after_delete.iter().all(|edge| edge.source.as_str() != "network:wacap" && edge.target.as_str() != "network:wacap"));
    wait_fresh(&store).await;
    assert_eq!(store.expand(&[id("agency:undp")], &EdgeFilter::default()).await.expect("expand"), after_delete);
    assert_eq!(store.degrees(&[id("network:wacap")]).await.expect("degrees"), [0]);

    // The rebuilt topology was saved; a restart loads it before answering anything.
    assert!(dir.path().join("topology.bin").is_file(), "snapshot written");
    drop(store);
    let mut reopened = None;
    for _ in 0..200 {
        match EmbeddedStore::open_with(dir.path(), IndexMode::Background) {
            Ok(store) => {
                reopened = Some(store);
                break;
            }
            // The builder thread may still hold the database for a moment.
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
        }
    }
    let reopened = reopened.expect("reopen");
    assert!(reopened.topology_is_fresh().expect("fresh?"), "loaded from the snapshot at open");
    assert_eq!(reopened.expand(&[id("agency:undp")], &EdgeFilter::default()).await.expect("expand"), after_delete);
}
