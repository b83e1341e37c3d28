//! The command line: validate, schema, import and export (round trip, idempotence, all-or-nothing).

use std::path::Path;

use crate::server::run;

fn workspace_file(relative: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(relative).display().to_string()
}

pub(crate) fn export(data: &Path) -> String {
    let output = run(&["export", "--data", &data.display().to_string(), "--format", "json"]);
    assert!(output.status.success(), "export: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8 export")
}

#[test]
fn validate_reports_every_problem_with_its_line() {
    let seed = run(&["validate", &workspace_file("schema/data/seed.jsonl")]);
    assert!(seed.status.success(), "{}", String::from_utf8_lossy(&seed.stdout));
    let dir = tempfile::tempdir().expect("dir");
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        concat!(
            "{\"node\": {\"id\": \"agency:a\", \"kind\": \"AGENCY\", \"name\": \"A\", \"sources\": [{\"document\": \"d\"}]}}\n",
            "{\"node\": {\"id\": \"agency:b\", \"kind\": \"AGENCY\", \"name\": \"B\"}}\n",
            "not json\n",
            "{\"edge\": {\"id\": \"agency:a>funds>agreement:x\", \"type\": \"FUNDS\", \"source\": \"agency:a\", \"target\": \"agreement:x\", \"from\": \"2020\", \"to\": \"2019\", \"sources\": [{\"document\": \"d\"}]}}\n",
        ),
    )
    .expect("write");
    let output = run(&["validate", &bad.display().to_string()]);
    assert_eq!(output.status.code(), Some(1));
    let report = String::from_utf8_lossy(&output.stdout);
    for expected in [
        ":2: not a valid record: missing field `sources`",
        ":3: not a valid record",
        ":4: edge `agency:a>funds>agreement:x` has target `agreement:x`",
        ":4: `agency:a>funds>agreement:x` ends (2019) before it starts (2020)",
    ] {
        assert!(report.contains(expected), "missing {expected:?} in:\n{report}");
    }
}

#[test]
fn schema_prints_the_published_sdl() {
    let output = run(&["schema"]);
    assert!(output.status.success());
    let published = std::fs::read_to_string(workspace_file("schema/schema.graphql")).expect("schema.graphql");
    assert_eq!(String::from_utf8_lossy(&output.stdout), published);
}

#[test]
fn export_import_export_gives_the_same_bytes_and_reimport_changes_nothing() {
    let seeded = tempfile::tempdir().expect("dir");
    {
        let server = crate::server::Server::start(seeded.path());
        server.stop();
    }
    let first = export(seeded.path());
    assert!(first.lines().count() > 400);
    let dump = seeded.path().join("export.jsonl");
    std::fs::write(&dump, &first).expect("write export");

    let fresh = tempfile::tempdir().expect("dir");
    let data = fresh.path().display().to_string();
    let imported = run(&["import", "--data", &data, &dump.display().to_string()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    assert_eq!(export(fresh.path()), first, "export → import → export is byte-identical");

    let again = run(&["import", "--data", &data, &dump.display().to_string()]);
    assert!(again.status.success());
    let summary = String::from_utf8_lossy(&again.stdout);
    assert!(summary.contains("0 nodes created, 0 updated") && summary.contains("0 edges created, 0 updated"), "{summary}");
    assert_eq!(export(fresh.path()), first);
}

/// The streaming import takes records in any order and merges places into their nodes: the seed's own
/// files, places first and edges before nodes, import to exactly what the built-in seed holds.
#[test]
fn the_seed_files_in_any_order_import_to_what_the_built_in_seed_holds() {
    let seeded = tempfile::tempdir().expect("dir");
    {
        let server = crate::server::Server::start(seeded.path());
        server.stop();
    }
    let read = |relative: &str| std::fs::read_to_string(workspace_file(relative)).expect("seed file");
    let places = read("schema/data/places.jsonl");
    let seed = read("schema/data/seed.jsonl");
    assert!(places.lines().filter(|line| line.starts_with("{\"place\"")).count() > 50);
    let mut reordered: Vec<&str> = places.lines().collect();
    reordered.extend(seed.lines().rev());
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("reordered.jsonl");
    std::fs::write(&file, reordered.join("\n")).expect("write");
    let data = dir.path().join("data");
    let imported = run(&["import", "--data", &data.display().to_string(), &file.display().to_string()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let reimported = export(&data);
    assert!(reimported.contains("\"lat\""), "the places were merged");
    assert_eq!(reimported, export(seeded.path()));
}

/// Import then export gives back the very lines of a file (in id order): no field, digit or character lost.
/// The generated graph has coordinates, dates, roles and IATI roles on thousands of records (amounts:
/// `coordinates_and_amounts_round_trip_exactly` in the schema crate).
#[test]
fn a_generated_graph_exports_to_exactly_the_lines_it_was_imported_from() {
    let dir = tempfile::tempdir().expect("dir");
    let (file, data) = crate::server::generated_store(dir.path(), 3000, 12_000, 7);
    let records = |text: &str| {
        let mut lines: Vec<String> =
            text.lines().filter(|line| !line.starts_with("//") && !line.trim().is_empty()).map(str::to_owned).collect();
        lines.sort();
        lines
    };
    let original = records(&std::fs::read_to_string(&file).expect("the generated file"));
    for field in ["\"lat\"", "\"role\"", "\"iatiRole\"", "\"from\"", "\"start\""] {
        assert!(original.iter().any(|line| line.contains(field)), "the generated graph has {field}");
    }
    assert_eq!(records(&export(&data)), original);
}

#[test]
fn a_file_with_any_problem_imports_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let good = dir.path().join("good.jsonl");
    std::fs::write(
        &good,
        "{\"node\": {\"id\": \"agency:kept\", \"kind\": \"AGENCY\", \"name\": \"Kept\", \"sources\": [{\"document\": \"good.jsonl\"}]}}\n",
    )
    .expect("write");
    let data_arg = data.display().to_string();
    assert!(run(&["import", "--data", &data_arg, &good.display().to_string()]).status.success());
    let before = export(&data);

    let mixed = dir.path().join("mixed.jsonl");
    std::fs::write(
        &mixed,
        concat!(
            "{\"node\": {\"id\": \"agency:new\", \"kind\": \"AGENCY\", \"name\": \"New\", \"sources\": [{\"document\": \"m\"}]}}\n",
            "{\"edge\": {\"id\": \"agency:new>part_of>agency:kept\", \"type\": \"PART_OF\", \"source\": \"agency:new\", \"target\": \"agency:kept\", \"sources\": [{\"document\": \"m\"}]}}\n",
            "{\"edge\": {\"id\": \"agency:new>part_of>agency:missing\", \"type\": \"PART_OF\", \"source\": \"agency:new\", \"target\": \"agency:missing\", \"sources\": [{\"document\": \"m\"}]}}\n",
            "{\"node\": {\"id\": \"agency:new\", \"kind\": \"AGENCY\", \"name\": \"Dup\", \"sources\": [{\"document\": \"m\"}]}}\n",
        ),
    )
    .expect("write");
    let output = run(&["import", "--data", &data_arg, &mixed.display().to_string()]);
    assert_eq!(output.status.code(), Some(1));
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(errors.contains("mixed.jsonl:3: edge `agency:new>part_of>agency:missing` has target `agency:missing`"), "{errors}");
    assert!(errors.contains("mixed.jsonl:4: duplicate id `agency:new` (first used on line 1)"), "{errors}");
    assert!(!errors.contains(":2:"), "the edge to an existing node is fine: {errors}");
    assert_eq!(export(&data), before, "nothing from the bad file was written");
}
