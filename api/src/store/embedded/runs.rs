//! The first distinct edges of several sorted runs (a level's incident lists), without merging them one
//! edge at a time.
//!
//! A heap that pops one edge per step costs a few comparisons and a sift per edge; around a hub a level
//! takes 10,000. Here a bound is bisected instead (counting, by binary search in each run, the edges
//! below it), the edges below it are taken from each run at once, then merged (a stable sort of the sorted pieces) and deduplicated: the
//! same edges in the same order as the merge, for a few hundred comparisons plus one sort.

/// The first `limit` distinct edges of `runs` (each sorted, ascending), ascending: what merging the runs
/// and skipping repeats would give.
pub(super) fn first_distinct(runs: &[&[u32]], limit: usize) -> Vec<u32> {
    let mut runs: Vec<&[u32]> = runs.iter().copied().filter(|run| !run.is_empty()).collect();
    let mut found = Vec::new();
    while found.len() < limit && !runs.is_empty() {
        let wanted = limit - found.len();
        let below = |bound: u64| -> usize { runs.iter().map(|run| run.partition_point(|edge| u64::from(*edge) < bound)).sum() };
        // The least bound with at least `wanted` edges below it, repeats counted, or past every edge.
        let past = runs.iter().filter_map(|run| run.last()).map(|edge| u64::from(*edge) + 1).max().unwrap_or(0);
        let bound = if below(past) <= wanted {
            past
        } else {
            let (mut low, mut high) = (0, past);
            while low < high {
                let middle = low + (high - low) / 2;
                if below(middle) >= wanted { high = middle } else { low = middle + 1 }
            }
            high
        };
        // Fewer than `wanted` edges lie below `bound − 1`, so at most `wanted` distinct ones below `bound`;
        // every later batch lies above this one, so no repeat spans two batches.
        let start = found.len();
        for run in &mut runs {
            let taken = run.partition_point(|edge| u64::from(*edge) < bound);
            found.extend_from_slice(&run[..taken]);
            *run = &run[taken..];
        }
        // The batch is one sorted piece per run: the stable sort finds the pieces and merges them.
        found[start..].sort();
        let mut kept = start;
        for at in start..found.len() {
            if at == start || found[at] != found[kept - 1] {
                found[kept] = found[at];
                kept += 1;
            }
        }
        found.truncate(kept);
        runs.retain(|run| !run.is_empty());
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Merging one edge at a time, skipping repeats.
    fn merged(runs: &[Vec<u32>], limit: usize) -> Vec<u32> {
        let mut all: Vec<u32> = runs.iter().flatten().copied().collect();
        all.sort_unstable();
        all.dedup();
        all.truncate(limit);
        all
    }

    #[test]
    fn the_same_edges_as_a_merge() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut below = |bound: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % bound
        };
        for _ in 0..2000 {
            let wide = below(2) == 0;
            let spread = 1 + below(if wide { 100_000 } else { 50 });
            let run_count = below(8);
            let mut runs: Vec<Vec<u32>> = Vec::new();
            for _ in 0..run_count {
                let long = below(4) == 0;
                let length = below(if long { 3000 } else { 20 });
                let mut run: Vec<u32> = (0..length).map(|_| below(spread) as u32).collect();
                run.sort_unstable();
                if below(2) == 0 {
                    run.dedup();
                }
                runs.push(run);
            }
            let many = below(3) == 0;
            let limit = below(200) as usize + if many { 2000 } else { 0 };
            let slices: Vec<&[u32]> = runs.iter().map(Vec::as_slice).collect();
            assert_eq!(first_distinct(&slices, limit), merged(&runs, limit), "{limit}");
        }
    }
}
