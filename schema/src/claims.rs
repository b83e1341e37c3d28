//! Sources add up: how the facts of several origins (the curated dataset, IATI files) about one node are
//! kept side by side, which value a node shows, and which values it does not (`schema/data/README.md`,
//! "When sources disagree").
//!
//! A node that one origin describes is stored as that origin's record; a node that several describe keeps
//! each origin's record as a [`Claim`] and shows, field by field, the value of the highest-ranked claim that
//! gives one: [`Precedence`] first, then the newest. Lists (aliases, identifiers, SDGs, sources) are the
//! union of every claim's, and the names the others give become aliases. Importing an origin again replaces
//! that origin's claim only; importing it unchanged changes nothing.

use serde::{Deserialize, Serialize};

use crate::wire::{Claim, NodeRecord, Precedence, Source};

/// What one field of a node is, in one claim, as text: the field's name in the dataset format and its
/// value as it reads there (strings as they are, enums in their upper-case spelling, dates as dates,
/// numbers as numbers, a location as `lat,lon`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alternative {
    /// The field, as the dataset format names it (`name`, `acronym`, `agencyType`, `start`, …).
    pub field: &'static str,
    /// The value this claim gives.
    pub value: String,
    /// The origin of the claim: the IATI file's name, or empty for the curated record.
    pub origin: String,
    /// What kind of origin it is.
    pub precedence: Precedence,
    /// Whether the node shows this value.
    pub shown: bool,
    /// The sources of the claim.
    pub sources: Vec<Source>,
}

/// The origin of a record as an import hands it over: its marker claim's, or the curated record's.
/// `None` when the record carries whole claims (an export of a merged node): it is a complete state.
pub fn origin_of(record: &NodeRecord) -> Option<(String, Precedence)> {
    match record.claims.as_slice() {
        [] => Some((String::new(), Precedence::Curated)),
        [Claim { origin, precedence, record: None }] => Some((origin.clone(), *precedence)),
        _ => None,
    }
}

/// `incoming` (one origin's record, see [`origin_of`]) added to `existing`: the record to store. Returns
/// `existing` unchanged when it already holds exactly this claim, and `incoming` as it is when it carries
/// whole claims or nothing exists.
pub fn merge(existing: Option<&NodeRecord>, incoming: NodeRecord) -> NodeRecord {
    let Some(existing) = existing else { return incoming };
    let Some((origin, precedence)) = origin_of(&incoming) else { return incoming };
    let mut claims = expand(existing);
    let bare = NodeRecord { claims: Vec::new(), ..incoming };
    match claims.iter().position(|claim| claim.origin == origin) {
        Some(at) if claims[at].precedence == precedence && claims[at].record.as_deref() == Some(&bare) => return existing.clone(),
        Some(at) => {
            claims.remove(at);
        }
        None => {}
    }
    claims.push(Claim { origin, precedence, record: Some(Box::new(bare)) });
    compose(claims)
}

/// Every claim of `node`, each with its record, in the order they arrived.
pub fn expand(node: &NodeRecord) -> Vec<Claim> {
    let bare = || Some(Box::new(NodeRecord { claims: Vec::new(), ..node.clone() }));
    match node.claims.as_slice() {
        [] => {
            let (origin, precedence) = legacy_origin(node);
            vec![Claim { origin, precedence, record: bare() }]
        }
        [Claim { origin, precedence, record: None }] => vec![Claim { origin: origin.clone(), precedence: *precedence, record: bare() }],
        claims => claims.iter().filter(|claim| claim.record.is_some()).cloned().collect(),
    }
}

/// The origin of a record without claims: the curated record, unless every source cites an IATI element
/// of one `.xml` file (`<identifier> / <element>`), as the IATI import wrote its records before claims
/// existed; then that file, as a mention.
fn legacy_origin(node: &NodeRecord) -> (String, Precedence) {
    let Some(file) = cited_file(&node.sources) else { return (String::new(), Precedence::Curated) };
    let own = node.sources.iter().all(|source| {
        source.quote.as_deref().is_some_and(|quote| quote.ends_with("/ iati-activity") || quote.ends_with("/ iati-organisation"))
    });
    (file.to_owned(), if own { Precedence::OwnRecord } else { Precedence::Mention })
}

