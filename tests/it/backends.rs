//! Both backends give the same answers: every GraphQL query of the suite (the response's bytes as
//! `serve`'s query runner writes them), and the export, compared byte for byte between the embedded store and the Bolt
//! store holding the same seed. `api/tests/e2e/bolt.rs` compares HTTP answers' bytes of both servers.

use partnergraph_tests::{execute_bytes, schema, seeded_bolt_store, seeded_store, workspace_root};

/// Queries beyond the seed facts: every root field, filters, cursors, unicode and empty answers.
const QUERIES: &[&str] = &[
    "{ statistics(by: [YEAR, ROLE], first: 1000) { rows { keys labels agreements partners amountUsd } total { agreements partners } truncated } }",
    r#"{ statistics(by: [REGION], involving: "agency:undp") { rows { keys agreements partners } } }"#,
    r#"{ stats { nodes edges } }"#,
    r#"{ search(text: "south", first: 30) { id kind name } }"#,
    r#"{ search(text: "cote d ivoire") { id } }"#,
    r#"{ search(text: "Pérez") { id name } }"#,
    r#"{ search(text: "zzzz-nothing") { id } }"#,
    r#"{ nodes(ids: ["agency:unossc", "agency:missing", "country:BRA"]) { id name } }"#,
    r#"{ neighborhood(id: "agency:unossc", depth: 2) { nodes { id kind degree } edges { id type source target role iatiRole from to amountUsd } truncated } }"#,
    r#"{ neighborhood(id: "agency:unossc", depth: 3, limit: 25) { nodes { id } edges { id } truncated } }"#,
    // The widget's map, answered by a compiled plan from records, places and edge sources.
    r#"{ neighborhood(id: "agency:unossc", depth: 1) { truncated nodes { id kind name acronym description degree location { lat lon } sources { document paragraph } ... on Agreement { start end } ... on Event { start end } } edges { id type source target role iatiRole from to sources { document paragraph } } } }"#,
    r#"{ neighborhood(id: "network:wacap", asOf: "2012") { nodes { id } edges { id } } }"#,
    r#"{ neighborhood(id: "country:IND", kinds: [AGREEMENT, AGENCY], edgeTypes: [PARTICIPATES_IN, FUNDS], depth: 2) { nodes { id } edges { id } } }"#,
    r#"{ paths(from: "network:wacap", to: "country:IND", maxHops: 4, first: 5) { hops nodes { id } edges { id type } } }"#,
    r#"{ paths(from: "country:BRA", to: "agency:wfp", maxHops: 3, first: 3, asOf: "2018") { nodes { id } } }"#,
    r#"{ triangulars { agreement { id } beneficiary { id } pivotal { id } facilitating { id } participations { actor { id } role from to } } }"#,
    r#"{ partners(id: "agency:unossc", first: 50) { partner { id } agreements { id } weight } }"#,
    r#"{ agencies(first: 13, after: "agency:f") { edges { cursor node { id ... on Agency { agencyType headquarters { id } country { id } location { lat lon } } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"#,
    r#"{ countries(first: 100, filter: { region: "Africa" }) { edges { node { id ... on Country { iso3 region location { lat lon } } } } } }"#,
    r#"{ cities(first: 100) { edges { node { id ... on City { country { id } location { lat lon } } } } } }"#,
    r#"{ agreements(first: 100, filter: { triangular: true }) { edges { node { id ... on Agreement { agreementType start end amountUsd sdgs triangular participants { actor { id } role iatiRole } } } } } }"#,
    r#"{ events(first: 100, filter: { from: "2017", to: "2018" }) { edges { node { id ... on Event { start end city { id } country { id } } } } } }"#,
    r#"{ networks(first: 100) { edges { node { id ... on Network { networkType members { id } } } } } }"#,
    r#"{ node(id: "agency:undp") { id edges(types: [PART_OF, HOSTED_BY], asOf: "2016") { id sourceNode { id } targetNode { id } sources { document paragraph quote } } } }"#,
    r#"{ roleCrosswalk { role iatiRole affinity note } }"#,
    r#"{ matches(need: "need:wfp-country-office-proposals") { considered truncated matches { score need { id } offer { id } seekers { id } providers { id } reasons { kind points maxPoints shared evidence detail } introduction { hops nodes { id } edges { id } } } } }"#,
    r#"{ seekers(offer: "offer:zero-hunger-capacity-strengthening", first: 5) { considered matches { score need { id sdgs } reasons { kind points } } } }"#,
    r#"{ needs { edges { node { id ... on Need { start sdgs sectors support languages seekers { actor { id } role } places { id } } } } } offers { edges { node { id ... on Offer { sdgs support providers { actor { id } role } places { id } agreements { id } } } } } }"#,
];

