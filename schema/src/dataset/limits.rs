//! The size limits of the dataset format (`schema/data/README.md`, "Limits"): how long a line and each
//! text field of a record may be, and how many items a list may hold.
//!
//! They bound what one record can cost to read, store and serve; the seed stays far below every one of
//! them (its longest line is 1.3 KiB, its longest description 199 bytes). Text is measured in bytes of
//! UTF-8, except a quote, which the format measures in characters.

use super::ProblemKind;
use crate::wire::Place;
use crate::{NodeRecord, Source};

/// Longest line, in bytes without its line end. A longer line is reported and skipped unread.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// Longest name, in bytes.
pub const MAX_NAME_BYTES: usize = 1024;
/// Longest acronym, in bytes.
pub const MAX_ACRONYM_BYTES: usize = 128;
/// Longest alias, in bytes.
pub const MAX_ALIAS_BYTES: usize = 1024;
/// Most aliases on one node.
pub const MAX_ALIASES: usize = 100;
/// Longest description, in bytes.
pub const MAX_DESCRIPTION_BYTES: usize = 64 << 10;
/// Longest region (of a country or a place), in bytes.
pub const MAX_REGION_BYTES: usize = 256;
/// Longest credit of a place, in bytes.
pub const MAX_CREDIT_BYTES: usize = 1024;
/// Most sources on one record.
pub const MAX_SOURCES: usize = 1000;
/// Longest source document name, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 1024;
/// Longest quote in a source, in characters (the format says a quote is a short extract).
pub const MAX_QUOTE_CHARS: usize = 300;
/// Most translations of one node (languages other than its own).
pub const MAX_TRANSLATIONS: usize = 10;
/// Longest description in a translation, in bytes.
pub const MAX_TRANSLATED_DESCRIPTION_BYTES: usize = 16 << 10;
/// Most recipients (countries and regions) of one agreement.
pub const MAX_RECIPIENTS: usize = 300;
/// Most amounts of money (kinds × currencies) of one agreement.
pub const MAX_AMOUNTS: usize = 60;
/// Most problems listed for one file: the first ones by line; the others are counted, not kept.
pub const MAX_PROBLEMS: usize = 10_000;

/// A field over its limit: `(field, size found, limit, unit)`.
fn over(id: &str, field: &'static str, size: usize, max: usize, unit: &'static str) -> Option<ProblemKind> {
    (size > max).then(|| ProblemKind::TooLarge { id: id.to_owned(), field, size, max, unit })
}

/// The fields of `node` (its sources included) that are over their limits.
pub(super) fn node_sizes(node: &NodeRecord) -> Vec<ProblemKind> {
    let id = node.id.as_str();
    let mut problems: Vec<ProblemKind> = [
        over(id, "name", node.name.len(), MAX_NAME_BYTES, "bytes"),
        node.acronym.as_ref().and_then(|acronym| over(id, "acronym", acronym.len(), MAX_ACRONYM_BYTES, "bytes")),
        over(id, "aliases", node.aliases.len(), MAX_ALIASES, "items"),
        node.aliases.iter().map(String::len).max().and_then(|longest| over(id, "aliases", longest, MAX_ALIAS_BYTES, "bytes")),
        node.description.as_ref().and_then(|text| over(id, "description", text.len(), MAX_DESCRIPTION_BYTES, "bytes")),
        node.region.as_ref().and_then(|region| over(id, "region", region.len(), MAX_REGION_BYTES, "bytes")),
        over(id, "translations", node.translations.len(), MAX_TRANSLATIONS, "items"),
        node.translations
            .iter()
            .filter_map(|translation| translation.name.as_ref())
            .map(String::len)
            .max()
            .and_then(|longest| over(id, "translations", longest, MAX_NAME_BYTES, "bytes")),
        node.translations
            .iter()
            .filter_map(|translation| translation.description.as_ref())
            .map(String::len)
            .max()
            .and_then(|longest| over(id, "translations", longest, MAX_TRANSLATED_DESCRIPTION_BYTES, "bytes")),
        over(id, "recipients", node.recipients.len(), MAX_RECIPIENTS, "items"),
        over(id, "amounts", node.amounts.len(), MAX_AMOUNTS, "items"),
    ]
    .into_iter()
    .flatten()
    .collect();
    problems.extend(source_sizes(id, &node.sources));
    problems
}

/// The sources of record `id` that are over their limits (one problem per field, for the largest).
pub(super) fn source_sizes(id: &str, sources: &[Source]) -> Vec<ProblemKind> {
    let longest_document = sources.iter().map(|source| source.document.len()).max();
    let longest_quote = sources.iter().filter_map(|source| source.quote.as_ref()).map(|quote| quote.chars().count()).max();
    [
        over(id, "sources", sources.len(), MAX_SOURCES, "items"),
        longest_document.and_then(|len| over(id, "document", len, MAX_DOCUMENT_BYTES, "bytes")),
        longest_quote.and_then(|len| over(id, "quote", len, MAX_QUOTE_CHARS, "characters")),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The fields of `place` that are over their limits.
pub(super) fn place_sizes(place: &Place) -> Vec<ProblemKind> {
    let id = place.id.as_str();
    [
        place.region.as_ref().and_then(|region| over(id, "region", region.len(), MAX_REGION_BYTES, "bytes")),
        place.credit.as_ref().and_then(|credit| over(id, "credit", credit.len(), MAX_CREDIT_BYTES, "bytes")),
    ]
    .into_iter()
    .flatten()
    .collect()
}
