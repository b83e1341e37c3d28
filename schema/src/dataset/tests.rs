//! Tests of dataset parsing and validation: each problem kind, with its line.

use super::*;

const VALID: &str = r#"// a comment line
{"node": {"id": "country:THA", "kind": "COUNTRY", "name": "Thailand", "iso3": "THA", "sources": [{"document": "d.txt", "paragraph": 1}]}}
{"node": {"id": "city:bangkok-tha", "kind": "CITY", "name": "Bangkok", "sources": [{"document": "d.txt", "paragraph": 1}]}}

{"node": {"id": "network:wacap", "kind": "NETWORK", "name": "World Alliance of Cities Against Poverty", "acronym": "WACAP", "networkType": "CITY_NETWORK", "sources": [{"document": "d.txt", "paragraph": 2, "quote": "WACAP"}]}}
{"edge": {"id": "city:bangkok-tha>located_in>country:THA", "type": "LOCATED_IN", "source": "city:bangkok-tha", "target": "country:THA", "sources": [{"document": "d.txt"}]}}
{"edge": {"id": "city:bangkok-tha>member_of>network:wacap", "type": "MEMBER_OF", "source": "city:bangkok-tha", "target": "network:wacap", "from": "2010", "sources": [{"document": "d.txt"}]}}
{"place": {"id": "city:bangkok-tha", "location": {"lat": 13.75, "lon": 100.5}, "credit": "test"}}
"#;

/// Parses and validates `text`, returning the problems as "line N: message" strings.
fn check(text: &str) -> Vec<String> {
    match parse_and_validate(text) {
        Ok(_) => Vec::new(),
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
    }
}

fn with_line(extra: &str) -> String {
    format!("{VALID}{extra}\n")
}

#[test]
fn a_valid_dataset_parses_and_merges_places() {
    let dataset = parse_and_validate(VALID).expect("valid");
    assert_eq!(dataset.nodes.len(), 3);
    assert_eq!(dataset.edges.len(), 2);
    assert_eq!(dataset.nodes[1].line, 3);
    assert_eq!(dataset.nodes[1].record.location.map(|point| point.lat), Some(13.75));
}

#[test]
fn syntax_errors_name_their_line_and_the_rest_is_still_checked() {
    let text = with_line(
        "{\"node\": {\"id\": \"agency:x\"\n{\"edge\": {\"id\": \"e\", \"type\": \"HOSTS\", \"source\": \"network:wacap\", \"target\": \"country:THA\", \"sources\": []}}",
    );
    let problems = check(&text);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("line 9: not a valid record"), "{problems:?}");
    assert!(problems[1].starts_with("line 10: not a valid record: unknown variant `HOSTS`"), "{problems:?}");
}

