//! Fitting mapped records into the dataset's limits (`schema/data/README.md`, "Limits"): real IATI files
//! hold titles, descriptions and identifiers of any length, and a record over a limit would refuse the whole
//! file. A text over its limit is cut at a character boundary, a list to its length, each with a warning
//! naming the record and the field; nothing else changes.

use partnergraph_schema::dataset::limits::{
    MAX_ACRONYM_BYTES, MAX_ALIAS_BYTES, MAX_ALIASES, MAX_DESCRIPTION_BYTES, MAX_DOCUMENT_BYTES, MAX_NAME_BYTES, MAX_QUOTE_CHARS,
    MAX_SOURCES, MAX_TRANSLATED_DESCRIPTION_BYTES, MAX_TRANSLATIONS,
};
use partnergraph_schema::{EdgeRecord, NodeRecord, Source};

/// The fields of `node` cut to fit, in order (empty when it fit).
pub(super) fn fit_node(node: &mut NodeRecord) -> Vec<&'static str> {
    let mut cut = Vec::new();
    if cut_bytes(&mut node.name, MAX_NAME_BYTES) {
        cut.push("name");
    }
    if node.acronym.as_mut().is_some_and(|acronym| cut_bytes(acronym, MAX_ACRONYM_BYTES)) {
        cut.push("acronym");
    }
    if node.description.as_mut().is_some_and(|description| cut_bytes(description, MAX_DESCRIPTION_BYTES)) {
        cut.push("description");
    }
    let mut aliases_cut = node.aliases.len() > MAX_ALIASES;
    node.aliases.truncate(MAX_ALIASES);
    for alias in &mut node.aliases {
        aliases_cut |= cut_bytes(alias, MAX_ALIAS_BYTES);
    }
    if aliases_cut {
        cut.push("aliases");
    }
    let mut translations_cut = node.translations.len() > MAX_TRANSLATIONS;
    node.translations.truncate(MAX_TRANSLATIONS);
    for translation in &mut node.translations {
        translations_cut |= translation.name.as_mut().is_some_and(|name| cut_bytes(name, MAX_NAME_BYTES));
        translations_cut |= translation.description.as_mut().is_some_and(|text| cut_bytes(text, MAX_TRANSLATED_DESCRIPTION_BYTES));
    }
    if translations_cut {
        cut.push("translations");
    }
    if fit_sources(&mut node.sources) {
        cut.push("sources");
    }
    cut
}

/// The fields of `edge` cut to fit.
pub(super) fn fit_edge(edge: &mut EdgeRecord) -> Vec<&'static str> {
    if fit_sources(&mut edge.sources) { vec!["sources"] } else { Vec::new() }
}

fn fit_sources(sources: &mut Vec<Source>) -> bool {
    let mut cut = sources.len() > MAX_SOURCES;
    sources.truncate(MAX_SOURCES);
    for source in sources {
        cut |= cut_bytes(&mut source.document, MAX_DOCUMENT_BYTES);
        if let Some(quote) = &mut source.quote
            && let Some((at, _)) = quote.char_indices().nth(MAX_QUOTE_CHARS)
        {
            quote.truncate(at);
            cut = true;
        }
    }
    cut
}

/// Cuts `text` to at most `max` bytes at a character boundary; whether it was cut.
fn cut_bytes(text: &mut String, max: usize) -> bool {
    if text.len() <= max {
        return false;
    }
    let at = (0..=max).rev().find(|&at| text.is_char_boundary(at)).unwrap_or(0);
    text.truncate(at);
    true
}

#[cfg(test)]
mod tests {
    use partnergraph_schema::NodeId;

    use super::*;

    #[test]
    fn long_fields_are_cut_at_character_boundaries_and_named() {
        let id = NodeId::parse("agreement:iati-x").expect("id");
        let quote = "é".repeat(400);
        let mut node =
            NodeRecord::new(id, "ü".repeat(600), vec![Source { document: "f.xml".into(), paragraph: Some(3), quote: Some(quote) }]);
        node.description = Some("d".repeat(MAX_DESCRIPTION_BYTES + 10));
        node.aliases = vec!["a".into(); MAX_ALIASES + 5];
        let translation = |language: &str| partnergraph_schema::Translation {
            language: language.into(),
            name: None,
            description: Some("t".repeat(MAX_TRANSLATED_DESCRIPTION_BYTES + 1)),
        };
        node.translations = (0..MAX_TRANSLATIONS + 2).map(|n| translation(&format!("a{n}"))).collect();
        assert_eq!(fit_node(&mut node), ["name", "description", "aliases", "translations", "sources"]);
        assert_eq!(node.translations.len(), MAX_TRANSLATIONS);
        assert!(
            node.translations
                .iter()
                .all(|translation| translation.description.as_ref().map(String::len) == Some(MAX_TRANSLATED_DESCRIPTION_BYTES))
        );
        assert!(node.name.len() <= MAX_NAME_BYTES && node.name.chars().all(|c| c == 'ü'));
        assert_eq!(node.description.as_ref().map(String::len), Some(MAX_DESCRIPTION_BYTES));
        assert_eq!(node.aliases.len(), MAX_ALIASES);
        assert_eq!(node.sources[0].quote.as_ref().map(|quote| quote.chars().count()), Some(MAX_QUOTE_CHARS));
        assert!(fit_node(&mut node).is_empty(), "a fitted record fits");
    }
}
