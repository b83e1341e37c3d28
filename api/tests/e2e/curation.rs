//! Curation over real HTTP and WebSocket (issue 20): tokens made by the CLI beside a running server,
//! refused writes (no token, revoked, wrong scope, stale version, a bad change in a batch), durability
//! of an acknowledged write under kill -9, the audit trail, rate limits, subscriptions, and a need written
//! by a curator that `matches` then ranks offers for (issue 23).

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::server::{Server, query, run};

fn source() -> Value {
    json!([{ "document": "minutes-2026-12.pdf", "paragraph": 3, "quote": "the secretariat agreed" }])
}

fn agency(id: &str, name: &str) -> Value {
    json!({ "id": id, "kind": "AGENCY", "name": name, "agencyType": "GOVERNMENT", "sources": source() })
}

const UPSERT_NODE: &str = "mutation($n: NodeInput!, $v: Int) { upsertNode(input: $n, expectedVersion: $v) { id name version } }";

/// POSTs a GraphQL request with `token` (if any); returns the status, the `Retry-After` and the answer.
pub(crate) async fn post(server: &Server, token: Option<&str>, query: &str, variables: Value) -> (u16, Option<String>, Value) {
    let mut request = reqwest::Client::new().post(server.graphql()).json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("POST /graphql");
    let status = response.status().as_u16();
    let retry = response.headers().get("retry-after").and_then(|value| value.to_str().ok()).map(str::to_owned);
    (status, retry, response.json().await.expect("JSON answer"))
}

fn code(answer: &Value) -> &str {
    answer["errors"][0]["extensions"]["code"].as_str().unwrap_or_default()
}

/// Makes a token with the CLI while the server runs; checks it is printed alone.
fn token(data: &std::path::Path, name: &str, scope: &str) -> String {
    let made = run(&["token", "create", "--data", &data.display().to_string(), "--name", name, "--scope", scope]);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let stdout = String::from_utf8(made.stdout).expect("UTF-8");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "the token alone on stdout: {stdout:?}");
    assert!(lines[0].starts_with("pgt_") && lines[0].len() == 68, "{stdout:?}");
    lines[0].to_owned()
}

