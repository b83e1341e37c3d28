//! Shared helpers of the partnergraph test suite: seeded stores, GraphQL execution, JSON containment and
//! the paragraph splitter used to check the seed dataset's provenance.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::Request;
use partnergraph::gql::{Limits, build_schema};
use partnergraph::graph::Graph;
use partnergraph::http::{Outcome, QueryConfig, QueryRunner};
use partnergraph::io;
use partnergraph::store::{BoltConfig, BoltStore, EmbeddedStore, GraphStore, IndexMode};
use serde_json::{Value, json};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The seed documents: `$PARTNERGRAPH_SEEDS_DIR`, else `shared/seeds` beside the workspace (as in CI).
pub fn seeds_dir() -> PathBuf {
    match std::env::var_os("PARTNERGRAPH_SEEDS_DIR").filter(|dir| !dir.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("../shared/seeds"),
    }
}

/// The text of seed document `name` from [`seeds_dir`]; when it cannot be read, panics saying which
/// document is missing, where it was looked for and how to point the tests elsewhere.
pub fn seed_document(name: &str) -> String {
    let dir = seeds_dir();
    let path = dir.join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|err| {
        let from = if std::env::var_os("PARTNERGRAPH_SEEDS_DIR").is_some_and(|dir| !dir.is_empty()) {
            "PARTNERGRAPH_SEEDS_DIR"
        } else {
            "the default, ../shared/seeds beside the workspace"
        };
        panic!(
            "seed document {name} cannot be read from {} ({err}); the seed tests check every quote of the seed dataset \
             against the five source documents it cites, looked for in {} (from {from}). Put the documents there, or \
             set PARTNERGRAPH_SEEDS_DIR to the directory that holds them (README, \"Two commands\").",
            path.display(),
            dir.display(),
        )
    })
}

/// An empty embedded store in a fresh temporary directory (kept alive by the returned guard), whose
/// reads all go through the in-memory topology (built before any read that needs it).
pub fn empty_store() -> (tempfile::TempDir, Arc<dyn GraphStore>) {
    empty_store_with(IndexMode::Blocking)
}

/// An empty embedded store whose reads all go to the redb tables (no in-memory topology).
pub fn empty_store_without_index() -> (tempfile::TempDir, Arc<dyn GraphStore>) {
    empty_store_with(IndexMode::Off)
}

fn empty_store_with(mode: IndexMode) -> (tempfile::TempDir, Arc<dyn GraphStore>) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = EmbeddedStore::open_with(dir.path(), mode).expect("open embedded store");
    (dir, Arc::new(store))
}

/// The test Bolt server, from the environment `scripts/test.sh` sets after starting it.
struct BoltServer {
    url: String,
    http: String,
    password: String,
}

fn bolt_server() -> BoltServer {
    let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    let Some(url) = var("PARTNERGRAPH_TEST_BOLT_URL") else {
        panic!(
            "the Bolt conformance tests need a real Bolt server: run scripts/test.sh, or start one with \
             scripts/bolt-server.sh start and set PARTNERGRAPH_TEST_BOLT_URL (bolt://127.0.0.1:PORT), \
             PARTNERGRAPH_TEST_BOLT_HTTP (http://127.0.0.1:HTTP_PORT) and PARTNERGRAPH_TEST_BOLT_PASSWORD"
        )
    };
    BoltServer {
        url,
        http: var("PARTNERGRAPH_TEST_BOLT_HTTP").unwrap_or_else(|| "http://127.0.0.1:2480".to_owned()),
        password: var("PARTNERGRAPH_TEST_BOLT_PASSWORD").unwrap_or_else(|| "partnergraph-test".to_owned()),
    }
}

