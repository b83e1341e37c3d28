//! The fields of nodes and edges as flat, typed columns: what the CSV sheets, GraphML and GEXF write (and
//! the CSV import reads back), kept in one place so the three formats name and spell every field alike.
//!
//! A cell is text. Numbers are written in Rust's shortest form that reads back to the same `f64`; dates,
//! kinds and roles in their dataset spelling. A list (aliases, SDGs, sources) is either its items joined
//! by `|` (the Kumu convention) or, when an item could not survive that (it holds a `|`, is empty or has
//! surrounding spaces; or a source with a paragraph or quote), a JSON array. Both read back the same.
//! The claims of a node or edge (what each of several origins says of it), a node's translations, and an
//! agreement's recipients and amounts of money, are always JSON arrays.

use partnergraph_schema::{EdgeRecord, Identifier, NodeRecord, Source};

/// The type a column is declared with in GraphML and GEXF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// Any text.
    Text,
    /// A double-precision number.
    Double,
}

/// One field as a column.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Its name in GraphML and GEXF: the dataset's field name (`name` is `label`; coordinates `lat`, `lon`).
    pub key: &'static str,
    /// Its CSV header (Kumu style).
    pub heading: &'static str,
    /// Its declared type.
    pub value_type: ValueType,
}

const fn text(key: &'static str, heading: &'static str) -> Column {
    Column { key, heading, value_type: ValueType::Text }
}

const fn double(key: &'static str, heading: &'static str) -> Column {
    Column { key, heading, value_type: ValueType::Double }
}

/// Columns of a node, in sheet order; the first is the id, the third the name.
pub const NODE_COLUMNS: [Column; 28] = [
    text("id", "ID"),
    text("kind", "Type"),
    text("label", "Label"),
    text("acronym", "Acronym"),
    text("aliases", "Aliases"),
    text("description", "Description"),
    double("lat", "Latitude"),
    double("lon", "Longitude"),
    text("agencyType", "Agency Type"),
    text("iso3", "ISO3"),
    text("region", "Region"),
    text("networkType", "Network Type"),
    text("agreementType", "Agreement Type"),
    text("eventType", "Event Type"),
    text("start", "Start"),
    text("end", "End"),
    double("amountUsd", "Amount USD"),
    text("sdgs", "SDGs"),
    text("identifiers", "Identifiers"),
    text("sources", "Sources"),
    text("claims", "Claims"),
    text("sectors", "Sectors"),
    text("support", "Support"),
    text("languages", "Languages"),
    text("status", "Status"),
    text("recipients", "Recipients"),
    text("amounts", "Amounts"),
    text("translations", "Translations"),
];

/// Columns of an edge, in sheet order; the first three are its id, source and target.
pub const EDGE_COLUMNS: [Column; 11] = [
    text("id", "ID"),
    text("source", "From"),
    text("target", "To"),
    text("type", "Type"),
    text("role", "Role"),
    text("iatiRole", "IATI Role"),
    text("from", "Valid From"),
    text("to", "Valid To"),
    double("amountUsd", "Amount USD"),
    text("sources", "Sources"),
    text("claims", "Claims"),
];

/// Index of the node's name in [`NODE_COLUMNS`].
pub const NODE_LABEL: usize = 2;

