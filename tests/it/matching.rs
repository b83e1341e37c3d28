//! `matches` and `seekers` (issue 23) on the hand-made set in `tests/data/matching/`, imported into the seed
//! graph: the ranking and the scores of the hand-made needs and offers must be those written by hand in
//! `expected.json` before the code (the seed's own needs and offers, ranked among them, are left out of
//! the comparison), and every score must be the sum of its reasons.

use std::sync::Arc;

use partnergraph::io;
use partnergraph::store::GraphStore;
use partnergraph_tests::{Api, error_codes, execute, schema, seeded_store, workspace_root};
use serde_json::Value;

fn fixture(name: &str) -> String {
    let path = workspace_root().join("tests/data/matching").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

async fn api() -> (tempfile::TempDir, Arc<dyn GraphStore>, Api) {
    let (dir, store) = seeded_store().await;
    io::import(store.as_ref(), &fixture("dataset.jsonl")).await.expect("the hand-made set imports");
    let api = schema(Arc::clone(&store));
    (dir, store, api)
}

const RANKING: &str = "considered truncated matches { score need { id } offer { id }
    reasons { kind points maxPoints shared evidence detail }
    introduction { hops nodes { id } } }";

/// (other side's id, score) of a ranking for the ids of the hand-made set, and checks that each score is
/// the sum of its reasons and that the ranking is in order.
fn ranked(answer: &Value, field: &str, side: &str) -> Vec<(String, f64)> {
    let matches = answer["data"][field]["matches"].as_array().unwrap_or_else(|| panic!("{field}: {answer}"));
    let scores: Vec<f64> = matches.iter().map(|found| found["score"].as_f64().expect("score")).collect();
    assert!(scores.windows(2).all(|pair| pair[0] >= pair[1]), "not ranked: {scores:?}");
    let hand_made = fixture("dataset.jsonl");
    matches
        .iter()
        .filter(|found| hand_made.contains(&format!("\"id\": \"{}\"", found[side]["id"].as_str().unwrap_or_default())))
        .map(|found| {
            let score = found["score"].as_f64().expect("score");
            let sum: f64 =
                found["reasons"].as_array().expect("reasons").iter().map(|reason| reason["points"].as_f64().expect("points")).sum();
            assert!((score - sum).abs() < 1e-9, "score {score} is not the sum of its reasons {sum}: {found}");
            (found[side]["id"].as_str().expect("id").to_owned(), score)
        })
        .collect()
}

fn expected(list: &Value) -> Vec<(String, f64)> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|pair| (pair[0].as_str().expect("id").to_owned(), pair[1].as_f64().expect("score")))
        .collect()
}

