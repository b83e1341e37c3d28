//! Durability: restarts keep user data (no reseeding), kill -9 loses no committed write, and an import
//! running beside `serve` is visible without a restart.

use std::process::Command;

use crate::server::{Server, binary, query, run};

const USER_EDIT: &str = concat!(
    "{\"node\": {\"id\": \"agency:unossc\", \"kind\": \"AGENCY\", \"name\": \"Renamed by a user\", \"acronym\": \"UNOSSC\", \"sources\": [{\"document\": \"user-edit.jsonl\"}]}}\n",
    "{\"node\": {\"id\": \"city:lisbon-prt\", \"kind\": \"CITY\", \"name\": \"Lisbon\", \"sources\": [{\"document\": \"user-edit.jsonl\"}]}}\n",
    "{\"node\": {\"id\": \"country:PRT\", \"kind\": \"COUNTRY\", \"name\": \"Portugal\", \"iso3\": \"PRT\", \"sources\": [{\"document\": \"user-edit.jsonl\"}]}}\n",
    "{\"edge\": {\"id\": \"city:lisbon-prt>located_in>country:PRT\", \"type\": \"LOCATED_IN\", \"source\": \"city:lisbon-prt\", \"target\": \"country:PRT\", \"sources\": [{\"document\": \"user-edit.jsonl\"}]}}\n",
);

async fn unossc_name_and_lisbon(server: &Server) -> (String, String) {
    let answer =
        query(server, r#"{ a: node(id: "agency:unossc") { name } b: node(id: "city:lisbon-prt") { ... on City { country { id } } } }"#)
            .await;
    (
        answer["data"]["a"]["name"].as_str().unwrap_or_default().to_owned(),
        answer["data"]["b"]["country"]["id"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn import_beside_serve_is_visible_and_survives_kill_9_and_restart() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let server = Server::start(&data);
    assert_eq!(unossc_name_and_lisbon(&server).await.0, "United Nations Office for South-South Cooperation");

    let edit = dir.path().join("user-edit.jsonl");
    std::fs::write(&edit, USER_EDIT).expect("write");
    let imported = run(&["import", "--data", &data.display().to_string(), &edit.display().to_string()]);
    assert!(imported.status.success(), "import while serve runs: {}", String::from_utf8_lossy(&imported.stderr));
    assert_eq!(
        unossc_name_and_lisbon(&server).await,
        ("Renamed by a user".to_owned(), "country:PRT".to_owned()),
        "visible without restart"
    );

    server.kill_9();
    let restarted = Server::start(&data);
    assert_eq!(
        unossc_name_and_lisbon(&restarted).await,
        ("Renamed by a user".to_owned(), "country:PRT".to_owned()),
        "kill -9 lost nothing, no reseed"
    );
    restarted.stop();
    let again = Server::start(&data);
    assert_eq!(unossc_name_and_lisbon(&again).await.0, "Renamed by a user");
}

#[tokio::test]
async fn an_import_killed_midway_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let big = dir.path().join("big.jsonl");
    let mut text = String::new();
    for i in 0..30_000 {
        text.push_str(&format!("{{\"node\": {{\"id\": \"agency:bulk-{i:05}\", \"kind\": \"AGENCY\", \"name\": \"Bulk {i}\", \"sources\": [{{\"document\": \"big.jsonl\"}}]}}}}\n"));
    }
    std::fs::write(&big, text).expect("write");
    let mut child = Command::new(binary()).args(["import", "--data"]).arg(&data).arg(&big).spawn().expect("spawn import");
    std::thread::sleep(std::time::Duration::from_millis(700));
    let _ = child.kill();
    let _ = child.wait();
    let server = Server::start(&data);
    let answer =
        query(&server, "{ stats { nodes } first: node(id: \"agency:bulk-00000\") { id } last: node(id: \"agency:bulk-29999\") { id } }")
            .await;
    let has_first = answer["data"]["first"].is_object();
    let has_last = answer["data"]["last"].is_object();
    assert_eq!(has_first, has_last, "either the whole file or none of it: {answer}");
}