#[test]
fn bad_ids_unknown_fields_and_unknown_enums_are_syntax_problems() {
    let cases = [
        (r#"{"node": {"id": "org:x", "kind": "AGENCY", "name": "X", "sources": [{"document": "d"}]}}"#, "unknown kind prefix"),
        (
            r#"{"node": {"id": "agency:x", "kind": "AGENCY", "name": "X", "colour": "red", "sources": [{"document": "d"}]}}"#,
            "unknown field `colour`",
        ),
        (
            r#"{"node": {"id": "agency:x", "kind": "AGENCY", "name": "X", "agencyType": "UN", "sources": [{"document": "d"}]}}"#,
            "unknown variant `UN`",
        ),
        (
            r#"{"node": {"id": "agency:x", "kind": "AGENCY", "name": "X", "sources": [{"document": "d"}]}, "edge": {}}"#,
            "not a valid record",
        ),
        (
            r#"{"edge": {"id": "city:bangkok-tha>funds>network:wacap", "type": "FUNDS", "source": "city:bangkok-tha", "target": "network:wacap", "from": "2014-13", "sources": [{"document": "d"}]}}"#,
            "is not a date",
        ),
    ];
    for (line, expected) in cases {
        let problems = check(&with_line(line));
        assert!(problems.len() == 1 && problems[0].starts_with("line 9:") && problems[0].contains(expected), "{line}: {problems:?}");
    }
}

#[test]
fn semantic_problems_are_all_reported_with_lines() {
    let text = with_line(concat!(
        r#"{"node": {"id": "agency:x", "kind": "NETWORK", "name": " ", "iso3": "XXX", "sources": []}}"#,
        "\n",
        r#"{"node": {"id": "network:wacap", "kind": "NETWORK", "name": "Again", "sources": [{"document": "", "paragraph": 0}]}}"#,
        "\n",
        r#"{"node": {"id": "agreement:f", "kind": "AGREEMENT", "name": "F", "start": "2015", "end": "2012", "sdgs": [18], "amountUsd": -1, "sources": [{"document": "d"}]}}"#,
        "\n",
        r#"{"node": {"id": "country:BRA", "kind": "COUNTRY", "name": "Brazil", "iso3": "BRZ", "location": {"lat": 95, "lon": 0}, "sources": [{"document": "d"}]}}"#,
        "\n",
        r#"{"node": {"id": "city:lima-per", "kind": "CITY", "name": "Lima", "sources": [{"document": "d"}]}}"#,
        "\n",
        r#"{"edge": {"id": "country:BRA>participates_in>agreement:nope", "type": "PARTICIPATES_IN", "source": "country:BRA", "target": "agreement:nope", "role": "PIVOTAL", "sources": [{"document": "d"}]}}"#,
        "\n",
        r#"{"edge": {"id": "network:wacap>hosted_by>network:wacap", "type": "HOSTED_BY", "source": "network:wacap", "target": "network:wacap", "role": "PIVOTAL", "from": "2014", "to": "2010", "sources": [{"document": "d"}]}}"#,
        "\n",
        r#"{"edge": {"id": "country:BRA>participates_in>agreement:nope", "type": "ADMINISTERED_BY", "source": "country:BRA", "target": "agreement:f", "sources": [{"document": "d"}]}}"#,
        "\n",
        r#"{"place": {"id": "agency:x", "location": {"lat": 1, "lon": 1}, "credit": "t"}}"#,
    ));
    let problems = check(&text);
    let expect = [
        "line 9: node `agency:x` has kind NETWORK but its id prefix says AGENCY",
        "line 9: `agency:x` has an empty name",
        "line 9: `agency:x` has no sources",
        "line 9: `agency:x` is a NETWORK but has field `iso3`",
        "line 10: duplicate id `network:wacap` (first used on line 5)",
        "line 10: `network:wacap` has an invalid source: empty document",
        "line 10: `network:wacap` has an invalid source: paragraphs are counted from 1",
        "line 11: `agreement:f` ends (2012) before it starts (2015)",
        "line 11: `agreement:f` names SDG 18",
        "line 11: `agreement:f` has an amount that is negative",
        "line 12: country `country:BRA` must have `iso3` equal to its id's code",
        "line 12: `country:BRA` has a location out of range",
        "line 13: city `city:lima-per` needs a LOCATED_IN edge",
        "line 14: edge `country:BRA>participates_in>agreement:nope` has target `agreement:nope`, which is not a node",
        "line 15: edge `network:wacap>hosted_by>network:wacap` points from a node to itself",
        "line 15: edge `network:wacap>hosted_by>network:wacap` of type HOSTED_BY cannot have a NETWORK as target",
        "line 15: edge `network:wacap>hosted_by>network:wacap` of type HOSTED_BY cannot carry `role`",
        "line 15: `network:wacap>hosted_by>network:wacap` ends (2010) before it starts (2014)",
        "line 16: duplicate id `country:BRA>participates_in>agreement:nope` (first used on line 14)",
        "line 16: edge id `country:BRA>participates_in>agreement:nope` does not follow the form `country:BRA>administered_by>agreement:f`",
        "line 16: edge `country:BRA>participates_in>agreement:nope` of type ADMINISTERED_BY cannot have a COUNTRY as source",
        "line 16: edge `country:BRA>participates_in>agreement:nope` of type ADMINISTERED_BY cannot have a AGREEMENT as target",
        "line 17: place `agency:x` is not a country or city",
    ];
    for expected in expect {
        assert!(problems.iter().any(|problem| problem.starts_with(expected)), "missing {expected:?} in {problems:#?}");
    }
    assert_eq!(problems.len(), expect.len(), "{problems:#?}");
}

#[test]
fn endpoints_may_be_existing_store_nodes() {
    let text = r#"{"edge": {"id": "city:bangkok-tha>member_of>network:wacap", "type": "MEMBER_OF", "source": "city:bangkok-tha", "target": "network:wacap", "sources": [{"document": "d"}]}}"#;
    let (dataset, problems) = parse(text);
    assert!(problems.is_empty());
    let mut checker = Checker::default();
    checker.block(&dataset);
    let external = checker.external_endpoints();
    assert_eq!(external.len(), 2);
    assert_eq!(validate(&dataset, &HashMap::new()).len(), 2);
    let existing: HashMap<NodeId, NodeKind> = external.into_iter().map(|id| (id.clone(), id.kind())).collect();
    assert_eq!(validate(&dataset, &existing), Vec::new());
}

#[test]
fn edges_to_nodes_a_caller_knows_exist_are_checked_at_once() {
    let text = r#"{"edge": {"id": "city:bangkok-tha>member_of>network:wacap", "type": "MEMBER_OF", "source": "city:bangkok-tha", "target": "network:wacap", "sources": [{"document": "d"}]}}"#;
    let (dataset, _) = parse(text);
    let mut checker = Checker::default();
    checker.existing(&NodeId::parse("city:bangkok-tha").expect("id"), NodeKind::City);
    checker.existing(&NodeId::parse("network:wacap").expect("id"), NodeKind::Country);
    checker.block(&dataset);
    assert!(checker.external_endpoints().is_empty(), "nothing is kept for the end");
    let problems: Vec<String> = checker.finish(&HashMap::new()).iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 1, "the kinds it was told are checked: {problems:?}");
    assert!(problems[0].contains("cannot have a COUNTRY as target"), "{problems:?}");
}

