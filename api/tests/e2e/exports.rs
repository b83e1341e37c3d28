//! Exports read back by real consumers: GraphML and GEXF through Python's networkx (every node, every edge
//! and every field compared with the store's own JSON export), CSV sheets through our own import
//! (byte-for-byte round trip, problems per sheet and line), and `/export/{format}` over real HTTP.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::server::{Server, run};

/// Records the seed lacks: SDGs, text that XML and CSV must escape (markup, quotes, line breaks, tabs,
/// a `|` inside an alias), a second relation of the same type between the same pair, a source with
/// neither paragraph nor quote, and an offer with sectors, kinds of support and languages.
const AWKWARD: &str = concat!(
    r#"{"node":{"id":"offer:awkward","kind":"OFFER","name":"An offer","sdgs":[6],"sectors":["14020","311"],"#,
    r#""support":["FINANCE","POLICY_ADVICE"],"languages":["pt","es"],"sources":[{"document":"awkward.csv"}]}}"#,
    "\n",
    r#"{"node":{"id":"agreement:awkward","kind":"AGREEMENT","name":"A <b>&amp;</b> \"quoted\", 'single'","aliases":["one | two"," padded "],"#,
    r#""description":"line one\nline two\r\n\ttabbed","start":"2019-03","amountUsd":0.30000000000000004,"sdgs":[1,5,17],"#,
    r#""sources":[{"document":"awkward.csv"}]}}"#,
    "\n",
    r#"{"edge":{"id":"agency:undp>funds>agreement:awkward","type":"FUNDS","source":"agency:undp","target":"agreement:awkward","amountUsd":1e21,"from":"2019","to":"2020-06-30","sources":[{"document":"a|b.txt","paragraph":3}]}}"#,
    "\n",
    r#"{"edge":{"id":"agency:undp>funds>agreement:awkward~2","type":"FUNDS","source":"agency:undp","target":"agreement:awkward","iatiRole":"FUNDING","from":"2021","sources":[{"document":"d.txt"}]}}"#,
    "\n",
);

/// A store holding the seed dataset (loaded by `serve`) and [`AWKWARD`].
fn seeded() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("dir");
    Server::start(dir.path()).stop();
    let extra = dir.path().join("awkward.jsonl");
    std::fs::write(&extra, AWKWARD).expect("write");
    let imported = run(&["import", "--data", &dir.path().display().to_string(), &extra.display().to_string()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    dir
}

fn export(data: &Path, format: &str) -> String {
    let output = run(&["export", "--data", &data.display().to_string(), "--format", format]);
    assert!(output.status.success(), "export {format}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8 export")
}

/// The Python with networkx that `scripts/setup.sh` installs (PARTNERGRAPH_SETUP_TESTS=1), or
/// `$PARTNERGRAPH_TEST_PYTHON`.
fn python() -> PathBuf {
    let python = std::env::var_os("PARTNERGRAPH_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/pyenv/bin/python"));
    assert!(
        python.is_file(),
        "the export tests read GraphML and GEXF with networkx: run PARTNERGRAPH_SETUP_TESTS=1 scripts/setup.sh \
         (it makes target/pyenv), or set PARTNERGRAPH_TEST_PYTHON to a Python with networkx (missing: {})",
        python.display()
    );
    python
}

/// The records of a JSON Lines export, by id: (nodes, edges).
fn records(jsonl: &str) -> (BTreeMap<String, Value>, BTreeMap<String, Value>) {
    let (mut nodes, mut edges) = (BTreeMap::new(), BTreeMap::new());
    for line in jsonl.lines().filter(|line| line.starts_with('{')) {
        let record: Value = serde_json::from_str(line).expect("a record");
        let (map, inner) = match (record.get("node"), record.get("edge")) {
            (Some(node), _) => (&mut nodes, node),
            (_, Some(edge)) => (&mut edges, edge),
            _ => panic!("neither node nor edge: {line}"),
        };
        map.insert(inner["id"].as_str().expect("an id").to_owned(), inner.clone());
    }
    (nodes, edges)
}

