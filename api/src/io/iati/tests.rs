//! The IATI import against real files' quirks: one small inline file per quirk, checked without a store
//! (`check`) or imported into a seeded embedded store.

use std::sync::Arc;

use partnergraph_schema::claims;
use partnergraph_schema::{EdgeRecord, IatiRole, NodeId, NodeRecord, Precedence, Role};

use crate::io::iati::run::{FileRead, Keep, import_in_blocks, read_file};
use crate::io::iati::{FileKind, IatiReport, Refusal, Warnings, check, import};
use crate::io::{IoError, export, seed_if_empty};
use crate::store::{Batch, EmbeddedStore, GraphStore, IndexMode};

/// A file with one activity: `attrs` on `<iati-activity>`, `body` inside it.
pub(super) fn activity(attrs: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<iati-activities version=\"2.03\">\n<iati-activity {attrs}>\n<iati-identifier>XX-TEST-1</iati-identifier>\n<title><narrative>Test activity</narrative></title>\n{body}\n</iati-activity>\n</iati-activities>\n"
    )
}

/// What a file maps to without a store, and its warnings.
pub(super) fn mapped(xml: &str) -> (Batch, Warnings) {
    let read = read_file(std::io::Cursor::new(xml.as_bytes().to_vec()), "test.xml", None, Keep::Staged, None);
    let Ok(FileRead { staged, report, .. }) = read else { panic!("the file was refused") };
    (staged.into_batch().expect("staged records decode"), report.warnings)
}

pub(super) fn node<'a>(batch: &'a Batch, id: &str) -> &'a NodeRecord {
    batch.nodes.iter().find(|node| node.id.as_str() == id).unwrap_or_else(|| panic!("no node {id}: {:?}", ids(batch)))
}

fn edges_into<'a>(batch: &'a Batch, target: &str) -> Vec<&'a EdgeRecord> {
    batch.edges.iter().filter(|edge| edge.target.as_str() == target).collect()
}

fn ids(batch: &Batch) -> Vec<String> {
    batch.nodes.iter().map(|node| node.id.to_string()).chain(batch.edges.iter().map(|edge| edge.id.to_string())).collect()
}

pub(super) const AGREEMENT: &str = "agreement:iati-xx-test-1";

pub(super) async fn seeded() -> (tempfile::TempDir, Arc<dyn GraphStore>) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store: Arc<dyn GraphStore> = Arc::new(EmbeddedStore::open_with(dir.path(), IndexMode::Off).expect("open store"));
    seed_if_empty(store.as_ref()).await.expect("seed");
    (dir, store)
}

pub(super) async fn import_text(store: &Arc<dyn GraphStore>, xml: &str) -> Result<IatiReport, IoError> {
    import(Arc::clone(store), std::io::Cursor::new(xml.as_bytes().to_vec()), "test.xml").await
}