#[tokio::test]
async fn matches_and_seekers_rank_as_written_by_hand() {
    let (_dir, _store, api) = api().await;
    let expectations: Value = serde_json::from_str(&fixture("expected.json")).expect("expected.json");
    let offers = execute(&api, "{ offers(first: 100) { edges { node { id } } } }").await;
    let offers = offers["data"]["offers"]["edges"].as_array().expect("offers").len();
    assert!(offers > 4, "the seed's offers and the four hand-made ones");
    for (need, want) in expectations["matches"].as_object().expect("matches") {
        let answer = execute(&api, &format!(r#"{{ matches(need: "{need}") {{ {RANKING} }} }}"#)).await;
        assert_eq!(ranked(&answer, "matches", "offer"), expected(want), "matches of {need}: {answer}");
        assert_eq!(answer["data"]["matches"]["considered"], offers, "every offer is considered");
        assert_eq!(answer["data"]["matches"]["truncated"], false);
    }
    for (offer, want) in expectations["seekers"].as_object().expect("seekers") {
        let answer = execute(&api, &format!(r#"{{ seekers(offer: "{offer}") {{ {RANKING} }} }}"#)).await;
        assert_eq!(ranked(&answer, "seekers", "need"), expected(want), "seekers of {offer}: {answer}");
    }
}

#[tokio::test]
async fn the_best_match_explains_itself_and_names_who_could_introduce_them() {
    let (_dir, _store, api) = api().await;
    let expectations: Value = serde_json::from_str(&fixture("expected.json")).expect("expected.json");
    let answer = execute(&api, &format!(r#"{{ matches(need: "need:kenya-drought-resilience", first: 1) {{ {RANKING} }} }}"#)).await;
    let best = &answer["data"]["matches"]["matches"][0];
    let reasons: Vec<(&str, f64)> = best["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|reason| (reason["kind"].as_str().expect("kind"), reason["points"].as_f64().expect("points")))
        .collect();
    assert_eq!(
        reasons,
        [("SECTOR", 20.0), ("SDG", 12.5), ("SUPPORT", 10.0), ("LANGUAGE", 10.0), ("TRACK_RECORD", 10.0), ("PATH", 10.0), ("REGION", 5.0)],
        "{best}"
    );
    let track = best["reasons"].as_array().expect("reasons").iter().find(|reason| reason["kind"] == "TRACK_RECORD").expect("track");
    assert_eq!(track["evidence"], serde_json::json!(["agreement:test-x-drought-seeds", "agreement:test-y-soil"]));
    let path: Vec<&str> =
        best["introduction"]["nodes"].as_array().expect("a path").iter().map(|node| node["id"].as_str().expect("id")).collect();
    let key = "need:kenya-drought-resilience offer:embrapa-drought-tolerant-crops";
    let want: Vec<&str> = expectations["introductions"][key].as_array().expect("path").iter().map(|id| id.as_str().expect("id")).collect();
    assert_eq!(path, want);
    assert_eq!(best["introduction"]["hops"], 2);
}

#[tokio::test]
async fn matching_refuses_what_is_not_a_need_or_an_offer() {
    let (_dir, _store, api) = api().await;
    let wrong_kind = execute(&api, r#"{ matches(need: "offer:cassava-processing") { considered } }"#).await;
    assert_eq!(error_codes(&wrong_kind), ["BAD_USER_INPUT"], "{wrong_kind}");
    let missing = execute(&api, r#"{ seekers(offer: "offer:nothing-here") { considered } }"#).await;
    assert_eq!(error_codes(&missing), ["NOT_FOUND"], "{missing}");
    let too_many = execute(&api, r#"{ matches(need: "need:lima-solid-waste", first: 101) { considered } }"#).await;
    assert_eq!(error_codes(&too_many), ["BAD_USER_INPUT"], "{too_many}");
}

#[tokio::test]
async fn needs_and_offers_read_back_with_their_fields() {
    let (_dir, _store, api) = api().await;
    let answer = execute(
        &api,
        r#"{ need: node(id: "need:kenya-drought-resilience") { kind ... on Need { start sdgs sectors support languages
               seekers { actor { id } role } places { id } } }
             offer: node(id: "offer:embrapa-drought-tolerant-crops") { kind ... on Offer { sectors support
               providers { actor { id } role } places { id } agreements { id } } } }"#,
    )
    .await;
    let want = serde_json::json!({ "data": {
        "need": { "kind": "NEED", "start": "2026", "sdgs": [2, 13], "sectors": ["31120"],
                  "support": ["TECHNICAL_ASSISTANCE", "CAPACITY_BUILDING"], "languages": ["en", "sw"],
                  "seekers": [{ "actor": { "id": "agency:kenya-moa" }, "role": "BENEFICIARY" }],
                  "places": [{ "id": "country:KEN" }] },
        "offer": { "kind": "OFFER", "sectors": ["31120"], "support": ["TECHNICAL_ASSISTANCE"],
                   "providers": [{ "actor": { "id": "agency:embrapa-test" }, "role": "PIVOTAL" }],
                   "places": [{ "id": "country:ETH" }],
                   "agreements": [{ "id": "agreement:test-y-soil" }] } } });
    assert_eq!(answer, want);
}

#[tokio::test]
async fn past_a_thousand_providers_the_ranking_says_it_was_cut() {
    let (_dir, store, api) = api().await;
    let source = r#"[{"document": "generated"}]"#;
    let mut lines = String::new();
    for n in 0..1_001 {
        lines.push_str(&format!(
            "{{\"node\": {{\"id\": \"agency:p{n}\", \"kind\": \"AGENCY\", \"name\": \"Provider {n}\", \"sources\": {source}}}}}\n\
             {{\"node\": {{\"id\": \"offer:o{n}\", \"kind\": \"OFFER\", \"name\": \"Offer {n}\", \"sdgs\": [11], \"sources\": {source}}}}}\n\
             {{\"edge\": {{\"id\": \"agency:p{n}>participates_in>offer:o{n}\", \"type\": \"PARTICIPATES_IN\", \"source\": \"agency:p{n}\", \
             \"target\": \"offer:o{n}\", \"role\": \"PIVOTAL\", \"sources\": {source}}}}}\n"
        ));
    }
    io::import(store.as_ref(), &lines).await.expect("the generated offers import");
    let answer =
        execute(&api, r#"{ matches(need: "need:lima-solid-waste", first: 3) { considered truncated matches { offer { id } score } } }"#)
            .await;
    assert_eq!(answer["data"]["matches"]["truncated"], true, "{answer}");
    // The hand-made offer fits best on every reason, so it still comes first.
    assert_eq!(answer["data"]["matches"]["matches"][0]["offer"]["id"], "offer:sao-paulo-waste-recycling", "{answer}");
    let smaller = execute(&api, r#"{ matches(need: "need:kenya-drought-resilience") { truncated } }"#).await;
    assert_eq!(smaller["data"]["matches"]["truncated"], false, "only a few offers fit Kenya's need: {smaller}");
}