/// A node's cells, one per [`NODE_COLUMNS`] entry; `None` where the field is absent.
pub fn node_cells(node: &NodeRecord) -> [Option<String>; 28] {
    // Every field named, so a field added to the record does not compile until it has a column.
    let NodeRecord {
        id,
        kind,
        name,
        acronym,
        aliases,
        description,
        location,
        agency_type,
        iso3,
        region,
        network_type,
        agreement_type,
        event_type,
        start,
        end,
        amount_usd,
        sdgs,
        sectors,
        support,
        languages,
        translations,
        status,
        recipients,
        amounts,
        identifiers,
        sources,
        claims,
    } = node;
    [
        Some(id.to_string()),
        Some(kind.to_string()),
        Some(name.clone()),
        acronym.clone(),
        list_cell(aliases),
        description.clone(),
        location.map(|point| number(point.lat)),
        location.map(|point| number(point.lon)),
        show(agency_type),
        iso3.clone(),
        region.clone(),
        show(network_type),
        show(agreement_type),
        show(event_type),
        show(start),
        show(end),
        amount_usd.map(number),
        (!sdgs.is_empty()).then(|| sdgs.iter().map(u8::to_string).collect::<Vec<_>>().join("|")),
        identifiers_cell(identifiers),
        sources_cell(sources),
        (!claims.is_empty()).then(|| serde_json::to_string(claims).unwrap_or_default()),
        list_cell(sectors),
        (!support.is_empty()).then(|| support.iter().map(ToString::to_string).collect::<Vec<_>>().join("|")),
        list_cell(languages),
        show(status),
        (!recipients.is_empty()).then(|| serde_json::to_string(recipients).unwrap_or_default()),
        (!amounts.is_empty()).then(|| serde_json::to_string(amounts).unwrap_or_default()),
        (!translations.is_empty()).then(|| serde_json::to_string(translations).unwrap_or_default()),
    ]
}

/// An edge's cells, one per [`EDGE_COLUMNS`] entry; `None` where the field is absent.
pub fn edge_cells(edge: &EdgeRecord) -> [Option<String>; 11] {
    // Every field named, so a field added to the record does not compile until it has a column.
    let EdgeRecord { id, edge_type, source, target, role, iati_role, from, to, amount_usd, sources, claims } = edge;
    [
        Some(id.to_string()),
        Some(source.to_string()),
        Some(target.to_string()),
        Some(edge_type.to_string()),
        show(role),
        show(iati_role),
        show(from),
        show(to),
        amount_usd.map(number),
        sources_cell(sources),
        (!claims.is_empty()).then(|| serde_json::to_string(claims).unwrap_or_default()),
    ]
}

/// An optional value in its dataset spelling.
fn show(value: &Option<impl std::fmt::Display>) -> Option<String> {
    value.as_ref().map(ToString::to_string)
}

/// A number in the shortest form that reads back to the same value.
fn number(value: f64) -> String {
    value.to_string()
}

/// Whether `item` survives being joined with `|` and split again.
fn pipe_safe(item: &str) -> bool {
    !item.is_empty() && !item.contains('|') && item.trim() == item && !item.starts_with('[')
}

/// A list as a cell: `a|b|c`, or a JSON array when an item would not survive that; `None` when empty.
pub fn list_cell(items: &[String]) -> Option<String> {
    if items.is_empty() {
        None
    } else if items.iter().all(|item| pipe_safe(item)) {
        Some(items.join("|"))
    } else {
        serde_json::to_string(items).ok()
    }
}

/// Sources as a cell: their documents joined by `|` when they have neither paragraph nor quote, else a
/// JSON array of `{"document", "paragraph", "quote"}` objects (the dataset's spelling).
pub fn sources_cell(sources: &[Source]) -> Option<String> {
    if sources.is_empty() {
        None
    } else if sources.iter().all(|source| source.paragraph.is_none() && source.quote.is_none() && pipe_safe(&source.document)) {
        Some(sources.iter().map(|source| source.document.as_str()).collect::<Vec<_>>().join("|"))
    } else {
        serde_json::to_string(sources).ok()
    }
}

/// External identifiers as a cell: `scheme:value` items joined by `|` (`iati-org:XM-DAC-41114`), or a JSON
/// array of `{"scheme", "value"}` objects when an item would not survive that.
pub fn identifiers_cell(identifiers: &[Identifier]) -> Option<String> {
    let items: Vec<String> = identifiers.iter().map(|identifier| format!("{}:{}", identifier.scheme, identifier.value)).collect();
    if items.is_empty() {
        None
    } else if items.iter().all(|item| pipe_safe(item)) {
        Some(items.join("|"))
    } else {
        serde_json::to_string(identifiers).ok()
    }
}

