//! Streaming an import file into staged records: each block of lines is parsed, checked record by record
//! and staged in stored form ([`Staged`]) on every core, and its parsed records are dropped before the next
//! block is read. What stays in memory is the staged bytes and the checker's ids, not the parsed file.
//! Once any problem is known nothing will be written, so staging stops and only checking goes on.

use std::collections::HashMap;

use partnergraph_schema::dataset::{self, Checker, Dataset, Lined, Problem};
use partnergraph_schema::hash::IdMap;
use partnergraph_schema::wire::Place;
use partnergraph_schema::{EdgeRecord, NodeId, NodeKind, NodeRecord};

use crate::store::{GraphStore, Staged, StoreError};

/// Blocks with fewer records than this are staged on the calling thread.
const PARALLEL_MIN_RECORDS: usize = 4096;
/// At most this many staging threads, whatever the machine has.
const MAX_THREADS: usize = 8;

/// A file read so far: its staged records, its checker, and its places (merged once it is valid).
#[derive(Debug, Default)]
pub(super) struct Staging {
    staged: Staged,
    checker: Checker,
    places: Vec<Place>,
    checking: std::time::Duration,
    staging: std::time::Duration,
}

impl Staging {
    /// Checks and stages every block `read` hands over (a file read by [`dataset::read_blocks`], say).
    /// Fails only if `read` fails.
    pub(super) fn read_with(read: impl FnOnce(&mut dyn FnMut(Dataset, Vec<Problem>)) -> std::io::Result<()>) -> std::io::Result<Staging> {
        let mut staging = Staging::default();
        read(&mut |block, problems| staging.add(block, problems))?;
        tracing::debug!(checking_ms = staging.checking.as_millis(), staging_ms = staging.staging.as_millis(), "import: read");
        Ok(staging)
    }

    /// Records staged so far, and the bytes they take: (nodes, edges, bytes).
    pub(super) fn counts(&self) -> (usize, usize, usize) {
        (self.staged.node_count(), self.staged.edge_count(), self.staged.heap_bytes())
    }

    fn add(&mut self, block: Dataset, problems: Vec<Problem>) {
        self.checker.extend(problems);
        let started = std::time::Instant::now();
        self.checker.block(&block);
        self.places.extend(block.places.into_iter().map(|place| place.record));
        let checked = std::time::Instant::now();
        self.checking += checked - started;
        if self.checker.problem_count() > 0 {
            // Nothing of this file will be written: free what was staged and stage no more.
            self.staged = Staged::default();
        } else {
            stage(&mut self.staged, &block.nodes, &block.edges);
        }
        self.staging += checked.elapsed();
    }

    /// Finishes the checks against `store` (edges may point at nodes it already holds) and returns the
    /// staged records with the places merged, or every problem of the file, sorted by line.
    pub(super) async fn finish(self, store: &dyn GraphStore) -> Result<Result<Staged, Vec<Problem>>, StoreError> {
        let Staging { mut staged, checker, places, .. } = self;
        let problems = finish_checks(checker, store).await?;
        if !problems.is_empty() {
            return Ok(Err(problems));
        }
        merge_places(&mut staged, &places)?;
        crate::io::merge::merge_existing(store, &mut staged).await?;
        Ok(Ok(staged))
    }
}

/// Finishes `checker`'s checks with the nodes `store` holds (edges may point at them): every problem of
/// the file, sorted by line.
pub(super) async fn finish_checks(checker: Checker, store: &dyn GraphStore) -> Result<Vec<Problem>, StoreError> {
    let external = checker.external_endpoints();
    let mut existing: HashMap<NodeId, NodeKind> = HashMap::new();
    for (id, found) in external.iter().zip(store.nodes(&external).await?) {
        if let Some(node) = found {
            existing.insert(id.clone(), node.kind);
        }
    }
    Ok(checker.finish(&existing))
}

/// Copies each place into the staged country or city it names (a later place for the same node wins, as
/// in [`Dataset::merge_places`]). The checker has made sure every place names one.
fn merge_places(staged: &mut Staged, places: &[Place]) -> Result<(), StoreError> {
    if places.is_empty() {
        return Ok(());
    }
    let by_node: IdMap<&str, &Place> = places.iter().map(|place| (place.id.as_str(), place)).collect();
    for index in 0..staged.node_count() {
        let Some(place) = by_node.get(staged.node_id(index)).copied() else { continue };
        let mut node = staged.decode_node(index)?;
        if dataset::apply_place(&mut node, place) {
            staged.replace_node(index, &node);
        }
    }
    Ok(())
}

/// Stages `nodes` and `edges` after what `staged` holds, in order, encoding on every core.
fn stage(staged: &mut Staged, nodes: &[Lined<NodeRecord>], edges: &[Lined<EdgeRecord>]) {
    let threads = std::thread::available_parallelism().map_or(1, |count| count.get()).min(MAX_THREADS);
    let stage_part = |nodes: &[Lined<NodeRecord>], edges: &[Lined<EdgeRecord>]| {
        let mut part = Staged::default();
        nodes.iter().for_each(|node| part.push_node(&node.record));
        edges.iter().for_each(|edge| part.push_edge(&edge.record));
        part
    };
    if threads < 2 || nodes.len() + edges.len() < PARALLEL_MIN_RECORDS {
        staged.append(stage_part(nodes, edges));
        return;
    }
    let slice = |items: usize, part: usize| (items * part / threads)..(items * (part + 1) / threads);
    let parts: Vec<Staged> = std::thread::scope(|scope| {
        let stage_part = &stage_part;
        let helpers: Vec<_> = (1..threads)
            .map(|part| {
                let (node_range, edge_range) = (slice(nodes.len(), part), slice(edges.len(), part));
                scope.spawn(move || stage_part(&nodes[node_range], &edges[edge_range]))
            })
            .collect();
        let mut parts = vec![stage_part(&nodes[slice(nodes.len(), 0)], &edges[slice(edges.len(), 0)])];
        for helper in helpers {
            parts.push(helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        parts
    });
    for part in parts {
        staged.append(part);
    }
}
