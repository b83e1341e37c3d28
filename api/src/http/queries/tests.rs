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
        // The widget's map (widgets/src/map): records, places and edge sources.
        (MAP_QUERY, json!({ "id": "agency:unossc", "depth": 1, "asOf": null, "limit": 500 })),
        (MAP_QUERY, json!({ "id": "network:wacap", "depth": 2, "asOf": "2015", "limit": 40 })),
        (MAP_QUERY, json!({ "id": "country:IND", "depth": 1, "asOf": null, "limit": 500 })),
        (
            r#"{ neighborhood(id: "agency:undp", depth: 2) { nodes { location { lon lat } d: description id ... on Event { end } } edges { s: sources { quote document } } } }"#,
            json!({}),
        ),
        (
            r#"{ neighborhood(id: "network:wacap") { nodes { ... on Agreement { start sources { paragraph } } ... on Event { start sources { paragraph } } } } }"#,
            json!({}),
        ),
    ]
}

/// The map widget's query, as `scripts/bench/bodies.py` sends it.
const MAP_QUERY: &str = "query PartnergraphMap($id: ID!, $depth: Int!, $asOf: Date, $limit: Int!) { neighborhood(id: $id, depth: $depth, asOf: $asOf, limit: $limit) \
    { truncated nodes { id kind name acronym description degree location { lat lon } sources { document paragraph } \
    ... on Agreement { start end } ... on Event { start end } } edges { id type source target role iatiRole from to sources { document paragraph } } } }";

/// Queries the general executor answers: out of the plans' reach, invalid, or failing.
fn general_cases() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        (r#"{ neighborhood(id: "network:wacap") { nodes { id alternatives { field } } } }"#, json!({})),
        (r#"{ neighborhood(id: "network:wacap") { edges { id sourceNode { id } } } }"#, json!({})),
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
        // A key asked on two kinds in different orders: the general executor orders them by first sight.
        (r#"{ neighborhood(id: "network:wacap") { nodes { ... on Agreement { start end } ... on Event { end start } } } }"#, json!({})),
        (r#"{ neighborhood(id: "network:wacap") { nodes { ... on Agreement { x: start } ... on Event { x: end } } } }"#, json!({})),
        (r#"{ neighborhood(id: "network:wacap") { nodes { start } } }"#, json!({})),
        (r#"{ neighborhood(id: "network:wacap") { nodes { location { lat __typename } } } }"#, json!({})),
        (r#"{ neighborhood(id: "network:wacap") { nodes { location } } }"#, json!({})),
        (r#"{ neighborhood(id: "network:wacap") { edges { sources { document } s: sources { quote } } } }"#, json!({})),
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

/// Why `http/order.rs` stays: async-graphql 7.2 resolves the root `Query` (and every object not marked
/// `serial`, such as its `Connection` types) through `FuturesUnordered` and inserts each field as it
/// completes. A field that waits — here a node's degree, which the degree loader fetches in a task of its
/// own — lands after one that does not, so the executor's own answer is out of query order; the runner's
/// answer puts it back, byte for byte the query's order.
#[tokio::test]
async fn the_executor_answers_in_completion_order_and_the_runner_in_query_order() {
    let (_dir, store) = seeded(IndexMode::Blocking).await;
    let schema = build_schema(Limits::default());
    let query = r#"{ a: node(id: "network:wacap") { degree } b: __typename }"#;
    let graph = Graph::snapshot(&store).await.expect("snapshot");
    let raw = schema.execute(on_graph(Request::new(query), graph.clone())).await;
    let async_graphql::Value::Object(raw) = raw.data else { panic!("no data: {:?}", raw.errors) };
    let keys: Vec<&str> = raw.keys().map(|key| key.as_str()).collect();
    assert_eq!(keys, ["b", "a"], "async-graphql answered in query order: http/order.rs may be redundant now");
    let a = raw.get(&async_graphql::Name::new("a")).cloned().expect("a").into_json().expect("JSON");
    let degree = a["degree"].as_i64().expect("degree");

    let runner = QueryRunner::new(schema, QueryConfig::default()).expect("runner");
    let document = parse_query(query).expect("parses");
    let mut request = Request::new(query);
    request.set_parsed_query(document.clone());
    let (body, errors) = bytes(runner.run(request, graph, document, std::time::Duration::from_secs(30)).await);
    assert!(!errors);
    assert_eq!(String::from_utf8_lossy(&body), format!(r#"{{"data":{{"a":{{"degree":{degree}}},"b":"Query"}}}}"#));
}
