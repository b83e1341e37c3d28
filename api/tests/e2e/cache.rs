//! The response cache over real HTTP: a repeat is a hit with the same answer (over GET or POST), a write
//! by another process (an import beside `serve`) is seen at once, answers with errors are never kept,
//! and `--response-cache-mib 0` turns the cache off.

use serde_json::{Value, json};

use crate::server::{Server, run};

const CARD: &str = "query Card($id: ID!) { node(id: $id) { id name } }";

/// `X-Cache` and the JSON answer of a POST.
async fn post(server: &Server, body: &Value) -> (Option<String>, Value) {
    let response = reqwest::Client::new().post(server.graphql()).json(body).send().await.expect("POST /graphql");
    assert_eq!(response.status(), 200);
    let cache = header(response.headers(), "x-cache").map(str::to_owned);
    (cache, response.json().await.expect("JSON answer"))
}

/// The headers and body of a POST sent with `Accept-Encoding: accept_encoding` (a 200).
async fn post_accepting(server: &Server, body: &Value, accept_encoding: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let response = reqwest::Client::new()
        .post(server.graphql())
        .header("accept-encoding", accept_encoding)
        .json(body)
        .send()
        .await
        .expect("POST /graphql");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    (headers, response.bytes().await.expect("body").to_vec())
}

/// A header's value as text, if present.
fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|value| value.to_str().expect("ascii"))
}

fn card(id: &str) -> Value {
    json!({ "query": CARD, "operationName": "Card", "variables": { "id": id } })
}

#[tokio::test]
async fn repeats_are_hits_until_the_data_changes_and_errors_are_never_kept() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let server = Server::start(&data);

    let (first, answer) = post(&server, &card("agency:unossc")).await;
    assert_eq!(first.as_deref(), Some("miss"));
    assert_eq!(answer["data"]["node"]["name"], "United Nations Office for South-South Cooperation");
    let (second, again) = post(&server, &card("agency:unossc")).await;
    assert_eq!((second.as_deref(), &again), (Some("hit"), &answer));

    let get = reqwest::Client::new()
        .get(server.graphql())
        .query(&[("query", CARD), ("operationName", "Card"), ("variables", r#"{"id":"agency:unossc"}"#)])
        .send()
        .await
        .expect("GET");
    assert_eq!(header(get.headers(), "x-cache"), Some("hit"), "GET shares POST's entries");
    assert_eq!(get.json::<Value>().await.expect("json"), answer);

    let (other, wacap) = post(&server, &card("network:wacap")).await;
    assert_eq!(other.as_deref(), Some("miss"), "other variables, other entry");
    assert_eq!(wacap["data"]["node"]["id"], "network:wacap");

    let failing = json!({ "query": r#"{ neighborhood(id: "agency:nope", depth: 1) { nodes { id } } }"# });
    for _ in 0..2 {
        let (cache, error) = post(&server, &failing).await;
        assert_eq!(cache.as_deref(), Some("miss"), "an answer with errors is never kept");
        assert_eq!(error["errors"][0]["extensions"]["code"], "NOT_FOUND", "{error}");
    }

    let edit = dir.path().join("rename.jsonl");
    let renamed = r#"{"node": {"id": "agency:unossc", "kind": "AGENCY", "name": "Renamed by a user", "acronym": "UNOSSC", "sources": [{"document": "rename.jsonl"}]}}"#;
    std::fs::write(&edit, format!("{renamed}\n")).expect("write");
    let imported = run(&["import", "--data", &data.display().to_string(), &edit.display().to_string()]);
    assert!(imported.status.success(), "import beside serve: {}", String::from_utf8_lossy(&imported.stderr));
    let (after, changed) = post(&server, &card("agency:unossc")).await;
    assert_eq!(after.as_deref(), Some("miss"), "a write by another process ends every entry");
    assert_eq!(changed["data"]["node"]["name"], "Renamed by a user");
    let (repeat, same) = post(&server, &card("agency:unossc")).await;
    assert_eq!((repeat.as_deref(), &same), (Some("hit"), &changed));
}

#[tokio::test]
async fn a_client_that_accepts_gzip_gets_the_kept_gzip_form_of_a_large_answer() {
    use std::io::Read;

    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start(dir.path());
    let body = json!({ "query": r#"{ neighborhood(id: "network:wacap", depth: 2) { nodes { id name kind } edges { id type } } }"# });
    let (cache, plain) = post(&server, &body).await;
    assert_eq!(cache.as_deref(), Some("miss"));
    let plain = plain.to_string();
    assert!(plain.len() > 1024, "a large answer: {} bytes", plain.len());
    for expected in ["hit", "hit"] {
        let (headers, bytes) = post_accepting(&server, &body, "gzip, br").await;
        assert_eq!(header(&headers, "x-cache"), Some(expected));
        assert_eq!(header(&headers, "content-encoding"), Some("gzip"), "{headers:?}");
        assert_eq!(header(&headers, "vary"), Some("accept-encoding"));
        assert!(bytes.len() < plain.len() / 3, "compressed: {} of {} bytes", bytes.len(), plain.len());
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).expect("one valid gzip stream");
        assert_eq!(serde_json::from_str::<Value>(&text).expect("JSON").to_string(), plain);
    }
    // The identity form of the same entry also names what it varies by, so a shared cache in front
    // never hands one client's encoding to another.
    let (headers, bytes) = post_accepting(&server, &body, "identity").await;
    assert_eq!(header(&headers, "x-cache"), Some("hit"));
    assert!(!headers.contains_key("content-encoding"), "{headers:?}");
    assert_eq!(header(&headers, "vary"), Some("accept-encoding"));
    assert_eq!(serde_json::from_slice::<Value>(&bytes).expect("JSON").to_string(), plain);
}

#[tokio::test]
async fn a_cache_of_zero_mib_is_off() {
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start_with(&["--data", &dir.path().display().to_string(), "--response-cache-mib", "0"]);
    for _ in 0..2 {
        let (cache, answer) = post(&server, &card("agency:unossc")).await;
        assert_eq!(cache, None);
        assert_eq!(answer["data"]["node"]["id"], "agency:unossc");
    }
}
