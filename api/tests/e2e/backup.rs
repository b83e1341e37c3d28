//! The embedded store's files (issue 17): online backup while `serve` runs and an import commits, restore
//! compared by export byte for byte, and the refusals around them; a zero-length database file refused,
//! and a rejected topology snapshot logged with its reason.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::server::{Server, binary, generated_store, run};

fn export(data: &Path) -> String {
    let output = run(&["export", "--data", &data.display().to_string(), "--format", "json"]);
    assert!(output.status.success(), "export: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8 export")
}

fn path(path: &Path) -> String {
    path.display().to_string()
}

/// A backup taken while `serve` runs and an import rewrites every node is always one whole committed
/// state: the state before the import or the one after, byte for byte once restored, never a mix.
#[test]
fn backups_beside_serve_and_an_import_restore_to_exactly_one_committed_state() {
    let dir = tempfile::tempdir().expect("dir");
    let (file, data) = generated_store(dir.path(), 2_000, 6_000, 3);
    let before = export(&data);
    // The same records, every node renamed: a torn copy would mix old and new names.
    let generated = std::fs::read_to_string(&file).expect("generated file");
    let renamed = dir.path().join("renamed.jsonl");
    std::fs::write(&renamed, generated.replace(r#""name":""#, r#""name":"Renamed "#)).expect("write");

    let server = Server::start(&data);
    let first = dir.path().join("backup-0");
    let mut backing_up = Command::new(binary())
        .args(["backup", "--data", &path(&data), &path(&first)])
        .env("PARTNERGRAPH_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn backup");
    // The backup creates its partial file only once its read transaction has begun: from then on, the
    // import below cannot be part of what it copies.
    let partial = first.join("partnergraph.redb.partial");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !partial.exists() && !first.join("partnergraph.redb").exists() {
        assert!(Instant::now() < deadline, "the backup did not start");
        std::thread::sleep(Duration::from_millis(2));
    }
    let mut importing = Command::new(binary())
        .args(["import", "--data", &path(&data), &path(&renamed)])
        .env("PARTNERGRAPH_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn import");
    let mut backups = vec![first];
    loop {
        let import_done = importing.try_wait().expect("wait import").is_some();
        let dest = dir.path().join(format!("backup-{}", backups.len()));
        let output = run(&["backup", "--data", &path(&data), &path(&dest)]);
        assert!(output.status.success(), "backup: {}", String::from_utf8_lossy(&output.stderr));
        backups.push(dest);
        if import_done {
            break;
        }
    }
    assert!(backing_up.wait().expect("wait backup").success());
    assert!(importing.wait().expect("wait import").success());
    let after = export(&data);
    assert_ne!(after, before, "the import changed every node");

    // Restoring over a store that a server holds is refused, and changes nothing.
    let refused = run(&["restore", "--force", "--data", &path(&data), &path(&backups[0])]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("is open in another process"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    server.stop();
    assert_eq!(export(&data), after);

    let mut seen = Vec::new();
    for (idx, backup) in backups.iter().enumerate() {
        let fresh = dir.path().join(format!("restored-{idx}"));
        let restored = run(&["restore", "--data", &path(&fresh), &path(backup)]);
        assert!(restored.status.success(), "restore: {}", String::from_utf8_lossy(&restored.stderr));
        let exported = export(&fresh);
        assert!(exported == before || exported == after, "backup {idx} restores to neither committed state");
        seen.push(if exported == before { "before" } else { "after" });
    }
    assert_eq!(seen.first(), Some(&"before"), "the first backup's snapshot predates the import: {seen:?}");
    assert_eq!(seen.last(), Some(&"after"), "a backup after the import holds it: {seen:?}");
    eprintln!("backups beside the import restored to: {seen:?}");
}

#[test]
fn restore_refuses_to_replace_records_without_force_and_a_backup_never_overwrites() {
    let dir = tempfile::tempdir().expect("dir");
    let (data, other) = (dir.path().join("data"), dir.path().join("other"));
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/data/seed.jsonl");
    for store in [&data, &other] {
        assert!(run(&["import", "--data", &path(store), &path(&seed)]).status.success());
    }
    let extra = dir.path().join("extra.jsonl");
    std::fs::write(
        &extra,
        "{\"node\": {\"id\": \"agency:extra\", \"kind\": \"AGENCY\", \"name\": \"Extra\", \"sources\": [{\"document\": \"d\"}]}}\n",
    )
    .expect("write");
    assert!(run(&["import", "--data", &path(&other), &path(&extra)]).status.success());
    let backup = dir.path().join("backup");
    assert!(run(&["backup", "--data", &path(&data), &path(&backup)]).status.success());

    let again = run(&["backup", "--data", &path(&other), &path(&backup)]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"), "{}", String::from_utf8_lossy(&again.stderr));

    let before = export(&other);
    let refused = run(&["restore", "--data", &path(&other), &path(&backup)]);
    assert_eq!(refused.status.code(), Some(1));
    let message = String::from_utf8_lossy(&refused.stderr);
    let seed_dataset = partnergraph_schema::seed::dataset().expect("the seed is valid");
    let (nodes, edges) = (seed_dataset.nodes.len() + 1, seed_dataset.edges.len());
    assert!(message.contains(&format!("holds {nodes} nodes and {edges} edges: restore replaces them only with --force")), "{message}");
    assert_eq!(export(&other), before, "nothing changed");

    let forced = run(&["restore", "--force", "--data", &path(&other), &path(&backup)]);
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    assert_eq!(export(&other), export(&data), "the extra node is gone: the store is the backup's");

    let missing = run(&["restore", "--data", &path(&other), &path(&dir.path().join("nowhere"))]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("there is no store at"));
}

/// A zero-length database file is not an empty store: every command refuses it and says what to do, and
/// a restore replaces it.
#[test]
fn a_zero_length_database_file_is_refused_and_can_be_restored_over() {
    let dir = tempfile::tempdir().expect("dir");
    let (data, backup) = (dir.path().join("data"), dir.path().join("backup"));
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/data/seed.jsonl");
    assert!(run(&["import", "--data", &path(&data), &path(&seed)]).status.success());
    assert!(run(&["backup", "--data", &path(&data), &path(&backup)]).status.success());
    let expected = export(&data);

    std::fs::write(data.join("partnergraph.redb"), b"").expect("truncate");
    for args in [vec!["export", "--format", "json"], vec!["serve", "--addr", "127.0.0.1:0"]] {
        let output =
            Command::new(binary()).args(&args).args(["--data", &path(&data)]).env("PARTNERGRAPH_LOG", "warn").output().expect("run");
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let message = String::from_utf8_lossy(&output.stderr);
        assert!(message.contains("is empty (0 bytes): it is not an empty store but a damaged one"), "{args:?}: {message}");
        assert!(message.contains("partnergraph restore"), "says what to do: {message}");
    }
    assert_eq!(std::fs::metadata(data.join("partnergraph.redb")).expect("file").len(), 0, "nothing was written over it");

    let restored = run(&["restore", "--data", &path(&data), &path(&backup)]);
    assert!(restored.status.success(), "{}", String::from_utf8_lossy(&restored.stderr));
    assert_eq!(export(&data), expected);
}

/// A damaged `topology.bin` is not used, and the server says so, with the reason, before rebuilding it.
#[test]
fn a_rejected_topology_snapshot_is_logged_with_its_reason() {
    let dir = tempfile::tempdir().expect("dir");
    let snapshot = dir.path().join("topology.bin");
    let server = Server::start(dir.path());
    let deadline = Instant::now() + Duration::from_secs(60);
    while !snapshot.exists() {
        assert!(Instant::now() < deadline, "serve did not save its topology");
        std::thread::sleep(Duration::from_millis(20));
    }
    server.stop();
    let mut bytes = std::fs::read(&snapshot).expect("snapshot");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&snapshot, bytes).expect("damage");

    let mut child = Command::new(binary())
        .args(["serve", "--addr", "127.0.0.1:0", "--data", &path(dir.path())])
        .env("PARTNERGRAPH_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let stderr = child.stderr.take().expect("stderr");
    let (lines, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let found = received.recv_timeout(Duration::from_secs(30));
    let _ = child.kill();
    let _ = child.wait();
    let line = found.expect("a log line");
    assert!(line.contains("WARN"), "{line}");
    assert!(line.contains("topology snapshot not used (it is damaged or cut short (its checksum does not match))"), "{line}");
    assert!(line.contains("rebuilt from the tables"), "{line}");
}