/// What networkx read from `file`, rebuilt as records by `read_export.py`.
fn networkx_read(format: &str, file: &Path) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/read_export.py");
    let output = Command::new(python()).arg(&script).arg(format).arg(file).output().expect("run python");
    assert!(output.status.success(), "networkx could not read the {format} export: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("the reader's JSON")
}

fn by_id(items: &Value) -> BTreeMap<String, Value> {
    items.as_array().expect("a list").iter().map(|item| (item["id"].as_str().expect("an id").to_owned(), item.clone())).collect()
}

/// Exports the store in `data` as GraphML and GEXF and checks that networkx reads back every node and
/// edge with every field the JSON export has, and a `viz:position` for every node with coordinates.
fn assert_networkx_reads_back_everything(data: &Path, fields: &[&str]) {
    let (nodes, edges) = records(&export(data, "json"));
    for field in fields {
        let present = nodes.values().chain(edges.values()).any(|record| record.get(*field).is_some());
        assert!(present, "the graph has a record with `{field}`, so the comparison covers it");
    }
    for format in ["graphml", "gexf"] {
        let file = data.join(format!("export.{format}"));
        std::fs::write(&file, export(data, format)).expect("write the export");
        let read = networkx_read(format, &file);
        assert_eq!(read["directed"], true, "{format}: a directed graph");
        let (read_nodes, read_edges) = (by_id(&read["nodes"]), by_id(&read["edges"]));
        assert_eq!(read_nodes.len(), nodes.len(), "{format}: every node");
        assert_eq!(read_edges.len(), edges.len(), "{format}: every edge, parallel ones included");
        for (id, node) in &nodes {
            assert_eq!(read_nodes.get(id), Some(node), "{format}: node {id} with all its fields");
        }
        for (id, edge) in &edges {
            assert_eq!(read_edges.get(id), Some(edge), "{format}: edge {id} with all its fields");
        }
        if format == "gexf" {
            let positions = read["positions"].as_object().expect("positions");
            let located: Vec<_> = nodes.values().filter(|node| node.get("location").is_some()).collect();
            assert_eq!(positions.len(), located.len(), "a viz:position for every node with coordinates");
            for node in located {
                let position = &positions[node["id"].as_str().expect("id")];
                assert_eq!((&position[0], &position[1]), (&node["location"]["lon"], &node["location"]["lat"]), "x = lon, y = lat");
            }
        }
    }
}

#[test]
fn graphml_and_gexf_of_the_seed_read_back_in_networkx_with_every_node_edge_and_field() {
    let data = seeded();
    let fields = [
        "location",
        "role",
        "iatiRole",
        "from",
        "to",
        "start",
        "end",
        "amountUsd",
        "sdgs",
        "aliases",
        "description",
        "region",
        "sectors",
        "support",
        "languages",
    ];
    assert_networkx_reads_back_everything(data.path(), &fields);
}

#[test]
fn graphml_and_gexf_of_a_generated_graph_read_back_in_networkx() {
    let dir = tempfile::tempdir().expect("dir");
    let (_, data) = crate::server::generated_store(dir.path(), 3000, 12_000, 11);
    assert_networkx_reads_back_everything(&data, &["location", "role", "iatiRole", "from", "start", "end", "sdgs", "acronym"]);
}