async fn name_of(server: &Server, id: &str) -> Value {
    query(server, &format!(r#"{{ node(id: "{id}") {{ name version }} }}"#)).await["data"]["node"].clone()
}

#[tokio::test]
async fn writes_need_a_live_token_of_the_right_scope() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let server = Server::start(&data);
    let variables = json!({ "n": agency("agency:abc", "Agência Brasileira de Cooperação") });

    let (status, _, answer) = post(&server, None, UPSERT_NODE, variables.clone()).await;
    assert_eq!((status, code(&answer)), (401, "UNAUTHENTICATED"), "{answer}");
    let (status, _, answer) = post(&server, Some("pgt_not-a-token"), UPSERT_NODE, variables.clone()).await;
    assert_eq!((status, code(&answer)), (401, "UNAUTHENTICATED"), "{answer}");
    assert_eq!(name_of(&server, "agency:abc").await, Value::Null, "nothing was written");

    let writer = token(&data, "secretariat", "write");
    let listed = run(&["token", "list", "--data", &data.display().to_string()]);
    let listed = String::from_utf8(listed.stdout).expect("UTF-8");
    assert!(listed.contains("secretariat\twrite\t") && !listed.contains(&writer), "{listed}");

    let (status, _, answer) = post(&server, Some(&writer), UPSERT_NODE, variables.clone()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["data"]["upsertNode"], json!({ "id": "agency:abc", "name": "Agência Brasileira de Cooperação", "version": 1 }));

    // A write token may not delete a node with its edges; nothing is deleted.
    let delete = r#"mutation { deleteNode(id: "agency:unossc", withEdges: true) }"#;
    let (status, _, answer) = post(&server, Some(&writer), delete, json!({})).await;
    assert_eq!((status, code(&answer)), (200, "FORBIDDEN"), "{answer}");
    assert!(name_of(&server, "agency:unossc").await["name"].is_string());
    // Without `withEdges`, a node that has edges is refused.
    let (_, _, answer) = post(&server, Some(&writer), r#"mutation { deleteNode(id: "agency:unossc") }"#, json!({})).await;
    assert_eq!(code(&answer), "CONFLICT", "{answer}");
    let admin = token(&data, "admin", "admin");
    let (_, _, answer) = post(&server, Some(&admin), delete, json!({})).await;
    assert_eq!(answer["data"]["deleteNode"], "agency:unossc", "{answer}");
    assert_eq!(name_of(&server, "agency:unossc").await, Value::Null);

    let revoked = run(&["token", "revoke", "--data", &data.display().to_string(), "secretariat"]);
    assert!(revoked.status.success(), "{}", String::from_utf8_lossy(&revoked.stderr));
    let (status, _, answer) = post(&server, Some(&writer), UPSERT_NODE, variables).await;
    assert_eq!((status, code(&answer)), (403, "FORBIDDEN"), "{answer}");

    // GET never writes, whatever the token.
    let response = reqwest::Client::new()
        .get(format!("{}?query={}", server.graphql(), "mutation%20%7B%20deleteEdge(id%3A%20%22x%22)%20%7D"))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 405);
}

#[tokio::test]
async fn stale_versions_and_bad_changes_write_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let server = Server::start(&data);
    let writer = token(&data, "analyst", "write");

    let read = name_of(&server, "agency:unossc").await;
    assert_eq!(read["version"], 1);
    let renamed = json!({ "n": agency("agency:unossc", "UN Office for South-South Cooperation"), "v": 1 });
    let (_, _, answer) = post(&server, Some(&writer), UPSERT_NODE, renamed.clone()).await;
    assert_eq!(answer["data"]["upsertNode"]["version"], 2, "{answer}");
    // A second editor who read version 1 is refused, and told the current version.
    let (_, _, answer) = post(&server, Some(&writer), UPSERT_NODE, json!({ "n": agency("agency:unossc", "Lost update"), "v": 1 })).await;
    assert_eq!(code(&answer), "CONFLICT", "{answer}");
    assert_eq!(answer["errors"][0]["extensions"]["currentVersion"], 2);
    assert_eq!(name_of(&server, "agency:unossc").await["name"], "UN Office for South-South Cooperation");

    // A batch whose second change has no source writes nothing, and names the change.
    let batch = "mutation($c: [ChangeInput!]!) { applyChanges(changes: $c) { id subject version } }";
    let mut sourceless = agency("agency:second", "Second");
    sourceless["sources"] = json!([]);
    let changes = json!({ "c": [
        { "upsertNode": { "input": agency("agency:first", "First") } },
        { "upsertNode": { "input": sourceless } },
    ]});
    let (_, _, answer) = post(&server, Some(&writer), batch, changes).await;
    assert_eq!(code(&answer), "BAD_USER_INPUT", "{answer}");
    assert!(answer["errors"][0]["message"].as_str().unwrap_or_default().contains("change 2"), "{answer}");
    assert_eq!(name_of(&server, "agency:first").await, Value::Null, "nothing of the batch was written");

    // An edge to a node that does not exist refuses the batch too.
    let edge = json!({ "id": "agency:first>part_of>agency:nowhere", "type": "PART_OF", "source": "agency:first", "target": "agency:nowhere", "sources": source() });
    let changes = json!({ "c": [{ "upsertNode": { "input": agency("agency:first", "First") } }, { "upsertEdge": { "input": edge } }] });
    let (_, _, answer) = post(&server, Some(&writer), batch, changes).await;
    assert_eq!(code(&answer), "BAD_USER_INPUT", "{answer}");
    assert_eq!(name_of(&server, "agency:first").await, Value::Null);

    // A good batch is written whole.
    let edge = json!({ "id": "agency:first>part_of>agency:undp", "type": "PART_OF", "source": "agency:first", "target": "agency:undp", "sources": source() });
    let changes = json!({ "c": [
        { "upsertNode": { "input": agency("agency:first", "First"), "expectedVersion": 0 } },
        { "upsertEdge": { "input": edge } },
        { "deleteEdge": { "id": "agency:unossc>part_of>agency:undp" } },
    ]});
    let (_, _, answer) = post(&server, Some(&writer), batch, changes).await;
    assert_eq!(
        answer["data"]["applyChanges"],
        json!([
            { "id": "agency:first", "subject": "NODE", "version": 1 },
            { "id": "agency:first>part_of>agency:undp", "subject": "EDGE", "version": 1 },
            { "id": "agency:unossc>part_of>agency:undp", "subject": "EDGE", "version": 0 },
        ]),
        "{answer}"
    );
}

