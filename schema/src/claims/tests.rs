//! Tests of merging claims: precedence, newest, re-imports and what a node shows.

use super::*;
use crate::{AgencyType, NodeId};

fn source(document: &str, quote: &str) -> Source {
    Source { document: document.to_owned(), paragraph: Some(1), quote: Some(quote.to_owned()) }
}

fn curated(name: &str) -> NodeRecord {
    let mut node = NodeRecord::new(NodeId::parse("agency:undp").expect("id"), name, vec![source("seed.txt", "UNDP")]);
    node.acronym = Some("UNDP".to_owned());
    node.agency_type = Some(AgencyType::UnEntity);
    node
}

fn from_file(file: &str, precedence: Precedence, name: &str, agency_type: Option<AgencyType>) -> NodeRecord {
    let mut node = NodeRecord::new(NodeId::parse("agency:undp").expect("id"), name, vec![source(file, "XM-DAC-41114 / iati-organisation")]);
    node.agency_type = agency_type;
    node.identifiers = vec![crate::Identifier::new("iati-org", "XM-DAC-41114")];
    node.claims = vec![Claim { origin: file.to_owned(), precedence, record: None }];
    node
}

#[test]
fn the_curated_record_wins_over_an_own_record_which_keeps_its_values_and_sources() {
    let seed = curated("United Nations Development Programme");
    let org = from_file("undp-org.xml", Precedence::OwnRecord, "UN Development Programme", Some(AgencyType::Government));
    let merged = merge(Some(&seed), org);
    assert_eq!(merged.name, "United Nations Development Programme");
    assert_eq!(merged.aliases, ["UN Development Programme"]);
    assert_eq!(merged.agency_type, Some(AgencyType::UnEntity));
    assert_eq!(merged.acronym.as_deref(), Some("UNDP"), "a field only one origin gives is shown");
    assert_eq!(merged.identifiers.len(), 1);
    assert_eq!(merged.sources.len(), 2, "both origins' sources");
    assert_eq!(merged.claims.len(), 2);
    let alternatives = alternatives(&merged);
    let fields: Vec<(&str, &str, bool)> = alternatives.iter().map(|alt| (alt.field, alt.value.as_str(), alt.shown)).collect();
    assert_eq!(
        fields,
        [
            ("name", "United Nations Development Programme", true),
            ("name", "UN Development Programme", false),
            ("agencyType", "UN_ENTITY", true),
            ("agencyType", "GOVERNMENT", false),
        ]
    );
    assert_eq!(alternatives[1].origin, "undp-org.xml");
    assert_eq!(alternatives[1].precedence, Precedence::OwnRecord);
    assert_eq!(alternatives[1].sources[0].document, "undp-org.xml");
}

#[test]
fn the_order_of_imports_does_not_change_what_is_shown() {
    let seed = curated("United Nations Development Programme");
    let org = from_file("undp-org.xml", Precedence::OwnRecord, "UN Development Programme", None);
    let seed_first = merge(Some(&seed), org.clone());
    let org_first = merge(Some(&org), seed.clone());
    assert_eq!(seed_first.name, org_first.name);
    assert_eq!(seed_first.agency_type, org_first.agency_type);
    assert_eq!(alternatives(&seed_first).len(), alternatives(&org_first).len());
}

#[test]
fn within_a_precedence_the_newest_wins_and_a_mention_loses_to_both() {
    let mention = from_file("a.xml", Precedence::Mention, "Mentioned Name", None);
    let own_old = from_file("b.xml", Precedence::OwnRecord, "Own Name", None);
    let own_new = from_file("c.xml", Precedence::OwnRecord, "Newer Own Name", None);
    let merged = merge(Some(&merge(Some(&mention), own_old)), own_new.clone());
    assert_eq!(merged.name, "Newer Own Name");
    let merged = merge(Some(&merged), from_file("a.xml", Precedence::Mention, "Mentioned Again", None));
    assert_eq!(merged.name, "Newer Own Name", "a newer mention stays below the own records");
    assert_eq!(merged.claims.len(), 3);
}

#[test]
fn importing_an_origin_again_replaces_its_claim_only_and_unchanged_changes_nothing() {
    let seed = curated("United Nations Development Programme");
    let org = from_file("undp-org.xml", Precedence::OwnRecord, "UN Development Programme", Some(AgencyType::Government));
    let merged = merge(Some(&seed), org.clone());
    assert_eq!(merge(Some(&merged), org), merged, "the same file again");
    let newer = from_file("undp-org.xml", Precedence::OwnRecord, "UNDP (newer name)", None);
    let again = merge(Some(&merged), newer);
    assert_eq!(again.claims.len(), 2);
    assert_eq!(again.aliases, ["UNDP (newer name)"], "the older name of that file is gone");
    let edited = merge(Some(&again), curated("UN Development Programme, edited"));
    assert_eq!(edited.name, "UN Development Programme, edited");
    assert_eq!(edited.claims.len(), 2, "the curated record is replaced, not added");
}

#[test]
fn one_origin_is_stored_as_its_record_with_a_marker_and_a_complete_state_is_kept_as_it_is() {
    let org = from_file("undp-org.xml", Precedence::OwnRecord, "UN Development Programme", None);
    assert_eq!(merge(None, org.clone()), org);
    let merged = merge(Some(&curated("United Nations Development Programme")), org);
    assert_eq!(origin_of(&merged), None);
    assert_eq!(merge(Some(&curated("Other")), merged.clone()), merged, "an exported merged node imports back as it is");
    assert!(alternatives(&curated("x")).is_empty());
}

#[test]
fn a_record_written_by_the_iati_import_before_claims_counts_as_that_file() {
    let mut legacy = from_file("old.xml", Precedence::Mention, "Legacy Name", None);
    legacy.claims.clear();
    legacy.sources = vec![source("old.xml", "XX-1 / participating-org")];
    let merged = merge(Some(&legacy), curated("Curated Name"));
    assert_eq!(merged.claims[0].origin, "old.xml");
    assert_eq!(merged.claims[0].precedence, Precedence::Mention);
    assert_eq!(merged.name, "Curated Name");
}
