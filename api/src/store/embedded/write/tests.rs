//! The sorted write path against the record-by-record one: the same batches, written both ways into
//! fresh and into filled stores, must leave byte-identical tables and the same summaries and errors.

use partnergraph_schema::{EdgeId, EdgeRecord, EdgeType, NodeId, NodeRecord, Source};
use redb::{Database, ReadableDatabase, ReadableMultimapTable, ReadableTable};

use super::{write_batch, write_batch_in_order};
use crate::io::synthetic::{SyntheticSpec, generate};
use crate::store::embedded::{ADJACENCY, DEGREE, EDGES, NODES, TERMS};
use crate::store::{Batch, StoreError, WriteSummary};

/// Every table's entries, in key order.
#[derive(Debug, PartialEq)]
struct Dump {
    nodes: Vec<(String, Vec<u8>)>,
    edges: Vec<(String, Vec<u8>)>,
    adjacency: Vec<(String, u8, String)>,
    degree: Vec<(String, u64)>,
    terms: Vec<(String, String)>,
}

fn dump(db: &Database) -> Dump {
    let txn = db.begin_read().expect("read");
    let records = |table: redb::TableDefinition<&str, &[u8]>| {
        let table = txn.open_table(table).expect("table");
        let entries = table.iter().expect("iter").map(|entry| entry.expect("entry"));
        entries.map(|(key, value)| (key.value().to_owned(), value.value().to_vec())).collect::<Vec<_>>()
    };
    let adjacency = txn.open_table(ADJACENCY).expect("adjacency");
    let degree = txn.open_table(DEGREE).expect("degree");
    let terms = txn.open_multimap_table(TERMS).expect("terms");
    let mut term_pairs = Vec::new();
    for entry in terms.iter().expect("iter") {
        let (term, ids) = entry.expect("entry");
        for id in ids {
            term_pairs.push((term.value().to_owned(), id.expect("id").value().to_owned()));
        }
    }
    Dump {
        nodes: records(NODES),
        edges: records(EDGES),
        adjacency: adjacency
            .iter()
            .expect("iter")
            .map(|entry| {
                let (key, _) = entry.expect("entry");
                let (node, edge_type, edge) = key.value();
                (node.to_owned(), edge_type, edge.to_owned())
            })
            .collect(),
        degree: degree
            .iter()
            .expect("iter")
            .map(|entry| {
                let (key, value) = entry.expect("entry");
                (key.value().to_owned(), value.value())
            })
            .collect(),
        terms: term_pairs,
    }
}

/// Two stores, one written through each path.
struct Pair {
    _dir: tempfile::TempDir,
    sorted: Database,
    in_order: Database,
}

impl Pair {
    fn new() -> Pair {
        let dir = tempfile::tempdir().expect("tempdir");
        let sorted = Database::create(dir.path().join("sorted.redb")).expect("create");
        let in_order = Database::create(dir.path().join("in_order.redb")).expect("create");
        Pair { _dir: dir, sorted, in_order }
    }

    /// Writes `batch` both ways; the results must agree, and are returned.
    fn apply(&self, batch: &Batch) -> Result<WriteSummary, StoreError> {
        let write = |db: &Database, in_order: bool| {
            let txn = db.begin_write().expect("write");
            let result = if in_order { write_batch_in_order(&txn, batch.clone()) } else { write_batch(&txn, batch.clone()) };
            if result.is_ok() {
                txn.commit().expect("commit");
            }
            result
        };
        let sorted = write(&self.sorted, false);
        let in_order = write(&self.in_order, true);
        assert_eq!(format!("{sorted:?}"), format!("{in_order:?}"), "same summary or error");
        assert_eq!(dump(&self.sorted), dump(&self.in_order), "same tables");
        sorted
    }
}

fn synthetic(nodes: u64, edges: u64, seed: u64) -> Batch {
    let mut text = Vec::new();
    generate(SyntheticSpec { nodes, edges, seed }, &mut text).expect("generate");
    let text = String::from_utf8(text).expect("utf-8");
    let dataset = partnergraph_schema::dataset::parse_and_validate(&text).expect("valid");
    Batch {
        nodes: dataset.nodes.into_iter().map(|lined| lined.record).collect(),
        edges: dataset.edges.into_iter().map(|lined| lined.record).collect(),
        ..Batch::default()
    }
}

fn sources() -> Vec<Source> {
    vec![Source { document: "test".to_owned(), paragraph: None, quote: None }]
}

fn node(id: &str, name: &str) -> NodeRecord {
    NodeRecord::new(NodeId::parse(id).expect("node id"), name, sources())
}

fn edge(id: &str, source: &str, edge_type: EdgeType, target: &str) -> EdgeRecord {
    EdgeRecord {
        id: EdgeId::parse(id).expect("edge id"),
        edge_type,
        source: NodeId::parse(source).expect("source"),
        target: NodeId::parse(target).expect("target"),
        role: None,
        iati_role: None,
        from: None,
        to: None,
        amount_usd: None,
        sources: sources(),
        claims: Vec::new(),
    }
}

#[test]
fn a_fresh_import_and_a_reimport_write_the_same_tables_both_ways() {
    let pair = Pair::new();
    let batch = synthetic(1000, 5000, 3);
    let first = pair.apply(&batch).expect("import");
    assert_eq!((first.nodes_created, first.edges_created), (1000, 5000));
    let again = pair.apply(&batch).expect("reimport");
    assert_eq!((again.nodes_unchanged, again.edges_unchanged), (1000, 5000));
    assert!(again.is_noop());
}