#[derive(serde::Deserialize)]
struct Fact {
    query: String,
}

#[tokio::test]
async fn bolt_answers_every_query_exactly_as_the_embedded_store() {
    let (_dir, embedded) = seeded_store().await;
    let (_db, bolt) = seeded_bolt_store().await;
    let (embedded, bolt) = (schema(embedded), schema(bolt));
    let facts: Vec<Fact> =
        serde_json::from_str(&std::fs::read_to_string(workspace_root().join("tests/data/seed-facts.json")).expect("facts")).expect("parse");
    let queries: Vec<String> = QUERIES.iter().map(|query| (*query).to_owned()).chain(facts.into_iter().map(|fact| fact.query)).collect();
    let mut differences = Vec::new();
    for query in &queries {
        let expected = execute_bytes(&embedded, query).await;
        let actual = execute_bytes(&bolt, query).await;
        let shown = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        assert!(!shown(&expected).contains("\"errors\""), "{query}: {}", shown(&expected));
        if expected != actual {
            differences.push(format!("{query}\n  embedded: {}\n  bolt:     {}", shown(&expected), shown(&actual)));
        }
    }
    assert!(differences.is_empty(), "{} of {} queries differ:\n{}", differences.len(), queries.len(), differences.join("\n"));
}

#[tokio::test]
async fn bolt_exports_the_same_bytes_and_reimports_idempotently() {
    let (_dir, embedded) = seeded_store().await;
    let (_db, bolt) = seeded_bolt_store().await;
    let mut from_embedded = Vec::new();
    partnergraph::io::export(embedded.as_ref(), &mut from_embedded).await.expect("export embedded");
    let mut from_bolt = Vec::new();
    partnergraph::io::export(bolt.as_ref(), &mut from_bolt).await.expect("export bolt");
    assert!(from_embedded == from_bolt, "exports differ");
    let text = String::from_utf8(from_bolt).expect("utf-8");
    let summary = partnergraph::io::import(bolt.as_ref(), &text).await.expect("reimport");
    assert!(summary.is_noop(), "{summary:?}");
    assert_eq!(summary.nodes_unchanged + summary.edges_unchanged, (text.lines().count() - 1) as u64);
}

