//! `statistics` (issue 23) over the seed, checked against the same counts made here from the raw
//! agreements and their participations (read through `agreements` and `edges`), so the expectation does
//! not come from the code under test.

use std::collections::{BTreeMap, BTreeSet};

use partnergraph_tests::{Api, execute, schema, seeded_store};
use serde_json::{Value, json};

/// One agreement as the counts need it.
struct Agreement {
    start_year: Option<String>,
    amount: Option<f64>,
    /// (participant id, OECD role).
    participants: Vec<(String, Option<String>)>,
}

async fn agreements(schema: &Api) -> Vec<Agreement> {
    let query = r#"{ agreements(first: 1000) { edges { node { id start amountUsd
        edges(types: [PARTICIPATES_IN], direction: IN, first: 5000) { source role } } } } }"#;
    let answer = execute(schema, query).await;
    answer["data"]["agreements"]["edges"]
        .as_array()
        .expect("agreements")
        .iter()
        .map(|edge| {
            let node = &edge["node"];
            Agreement {
                start_year: node["start"].as_str().map(|start| start[..4].to_owned()),
                amount: node["amountUsd"].as_f64(),
                participants: node["edges"]
                    .as_array()
                    .expect("edges")
                    .iter()
                    .map(|edge| (edge["source"].as_str().expect("source").to_owned(), edge["role"].as_str().map(str::to_owned)))
                    .collect(),
            }
        })
        .collect()
}

fn triangular(agreement: &Agreement) -> bool {
    ["BENEFICIARY", "PIVOTAL", "FACILITATING"]
        .iter()
        .all(|corner| agreement.participants.iter().any(|(_, role)| role.as_deref() == Some(*corner)))
}

/// Rows as (keys → (agreements, partners, amount)), counted here.
type Expected = BTreeMap<Vec<String>, (i64, i64, Option<f64>)>;

fn count(rows: Vec<(Vec<String>, &Agreement, Vec<&str>)>) -> Expected {
    let mut tallies: BTreeMap<Vec<String>, (i64, BTreeSet<String>, Option<f64>)> = BTreeMap::new();
    for (keys, agreement, except) in rows {
        let tally = tallies.entry(keys).or_default();
        tally.0 += 1;
        tally.1.extend(agreement.participants.iter().map(|(id, _)| id.clone()).filter(|id| !except.contains(&id.as_str())));
        if let Some(amount) = agreement.amount {
            *tally.2.get_or_insert(0.0) += amount;
        }
    }
    tallies.into_iter().map(|(keys, (agreements, partners, amount))| (keys, (agreements, partners.len() as i64, amount))).collect()
}

fn served(answer: &Value) -> Expected {
    answer["data"]["statistics"]["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("rows: {answer}"))
        .iter()
        .map(|row| {
            let keys = row["keys"].as_array().expect("keys").iter().map(|key| key.as_str().expect("key").to_owned()).collect();
            (keys, (row["agreements"].as_i64().expect("n"), row["partners"].as_i64().expect("n"), row["amountUsd"].as_f64()))
        })
        .collect()
}

#[tokio::test]
async fn statistics_count_what_the_agreements_say() {
    let (_dir, store) = seeded_store().await;
    let schema = schema(store);
    let all = agreements(&schema).await;
    assert!(all.len() > 20, "the seed has agreements");

    // By modality.
    let expected =
        count(all.iter().map(|a| (vec![if triangular(a) { "TRIANGULAR" } else { "SOUTH_SOUTH" }.to_owned()], a, vec![])).collect());
    let answer =
        execute(&schema, "{ statistics(by: [MODALITY]) { rows { keys agreements partners amountUsd } total { agreements } truncated } }")
            .await;
    assert_eq!(served(&answer), expected, "{answer}");
    assert_eq!(answer["data"]["statistics"]["total"]["agreements"], json!(all.len()));
    assert!(expected.contains_key(&vec!["TRIANGULAR".to_owned()]));

    // By year and OECD role, for the agreements UNOSSC takes part in.
    let unossc = "agency:unossc";
    let mut rows = Vec::new();
    for agreement in all.iter().filter(|a| a.participants.iter().any(|(id, _)| id == unossc)) {
        let year = agreement.start_year.clone().unwrap_or_else(|| "UNKNOWN".to_owned());
        let roles: BTreeSet<String> = agreement.participants.iter().filter_map(|(_, role)| role.clone()).collect();
        let roles = if roles.is_empty() { BTreeSet::from(["UNKNOWN".to_owned()]) } else { roles };
        for role in roles {
            rows.push((vec![year.clone(), role], agreement, vec![unossc]));
        }
    }
    let expected = count(rows);
    let answer = execute(
        &schema,
        r#"{ statistics(by: [YEAR, ROLE], involving: "agency:unossc", first: 1000) { rows { keys agreements partners amountUsd } } }"#,
    )
    .await;
    assert_eq!(served(&answer), expected, "{answer}");
    // In year order.
    let years: Vec<String> = answer["data"]["statistics"]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| row["keys"][0].as_str().unwrap_or_default().to_owned())
        .collect();
    let mut sorted = years.clone();
    sorted.sort();
    assert_eq!(years, sorted);

    // By country, the largest first, its own country not counted among its partners.
    let mut rows = Vec::new();
    for agreement in &all {
        let countries: BTreeSet<&str> =
            agreement.participants.iter().map(|(id, _)| id.as_str()).filter(|id| id.starts_with("country:")).collect();
        for country in countries {
            rows.push((vec![country.to_owned()], agreement, vec![country]));
        }
    }
    let expected = count(rows);
    let answer =
        execute(&schema, "{ statistics(by: [COUNTRY], first: 1000) { rows { keys labels agreements partners amountUsd } truncated } }")
            .await;
    assert_eq!(served(&answer), expected, "{answer}");
    let rows = answer["data"]["statistics"]["rows"].as_array().expect("rows");
    assert!(rows.windows(2).all(|pair| pair[0]["agreements"].as_i64() >= pair[1]["agreements"].as_i64()));
    let india = rows.iter().find(|row| row["keys"][0] == "country:IND").expect("India takes part");
    assert_eq!(india["labels"][0], "India");
    let few = execute(&schema, "{ statistics(by: [COUNTRY], first: 2) { rows { keys } truncated } }").await;
    assert_eq!(
        (few["data"]["statistics"]["rows"].as_array().map(Vec::len), few["data"]["statistics"]["truncated"].as_bool()),
        (Some(2), Some(true))
    );
}

#[tokio::test]
async fn statistics_refuse_bad_questions() {
    let (_dir, store) = seeded_store().await;
    let schema = schema(store);
    for (query, code) in [
        ("{ statistics(by: []) { truncated } }", "BAD_USER_INPUT"),
        ("{ statistics(by: [YEAR, ROLE, SDG]) { truncated } }", "BAD_USER_INPUT"),
        ("{ statistics(by: [YEAR], first: 5000) { truncated } }", "BAD_USER_INPUT"),
        (r#"{ statistics(by: [YEAR], involving: "agency:nobody") { truncated } }"#, "NOT_FOUND"),
        ("{ statistics(by: [YEAR], filter: { sdg: 99 }) { truncated } }", "BAD_USER_INPUT"),
    ] {
        let answer = execute(&schema, query).await;
        assert_eq!(answer["errors"][0]["extensions"]["code"], code, "{query}: {answer}");
    }
}
