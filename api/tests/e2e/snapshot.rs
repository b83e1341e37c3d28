//! One snapshot per request, over real HTTP: while `partnergraph import` commits beside `serve` again and
//! again, every answer reads one committed state, however many store reads it takes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::server::{Server, run};

/// Nodes every import renames together, and every query reads (one root field each, so one store read
/// each, run side by side).
const PROBES: usize = 40;
/// How long the imports go on.
const IMPORTING: Duration = Duration::from_secs(8);

/// A dataset naming every probe `generation {generation}`.
fn generation_file(generation: usize) -> String {
    (0..PROBES)
        .map(|probe| {
            let node = json!({ "node": { "id": format!("agency:probe-{probe}"), "kind": "AGENCY", "name": format!("generation {generation}"),
                "sources": [{ "document": "snapshot-test.jsonl" }] } });
            format!("{node}\n")
        })
        .collect()
}

/// The generation each probe shows in one answer.
fn generations(answer: &Value) -> Vec<String> {
    assert!(answer.get("errors").is_none(), "{answer}");
    (0..PROBES).map(|probe| answer["data"][format!("p{probe}")]["name"].as_str().expect("a probe's name").to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_answer_mixes_two_commits_while_imports_commit_beside_serve() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let first = dir.path().join("generation-0.jsonl");
    std::fs::write(&first, generation_file(0)).expect("write");
    let imported = run(&["import", "--data", &data.display().to_string(), &first.display().to_string()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    // No response cache: every answer is read from the store.
    let server = Server::start_with(&["--data", &data.display().to_string(), "--response-cache-mib", "0"]);

    let done = Arc::new(AtomicBool::new(false));
    let importer = {
        let (dir, data, done) = (dir.path().to_path_buf(), data.clone(), done.clone());
        std::thread::spawn(move || {
            let started = Instant::now();
            let mut generation = 0;
            while started.elapsed() < IMPORTING {
                generation += 1;
                let file = dir.join(format!("generation-{generation}.jsonl"));
                std::fs::write(&file, generation_file(generation)).expect("write");
                let imported = run(&["import", "--data", &data.display().to_string(), &file.display().to_string()]);
                assert!(imported.status.success(), "import beside serve: {}", String::from_utf8_lossy(&imported.stderr));
            }
            done.store(true, Ordering::Release);
            generation
        })
    };

    let probes: String = (0..PROBES).map(|probe| format!(r#"p{probe}: node(id: "agency:probe-{probe}") {{ name }} "#)).collect();
    let body = json!({ "query": format!("{{ {probes} }}") });
    let client = reqwest::Client::new();
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (client, body, url, done) = (client.clone(), body.clone(), server.graphql(), done.clone());
            tokio::spawn(async move {
                let (mut answers, mut mixed, mut seen) = (0, Vec::new(), std::collections::BTreeSet::new());
                while !done.load(Ordering::Acquire) {
                    let response = client.post(&url).json(&body).send().await.expect("POST /graphql");
                    assert_eq!(response.status(), 200);
                    let names = generations(&response.json().await.expect("JSON"));
                    answers += 1;
                    seen.insert(names[0].clone());
                    if names.iter().any(|name| name != &names[0]) {
                        mixed.push(names);
                    }
                }
                (answers, mixed, seen)
            })
        })
        .collect();
    let mut answers = 0;
    let mut seen = std::collections::BTreeSet::new();
    for reader in readers {
        let (count, mixed, generations) = reader.await.expect("reader");
        assert!(mixed.is_empty(), "{} answers mixed generations, e.g. {:?}", mixed.len(), mixed[0]);
        answers += count;
        seen.extend(generations);
    }
    let imports = importer.join().expect("importer");
    assert!(imports >= 5, "only {imports} imports committed in {IMPORTING:?}");
    assert!(seen.len() >= 3, "the answers saw {} generations of {imports}: the test did not read across commits", seen.len());
    assert!(answers >= 50, "only {answers} answers");
}