/// Curation batches beyond the conformance suite's (an id repeated in one batch, a record deleted and
/// written again in one, both ends of an edge deleted, a refused batch, an import with deletes): both
/// backends end with the same summaries or errors, versions and audit trail.
#[tokio::test]
async fn bolt_curates_exactly_as_the_embedded_store() {
    use partnergraph::store::audit::Audit;
    use partnergraph::store::{Batch, Change, Condition, GraphStore, Staged, Subject};
    use partnergraph_schema::{EdgeId, EdgeType, Source};

    use crate::conformance::{edge, fixture, id, node};

    let audited = |actor: &str| Some(Audit::Records { actor: actor.to_owned(), sources: Vec::new() });
    let edge_id = |text: &str| EdgeId::parse(text).expect(text);
    let part_of = edge("agency:unossc", EdgeType::PartOf, "agency:undp");
    let mut part_of_dated = part_of.clone();
    part_of_dated.from = Some("2012".parse().expect("date"));
    let batches = vec![
        // An id three times: two changes, back to the stored content.
        Batch {
            nodes: vec![node("agency:undp", "A"), node("agency:undp", "B"), fixture().nodes[1].clone()],
            audit: audited("alice"),
            ..Batch::default()
        },
        // Deleted and written again in the same batch: a node that changes, an edge that does not.
        Batch {
            delete_nodes: vec![id("agency:unossc")],
            nodes: vec![node("agency:unossc", "UNOSSC")],
            edges: vec![part_of.clone()],
            audit: audited("bob"),
            ..Batch::default()
        },
        // An edge twice, changed then back; a stale edge version refuses the batch.
        Batch {
            edges: vec![part_of_dated.clone(), part_of.clone()],
            conditions: vec![Condition::Version { subject: Subject::Edge(part_of.id.clone()), version: 1 }],
            audit: audited("carol"),
            ..Batch::default()
        },
        Batch { edges: vec![part_of_dated.clone(), part_of.clone(), part_of_dated], audit: audited("carol"), ..Batch::default() },
        // Both ends of an edge deleted, an unknown edge, the sources given, a node without edges that does not exist.
        Batch {
            delete_edges: vec![edge_id("nowhere>part_of>nothing")],
            delete_nodes: vec![id("city:sao-paulo-bra"), id("country:BRA")],
            conditions: vec![Condition::Unlinked(id("agency:never"))],
            audit: Some(Audit::Records {
                actor: "dan".into(),
                sources: vec![Source { document: "minutes.pdf".into(), paragraph: None, quote: None }],
            }),
            ..Batch::default()
        },
        // Refused: an edge to a node that is gone; nothing recorded.
        Batch { edges: vec![edge("country:BRA", EdgeType::LocatedIn, "agency:undp")], audit: audited("erin"), ..Batch::default() },
        Batch { nodes: vec![node("country:BRA", "Brasil")], audit: audited("erin"), ..Batch::default() },
    ];
    let subjects: Vec<Subject> = fixture()
        .nodes
        .iter()
        .map(|node| Subject::Node(node.id.clone()))
        .chain(fixture().edges.iter().map(|edge| Subject::Edge(edge.id.clone())))
        .collect();

    async fn run(store: &dyn GraphStore, batches: &[Batch], subjects: &[Subject]) -> (Vec<String>, Vec<u64>, Vec<Change>, Vec<Change>) {
        store.apply(fixture()).await.expect("fixture");
        let mut outcomes = Vec::new();
        for batch in batches {
            outcomes.push(format!("{:?}", store.apply(batch.clone()).await));
        }
        let mut staged = Staged::of(&Batch { edges: vec![edge("network:wacap", EdgeType::HostedBy, "agency:unossc")], ..Batch::default() });
        staged.delete_edge(EdgeId::parse("network:wacap>hosted_by>agency:undp").expect("id"));
        staged.set_audit(Audit::Import { actor: "cli".into(), file: "more.jsonl".into() });
        outcomes.push(format!("{:?}", store.apply_staged(staged).await));
        let mut changes = store.changes(0, 1000).await.expect("changes");
        assert_eq!(store.last_change().await.expect("last"), changes.len() as u64);
        assert_eq!(store.changes(2, 3).await.expect("page"), changes[2..5]);
        let history = store.history(&Subject::Node(id("agency:unossc")), 1, 10).await.expect("history");
        let mut pages = history.clone();
        pages.extend(store.history(&Subject::Edge(edge("agency:unossc", EdgeType::PartOf, "agency:undp").id), 0, 10).await.expect("edge"));
        for change in changes.iter_mut().chain(pages.iter_mut()) {
            change.at.clear();
        }
        (outcomes, store.versions(subjects).await.expect("versions"), changes, pages)
    }

    let (_dir, embedded) = partnergraph_tests::empty_store();
    let (_db, bolt) = partnergraph_tests::bolt_store().await;
    let expected = run(embedded.as_ref(), &batches, &subjects).await;
    let actual = run(bolt.as_ref(), &batches, &subjects).await;
    assert_eq!(expected.2.len(), 9, "eight record changes and an import: {:#?}", expected.2);
    assert_eq!(actual.0, expected.0, "outcomes");
    assert_eq!(actual.1, expected.1, "versions");
    for (actual, expected) in actual.2.iter().zip(&expected.2) {
        assert_eq!(actual, expected);
    }
    assert_eq!(actual.2.len(), expected.2.len(), "changes");
    assert_eq!(actual.3, expected.3, "histories");
}