/// Exports the store in `data` as CSV sheets, imports them into an empty store and checks that its JSON
/// export is the original's, byte for byte; importing them again (in the other order) changes nothing.
fn assert_csv_round_trips(data: &Path) {
    let original = export(data, "json");
    let sheets = data.join("sheets");
    let written = run(&["export", "--data", &data.display().to_string(), "--format", "csv", "--out", &sheets.display().to_string()]);
    assert!(written.status.success(), "{}", String::from_utf8_lossy(&written.stderr));
    let elements = sheets.join("elements.csv").display().to_string();
    let connections = sheets.join("connections.csv").display().to_string();
    let header = std::fs::read_to_string(&elements).expect("elements.csv");
    assert!(header.starts_with("ID,Type,Label,Acronym,Aliases,Description,Latitude,Longitude,"), "{}", &header[..80]);

    let data_arg = data.display().to_string();
    let no_dir = run(&["export", "--data", &data_arg, "--format", "csv"]);
    assert_eq!(no_dir.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&no_dir.stderr).contains("give the directory with --out DIR"));
    let stray_dir = run(&["export", "--data", &data_arg, "--format", "gexf", "--out", &sheets.display().to_string()]);
    assert_eq!(stray_dir.status.code(), Some(1), "--out is for csv only");

    let fresh = tempfile::tempdir().expect("dir");
    let store = fresh.path().display().to_string();
    let imported = run(&["import", "--data", &store, &elements, &connections]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    assert_eq!(export(fresh.path(), "json"), original, "csv export → import → json export is byte-identical");

    let again = run(&["import", "--data", &store, &connections, &elements]);
    assert!(again.status.success());
    let summary = String::from_utf8_lossy(&again.stdout);
    assert!(summary.contains("0 nodes created, 0 updated") && summary.contains("0 edges created, 0 updated"), "{summary}");
}

#[test]
fn csv_sheets_of_the_seed_round_trip_byte_for_byte_and_twice_change_nothing() {
    assert_csv_round_trips(seeded().path());
}

#[test]
fn csv_sheets_of_a_generated_graph_round_trip_byte_for_byte() {
    let dir = tempfile::tempdir().expect("dir");
    let (_, data) = crate::server::generated_store(dir.path(), 3000, 12_000, 13);
    assert_csv_round_trips(&data);
}

#[test]
fn csv_problems_name_their_sheet_and_line_in_validate_and_import_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("dir");
    let elements = dir.path().join("elements.csv");
    let connections = dir.path().join("connections.csv");
    std::fs::write(&elements, "ID,Label,Sources\nagency:a,Agency A,d.txt\nagency:b,,d.txt\n").expect("write");
    std::fs::write(
        &connections,
        "From,To,Type,Valid From,Sources\nagency:a,agency:b,PART_OF,2020,d.txt\nagency:a,agency:zz,PART_OF,someday,d.txt\nagency:b,agency:a,PART_OF,,\n",
    )
    .expect("write");
    let store = dir.path().join("store").display().to_string();
    let (elements, connections) = (elements.display().to_string(), connections.display().to_string());
    let checked = run(&["validate", &elements, &connections]);
    let output = run(&["import", "--data", &store, &elements, &connections]);
    for (command, output, report) in [("validate", &checked, &checked.stdout), ("import", &output, &output.stderr)] {
        assert_eq!(output.status.code(), Some(1), "{command}");
        let report = String::from_utf8_lossy(report);
        for expected in [
            "elements.csv:3: `agency:b` has an empty name",
            "connections.csv:3: not a valid record: column `Valid From`",
            "connections.csv:4: `agency:b>part_of>agency:a` has no sources",
            "3 problem(s)",
        ] {
            assert!(report.contains(expected), "{command}: missing {expected:?} in:\n{report}");
        }
    }
    assert!(export(Path::new(&store), "json").lines().all(|line| line.starts_with("//")), "nothing was written");
}

/// GET `path` on `server`: (status, content type, content disposition, truncated header, body).
async fn download(server: &Server, path: &str) -> (u16, String, String, String, String) {
    let response = reqwest::get(format!("{}{path}", server.base)).await.expect("GET");
    let header =
        |name: &str| response.headers().get(name).map(|value| value.to_str().expect("ASCII header").to_owned()).unwrap_or_default();
    let (content_type, disposition, truncated) =
        (header("content-type"), header("content-disposition"), header("x-partnergraph-truncated"));
    (response.status().as_u16(), content_type, disposition, truncated, response.text().await.expect("body"))
}

