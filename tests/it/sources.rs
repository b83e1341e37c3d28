//! Sources add up (issue 18), a part of the store conformance suite: the curated record of an agreement
//! (JSON Lines, CSV sheets) and the IATI activity that describes it (`tests/data/sources/`), imported each
//! way round into one store, keep every origin's facts. The node shows the curated values (precedence),
//! keeps the activity's as alternatives with their sources, and re-importing an origin replaces its facts
//! only, or changes nothing when the file is the same. An analyst's correction of the activity's
//! participation is kept beside the file's statement of it, and shown, as the edge's alternatives say.

use std::sync::Arc;

use partnergraph::graph::curation::{self, Edit};
use partnergraph::io::{self, iati, sheets};
use partnergraph::store::{GraphStore, WriteSummary};
use partnergraph_schema::claims::alternatives;
use partnergraph_schema::{AgreementType, EdgeRecord, IatiRole, NodeId, NodeRecord, PartialDate, Precedence, Role, Source};
use partnergraph_tests::{data, schema, workspace_root};
use serde_json::json;

const AGREEMENT: &str = "agreement:iati-xm-dac-41114-src-1";

fn file(name: &str) -> Vec<u8> {
    let path = workspace_root().join("tests/data/sources").join(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// Imports the IATI file `name` as if it were called `as_name`.
async fn import_iati(store: &Arc<dyn GraphStore>, name: &str, as_name: &str) -> WriteSummary {
    let report = iati::import(Arc::clone(store), std::io::Cursor::new(file(name)), as_name).await.expect("IATI import");
    report.summary.expect("written")
}

async fn import_jsonl(store: &Arc<dyn GraphStore>) -> WriteSummary {
    let text = String::from_utf8(file("agreement.jsonl")).expect("UTF-8");
    io::import(store.as_ref(), &text).await.expect("JSON Lines import")
}

async fn import_csv(store: &Arc<dyn GraphStore>) -> WriteSummary {
    let sheet: Box<dyn std::io::Read + Send> = Box::new(std::io::Cursor::new(file("agreement-elements.csv")));
    sheets::import_sheets(store.as_ref(), vec![sheet]).await.expect("CSV import")
}

async fn agreement(store: &Arc<dyn GraphStore>) -> NodeRecord {
    let id = NodeId::parse(AGREEMENT).expect("id");
    store.nodes(&[id]).await.expect("read").remove(0).expect("the agreement")
}

fn date(text: &str) -> Option<PartialDate> {
    Some(text.parse().expect("date"))
}

/// The node's alternatives of `field`: (value, origin, precedence, shown, first source's document).
fn alternatives_of(node: &NodeRecord, field: &str) -> Vec<(String, String, Precedence, bool, String)> {
    alternatives(node)
        .into_iter()
        .filter(|alt| alt.field == field)
        .map(|alt| {
            let document = alt.sources.first().map(|source| source.document.clone()).unwrap_or_default();
            (alt.value, alt.origin, alt.precedence, alt.shown, document)
        })
        .collect()
}

fn documents(node: &NodeRecord) -> Vec<&str> {
    node.sources.iter().map(|source| source.document.as_str()).collect()
}

pub async fn sources_add_up_iati_first_then_csv_then_json_lines(store: Arc<dyn GraphStore>) {
    import_iati(&store, "activity.xml", "activity.xml").await;
    let node = agreement(&store).await;
    assert_eq!((node.name.as_str(), node.claims.len()), ("Solar pumps for smallholders", 1));
    assert!(alternatives(&node).is_empty(), "one origin has no alternatives");

    let summary = import_csv(&store).await;
    assert_eq!(summary.nodes_updated, 1);
    let node = agreement(&store).await;
    assert_eq!(node.name, "Solar irrigation (Kenya)", "the curated record is shown");
    assert_eq!((node.start, node.agreement_type), (date("2018-11"), Some(AgreementType::Programme)));
    assert_eq!(node.aliases, ["Solar pumps for smallholders"], "the other origin's name is an alias");
    assert_eq!(documents(&node), ["activity.xml", "analyst-sheet.xlsx"]);
    assert_eq!(
        alternatives_of(&node, "name"),
        [
            ("Solar pumps for smallholders".into(), "activity.xml".into(), Precedence::OwnRecord, false, "activity.xml".into()),
            ("Solar irrigation (Kenya)".into(), String::new(), Precedence::Curated, true, "analyst-sheet.xlsx".into()),
        ]
    );
    assert_eq!(
        alternatives_of(&node, "start").iter().map(|alt| (alt.0.as_str(), alt.3)).collect::<Vec<_>>(),
        [("2019-03-01", false), ("2018-11", true)]
    );

    assert!(import_iati(&store, "activity.xml", "activity.xml").await.is_noop(), "the same file again changes nothing");
    assert!(import_csv(&store).await.is_noop(), "the same sheet again changes nothing");

    // A newer version of the IATI file replaces that file's facts only.
    import_iati(&store, "activity-v2.xml", "activity.xml").await;
    let node = agreement(&store).await;
    assert_eq!(node.name, "Solar irrigation (Kenya)");
    assert_eq!(node.end, date("2023-12-31"), "a field only the activity gives is shown");
    let names: Vec<String> = alternatives_of(&node, "name").into_iter().map(|alt| alt.0).collect();
    assert_eq!(names, ["Solar irrigation (Kenya)", "Solar pumps for smallholder farmers"], "claims in the order they last changed");

    // JSON Lines is curated too: it replaces the sheet's record and keeps the activity's.
    import_jsonl(&store).await;
    let node = agreement(&store).await;
    assert_eq!((node.name.as_str(), node.start, node.end), ("Kenya solar irrigation project", date("2019"), date("2023-12-31")));
    assert_eq!(documents(&node), ["activity.xml", "project-note.txt"]);
    assert_eq!(node.claims.len(), 2);
}

pub async fn sources_add_up_json_lines_first_then_iati(store: Arc<dyn GraphStore>) {
    import_jsonl(&store).await;
    let summary = import_iati(&store, "activity.xml", "activity.xml").await;
    assert_eq!(summary.nodes_updated, 1, "{summary:?}");
    let node = agreement(&store).await;
    assert_eq!((node.name.as_str(), node.start), ("Kenya solar irrigation project", date("2019")), "the curated record is shown");
    assert_eq!(documents(&node), ["project-note.txt", "activity.xml"]);
    assert!(node.identifiers.iter().any(|identifier| identifier.value == "XM-DAC-41114-SRC-1"), "the activity's identifier is kept");
    assert_eq!(
        alternatives_of(&node, "start"),
        [
            ("2019".into(), String::new(), Precedence::Curated, true, "project-note.txt".into()),
            ("2019-03-01".into(), "activity.xml".into(), Precedence::OwnRecord, false, "activity.xml".into()),
        ]
    );
    assert!(import_iati(&store, "activity.xml", "activity.xml").await.is_noop(), "the same file again changes nothing");
    assert!(import_jsonl(&store).await.is_noop(), "the same JSON Lines again changes nothing");
    // The CSV sheet replaces the curated record; the activity's claim stays.
    import_csv(&store).await;
    let node = agreement(&store).await;
    assert_eq!(node.name, "Solar irrigation (Kenya)");
    assert_eq!(documents(&node), ["activity.xml", "analyst-sheet.xlsx"]);
}

/// The activity's participation of UNDP, as the import names it.
async fn undp_participation(store: &Arc<dyn GraphStore>) -> EdgeRecord {
    let links = store.expand(&[NodeId::parse(AGREEMENT).expect("id")], &Default::default()).await.expect("edges");
    let link = links.into_iter().find(|link| link.iati_role == Some(IatiRole::Funding)).expect("UNDP's funding participation");
    store.edges(&[link.id]).await.expect("read").remove(0).expect("the edge")
}

pub async fn an_analysts_edge_correction_stays_beside_the_files_participation(store: Arc<dyn GraphStore>) {
    import_iati(&store, "activity.xml", "activity.xml").await;
    let imported = undp_participation(&store).await;
    assert!(imported.claims.is_empty(), "one origin: no claims");
    let note = Source { document: "mission-report.pdf".to_owned(), paragraph: Some(4), quote: Some("UNDP as pivotal partner".to_owned()) };
    let corrected = EdgeRecord { role: Some(Role::Pivotal), iati_role: None, sources: vec![note.clone()], ..imported.clone() };
    let edit = Edit::UpsertEdge { edge: corrected, expected: None };
    curation::apply(store.as_ref(), "analyst", Vec::new(), vec![edit]).await.expect("the correction");
    let edge = undp_participation(&store).await;
    assert_eq!((edge.role, edge.iati_role), (Some(Role::Pivotal), Some(IatiRole::Funding)), "the analyst's role, the file's IATI role");
    let origins: Vec<&str> = edge.claims.iter().map(|claim| claim.origin.as_str()).collect();
    assert_eq!(origins, ["activity.xml", ""]);
    assert_eq!(edge.sources.len(), 2);

    // The newer version of the file states the participation as before: the correction stays shown.
    let summary = import_iati(&store, "activity-v2.xml", "activity.xml").await;
    assert_eq!(summary.edges_updated, 0, "{summary:?}");
    assert_eq!(undp_participation(&store).await, edge);

    // Over GraphQL, the edge says where its origins disagree.
    let api = schema(Arc::clone(&store));
    let query = format!(
        r#"{{ neighborhood(id: "{AGREEMENT}") {{ edges {{ id role alternatives {{ field value origin precedence shown sources {{ document }} }} }} }} }}"#
    );
    let answer = data(&api, &query).await;
    let edges = answer["neighborhood"]["edges"].as_array().expect("edges");
    let shown = edges.iter().find(|item| item["id"] == edge.id.as_str()).expect("the participation");
    assert_eq!(shown["role"], "PIVOTAL");
    assert_eq!(
        shown["alternatives"],
        json!([
            {"field": "role", "value": "PARTNER", "origin": "activity.xml", "precedence": "OWN_RECORD", "shown": false, "sources": [{"document": "activity.xml"}]},
            {"field": "role", "value": "PIVOTAL", "origin": "", "precedence": "CURATED", "shown": true, "sources": [{"document": "mission-report.pdf"}]},
        ])
    );
    let mut others = edges.iter().filter(|item| item["id"] != edge.id.as_str());
    assert!(others.clone().count() > 0 && others.all(|item| item["alternatives"] == json!([])), "one origin: no alternatives");
}
