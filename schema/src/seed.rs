//! The seed dataset: facts drawn from the documents in `shared/seeds/`, compiled into the binary.
//!
//! `data/seed.jsonl` holds the facts, each with its document and paragraph; `data/places.jsonl` holds the
//! generated coordinates (`scripts/gen-places.py`). [`dataset`] reads both and merges them.

use crate::dataset::{self, Dataset};

/// The hand-written facts.
pub const SEED_JSONL: &str = include_str!("../data/seed.jsonl");
/// The generated coordinates and regions.
pub const PLACES_JSONL: &str = include_str!("../data/places.jsonl");

/// The seed dataset with coordinates merged, or every problem found as `file line N: message` (a test
/// rules this out).
pub fn dataset() -> Result<Dataset, Vec<String>> {
    let (mut seed, seed_problems) = dataset::parse(SEED_JSONL);
    let (places, place_problems) = dataset::parse(PLACES_JSONL);
    let mut problems: Vec<String> = seed_problems.into_iter().map(label("seed.jsonl")).collect();
    problems.extend(place_problems.into_iter().map(label("places.jsonl")));
    problems.extend(dataset::validate(&seed, &Default::default()).into_iter().map(label("seed.jsonl")));
    seed.places = places.places;
    problems.extend(seed.place_problems().into_iter().map(label("places.jsonl")));
    seed.merge_places();
    if problems.is_empty() { Ok(seed) } else { Err(problems) }
}

fn label(file: &'static str) -> impl Fn(dataset::Problem) -> String {
    move |problem| format!("{file} {problem}")
}