/// A Bolt store on a database of its own on the test server (created through the server's admin API,
/// so tests run in parallel without seeing each other's data). The guard keeps the database's name.
pub async fn bolt_store() -> (String, Arc<dyn GraphStore>) {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let server = bolt_server();
    let name = format!("t{}_{}", std::process::id(), COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    let created = reqwest::Client::new()
        .post(format!("{}/api/v1/server", server.http))
        .basic_auth("root", Some(&server.password))
        .json(&serde_json::json!({ "command": format!("create database {name}") }))
        .send()
        .await
        .expect("reach the Bolt server's admin API");
    assert!(created.status().is_success(), "create database {name}: {}", created.status());
    let config = BoltConfig {
        url: server.url,
        user: "root".to_owned(),
        password: server.password,
        database: name.clone(),
        max_connections: 4,
        timeout: std::time::Duration::from_secs(20),
    };
    let store = BoltStore::connect(config).await.expect("connect to the test Bolt server");
    (name, Arc::new(store))
}

/// A Bolt store holding the seed dataset.
pub async fn seeded_bolt_store() -> (String, Arc<dyn GraphStore>) {
    let (name, store) = bolt_store().await;
    assert!(io::seed_if_empty(store.as_ref()).await.expect("seed"), "a new database is empty and gets seeded");
    (name, store)
}

/// An embedded store holding the seed dataset.
pub async fn seeded_store() -> (tempfile::TempDir, Arc<dyn GraphStore>) {
    let (dir, store) = empty_store();
    assert!(io::seed_if_empty(store.as_ref()).await.expect("seed"), "a new store is empty and gets seeded");
    (dir, store)
}

/// The GraphQL API over a store, answering as `serve` does (its query runner: one snapshot per request,
/// compiled plans, fields in query order), without HTTP.
pub struct Api {
    runner: QueryRunner,
    store: Arc<dyn GraphStore>,
}

/// The GraphQL API over `store`.
pub fn schema(store: Arc<dyn GraphStore>) -> Api {
    let runner = QueryRunner::new(build_schema(Limits::default()), QueryConfig::default()).expect("query runtime");
    Api { runner, store }
}

/// Runs `query` on a snapshot of the store and returns the response's bytes as `serve` writes them.
pub async fn execute_bytes(api: &Api, query: &str) -> Vec<u8> {
    let graph = Graph::snapshot(&api.store).await.expect("snapshot");
    let document = async_graphql::parser::parse_query(query);
    let mut request = Request::new(query);
    let document = match document {
        Ok(document) => document,
        Err(err) => return serde_json::to_vec(&json!({ "errors": [{ "message": err.to_string() }] })).expect("JSON"),
    };
    request.set_parsed_query(document.clone());
    match api.runner.run(request, graph, document, Duration::from_secs(30)).await.expect("answered in time") {
        Outcome::Answer { body, .. } => body.to_vec(),
        Outcome::RequestErrors(errors) => serde_json::to_vec(&async_graphql::Response::from_errors(errors)).expect("JSON"),
    }
}

/// Runs `query` on a snapshot of the store and returns the response as JSON (`data` and `errors`).
pub async fn execute(api: &Api, query: &str) -> Value {
    serde_json::from_slice(&execute_bytes(api, query).await).expect("response is JSON")
}

/// Runs `query`, asserts it has no errors, and returns `data`.
pub async fn data(schema: &Api, query: &str) -> Value {
    let response = execute(schema, query).await;
    assert!(response.get("errors").is_none(), "unexpected errors for {query}: {response:#}");
    response["data"].clone()
}

/// The `extensions.code` of each error of a response.
pub fn error_codes(response: &Value) -> Vec<String> {
    response["errors"]
        .as_array()
        .map(|errors| errors.iter().map(|error| error["extensions"]["code"].as_str().unwrap_or("<none>").to_owned()).collect())
        .unwrap_or_default()
}

/// Whether `expected` is contained in `actual`: objects key by key, arrays element-wise (each expected
/// element contained in some actual element), numbers as f64, other scalars equal.
pub fn contains(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(actual), Value::Object(expected)) => {
            expected.iter().all(|(key, value)| actual.get(key).is_some_and(|found| contains(found, value)))
        }
        (Value::Array(actual), Value::Array(expected)) => expected.iter().all(|value| actual.iter().any(|found| contains(found, value))),
        (Value::Number(actual), Value::Number(expected)) => actual.as_f64() == expected.as_f64(),
        _ => actual == expected,
    }
}

/// The paragraphs of a seed document, numbered as the dataset format says: for the Secretary-General's
/// report (`001_…`) by the report's own numbers (text after a footnote block stays with its paragraph),
/// otherwise blocks separated by blank lines, counted from 1. Whitespace runs are collapsed.
pub fn paragraphs(file_name: &str, text: &str) -> Vec<(u32, String)> {
    let blocks: Vec<String> = text
        .split("\n")
        .collect::<Vec<_>>()
        .split(|line| line.trim().is_empty())
        .map(|lines| collapse(&lines.join(" ")))
        .filter(|block| !block.is_empty())
        .collect();
    if !file_name.starts_with("001_") {
        return (1..).zip(blocks).collect();
    }
    let mut numbered: Vec<(u32, String)> = Vec::new();
    for block in blocks {
        let number = block.split_once(". ").and_then(|(head, _)| head.parse::<u32>().ok());
        match number {
            Some(number) if number == numbered.last().map_or(1, |(last, _)| last + 1) => numbered.push((number, block)),
            _ => {
                if let Some((_, text)) = numbered.last_mut() {
                    text.push(' ');
                    text.push_str(&block);
                }
            }
        }
    }
    numbered
}

/// Collapses whitespace runs to single spaces and trims.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn containment_is_structural_and_numeric() {
        let actual = json!({"a": [{"id": 1, "x": 2}, {"id": 2}], "n": 100000000, "s": "t"});
        assert!(contains(&actual, &json!({"a": [{"id": 2}], "n": 1e8})));
        assert!(!contains(&actual, &json!({"a": [{"id": 3}]})));
        assert!(!contains(&actual, &json!({"missing": null})));
        assert!(!contains(&actual, &json!({"s": "u"})));
    }

    #[test]
    fn paragraphs_are_blocks_or_report_numbers() {
        let plain = "Title\n\nFirst line\nsame paragraph\n\n \n\nSecond";
        assert_eq!(
            paragraphs("000_x.txt", plain),
            vec![(1, "Title".into()), (2, "First line same paragraph".into()), (3, "Second".into())]
        );
        let report = "# Heading\n\n1. One starts\n\n---\n\n<sup>1</sup> note\n\ncontinues\n\n2. Two";
        let numbered = paragraphs("001_x.txt", report);
        assert_eq!(numbered.len(), 2);
        assert!(numbered[0].1.starts_with("1. One starts") && numbered[0].1.ends_with("continues"));
        assert_eq!(numbered[1], (2, "2. Two".into()));
    }
}