#[test]
fn an_overlapping_batch_into_a_filled_store_writes_the_same_tables_both_ways() {
    let pair = Pair::new();
    let mut batch = synthetic(1000, 5000, 5);
    let later_nodes = batch.nodes.split_off(600);
    let later_edges = batch.edges.split_off(2500);
    // The first batch: 600 nodes, and the edges among them.
    let first_ids: std::collections::HashSet<NodeId> = batch.nodes.iter().map(|node| node.id.clone()).collect();
    let (first_edges, mut rest): (Vec<EdgeRecord>, Vec<EdgeRecord>) =
        batch.edges.into_iter().partition(|edge| first_ids.contains(&edge.source) && first_ids.contains(&edge.target));
    batch.edges = first_edges;
    pair.apply(&batch).expect("first");

    // The second: renamed and unchanged nodes, new nodes, moved, retyped and unchanged edges, new edges
    // (some only between nodes of the store), and a self-loop.
    let mut second = Batch { nodes: later_nodes, ..Batch::default() };
    for (at, old) in batch.nodes.iter().enumerate().step_by(3) {
        let mut changed = old.clone();
        if at % 2 == 0 {
            changed.name = format!("{} renamed", changed.name);
            changed.aliases.push("Second Name".to_owned());
        }
        second.nodes.push(changed);
    }
    for (at, old) in batch.edges.iter().enumerate().step_by(2) {
        let mut changed = old.clone();
        match at % 3 {
            0 => changed.target = batch.nodes[at % batch.nodes.len()].id.clone(),
            1 => changed.edge_type = EdgeType::PartOf,
            _ => {}
        }
        if changed.source != changed.target {
            second.edges.push(changed);
        }
    }
    rest.extend(later_edges);
    second.edges.extend(rest);
    second.edges.push(edge("loop", batch.nodes[0].id.as_str(), EdgeType::PartOf, batch.nodes[0].id.as_str()));
    let summary = pair.apply(&second).expect("second");
    assert!(summary.nodes_updated > 0 && summary.nodes_unchanged > 0 && summary.nodes_created > 0, "{summary:?}");
    assert!(summary.edges_updated > 0 && summary.edges_unchanged > 0 && summary.edges_created > 0, "{summary:?}");
}

#[test]
fn missing_endpoints_fail_on_the_same_edge_both_ways() {
    let pair = Pair::new();
    pair.apply(&Batch { nodes: vec![node("agency:a", "A"), node("agency:b", "B")], ..Batch::default() }).expect("nodes");
    let batch = Batch {
        nodes: vec![node("agency:c", "C")],
        edges: vec![
            edge("z-ok", "agency:a", EdgeType::PartOf, "agency:c"),
            edge("y-bad", "agency:b", EdgeType::PartOf, "agency:nowhere"),
            edge("a-bad", "agency:gone", EdgeType::PartOf, "agency:a"),
        ],
        ..Batch::default()
    };
    let err = pair.apply(&batch).expect_err("missing endpoint");
    assert!(matches!(&err, StoreError::MissingEndpoint { edge, .. } if edge == "y-bad"), "{err:?}");
}

#[test]
fn repeated_ids_in_one_batch_count_as_in_batch_order() {
    let pair = Pair::new();
    let batch = Batch {
        nodes: vec![node("agency:a", "A"), node("agency:b", "B"), node("agency:a", "A again"), node("agency:b", "B")],
        edges: vec![
            edge("e", "agency:a", EdgeType::PartOf, "agency:b"),
            edge("e", "agency:b", EdgeType::PartOf, "agency:a"),
            edge("f", "agency:a", EdgeType::PartOf, "agency:b"),
        ],
        ..Batch::default()
    };
    let summary = pair.apply(&batch).expect("write");
    assert_eq!((summary.nodes_created, summary.nodes_updated, summary.nodes_unchanged), (2, 1, 1));
    assert_eq!((summary.edges_created, summary.edges_updated), (2, 1));
}

/// Edges of a batch that join its nodes to nodes only the store has, interleaved in id order, while the
/// adjacency table is still empty (the cursor path must still insert every key in order).
#[test]
fn edges_to_store_nodes_into_an_empty_adjacency_write_the_same_tables_both_ways() {
    let pair = Pair::new();
    let stored = ["agency:b", "agency:d", "agency:f"].map(|id| node(id, id));
    pair.apply(&Batch { nodes: stored.to_vec(), ..Batch::default() }).expect("store nodes");
    let batch = Batch {
        nodes: ["agency:g", "agency:a", "agency:e", "agency:c"].map(|id| node(id, id)).to_vec(),
        edges: vec![
            edge("e5", "agency:f", EdgeType::PartOf, "agency:a"),
            edge("e1", "agency:a", EdgeType::PartOf, "agency:b"),
            edge("e3", "agency:d", EdgeType::MemberOf, "agency:g"),
            edge("e2", "agency:c", EdgeType::PartOf, "agency:d"),
            edge("e4", "agency:b", EdgeType::PartOf, "agency:f"),
            edge("e6", "agency:e", EdgeType::PartOf, "agency:e"),
        ],
        ..Batch::default()
    };
    let summary = pair.apply(&batch).expect("write");
    assert_eq!((summary.nodes_created, summary.edges_created), (4, 6));
    let tables = dump(&pair.sorted);
    assert_eq!(tables.adjacency.len(), 11, "two entries per edge, one for the self-loop");
    let degrees: Vec<(&str, u64)> = tables.degree.iter().map(|(node, count)| (node.as_str(), *count)).collect();
    let expected = [("agency:a", 2), ("agency:b", 2), ("agency:c", 1), ("agency:d", 2), ("agency:e", 2), ("agency:f", 2), ("agency:g", 1)];
    assert_eq!(degrees, expected);
}
