//! The seed dataset validates, covers every kind, and every source quote is found verbatim in the
//! paragraph it cites.

use std::collections::{BTreeMap, HashMap};

use partnergraph_schema::{NodeKind, Source, seed};
use partnergraph_tests::{collapse, paragraphs, seed_document};

#[test]
fn seed_dataset_validates_and_covers_every_kind() {
    let dataset = seed::dataset().unwrap_or_else(|problems| panic!("seed problems:\n{}", problems.join("\n")));
    assert!(dataset.nodes.len() >= 200, "a few hundred nodes expected, got {}", dataset.nodes.len());
    assert!(dataset.edges.len() > dataset.nodes.len(), "more edges than nodes expected");
    for kind in NodeKind::ALL {
        assert!(dataset.nodes.iter().any(|node| node.record.kind == *kind), "no {kind} in the seed");
    }
    for node in &dataset.nodes {
        if matches!(node.record.kind, NodeKind::Country | NodeKind::City) {
            assert!(node.record.location.is_some(), "{} has no coordinates (rerun scripts/gen-places.py)", node.record.id);
        }
        if node.record.kind == NodeKind::Country {
            assert!(node.record.region.is_some(), "{} has no region", node.record.id);
        }
    }
}

#[test]
fn every_source_quote_occurs_in_the_paragraph_it_cites() {
    let dataset = seed::dataset().expect("seed validates");
    let mut documents: HashMap<String, BTreeMap<u32, String>> = HashMap::new();
    let sources: Vec<(String, &Source)> = dataset
        .nodes
        .iter()
        .flat_map(|node| node.record.sources.iter().map(|source| (node.record.id.to_string(), source)))
        .chain(dataset.edges.iter().flat_map(|edge| edge.record.sources.iter().map(|source| (edge.record.id.to_string(), source))))
        .collect();
    let mut problems = Vec::new();
    for (id, source) in &sources {
        let paragraphs = documents.entry(source.document.clone()).or_insert_with(|| {
            let text = seed_document(&source.document);
            paragraphs(&source.document, &text).into_iter().collect()
        });
        let Some(paragraph) = source.paragraph else {
            problems.push(format!("{id}: source in {} has no paragraph", source.document));
            continue;
        };
        let Some(text) = paragraphs.get(&paragraph) else {
            problems.push(format!("{id}: {} has no paragraph {paragraph}", source.document));
            continue;
        };
        match &source.quote {
            Some(quote) if text.contains(&collapse(quote)) => {}
            Some(quote) => problems.push(format!("{id}: quote not in {} ¶{paragraph}: {quote}", source.document)),
            None => problems.push(format!("{id}: source in {} ¶{paragraph} has no quote", source.document)),
        }
    }
    assert!(problems.is_empty(), "{} of {} sources fail:\n{}", problems.len(), sources.len(), problems.join("\n"));
    let documents_cited: Vec<&String> = documents.keys().collect();
    assert_eq!(documents_cited.len(), 5, "facts from all five seed documents expected: {documents_cited:?}");
}

#[test]
fn the_secretary_generals_report_has_95_numbered_paragraphs() {
    let name = "001_17ed8f920704fa01.txt";
    let text = seed_document(name);
    let numbered = paragraphs(name, &text);
    assert_eq!(numbered.len(), 95);
    assert_eq!(numbered.last().map(|(number, _)| *number), Some(95));
}
