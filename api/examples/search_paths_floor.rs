//! The floor of search and path answers, for BENCHMARKS.md (issue 19): only the work no server can skip.
//! It holds the store's in-memory topology (built or loaded as `serve` does) and, for each `search` and
//! `paths` body of a bodies file (`scripts/bench/bodies.py`'s mix), does that answer's work over the ranked
//! structure and writes the answer's JSON into a buffer: for search, the two term lookups, the candidates'
//! names ranked (`graph::search::best_ranks`, as the service ranks them) and the first ten written with their kinds; for paths, the two
//! capped balls read level by level as the service reads them, their union numbered in a dense array, the
//! distances to the target, and the simple paths of each length in node-id order written as ids. No HTTP,
//! no GraphQL, no snapshot per request, no records read, no limits checked, one thread.
//! Prints the mean time per answer of each kind, and each answer when given a third argument (to compare
//! with the service's bytes).
//!
//! `cargo run --release -p partnergraph --example search_paths_floor -- STORE_DIR BODIES_FILE [ANSWERS_OUT]`

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use partnergraph::graph::search::{CANDIDATES, best_ranks};
use partnergraph::store::{EdgeFilter, EmbeddedStore, GraphRead, IndexMode, RankedTopology};
use partnergraph_schema::text::fold;
use partnergraph_schema::{NodeId, NodeKind};

/// What a body asks.
enum Ask {
    Search(String, usize),
    Paths(u32, u32, usize, usize),
}

/// The value of `name: "…"` or `name: n` in a body's query text.
fn argument<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    let rest = &body[body.find(&format!("{name}: "))? + name.len() + 2..];
    match rest.strip_prefix("\\\"") {
        Some(quoted) => quoted.split("\\\"").next(),
        None => rest.split([',', ')']).next(),
    }
}

fn ask(body: &str, topology: &dyn RankedTopology) -> Option<Ask> {
    let rank = |name| NodeId::parse(argument(body, name)?).ok().and_then(|id| topology.node_rank(&id));
    if body.contains("search(") {
        Some(Ask::Search(argument(body, "text")?.to_owned(), argument(body, "first")?.parse().ok()?))
    } else if body.contains("paths(") {
        Some(Ask::Paths(rank("from")?, rank("to")?, argument(body, "maxHops")?.parse().ok()?, argument(body, "first")?.parse().ok()?))
    } else {
        None
    }
}

fn search(topology: &dyn RankedTopology, text: &str, first: usize, out: &mut Vec<u8>) -> Result<(), Box<dyn std::error::Error>> {
    let ranked = best_ranks(topology, &fold(text), &[], first, CANDIDATES)?;
    out.extend_from_slice(b"{\"data\":{\"search\":[");
    for (at, rank) in ranked.iter().enumerate() {
        let id = topology.node_str(*rank).ok_or("rank")?;
        let kind = id.split_once(':').and_then(|(prefix, _)| NodeKind::from_id_prefix(prefix)).ok_or("kind")?;
        out.extend_from_slice(if at == 0 { b"{\"id\":" } else { b",{\"id\":" });
        serde_json::to_writer(&mut *out, id)?;
        out.extend_from_slice(b",\"name\":");
        serde_json::to_writer(&mut *out, topology.name_refs(*rank)?.name)?;
        write!(out, ",\"kind\":\"{}\"}}", kind.as_str())?;
    }
    out.extend_from_slice(b"]}}");
    Ok(())
}

/// Numbers given to the nodes met, by rank (`u32::MAX` for none), reset after each answer.
struct Dense {
    number: Vec<u32>,
    ranks: Vec<u32>,
}

impl Dense {
    fn number(&mut self, rank: u32) -> u32 {
        let slot = &mut self.number[rank as usize];
        if *slot == u32::MAX {
            *slot = self.ranks.len() as u32;
            self.ranks.push(rank);
        }
        *slot
    }

    fn reset(&mut self) {
        for rank in self.ranks.drain(..) {
            self.number[rank as usize] = u32::MAX;
        }
    }
}

/// The ball of `radius` around `start`, read as the service reads it: per level the first 10,000 edges by
/// id, at most 10,000 nodes.
fn ball(topology: &dyn RankedTopology, start: u32, radius: usize, seen: &mut Dense, edges: &mut Vec<(u32, u32, u32)>) {
    let before = seen.ranks.len();
    seen.number(start);
    let mut frontier = vec![start];
    for _ in 0..radius {
        if frontier.is_empty() || seen.ranks.len() - before >= 10_000 {
            break;
        }
        let level = topology.expand_ranks(&frontier, &EdgeFilter::default(), None, 10_000);
        frontier.clear();
        for edge in level {
            for end in [edge.source, edge.target] {
                if seen.ranks.len() - before < 10_000 && seen.number[end as usize] == u32::MAX {
                    seen.number(end);
                    frontier.push(end);
                }
            }
            edges.push((edge.edge, edge.source, edge.target));
        }
    }
    seen.reset();
}

