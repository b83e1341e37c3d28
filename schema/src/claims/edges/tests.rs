//! Tests of edges several origins state: an analyst's correction beside an IATI participation.

use super::*;
use crate::{EdgeId, EdgeType, IatiRole, NodeId, Role, Source};

const FILE: &str = "undp-activities.xml";

fn participation(role: Option<Role>, iati_role: IatiRole, sources: Vec<Source>) -> EdgeRecord {
    EdgeRecord {
        id: EdgeId::parse("agency:undp>participates_in>agreement:xm-dac-41114-1~implementing").expect("id"),
        edge_type: EdgeType::ParticipatesIn,
        source: NodeId::parse("agency:undp").expect("id"),
        target: NodeId::parse("agreement:xm-dac-41114-1").expect("id"),
        role,
        iati_role: Some(iati_role),
        from: None,
        to: None,
        amount_usd: None,
        sources,
        claims: Vec::new(),
    }
}

fn cited(file: &str) -> Vec<Source> {
    vec![Source { document: file.to_owned(), paragraph: None, quote: Some("XM-DAC-41114-1 / participating-org".to_owned()) }]
}

fn analyst() -> Vec<Source> {
    vec![Source { document: "field-notes.txt".to_owned(), paragraph: Some(3), quote: Some("UNDP acts as pivotal partner".to_owned()) }]
}

fn imported() -> EdgeRecord {
    participation(Some(Role::Facilitating), IatiRole::Implementing, cited(FILE))
}

/// The analyst corrects the OECD role only.
fn corrected() -> EdgeRecord {
    EdgeRecord { iati_role: None, ..participation(Some(Role::Pivotal), IatiRole::Implementing, analyst()) }
}

#[test]
fn an_edge_says_its_origin_by_its_sources() {
    assert_eq!(origin_of(&imported()), (FILE.to_owned(), Precedence::OwnRecord));
    assert_eq!(origin_of(&corrected()), (String::new(), Precedence::Curated));
    let mut mixed = imported();
    mixed.sources.extend(analyst());
    assert_eq!(origin_of(&mixed), (String::new(), Precedence::Curated), "a source outside the file makes it curated");
}

#[test]
fn an_analysts_correction_is_shown_and_the_files_statement_kept_beside_it() {
    let merged = merge(Some(&imported()), corrected(), None);
    assert_eq!(merged.role, Some(Role::Pivotal));
    assert_eq!(merged.iati_role, Some(IatiRole::Implementing));
    assert_eq!(merged.sources.len(), 2, "both origins' sources: {:?}", merged.sources);
    assert_eq!(merged.claims.len(), 2);
    let alternatives = alternatives(&merged);
    let shown: Vec<(&str, &str, &str, bool)> =
        alternatives.iter().map(|alt| (alt.field, alt.value.as_str(), alt.origin.as_str(), alt.shown)).collect();
    assert_eq!(shown, [("role", "FACILITATING", FILE, false), ("role", "PIVOTAL", "", true)]);
    let other_order = merge(Some(&corrected()), imported(), None);
    assert_eq!(other_order.role, Some(Role::Pivotal), "the order of writes does not change what is shown");
}

#[test]
fn the_file_again_changes_nothing_and_its_newer_version_replaces_its_own_claim_only() {
    let merged = merge(Some(&imported()), corrected(), None);
    assert_eq!(merge(Some(&merged), imported(), None), merged, "the same file again");
    let newer = participation(None, IatiRole::Funding, cited(FILE));
    let updated = merge(Some(&merged), newer.clone(), None);
    assert_eq!(updated.claims.len(), 2);
    assert_eq!(updated.role, Some(Role::Pivotal), "the analyst's role stays shown");
    assert_eq!(updated.iati_role, Some(IatiRole::Funding), "the file's newer IATI role is taken");
    let file_claim = updated.claims.iter().find(|claim| claim.origin == FILE).and_then(|claim| claim.record.as_deref());
    assert_eq!(file_claim, Some(&newer));
}

#[test]
fn one_origin_replaces_its_own_edge_as_before() {
    let newer = participation(Some(Role::Beneficiary), IatiRole::Funding, cited(FILE));
    assert_eq!(merge(Some(&imported()), newer.clone(), None), newer, "no claims for one origin");
    assert_eq!(merge(None, corrected(), None), corrected());
}

#[test]
fn a_file_that_no_longer_states_an_edge_leaves_the_analysts_record() {
    let merged = merge(Some(&imported()), corrected(), None);
    assert_eq!(without(&merged, FILE), Some(corrected()), "the curated record alone, without claims");
    assert_eq!(without(&imported(), FILE), None, "nothing else states it");
    assert_eq!(without(&corrected(), FILE), Some(corrected()), "another file's name leaves it");
}

#[test]
fn a_curated_write_citing_a_file_keeps_its_origin_as_a_claim() {
    // An analyst's record whose only source is the file itself: its origin is said, not read.
    let written = merge(
        Some(&corrected()),
        participation(Some(Role::Beneficiary), IatiRole::Funding, cited("x.xml")),
        Some((String::new(), Precedence::Curated)),
    );
    assert_eq!(written.claims.len(), 1, "one claim, kept because the sources would say another origin");
    assert_eq!(expand(&written)[0].origin, "");
    assert_eq!(written.role, Some(Role::Beneficiary));
}

#[test]
fn an_edge_with_claims_is_a_complete_state() {
    let merged = merge(Some(&imported()), corrected(), None);
    assert_eq!(merge(Some(&imported()), merged.clone(), None), merged);
}
