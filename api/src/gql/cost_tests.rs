//! Tests of the document measure: bombs and cycles refused, ordinary queries measured as written.

use async_graphql::parser::parse_query;
use serde_json::json;

use super::*;

fn shape(query: &str) -> Result<Shape, ShapeError> {
    let document = parse_query(query).expect("parses");
    measure(&document, None, None)
}

/// `{ ...f0 }` with `f_i` spreading `f_{i+1}` `fanout` times, `levels` levels deep.
fn fragment_bomb(levels: usize, fanout: usize) -> String {
    let mut query = String::from("{ ...f0 }\n");
    for level in 0..levels {
        let spreads = vec![format!("...f{}", level + 1); fanout].join(" ");
        query.push_str(&format!("fragment f{level} on Query {{ {spreads} }}\n"));
    }
    query.push_str(&format!("fragment f{levels} on Query {{ stats {{ nodes }} }}\n"));
    query
}

#[test]
fn the_fragment_bomb_is_counted_without_expanding_it() {
    // 10^8 `stats` selections once expanded (the attack of issue 17), about 700 bytes.
    let query = fragment_bomb(8, 10);
    assert!(query.len() < 1_000, "{}", query.len());
    let started = std::time::Instant::now();
    let measured = shape(&query).expect("no cycle");
    // f8 selects 2 fields, each level ten times the next; the operation selects f0 once more.
    let per_fragment: u64 = (0..=8).map(|level| 2 * 10u64.pow(level)).sum();
    assert_eq!(measured.fields, 2 * 10u64.pow(8) + per_fragment);
    assert!(started.elapsed() < std::time::Duration::from_secs(1), "measuring took {:?}", started.elapsed());
    let document = parse_query(&query).expect("parses");
    let refused = check(&document, None, None, ShapeLimits::default()).expect_err("refused");
    assert!(matches!(refused, ShapeError::TooManyFields { .. }), "{refused}");
}

#[test]
fn exact_counts_of_small_expansions() {
    // The operation selects f0 (1 spread); f0 spreads f1 twice; f1 selects `stats { nodes }` (2 fields).
    // Expanded: operation 2 * 2 = 4, plus each fragment on its own: f0 4, f1 2.
    let measured = shape("{ ...f0 } fragment f0 on Query { ...f1 ...f1 } fragment f1 on Query { stats { nodes } }").expect("ok");
    assert_eq!(measured.fields, 4 + 4 + 2);
    assert_eq!(shape("{ a: stats { nodes } b: stats { nodes edges } }").expect("ok").fields, 5);
}

#[test]
fn cycles_are_refused_before_anything_else() {
    let direct = shape("{ ...a } fragment a on Query { stats { nodes } ...a }").expect_err("cycle");
    assert_eq!(direct, ShapeError::FragmentCycle("a".into()));
    let indirect =
        shape("{ ...a } fragment a on Query { ...b } fragment b on Query { ...c ...c } fragment c on Query { ...a }").expect_err("cycle");
    assert!(matches!(indirect, ShapeError::FragmentCycle(_)), "{indirect}");
    // A diamond (two fragments spreading the same one) is not a cycle.
    shape("{ ...a } fragment a on Query { ...b ...c } fragment b on Query { ...d } fragment c on Query { ...d } fragment d on Query { stats { nodes } }")
        .expect("a diamond is fine");
}