/// Numbers read from a file are the numbers written back: an import followed by an export must not move a
/// coordinate or an amount by the last digit (these literals are ones a fast, inexact float parser misreads).
#[test]
fn coordinates_and_amounts_round_trip_exactly() {
    let line = r#"{"node":{"id":"agreement:a1","kind":"AGREEMENT","name":"A","location":{"lat":-43.19768083743551,"lon":105.83877803843001},"amountUsd":114.49205941805423,"sources":[{"document":"d"}]}}"#;
    let (dataset, problems) = parse(line);
    assert!(problems.is_empty(), "{problems:?}");
    let record = &dataset.nodes[0].record;
    assert_eq!(serde_json::to_string(&crate::wire::Record::Node(Box::new(record.clone()))).expect("JSON"), line);
}

/// Edges may come before the nodes they join: their endpoint checks wait until the whole file is read, and
/// report the same problems at the edges' own lines.
#[test]
fn edges_before_their_nodes_are_checked_once_the_file_is_read() {
    let mut lines: Vec<&str> = VALID.lines().collect();
    lines.reverse();
    let reversed = lines.join("\n");
    let in_order = parse_and_validate(VALID).expect("valid");
    let reversed = parse_and_validate(&reversed).expect("valid in any order");
    assert_eq!(
        reversed.nodes.iter().map(|node| &node.record).collect::<Vec<_>>(),
        in_order.nodes.iter().rev().map(|node| &node.record).collect::<Vec<_>>()
    );

    let text = concat!(
        r#"{"edge": {"id": "city:lima-per>located_in>country:PER", "type": "LOCATED_IN", "source": "city:lima-per", "target": "country:PER", "sources": [{"document": "d"}]}}"#,
        "\n",
        r#"{"edge": {"id": "city:lima-per>member_of>country:PER", "type": "MEMBER_OF", "source": "city:lima-per", "target": "country:PER", "sources": [{"document": "d"}]}}"#,
        "\n",
        r#"{"edge": {"id": "agency:gone>part_of>city:lima-per", "type": "PART_OF", "source": "agency:gone", "target": "city:lima-per", "sources": [{"document": "d"}]}}"#,
        "\n",
        r#"{"node": {"id": "country:PER", "kind": "COUNTRY", "name": "Peru", "iso3": "PER", "sources": [{"document": "d"}]}}"#,
        "\n",
        r#"{"node": {"id": "city:lima-per", "kind": "CITY", "name": "Lima", "sources": [{"document": "d"}]}}"#,
    );
    let problems = check(text);
    assert_eq!(
        problems,
        [
            "line 2: edge `city:lima-per>member_of>country:PER` of type MEMBER_OF cannot have a COUNTRY as target (allowed: NETWORK, AGENCY)",
            "line 3: edge `agency:gone>part_of>city:lima-per` has source `agency:gone`, which is not a node of this file or of the store",
        ]
    );
}

