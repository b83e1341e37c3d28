//! The query runner's two paths give the same bytes: every query a compiled plan takes is answered
//! again by async-graphql's executor (with the HTTP layer's ordering and nulls), and the two answers are
//! compared byte for byte, on a store with its in-memory topology and on one without.

use std::sync::Arc;

use async_graphql::parser::parse_query;
use async_graphql::{Request, Variables};
use serde_json::json;

use super::*;
use crate::gql::{Limits, build_schema};
use crate::store::{EmbeddedStore, GraphStore, IndexMode};

#[test]
fn the_bounded_writer_stops_at_its_limit() {
    let mut out = BoundedWriter { bytes: Vec::new(), max: 10 };
    assert!(serde_json::to_writer(&mut out, &"short").is_ok());
    assert_eq!(out.bytes, b"\"short\"");
    let mut out = BoundedWriter { bytes: Vec::new(), max: 10 };
    assert!(serde_json::to_writer(&mut out, &vec![1u32; 100]).is_err());
    assert!(out.bytes.len() <= 10);
}

/// Queries a plan answers, with their variables.
fn compiled_cases() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        (r#"{ neighborhood(id: "network:wacap") { nodes { id name kind } edges { source target type } truncated } }"#, json!({})),
        (
            r#"{ neighborhood(id: "agency:unossc", depth: 2) { nodes { id kind degree __typename acronym aliases name } edges { id type source target role iatiRole from to amountUsd __typename } truncated __typename } }"#,
            json!({}),
        ),
        (
            r#"{ a: neighborhood(id: "country:IND", depth: 2, limit: 7) { n: nodes { i: id } truncated } b: neighborhood(id: "network:wacap", asOf: "2012") { edges { id } } }"#,
            json!({}),
        ),
        (
            r#"{ neighborhood(id: "country:IND", kinds: [AGREEMENT, AGENCY], edgeTypes: [PARTICIPATES_IN, FUNDS], depth: 2) { nodes { id ... on Agreement { name } ... on Node { kind } } edges { id role } } }"#,
            json!({}),
        ),
        (r#"{ neighborhood(id: "agency:undp", direction: IN, depth: 2) { nodes { id } edges { id } } }"#, json!({})),
        (r#"{ neighborhood(id: "country:IND") { nodes { ... on Country { id } } } }"#, json!({})),
        (
            r#"query Map($id: ID!, $depth: Int!, $asOf: Date, $limit: Int, $kinds: [NodeKind!], $direction: EdgeDirection!) { neighborhood(id: $id, depth: $depth, asOf: $asOf, limit: $limit, kinds: $kinds, direction: $direction) { truncated nodes { id name kind degree } edges { source target type from to } } }"#,
            json!({ "id": "agency:unossc", "depth": 2, "asOf": null, "limit": 40, "kinds": ["AGENCY", "NETWORK", "COUNTRY"], "direction": "BOTH" }),
        ),
        (
            r#"query Q($id: ID!, $asOf: Date) { neighborhood(id: $id, asOf: $asOf) { nodes { id } } }"#,
            json!({ "id": "network:wacap", "asOf": "2020-06" }),
        ),
    ]
}

/// Queries the general executor answers: out of the plans' reach, invalid, or failing.
fn general_cases() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        (r#"{ neighborhood(id: "network:wacap") { nodes { id description } } }"#, json!({})),
        (r#"{ neighborhood(id: "network:wacap") { nodes { id sources { document } } } }"#, json!({})),
        (r#"{ neighborhood(id: "network:wacap") { edges { id sources { document } } } }"#, json!({})),
        (r#"{ neighborhood(id: "network:wacap") { nodes { id @skip(if: true) name } } }"#, json!({})),
        (r#"{ neighborhood(id: "network:wacap") { nodes { ...F } } } fragment F on Node { id }"#, json!({})),
        (r#"{ neighborhood(id: "network:wacap") { nodes { id id: name } } }"#, json!({})),
        (r#"{ neighborhood(id: "agency:nope") { nodes { id } } }"#, json!({})),
        (r#"{ neighborhood(id: "network:wacap", depth: 99) { nodes { id } } }"#, json!({})),
        (r#"{ neighborhood(id: "network:wacap", kinds: ["AGENCY"]) { nodes { id } } }"#, json!({})),
        (r#"{ neighborhood(id: 5) { nodes { id } } }"#, json!({})),
        (r#"query Q($id: ID) { neighborhood(id: $id) { nodes { id } } }"#, json!({ "id": "network:wacap" })),
        (r#"query Q($id: ID!, $unused: Int) { neighborhood(id: $id) { nodes { id } } }"#, json!({ "id": "network:wacap" })),
        (r#"query Q($d: Int) { neighborhood(id: "network:wacap", depth: $d) { nodes { id } } }"#, json!({ "d": "two" })),
        (r#"{ neighborhood(id: "network:wacap") { nodes { ... on Agency { ... on Country { id } } } } }"#, json!({})),
        (r#"{ neighborhood(id: "network:wacap") { nodes { id } } node(id: "network:wacap") { id } }"#, json!({})),
        (r#"{ neighborhood(id: "network:wacap", bogus: 1) { nodes { id } } }"#, json!({})),
    ]
}

async fn seeded(mode: IndexMode) -> (tempfile::TempDir, Arc<dyn GraphStore>) {
    let dir = tempfile::tempdir().expect("dir");
    let store: Arc<dyn GraphStore> = Arc::new(EmbeddedStore::open_with(dir.path(), mode).expect("store"));
    crate::io::seed_if_empty(store.as_ref()).await.expect("seed");
    (dir, store)
}

fn request(query: &str, variables: &serde_json::Value) -> Request {
    Request::new(query).variables(Variables::from_json(variables.clone()))
}

fn bytes(outcome: Result<Outcome, RunError>) -> (Vec<u8>, bool) {
    match outcome {
        Ok(Outcome::Answer { body, has_errors }) => (body.to_vec(), has_errors),
        Ok(Outcome::RequestErrors(errors)) => (format!("request errors: {errors:?}").into_bytes(), true),
        Err(err) => (format!("run error: {err}").into_bytes(), true),
    }
}

#[tokio::test]
async fn a_compiled_plan_answers_byte_for_byte_as_the_general_executor() {
    for mode in [IndexMode::Blocking, IndexMode::Off] {
        let (_dir, store) = seeded(mode).await;
        let schema = build_schema(Limits::default());
        let plans = Plans::default();
        for (query, variables) in compiled_cases() {
            let document = parse_query(query).expect("parses");
            let graph = Graph::snapshot(&store).await.expect("snapshot");
            let fast = compiled(&plans, &request(query, &variables), &graph, &document, usize::MAX).await;
            let Some(fast) = fast else { panic!("{mode:?}: no plan answered {query}") };
            let (fast, fast_errors) = bytes(fast);
            let (general, general_errors) = bytes(general(&schema, request(query, &variables), graph, &document, usize::MAX).await);
            assert!(!general_errors, "{query}: {}", String::from_utf8_lossy(&general));
            assert!(!fast_errors);
            assert!(general.len() > 20, "{query}: {}", String::from_utf8_lossy(&general));
            assert!(
                fast == general,
                "{mode:?}: {query}\n compiled: {}\n general:  {}",
                String::from_utf8_lossy(&fast),
                String::from_utf8_lossy(&general)
            );
        }
        for (query, variables) in general_cases() {
            let document = parse_query(query).expect("parses");
            let graph = Graph::snapshot(&store).await.expect("snapshot");
            let fast = compiled(&plans, &request(query, &variables), &graph, &document, usize::MAX).await;
            assert!(fast.is_none(), "{mode:?}: a plan answered {query}");
        }
    }
}

#[tokio::test]
async fn an_answer_over_the_limit_is_refused_on_the_compiled_path_too() {
    let (_dir, store) = seeded(IndexMode::Blocking).await;
    let query = r#"{ neighborhood(id: "agency:unossc", depth: 3) { nodes { id name } } }"#;
    let document = parse_query(query).expect("parses");
    let graph = Graph::snapshot(&store).await.expect("snapshot");
    let outcome = compiled(&Plans::default(), &request(query, &json!({})), &graph, &document, 100).await;
    assert!(matches!(outcome, Some(Err(RunError::TooLarge(100)))), "{outcome:?}");
}
