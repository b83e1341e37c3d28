//! The Bolt backend end to end: `serve --store bolt://…` against a real Bolt server of its own, the same
//! HTTP answers as the embedded default, and the server going away and coming back.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::server::{Server, query};

pub(crate) const PASSWORD: &str = "partnergraph-test";

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/bolt-server.sh")
}

/// A Bolt server with its own home and ports, stopped when dropped.
pub(crate) struct BoltServer {
    home: tempfile::TempDir,
    port: String,
    pub(crate) http_port: String,
}

impl BoltServer {
    pub(crate) fn new() -> BoltServer {
        let ports = Command::new("bash").arg(script()).args(["free-port", "2"]).output().expect("free ports");
        let ports = String::from_utf8(ports.stdout).expect("ports");
        let mut ports = ports.split_whitespace().map(str::to_owned);
        let (port, http_port) = (ports.next().expect("bolt port"), ports.next().expect("http port"));
        BoltServer { home: tempfile::tempdir().expect("home"), port, http_port }
    }

    fn command(&self, action: &str) -> std::process::Output {
        Command::new("bash")
            .arg(script())
            .arg(action)
            .env("BOLT_HOME", self.home.path())
            .env("BOLT_PORT", &self.port)
            .env("BOLT_HTTP_PORT", &self.http_port)
            .env("BOLT_PASSWORD", PASSWORD)
            .env("BOLT_HEAP", "256m")
            .output()
            .expect("run bolt-server.sh")
    }

