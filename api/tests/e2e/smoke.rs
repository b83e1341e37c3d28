//! The CI-sized version of the HTTP benchmark: a 10k-node synthetic graph (`partnergraph bench-data`),
//! the widget-query mix sent concurrently over real HTTP, asserting only that every answer is correct
//! and error-free (timings are for `scripts/bench.sh`, never for tests).

use std::collections::HashSet;

use serde_json::Value;

use crate::server::{Server, generated_store};

/// The widget-query mix over ids that exist in a 10k graph (see api/src/io/synthetic.rs for the layout).
fn mix(round: u64) -> Vec<String> {
    let agreement = |n: u64| format!("agreement:s{}", (n * 7919) % 9000);
    let agency = |n: u64| format!("agency:s{}", 250 + (n * 31) % 250);
    vec![
        format!(
            r#"{{ neighborhood(id: "{}", depth: 2, limit: 500) {{ nodes {{ id name kind degree }} edges {{ source target type }} truncated }} }}"#,
            agreement(round)
        ),
        format!(
            r#"{{ neighborhood(id: "{}", depth: 1, limit: 200) {{ nodes {{ id }} edges {{ source target }} truncated }} }}"#,
            agency(round)
        ),
        format!(r#"{{ node(id: "{}") {{ id ... on Agreement {{ participants {{ actor {{ id }} role }} }} }} }}"#, agreement(round + 1)),
        r#"{ search(text: "ministry", first: 10) { id name } }"#.to_owned(),
        format!(
            r#"{{ triangulars(involving: "{}", first: 10) {{ agreement {{ id }} beneficiary {{ id }} pivotal {{ id }} facilitating {{ id }} }} }}"#,
            agency(round)
        ),
        format!(
            r#"{{ paths(from: "{}", to: "{}", maxHops: 4, first: 3) {{ nodes {{ id }} edges {{ source target }} }} }}"#,
            agreement(round),
            agreement(round + 2)
        ),
    ]
}

/// Checks the invariants of one answer; returns a description of what is wrong, if anything.
fn check(query: &str, answer: &Value) -> Option<String> {
    if answer.get("errors").is_some() {
        return Some(format!("errors for {query}: {answer}"));
    }
    let data = &answer["data"];
    if let Some(subgraph) = data.get("neighborhood") {
        let nodes: HashSet<&str> = subgraph["nodes"].as_array()?.iter().filter_map(|node| node["id"].as_str()).collect();
        let limit = if query.contains("limit: 500") { 500 } else { 200 };
        if nodes.is_empty() || nodes.len() > limit {
            return Some(format!("{} nodes for {query}", nodes.len()));
        }
        let dangling = subgraph["edges"].as_array()?.iter().any(|edge| {
            !nodes.contains(edge["source"].as_str().unwrap_or_default()) || !nodes.contains(edge["target"].as_str().unwrap_or_default())
        });
        if dangling {
            return Some(format!("an edge leaves the subgraph for {query}"));
        }
        if subgraph["truncated"] == true && nodes.len() != limit {
            return Some(format!("truncated below the limit for {query}"));
        }
    }
    if let Some(paths) = data.get("paths").and_then(Value::as_array) {
        for path in paths {
            let nodes = path["nodes"].as_array()?;
            if nodes.len() != path["edges"].as_array()?.len() + 1 || nodes.len() > 5 {
                return Some(format!("malformed path for {query}: {path}"));
            }
        }
    }
    if let Some(triangulars) = data.get("triangulars").and_then(Value::as_array) {
        for triangle in triangulars {
            if ["beneficiary", "pivotal", "facilitating"].iter().any(|corner| triangle[*corner].as_array().is_none_or(Vec::is_empty)) {
                return Some(format!("a corner is empty for {query}"));
            }
        }
    }
    None
}

#[tokio::test]
async fn the_widget_query_mix_on_a_10k_graph_answers_correctly_under_concurrency() {
    let dir = tempfile::tempdir().expect("dir");
    let (_, data) = generated_store(dir.path(), 10_000, 50_000, 3);
    let server = Server::start(&data);
    let client = reqwest::Client::new();
    let mut tasks = Vec::new();
    for worker in 0..8u64 {
        let client = client.clone();
        let url = server.graphql();
        tasks.push(tokio::spawn(async move {
            let mut problems = Vec::new();
            let mut answered = 0;
            for round in 0..3u64 {
                for query in mix(worker * 100 + round) {
                    let response = client.post(&url).json(&serde_json::json!({ "query": query })).send().await;
                    let Ok(response) = response else {
                        problems.push(format!("no answer for {query}"));
                        continue;
                    };
                    if response.status() != 200 {
                        problems.push(format!("HTTP {} for {query}", response.status()));
                        continue;
                    }
                    let answer: Value = response.json().await.unwrap_or(Value::Null);
                    problems.extend(check(&query, &answer));
                    answered += 1;
                }
            }
            (answered, problems)
        }));
    }
    let mut answered = 0;
    let mut problems = Vec::new();
    for task in tasks {
        let (count, found) = task.await.expect("worker");
        answered += count;
        problems.extend(found);
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    assert_eq!(answered, 8 * 3 * 6);
    let stats: Value = client
        .post(server.graphql())
        .json(&serde_json::json!({ "query": "{ stats { nodes edges } }" }))
        .send()
        .await
        .expect("stats")
        .json()
        .await
        .expect("json");
    assert_eq!(stats["data"]["stats"]["nodes"], 10_000);
    assert_eq!(stats["data"]["stats"]["edges"], 50_000);
}
