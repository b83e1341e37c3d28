//! `partnergraph migrate --store …` on databases written with layout 1 (before the layout version was
//! recorded) and layout 2 (search terms without names, no adjacency entries), part of which an
//! interrupted run had moved already: `serve` refuses them naming the command, the command upgrades the
//! rest in place (and is a no-op the second time), and the upgraded database answers byte for byte as
//! the embedded store.

use partnergraph_schema::text::index_terms;
use partnergraph_schema::{EdgeRecord, NodeRecord};
use serde_json::{Value, json};

use crate::bolt::{BoltServer, COMPARED, PASSWORD, post};
use crate::server::{Server, run};

/// What builds before layout 2 wrote (their `cypher.rs`): nodes with a `terms` list, no `Term`s, no
/// `Layout` record.
const LAYOUT_1_NODES: &str = "UNWIND $rows AS row CREATE (n:Node:LABEL {id: row.id, kind: row.kind, name: row.name, json: row.json, \
     terms: row.terms, version: row.version})";
const LAYOUT_1_EDGES: &str = "UNWIND $rows AS row MATCH (a:Node {id: row.source}) MATCH (b:Node {id: row.target}) \
     CREATE (a)-[r:TYPE {id: row.id, json: row.json, version: row.version}]->(b) RETURN count(r) AS c";

fn seed_node(id: &str) -> partnergraph_schema::NodeRecord {
    let dataset = partnergraph_schema::seed::dataset().expect("the seed");
    dataset.nodes.into_iter().map(|lined| lined.record).find(|node| node.id.as_str() == id).expect("a seed node")
}

/// Runs Cypher through the server's HTTP API (not through partnergraph).
async fn cypher(bolt: &BoltServer, command: &str, params: Value) {
    let response = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{}/api/v1/command/graph", bolt.http_port))
        .basic_auth("root", Some(PASSWORD))
        .json(&json!({ "language": "cypher", "command": command, "params": params }))
        .send()
        .await
        .expect("POST a command");
    let status = response.status();
    assert!(status.is_success(), "{command}: {status} {}", response.text().await.unwrap_or_default());
}

/// The node label older layouts gave a kind (`AGENCY` → `Agency`), besides `Node`.
fn kind_label(kind: &str) -> String {
    format!("{}{}", &kind[..1], kind[1..].to_lowercase())
}

/// Writes the seed dataset as builds before layout 2 did.
async fn write_layout_1(bolt: &BoltServer) {
    cypher(bolt, "CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE", json!({})).await;
    let dataset = partnergraph_schema::seed::dataset().expect("the seed");
    for node in dataset.nodes.iter().map(|lined| &lined.record) {
        let kind = node.kind.as_str();
        let label = kind_label(kind);
        let row = json!({ "id": node.id.as_str(), "kind": kind, "name": node.name, "json": serde_json::to_string(node).expect("json"),
            "terms": index_terms(node), "version": null });
        cypher(bolt, &LAYOUT_1_NODES.replace("LABEL", &label), json!({ "rows": [row] })).await;
    }
    for edge in dataset.edges.iter().map(|lined| &lined.record) {
        let row = json!({ "id": edge.id.as_str(), "source": edge.source.as_str(), "target": edge.target.as_str(),
            "json": serde_json::to_string(edge).expect("json"), "version": null });
        cypher(bolt, &LAYOUT_1_EDGES.replace("TYPE", edge.edge_type.as_str()), json!({ "rows": [row] })).await;
    }
}

