//! Starting and stopping the real binary for the end-to-end tests.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_partnergraph"))
}

/// Runs a CLI command to completion.
pub fn run(args: &[&str]) -> Output {
    Command::new(binary()).args(args).env("PARTNERGRAPH_LOG", "warn").output().expect("run partnergraph")
}

/// Generates a synthetic graph (`bench-data`) into `dir` and imports it into a store there; returns the
/// generated file and the store's data directory.
pub fn generated_store(dir: &Path, nodes: u32, edges: u32, seed: u32) -> (PathBuf, PathBuf) {
    let file = dir.join("generated.jsonl");
    let (nodes, edges, seed) = (nodes.to_string(), edges.to_string(), seed.to_string());
    let generated = run(&["bench-data", "--nodes", &nodes, "--edges", &edges, "--seed", &seed, "--out", &file.display().to_string()]);
    assert!(generated.status.success(), "{}", String::from_utf8_lossy(&generated.stderr));
    let data = dir.join("store");
    let imported = run(&["import", "--data", &data.display().to_string(), &file.display().to_string()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    (file, data)
}

/// A `partnergraph serve` process on a free port, killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Server {
    /// Starts `serve` on `data` and waits for it to print its address.
    pub fn start(data: &Path) -> Server {
        Server::start_with(&["--data", &data.display().to_string()])
    }

    /// Starts `serve` with store arguments `args` and waits for it to print its address.
    pub fn start_with(args: &[&str]) -> Server {
        let mut child = Command::new(binary())
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .env("PARTNERGRAPH_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("read the listening line");
        assert!(!line.is_empty(), "serve exited before listening (see its stderr above)");
        let base = line
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .trim_end_matches('/')
            .to_owned();
        Server { child, base }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The GraphQL endpoint.
    pub fn graphql(&self) -> String {
        format!("{}/graphql", self.base)
    }

    /// Sends SIGKILL and waits for the process to be gone.
    pub fn kill_9(mut self) {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-9", &pid]).status().expect("kill -9");
        assert!(status.success());
        let _ = self.child.wait();
    }

    /// Sends SIGTERM and waits for a clean exit.
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().expect("kill -TERM");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                assert!(status.success(), "serve exits cleanly on SIGTERM: {status}");
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("serve did not stop within 10 s of SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Posts a GraphQL query and returns the JSON answer.
pub async fn query(server: &Server, query: &str) -> serde_json::Value {
    let response =
        reqwest::Client::new().post(server.graphql()).json(&serde_json::json!({ "query": query })).send().await.expect("POST /graphql");
    assert_eq!(response.status(), 200);
    response.json().await.expect("JSON answer")
}
