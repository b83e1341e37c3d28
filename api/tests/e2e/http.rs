//! The service over real HTTP: GraphQL GET and POST, negotiation, typed errors, GraphiQL, health,
//! CORS and compression.

use reqwest::header::{ACCEPT, ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE};
use serde_json::{Value, json};

use crate::server::{Server, query};

#[tokio::test]
async fn serves_graphql_graphiql_and_health_on_a_free_port() {
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start(dir.path());
    let client = reqwest::Client::new();

    let answer = query(&server, r#"{ search(text: "WACAP") { id name sources { document paragraph } } }"#).await;
    assert_eq!(answer["data"]["search"][0]["id"], "network:wacap");
    assert_eq!(answer["data"]["search"][0]["sources"][0]["document"], "000_f195f24c28d9bc09.txt");

    let get =
        client.get(server.graphql()).query(&[("query", "{ node(id: \"agency:unossc\") { name acronym } }")]).send().await.expect("GET");
    assert_eq!(get.status(), 200);
    assert!(get.headers()[CONTENT_TYPE].to_str().expect("type").starts_with("application/json"));
    let body: Value = get.json().await.expect("json");
    assert_eq!(body["data"]["node"]["acronym"], "UNOSSC");

    let graphiql = client.get(format!("{}/graphiql", server.base)).send().await.expect("graphiql");
    assert_eq!(graphiql.status(), 200);
    let page = graphiql.text().await.expect("page");
    assert!(page.contains("/graphiql/graphiql.min.js") && !page.contains("https://"), "GraphiQL loads only local assets");
    let script =
        client.get(format!("{}/graphiql/graphiql.min.js", server.base)).header(ACCEPT_ENCODING, "gzip").send().await.expect("asset");
    assert_eq!(script.status(), 200);
    assert!(script.headers()[CONTENT_TYPE].to_str().expect("type").starts_with("text/javascript"));
    assert_eq!(script.headers()[CONTENT_ENCODING], "gzip", "assets are compressed");

    let health: Value = client.get(format!("{}/healthz", server.base)).send().await.expect("healthz").json().await.expect("json");
    assert_eq!(health["status"], "ok");
    let ready: Value = client.get(format!("{}/readyz", server.base)).send().await.expect("readyz").json().await.expect("json");
    assert_eq!(ready["status"], "ready");
    assert!(ready["nodes"].as_u64().is_some_and(|nodes| nodes > 200), "{ready}");

    let preflight = client
        .request(reqwest::Method::OPTIONS, server.graphql())
        .header("Origin", "https://city.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .send()
        .await
        .expect("preflight");
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");

    let missing = client.get(format!("{}/nope", server.base)).send().await.expect("404");
    assert_eq!(missing.status(), 404);
    let body: Value = missing.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn bad_requests_get_typed_errors_and_never_a_500() {
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start(dir.path());
    let client = reqwest::Client::new();
    let post = |body: String, content_type: &'static str, accept: &'static str| {
        client.post(server.graphql()).header(CONTENT_TYPE, content_type).header(ACCEPT, accept).body(body).send()
    };
    let cases: Vec<(reqwest::Response, u16, Option<&str>)> = vec![
        (post("{not json".into(), "application/json", "application/json").await.expect("send"), 400, Some("BAD_USER_INPUT")),
        (
            post(json!({"variables": {}}).to_string(), "application/json", "application/json").await.expect("send"),
            400,
            Some("BAD_USER_INPUT"),
        ),
        (
            post(json!({"query": "{ stats { nodes } }", "variables": [1]}).to_string(), "application/json", "*/*").await.expect("send"),
            400,
            Some("BAD_USER_INPUT"),
        ),
        (post("query=x".into(), "text/plain", "application/json").await.expect("send"), 415, Some("BAD_USER_INPUT")),
        (
            post(json!({"query": "{ stats { nodes } }"}).to_string(), "application/json", "text/html").await.expect("send"),
            406,
            Some("BAD_USER_INPUT"),
        ),
        (
            post(json!({"query": "{ stats { "}).to_string(), "application/json", "application/graphql-response+json").await.expect("send"),
            400,
            Some("GRAPHQL_PARSE_FAILED"),
        ),
        (
            post(json!({"query": "{ nope }"}).to_string(), "application/json", "application/graphql-response+json").await.expect("send"),
            400,
            Some("GRAPHQL_VALIDATION_FAILED"),
        ),
        (
            post(json!({"query": "{ nope }"}).to_string(), "application/json", "application/json").await.expect("send"),
            200,
            Some("GRAPHQL_VALIDATION_FAILED"),
        ),
        (
            post(json!({"query": "x".repeat(300_000)}).to_string(), "application/json", "application/json").await.expect("send"),
            413,
            Some("BAD_USER_INPUT"),
        ),
        (
            post(
                json!({"query": format!("{{ {} }}", "a: stats { nodes } ".repeat(4000))}).to_string(),
                "application/json",
                "application/json",
            )
            .await
            .expect("send"),
            413,
            Some("BAD_USER_INPUT"),
        ),
        (client.get(server.graphql()).query(&[("query", "mutation { x }")]).send().await.expect("send"), 405, Some("BAD_USER_INPUT")),
        (
            post(
                json!({"query": "{ neighborhood(id: \"agency:none\") { truncated } }"}).to_string(),
                "application/json",
                "application/json",
            )
            .await
            .expect("send"),
            200,
            Some("NOT_FOUND"),
        ),
    ];
    for (index, (response, status, code)) in cases.into_iter().enumerate() {
        assert_eq!(response.status().as_u16(), status, "case {index}");
        let body: Value = response.json().await.unwrap_or_else(|err| panic!("case {index}: JSON body expected: {err}"));
        if let Some(code) = code {
            assert_eq!(body["errors"][0]["extensions"]["code"], code, "case {index}: {body}");
        }
        if status == 400 && index >= 5 {
            assert!(body.get("data").is_none(), "request errors carry no data: {body}");
        }
    }
}

#[tokio::test]
async fn embeds_answer_503_until_the_widgets_are_built() {
    let dir = tempfile::tempdir().expect("dir");
    let missing = dir.path().join("no-widgets");
    let server =
        Server::start_with(&["--data", &dir.path().join("data").display().to_string(), "--widgets", &missing.display().to_string()]);
    let client = reqwest::Client::new();
    for path in ["/embed/map?focus=network:wacap", "/embed.js", "/widgets/widgets.css", "/oembed?url=x"] {
        let res = client.get(format!("{}{path}", server.base)).send().await.expect("GET");
        assert_eq!(res.status(), 503, "{path}");
        assert!(res.headers()[CONTENT_TYPE].to_str().expect("type").starts_with("application/json"));
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["errors"][0]["extensions"]["code"], "WIDGETS_UNAVAILABLE");
        assert!(body["errors"][0]["message"].as_str().expect("message").contains("scripts/build-widgets.sh"));
    }
}

#[tokio::test]
async fn embeds_serve_the_widget_files_the_page_and_oembed() {
    let dir = tempfile::tempdir().expect("dir");
    let widgets = dir.path().join("widgets");
    std::fs::create_dir(&widgets).expect("mkdir");
    std::fs::write(widgets.join("partnergraph_widgets_bg.wasm"), vec![0u8; 4096]).expect("wasm");
    std::fs::write(widgets.join("embed.js"), "/* loader */ ".repeat(100)).expect("js");
    let server =
        Server::start_with(&["--data", &dir.path().join("data").display().to_string(), "--widgets", &widgets.display().to_string()]);
    let client = reqwest::Client::new();

    let page = client.get(format!("{}/embed/map?focus=network:wacap", server.base)).send().await.expect("page");
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"].to_str().expect("csp").to_owned();
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors *") && csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(page.headers().get("set-cookie").is_none());
    assert!(page.text().await.expect("html").contains("/widgets/boot.js"));

    let wasm = client
        .get(format!("{}/widgets/partnergraph_widgets_bg.wasm", server.base))
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .expect("wasm");
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()[CONTENT_TYPE], "application/wasm");
    assert_eq!(wasm.headers()[CONTENT_ENCODING], "gzip");
    assert!(wasm.headers()["cache-control"].to_str().expect("cache").contains("max-age"));
    let etag = wasm.headers()["etag"].to_str().expect("etag").to_owned();
    let again = client
        .get(format!("{}/widgets/partnergraph_widgets_bg.wasm", server.base))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("304");
    assert_eq!(again.status(), 304);

    let loader = client.get(format!("{}/embed.js", server.base)).send().await.expect("embed.js");
    assert!(loader.headers()[CONTENT_TYPE].to_str().expect("type").starts_with("text/javascript"));
    for path in ["/widgets/..%2Fdata", "/widgets/.hidden", "/widgets/nope.js"] {
        assert_eq!(client.get(format!("{}{path}", server.base)).send().await.expect("GET").status(), 404, "{path}");
    }

    let url = format!("{}/embed/map?focus=network:wacap&layout=geo&junk=<x>", server.base);
    let oembed: Value = client
        .get(format!("{}/oembed", server.base))
        .query(&[("url", url.as_str()), ("maxwidth", "640")])
        .send()
        .await
        .expect("oembed")
        .json()
        .await
        .expect("json");
    assert_eq!(oembed["type"], "rich");
    assert_eq!(oembed["version"], "1.0");
    assert_eq!(oembed["width"], 640);
    assert_eq!(oembed["title"], "Partnership network: World Alliance of Cities Against Poverty");
    let html = oembed["html"].as_str().expect("html");
    assert!(html.starts_with(&format!(r#"<iframe src="{}/embed/map?focus=network:wacap&amp;layout=geo""#, server.base)), "{html}");
    assert!(!html.contains("junk"));
    let foreign = client
        .get(format!("{}/oembed", server.base))
        .query(&[("url", "https://elsewhere.example/embed/map?focus=network:wacap")])
        .send()
        .await
        .expect("oembed");
    assert_eq!(foreign.status(), 404);
    let xml =
        client.get(format!("{}/oembed", server.base)).query(&[("url", url.as_str()), ("format", "xml")]).send().await.expect("oembed");
    assert_eq!(xml.status(), 501);
}

/// Issue 17: a field that failed is null in `data`, in its place, and a non-null one passes the null to
/// its nearest nullable ancestor, or to `data` itself (GraphQL spec, "Handling Field Errors").
#[tokio::test]
async fn issue_17_a_failed_field_is_null_up_to_its_nearest_nullable_ancestor() {
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start(dir.path());
    let seed_nodes = partnergraph_schema::seed::dataset().expect("the seed is valid").nodes.len();
    let (first, third) =
        (format!(r#"{{"stats":{{"nodes":{seed_nodes}}},"node":null}}"#), format!(r#"{{"n":null,"stats":{{"nodes":{seed_nodes}}}}}"#));
    let cases = [
        (r#"{ stats { nodes } node(id: "nonsense") { id } }"#, first.as_str()),
        (r#"{ neighborhood(id: "agency:unossc", limit: 0) { truncated } stats { nodes } }"#, "null"),
        (r#"{ n: node(id: "agency:unossc") { id e: edges(first: -1) { id } } stats { nodes } }"#, third.as_str()),
        (
            r#"{ nodes(ids: ["country:THA", "agency:unossc"]) { id ... on Agency { edges(first: -1) { id } } } }"#,
            r#"{"nodes":[{"id":"country:THA"},null]}"#,
        ),
        (r#"{ search(text: "WACAP", first: 1) { id edges(first: -1) { id } } stats { nodes } }"#, "null"),
    ];
    let client = reqwest::Client::new();
    for (request, expected) in cases {
        let response = client.post(server.graphql()).json(&json!({ "query": request })).send().await.expect("POST /graphql");
        assert_eq!(response.status(), 200);
        // The text, not a parsed value: the nulls must be in query order.
        let text = response.text().await.expect("body");
        assert!(text.starts_with(&format!(r#"{{"data":{expected},"errors":["#)), "{request}: {text}");
        let answer: Value = serde_json::from_str(&text).expect("JSON answer");
        let errors = answer["errors"].as_array().expect("errors");
        assert!(
            errors.iter().all(|error| error["path"].is_array() && error["extensions"]["code"] == "BAD_USER_INPUT"),
            "{request}: {answer}"
        );
    }
}