/// The one `.xml` file every one of `sources` cites an element of (`<identifier> / <element>`), as the IATI
/// import writes its sources; `None` for any other sources, or none.
pub(crate) fn cited_file(sources: &[Source]) -> Option<&str> {
    let first = sources.first()?;
    let iati = |source: &Source| {
        source.document == first.document
            && source.document.to_ascii_lowercase().ends_with(".xml")
            && source.quote.as_deref().is_some_and(|quote| quote.contains(" / "))
    };
    sources.iter().all(iati).then_some(first.document.as_str())
}

/// The node several claims (each with its record, in arrival order) make.
fn compose(claims: Vec<Claim>) -> NodeRecord {
    let records: Vec<&NodeRecord> = claims.iter().filter_map(|claim| claim.record.as_deref()).collect();
    if records.len() == 1 {
        let claim = &claims[0];
        let mut node = records[0].clone();
        if claim.precedence != Precedence::Curated || !claim.origin.is_empty() {
            node.claims = vec![Claim { origin: claim.origin.clone(), precedence: claim.precedence, record: None }];
        }
        return node;
    }
    let ranked = rank(&claims);
    let best = ranked[0];
    let first = |pick: fn(&NodeRecord) -> bool| ranked.iter().copied().find(|record| pick(record)).unwrap_or(best);
    let mut node = best.clone();
    node.acronym = first(|r| r.acronym.is_some()).acronym.clone();
    node.description = first(|r| r.description.is_some()).description.clone();
    node.location = first(|r| r.location.is_some()).location;
    node.agency_type = first(|r| r.agency_type.is_some()).agency_type;
    node.iso3 = first(|r| r.iso3.is_some()).iso3.clone();
    node.region = first(|r| r.region.is_some()).region.clone();
    node.network_type = first(|r| r.network_type.is_some()).network_type;
    node.agreement_type = first(|r| r.agreement_type.is_some()).agreement_type;
    node.event_type = first(|r| r.event_type.is_some()).event_type;
    node.start = first(|r| r.start.is_some()).start;
    node.end = first(|r| r.end.is_some()).end;
    node.amount_usd = first(|r| r.amount_usd.is_some()).amount_usd;
    node.status = first(|r| r.status.is_some()).status;
    node.translations = first(|r| !r.translations.is_empty()).translations.clone();
    // An origin's recipients and money are one statement each (shares and sums), never mixed with another's.
    node.recipients = first(|r| !r.recipients.is_empty()).recipients.clone();
    node.amounts = first(|r| !r.amounts.is_empty()).amounts.clone();
    node.aliases = Vec::new();
    for record in &ranked {
        for alias in std::iter::once(&record.name).chain(&record.aliases) {
            if *alias != node.name && !node.aliases.contains(alias) {
                node.aliases.push(alias.clone());
            }
        }
    }
    node.identifiers = records.iter().flat_map(|record| record.identifiers.iter().cloned()).collect();
    node.identifiers.sort();
    node.identifiers.dedup();
    node.sdgs = records.iter().flat_map(|record| record.sdgs.iter().copied()).collect();
    node.sdgs.sort_unstable();
    node.sdgs.dedup();
    node.sectors = union(&records, |record| &record.sectors);
    node.support = union(&records, |record| &record.support);
    node.languages = union(&records, |record| &record.languages);
    node.sources = every_source(records.iter().map(|record| &record.sources));
    node.claims = claims;
    node
}

/// Every source of `lists`, once each, in the order met.
pub(crate) fn every_source<'a>(lists: impl Iterator<Item = &'a Vec<Source>>) -> Vec<Source> {
    let mut sources: Vec<Source> = Vec::new();
    for source in lists.flatten() {
        if !sources.contains(source) {
            sources.push(source.clone());
        }
    }
    sources
}

