//! In-process benchmarks of the graph algorithms on the embedded store, at several sizes of the
//! synthetic IATI-shaped graph (`partnergraph bench-data`, seed 1).
//!
//! `PARTNERGRAPH_BENCH_SIZES` lists the node counts (default `10000`; edges are five per node). Each
//! size's store lives in `target/bench/<N>/store` and is generated and imported on first use (the 1M store
//! takes about four minutes to build; `scripts/bench.sh` builds the same one). Run with
//! `cargo bench -p partnergraph --bench graph`; results are in BENCHMARKS.md.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use partnergraph::graph::{Graph, NeighborhoodQuery, PathQuery};
use partnergraph::io::synthetic::{SyntheticSpec, generate};
use partnergraph::store::{EdgeFilter, EmbeddedStore, GraphRead, GraphStore, IndexMode};
use partnergraph_schema::NodeId;

fn store_for(runtime: &tokio::runtime::Runtime, nodes: u64) -> Arc<dyn GraphStore> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../target/bench/{nodes}"));
    let store_dir = dir.join("store");
    let fresh = !store_dir.exists();
    let store = EmbeddedStore::open_with(&store_dir, IndexMode::Blocking).expect("open the benchmark store");
    if fresh {
        let mut text = Vec::new();
        generate(SyntheticSpec { nodes, edges: nodes * 5, seed: 1 }, &mut text).expect("generate");
        let text = String::from_utf8(text).expect("utf-8");
        runtime.block_on(partnergraph::io::import(&store, &text)).expect("import");
    }
    // Any indexed read builds the in-memory topology (blocking mode): do it before measuring.
    runtime.block_on(store.degrees(&[])).expect("build the topology");
    Arc::new(store)
}

fn id(text: String) -> NodeId {
    NodeId::parse(text).expect("benchmark id")
}

fn benchmarks(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let sizes = std::env::var("PARTNERGRAPH_BENCH_SIZES").unwrap_or_else(|_| "10000".to_owned());
    for nodes in sizes.split(',').filter_map(|size| size.trim().parse::<u64>().ok()) {
        let store = store_for(&runtime, nodes);
        let graph = Graph::new(store.clone());
        let agencies = nodes / 20;
        let median = id("agreement:s5000".to_owned());
        let hub = id("agency:s0".to_owned());
        let typical_agency = id(format!("agency:s{}", agencies * 3 / 4));
        let mut group = c.benchmark_group(format!("{nodes}-nodes"));
        group.sample_size(20).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));

        for (name, node) in [("median", &median), ("hub", &hub)] {
            group.bench_function(format!("expand_page/{name}/1000"), |b| {
                b.iter(|| {
                    runtime.block_on(store.expand_page(std::slice::from_ref(node), &EdgeFilter::default(), None, 1000)).expect("expand")
                })
            });
        }
        for (name, node, depth) in [("median", &median, 1), ("median", &median, 2), ("median", &median, 3), ("hub", &hub, 2)] {
            let query = NeighborhoodQuery { depth, limit: 500, ..NeighborhoodQuery::default() };
            group.bench_function(format!("neighborhood/{name}/depth{depth}/limit500"), |b| {
                b.iter(|| black_box(runtime.block_on(graph.neighborhood(node, &query)).expect("neighborhood")))
            });
        }
        // The number of agreements bench-data makes (api/src/io/synthetic.rs, `layout`).
        let agreements =
            nodes - 200.min(nodes / 10) - (nodes / 200).max(10) - (nodes / 20).max(20) - (nodes / 1000).max(2) - (nodes / 100).max(5);
        let mut pair = 0u64;
        let query = PathQuery { max_hops: 4, first: 3, as_of: None };
        group.bench_function("paths/random-agreement-pairs/maxHops4", |b| {
            b.iter(|| {
                pair += 1;
                let from = id(format!("agreement:s{}", (pair * 7919) % agreements));
                let to = id(format!("agreement:s{}", (pair * 104_729) % agreements));
                black_box(runtime.block_on(graph.paths(&from, &to, &query)).expect("paths"))
            })
        });
        group.bench_function("search/ministry-ka/first10", |b| {
            b.iter(|| black_box(runtime.block_on(graph.search("ministry ka", &[], 10)).expect("search")))
        });
        group.bench_function("triangulars/typical-agency/first50", |b| {
            b.iter(|| black_box(runtime.block_on(graph.triangulars(Some(&typical_agency), 50, None)).expect("triangulars")))
        });
        group.finish();
    }
}

criterion_group!(benches, benchmarks);
criterion_main!(benches);