#[tokio::test]
async fn a_neighbourhood_downloads_over_http_in_every_format_as_graphql_answers_it() {
    let data = seeded();
    let server = Server::start(data.path());
    let answer = crate::server::query(
        &server,
        r#"{ neighborhood(id: "agency:undp", depth: 2, asOf: "2015") { nodes { id } edges { id } truncated } }"#,
    )
    .await;
    let ids = |list: &Value| -> Vec<String> {
        let mut ids: Vec<String> = list.as_array().expect("list").iter().map(|item| item["id"].as_str().expect("id").to_owned()).collect();
        ids.sort();
        ids
    };
    let (want_nodes, want_edges) = (ids(&answer["data"]["neighborhood"]["nodes"]), ids(&answer["data"]["neighborhood"]["edges"]));
    assert!(want_nodes.len() > 10 && want_edges.len() > 10, "{answer}");
    let query = "?focus=agency:undp&depth=2&asOf=2015";

    let (status, content_type, disposition, truncated, body) = download(&server, &format!("/export/json{query}")).await;
    assert_eq!((status, content_type.as_str(), truncated.as_str()), (200, "application/x-ndjson; charset=utf-8", "false"));
    assert_eq!(disposition, "attachment; filename=\"partnergraph-agency-undp-depth2.jsonl\"");
    let (nodes, edges) = records(&body);
    assert_eq!(
        (nodes.keys().cloned().collect::<Vec<_>>(), edges.keys().cloned().collect::<Vec<_>>()),
        (want_nodes.clone(), want_edges.clone())
    );
    assert!(edges.values().all(|edge| edge["sources"].as_array().is_some_and(|sources| !sources.is_empty())), "edges keep their sources");

    for (format, media) in [("graphml", "application/graphml+xml"), ("gexf", "application/gexf+xml")] {
        let (status, content_type, disposition, _, body) = download(&server, &format!("/export/{format}{query}")).await;
        assert_eq!(status, 200, "{body}");
        assert!(content_type.starts_with(media), "{content_type}");
        assert!(disposition.ends_with(&format!("depth2.{format}\"")), "{disposition}");
        assert!(body.len() > 64 * 1024, "{format}: a download of several streamed chunks ({} bytes)", body.len());
        let file = data.path().join(format!("neighbourhood.{format}"));
        std::fs::write(&file, body).expect("write");
        let read = networkx_read(format, &file);
        let (read_nodes, read_edges) = (by_id(&read["nodes"]), by_id(&read["edges"]));
        assert_eq!(read_nodes.keys().cloned().collect::<Vec<_>>(), want_nodes, "{format}: the neighbourhood's nodes");
        assert_eq!(read_edges.keys().cloned().collect::<Vec<_>>(), want_edges, "{format}: the neighbourhood's edges");
        for (id, node) in &nodes {
            assert_eq!(read_nodes.get(id), Some(node), "{format}: node {id} with all its fields");
        }
    }

    for (sheet, want) in [("elements", &want_nodes), ("connections", &want_edges)] {
        let (status, content_type, disposition, _, body) = download(&server, &format!("/export/csv{query}&sheet={sheet}")).await;
        assert_eq!(status, 200, "{body}");
        assert!(content_type.starts_with("text/csv"), "{content_type}");
        assert!(disposition.ends_with(&format!("depth2-{sheet}.csv\"")), "{disposition}");
        assert!(body.starts_with("ID,"), "{sheet}: a header row");
        let mut rows: Vec<String> =
            csv::Reader::from_reader(body.as_bytes()).records().map(|row| row.expect("a CSV row")[0].to_owned()).collect();
        rows.sort();
        assert_eq!(&rows, want, "{sheet}: a row per record");
    }

    let filtered = crate::server::query(
        &server,
        r#"{ neighborhood(id: "agency:undp", depth: 2, kinds: [AGENCY, COUNTRY], edgeTypes: [PARTICIPATES_IN, PART_OF]) { nodes { id } edges { id } } }"#,
    )
    .await;
    let (status, _, _, _, body) =
        download(&server, "/export/json?focus=agency:undp&depth=2&kinds=AGENCY,COUNTRY&edgeTypes=PARTICIPATES_IN,PART_OF").await;
    assert_eq!(status, 200, "{body}");
    let (nodes, edges) = records(&body);
    assert_eq!(nodes.keys().cloned().collect::<Vec<_>>(), ids(&filtered["data"]["neighborhood"]["nodes"]), "kinds filter as in GraphQL");
    assert_eq!(edges.keys().cloned().collect::<Vec<_>>(), ids(&filtered["data"]["neighborhood"]["edges"]), "edge types as in GraphQL");
    assert!(nodes.len() > 1 && !edges.is_empty(), "the filtered neighbourhood is not trivial: {body}");
    assert!(nodes.keys().all(|id| id.starts_with("agency:") || id.starts_with("country:")), "{body}");

    let (status, _, _, truncated, body) = download(&server, "/export/json?focus=agency:undp&depth=2&limit=3").await;
    assert_eq!((status, truncated.as_str()), (200, "true"));
    assert_eq!(records(&body).0.len(), 3, "the limit bounds the nodes");
}

