//! Sources add up on edges too: an edge that several origins state (an IATI file's participation and an
//! analyst's correction of it) keeps each origin's record as a [`Claim`] and shows, field by field, the value
//! of the highest-ranked claim that gives one, as a node does (`schema/data/README.md`, "When sources
//! disagree").
//!
//! Unlike a node, an edge one origin states carries no claim: its origin is read from its sources
//! ([`origin_of`]), because an IATI participation cites its file in every source and an edge is stated by
//! one file at most (its id names its activity). That keeps the millions of edges an IATI import writes as
//! small as they were.

use super::{Alternative, Fields, cited_file, disagreements, every_source, rank, text};
use crate::wire::{Claim, EdgeRecord, Precedence};

/// The origin of an edge without claims: the IATI file its every source cites an element of
/// (`<identifier> / <element>` in one `.xml` file), as that file's own record, or else the curated record.
pub fn origin_of(edge: &EdgeRecord) -> (String, Precedence) {
    match cited_file(&edge.sources) {
        Some(file) => (file.to_owned(), Precedence::OwnRecord),
        None => (String::new(), Precedence::Curated),
    }
}

/// `incoming` added to `existing`: the edge to store. `origin` is who states `incoming`; `None` reads it from
/// its sources ([`origin_of`]). An `incoming` edge that carries claims is a complete state (an export of
/// an edge several origins state) and is stored as it is, as is any edge when nothing exists. Returns
/// `existing` unchanged when it already holds exactly this claim.
pub fn merge(existing: Option<&EdgeRecord>, incoming: EdgeRecord, origin: Option<(String, Precedence)>) -> EdgeRecord {
    let Some(existing) = existing else { return incoming };
    if !incoming.claims.is_empty() {
        return incoming;
    }
    let (origin, precedence) = origin.unwrap_or_else(|| origin_of(&incoming));
    let mut claims = expand(existing);
    match claims.iter().position(|claim| claim.origin == origin) {
        Some(at) if claims[at].precedence == precedence && claims[at].record.as_deref() == Some(&incoming) => return existing.clone(),
        Some(at) => {
            claims.remove(at);
        }
        None => {}
    }
    claims.push(Claim { origin, precedence, record: Some(Box::new(incoming)) });
    compose(claims).unwrap_or_else(|| existing.clone())
}

/// `edge` without what `origin` states: `None` when nothing else states it (the edge is then deleted).
pub fn without(edge: &EdgeRecord, origin: &str) -> Option<EdgeRecord> {
    let mut claims = expand(edge);
    claims.retain(|claim| claim.origin != origin);
    compose(claims)
}

/// Every claim of `edge`, each with its record, in the order they arrived.
pub fn expand(edge: &EdgeRecord) -> Vec<Claim<EdgeRecord>> {
    if edge.claims.is_empty() {
        let (origin, precedence) = origin_of(edge);
        return vec![Claim { origin, precedence, record: Some(Box::new(edge.clone())) }];
    }
    edge.claims.iter().filter(|claim| claim.record.is_some()).cloned().collect()
}

/// The edge its claims (each with its record, in arrival order) make; `None` without claims. One claim is
/// stored as its bare record when its sources say its origin, and keeps its claim otherwise.
fn compose(claims: Vec<Claim<EdgeRecord>>) -> Option<EdgeRecord> {
    let ranked = rank(&claims);
    let best = *ranked.first()?;
    let mut edge = EdgeRecord { claims: Vec::new(), ..best.clone() };
    if let [claim] = claims.as_slice() {
        if origin_of(&edge) != (claim.origin.clone(), claim.precedence) {
            edge.claims = claims;
        }
        return Some(edge);
    }
    let first = |pick: fn(&EdgeRecord) -> bool| ranked.iter().copied().find(|record| pick(record)).unwrap_or(best);
    edge.role = first(|r| r.role.is_some()).role;
    edge.iati_role = first(|r| r.iati_role.is_some()).iati_role;
    edge.from = first(|r| r.from.is_some()).from;
    edge.to = first(|r| r.to.is_some()).to;
    edge.amount_usd = first(|r| r.amount_usd.is_some()).amount_usd;
    edge.sources = every_source(claims.iter().filter_map(|claim| claim.record.as_deref()).map(|record| &record.sources));
    edge.claims = claims;
    Some(edge)
}

/// The values of the fields on which `edge`'s claims disagree, every claim's value with the shown one
/// marked; empty for an edge one origin states, or whose origins agree.
pub fn alternatives(edge: &EdgeRecord) -> Vec<Alternative> {
    disagreements(&fields(edge), &edge.claims, fields, |record| &record.sources)
}

/// The single-valued fields an edge gives, by their dataset-format names, as text.
fn fields(edge: &EdgeRecord) -> Fields {
    [
        ("role", edge.role.as_ref().map(text)),
        ("iatiRole", edge.iati_role.as_ref().map(text)),
        ("from", edge.from.as_ref().map(text)),
        ("to", edge.to.as_ref().map(text)),
        ("amountUsd", edge.amount_usd.as_ref().map(text)),
    ]
    .into_iter()
    .filter_map(|(field, value)| value.map(|value| (field, value)))
    .collect()
}

#[cfg(test)]
mod tests;