#[test]
fn the_standard_example_maps_to_an_agreement_its_organisations_and_recipient_countries() {
    let path = "../../shared/fixtures/iati/activity-standard-example-annotated.xml";
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).expect("the fixture");
    let (batch, warnings) = mapped(&text);
    assert_eq!(warnings.total(), 0, "{:?}", warnings.kept());
    let agreement = node(&batch, "agreement:iati-aa-aaa-123456789-abc123");
    assert_eq!(agreement.name, "Activity title");
    assert_eq!(agreement.aliases, ["Titre de l'activité", "Título de la actividad"]);
    let translations: Vec<String> =
        agreement.translations.iter().map(|translation| serde_json::to_string(translation).expect("JSON")).collect();
    assert_eq!(
        translations,
        [
            r#"{"language":"fr","name":"Titre de l'activité","description":"Activité générale du texte de description. Longue description de l'activité sans structure particulière."}"#,
            r#"{"language":"es","name":"Título de la actividad"}"#,
        ],
        "the title and the general description in each other language"
    );
    assert_eq!(agreement.start.map(|date| date.to_string()).as_deref(), Some("2012-04-28"), "actual start over planned");
    assert_eq!(agreement.end.map(|date| date.to_string()).as_deref(), Some("2015-12-31"));
    assert_eq!(agreement.amount_usd, None, "budgets in EUR are not converted");
    assert_eq!(agreement.status, Some(partnergraph_schema::ActivityStatus::Implementation));
    let amounts: Vec<(partnergraph_schema::AmountKind, &str, f64)> =
        agreement.amounts.iter().map(|amount| (amount.kind, amount.currency.as_str(), amount.value)).collect();
    assert_eq!(
        amounts,
        [(partnergraph_schema::AmountKind::Budget, "EUR", 3000.0)],
        "incoming funds are neither commitments nor disbursements"
    );
    let recipients: Vec<String> = agreement.recipients.iter().map(|recipient| serde_json::to_string(recipient).expect("JSON")).collect();
    assert_eq!(
        recipients,
        [
            r#"{"country":"AFG","percentage":25.0}"#,
            r#"{"country":"ATG","percentage":25.0}"#,
            r#"{"region":"489","vocabulary":"1","percentage":25.0}"#,
            r#"{"region":"A1","vocabulary":"99","percentage":25.0}"#,
        ]
    );
    assert_eq!(agreement.identifiers[0].value, "AA-AAA-123456789-ABC123");
    let roles: Vec<(String, Option<IatiRole>, Option<Role>)> = edges_into(&batch, "agreement:iati-aa-aaa-123456789-abc123")
        .iter()
        .map(|edge| (edge.source.to_string(), edge.iati_role, edge.role))
        .collect();
    assert_eq!(
        roles,
        [
            ("agency:iati-aa-aaa-123456789".to_owned(), Some(IatiRole::Extending), Some(Role::Partner)),
            ("agency:iati-bb-bbb-123456789".to_owned(), Some(IatiRole::Funding), Some(Role::Partner)),
            ("agency:iati-cc-ccc-123456789".to_owned(), Some(IatiRole::Accountable), Some(Role::Partner)),
            ("country:AFG".to_owned(), None, Some(Role::Beneficiary)),
            ("country:ATG".to_owned(), None, Some(Role::Beneficiary)),
        ]
    );
    let source = &edges_into(&batch, "agreement:iati-aa-aaa-123456789-abc123")[1].sources[0];
    assert_eq!(source.document, "test.xml");
    assert_eq!(source.paragraph, Some(45), "the line of the participating-org");
    assert_eq!(source.quote.as_deref(), Some("AA-AAA-123456789-ABC123 / participating-org[1] (matched by IATI organisation identifier)"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_undp_activity_attaches_to_the_seed_agency_by_identifier_and_by_name() {
    let (_dir, store) = seeded().await;
    let xml = activity(
        "",
        r#"<participating-org ref="XM-DAC-41114" role="3"><narrative>PNUD</narrative></participating-org>
           <participating-org role="4"><narrative>FAO</narrative></participating-org>"#,
    );
    let report = import_text(&store, &xml).await.expect("imported");
    assert_eq!(report.warnings.total(), 0, "{:?}", report.warnings.kept());
    let created = report.summary.expect("written");
    assert_eq!(created.nodes_created, 1, "only the agreement is new");
    let edges = store.expand(&[NodeId::parse(AGREEMENT).expect("id")], &Default::default()).await.expect("edges");
    let actors: Vec<&str> = edges.iter().map(|edge| edge.source.as_str()).collect();
    assert_eq!(actors, ["agency:fao", "agency:undp"]);
    let undp = store.nodes(&[NodeId::parse("agency:undp").expect("id")]).await.expect("read").remove(0).expect("undp");
    assert_eq!(undp.name, "United Nations Development Programme", "a matched node is not rewritten");
}

#[tokio::test(flavor = "multi_thread")]
async fn importing_the_same_file_twice_changes_nothing() {
    let (_dir, store) = seeded().await;
    let xml = activity(
        "default-currency=\"USD\"",
        r#"<reporting-org ref="XM-DAC-41114"><narrative>UNDP</narrative></reporting-org>
           <participating-org ref="GB-CHC-1" role="1"><narrative>A charity</narrative></participating-org>
           <participating-org role="4"><narrative>A new ministry</narrative></participating-org>
           <recipient-country code="AF"/>
           <budget type="1"><period-start iso-date="2020-01-01"/><value>10</value></budget>"#,
    );
    let first = import_text(&store, &xml).await.expect("first").summary.expect("written");
    assert!(first.nodes_created >= 4 && first.edges_created == 4, "{first:?}");
    let second = import_text(&store, &xml).await.expect("second").summary.expect("written");
    assert!(second.is_noop(), "{second:?}");
    assert_eq!(second.nodes_unchanged, 1, "only the agreement is written again; the nodes it created are matched");
    assert_eq!(second.edges_unchanged, 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_or_foreign_file_is_refused_with_its_position_and_nothing_is_written() {
    let (_dir, store) = seeded().await;
    let before = store.stats().await.expect("stats");
    let broken = activity("", "<participating-org role=\"1\"><narrative>A</narrative></participating-orgg>");
    match import_text(&store, &broken).await {
        Err(IoError::Refused(Refusal::Malformed { line, column, .. })) => assert_eq!((line, column), (6, 53), "the closing tag"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    match import_text(&store, "<!-- a comment -->\n<html>\n<body/></html>").await {
        Err(IoError::Refused(Refusal::NotIati { line, column, root })) => assert_eq!((line, column, root.as_str()), (2, 1, "html")),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let truncated = "<iati-activities>\n<iati-activity>\n<iati-identifier>X-Y-1</iati-identifier>";
    assert!(matches!(import_text(&store, truncated).await, Err(IoError::Refused(Refusal::Malformed { line: 3, .. }))));
    assert!(matches!(check(std::io::Cursor::new(""), "empty.xml"), Err(Refusal::NotIati { .. })));
    assert_eq!(store.stats().await.expect("stats"), before);
}

#[test]
fn organisation_refs_missing_empty_or_not_identifiers_fall_back_to_names() {
    let (batch, warnings) = mapped(&activity(
        "",
        r#"<participating-org role="1"><narrative>Ministry of Planning</narrative></participating-org>
           <participating-org ref="" role="2"><narrative>Local Council</narrative></participating-org>
           <participating-org ref="NGO" role="4"><narrative>Friends of Water</narrative></participating-org>
           <participating-org role="4"/>"#,
    ));
    let actors: Vec<&str> = edges_into(&batch, AGREEMENT).iter().map(|edge| edge.source.as_str()).collect();
    assert_eq!(actors, ["agency:friends-of-water", "agency:local-council", "agency:ministry-of-planning"]);
    assert!(warnings.has("empty attribute"), "{:?}", warnings.kept());
    assert!(warnings.has("ref not an organisation identifier"));
    assert!(warnings.has("organisation without identifier or name"));
    let anonymous =
        warnings.kept().iter().find(|warning| warning.kind.name() == "organisation without identifier or name").expect("warning");
    assert_eq!(anonymous.line, 9);
}

#[test]
fn the_same_organisation_twice_gives_one_participation_per_role() {
    let (batch, warnings) = mapped(&activity(
        "",
        r#"<participating-org ref="GB-CHC-1" role="1"><narrative>Charity</narrative></participating-org>
           <participating-org ref="GB-CHC-1" role="1"><narrative>The Charity</narrative></participating-org>
           <participating-org ref="GB-CHC-1" role="4"><narrative>Charity</narrative></participating-org>"#,
    ));
    let roles: Vec<Option<IatiRole>> = edges_into(&batch, AGREEMENT).iter().map(|edge| edge.iati_role).collect();
    assert_eq!(roles, [Some(IatiRole::Funding), Some(IatiRole::Implementing)]);
    assert_eq!(batch.nodes.iter().filter(|node| node.id.as_str() == "agency:iati-gb-chc-1").count(), 1);
    assert!(warnings.has("organisation listed twice"));
}

#[test]
fn countries_and_sectors_given_only_on_transactions_are_read_there() {
    let (batch, warnings) = mapped(&activity(
        "",
        r#"<transaction><transaction-type code="3"/><value currency="USD">5</value><recipient-country code="KE"/><sector vocabulary="7" code="6"/></transaction>
           <transaction><transaction-type code="3"/><value currency="USD">5</value><recipient-country code="ke"/></transaction>
           <transaction><transaction-type code="3"/><value currency="USD">5</value><recipient-country code="QQ"/></transaction>"#,
    ));
    let beneficiaries: Vec<(&str, Option<Role>)> =
        edges_into(&batch, AGREEMENT).iter().map(|edge| (edge.source.as_str(), edge.role)).collect();
    assert_eq!(beneficiaries, [("country:KEN", Some(Role::Beneficiary))]);
    assert_eq!(node(&batch, "country:KEN").name, "Kenya");
    assert_eq!(node(&batch, AGREEMENT).sdgs, [6], "an SDG sector of a transaction");
    assert!(warnings.has("unknown country code"));
}

#[test]
fn dac_sectors_are_kept_as_codes_and_a_malformed_one_is_a_warning() {
    let (batch, warnings) = mapped(&activity(
        "",
        r#"<sector code="31120" percentage="50"/><sector vocabulary="2" code="140" percentage="30"/>
           <sector vocabulary="1" code="3112" percentage="10"/><sector vocabulary="7" code="2"/>
           <sector vocabulary="99" code="local-code"/><sector code="31120"/>"#,
    ));
    assert_eq!(node(&batch, AGREEMENT).sectors, ["140", "31120"], "vocabulary 1 by default, 2 as categories, once each");
    assert_eq!(node(&batch, AGREEMENT).sdgs, [2]);
    assert!(warnings.has("DAC sector code malformed"));
    let (batch, _) = mapped(&activity(
        "",
        r#"<transaction><transaction-type code="3"/><value currency="USD">5</value><sector code="12220"/></transaction>"#,
    ));
    assert_eq!(node(&batch, AGREEMENT).sectors, ["12220"], "a transaction's sectors when the activity names none");
}

#[test]
fn percentages_that_do_not_add_up_are_a_warning_not_a_refusal() {
    let (batch, warnings) = mapped(&activity(
        "",
        r#"<recipient-country code="AF" percentage="60"/><recipient-country code="PK" percentage="60"/>
           <sector vocabulary="1" code="11110" percentage="30"/><sector vocabulary="1" code="11120"/>"#,
    ));
    assert_eq!(edges_into(&batch, AGREEMENT).len(), 2);
    assert_eq!(warnings.by_kind().get("percentages not adding up to 100"), Some(&2));
}

#[test]
fn empty_attributes_are_warnings_with_their_position() {
    let (batch, warnings) = mapped(&activity("default-currency=\"\"", r#"<activity-date type="2" iso-date=""/>"#));
    assert_eq!(node(&batch, AGREEMENT).start, None);
    let positions: Vec<(u64, u64)> = warnings.kept().iter().map(|warning| (warning.line, warning.column)).collect();
    assert_eq!(positions, [(3, 1), (6, 1)]);
    assert_eq!(warnings.by_kind().get("empty attribute"), Some(&2));
}

#[test]
fn booleans_written_as_words_are_read() {
    let reporting = |value: &str| {
        activity(
            "",
            &format!(r#"<reporting-org ref="GB-CHC-9" secondary-reporter="{value}"><narrative>Publisher</narrative></reporting-org>"#),
        )
    };
    for (value, linked) in [("true", false), ("Yes", false), ("0", true), ("false", true)] {
        let (batch, warnings) = mapped(&reporting(value));
        assert_eq!(edges_into(&batch, AGREEMENT).len(), usize::from(linked), "secondary-reporter={value}");
        assert_eq!(warnings.total(), 0);
    }
    let (_, warnings) = mapped(&reporting("perhaps"));
    assert!(warnings.has("boolean not readable"));
}

#[test]
fn text_escaped_twice_is_unescaped_once_more() {
    let xml = activity("", "").replace("<narrative>Test activity</narrative>", "<narrative>Water &amp;amp; sanitation</narrative>");
    let (batch, warnings) = mapped(&xml);
    assert_eq!(node(&batch, AGREEMENT).name, "Water & sanitation");
    assert!(warnings.has("text escaped twice"));
}

#[test]
fn dates_with_fractional_seconds_are_read_and_free_text_is_a_warning() {
    let (batch, warnings) = mapped(&activity(
        "",
        r#"<activity-date type="2" iso-date="2019-03-01T00:00:00.0000000"/>
           <activity-date type="4" iso-date="sometime in 2021"/>
           <activity-date type="3" iso-date="2020-12-31Z"/>"#,
    ));
    let agreement = node(&batch, AGREEMENT);
    assert_eq!(agreement.start.map(|date| date.to_string()).as_deref(), Some("2019-03-01"));
    assert_eq!(agreement.end.map(|date| date.to_string()).as_deref(), Some("2020-12-31"), "the planned end when the actual is unreadable");
    assert!(warnings.has("date not ISO 8601"));
}

#[test]
fn the_default_language_comes_from_xml_lang_wherever_it_is_written() {
    let xml = "<iati-activities version=\"2.03\" xml:lang=\"fr\"><iati-activity>
        <iati-identifier>XX-TEST-1</iati-identifier>
        <title><narrative xml:lang=\"en\">Water</narrative><narrative>Eau</narrative></title>
        <description xml:lang=\"es\"><narrative>Agua</narrative><narrative xml:lang=\"fr\">De l'eau</narrative></description>
        </iati-activity></iati-activities>";
    let (batch, _) = mapped(xml);
    let agreement = node(&batch, AGREEMENT);
    assert_eq!((agreement.name.as_str(), agreement.aliases.as_slice()), ("Eau", ["Water".to_owned()].as_slice()));
    assert_eq!(agreement.description.as_deref(), Some("De l'eau"));
}

#[test]
fn no_declaration_comments_before_the_root_and_foreign_extensions_are_read() {
    let xml = "<!-- generated -->\n<!-- by hand -->\n<iati-activities xmlns:usg=\"http://example.org/usg\" version=\"2.02\">
        <usg:note>outside any activity</usg:note>
        <iati-activity usg:flag=\"x\">
        <iati-identifier>XX-TEST-1</iati-identifier>
        <usg:treasury-account><usg:code>1</usg:code><title>not the title</title></usg:treasury-account>
        <title><narrative>Real title</narrative></title>
        </iati-activity></iati-activities>\n<!-- end -->\n";
    let report = check(std::io::Cursor::new(xml), "test.xml").expect("read");
    assert_eq!((report.kind, report.records, report.warnings.total()), (FileKind::Activities, 1, 0));
    assert_eq!(node(&mapped(xml).0, AGREEMENT).name, "Real title");
}

#[test]
fn amounts_use_the_default_currency_and_only_us_dollars_are_kept() {
    let commitment = |currency: &str, value: &str| {
        format!(r#"<transaction><transaction-type code="2"/><value {currency}>{value}</value></transaction>"#)
    };
    let usd = activity("default-currency=\"USD\"", &[commitment("", "1000"), commitment("currency=\"usd\"", "500.5")].concat());
    assert_eq!(node(&mapped(&usd).0, AGREEMENT).amount_usd, Some(1500.5));
    let mixed = activity("default-currency=\"USD\"", &[commitment("", "1000"), commitment("currency=\"EUR\"", "5")].concat());
    assert_eq!(node(&mapped(&mixed).0, AGREEMENT).amount_usd, None);
    let (batch, warnings) = mapped(&activity("", &[commitment("", "1000"), commitment("currency=\"USD\"", "1,000")].concat()));
    assert_eq!(node(&batch, AGREEMENT).amount_usd, None);
    assert!(warnings.has("amount without currency") && warnings.has("amount not a number"));
    let budgets = activity(
        "default-currency=\"USD\"",
        r#"<budget type="1"><period-start iso-date="2020-01-01"/><value>100</value></budget>
           <budget type="2"><period-start iso-date="2020-01-01"/><value>120</value></budget>
           <budget type="1"><period-start iso-date="2021-01-01"/><value>50</value></budget>"#,
    );
    assert_eq!(node(&mapped(&budgets).0, AGREEMENT).amount_usd, Some(170.0), "revised over original, per period");
}

#[test]
fn version_1_codes_are_read() {
    let (batch, warnings) = mapped(&activity(
        "",
        r#"<participating-org ref="GB-CHC-1" role="Funding">Old charity</participating-org>
           <participating-org ref="GB-CHC-2" role="implementing">Old partner</participating-org>
           <participating-org ref="GB-CHC-3" role="Donor">Odd</participating-org>
           <activity-date type="start-actual">2010-05-01</activity-date>"#,
    ));
    let roles: Vec<Option<IatiRole>> = edges_into(&batch, AGREEMENT).iter().map(|edge| edge.iati_role).collect();
    assert_eq!(roles, [Some(IatiRole::Funding), Some(IatiRole::Implementing), None]);
    assert_eq!(node(&batch, "agency:iati-gb-chc-1").name, "Old charity");
    assert_eq!(node(&batch, AGREEMENT).start.map(|date| date.to_string()).as_deref(), Some("2010-05-01"));
    assert!(warnings.has("unknown organisation role"));
}

#[test]
fn a_triangular_activity_codes_the_oecd_roles_from_the_crosswalk() {
    let (batch, _) = mapped(&activity(
        "",
        r#"<participating-org ref="XM-DAC-41114" role="1"><narrative>UNDP</narrative></participating-org>
           <participating-org ref="BR-GOV-1" role="4"><narrative>Brazilian Cooperation Agency</narrative></participating-org>
           <participating-org ref="GB-CHC-1" role="2"><narrative>Overseer</narrative></participating-org>
           <recipient-country code="MZ"/>
           <collaboration-type code="8"/>
           <tag vocabulary="2" code="2"/><sector vocabulary="8" code="6.1"/>"#,
    ));
    let roles: Vec<(&str, Option<Role>)> = edges_into(&batch, AGREEMENT).iter().map(|edge| (edge.source.as_str(), edge.role)).collect();
    assert_eq!(
        roles,
        [
            ("agency:iati-br-gov-1", Some(Role::Pivotal)),
            ("agency:iati-gb-chc-1", Some(Role::Partner)),
            ("agency:iati-xm-dac-41114", Some(Role::Facilitating)),
            ("country:MOZ", Some(Role::Beneficiary)),
        ]
    );
    assert_eq!(node(&batch, AGREEMENT).sdgs, [2, 6]);
}

#[test]
fn an_activity_without_identifier_or_seen_twice_is_skipped() {
    let xml = "<iati-activities>
        <iati-activity><title><narrative>No id</narrative></title></iati-activity>
        <iati-activity><iati-identifier>XX-TEST-1</iati-identifier></iati-activity>
        <iati-activity><iati-identifier>XX-TEST-1</iati-identifier></iati-activity>
        </iati-activities>";
    let report = check(std::io::Cursor::new(xml), "test.xml").expect("read");
    assert_eq!((report.records, report.skipped), (3, 2));
    for kind in ["activity without identifier", "activity listed twice", "activity without title"] {
        assert!(report.warnings.has(kind), "{kind}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_organisation_file_adds_its_claim_to_the_node_it_resolves_to_or_creates_one() {
    let (_dir, store) = seeded().await;
    let xml = r#"<iati-organisations version="2.03">
 <iati-organisation xml:lang="en">
  <organisation-identifier>XM-DAC-41114</organisation-identifier>
  <name><narrative>UN Development Programme</narrative><narrative xml:lang="fr">Programme des Nations Unies pour le développement</narrative></name>
  <reporting-org ref="XM-DAC-41114" type="40"><narrative>UNDP</narrative></reporting-org>
 </iati-organisation>
 <iati-organisation>
  <organisation-identifier>GB-CHC-202918</organisation-identifier>
  <name><narrative>Oxfam GB</narrative></name>
  <reporting-org ref="GB-CHC-202918" type="21"><narrative>Oxfam GB</narrative></reporting-org>
 </iati-organisation>
 <iati-organisation><name><narrative>No identifier</narrative></name></iati-organisation>
 <iati-organisation><organisation-identifier>GB-CHC-202918</organisation-identifier></iati-organisation>
</iati-organisations>"#;
    let report = import_text(&store, xml).await.expect("imported");
    assert_eq!((report.kind, report.records, report.skipped), (FileKind::Organisations, 4, 2));
    assert!(report.warnings.has("organisation without identifier") && report.warnings.has("organisation described twice"));
    let read = |id: &'static str| {
        let store = Arc::clone(&store);
        async move { store.nodes(&[NodeId::parse(id).expect("id")]).await.expect("read").remove(0).expect(id) }
    };
    let undp = read("agency:undp").await;
    assert_eq!(undp.name, "United Nations Development Programme", "the curated record's name is shown");
    assert_eq!(undp.aliases, ["UN Development Programme", "Programme des Nations Unies pour le développement"]);
    let origins: Vec<(&str, Precedence)> = undp.claims.iter().map(|claim| (claim.origin.as_str(), claim.precedence)).collect();
    assert_eq!(origins, [("", Precedence::Curated), ("test.xml", Precedence::OwnRecord)]);
    let names: Vec<(String, bool)> =
        claims::alternatives(&undp).into_iter().filter(|alt| alt.field == "name").map(|alt| (alt.value, alt.shown)).collect();
    assert_eq!(names, [("United Nations Development Programme".to_owned(), true), ("UN Development Programme".to_owned(), false)]);
    assert_eq!(undp.acronym.as_deref(), Some("UNDP"));
    assert_eq!(undp.agency_type, Some(partnergraph_schema::AgencyType::UnEntity), "a type already known is kept");
    assert_eq!(undp.sources.last().and_then(|source| source.quote.as_deref()), Some("XM-DAC-41114 / iati-organisation"));
    assert!(undp.sources.len() > 1, "the seed's sources are kept");
    let oxfam = read("agency:iati-gb-chc-202918").await;
    assert_eq!((oxfam.name.as_str(), oxfam.agency_type), ("Oxfam GB", Some(partnergraph_schema::AgencyType::Ngo)));
    assert_eq!(oxfam.claims.len(), 1, "one origin: its file, without a copy of the record");
    let again = import_text(&store, xml).await.expect("again").summary.expect("written");
    assert!(again.is_noop(), "{again:?}");
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_keep_positions_right() {
    let xml = "\u{feff}<?xml version=\"1.0\"?>\r\n<iati-activities>\r\n<iati-activity>\r\n<iati-identifier>XX-1</iati-identifier>\r\n  <participating-org ref=\"\"><narrative>A</narrative></participating-org>\r\n</iati-activity></iati-activities>\r\n";
    let (_, warnings) = mapped(xml);
    let positions: Vec<(u64, u64, &str)> =
        warnings.kept().iter().map(|warning| (warning.line, warning.column, warning.kind.name())).collect();
    assert_eq!(positions, [(5, 3, "empty attribute"), (3, 1, "activity without title"), (5, 3, "organisation without role")]);
}

#[test]
fn a_file_that_is_not_utf8_is_refused_without_a_panic() {
    let mut bytes = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<iati-activities>\n<iati-activity>\n<iati-identifier>XX-1</iati-identifier>\n<title><narrative>Caf".to_vec();
    bytes.extend_from_slice(b"\xe9</narrative></title></iati-activity></iati-activities>\n");
    let refused = read_file(std::io::Cursor::new(bytes), "latin.xml", None, Keep::Checked, None);
    assert!(matches!(refused, Err(crate::io::iati::run::ReadError::Refused(Refusal::Malformed { .. }))));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_newer_file_replaces_the_activity_and_drops_the_participations_it_no_longer_states() {
    let (_dir, store) = seeded().await;
    let older = activity(
        "",
        r#"<participating-org ref="XM-DAC-41114" role="1"><narrative>UNDP</narrative></participating-org>
           <participating-org ref="GB-CHC-1" role="4"><narrative>A charity</narrative></participating-org>
           <recipient-country code="KE"/>"#,
    );
    import_text(&store, &older).await.expect("older");
    // Another source's edge into the same agreement is not the file's to remove.
    let agreement = NodeId::parse(AGREEMENT).expect("id");
    let mut other = participation_edge("agency:fao", &agreement);
    other.sources[0].quote = Some("a report".to_owned());
    store.apply(Batch { edges: vec![other], ..Batch::default() }).await.expect("other source");
    let newer = activity(
        "",
        r#"<participating-org ref="XM-DAC-41114" role="1"><narrative>UNDP</narrative></participating-org>
           <recipient-country code="TZ"/>"#,
    )
    .replace("Test activity", "Test activity, second phase");
    let written = import_text(&store, &newer).await.expect("newer").summary.expect("written");
    assert_eq!((written.nodes_updated, written.edges_deleted), (1, 2), "{written:?}");
    let edges = store.expand(&[agreement], &Default::default()).await.expect("edges");
    let actors: Vec<&str> = edges.iter().map(|edge| edge.source.as_str()).collect();
    assert_eq!(actors, ["agency:fao", "agency:undp", "country:TZA"]);
}

fn participation_edge(actor: &str, agreement: &NodeId) -> EdgeRecord {
    EdgeRecord {
        id: partnergraph_schema::EdgeId::parse(format!("{actor}>participates_in>{agreement}")).expect("edge id"),
        edge_type: partnergraph_schema::EdgeType::ParticipatesIn,
        source: NodeId::parse(actor).expect("actor"),
        target: agreement.clone(),
        role: Some(Role::Partner),
        iati_role: None,
        from: None,
        to: None,
        amount_usd: None,
        sources: vec![partnergraph_schema::Source { document: "report.pdf".to_owned(), paragraph: None, quote: None }],
        claims: Vec::new(),
    }
}

#[tokio::test]
async fn fields_over_the_dataset_limits_are_cut_with_a_warning_not_refused() {
    let (_dir, store) = seeded().await;
    let title = "Programme ".repeat(300);
    let description = "d".repeat(70 * 1024);
    let body = format!(
        "<description><narrative>{description}</narrative></description>\n<participating-org role=\"1\" ref=\"XM-DAC-41114\"><narrative>UNDP</narrative></participating-org>"
    );
    let xml = activity("", &body).replace("<narrative>Test activity</narrative>", &format!("<narrative>{title}</narrative>"));
    let report = import_text(&store, &xml).await.expect("imported, not refused");
    let cut: Vec<String> = report.warnings.kept().iter().map(ToString::to_string).filter(|line| line.contains("cut to fit")).collect();
    assert_eq!(cut.len(), 2, "{cut:?}");
    assert!(cut.iter().any(|line| line.contains("`name`")) && cut.iter().any(|line| line.contains("`description`")), "{cut:?}");
    let stored = store.nodes(&[NodeId::parse(AGREEMENT).expect("id")]).await.expect("read").pop().flatten().expect("the agreement");
    assert!(stored.name.len() <= 1024 && stored.name.starts_with("Programme Programme"), "{}", stored.name.len());
    assert_eq!(stored.description.map(|description| description.len()), Some(64 * 1024));
}

/// A file of `count` activities, `XX-TEST-0` on, each with a charity (one of three), UNDP, and `country`;
/// `tail` after the last one (before the root's end tag).
fn activities(count: usize, country: &str, tail: &str) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<iati-activities version=\"2.03\">\n");
    for index in 0..count {
        let charity = index % 3;
        xml.push_str(&format!(
            "<iati-activity><iati-identifier>XX-TEST-{index}</iati-identifier><title><narrative>Activity {index}</narrative></title>\n\
             <participating-org ref=\"GB-CHC-{charity}\" role=\"1\"><narrative>Charity {charity}</narrative></participating-org>\n\
             <participating-org ref=\"XM-DAC-41114\" role=\"4\"><narrative>UNDP</narrative></participating-org>\n\
             <recipient-country code=\"{country}\"/></iati-activity>\n"
        ));
    }
    xml.push_str(tail);
    xml.push_str("</iati-activities>\n");
    xml
}

async fn import_blocks(store: &Arc<dyn GraphStore>, xml: &str, block_records: usize) -> Result<IatiReport, IoError> {
    let reader = std::io::Cursor::new(xml.as_bytes().to_vec());
    import_in_blocks(Arc::clone(store), reader, "test.xml", None, block_records).await
}

/// Everything a reader can ask of the store: the export, and the audit trail's last change.
async fn answers(store: &Arc<dyn GraphStore>) -> (Vec<u8>, u64) {
    let mut exported = Vec::new();
    export(store.as_ref(), &mut exported).await.expect("export");
    (exported, store.last_change().await.expect("last change"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_written_in_blocks_is_written_as_it_would_be_in_one() {
    let (_one_dir, one) = seeded().await;
    let (_blocks_dir, blocks) = seeded().await;
    for (country, xml) in [("KE", activities(40, "KE", "")), ("TZ", activities(60, "TZ", ""))] {
        let whole = import_blocks(&one, &xml, usize::MAX).await.expect("one block").summary.expect("written");
        let streamed = import_blocks(&blocks, &xml, 8).await.expect("blocks of 8 records").summary.expect("written");
        assert_eq!(whole, streamed, "{country}");
    }
    // The second file moved the first 40 activities from Kenya to Tanzania: 40 stale participations.
    assert_eq!(answers(&one).await, answers(&blocks).await);
    let kenya = blocks.expand(&[NodeId::parse("country:KEN").expect("id")], &Default::default()).await.expect("expand");
    assert!(kenya.iter().all(|edge| !edge.target.as_str().starts_with("agreement:iati-xx-test-")), "{kenya:?}");
    let tanzania = blocks.expand(&[NodeId::parse("country:TZA").expect("id")], &Default::default()).await.expect("expand");
    assert_eq!(tanzania.iter().filter(|edge| edge.target.as_str().starts_with("agreement:iati-xx-test-")).count(), 60);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_refused_after_many_blocks_were_written_leaves_the_store_as_it_was() {
    let (dir, store) = seeded().await;
    import_blocks(&store, &activities(40, "KE", ""), 8).await.expect("the first file");
    let before = answers(&store).await;
    let file = dir.path().join("partnergraph.redb");
    let bytes_before = std::fs::read(&file).expect("the store's file");
    // 300 activities (900 records, over a hundred blocks of 8) that would update the first 40 and drop
    // their Kenyan participations, then a tag that does not close.
    let refused = activities(300, "TZ", "<iati-activity><iati-identifier>XX-TEST-LAST</iati-identifier>\n</iati-activityy>\n");
    match import_blocks(&store, &refused, 8).await {
        Err(IoError::Refused(Refusal::Malformed { line, .. })) => assert_eq!(line, 1204),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(answers(&store).await, before, "answer for answer");
    assert_eq!(std::fs::read(&file).expect("the store's file"), bytes_before, "byte for byte");
    // The store takes writes again: the transaction was aborted, not left open.
    let same = activities(300, "TZ", "");
    let written = import_blocks(&store, &same, 8).await.expect("the same file, whole").summary.expect("written");
    assert!(written.nodes_created >= 260 && written.edges_deleted == 40, "{written:?}");
}
