//! The floor of a neighbourhood answer, for BENCHMARKS.md (issue 19): only the work no server can skip.
//! It holds the store's in-memory topology (built or loaded as `serve` does), and for each agreement named
//! in a bodies file (`scripts/bench/bodies.py ... neighborhood2`) walks its depth-2 neighbourhood (limit
//! 500) breadth first over the ranked adjacency and writes `{"data":{"neighborhood":{"nodes":[{"id","name",
//! "kind"}],"edges":[{"source","target","type"}],"truncated"}}}` into a buffer. No HTTP, no GraphQL, no
//! snapshot, no limits, no cancellation. Prints the mean time per answer.
//!
//! `cargo run --release -p partnergraph --example read_floor -- STORE_DIR BODIES_FILE`

use std::collections::HashSet;
use std::time::Instant;

use partnergraph::store::{EdgeFilter, EmbeddedStore, GraphRead, IndexMode};
use partnergraph_schema::NodeId;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, store, bodies] = args.as_slice() else {
        return Err("usage: read_floor STORE_DIR BODIES_FILE".into());
    };
    let store = EmbeddedStore::open_with(std::path::Path::new(store), IndexMode::Blocking)?;
    let topology = store.ranked().await?.ok_or("no in-memory topology")?;
    let text = std::fs::read_to_string(bodies)?;
    let centres: Vec<u32> = text
        .split("\"agreement:")
        .skip(1)
        .filter_map(|rest| rest.split('\\').next())
        .filter_map(|slug| NodeId::parse(format!("agreement:{slug}")).ok())
        .filter_map(|id| topology.node_rank(&id))
        .collect();
    let filter = EdgeFilter::default();
    let mut out = Vec::with_capacity(1 << 20);
    let mut bytes = 0;
    let started = Instant::now();
    for centre in &centres {
        out.clear();
        let mut seen = HashSet::from([*centre]);
        let (mut nodes, mut edges, mut frontier, mut truncated) = (vec![*centre], Vec::new(), vec![*centre], false);
        for _ in 0..2 {
            let mut added = Vec::new();
            let mut after = None;
            'level: loop {
                // Pages of 1,000 edges, as the service reads them: a hub costs what the limit needs.
                let page = topology.expand_ranks(&frontier, &filter, after, 1000);
                let exhausted = page.len() < 1000;
                after = page.last().map(|edge| edge.edge);
                for edge in page {
                    for end in [edge.source, edge.target] {
                        if !seen.contains(&end) {
                            if nodes.len() + added.len() >= 500 {
                                truncated = true;
                                break 'level;
                            }
                            seen.insert(end);
                            added.push(end);
                        }
                    }
                    edges.push(edge);
                }
                if exhausted {
                    break;
                }
            }
            nodes.extend(&added);
            frontier = added;
            if truncated {
                break;
            }
        }
        edges.retain(|edge| seen.contains(&edge.source) && seen.contains(&edge.target));
        edges.sort_unstable_by_key(|edge| edge.edge);
        edges.dedup_by_key(|edge| edge.edge);
        out.extend_from_slice(b"{\"data\":{\"neighborhood\":{\"nodes\":[");
        for (at, node) in nodes.iter().enumerate() {
            let id = topology.node_str(*node).ok_or("rank")?;
            let names = topology.node_names(*node)?;
            out.extend_from_slice(if at == 0 { b"{\"id\":" } else { b",{\"id\":" });
            serde_json::to_writer(&mut out, id)?;
            out.extend_from_slice(b",\"name\":");
            serde_json::to_writer(&mut out, &names.name)?;
            out.extend_from_slice(b",\"kind\":");
            serde_json::to_writer(&mut out, &id.split(':').next().unwrap_or_default().to_uppercase())?;
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"edges\":[");
        for (at, edge) in edges.iter().enumerate() {
            let link = topology.link_view(edge.edge).ok_or("rank")?;
            out.extend_from_slice(if at == 0 { b"{\"source\":" } else { b",{\"source\":" });
            serde_json::to_writer(&mut out, link.source)?;
            out.extend_from_slice(b",\"target\":");
            serde_json::to_writer(&mut out, link.target)?;
            out.extend_from_slice(b",\"type\":");
            serde_json::to_writer(&mut out, link.edge_type.as_str())?;
            out.push(b'}');
        }
        out.extend_from_slice(if truncated { b"],\"truncated\":true}}}" } else { b"],\"truncated\":false}}}" });
        bytes += out.len();
    }
    let elapsed = started.elapsed();
    println!(
        "read_floor: {} answers, {:.1} µs per answer, {} bytes per answer",
        centres.len(),
        elapsed.as_secs_f64() * 1e6 / centres.len().max(1) as f64,
        bytes / centres.len().max(1)
    );
    Ok(())
}