#[test]
fn lists_multiply_by_their_size_and_aliases_add_up() {
    let one = shape(r#"{ partners(id: "agency:undp", first: 500) { partner { id } weight } }"#).expect("ok");
    // partners' own work (500 * 10) plus 500 items of (1 + partner (1 + id 1) + weight 1).
    assert_eq!(one.cost, 500 * 10 + 500 * (1 + 2 + 1));
    let aliases: String =
        (0..300).map(|i| format!(r#"p{i}: partners(id: "agency:undp", first: 500) {{ partner {{ id }} weight }} "#)).collect();
    let many = shape(&format!("{{ {aliases} }}")).expect("ok");
    assert_eq!(many.cost, 300 * one.cost);
    let document = parse_query(format!("{{ {aliases} }}")).expect("parses");
    let refused = check(&document, None, None, ShapeLimits::default()).expect_err("too costly");
    assert!(matches!(refused, ShapeError::TooCostly { .. }), "{refused}");
}

#[test]
fn ids_and_variables_give_the_sizes() {
    let ids: Vec<String> = (0..1000).map(|i| format!("\"agency:a{i}\"")).collect();
    let literal = shape(&format!("{{ nodes(ids: [{}]) {{ id degree }} }}", ids.join(","))).expect("ok");
    assert_eq!(literal.cost, 1000 * LOOKUP_WORK + 1000 * 3);
    // The second attack of issue 17: 300 aliases of the same 1,000 ids, given once as a variable.
    let aliases: String = (0..300).map(|i| format!("n{i}: nodes(ids: $ids) {{ id degree }} ")).collect();
    let document = parse_query(format!("query Q($ids: [ID!]!) {{ {aliases} }}")).expect("parses");
    let variables = json!({ "ids": (0..1000).map(|i| format!("agency:a{i}")).collect::<Vec<_>>() });
    let refused = check(&document, None, variables.as_object(), ShapeLimits::default()).expect_err("too costly");
    assert!(matches!(refused, ShapeError::TooCostly { .. }), "{refused}");
    let document =
        parse_query("query Q($ids: [ID!]!, $n: Int) { nodes(ids: $ids) { id } search(text: \"x\", first: $n) { id } }").expect("parses");
    let variables = json!({ "ids": ["agency:a", "agency:b"], "n": 7 });
    let measured = measure(&document, None, variables.as_object()).expect("ok");
    assert_eq!(measured.cost, 2 * LOOKUP_WORK + 2 * 2 + SEARCH_WORK + 7 * 2);
    // Without the variables, the schema's defaults and zero-length lists.
    assert_eq!(measure(&document, None, None).expect("ok").cost, SEARCH_WORK + 10 * 2);
}

#[test]
fn subgraphs_paths_and_pages_size_their_lists() {
    let map = shape(r#"{ neighborhood(id: "agency:undp", depth: 2, limit: 100) { truncated nodes { id } edges { id } } }"#).expect("ok");
    assert_eq!(map.cost, 100 * 2 + (1 + 1 + 100 * 2 + 200 * 2));
    let paths = shape(r#"{ paths(from: "a:b", to: "c:d", maxHops: 3, first: 2) { nodes { id } edges { id } } }"#).expect("ok");
    assert_eq!(paths.cost, PATH_WORK_PER_HOP * 3 + 2 * (1 + 4 * 2 + 3 * 2));
    let page = shape("{ agencies(first: 50) { edges { cursor node { id } } pageInfo { hasNextPage } } }").expect("ok");
    assert_eq!(page.cost, 1 + 50 * (1 + 1 + 2) + (1 + 1));
}

#[test]
fn the_largest_map_the_widget_asks_for_fits_the_budget() {
    // The shape of the map widget's query (widgets/src/gql.rs) at its largest limit.
    let query =
        "query M($id: ID!, $depth: Int!, $asOf: Date, $limit: Int!) { neighborhood(id: $id, depth: $depth, asOf: $asOf, limit: $limit) {
        truncated
        nodes { id kind name acronym description degree location { lat lon } sources { document paragraph }
          ... on Agreement { start end } ... on Event { start end } }
        edges { id type source target role iatiRole from to sources { document paragraph } } } }";
    let document = parse_query(query).expect("parses");
    let variables = json!({ "id": "agency:undp", "depth": 2, "limit": 5000 });
    let measured = check(&document, None, variables.as_object(), ShapeLimits::default()).expect("fits");
    assert!(measured.cost > 100_000, "{measured:?}");
}

#[test]
fn the_graphiql_introspection_query_fits() {
    let measured = shape(include_str!("../../../tests/it/introspection.graphql")).expect("ok");
    let limits = ShapeLimits::default();
    assert!(measured.fields <= limits.max_fields && measured.cost <= limits.max_cost, "{measured:?}");
}
