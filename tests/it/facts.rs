//! Named facts from the five seed documents come back through the GraphQL API
//! (`tests/data/seed-facts.json`: query, expected data, document and paragraph).

use partnergraph_tests::{contains, data, schema, seeded_store, workspace_root};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
struct Fact {
    document: String,
    paragraph: u32,
    fact: String,
    query: String,
    expect: Value,
}

#[tokio::test]
async fn seed_facts_come_back_through_graphql() {
    let path = workspace_root().join("tests/data/seed-facts.json");
    let facts: Vec<Fact> = serde_json::from_str(&std::fs::read_to_string(&path).expect("facts file")).expect("facts parse");
    assert!(facts.len() >= 20, "at least 20 facts");
    let documents: std::collections::BTreeSet<&str> = facts.iter().map(|fact| fact.document.as_str()).collect();
    assert_eq!(documents.len(), 5, "facts from every seed document");
    let (_dir, store) = seeded_store().await;
    let schema = schema(store);
    let mut failures = Vec::new();
    for fact in &facts {
        let response = partnergraph_tests::execute(&schema, &fact.query).await;
        if response.get("errors").is_some() || !contains(&response["data"], &fact.expect) {
            failures.push(format!("{} ¶{}: {}\n  query: {}\n  got: {}", fact.document, fact.paragraph, fact.fact, fact.query, response));
        }
    }
    assert!(failures.is_empty(), "{} of {} facts fail:\n{}", failures.len(), facts.len(), failures.join("\n"));
}

/// Ids of the hosts of WACAP valid during `as_of`.
async fn wacap_hosts(schema: &partnergraph_tests::Api, as_of: &str) -> Vec<String> {
    let query = format!(r#"{{ neighborhood(id: "network:wacap", edgeTypes: [HOSTED_BY], asOf: "{as_of}") {{ edges {{ target }} }} }}"#);
    let found = data(schema, &query).await;
    found["neighborhood"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| edge["target"].as_str().expect("target").to_owned())
        .collect()
}

#[tokio::test]
async fn wacap_moves_from_undp_to_unossc_in_2014() {
    let (_dir, store) = seeded_store().await;
    let schema = schema(store);
    assert_eq!(wacap_hosts(&schema, "2010").await, ["agency:undp"]);
    assert_eq!(wacap_hosts(&schema, "2014").await, ["agency:undp", "agency:unossc"]);
    assert_eq!(wacap_hosts(&schema, "2016-05-01").await, ["agency:unossc"]);
    let found = data(&schema, r#"{ search(text: "WACAP") { id sources { document paragraph quote } } }"#).await;
    assert_eq!(found["search"][0]["id"], "network:wacap");
    assert_eq!(found["search"][0]["sources"][0]["document"], "000_f195f24c28d9bc09.txt");
    assert!(found["search"][0]["sources"][0]["paragraph"].is_number());
}