    pub(crate) fn start(&self) -> String {
        let output = self.command("start");
        assert!(output.status.success(), "bolt server did not start: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).expect("url").trim().to_owned()
    }

    fn stop(&self) {
        let output = self.command("stop");
        assert!(output.status.success(), "bolt server did not stop: {}", String::from_utf8_lossy(&output.stderr));
    }
}

impl Drop for BoltServer {
    fn drop(&mut self) {
        let _ = self.command("stop");
    }
}

/// Status and body of a POST; `X-Cache` must be absent on a Bolt store (other clients write to it, so its
/// answers are never reused) and is dropped from the comparison with the embedded store.
pub(crate) async fn post(server: &Server, query: &str, cached: bool) -> (u16, Vec<u8>) {
    let response = reqwest::Client::new().post(server.graphql()).json(&serde_json::json!({ "query": query })).send().await.expect("POST");
    assert_eq!(response.headers().contains_key("x-cache"), cached, "X-Cache for {query}: {:?}", response.headers().get("x-cache"));
    (response.status().as_u16(), response.bytes().await.expect("body").to_vec())
}

pub(crate) const COMPARED: &[&str] = &[
    r#"{ search(text: "WACAP") { id name sources { document paragraph quote } } }"#,
    r#"{ neighborhood(id: "network:wacap", depth: 2) { nodes { id name kind } edges { id type source target from to } truncated } }"#,
    r#"{ triangulars { agreement { id } beneficiary { id } pivotal { id } facilitating { id } } }"#,
    r#"{ partners(id: "country:IND") { partner { id } agreements { id } weight } }"#,
    r#"{ paths(from: "network:wacap", to: "country:IND") { nodes { id } edges { type } } }"#,
    r#"{ agencies(first: 500) { edges { node { id name ... on Agency { headquarters { id } location { lat lon } } } } pageInfo { hasNextPage } } }"#,
];

#[tokio::test]
async fn serve_on_bolt_answers_like_embedded_and_survives_the_server_going_away() {
    let bolt = BoltServer::new();
    let url = bolt.start();
    let store_args = ["--store", url.as_str(), "--db-user", "root", "--db-password", PASSWORD, "--db-name", "graph", "--db-timeout", "2"];
    let on_bolt = Server::start_with(&store_args);
    let data = tempfile::tempdir().expect("data");
    let embedded = Server::start(data.path());
    // The seed facts' queries too: every answer's bytes, as the two servers send them.
    let facts = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/seed-facts.json")).expect("facts");
    let facts: Vec<Value> = serde_json::from_str(&facts).expect("facts are JSON");
    let fact_queries = facts.iter().map(|fact| fact["query"].as_str().expect("a fact's query"));
    let mut compared = 0;
    for query in COMPARED.iter().copied().chain(fact_queries) {
        let (expected_status, expected) = post(&embedded, query, true).await;
        let (status, actual) = post(&on_bolt, query, false).await;
        assert_eq!((status, &actual), (expected_status, &expected), "answers differ for {query}");
        let text = String::from_utf8_lossy(&actual);
        assert!(!text.contains("\"errors\""), "{text}");
        compared += 1;
    }
    assert!(compared > COMPARED.len() + 20, "only {compared} queries compared");

    bolt.stop();
    let started = Instant::now();
    let answer = query(&on_bolt, r#"{ search(text: "WACAP") { id } }"#).await;
    assert!(started.elapsed() < Duration::from_secs(15), "no hang past the timeout: {:?}", started.elapsed());
    assert_eq!(answer["errors"][0]["extensions"]["code"], "STORE_UNAVAILABLE", "{answer}");
    assert!(!answer.to_string().contains("127.0.0.1"), "no internals in the message: {answer}");
    let (_, asked_before) = post(&on_bolt, COMPARED[0], false).await;
    let asked_before = String::from_utf8_lossy(&asked_before);
    assert!(asked_before.contains("STORE_UNAVAILABLE"), "an answer given before is not reused: {asked_before}");
    let client = reqwest::Client::new();
    let ready = client.get(format!("{}/readyz", on_bolt.base)).send().await.expect("readyz");
    assert_eq!(ready.status(), 503);
    let live = client.get(format!("{}/healthz", on_bolt.base)).send().await.expect("healthz");
    assert_eq!(live.status(), 200, "the process itself is alive");

    bolt.start();
    let deadline = Instant::now() + Duration::from_secs(60);
    let recovered = loop {
        let answer: Value = query(&on_bolt, r#"{ search(text: "WACAP") { id } }"#).await;
        if answer.get("errors").is_none() {
            break answer;
        }
        assert!(Instant::now() < deadline, "no recovery within 60 s: {answer}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(recovered["data"]["search"][0]["id"], "network:wacap", "data survived the restart, no reseed needed");
    let ready = client.get(format!("{}/readyz", on_bolt.base)).send().await.expect("readyz");
    assert_eq!(ready.status(), 200);
}

/// Curation across processes (issue 20): two `serve` processes on one Bolt database share tokens made by
/// the command line, versions and the audit trail, and a subscriber of one sees a write made through the
/// other within the feed's poll interval.
#[tokio::test]
async fn two_servers_on_one_bolt_database_share_writes_and_live_changes() {
    use crate::curation::{connect, next_message, post, subscribe};
    let bolt = BoltServer::new();
    let url = bolt.start();
    let store_args = ["--store", url.as_str(), "--db-user", "root", "--db-password", PASSWORD, "--db-name", "graph"];
    let writer_side = Server::start_with(&store_args);
    let reader_side = Server::start_with(&store_args);
    let made = Command::new(crate::server::binary())
        .args(["token", "create", "--name", "bolt-writer", "--scope", "write"])
        .args(store_args)
        .env("PARTNERGRAPH_LOG", "warn")
        .output()
        .expect("token create");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let token = String::from_utf8(made.stdout).expect("UTF-8").trim().to_owned();

    let mut socket = connect(&reader_side).await;
    subscribe(&mut socket, "near", r#"subscription { changedNear(id: "network:wacap", hops: 1) { seq action id actor } }"#).await;
    // The reader's feed notes where the trail ends before the write.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let before = query(&reader_side, r#"{ node(id: "agency:undp") { version } }"#).await["data"]["node"]["version"].clone();
    let mutation = "mutation($n: NodeInput!, $v: Int) { upsertNode(input: $n, expectedVersion: $v) { version } }";
    let variables = serde_json::json!({ "v": before, "n": { "id": "agency:undp", "kind": "AGENCY", "name": "UNDP (renamed on Bolt)",
        "sources": [{ "document": "minutes.pdf", "paragraph": 1, "quote": "renamed" }] } });
    let written = Instant::now();
    let (_, _, answer) = post(&writer_side, Some(&token), mutation, variables.clone()).await;
    assert!(answer["errors"].is_null(), "{answer}");
    let seen = next_message(&mut socket).await;
    let delay = written.elapsed();
    assert_eq!(seen["payload"]["data"]["changedNear"]["id"], "agency:undp", "{seen}");
    assert_eq!(seen["payload"]["data"]["changedNear"]["actor"], "bolt-writer");
    assert!(delay < Duration::from_secs(3), "the other server's subscriber waited {delay:?}");
    // The same stale version through the other server is refused.
    let (_, _, stale) = post(&reader_side, Some(&token), mutation, variables).await;
    assert_eq!(stale["errors"][0]["extensions"]["code"], "CONFLICT", "{stale}");
    let trail = query(&reader_side, "{ changes { edges { node { actor action id } } } }").await;
    assert_eq!(trail["data"]["changes"]["edges"][0]["node"]["actor"], "bolt-writer", "{trail}");
}
