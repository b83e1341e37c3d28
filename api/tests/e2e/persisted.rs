//! HTTP caching of GET answers over real HTTP (issue 19): persisted queries by hash, entity tags from the
//! data version and the request, `304` on a matching `If-None-Match`, and a new tag once an import beside
//! `serve` changes the data.

use serde_json::{Value, json};

use crate::server::{Server, run};

const CARD: &str = "query Card($id: ID!) { node(id: $id) { id name } }";

/// The hex SHA-256 of `text`, computed by another program (Python's hashlib), not by our own code.
fn sha256_hex(text: &str) -> String {
    let out = std::process::Command::new("python3")
        .args(["-c", "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())", text])
        .output()
        .expect("python3");
    String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
}

async fn get(server: &Server, params: &[(&str, String)], if_none_match: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(server.graphql()).query(params);
    if let Some(tag) = if_none_match {
        request = request.header("if-none-match", tag);
    }
    request.send().await.expect("GET /graphql")
}

#[tokio::test]
async fn persisted_queries_register_by_hash_and_get_answers_revalidate_with_304() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let server = Server::start(&data);
    let hash = sha256_hex(CARD);
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).to_string();
    let variables = json!({ "id": "network:wacap" }).to_string();
    let by_hash = [("extensions", extensions.clone()), ("variables", variables.clone())];

    let unknown = get(&server, &by_hash, None).await;
    assert_eq!(unknown.status(), 200);
    let body: Value = unknown.json().await.expect("JSON");
    assert_eq!(body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND", "{body}");

    let wrong = [("query", "{ stats { nodes } }".to_owned()), ("extensions", extensions.clone())];
    let body: Value = get(&server, &wrong, None).await.json().await.expect("JSON");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "a text that does not hash to the hash: {body}");

    let registered =
        get(&server, &[("query", CARD.to_owned()), ("extensions", extensions.clone()), ("variables", variables.clone())], None).await;
    assert_eq!(registered.status(), 200);
    let tag = registered.headers()["etag"].to_str().expect("etag").to_owned();
    assert!(tag.starts_with("W/\""), "{tag}");
    assert!(registered.headers()["cache-control"].to_str().expect("cc").contains("stale-while-revalidate"));
    let first: Value = registered.json().await.expect("JSON");
    assert_eq!(first["data"]["node"]["name"], "World Alliance of Cities Against Poverty");

    // The hash alone now stands for the text: the same answer, the same tag.
    let again = get(&server, &by_hash, None).await;
    assert_eq!(again.headers()["etag"].to_str().expect("etag"), tag);
    assert_eq!(again.json::<Value>().await.expect("JSON"), first);
    // A client that holds the answer revalidates it: 304, no body.
    let revalidated = get(&server, &by_hash, Some(&tag)).await;
    assert_eq!(revalidated.status(), 304);
    assert_eq!(revalidated.headers()["etag"].to_str().expect("etag"), tag);
    assert!(revalidated.bytes().await.expect("body").is_empty());
    // Other variables: another tag.
    let other = [("extensions", extensions.clone()), ("variables", json!({ "id": "agency:unossc" }).to_string())];
    assert_ne!(get(&server, &other, None).await.headers()["etag"].to_str().expect("etag"), tag);
    // POST answers are not tagged.
    let posted = reqwest::Client::new()
        .post(server.graphql())
        .json(&json!({ "query": CARD, "variables": { "id": "network:wacap" } }))
        .send()
        .await
        .expect("POST");
    assert!(posted.headers().get("etag").is_none());

    // An import beside serve changes the data version: the old tag no longer matches.
    let file = dir.path().join("rename.jsonl");
    let line = json!({ "node": { "id": "network:wacap", "kind": "NETWORK", "name": "WACAP, renamed", "sources": [{ "document": "rename.jsonl" }] } });
    std::fs::write(&file, format!("{line}\n")).expect("write");
    let imported = run(&["import", "--data", &data.display().to_string(), &file.display().to_string()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let changed = get(&server, &by_hash, Some(&tag)).await;
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()["etag"].to_str().expect("etag"), tag);
    let body: Value = changed.json().await.expect("JSON");
    assert_eq!(body["data"]["node"]["name"], "WACAP, renamed");
}