#[tokio::test]
async fn migrate_upgrades_a_layout_1_database_that_serve_refuses() {
    let bolt = BoltServer::new();
    let url = bolt.start();
    write_layout_1(&bolt).await;
    let store_args = ["--store", url.as_str(), "--db-user", "root", "--db-password", PASSWORD, "--db-name", "graph"];

    // What a run of `migrate` that was stopped leaves: some nodes moved (a batch commits whole), the rest not.
    let wacap = seed_node("network:wacap");
    let keys: Vec<String> = index_terms(&wacap).iter().map(|term| format!("{term}\u{0}network:wacap")).collect();
    cypher(&bolt, "UNWIND $keys AS key CREATE (:Term {key: key, id: 'network:wacap'})", json!({ "keys": keys })).await;
    cypher(&bolt, "MATCH (n:Node {id: 'network:wacap'}) REMOVE n.terms", json!({})).await;

    let refused = run(&[&["serve", "--addr", "127.0.0.1:0"][..], &store_args[..]].concat());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "serve refuses layout 1: {stderr}");
    assert!(stderr.contains("layout 1") && stderr.contains("partnergraph migrate --store"), "{stderr}");

    let seed = partnergraph_schema::seed::dataset().expect("the seed");
    // The upgrade to layout 2 skips the node moved already; the one to layout 3 then writes every node.
    migrate_and_compare(&store_args, 1, seed.nodes.len(), seed.edges.len()).await;
}

/// Runs `migrate` on a database of layout `from` that needs `nodes` nodes and `edges` edges moved, runs it
/// again (nothing to do), then compares a server on it with the embedded one.
async fn migrate_and_compare(store_args: &[&str], from: u64, nodes: usize, edges: usize) {
    let migrated = run(&[&["migrate"][..], store_args].concat());
    let stdout = String::from_utf8_lossy(&migrated.stdout);
    assert!(migrated.status.success(), "{stdout} {}", String::from_utf8_lossy(&migrated.stderr));
    assert!(stdout.contains(&format!("upgraded from layout {from} to layout 3 ({nodes} nodes and {edges} edges moved)")), "{stdout}");
    let again = run(&[&["migrate"][..], store_args].concat());
    assert!(String::from_utf8_lossy(&again.stdout).contains("already at layout 3"), "{again:?}");

    let on_bolt = Server::start_with(store_args);
    let data = tempfile::tempdir().expect("data");
    let embedded = Server::start(data.path());
    // Search reads the `Term`s and their names, and neighbourhoods with `asOf` the adjacency entries.
    let searches = [
        r#"{ search(text: "united nations") { id name } }"#,
        r#"{ search(text: "sa") { id } }"#,
        r#"{ neighborhood(id: "network:wacap", depth: 2, asOf: "2012") { nodes { id } edges { id from to } } }"#,
        r#"{ neighborhood(id: "network:wacap", depth: 2, asOf: "2016-03") { nodes { id } edges { id from to } } }"#,
    ];
    for query in COMPARED.iter().chain(&searches) {
        let (expected_status, expected) = post(&embedded, query, true).await;
        let (status, actual) = post(&on_bolt, query, false).await;
        assert_eq!((status, &actual), (expected_status, &expected), "answers differ for {query}");
        assert!(!String::from_utf8_lossy(&actual).contains("\"errors\""), "{query}");
    }
}

/// What layout 2 wrote (`cypher.rs` of its builds): nodes without `terms`, `Term`s without names, edges
/// with typed properties, no `Adj`, the version recorded.
const LAYOUT_2_NODES: &str =
    "UNWIND $rows AS row CREATE (n:Node:LABEL {id: row.id, kind: row.kind, name: row.name, json: row.json, version: row.version})";
const LAYOUT_2_TERMS: &str = "UNWIND $keys AS key CREATE (:Term {key: key, id: $id})";
const LAYOUT_2_EDGES: &str = "UNWIND $rows AS row MATCH (a:Node {id: row.source}) MATCH (b:Node {id: row.target}) \
     CREATE (a)-[r:TYPE {id: row.id, json: row.json, version: row.version, type: row.type, fromDay: row.fromDay, toDay: row.toDay, \
     role: row.role, iatiRole: row.iatiRole}]->(b) RETURN count(r) AS c";