/// Reads an identifiers cell written by [`identifiers_cell`] (a scheme never holds `:`).
pub fn parse_identifiers(cell: &str) -> Result<Vec<Identifier>, String> {
    let cell = cell.trim();
    if cell.starts_with('[') {
        return serde_json::from_str(cell).map_err(|err| format!("not a JSON array of identifiers: {err}"));
    }
    parse_list(cell)?
        .into_iter()
        .map(|item| match item.split_once(':') {
            Some((scheme, value)) if !scheme.is_empty() && !value.is_empty() => Ok(Identifier::new(scheme, value)),
            _ => Err(format!("`{item}` is not `scheme:value`")),
        })
        .collect()
}

/// Reads a list cell written by [`list_cell`] (or by hand: `a | b` is trimmed to `a`, `b`).
pub fn parse_list(cell: &str) -> Result<Vec<String>, String> {
    let cell = cell.trim();
    if cell.starts_with('[') {
        return serde_json::from_str(cell).map_err(|err| format!("not a JSON array of strings: {err}"));
    }
    Ok(cell.split('|').map(str::trim).filter(|item| !item.is_empty()).map(str::to_owned).collect())
}

/// Reads a sources cell written by [`sources_cell`] (or by hand: documents separated by `|`).
pub fn parse_sources(cell: &str) -> Result<Vec<Source>, String> {
    let cell = cell.trim();
    if cell.starts_with('[') {
        return serde_json::from_str(cell).map_err(|err| format!("not a JSON array of sources: {err}"));
    }
    Ok(parse_list(cell)?.into_iter().map(|document| Source { document, paragraph: None, quote: None }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| (*item).to_owned()).collect()
    }

    #[test]
    fn lists_use_pipes_when_they_can_and_json_when_they_must() {
        assert_eq!(list_cell(&strings(&["UNOSSC", "SU/SSC"])).as_deref(), Some("UNOSSC|SU/SSC"));
        assert_eq!(list_cell(&[]), None);
        for awkward in [&["a|b", "c"][..], &[" padded"], &[""], &["[bracket"]] {
            let items = strings(awkward);
            let cell = list_cell(&items).expect("a cell");
            assert!(cell.starts_with('['), "{cell}");
            assert_eq!(parse_list(&cell).expect("reads back"), items);
        }
        assert_eq!(parse_list(" a | b ||c").expect("hand-written"), strings(&["a", "b", "c"]));
    }

    #[test]
    fn sources_keep_paragraphs_and_quotes() {
        let plain = vec![Source { document: "a.txt".into(), paragraph: None, quote: None }];
        assert_eq!(sources_cell(&plain).as_deref(), Some("a.txt"));
        assert_eq!(parse_sources("a.txt").expect("plain"), plain);
        let full = vec![Source { document: "b.txt".into(), paragraph: Some(12), quote: Some("said | \"so\"".into()) }];
        let cell = sources_cell(&full).expect("a cell");
        assert_eq!(parse_sources(&cell).expect("json"), full);
        assert!(parse_sources("[{\"doc\": 1}]").is_err());
    }

    #[test]
    fn identifiers_read_back_whatever_they_hold() {
        let plain = vec![Identifier::new("iati-org", "XM-DAC-41114"), Identifier::new("iati-activity", "GB-1-203:xyz")];
        let cell = identifiers_cell(&plain).expect("a cell");
        assert_eq!(cell, "iati-org:XM-DAC-41114|iati-activity:GB-1-203:xyz");
        assert_eq!(parse_identifiers(&cell).expect("reads back"), plain);
        let awkward = vec![Identifier::new("iati-org", "A|B")];
        let cell = identifiers_cell(&awkward).expect("a cell");
        assert!(cell.starts_with('['), "{cell}");
        assert_eq!(parse_identifiers(&cell).expect("reads back"), awkward);
        assert!(parse_identifiers("no-colon").is_err());
        assert_eq!(identifiers_cell(&[]), None);
    }

    #[test]
    fn numbers_read_back_to_the_same_value() {
        for value in [0.1 + 0.2, 1e21, 123_456_789.5, -33.868_820_1, 5e-324] {
            assert_eq!(number(value).parse::<f64>().expect("a number"), value);
        }
    }
}
