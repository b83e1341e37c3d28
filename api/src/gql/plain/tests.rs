//! Plans answer exactly what async-graphql's own resolution answers, and are used when they can be.

use std::cell::Cell;

use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};
use partnergraph_schema::{EdgeLink, GeoPoint, NodeRecord};
use serde_json::json;

use super::{EdgeList, NodeList, PlannedList};
use crate::gql::nodes::{Known, Node};
use crate::gql::types::Edge;

thread_local! {
    /// Lists answered from a plan on this thread.
    pub(super) static PLANNED: Cell<usize> = const { Cell::new(0) };
}

/// A schema over fixed lists: every kind of node with every optional field filled in, and without.
struct Lists;

fn records() -> Vec<NodeRecord> {
    let source = json!([{ "document": "report.pdf", "paragraph": 12, "quote": "works with" }, { "document": "other.pdf" }]);
    [
        json!({ "id": "agency:a", "kind": "AGENCY", "name": "Agency A", "acronym": "AA", "aliases": ["A", "Ä"], "description": "An agency.", "agencyType": "UN_ENTITY", "sources": source }),
        json!({ "id": "agency:b", "kind": "AGENCY", "name": "Agency B", "sources": [] }),
        json!({ "id": "country:THA", "kind": "COUNTRY", "name": "Thailand", "iso3": "THA", "region": "Asia", "location": { "lat": 15.0, "lon": 100.5 }, "sources": [] }),
        json!({ "id": "country:XYZ", "kind": "COUNTRY", "name": "No code", "sources": [] }),
        json!({ "id": "city:bkk", "kind": "CITY", "name": "Bangkok", "location": { "lat": 13.75, "lon": 100.5 }, "sources": [] }),
        json!({ "id": "network:n", "kind": "NETWORK", "name": "Network", "networkType": "CITY_NETWORK", "sources": [] }),
        json!({ "id": "agreement:x", "kind": "AGREEMENT", "name": "Project", "agreementType": "PROJECT", "start": "2014-06", "end": "2019", "amountUsd": 1.5e6, "sdgs": [2, 17], "sources": source }),
        json!({ "id": "event:e", "kind": "EVENT", "name": "Expo", "eventType": "EXPO", "start": "2023-09-11", "end": "2023-09-14", "sources": [] }),
    ]
    .into_iter()
    .map(|record| serde_json::from_value(record).expect("record"))
    .collect()
}

fn links() -> Vec<EdgeLink> {
    [
        json!({ "id": "e1", "type": "PARTICIPATES_IN", "source": "agency:a", "target": "agreement:x", "role": "FACILITATING", "iatiRole": "FUNDING", "from": "2014", "to": "2019-12-31" }),
        json!({ "id": "e2", "type": "FUNDS", "source": "agency:b", "target": "agreement:x", "amountUsd": 250000.0 }),
        json!({ "id": "e3", "type": "LOCATED_IN", "source": "city:bkk", "target": "country:THA" }),
    ]
    .into_iter()
    .map(|link| serde_json::from_value(link).expect("link"))
    .collect()
}

fn nodes() -> Vec<Node> {
    let located = GeoPoint { lat: 13.75, lon: 100.5 };
    let nodes = records().into_iter().enumerate().map(|(index, record)| {
        let location = Some((index % 3 != 1).then_some(located));
        Node::with_known(std::sync::Arc::new(record), Known { degree: Some(index as u64 * 7), location })
    });
    nodes.collect()
}

fn edges() -> Vec<Edge> {
    let sources: Vec<partnergraph_schema::Source> = serde_json::from_value(json!([{ "document": "d", "paragraph": 3 }])).expect("sources");
    links().into_iter().map(|link| Edge::new(link, Some(sources.clone()))).collect()
}

/// The same lists twice: as plannable lists, and as plain vectors that async-graphql resolves itself.
#[Object]
impl Lists {
    async fn nodes(&self) -> NodeList {
        PlannedList(nodes())
    }

    async fn edges(&self) -> EdgeList {
        PlannedList(edges())
    }

    async fn general_nodes(&self) -> Vec<Node> {
        nodes()
    }

    async fn general_edges(&self) -> Vec<Edge> {
        edges()
    }
}

/// The response as text (key order included), and how many lists a plan answered.
async fn run(query: &str) -> (String, usize) {
    let schema = Schema::new(Lists, EmptyMutation, EmptySubscription);
    let before = PLANNED.with(Cell::get);
    let response = schema.execute(query).await;
    assert!(response.errors.is_empty(), "{query}: {:?}", response.errors);
    let text = serde_json::to_string(&response.data).expect("serializes");
    (text, PLANNED.with(Cell::get) - before)
}

/// Runs `query` (with `nodes` and `edges` as aliases of the lists) on both kinds of list; asserts the
/// answers are the same text and returns it with the number of lists a plan answered.
async fn compare(query: &str) -> (String, usize) {
    let (answer, plans) = run(&query.replace("NODES", "nodes").replace("EDGES", "edges")).await;
    let general = query.replace("NODES", "nodes: generalNodes").replace("EDGES", "edges: generalEdges");
    let (general_answer, none) = run(&general).await;
    assert_eq!(none, 0, "plain vectors are never planned");
    assert_eq!(answer, general_answer, "{query}");
    (answer, plans)
}

const EVERY_FIELD: &str = "__typename id kind name acronym aliases description degree \
    sources { __typename document paragraph quote } location { __typename lat lon } \
    ... on Agency { agencyType } ... on Country { iso3 region } ... on Network { networkType } \
    ... on Agreement { agreementType start end amountUsd sdgs } ... on Event { eventType start end } ...Named";
const EVERY_EDGE_FIELD: &str = "__typename id type source target role iatiRole from to amountUsd sources { document paragraph quote }";

#[tokio::test]
async fn a_plan_answers_every_plain_field_as_the_resolvers_do() {
    let query = format!("{{ NODES {{ {EVERY_FIELD} }} EDGES {{ {EVERY_EDGE_FIELD} }} }} fragment Named on Node {{ label: name }}");
    let (answer, plans) = compare(&query).await;
    assert_eq!(plans, 2);
    for expected in
        [r#""iso3":"XYZ""#, r#""location":null"#, r#""amountUsd":1500000.0"#, r#""paragraph":12"#, r#""label":"Expo""#, r#""degree":49"#]
    {
        assert!(answer.contains(expected), "{expected} in {answer}");
    }
}

#[tokio::test]
async fn a_plan_gives_way_where_it_cannot_answer_the_same() {
    // Each query, and how many lists a plan answers.
    let cases = [
        ("{ NODES { ... on Agreement { start } ... on Event { start } } }", 1),
        ("{ NODES { ... on Node { ... on Agreement { when: start } } } }", 1),
        ("{ NODES { ... on Agreement { start } } }", 1),
        ("{ NODES { id id } }", 0),
        ("{ NODES { sources { document } sources { quote } } }", 0),
        // async-graphql applies @skip and @include before execution: a plan sees what they leave.
        ("{ NODES { id @skip(if: false) name @skip(if: true) } }", 1),
        ("{ NODES { ... on Agency @include(if: false) { id } ... on City @include(if: true) { name } } }", 1),
        ("{ EDGES { id sources { ... on Source { document } } } }", 1),
        ("{ EDGES { id } NODES { name } }", 2),
    ];
    for (query, expected) in cases {
        let (_, plans) = compare(query).await;
        assert_eq!(plans, expected, "{query}");
    }
}