fn day_number((year, month, day): partnergraph_schema::date::Day) -> i64 {
    i64::from(year) * 10_000 + i64::from(month) * 100 + i64::from(day)
}

fn term_keys(node: &NodeRecord) -> Vec<String> {
    index_terms(node).iter().map(|term| format!("{term}\u{0}{}", node.id.as_str())).collect()
}

/// Writes the seed dataset as layout-2 builds did.
async fn write_layout_2(bolt: &BoltServer) {
    cypher(bolt, "CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE", json!({})).await;
    cypher(bolt, "CREATE (:Layout {name: 'partnergraph', version: 2})", json!({})).await;
    let dataset = partnergraph_schema::seed::dataset().expect("the seed");
    for node in dataset.nodes.iter().map(|lined| &lined.record) {
        let kind = node.kind.as_str();
        let label = kind_label(kind);
        let row = json!({ "id": node.id.as_str(), "kind": kind, "name": node.name, "json": serde_json::to_string(node).expect("json"),
            "version": null });
        cypher(bolt, &LAYOUT_2_NODES.replace("LABEL", &label), json!({ "rows": [row] })).await;
        cypher(bolt, LAYOUT_2_TERMS, json!({ "keys": term_keys(node), "id": node.id.as_str() })).await;
    }
    for edge in dataset.edges.iter().map(|lined| &lined.record) {
        let EdgeRecord { id, edge_type, source, target, role, iati_role, from, to, .. } = edge;
        let row = json!({ "id": id.as_str(), "source": source.as_str(), "target": target.as_str(),
            "json": serde_json::to_string(edge).expect("json"), "version": null, "type": edge_type.as_str(),
            "fromDay": from.map(|from| day_number(from.first_day())), "toDay": to.map(|to| day_number(to.last_day())),
            "role": role.map(|role| role.as_str()), "iatiRole": iati_role.map(|role| role.as_str()) });
        cypher(bolt, &LAYOUT_2_EDGES.replace("TYPE", edge_type.as_str()), json!({ "rows": [row] })).await;
    }
}

#[tokio::test]
async fn migrate_upgrades_a_layout_2_database_that_serve_refuses() {
    let bolt = BoltServer::new();
    let url = bolt.start();
    write_layout_2(&bolt).await;
    let store_args = ["--store", url.as_str(), "--db-user", "root", "--db-password", PASSWORD, "--db-name", "graph"];

    // What a run of `migrate` that was stopped after its first batch leaves: that batch's nodes have
    // their `Term`s with names, and the progress says so.
    let seed = partnergraph_schema::seed::dataset().expect("the seed");
    let first = seed.nodes.iter().map(|lined| &lined.record).min_by(|a, b| a.id.cmp(&b.id)).expect("a node");
    let (acronym, aliases) = (first.acronym.clone(), (!first.aliases.is_empty()).then(|| first.aliases.clone()));
    cypher(&bolt, "MATCH (t:Term {id: $id}) DELETE t", json!({ "id": first.id.as_str() })).await;
    cypher(
        &bolt,
        "UNWIND $keys AS key CREATE (:Term {key: key, id: $id, name: $name, acronym: $acronym, aliases: $aliases})",
        json!({ "keys": term_keys(first), "id": first.id.as_str(), "name": first.name, "acronym": acronym, "aliases": aliases }),
    )
    .await;
    cypher(&bolt, "MATCH (l:Layout) SET l.upgrade = 'nodes', l.after = $id", json!({ "id": first.id.as_str() })).await;

    let refused = run(&[&["serve", "--addr", "127.0.0.1:0"][..], &store_args[..]].concat());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "serve refuses layout 2: {stderr}");
    assert!(stderr.contains("layout 2") && stderr.contains("partnergraph migrate --store"), "{stderr}");

    migrate_and_compare(&store_args, 2, seed.nodes.len() - 1, seed.edges.len()).await;
}