fn paths(
    topology: &dyn RankedTopology,
    (from, to, max_hops, first): (u32, u32, usize, usize),
    dense: &mut Dense,
    out: &mut Vec<u8>,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut edges = Vec::new();
    ball(topology, from, max_hops.div_ceil(2), dense, &mut edges);
    ball(topology, to, max_hops / 2, dense, &mut edges);
    // The union's neighbour lists, by node number; parallel edges and loops give no new path.
    let mut neighbours: Vec<Vec<u32>> = Vec::new();
    for (_, source, target) in &edges {
        if source == target {
            continue;
        }
        let (a, b) = (dense.number(*source), dense.number(*target));
        neighbours.resize_with(dense.ranks.len(), Vec::new);
        neighbours[a as usize].push(b);
        neighbours[b as usize].push(a);
    }
    let (start, end) = (dense.number(from), dense.number(to));
    neighbours.resize_with(dense.ranks.len(), Vec::new);
    let mut distance = vec![u32::MAX; neighbours.len()];
    distance[end as usize] = 0;
    let mut queue = std::collections::VecDeque::from([end]);
    while let Some(node) = queue.pop_front() {
        for next in &neighbours[node as usize] {
            if distance[*next as usize] == u32::MAX {
                distance[*next as usize] = distance[node as usize] + 1;
                queue.push_back(*next);
            }
        }
    }
    let mut found: Vec<Vec<u32>> = Vec::new();
    let shortest = distance[start as usize];
    if shortest != u32::MAX {
        let ranks = dense.ranks.clone();
        for list in &mut neighbours {
            list.sort_unstable_by_key(|node| ranks[*node as usize]);
            list.dedup();
        }
        for length in shortest as usize..=max_hops {
            walk(&neighbours, &distance, end, length, first, &mut vec![start], &mut found);
            if found.len() >= first {
                break;
            }
        }
    }
    out.extend_from_slice(b"{\"data\":{\"paths\":[");
    for (at, path) in found.iter().enumerate() {
        out.extend_from_slice(if at == 0 { b"{\"nodes\":[" } else { b",{\"nodes\":[" });
        for (index, node) in path.iter().enumerate() {
            out.extend_from_slice(if index == 0 { b"{\"id\":" } else { b",{\"id\":" });
            serde_json::to_writer(&mut *out, topology.node_str(dense.ranks[*node as usize]).ok_or("rank")?)?;
            out.push(b'}');
        }
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"]}}");
    dense.reset();
    Ok(())
}

/// Simple paths of exactly `length` edges to `end`, neighbours in id order, pruned by the distance to it.
fn walk(neighbours: &[Vec<u32>], distance: &[u32], end: u32, length: usize, first: usize, path: &mut Vec<u32>, found: &mut Vec<Vec<u32>>) {
    let Some(current) = path.last().copied() else { return };
    if found.len() >= first {
        return;
    }
    if current == end {
        if path.len() == length + 1 {
            found.push(path.clone());
        }
        return;
    }
    for next in &neighbours[current as usize] {
        let left = distance[*next as usize];
        if left == u32::MAX || path.len() + left as usize > length || path.contains(next) {
            continue;
        }
        path.push(*next);
        walk(neighbours, distance, end, length, first, path, found);
        path.pop();
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (store, bodies, answers) = match args.as_slice() {
        [_, store, bodies] => (store, bodies, None),
        [_, store, bodies, answers] => (store, bodies, Some(answers)),
        _ => return Err("usage: search_paths_floor STORE_DIR BODIES_FILE [ANSWERS_OUT]".into()),
    };
    let store = EmbeddedStore::open_with(std::path::Path::new(store), IndexMode::Blocking)?;
    let topology: Arc<dyn RankedTopology> = store.ranked().await?.ok_or("no in-memory topology")?;
    let text = std::fs::read_to_string(bodies)?;
    let asks: Vec<Ask> = text.lines().filter_map(|body| ask(body, topology.as_ref())).collect();
    let mut dense = Dense { number: vec![u32::MAX; 1 << 24], ranks: Vec::new() };
    let mut written = Vec::new();
    let (mut spent, mut counts) = ([Duration::ZERO; 2], [0u32; 2]);
    let mut out = Vec::with_capacity(1 << 16);
    for _round in 0..2 {
        spent = [Duration::ZERO; 2];
        counts = [0; 2];
        written.clear();
        for ask in &asks {
            out.clear();
            let started = Instant::now();
            let kind = match ask {
                Ask::Search(text, first) => {
                    search(topology.as_ref(), text, *first, &mut out)?;
                    0
                }
                Ask::Paths(from, to, max_hops, first) => {
                    paths(topology.as_ref(), (*from, *to, *max_hops, *first), &mut dense, &mut out)?;
                    1
                }
            };
            spent[kind] += started.elapsed();
            counts[kind] += 1;
            written.extend_from_slice(&out);
            written.push(b'\n');
        }
    }
    for (kind, name) in ["search", "paths"].iter().enumerate() {
        let mean = spent[kind].as_secs_f64() * 1e6 / f64::from(counts[kind].max(1));
        println!("{name}: {} answers, {mean:.0} µs each (second pass)", counts[kind]);
    }
    if let Some(answers) = answers {
        std::fs::write(answers, &written)?;
    }
    Ok(())
}
