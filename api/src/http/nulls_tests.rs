//! Tests of the null pass: each error's field nulled, or its nearest nullable ancestor, in query order.

use async_graphql::parser::parse_query;
use serde_json::json;

use super::*;

const SDL: &str = "
type Query { node(id: ID!): Node  nodes: [Node]!  search: [Node!]!  sub: Sub!  opt: Sub  stats: Stats  grid: [[Int!]] }
interface Node { id: ID!  edges: [Edge!]! }
type Agency implements Node { id: ID!  edges: [Edge!]!  country: Country }
type City implements Node { id: ID!  edges: [Edge!]!  country: Country! }
type Country implements Node { id: ID!  edges: [Edge!]!  name: String }
type Edge { id: ID!  note: String }
type Sub { truncated: Boolean!  note: String  inner: Sub! }
type Stats { nodes: Int  edges: Int }
";

/// `data` (JSON, in the order async-graphql made it) after the pass, for errors at `(path, line, column)`.
fn check(query: &str, data: &str, errors: &[(serde_json::Value, usize, usize)]) -> String {
    let types = FieldTypes::from_sdl(SDL).expect("test SDL parses");
    let document = parse_query(query).expect("query parses");
    let errors: Vec<ServerError> = errors
        .iter()
        .map(|(path, line, column)| {
            let mut error = ServerError::new("failed", Some(Pos { line: *line, column: *column }));
            error.path = serde_json::from_value(path.clone()).expect("path");
            error
        })
        .collect();
    let mut data: Value = serde_json::from_str(data).expect("data");
    null_failed(&types, &document, None, &errors, &mut data);
    serde_json::to_string(&data).expect("json")
}