/// A place's coordinates are checked where they are written: an out-of-range place is reported at its own
/// line, and a valid one fixes nothing it should not.
#[test]
fn a_place_out_of_range_is_reported_at_its_line() {
    let text = with_line(r#"{"place": {"id": "country:THA", "location": {"lat": 91, "lon": 0}, "credit": "t"}}"#);
    assert_eq!(check(&text), ["line 9: `country:THA` has a location out of range"]);
}

/// `partnergraph validate` streams: the streamed check finds exactly what a check of the whole text finds.
#[test]
fn a_streamed_check_finds_what_a_whole_check_finds() {
    let report = check_reader(VALID.as_bytes()).expect("read");
    assert_eq!((report.nodes, report.edges, report.problems.len()), (3, 2, 0));

    let text = with_line(concat!(
        r#"{"edge": {"id": "agency:later>member_of>network:wacap", "type": "MEMBER_OF", "source": "agency:later", "target": "network:wacap", "sources": [{"document": "d"}]}}"#,
        "\n",
        r#"{"node": {"id": "network:wacap", "kind": "NETWORK", "name": "Again", "sources": [{"document": "d"}]}}"#,
        "\n",
        "not json\n",
        r#"{"node": {"id": "agency:later", "kind": "AGENCY", "name": "Later", "sources": []}}"#,
        "\n",
        r#"{"place": {"id": "agency:later", "location": {"lat": 1, "lon": 1}, "credit": "t"}}"#,
    ));
    let whole = parse_and_validate(&text).expect_err("problems");
    assert_eq!(whole.len(), 4, "{whole:#?}");
    let report = check_reader(io_reader(&text)).expect("read");
    assert_eq!(report.problems, whole);
    assert_eq!((report.nodes, report.edges), (5, 3));
}

/// A reader that hands out a few bytes at a time, so lines straddle its reads.
fn io_reader(text: &str) -> impl std::io::BufRead + '_ {
    std::io::BufReader::with_capacity(7, text.as_bytes())
}

