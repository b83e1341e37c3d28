//! An analyst's correction of an imported participation survives the file's re-imports
//! (`claims::edges`): the file's newer version replaces its own claim only, and a version that no longer
//! states the participation leaves the analyst's record.

use partnergraph_schema::{EdgeId, EdgeRecord, NodeId, Precedence, Role};

use super::tests::{AGREEMENT, activity, import_text, seeded};
use crate::store::GraphStore;

const UNDP_FUNDING: &str = "agency:undp>participates_in>agreement:iati-xx-test-1~funding";

fn file(undp_role: &str) -> String {
    activity(
        "",
        &format!(
            r#"<participating-org ref="XM-DAC-41114" role="{undp_role}"><narrative>UNDP</narrative></participating-org>
               <participating-org ref="GB-CHC-1" role="4"><narrative>A charity</narrative></participating-org>
               <recipient-country code="KE"/>"#
        ),
    )
}

async fn edge(store: &dyn GraphStore, id: &str) -> Option<EdgeRecord> {
    store.edges(&[EdgeId::parse(id).expect("edge id")]).await.expect("read").pop().flatten()
}

/// The analyst's line: UNDP is the pivotal partner, by their field notes.
fn correction(imported: &EdgeRecord) -> String {
    let corrected = EdgeRecord {
        role: Some(Role::Pivotal),
        iati_role: None,
        sources: vec![partnergraph_schema::Source {
            document: "field-notes.txt".to_owned(),
            paragraph: Some(3),
            quote: Some("UNDP brokers the exchange".to_owned()),
        }],
        ..imported.clone()
    };
    format!("{{\"edge\": {}}}\n", serde_json::to_string(&corrected).expect("json"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_correction_of_an_imported_participation_survives_the_files_reimports() {
    let (_dir, store) = seeded().await;
    import_text(&store, &file("1")).await.expect("the file");
    let imported = edge(store.as_ref(), UNDP_FUNDING).await.expect("UNDP's funding participation");
    assert!(imported.claims.is_empty(), "one origin: no claims");
    let written = crate::io::import(store.as_ref(), &correction(&imported)).await.expect("the correction");
    assert_eq!(written.edges_updated, 1, "{written:?}");
    let corrected = edge(store.as_ref(), UNDP_FUNDING).await.expect("corrected");
    assert_eq!(corrected.role, Some(Role::Pivotal), "the analyst's role is shown");
    assert_eq!(corrected.iati_role, imported.iati_role, "the file's IATI role stays where the analyst gives none");
    let origins: Vec<(&str, Precedence)> = corrected.claims.iter().map(|claim| (claim.origin.as_str(), claim.precedence)).collect();
    assert_eq!(origins, [("test.xml", Precedence::OwnRecord), ("", Precedence::Curated)]);
    assert_eq!(corrected.sources.len(), 2);

    let again = import_text(&store, &file("1")).await.expect("the file again").summary.expect("written");
    assert_eq!((again.edges_updated, again.edges_deleted), (0, 0), "{again:?}");
    assert_eq!(edge(store.as_ref(), UNDP_FUNDING).await, Some(corrected.clone()), "the file again changes nothing");

    // The newer version has UNDP implementing, not funding: its funding participation is no longer stated.
    let newer = import_text(&store, &file("4")).await.expect("the newer file").summary.expect("written");
    let kept = edge(store.as_ref(), UNDP_FUNDING).await.expect("the analyst's record stays");
    assert!(kept.claims.is_empty(), "one origin left: {:?}", kept.claims);
    assert_eq!(kept.role, Some(Role::Pivotal));
    assert_eq!(kept.iati_role, None, "the file's value went with its claim");
    assert_eq!(kept.sources.len(), 1);
    assert_eq!(kept.sources[0].document, "field-notes.txt");
    assert!(newer.edges_deleted >= 1, "{newer:?}");
    let agreement = NodeId::parse(AGREEMENT).expect("id");
    let links = store.expand(&[agreement], &Default::default()).await.expect("edges");
    let ids: Vec<&str> = links.iter().map(|link| link.id.as_str()).collect();
    assert!(ids.contains(&UNDP_FUNDING), "{ids:?}");
    assert!(ids.contains(&"agency:undp>participates_in>agreement:iati-xx-test-1~implementing"), "{ids:?}");
}
