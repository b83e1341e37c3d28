//! What the HTTP edge answers to bad input and hostile headers (issue 17, "should fix"): typed codes for
//! values that do not fit their types, JSON bodies on every error, security headers, an oEmbed that
//! trusts no forwarded header, and a `serve` on a port in use that leaves the store alone.

use std::io::{Read, Write};
use std::net::TcpStream;

use serde_json::{Value, json};

use crate::server::{Server, run};

async fn post(server: &Server, body: Value, accept: &str) -> (u16, Value) {
    let response = reqwest::Client::new().post(server.graphql()).header("accept", accept).json(&body).send().await.expect("POST");
    (response.status().as_u16(), response.json().await.expect("JSON"))
}

fn codes(answer: &Value) -> Vec<&str> {
    answer["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|error| error["extensions"]["code"].as_str()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn values_that_do_not_fit_their_type_are_bad_user_input() {
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start(dir.path());
    let cases = [
        json!({ "query": "{ agencies(first: 2147483648) { nodes { id } } }" }),
        json!({ "query": r#"{ triangulars(asOf: "2015-02-30") { agreement { id } } }"# }),
        json!({ "query": "{ triangulars(asOf: 123) { agreement { id } } }" }),
        json!({ "query": r#"{ agreements(filter: {from: "2015-02-30"}) { nodes { id } } }"# }),
        json!({ "query": "query Q($n: Int) { agencies(first: $n) { nodes { id } } }", "variables": { "n": 2_147_483_648_u64 } }),
        json!({ "query": "query Q($d: Date) { triangulars(asOf: $d) { agreement { id } } }", "variables": { "d": false } }),
    ];
    for case in cases {
        let (status, answer) = post(&server, case.clone(), "application/json").await;
        assert_eq!(status, 200, "{case} → {answer}");
        assert_eq!(codes(&answer), ["BAD_USER_INPUT"], "{case} → {answer}");
    }
}

/// Sends `request` as raw bytes and returns the whole answer.
fn raw(server: &Server, request: &str) -> String {
    let address = server.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5))).expect("timeout");
    stream.write_all(request.as_bytes()).expect("write");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

#[tokio::test]
async fn every_error_has_a_json_body_and_every_answer_nosniff() {
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start(dir.path());
    let client = reqwest::Client::new();
    for method in [reqwest::Method::PUT, reqwest::Method::DELETE, reqwest::Method::PATCH] {
        let answer = client.request(method.clone(), server.graphql()).send().await.expect("answer");
        assert_eq!(answer.status(), 405, "{method}");
        assert_eq!(answer.headers()["content-type"], "application/json");
        assert_eq!(answer.headers()["x-content-type-options"], "nosniff");
        let body: Value = answer.json().await.expect("JSON");
        assert_eq!(codes(&body), ["BAD_USER_INPUT"], "{method}: {body}");
    }
    let graphql = client.get(server.graphql()).query(&[("query", "{ stats { nodes } }")]).send().await.expect("GET");
    assert_eq!(graphql.headers()["x-content-type-options"], "nosniff");
    for (path, needle) in [("/", "style-src 'unsafe-inline'"), ("/graphiql", "script-src 'self'")] {
        let page = client.get(format!("{}{path}", server.base)).send().await.expect("page");
        let csp = page.headers()["content-security-policy"].to_str().expect("csp").to_owned();
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'") && csp.contains(needle), "{path}: {csp}");
        assert_eq!(page.headers()["x-content-type-options"], "nosniff");
        let html = page.text().await.expect("html");
        assert!(!html.contains("<script>"), "{path} has no inline script, so its policy can forbid them");
    }
    let boot = client.get(format!("{}/graphiql/boot.js", server.base)).send().await.expect("boot.js");
    assert_eq!(boot.status(), 200);
    assert!(boot.text().await.expect("js").contains("GraphiQL.createFetcher"));
}

#[tokio::test]
async fn oembed_trusts_no_forwarded_host_and_needs_one_host() {
    let dir = tempfile::tempdir().expect("dir");
    let widgets = dir.path().join("widgets");
    std::fs::create_dir(&widgets).expect("mkdir");
    std::fs::write(widgets.join("embed.js"), "/* loader */").expect("js");
    std::fs::write(widgets.join("partnergraph_widgets_bg.wasm"), vec![0u8; 64]).expect("wasm");
    let (data, widgets) = (dir.path().join("data").display().to_string(), widgets.display().to_string());
    let server = Server::start_with(&["--data", &data, "--widgets", &widgets]);
    let host = server.base.trim_start_matches("http://").to_owned();
    let url = format!("http://{host}/embed/map?focus=network:wacap");
    let query = format!("/oembed?url={}", url.replace(':', "%3A").replace('/', "%2F").replace('?', "%3F").replace('=', "%3D"));

    // A forwarded host is ignored: the answer names the server the request reached.
    let forged =
        raw(&server, &format!("GET {query} HTTP/1.1\r\nHost: {host}\r\nX-Forwarded-Host: evil.example\r\nConnection: close\r\n\r\n"));
    assert!(forged.starts_with("HTTP/1.1 200"), "{forged}");
    assert!(!forged.contains("evil.example"), "{forged}");
    assert!(forged.to_ascii_lowercase().contains("vary: host"), "{forged}");
    // Two Host headers: refused.
    let doubled = raw(&server, &format!("GET {query} HTTP/1.1\r\nHost: {host}\r\nHost: evil.example\r\nConnection: close\r\n\r\n"));
    assert!(doubled.starts_with("HTTP/1.1 400"), "{doubled}");
    assert!(doubled.contains("BAD_USER_INPUT"), "{doubled}");
    server.stop();

    // With --public-url, answers name the public address whatever the request's Host says.
    let server = Server::start_with(&["--data", &data, "--widgets", &widgets, "--public-url", "https://maps.example.org/"]);
    let public = "https%3A%2F%2Fmaps.example.org%2Fembed%2Fmap%3Ffocus%3Dnetwork%3Awacap";
    let answer: Value = reqwest::Client::new()
        .get(format!("{}/oembed?url={public}", server.base))
        .send()
        .await
        .expect("oembed")
        .json()
        .await
        .expect("JSON");
    assert_eq!(answer["provider_url"], "https://maps.example.org/", "{answer}");
    assert!(
        answer["html"].as_str().is_some_and(|html| html.contains(r#"src="https://maps.example.org/embed/map?focus=network:wacap""#)),
        "{answer}"
    );
    let refused = run(&["serve", "--addr", "127.0.0.1:0", "--data", &data, "--public-url", "https://maps.example.org/x"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not a base URL"));
}

#[tokio::test]
async fn serve_on_a_port_in_use_writes_nothing() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = taken.local_addr().expect("address").to_string();
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let failed = run(&["serve", "--addr", &address, "--data", &data.display().to_string()]);
    assert!(!failed.status.success());
    assert!(String::from_utf8_lossy(&failed.stderr).contains("cannot listen on"), "{}", String::from_utf8_lossy(&failed.stderr));
    assert!(!data.exists(), "nothing was created or seeded in {}", data.display());
}

#[tokio::test]
async fn metrics_count_requests_and_every_answer_carries_a_request_id() {
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start(dir.path());
    let client = reqwest::Client::new();
    let (status, _) = post(&server, json!({ "query": r#"{ search(text: "WACAP") { id } }"# }), "application/json").await;
    assert_eq!(status, 200);
    let (_, refused) = post(&server, json!({ "query": "{ ...a } fragment a on Query { ...a }" }), "application/json").await;
    assert_eq!(codes(&refused), ["QUERY_TOO_COMPLEX"]);
    let given = client.get(format!("{}/healthz", server.base)).header("x-request-id", "trace-42").send().await.expect("healthz");
    assert_eq!(given.headers()["x-request-id"], "trace-42", "a client's request id is kept");
    let made = client.get(format!("{}/healthz", server.base)).send().await.expect("healthz");
    let first = made.headers()["x-request-id"].to_str().expect("id").to_owned();
    let again = client.get(format!("{}/healthz", server.base)).send().await.expect("healthz");
    assert_ne!(again.headers()["x-request-id"].to_str().expect("id"), first, "ids are unique");

    let scraped = client.get(format!("{}/metrics", server.base)).send().await.expect("metrics");
    assert!(scraped.headers()["content-type"].to_str().expect("type").starts_with("application/openmetrics-text"));
    let text = scraped.text().await.expect("text");
    for needle in [
        r#"partnergraph_graphql_requests_total{operation="search",outcome="ok"} 1"#,
        r#"partnergraph_graphql_requests_total{operation="other",outcome="too_complex"} 1"#,
        r#"partnergraph_graphql_request_duration_seconds_count{operation="search"} 1"#,
        r#"partnergraph_http_requests_total{route="/healthz",status="200"} 3"#,
        r#"partnergraph_http_requests_total{route="/graphql",status="200"} 2"#,
        "partnergraph_connections_open ",
        r#"partnergraph_store_reads_total{backend="embedded"}"#,
        "partnergraph_data_version ",
        "# EOF",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
}