#[tokio::test]
async fn bad_export_requests_get_typed_json_errors() {
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start(dir.path());
    for (path, status, code) in [
        ("/export/gexf", 400, "BAD_USER_INPUT"),
        ("/export/gexf?focus=not%20an%20id", 400, "BAD_USER_INPUT"),
        ("/export/gexf?focus=agency:nobody", 404, "NOT_FOUND"),
        ("/export/gexf?focus=agency:undp&depth=7", 400, "BAD_USER_INPUT"),
        ("/export/gexf?focus=agency:undp&depth=two", 400, "BAD_USER_INPUT"),
        ("/export/gexf?focus=agency:undp&limit=0", 400, "BAD_USER_INPUT"),
        ("/export/gexf?focus=agency:undp&asOf=2015-13", 400, "BAD_USER_INPUT"),
        ("/export/csv?focus=agency:undp", 400, "BAD_USER_INPUT"),
        ("/export/gexf?focus=agency:undp&kinds=AGENCY,PLANET", 400, "BAD_USER_INPUT"),
        ("/export/gexf?focus=agency:undp&edgeTypes=LIKES", 400, "BAD_USER_INPUT"),
        ("/export/json?focus=agency:undp&sheet=elements", 400, "BAD_USER_INPUT"),
        ("/export/pdf?focus=agency:undp", 404, "NOT_FOUND"),
    ] {
        let (got, content_type, _, _, body) = download(&server, path).await;
        assert_eq!(got, status, "{path}: {body}");
        assert!(content_type.starts_with("application/json"), "{path}: {content_type}");
        let error: Value = serde_json::from_str(&body).expect("a JSON error");
        assert_eq!(error["errors"][0]["extensions"]["code"], code, "{path}: {body}");
        assert!(error["errors"][0]["message"].as_str().is_some_and(|message| !message.is_empty()), "{path}");
    }
}

#[test]
fn csv_sheets_of_an_iati_activity_and_an_analysts_correction_round_trip_byte_for_byte() {
    let data = seeded();
    let store = data.path().display().to_string();
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/iati/activity-standard-example-annotated.xml");
    let imported = run(&["import", "--data", &store, &fixture.display().to_string()]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let correction = data.path().join("correction.jsonl");
    let edge = "agency:iati-bb-bbb-123456789>participates_in>agreement:iati-aa-aaa-123456789-abc123~funding";
    std::fs::write(
        &correction,
        format!(
            r#"{{"edge": {{"id": "{edge}", "type": "PARTICIPATES_IN", "source": "agency:iati-bb-bbb-123456789", "target": "agreement:iati-aa-aaa-123456789-abc123", "role": "FACILITATING", "sources": [{{"document": "notes.txt", "paragraph": 2}}]}}}}"#
        ),
    )
    .expect("write");
    let corrected = run(&["import", "--data", &store, &correction.display().to_string()]);
    assert!(corrected.status.success(), "{}", String::from_utf8_lossy(&corrected.stderr));
    let json = export(data.path(), "json");
    let line = json.lines().find(|line| line.contains(&format!(r#""id":"{edge}""#))).expect("the corrected edge");
    assert!(line.contains(r#""role":"FACILITATING""#) && line.contains(r#""claims":["#), "{line}");
    assert!(
        json.contains(r#""status":"IMPLEMENTATION""#) && json.contains(r#""amounts":[{"kind":"BUDGET","currency":"EUR","value":3000.0}]"#)
    );
    assert_csv_round_trips(data.path());
}