#[test]
fn a_nullable_field_that_failed_is_null_in_its_place_in_query_order() {
    let query = "{ a: stats { nodes } node(id: \"x\") { id } b: stats { edges } }";
    let data = r#"{ "a": { "nodes": 1 }, "b": { "edges": 2 } }"#;
    assert_eq!(check(query, data, &[(json!(["node"]), 1, 22)]), r#"{"a":{"nodes":1},"node":null,"b":{"edges":2}}"#);
}

#[test]
fn a_non_null_root_field_that_failed_nulls_data() {
    let query = "{ sub { truncated } stats { nodes } }";
    let data = r#"{ "stats": { "nodes": 1 } }"#;
    assert_eq!(check(query, data, &[(json!(["sub"]), 1, 3)]), "null");
}

#[test]
fn a_chain_of_non_null_fields_is_nulled_up_to_the_nearest_nullable_one() {
    let query = "{ opt { note inner { inner { truncated } } } stats { nodes } }";
    let data = r#"{ "opt": { "note": "n", "inner": { "inner": null } }, "stats": { "nodes": 1 } }"#;
    let errors = [(json!(["opt", "inner", "inner", "truncated"]), 1, 30)];
    assert_eq!(check(query, data, &errors), r#"{"opt":null,"stats":{"nodes":1}}"#);
}

#[test]
fn a_nullable_field_stops_the_null_even_below_non_null_ones() {
    let query = "{ opt { inner { note truncated } } }";
    let data = r#"{ "opt": { "inner": { "truncated": true } } }"#;
    assert_eq!(check(query, data, &[(json!(["opt", "inner", "note"]), 1, 17)]), r#"{"opt":{"inner":{"note":null,"truncated":true}}}"#);
}

#[test]
fn an_item_of_a_list_of_nullable_items_is_nulled_alone() {
    let query = "{ nodes { id edges { id } } stats { nodes } }";
    let data = r#"{ "nodes": [{ "id": "a", "edges": [] }, { "id": "b" }, { "id": "c", "edges": [] }], "stats": { "nodes": 3 } }"#;
    let expected = r#"{"nodes":[{"id":"a","edges":[]},null,{"id":"c","edges":[]}],"stats":{"nodes":3}}"#;
    assert_eq!(check(query, data, &[(json!(["nodes", 1, "edges"]), 1, 14)]), expected);
}

#[test]
fn a_list_of_non_null_items_passes_the_null_to_the_list_and_beyond() {
    let query = "{ search { id edges { id } } stats { nodes } }";
    let data = r#"{ "search": [{ "id": "a" }], "stats": { "nodes": 3 } }"#;
    assert_eq!(check(query, data, &[(json!(["search", 0, "edges"]), 1, 15)]), "null");
    let query = "{ opt { inner { note } } grid }";
    let data = r#"{ "opt": { "inner": { "note": "n" } }, "grid": [[1, 2], [3, 4]] }"#;
    assert_eq!(check(query, data, &[(json!(["grid", 1, 0]), 1, 26)]), r#"{"opt":{"inner":{"note":"n"}},"grid":[[1,2],null]}"#);
}

#[test]
fn aliases_name_the_response_keys_of_the_path() {
    let query = "{ first: opt { x: inner { truncated } } second: opt { y: note } }";
    let data = r#"{ "first": {}, "second": { "y": "n" } }"#;
    assert_eq!(check(query, data, &[(json!(["first", "x"]), 1, 16)]), r#"{"first":null,"second":{"y":"n"}}"#);
    let data = r#"{ "first": { "x": { "truncated": true } }, "second": {} }"#;
    assert_eq!(check(query, data, &[(json!(["second", "y"]), 1, 55)]), r#"{"first":{"x":{"truncated":true}},"second":{"y":null}}"#);
}

#[test]
fn fragments_give_the_type_and_the_location_picks_among_fields_sharing_a_key() {
    let query = "{ node(id: \"a\") { id ... on Agency { c: country { name } } ...F } }\nfragment F on City { c: country { name } }";
    // Agency.country is nullable: the null stays there.
    let data = r#"{ "node": { "id": "agency:a" } }"#;
    assert_eq!(check(query, data, &[(json!(["node", "c"]), 1, 38)]), r#"{"node":{"id":"agency:a","c":null}}"#);
    // City.country is not: the node is null.
    let data = r#"{ "node": { "id": "city:a" } }"#;
    assert_eq!(check(query, data, &[(json!(["node", "c"]), 2, 22)]), r#"{"node":null}"#);
}

#[test]
fn an_object_whose_every_field_failed_is_an_object_again() {
    let query = "{ node(id: \"a\") { ... on Country { name } } }";
    let data = r#"{ "node": null }"#;
    assert_eq!(check(query, data, &[(json!(["node", "name"]), 1, 37)]), r#"{"node":{"name":null}}"#);
    // Every root field failed: async-graphql answers data null.
    assert_eq!(check("{ node(id: \"a\") { id } }", r#"null"#, &[(json!(["node"]), 1, 3)]), r#"{"node":null}"#);
}

#[test]
fn a_list_left_out_for_a_failed_item_is_nulled_as_a_whole() {
    let query = "{ opt { note } nodes { id } }";
    let data = r#"{ "opt": { "note": "n" } }"#;
    assert_eq!(check(query, data, &[(json!(["nodes", 2]), 1, 16)]), "null");
}

#[test]
fn fields_without_errors_stay_as_they_are_skipped_ones_included() {
    let query = "{ stats { nodes @skip(if: true) edges } opt { note } }";
    let data = r#"{ "stats": { "edges": 1 }, "opt": null }"#;
    assert_eq!(check(query, data, &[(json!(["opt", "note"]), 1, 47)]), r#"{"stats":{"edges":1},"opt":{"note":null}}"#);
    assert_eq!(check(query, r#"{ "stats": { "edges": 1 } }"#, &[]), r#"{"stats":{"edges":1}}"#);
}

#[test]
fn errors_in_any_order_give_the_same_answer() {
    let query = "{ opt { note inner { truncated } } stats { nodes } }";
    let data = r#"{ "opt": { "inner": {} }, "stats": { "nodes": 1 } }"#;
    let note = (json!(["opt", "note"]), 1, 9);
    let truncated = (json!(["opt", "inner", "truncated"]), 1, 22);
    let expected = r#"{"opt":null,"stats":{"nodes":1}}"#;
    assert_eq!(check(query, data, &[note.clone(), truncated.clone()]), expected);
    assert_eq!(check(query, data, &[truncated, note]), expected);
}

#[test]
fn the_served_schema_parses_with_its_nullability() {
    let types = FieldTypes::from_sdl(&crate::gql::sdl()).expect("our SDL parses");
    let nullable = |parent: &str, name: &str| types.field(parent, name).map(|ty| ty.nullable);
    assert_eq!(nullable("Query", "neighborhood"), Some(false));
    assert_eq!(nullable("Query", "node"), Some(true));
    assert_eq!(nullable("Node", "edges"), Some(false));
    assert_eq!(nullable("Agency", "country"), Some(true));
    assert_eq!(nullable("City", "country"), Some(false));
    assert_eq!(nullable("Edge", "__typename"), Some(false));
}
