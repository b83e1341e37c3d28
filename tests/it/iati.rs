//! IATI activity files imported into the seed graph, seen through GraphQL: an imported UNDP activity is
//! among UNDP's partners, and an activity marked triangular shows its three corners.

use std::sync::Arc;

use partnergraph::io::iati;
use partnergraph::store::GraphStore;
use partnergraph_tests::{data, error_codes, execute, schema, seeded_store, workspace_root};
use serde_json::{Value, json};

const TRIANGULAR: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
 <iati-activity xml:lang="en" default-currency="USD">
  <iati-identifier>XM-DAC-41114-TEST-00001</iati-identifier>
  <reporting-org ref="XM-DAC-41114" type="40"><narrative>United Nations Development Programme</narrative></reporting-org>
  <title><narrative>Rice value chains: Brazil and Mozambique</narrative></title>
  <participating-org ref="XM-DAC-41114" role="1" type="40"><narrative>UNDP</narrative></participating-org>
  <participating-org ref="BR-CNPJ-00000000000001" role="4" type="10"><narrative>Brazilian Cooperation Agency</narrative></participating-org>
  <recipient-country code="MZ" percentage="100"/>
  <collaboration-type code="8"/>
  <activity-date type="2" iso-date="2019-01-15"/>
  <transaction><transaction-type code="2"/><value value-date="2019-01-15">250000</value></transaction>
 </iati-activity>
</iati-activities>
"#;

async fn import(store: &Arc<dyn GraphStore>, text: &str) -> iati::IatiReport {
    import_named(store, text, "undp-test.xml").await
}