#[tokio::test]
async fn an_acknowledged_mutation_survives_kill_9_and_the_audit_trail_shows_it() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let server = Server::start(&data);
    let writer = token(&data, "ops", "write");
    let (status, _, answer) = post(&server, Some(&writer), UPSERT_NODE, json!({ "n": agency("agency:apc", "APC Colombia") })).await;
    assert_eq!(status, 200, "{answer}");
    server.kill_9();

    let server = Server::start(&data);
    assert_eq!(name_of(&server, "agency:apc").await, json!({ "name": "APC Colombia", "version": 1 }), "nothing acknowledged is lost");

    let file = dir.path().join("extra.jsonl");
    std::fs::write(&file, format!("{}\n", json!({ "node": agency("agency:extra", "Imported") }))).expect("write");
    let imported = run(&["import", "--data", &data.display().to_string(), &file.display().to_string()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));

    let trail = query(&server, "{ changes(first: 10) { edges { cursor node { seq actor action subject id version before after file counts { nodesCreated } sources { document } } } pageInfo { hasNextPage } } }").await;
    let edges = trail["data"]["changes"]["edges"].as_array().cloned().unwrap_or_default();
    assert_eq!(edges.len(), 2, "{trail}");
    let first = &edges[0]["node"];
    assert_eq!((first["seq"].as_i64(), first["actor"].as_str(), first["action"].as_str()), (Some(1), Some("ops"), Some("CREATE")));
    assert_eq!(first["after"]["node"]["name"], "APC Colombia");
    assert_eq!(first["before"], Value::Null);
    assert_eq!(first["sources"][0]["document"], "minutes-2026-12.pdf");
    let second = &edges[1]["node"];
    assert_eq!((second["action"].as_str(), second["actor"].as_str()), (Some("IMPORT"), Some("cli")));
    assert!(second["file"].as_str().unwrap_or_default().ends_with("extra.jsonl"), "{second}");
    assert_eq!(second["counts"]["nodesCreated"], 1);
    assert_eq!(edges[1]["cursor"], "2");
    let history = query(&server, r#"{ node(id: "agency:apc") { history { edges { node { seq action } } } } }"#).await;
    assert_eq!(history["data"]["node"]["history"]["edges"], json!([{ "node": { "seq": 1, "action": "CREATE" } }]));
    let later = query(&server, r#"{ changes(since: "2999-01-01T00:00:00Z") { edges { cursor } } }"#).await;
    assert_eq!(later["data"]["changes"]["edges"], json!([]));

    // The trail as JSON Lines.
    let exported = run(&["changes", "--data", &data.display().to_string()]);
    assert!(exported.status.success(), "{}", String::from_utf8_lossy(&exported.stderr));
    let lines: Vec<Value> =
        String::from_utf8(exported.stdout).expect("UTF-8").lines().map(|line| serde_json::from_str(line).expect("a JSON line")).collect();
    assert_eq!(lines.iter().map(|line| line["seq"].as_i64().unwrap_or(0)).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(lines[0]["after"]["node"]["id"], "agency:apc");
}

#[tokio::test]
async fn writes_past_the_rate_limit_are_told_when_to_retry() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let server = Server::start_with(&["--data", &data.display().to_string(), "--writes-per-minute", "1", "--write-burst", "2"]);
    let writer = token(&data, "busy", "write");
    for round in 0..2 {
        let (status, _, answer) =
            post(&server, Some(&writer), UPSERT_NODE, json!({ "n": agency("agency:busy", &format!("Busy {round}")) })).await;
        assert_eq!(status, 200, "{answer}");
    }
    let (status, retry, answer) = post(&server, Some(&writer), UPSERT_NODE, json!({ "n": agency("agency:busy", "Too much") })).await;
    assert_eq!((status, code(&answer)), (429, "RATE_LIMITED"), "{answer}");
    let retry: u64 = retry.expect("Retry-After").parse().expect("seconds");
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(name_of(&server, "agency:busy").await["name"], "Busy 1");
    // Reads are not limited.
    assert_eq!(name_of(&server, "agency:busy").await["name"], "Busy 1");
}

pub(crate) type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a `graphql-transport-ws` connection and waits for its acknowledgement.
pub(crate) async fn connect(server: &Server) -> Socket {
    let url = format!("{}/graphql", server.base.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request().expect("request");
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().expect("header"));
    let (mut socket, response) = tokio_tungstenite::connect_async(request).await.expect("WebSocket");
    assert_eq!(response.headers().get("sec-websocket-protocol").and_then(|value| value.to_str().ok()), Some("graphql-transport-ws"));
    socket.send(Message::text(json!({ "type": "connection_init" }).to_string())).await.expect("init");
    assert_eq!(next_message(&mut socket).await["type"], "connection_ack");
    socket
}

pub(crate) async fn next_message(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next()).await.expect("a message within 10 s");
        match message.expect("open").expect("message") {
            Message::Text(text) => return serde_json::from_str(&text).expect("JSON"),
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}

pub(crate) async fn subscribe(socket: &mut Socket, id: &str, query: &str) {
    let message = json!({ "id": id, "type": "subscribe", "payload": { "query": query } });
    socket.send(Message::text(message.to_string())).await.expect("subscribe");
}

#[tokio::test]
async fn subscribers_see_the_changes_near_their_node_and_imports_from_other_processes() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let server = Server::start(&data);
    let writer = token(&data, "secretariat", "write");
    let mut socket = connect(&server).await;
    subscribe(&mut socket, "near", r#"subscription { changedNear(id: "network:wacap", hops: 1) { seq action id actor } }"#).await;
    subscribe(&mut socket, "all", "subscription { changes { seq action id } }").await;
    // Queries do not run over the socket.
    subscribe(&mut socket, "query", "{ stats { nodes } }").await;
    let refused = next_message(&mut socket).await;
    assert_eq!((refused["id"].as_str(), refused["type"].as_str()), (Some("query"), Some("next")), "{refused}");
    assert!(refused["payload"]["errors"][0]["message"].as_str().unwrap_or_default().contains("only subscriptions"), "{refused}");
    assert_eq!(next_message(&mut socket).await["type"], "complete");
    tokio::time::sleep(Duration::from_millis(700)).await;

    // Far from WACAP: only the stream of all changes sees it.
    let (_, _, answer) = post(&server, Some(&writer), UPSERT_NODE, json!({ "n": agency("agency:far", "Far away") })).await;
    assert!(answer["errors"].is_null(), "{answer}");
    let seen = next_message(&mut socket).await;
    assert_eq!((seen["id"].as_str(), seen["payload"]["data"]["changes"]["id"].as_str()), (Some("all"), Some("agency:far")), "{seen}");
    // A neighbour of WACAP (UNDP hosted it) changes: both see it, the near one first or second.
    let (_, _, answer) = post(&server, Some(&writer), UPSERT_NODE, json!({ "n": agency("agency:undp", "UNDP") })).await;
    assert!(answer["errors"].is_null(), "{answer}");
    let mut ids = Vec::new();
    for _ in 0..2 {
        let seen = next_message(&mut socket).await;
        let subscription = seen["id"].as_str().unwrap_or_default().to_owned();
        let change = seen["payload"]["data"].as_object().and_then(|data| data.values().next()).cloned().unwrap_or_default();
        assert_eq!((change["id"].as_str(), change["action"].as_str()), (Some("agency:undp"), Some("UPDATE")), "{seen}");
        ids.push(subscription);
    }
    ids.sort();
    assert_eq!(ids, ["all", "near"]);

    // Another process imports a file: its change reaches the subscribers within the poll interval.
    let file = dir.path().join("more.jsonl");
    std::fs::write(&file, format!("{}\n", json!({ "node": agency("agency:more", "More") }))).expect("write");
    let imported = run(&["import", "--data", &data.display().to_string(), &file.display().to_string()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let mut kinds = Vec::new();
    for _ in 0..2 {
        let seen = next_message(&mut socket).await;
        let change = seen["payload"]["data"].as_object().and_then(|data| data.values().next()).cloned().unwrap_or_default();
        kinds.push((seen["id"].as_str().unwrap_or_default().to_owned(), change["action"].as_str().unwrap_or_default().to_owned()));
    }
    kinds.sort();
    assert_eq!(kinds, [("all".to_owned(), "IMPORT".to_owned()), ("near".to_owned(), "IMPORT".to_owned())]);
}

#[tokio::test]
async fn live_connections_are_bounded() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let server = Server::start_with(&[
        "--data",
        &data.display().to_string(),
        "--max-live-connections",
        "1",
        "--max-subscriptions-per-connection",
        "2",
    ]);
    let mut socket = connect(&server).await;
    // A second socket is refused while the first is open; /healthz stays up.
    let url = format!("{}/graphql", server.base.replacen("http://", "ws://", 1));
    let mut request = url.clone().into_client_request().expect("request");
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().expect("header"));
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status(), 503),
        other => panic!("a second socket must be refused, got {other:?}"),
    }
    assert_eq!(reqwest::get(format!("{}/healthz", server.base)).await.expect("healthz").status(), 200);

    // Two subscriptions per socket, not three (the server starts them in no set order: one is refused).
    for id in ["a", "b", "c"] {
        subscribe(&mut socket, id, "subscription { changes { seq } }").await;
    }
    let refused = next_message(&mut socket).await;
    assert!(["a", "b", "c"].contains(&refused["id"].as_str().unwrap_or_default()), "{refused}");
    assert!(refused["payload"].to_string().contains("as many subscriptions open as it may"), "{refused}");

    // A message longer than a query may be closes the socket.
    let huge = json!({ "id": "d", "type": "subscribe", "payload": { "query": "x".repeat(200_000) } }).to_string();
    let _ = socket.send(Message::text(huge)).await;
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match socket.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return true,
                Some(Ok(_)) => {}
            }
        }
    })
    .await
    .expect("closed within 10 s");
    assert!(closed);
    // Its slot is free again.
    drop(socket);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut again = connect(&server).await;
    subscribe(&mut again, "e", "subscription { changes { seq } }").await;
}

