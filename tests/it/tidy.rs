//! Repository hygiene: module docs everywhere, no oversized files, no skipped tests, and the published
//! SDL in `schema/schema.graphql` equal to what the binary serves.

use std::path::{Path, PathBuf};

use partnergraph_tests::workspace_root;

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() && name != "target" && name != "node_modules" && !name.to_string_lossy().starts_with('.') {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

fn workspace_rust_files() -> Vec<PathBuf> {
    let mut found = Vec::new();
    for crate_dir in ["schema", "api", "widgets", "tests", "tools"] {
        rust_files(&workspace_root().join(crate_dir), &mut found);
    }
    assert!(found.len() > 20, "the walk found the sources");
    found
}

#[test]
fn every_rust_file_opens_with_a_module_doc_and_stays_small() {
    let mut problems = Vec::new();
    for path in workspace_rust_files() {
        let text = std::fs::read_to_string(&path).expect("read source");
        if !text.trim_start().starts_with("//!") {
            problems.push(format!("{}: no //! module doc at the top", path.display()));
        }
        let lines = text.lines().count();
        if lines > 600 {
            problems.push(format!("{}: {lines} lines (keep files under ~600)", path.display()));
        }
        let forbidden = [concat!("#[", "ignore"), concat!("should", "_panic")];
        for pattern in forbidden {
            if text.contains(pattern) {
                problems.push(format!("{}: contains {pattern}", path.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn published_sdl_matches_the_served_schema() {
    let path = workspace_root().join("schema/schema.graphql");
    let published = std::fs::read_to_string(&path).unwrap_or_default();
    let served = partnergraph::gql::sdl();
    assert!(published == served, "schema/schema.graphql is stale: run `cargo run -p partnergraph -- schema > schema/schema.graphql`");
}

#[test]
fn the_sdl_keeps_the_contract_names() {
    let sdl = partnergraph::gql::sdl();
    let contract = [
        "enum NodeKind",
        "enum EdgeType",
        "enum Role",
        "enum IatiRole",
        "scalar Date",
        "type Source",
        "type GeoPoint",
        "interface Node",
        "type Agency implements Node",
        "type Country implements Node",
        "type City implements Node",
        "type Network implements Node",
        "type Agreement implements Node",
        "type Event implements Node",
        "type Participation",
        "type Edge",
        "type Subgraph",
        "type Path",
        "type Triangular",
        "type Partnership",
        "node(id: ID!): Node",
        "nodes(ids: [ID!]!): [Node]!",
        "search(text: String!, kinds: [NodeKind!], first: Int = 10): [Node!]!",
        // Optional arguments added after the contract's (issue 19's `direction`) keep every call valid.
        "neighborhood(id: ID!, depth: Int = 1, kinds: [NodeKind!], edgeTypes: [EdgeType!], asOf: Date, limit: Int = 500",
        "direction: EdgeDirection! = BOTH): Subgraph!",
        "paths(from: ID!, to: ID!, maxHops: Int = 4, first: Int = 3, asOf: Date): [Path!]!",
        "triangulars(involving: ID, first: Int = 50",
        "partners(id: ID!, first: Int = 20): [Partnership!]!",
        "agencies(filter: AgencyFilter, first: Int, after: String): AgencyConnection!",
        "countries(filter: CountryFilter, first: Int, after: String): CountryConnection!",
        "cities(filter: CityFilter, first: Int, after: String): CityConnection!",
        "networks(filter: NetworkFilter, first: Int, after: String): NetworkConnection!",
        "agreements(filter: AgreementFilter, first: Int, after: String): AgreementConnection!",
        "events(filter: EventFilter, first: Int, after: String): EventConnection!",
    ];
    let flat = sdl.split_whitespace().collect::<Vec<_>>().join(" ").replace("( ", "(").replace(" )", ")").replace(", )", ")");
    let missing: Vec<&str> = contract.iter().copied().filter(|item| !flat.contains(item)).collect();
    assert!(missing.is_empty(), "contract items missing from the SDL: {missing:#?}\n{sdl}");
}

/// The wasm-bindgen library the widgets link and the bindgen tool of `scripts/build-widgets.sh` must be
/// the exact same version, or the generated JS glue does not fit the wasm.
#[test]
fn wasm_bindgen_tool_matches_the_widgets() {
    let root = workspace_root();
    let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap_or_else(|err| panic!("{path}: {err}"));
    let pin = |text: &str, name: &str| -> String {
        let line =
            text.lines().find(|line| line.trim_start().starts_with(&format!("{name} = "))).unwrap_or_else(|| panic!("no {name} pin"));
        let version = line.split('"').nth(1).unwrap_or_default();
        assert!(version.starts_with('='), "{name} must be pinned with `=`: {line}");
        version.trim_start_matches('=').to_owned()
    };
    let library = pin(&read("widgets/Cargo.toml"), "wasm-bindgen");
    let tool = pin(&read("tools/wasm-bindgen/Cargo.toml"), "wasm-bindgen-cli-support");
    assert_eq!(library, tool);
    let lock = read("Cargo.lock");
    assert!(lock.contains(&format!("name = \"wasm-bindgen\"\nversion = \"{library}\"")), "Cargo.lock has wasm-bindgen {library}");
}