/// The format's own rules (`data/README.md`): a quote is at most 300 characters, each field has a size
/// limit, and an edge id is `<source>><type>><target>`, with `~2`, `~3`, … for a further relation.
#[test]
fn the_documented_limits_and_edge_id_form_are_enforced_at_their_lines() {
    let node = |slug: &str, fields: &str| {
        format!(r#"{{"node": {{"id": "agency:{slug}", "kind": "AGENCY", "name": "Big", {fields}"sources": [{{"document": "d"}}]}}}}"#)
    };
    let quote = |chars: usize| format!(r#""sources": [{{"document": "d", "quote": "{}"}}]"#, "é".repeat(chars));
    let edge = |id: &str, sources: &str| {
        format!(r#"{{"edge": {{"id": "{id}", "type": "MEMBER_OF", "source": "city:bangkok-tha", "target": "network:wacap", {sources}}}}}"#)
    };
    let aliases = format!(r#""aliases": [{}], "#, vec!["\"a\""; 101].join(","));
    let description = format!(r#""description": "{}", "#, "d".repeat(64 * 1024 + 1));
    let lines = [
        node("aliases", &aliases),
        node("description", &description),
        edge("city:bangkok-tha>member_of>network:wacap~2", &quote(300)),
        edge("city:bangkok-tha>member_of>network:wacap~3", &quote(301)),
        edge("city:bangkok-tha>MEMBER_OF>network:wacap~4", &quote(1)),
        edge("city:bangkok-tha>member_of>network:wacap~1", &quote(1)),
        edge("city:bangkok-tha>member_of>network:wacap~02", &quote(1)),
        edge("city:bangkok-tha>member_of>network:wacap-2", &quote(1)),
        edge("city:bangkok-tha>member_of>network:wacap~observer", &quote(1)),
        edge("city:bangkok-tha>member_of>network:wacap~Observer", &quote(1)),
        edge("city:bangkok-tha>member_of>network:wacap~", &quote(1)),
    ];
    let problems = check(&with_line(&lines.join("\n")));
    let form = "does not follow the form `city:bangkok-tha>member_of>network:wacap`";
    let expect = [
        "line 9: `agency:aliases` has a `aliases` of 101 items, over the limit of 100",
        "line 10: `agency:description` has a `description` of 65537 bytes, over the limit of 65536",
        "line 12: `city:bangkok-tha>member_of>network:wacap~3` has a `quote` of 301 characters, over the limit of 300",
        &format!("line 13: edge id `city:bangkok-tha>MEMBER_OF>network:wacap~4` {form}"),
        &format!("line 14: edge id `city:bangkok-tha>member_of>network:wacap~1` {form}"),
        &format!("line 15: edge id `city:bangkok-tha>member_of>network:wacap~02` {form}"),
        &format!("line 16: edge id `city:bangkok-tha>member_of>network:wacap-2` {form}"),
        &format!("line 18: edge id `city:bangkok-tha>member_of>network:wacap~Observer` {form}"),
        &format!("line 19: edge id `city:bangkok-tha>member_of>network:wacap~` {form}"),
    ];
    for expected in &expect {
        assert!(problems.iter().any(|problem| problem.starts_with(expected)), "missing {expected:?} in {problems:#?}");
    }
    assert_eq!(problems.len(), expect.len(), "{problems:#?}");
}

/// `credit` on a place is optional: coordinates a user imports need not say where they come from.
#[test]
fn a_place_needs_no_credit_and_an_overlong_one_is_reported() {
    let text = with_line(r#"{"place": {"id": "country:THA", "location": {"lat": 15, "lon": 101}}}"#);
    let dataset = parse_and_validate(&text).expect("valid without credit");
    assert_eq!(dataset.places.last().map(|place| place.record.credit.clone()), Some(None));
    let credit = "c".repeat(limits::MAX_CREDIT_BYTES + 1);
    let text = with_line(&format!(r#"{{"place": {{"id": "country:THA", "location": {{"lat": 15, "lon": 101}}, "credit": "{credit}"}}}}"#));
    assert_eq!(check(&text), ["line 9: `country:THA` has a `credit` of 1025 bytes, over the limit of 1024"]);
}

/// Past 10,000 problems a report counts instead of listing, whether the text is read whole, streamed, or
/// parsed on several threads (this text is over the size that is split).
#[test]
fn past_the_problem_limit_the_first_problems_are_listed_and_the_rest_counted() {
    let bad = format!("{{\"oops\": \"{}\"}}\n", "x".repeat(70));
    let text = bad.repeat(25_000);
    let report = check_reader(io_reader(&text)).expect("read");
    assert_eq!(report.problems.len(), limits::MAX_PROBLEMS + 1);
    assert!(report.problems[..limits::MAX_PROBLEMS].iter().enumerate().all(|(idx, found)| found.line == idx + 1));
    let last = report.problems.last().map(ToString::to_string);
    assert_eq!(
        last.as_deref(),
        Some("line 10001: 15000 more problem(s) from this line on are not listed (a report lists the first 10000)")
    );
    assert_eq!(problem_total(&report.problems), 25_000);
    assert_eq!(parse_and_validate(&text).expect_err("problems"), report.problems);
}

#[test]
fn claims_are_checked_as_records_of_their_node() {
    let claim = |origin: &str, record: &str| format!(r#"{{"origin": "{origin}", "precedence": "MENTION", "record": {record}}}"#);
    let record =
        |id: &str, name: &str| format!(r#"{{"id": "{id}", "kind": "AGENCY", "name": "{name}", "sources": [{{"document": "f.xml"}}]}}"#);
    let node = |claims: &[String]| {
        format!(
            r#"{{"node": {{"id": "agency:a", "kind": "AGENCY", "name": "A", "sources": [{{"document": "f.xml"}}], "claims": [{}]}}}}"#,
            claims.join(", ")
        )
    };
    let good = node(&[claim("", &record("agency:a", "A")), claim("f.xml", &record("agency:a", "Other A"))]);
    assert!(check(&with_line(&good)).is_empty(), "{:?}", check(&with_line(&good)));
    let bad = node(&[claim("f.xml", &record("agency:b", "B")), claim("f.xml", &record("agency:a", " "))]);
    assert_eq!(
        check(&with_line(&bad)),
        [
            "line 9: `agency:a` has an invalid claim of origin `f.xml`: its record has another id",
            "line 9: `agency:a` has an invalid claim of origin `f.xml`: the origin is claimed twice",
            "line 9: `agency:a` has an empty name",
        ]
    );
}

#[test]
fn an_edges_claims_are_checked_as_records_of_that_edge() {
    const ID: &str = "city:bangkok-tha>located_in>country:THA";
    let record = |id: &str, from: &str| {
        format!(
            r#"{{"id": "{id}", "type": "LOCATED_IN", "source": "city:bangkok-tha", "target": "country:THA", "from": "{from}", "sources": [{{"document": "d.txt"}}]}}"#
        )
    };
    let claim = |origin: &str, record: Option<String>| match record {
        Some(record) => format!(r#"{{"origin": "{origin}", "precedence": "OWN_RECORD", "record": {record}}}"#),
        None => format!(r#"{{"origin": "{origin}", "precedence": "OWN_RECORD"}}"#),
    };
    let edge = |claims: &[String]| {
        VALID.replace(
            &format!(r#"{{"edge": {{"id": "{ID}", "type": "LOCATED_IN", "source": "city:bangkok-tha", "target": "country:THA", "sources": [{{"document": "d.txt"}}]}}}}"#),
            &format!(
                r#"{{"edge": {{"id": "{ID}", "type": "LOCATED_IN", "source": "city:bangkok-tha", "target": "country:THA", "sources": [{{"document": "d.txt"}}], "claims": [{}]}}}}"#,
                claims.join(", ")
            ),
        )
    };
    let good = edge(&[claim("", Some(record(ID, "2001"))), claim("f.xml", Some(record(ID, "2002")))]);
    assert_ne!(good, VALID, "the edge line was found");
    assert!(check(&good).is_empty(), "{:?}", check(&good));
    let other = "city:bangkok-tha>located_in>country:THA~2";
    let bad = edge(&[
        claim("f.xml", Some(record(other, "2001"))),
        claim("f.xml", None),
        claim("g.xml", Some(record(ID, "2001").replace(r#""from""#, r#""role": "PIVOTAL", "from""#))),
    ]);
    let problems = check(&bad);
    assert_eq!(problems.len(), 4, "{problems:?}");
    assert!(problems[0].ends_with("has an invalid claim of origin `f.xml`: its record is of another edge"), "{problems:?}");
    assert!(problems[1].ends_with("has an invalid claim of origin `f.xml`: the origin is claimed twice"), "{problems:?}");
    assert!(problems[2].ends_with("has an invalid claim of origin `f.xml`: an edge's claim needs its record"), "{problems:?}");
    assert!(problems[3].contains("role"), "the claim's record is checked as an edge: {problems:?}");
}

#[test]
fn an_agreements_recipients_and_money_are_checked() {
    let agreement = |extra: &str| {
        with_line(&format!(
            r#"{{"node": {{"id": "agreement:a", "kind": "AGREEMENT", "name": "A", "sources": [{{"document": "d.txt"}}]{extra}}}}}"#
        ))
    };
    let good = agreement(
        r#", "status": "CLOSED", "recipients": [{"country": "THA", "percentage": 60}, {"region": "298", "vocabulary": "1", "percentage": 40}], "amounts": [{"kind": "BUDGET", "currency": "EUR", "value": 10}, {"kind": "COMMITMENT", "currency": "EUR", "value": -2.5}]"#,
    );
    assert!(check(&good).is_empty(), "{:?}", check(&good));
    let bad = agreement(
        r#", "recipients": [{"country": "th"}, {"country": "THA", "region": "298"}, {"region": "298", "percentage": 140}, {"region": "298", "vocabulary": "1"}, {"region": "298", "vocabulary": "1"}], "amounts": [{"kind": "BUDGET", "currency": "eur", "value": 1}, {"kind": "BUDGET", "currency": "USD", "value": 1}, {"kind": "BUDGET", "currency": "USD", "value": 2}]"#,
    );
    let problems = check(&bad);
    let reasons: Vec<&str> = problems.iter().map(|problem| problem.split(": ").last().unwrap_or_default()).collect();
    assert_eq!(
        reasons,
        [
            "a country is its ISO 3166-1 alpha-3 code",
            "a recipient is one country or one region",
            "a share is a percentage from 0 to 100",
            "a country or region is listed twice",
            "a currency is three upper-case letters (ISO 4217)",
            "a kind of money is given twice in one currency",
        ],
        "{problems:?}"
    );
    let on_a_city =
        with_line(r#"{"node": {"id": "city:x-tha", "kind": "CITY", "name": "X", "status": "CLOSED", "sources": [{"document": "d.txt"}]}}"#);
    assert!(check(&on_a_city).iter().any(|problem| problem.contains("status")), "{:?}", check(&on_a_city));
}

#[test]
fn translations_name_their_language_once_and_translate_something() {
    let node = |translations: &str| {
        with_line(&format!(
            r#"{{"node": {{"id": "agency:a", "kind": "AGENCY", "name": "A", "translations": {translations}, "sources": [{{"document": "d.txt"}}]}}}}"#
        ))
    };
    let good = node(r#"[{"language": "fr", "name": "Agence A"}, {"language": "ar", "description": "وكالة"}]"#);
    assert!(check(&good).is_empty(), "{:?}", check(&good));
    let problems = check(&node(
        r#"[{"language": "FR", "name": "A"}, {"language": "es", "name": "A"}, {"language": "es", "name": "B"}, {"language": "pt", "name": " "}]"#,
    ));
    let reasons: Vec<&str> = problems.iter().map(|problem| problem.split(": ").last().unwrap_or_default()).collect();
    assert_eq!(
        reasons,
        ["a language is its ISO 639-1 code in lower case", "the language is given twice", "it gives neither a name nor a description"],
        "{problems:?}"
    );
}