/// Every value of a list field that some record gives, sorted, once each.
fn union<T: Clone + Ord>(records: &[&NodeRecord], field: impl Fn(&NodeRecord) -> &Vec<T>) -> Vec<T> {
    let mut values: Vec<T> = records.iter().flat_map(|record| field(record).iter().cloned()).collect();
    values.sort();
    values.dedup();
    values
}

/// A record's single-valued fields by their dataset-format names, each with its value as text.
pub(crate) type Fields = Vec<(&'static str, String)>;

/// The values of the fields on which `node`'s claims disagree: every claim's value of such a field, the
/// one the node shows marked. Empty for a node that one origin describes, or whose origins agree.
pub fn alternatives(node: &NodeRecord) -> Vec<Alternative> {
    disagreements(&fields(node), &node.claims, fields, |record| &record.sources)
}

/// The records of `claims` that have one, highest precedence first, then the newest (claims are in arrival
/// order): the order in which a composed record takes its single-valued fields.
pub(crate) fn rank<R>(claims: &[Claim<R>]) -> Vec<&R> {
    let mut ranked: Vec<(usize, &Claim<R>)> = claims.iter().enumerate().filter(|(_, claim)| claim.record.is_some()).collect();
    ranked.sort_by(|(a, left), (b, right)| right.precedence.cmp(&left.precedence).then(b.cmp(a)));
    ranked.into_iter().filter_map(|(_, claim)| claim.record.as_deref()).collect()
}

/// For each field of `shown` on which the records of `claims` disagree, every claim's value, the shown one
/// marked (see [`alternatives`]); `fields` lists a record's single-valued fields as text.
pub(crate) fn disagreements<R>(
    shown: &[(&'static str, String)],
    claims: &[Claim<R>],
    fields: fn(&R) -> Fields,
    sources: fn(&R) -> &Vec<Source>,
) -> Vec<Alternative> {
    if claims.iter().filter(|claim| claim.record.is_some()).count() < 2 {
        return Vec::new();
    }
    let claimed: Vec<(&Claim<R>, Fields)> =
        claims.iter().filter_map(|claim| claim.record.as_deref().map(|record| (claim, fields(record)))).collect();
    let mut res = Vec::new();
    for (field, _) in shown {
        let values: Vec<(&Claim<R>, &String)> = claimed
            .iter()
            .filter_map(|(claim, values)| values.iter().find(|(name, _)| name == field).map(|(_, value)| (*claim, value)))
            .collect();
        let first = values.first().map(|(_, value)| *value);
        if values.iter().all(|(_, value)| Some(*value) == first) {
            continue;
        }
        let shown_value = shown.iter().find(|(name, _)| name == field).map(|(_, value)| value);
        for (claim, value) in values {
            res.push(Alternative {
                field,
                value: value.clone(),
                origin: claim.origin.clone(),
                precedence: claim.precedence,
                shown: Some(value) == shown_value,
                sources: claim.record.as_deref().map(|record| sources(record).clone()).unwrap_or_default(),
            });
        }
    }
    res
}

/// A field's value as the dataset format writes it: strings as they are, enums in their upper-case
/// spelling, numbers and dates as they read.
pub(crate) fn text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// The single-valued fields a record gives, by their dataset-format names, as text.
fn fields(record: &NodeRecord) -> Fields {
    let mut res = vec![("name", record.name.clone())];
    let mut add = |field: &'static str, value: Option<String>| {
        if let Some(value) = value {
            res.push((field, value));
        }
    };
    add("acronym", record.acronym.clone());
    add("description", record.description.clone());
    add("location", record.location.map(|point| format!("{},{}", point.lat, point.lon)));
    add("agencyType", record.agency_type.as_ref().map(text));
    add("iso3", record.iso3.clone());
    add("region", record.region.clone());
    add("networkType", record.network_type.as_ref().map(text));
    add("agreementType", record.agreement_type.as_ref().map(text));
    add("eventType", record.event_type.as_ref().map(text));
    add("start", record.start.as_ref().map(text));
    add("end", record.end.as_ref().map(text));
    add("amountUsd", record.amount_usd.as_ref().map(text));
    add("status", record.status.as_ref().map(text));
    res
}

pub mod edges;
#[cfg(test)]
mod tests;