async fn import_named(store: &Arc<dyn GraphStore>, text: &str, name: &str) -> iati::IatiReport {
    iati::import(Arc::clone(store), std::io::Cursor::new(text.as_bytes().to_vec()), name).await.expect("imported")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_imported_undp_activity_is_among_undps_partners() {
    let (_dir, store) = seeded_store().await;
    import(&store, TRIANGULAR).await;
    let schema = schema(Arc::clone(&store));
    let answer = data(&schema, r#"{ partners(id: "agency:undp", first: 500) { partner { id } agreements { id } } }"#).await;
    let partnerships = answer["partners"].as_array().expect("partners");
    let with_agency = partnerships.iter().find(|partnership| partnership["partner"]["id"] == "agency:iati-br-cnpj-00000000000001");
    assert_eq!(
        with_agency.map(|partnership| &partnership["agreements"]),
        Some(&json!([{ "id": "agreement:iati-xm-dac-41114-test-00001" }]))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_imported_triangular_activity_shows_its_three_corners() {
    let (_dir, store) = seeded_store().await;
    import(&store, TRIANGULAR).await;
    let schema = schema(Arc::clone(&store));
    let query = r#"{ triangulars(involving: "agreement:iati-xm-dac-41114-test-00001") {
        agreement { id ... on Agreement { triangular amountUsd start } }
        beneficiary { id } pivotal { id } facilitating { id } } }"#;
    let answer = data(&schema, query).await;
    assert_eq!(
        answer["triangulars"],
        json!([{
            "agreement": { "id": "agreement:iati-xm-dac-41114-test-00001", "triangular": true, "amountUsd": 250000.0, "start": "2019-01-15" },
            "beneficiary": [{ "id": "country:MOZ" }],
            "pivotal": [{ "id": "agency:iati-br-cnpj-00000000000001" }],
            "facilitating": [{ "id": "agency:undp" }],
        }])
    );
    let undp = data(&schema, r#"{ triangulars(involving: "agency:undp", first: 500) { agreement { id } } }"#).await;
    let agreements: Vec<&Value> =
        undp["triangulars"].as_array().expect("list").iter().map(|triangular| &triangular["agreement"]["id"]).collect();
    assert!(agreements.contains(&&json!("agreement:iati-xm-dac-41114-test-00001")), "{agreements:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_standard_example_imports_into_the_seed_graph_once() {
    let (_dir, store) = seeded_store().await;
    let path = workspace_root().join("../shared/fixtures/iati/activity-standard-example-annotated.xml");
    let text = std::fs::read_to_string(path).expect("the fixture");
    let first = import(&store, &text).await;
    assert_eq!((first.records, first.skipped, first.warnings.total()), (1, 0, 0));
    let written = first.summary.expect("written");
    assert_eq!((written.nodes_created, written.edges_created), (6, 5), "agreement, three agencies, Afghanistan and Antigua");
    let again = import(&store, &text).await.summary.expect("written");
    assert!(again.is_noop(), "{again:?}");
    let schema = schema(store);
    let answer = data(&schema, r#"{ node(id: "agreement:iati-aa-aaa-123456789-abc123") { name ... on Agreement { participants { actor { id } role iatiRole } } } }"#).await;
    assert_eq!(
        answer["node"],
        json!({ "name": "Activity title", "participants": [
            { "actor": { "id": "agency:iati-aa-aaa-123456789" }, "role": "PARTNER", "iatiRole": "EXTENDING" },
            { "actor": { "id": "agency:iati-bb-bbb-123456789" }, "role": "PARTNER", "iatiRole": "FUNDING" },
            { "actor": { "id": "agency:iati-cc-ccc-123456789" }, "role": "PARTNER", "iatiRole": "ACCOUNTABLE" },
            { "actor": { "id": "country:AFG" }, "role": "BENEFICIARY", "iatiRole": null },
            { "actor": { "id": "country:ATG" }, "role": "BENEFICIARY", "iatiRole": null },
        ]})
    );
    let money = r#"{ node(id: "agreement:iati-aa-aaa-123456789-abc123") { translations { language name } ... on Agreement { status recipients { country region vocabulary percentage } amounts { kind currency value } } } }"#;
    assert_eq!(
        data(&schema, money).await["node"],
        json!({
            "translations": [{ "language": "fr", "name": "Titre de l'activité" }, { "language": "es", "name": "Título de la actividad" }],
            "status": "IMPLEMENTATION",
            "recipients": [
                { "country": "AFG", "region": null, "vocabulary": null, "percentage": 25.0 },
                { "country": "ATG", "region": null, "vocabulary": null, "percentage": 25.0 },
                { "country": null, "region": "489", "vocabulary": "1", "percentage": 25.0 },
                { "country": null, "region": "A1", "vocabulary": "99", "percentage": 25.0 },
            ],
            "amounts": [{ "kind": "BUDGET", "currency": "EUR", "value": 3000.0 }],
        })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn nodes_answer_to_their_external_identifiers() {
    let (_dir, store) = seeded_store().await;
    import(&store, TRIANGULAR).await;
    let schema = schema(store);
    let query = r#"{
        undp: lookup(scheme: "iati-org", value: "xm-dac-41114") { id identifiers { scheme value } }
        thailand: lookup(scheme: "iso3166-alpha2", value: "TH") { id identifiers { scheme value } }
        mozambique: lookup(scheme: "iso3166-alpha3", value: "moz") { id }
        activity: lookup(scheme: "iati-activity", value: "XM-DAC-41114-TEST-00001") { id identifiers { value } }
        brazil: lookup(scheme: "iati-org", value: "BR-CNPJ-00000000000001") { id name }
        nobody: lookup(scheme: "iati-org", value: "XM-DAC-99999") { id }
    }"#;
    assert_eq!(
        data(&schema, query).await,
        json!({
            "undp": { "id": "agency:undp", "identifiers": [{ "scheme": "iati-org", "value": "XM-DAC-41114" }] },
            "thailand": { "id": "country:THA", "identifiers": [
                { "scheme": "iso3166-alpha2", "value": "TH" }, { "scheme": "iso3166-alpha3", "value": "THA" }] },
            "mozambique": { "id": "country:MOZ" },
            "activity": { "id": "agreement:iati-xm-dac-41114-test-00001", "identifiers": [{ "value": "XM-DAC-41114-TEST-00001" }] },
            "brazil": { "id": "agency:iati-br-cnpj-00000000000001", "name": "Brazilian Cooperation Agency" },
            "nobody": null,
        })
    );
    let bad = execute(&schema, r#"{ lookup(scheme: "IATI org", value: "x") { id } }"#).await;
    assert_eq!(error_codes(&bad), ["BAD_USER_INPUT"], "{bad}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_standard_organisation_example_updates_the_publisher_the_activity_example_created() {
    let (_dir, store) = seeded_store().await;
    let fixtures = workspace_root().join("../shared/fixtures/iati");
    let read = |name: &str| std::fs::read_to_string(fixtures.join(name)).expect("the fixture");
    let activities = "activity-standard-example-annotated.xml";
    import_named(&store, &read(activities), activities).await;
    let organisations = "organisation-standard-example-annotated.xml";
    let organisations = import_named(&store, &read(organisations), organisations).await;
    assert_eq!((organisations.kind, organisations.records, organisations.warnings.total()), (iati::FileKind::Organisations, 1, 0));
    let written = organisations.summary.expect("written");
    assert_eq!((written.nodes_created, written.nodes_updated), (0, 1), "the publisher gains the organisation file as a source");
    let schema = schema(store);
    let answer = data(
        &schema,
        r#"{ lookup(scheme: "iati-org", value: "AA-AAA-123456789") { id name aliases ... on Agency { agencyType } sources { quote }
             alternatives { field value origin precedence shown sources { quote } } } }"#,
    )
    .await;
    assert_eq!(
        answer["lookup"],
        json!({ "id": "agency:iati-aa-aaa-123456789", "name": "Organisation name", "aliases": ["Nom de l'organisme"], "agencyType": "INTERGOVERNMENTAL", "alternatives": [],
                "sources": [{ "quote": "AA-AAA-123456789-ABC123 / reporting-org" }, { "quote": "AA-AAA-123456789 / iati-organisation" }] })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_organisation_file_that_disagrees_with_the_seed_shows_both_values_and_which_is_shown() {
    let (_dir, store) = seeded_store().await;
    let xml = r#"<iati-organisations version="2.03"><iati-organisation>
  <organisation-identifier>XM-DAC-41114</organisation-identifier>
  <name><narrative>UN Development Programme</narrative></name>
  <reporting-org ref="XM-DAC-41114" type="40"><narrative>UNDP</narrative></reporting-org>
 </iati-organisation></iati-organisations>"#;
    import_named(&store, xml, "undp-organisation.xml").await;
    let schema = schema(store);
    let answer = data(
        &schema,
        r#"{ node(id: "agency:undp") { name aliases alternatives { field value origin precedence shown sources { document } } } }"#,
    )
    .await;
    let node = &answer["node"];
    assert_eq!(node["name"], "United Nations Development Programme", "the seed's curated record is shown");
    assert!(node["aliases"].as_array().is_some_and(|aliases| aliases.contains(&json!("UN Development Programme"))), "{node}");
    let names: Vec<&Value> = node["alternatives"].as_array().expect("alternatives").iter().filter(|alt| alt["field"] == "name").collect();
    assert_eq!(names.len(), 2, "{node}");
    assert_eq!(
        (&names[0]["value"], &names[0]["origin"], &names[0]["precedence"], &names[0]["shown"]),
        (&json!("United Nations Development Programme"), &json!(""), &json!("CURATED"), &json!(true))
    );
    assert_eq!(
        (&names[1]["value"], &names[1]["origin"], &names[1]["precedence"], &names[1]["shown"]),
        (&json!("UN Development Programme"), &json!("undp-organisation.xml"), &json!("OWN_RECORD"), &json!(false))
    );
    assert_eq!(names[1]["sources"], json!([{ "document": "undp-organisation.xml" }]));
}