#[tokio::test]
async fn a_curator_writes_a_need_and_matches_rank_the_offers_for_it() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let server = Server::start(&data);
    let writer = token(&data, "matchmaker", "write");
    let need = json!({ "id": "need:kenya-school-feeding", "kind": "NEED", "name": "Home-grown school feeding in Kenya",
        "sdgs": [2, 4], "support": ["CAPACITY_BUILDING"], "languages": ["pt"], "start": "2027", "sources": source() });
    let seeker = json!({ "id": "country:KEN>participates_in>need:kenya-school-feeding", "type": "PARTICIPATES_IN",
        "source": "country:KEN", "target": "need:kenya-school-feeding", "role": "BENEFICIARY", "sources": source() });
    let batch = "mutation($c: [ChangeInput!]!) { applyChanges(changes: $c) { subject version } }";
    let mut bad = need.clone();
    bad["languages"] = json!(["Portuguese"]);
    let (_, _, refused) = post(&server, Some(&writer), batch, json!({ "c": [{ "upsertNode": { "input": bad } }] })).await;
    assert_eq!(code(&refused), "BAD_USER_INPUT", "a language that is no ISO 639-1 code: {refused}");
    assert!(refused["errors"][0]["message"].as_str().unwrap_or_default().contains("Portuguese"), "{refused}");
    let changes = json!({ "c": [{ "upsertNode": { "input": need } }, { "upsertEdge": { "input": seeker } }] });
    let (status, _, written) = post(&server, Some(&writer), batch, changes).await;
    assert_eq!((status, written["data"]["applyChanges"].as_array().map(Vec::len)), (200, Some(2)), "{written}");

    let answer =
        query(&server, r#"{ matches(need: "need:kenya-school-feeding") { matches { score offer { id } reasons { kind points } } } }"#)
            .await;
    let ranked: Vec<(&str, f64)> = answer["data"]["matches"]["matches"]
        .as_array()
        .unwrap_or_else(|| panic!("{answer}"))
        .iter()
        .map(|found| (found["offer"]["id"].as_str().expect("id"), found["score"].as_f64().expect("score")))
        .collect();
    // Both seed offers serve SDG 2 (half of the need's SDGs: 12.5); Brazil's also builds capacity (10).
    assert_eq!(ranked[..2], [("offer:zero-hunger-capacity-strengthening", 22.5), ("offer:chinese-solutions-sdg2", 12.5)], "{answer}");
}
