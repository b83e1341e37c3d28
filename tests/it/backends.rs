//! Both backends give the same answers: every GraphQL query of the suite (the response's bytes as
//! `serve`'s query runner writes them), and the export, compared byte for byte between the embedded store and the Bolt
//! store holding the same seed. `api/tests/e2e/bolt.rs` compares HTTP answers' bytes of both servers.

use partnergraph_tests::{execute_bytes, schema, seeded_bolt_store, seeded_store, workspace_root};

/// Queries beyond the seed facts: every root field, filters, cursors, unicode and empty answers.
const QUERIES: &[&str] = &[
    r#"{ stats { nodes edges } }"#,
    r#"{ search(text: "south", first: 30) { id kind name } }"#,
    r#"{ search(text: "cote d ivoire") { id } }"#,
    r#"{ search(text: "Pérez") { id name } }"#,
    r#"{ search(text: "zzzz-nothing") { id } }"#,
    r#"{ nodes(ids: ["agency:unossc", "agency:missing", "country:BRA"]) { id name } }"#,
    r#"{ neighborhood(id: "agency:unossc", depth: 2) { nodes { id kind degree } edges { id type source target role iatiRole from to amountUsd } truncated } }"#,
    r#"{ neighborhood(id: "agency:unossc", depth: 3, limit: 25) { nodes { id } edges { id } truncated } }"#,
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
