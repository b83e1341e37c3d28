//! The GraphQL API over the seed: typed errors, limits, search, algorithms and connections.

use partnergraph_tests::{data, error_codes, execute, schema, seeded_store};
use serde_json::{Value, json};

fn ids(list: &Value) -> Vec<String> {
    list.as_array().expect("list").iter().map(|item| item["id"].as_str().expect("id").to_owned()).collect()
}

#[tokio::test]
async fn bad_input_gets_typed_errors() {
    let (_dir, store) = seeded_store().await;
    let schema = schema(store);
    let cases = [
        (r#"{ node(id: "agency:does-not-exist") { id } }"#, None),
        (r#"{ node(id: "not an id") { id } }"#, Some("BAD_USER_INPUT")),
        (r#"{ neighborhood(id: "agency:does-not-exist") { truncated } }"#, Some("NOT_FOUND")),
        (r#"{ neighborhood(id: "network:wacap", depth: 99) { truncated } }"#, Some("BAD_USER_INPUT")),
        (r#"{ neighborhood(id: "network:wacap", limit: 0) { truncated } }"#, Some("BAD_USER_INPUT")),
        (r#"{ paths(from: "network:wacap", to: "agency:nope") { hops } }"#, Some("NOT_FOUND")),
        (r#"{ paths(from: "network:wacap", to: "agency:undp", maxHops: 40) { hops } }"#, Some("BAD_USER_INPUT")),
        (r#"{ partners(id: "country:XXX") { weight } }"#, Some("NOT_FOUND")),
        (r#"{ search(text: "a", first: 100000) { id } }"#, Some("BAD_USER_INPUT")),
        (r#"{ agencies(after: "country:BRA") { edges { cursor } } }"#, Some("BAD_USER_INPUT")),
        (r#"{ agreements(filter: { sdg: 18 }) { edges { cursor } } }"#, Some("BAD_USER_INPUT")),
    ];
    for (query, code) in cases {
        let response = execute(&schema, query).await;
        match code {
            None => {
                assert!(response.get("errors").is_none(), "{query}: {response}");
                assert_eq!(response["data"]["node"], Value::Null);
            }
            Some(code) => assert_eq!(error_codes(&response), [code], "{query}: {response}"),
        }
    }
    let invalid_date = execute(&schema, r#"{ neighborhood(id: "network:wacap", asOf: "2014-13") { truncated } }"#).await;
    assert!(invalid_date["errors"][0]["message"].as_str().is_some_and(|message| message.contains("not a date")), "{invalid_date}");
}

/// Issue 17: an error of a field selected on the `Node` interface (not in a fragment on its object)
/// carries the field's path, list indices and aliases included, for resolver and argument errors alike.
#[tokio::test]
async fn issue_17_errors_of_fields_selected_on_the_node_interface_have_their_path() {
    let (_dir, store) = seeded_store().await;
    let schema = schema(store);
    let cases = [
        (r#"{ node(id: "agency:unossc") { id edges(first: -1) { id } } }"#, json!([["node", "edges"]])),
        (
            r#"{ nodes(ids: ["country:THA", "agency:unossc"]) { e: edges(first: -1) { id } } }"#,
            json!([["nodes", 0, "e"], ["nodes", 1, "e"]]),
        ),
        (r#"{ search(text: "WACAP", first: 1) { id degree edges(first: -1) { id } } }"#, json!([["search", 0, "edges"]])),
        (r#"{ node(id: "agency:unossc") { edges(asOf: "2015-02-30") { id } } }"#, json!([["node", "edges"]])),
        (r#"{ triangulars(first: 1) { agreement { edges(first: -1) { id } } } }"#, json!([["triangulars", 0, "agreement", "edges"]])),
    ];
    for (query, paths) in cases {
        let response = execute(&schema, query).await;
        let errors = response["errors"].as_array().expect("errors");
        assert_eq!(Value::Array(errors.iter().map(|error| error["path"].clone()).collect()), paths, "{query}: {response}");
    }
}

#[tokio::test]
async fn query_depth_and_complexity_are_limited() {
    let (_dir, store) = seeded_store().await;
    let schema = schema(store);
    let deep = format!("{{ node(id: \"network:wacap\") {{ {} id {} }} }}", "edges { sourceNode { ".repeat(8), "} }".repeat(8));
    let response = execute(&schema, &deep).await;
    assert!(response["errors"][0]["message"].as_str().is_some_and(|message| message.contains("nested too deep")), "{response}");
    let wide = format!("{{ {} }}", (0..2100).map(|i| format!("a{i}: stats {{ nodes }}")).collect::<Vec<_>>().join(" "));
    let response = execute(&schema, &wide).await;
    assert!(response["errors"][0]["message"].as_str().is_some_and(|message| message.contains("too complex")), "{response}");
    let introspection = execute(&schema, include_str!("introspection.graphql")).await;
    assert!(introspection.get("errors").is_none(), "GraphiQL's introspection query must pass the limits: {introspection}");
}

#[tokio::test]
async fn search_ignores_case_and_accents_and_ranks_exact_hits_first() {
    let (_dir, store) = seeded_store().await;
    let schema = schema(store);
    for text in ["wacap", "WACAP", "Wacap"] {
        let found = data(&schema, &format!(r#"{{ search(text: "{text}") {{ id }} }}"#)).await;
        assert_eq!(ids(&found["search"]).first().map(String::as_str), Some("network:wacap"), "{text}");
    }
    let accented = data(&schema, r#"{ search(text: "perez guerrero") { id name } }"#).await;
    assert!(
        accented["search"]
            .as_array()
            .is_some_and(|hits| hits.iter().any(|hit| hit["name"].as_str().is_some_and(|name| name.contains("Pérez")))),
        "{accented}"
    );
    let unossc = data(&schema, r#"{ search(text: "UNOSSC") { id } }"#).await;
    assert_eq!(ids(&unossc["search"])[0], "agency:unossc");
    let only_countries = data(&schema, r#"{ search(text: "south", kinds: [COUNTRY]) { id kind } }"#).await;
    assert!(only_countries["search"].as_array().expect("hits").iter().all(|hit| hit["kind"] == "COUNTRY"));
    let nothing = data(&schema, r#"{ search(text: "  ¿?  ") { id } }"#).await;
    assert_eq!(nothing["search"], serde_json::json!([]));
}

#[tokio::test]
async fn neighborhood_respects_limit_kinds_and_reports_truncation() {
    let (_dir, store) = seeded_store().await;
    let schema = schema(store);
    let full =
        data(&schema, r#"{ neighborhood(id: "agency:unossc", depth: 2) { nodes { id kind } edges { source target } truncated } }"#).await;
    let all = full["neighborhood"]["nodes"].as_array().expect("nodes").len();
    assert!(all > 20, "UNOSSC is a hub: {all}");
    assert_eq!(full["neighborhood"]["truncated"], false);
    let capped =
        data(&schema, r#"{ neighborhood(id: "agency:unossc", depth: 2, limit: 7) { nodes { id } edges { source target } truncated } }"#)
            .await;
    let nodes = ids(&capped["neighborhood"]["nodes"]);
    assert_eq!(nodes.len(), 7);
    assert_eq!(nodes[0], "agency:unossc");
    assert_eq!(capped["neighborhood"]["truncated"], true);
    for edge in capped["neighborhood"]["edges"].as_array().expect("edges") {
        assert!(nodes.iter().any(|id| edge["source"] == id.as_str()) && nodes.iter().any(|id| edge["target"] == id.as_str()), "{edge}");
    }
    let countries = data(&schema, r#"{ neighborhood(id: "agency:unossc", depth: 2, kinds: [COUNTRY]) { nodes { kind } } }"#).await;
    let kinds: Vec<&Value> = countries["neighborhood"]["nodes"].as_array().expect("nodes").iter().map(|node| &node["kind"]).collect();
    assert_eq!(kinds[0], "AGENCY");
    assert!(kinds[1..].iter().all(|kind| *kind == "COUNTRY"));
}

/// A subgraph's lists share its records: asking for them twice, under two aliases and with different
/// fields, gives both lists in full.
#[tokio::test]
async fn a_subgraph_lists_its_nodes_and_edges_as_often_as_asked() {
    let (_dir, store) = seeded_store().await;
    let schema = schema(store);
    let once = data(&schema, r#"{ neighborhood(id: "agency:unossc", depth: 2) { nodes { id name } edges { id type } } }"#).await;
    let twice = data(
        &schema,
        r#"{ neighborhood(id: "agency:unossc", depth: 2) { a: nodes { id } b: nodes { id name } x: edges { id } y: edges { id type } } }"#,
    )
    .await;
    let (once, twice) = (&once["neighborhood"], &twice["neighborhood"]);
    assert!(ids(&once["nodes"]).len() > 20 && ids(&once["edges"]).len() > 20);
    assert_eq!(ids(&twice["a"]), ids(&once["nodes"]));
    assert_eq!(twice["b"], once["nodes"]);
    assert_eq!(ids(&twice["x"]), ids(&once["edges"]));
    assert_eq!(twice["y"], once["edges"]);
}

/// Lists read degrees, locations and sources for all their items at once; each must equal what the same
/// field gives for the item alone.
#[tokio::test]
async fn list_fields_read_ahead_equal_the_same_fields_read_one_by_one() {
    let (_dir, store) = seeded_store().await;
    let schema = schema(store);
    let list = data(
        &schema,
        r#"{ neighborhood(id: "agency:unossc", depth: 1) { nodes { id degree location { lat lon } } edges { id sources { document paragraph } } } }"#,
    )
    .await;
    let nodes = list["neighborhood"]["nodes"].as_array().expect("nodes");
    assert!(nodes.iter().filter(|node| !node["location"].is_null()).count() >= 3, "some located nodes: {nodes:?}");
    for node in nodes {
        let alone =
            data(&schema, &format!(r#"{{ node(id: "{}") {{ id degree location {{ lat lon }} }} }}"#, node["id"].as_str().expect("id")))
                .await;
        assert_eq!(&alone["node"], node);
    }
    let edges = list["neighborhood"]["edges"].as_array().expect("edges");
    assert!(edges.len() >= 3 && edges.iter().all(|edge| !edge["sources"].as_array().expect("sources").is_empty()));
    let center = data(&schema, r#"{ node(id: "agency:unossc") { edges(first: 500) { id sources { document paragraph } } } }"#).await;
    for edge in edges {
        let same = center["node"]["edges"].as_array().expect("edges").iter().find(|other| other["id"] == edge["id"]).expect("same edge");
        assert_eq!(same, edge);
    }
}

/// Lists are answered from a plan when they ask only record fields and fields read ahead, and by
/// async-graphql otherwise (`api/src/gql/plain`). The map's own selection over a real neighbourhood, and
/// the same selection with a field that reads the store, must give each node what `node(id)` gives.
#[tokio::test]
async fn planned_lists_equal_the_nodes_read_one_by_one() {
    let (_dir, store) = seeded_store().await;
    let schema = schema(store);
    let map_fields = "id kind name acronym description degree location { lat lon } sources { document paragraph } \
        ... on Agreement { start end } ... on Event { start end } __typename";
    for fields in [map_fields.to_owned(), format!("{map_fields} edges(first: 2) {{ id type }}")] {
        let list = data(&schema, &format!(r#"{{ neighborhood(id: "agency:unossc", depth: 1) {{ nodes {{ {fields} }} }} }}"#)).await;
        let nodes = list["neighborhood"]["nodes"].as_array().expect("nodes");
        assert!(nodes.len() >= 10, "a real neighbourhood: {nodes:?}");
        assert!(nodes.iter().any(|node| node["__typename"] == "Agreement" && !node["start"].is_null()));
        for node in nodes {
            let id = node["id"].as_str().expect("id");
            let alone = data(&schema, &format!(r#"{{ node(id: "{id}") {{ {fields} }} }}"#)).await;
            assert_eq!(&alone["node"], node, "{id}");
        }
    }
}

#[tokio::test]
async fn paths_triangulars_and_partners() {
    let (_dir, store) = seeded_store().await;
    let schema = schema(store);
    let paths =
        data(&schema, r#"{ paths(from: "network:wacap", to: "agency:undp", maxHops: 3, first: 3) { hops nodes { id } edges { type } } }"#)
            .await;
    let paths = paths["paths"].as_array().expect("paths");
    assert!(!paths.is_empty());
    assert_eq!(paths[0]["hops"], 1);
    assert_eq!(ids(&paths[0]["nodes"]), ["network:wacap", "agency:undp"]);
    let hops: Vec<i64> = paths.iter().map(|path| path["hops"].as_i64().expect("hops")).collect();
    assert!(hops.windows(2).all(|pair| pair[0] <= pair[1]), "shortest first: {hops:?}");
    for path in paths {
        let nodes = ids(&path["nodes"]);
        let unique: std::collections::BTreeSet<&String> = nodes.iter().collect();
        assert_eq!(unique.len(), nodes.len(), "paths are simple");
    }

    let triangulars = data(&schema, r#"{ triangulars { agreement { id } beneficiary { id } pivotal { id } facilitating { id } } }"#).await;
    let triangulars = triangulars["triangulars"].as_array().expect("triangulars");
    assert!(triangulars.len() >= 3);
    for triangle in triangulars {
        for corner in ["beneficiary", "pivotal", "facilitating"] {
            assert!(!triangle[corner].as_array().expect("corner").is_empty(), "{triangle}");
        }
    }
    let india = data(&schema, r#"{ triangulars(involving: "country:IND") { agreement { id } pivotal { id } } }"#).await;
    assert!(
        india["triangulars"]
            .as_array()
            .expect("list")
            .iter()
            .all(|t| ids(&t["pivotal"]).contains(&"country:IND".to_owned()) || t.to_string().contains("country:IND"))
    );

    let partners = data(&schema, r#"{ partners(id: "country:IND", first: 50) { partner { id } agreements { id } weight } }"#).await;
    let partners = partners["partners"].as_array().expect("partners");
    assert!(!partners.is_empty());
    let weights: Vec<f64> = partners.iter().map(|p| p["weight"].as_f64().expect("weight")).collect();
    assert!(weights.windows(2).all(|pair| pair[0] >= pair[1]), "heaviest first: {weights:?}");
    assert!(partners.iter().all(|p| p["partner"]["id"] != "country:IND" && !p["agreements"].as_array().expect("agreements").is_empty()));
}

#[tokio::test]
async fn connections_page_through_every_node_of_a_kind() {
    let (_dir, store) = seeded_store().await;
    let stats = store.stats().await.expect("stats");
    let schema = schema(store);
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let cursor = if after.is_empty() { String::new() } else { format!(r#", after: "{after}""#) };
        let page = data(
            &schema,
            &format!("{{ agencies(first: 7{cursor}) {{ edges {{ cursor node {{ id }} }} pageInfo {{ hasNextPage endCursor }} }} }}"),
        )
        .await;
        let connection = &page["agencies"];
        for edge in connection["edges"].as_array().expect("edges") {
            seen.push(edge["node"]["id"].as_str().expect("id").to_owned());
        }
        if connection["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = connection["pageInfo"]["endCursor"].as_str().expect("cursor").to_owned();
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted, "pages are in id order without repeats");
    assert!(seen.len() > 50 && (seen.len() as u64) < stats.nodes);
    let un = data(
        &schema,
        r#"{ agencies(first: 1000, filter: { agencyTypes: [UN_ENTITY] }) { edges { node { ... on Agency { agencyType } } } } }"#,
    )
    .await;
    let un = un["agencies"]["edges"].as_array().expect("edges");
    assert!(!un.is_empty() && un.len() < seen.len() && un.iter().all(|edge| edge["node"]["agencyType"] == "UN_ENTITY"));
    let triangular = data(
        &schema,
        r#"{ agreements(first: 1000, filter: { triangular: true }) { edges { node { ... on Agreement { triangular } } } } }"#,
    )
    .await;
    assert!(triangular["agreements"]["edges"].as_array().expect("edges").iter().all(|edge| edge["node"]["triangular"] == true));
    // Partial arrangements: two corners named, never a whole triangle; the IBSA Fund is one.
    let partial = data(
        &schema,
        r#"{ agreements(first: 1000, filter: { partial: true }) { edges { node { id ... on Agreement { triangular participants { role } } } } } }"#,
    )
    .await;
    let partial = partial["agreements"]["edges"].as_array().expect("edges");
    assert!(partial.iter().any(|edge| edge["node"]["id"] == "agreement:ibsa-fund"), "{partial:?}");
    for edge in partial {
        let roles: std::collections::BTreeSet<String> = edge["node"]["participants"]
            .as_array()
            .expect("participants")
            .iter()
            .filter_map(|part| part["role"].as_str().filter(|role| *role != "PARTNER").map(str::to_owned))
            .collect();
        assert_eq!((edge["node"]["triangular"].as_bool(), roles.len()), (Some(false), 2), "{edge}");
    }
    let asia =
        data(&schema, r#"{ countries(first: 1000, filter: { region: "asia" }) { edges { node { ... on Country { region } } } } }"#).await;
    let asia = asia["countries"]["edges"].as_array().expect("edges");
    assert!(!asia.is_empty() && asia.iter().all(|edge| edge["node"]["region"] == "Asia"));
    let thailand =
        data(&schema, r#"{ cities(filter: { country: "country:THA" }) { edges { node { id ... on City { country { id } } } } } }"#).await;
    let thai = thailand["cities"]["edges"].as_array().expect("edges");
    assert!(!thai.is_empty() && thai.iter().all(|edge| edge["node"]["country"]["id"] == "country:THA"));
}

/// Issue 19: `direction` on the neighbourhood and on a node's edges, and a network's `members`, which
/// read only the MEMBER_OF edges entering it, so a network that is itself a member elsewhere still gets
/// `first` members.
#[tokio::test]
async fn directions_follow_edges_one_way_and_members_fill_their_page() {
    let (_dir, store) = partnergraph_tests::empty_store();
    let lines = [
        r#"{"node": {"id": "network:a", "kind": "NETWORK", "name": "A", "sources": [{"document": "t"}]}}"#,
        r#"{"node": {"id": "network:b", "kind": "NETWORK", "name": "B", "sources": [{"document": "t"}]}}"#,
        r#"{"node": {"id": "network:z1", "kind": "NETWORK", "name": "Z1", "sources": [{"document": "t"}]}}"#,
        r#"{"node": {"id": "network:z2", "kind": "NETWORK", "name": "Z2", "sources": [{"document": "t"}]}}"#,
        r#"{"node": {"id": "network:z3", "kind": "NETWORK", "name": "Z3", "sources": [{"document": "t"}]}}"#,
        r#"{"edge": {"id": "network:a>member_of>network:b", "type": "MEMBER_OF", "source": "network:a", "target": "network:b", "sources": [{"document": "t"}]}}"#,
        r#"{"edge": {"id": "network:z1>member_of>network:a", "type": "MEMBER_OF", "source": "network:z1", "target": "network:a", "sources": [{"document": "t"}]}}"#,
        r#"{"edge": {"id": "network:z2>member_of>network:a", "type": "MEMBER_OF", "source": "network:z2", "target": "network:a", "sources": [{"document": "t"}]}}"#,
        r#"{"edge": {"id": "network:z3>member_of>network:a", "type": "MEMBER_OF", "source": "network:z3", "target": "network:a", "sources": [{"document": "t"}]}}"#,
    ];
    partnergraph::io::import(store.as_ref(), &(lines.join("\n") + "\n")).await.expect("import");
    let schema = schema(store);

    // The edge leaving A sorts first; the page of two still holds two members.
    let members = data(&schema, r#"{ node(id: "network:a") { ... on Network { members(first: 2) { id } } } }"#).await;
    assert_eq!(ids(&members["node"]["members"]), ["network:z1", "network:z2"]);

    let edges = |direction: &str| {
        let query = format!(r#"{{ node(id: "network:a") {{ edges(direction: {direction}) {{ id }} }} }}"#);
        let schema = &schema;
        async move { ids(&data(schema, &query).await["node"]["edges"]) }
    };
    assert_eq!(edges("OUT").await, ["network:a>member_of>network:b"]);
    assert_eq!(edges("IN").await, ["network:z1>member_of>network:a", "network:z2>member_of>network:a", "network:z3>member_of>network:a"]);
    assert_eq!(edges("BOTH").await.len(), 4);

    // Following edges out of A, then out of B: only B; into A: its three members, and nothing enters them.
    let around = |direction: &str| {
        let query = format!(r#"{{ neighborhood(id: "network:a", depth: 2, direction: {direction}) {{ nodes {{ id }} }} }}"#);
        let schema = &schema;
        async move { ids(&data(schema, &query).await["neighborhood"]["nodes"]) }
    };
    assert_eq!(around("OUT").await, ["network:a", "network:b"]);
    assert_eq!(around("IN").await, ["network:a", "network:z1", "network:z2", "network:z3"]);
    assert_eq!(around("BOTH").await.len(), 5);
    let bad = execute(&schema, r#"{ neighborhood(id: "network:a", direction: UP) { truncated } }"#).await;
    assert!(bad["errors"][0]["message"].as_str().is_some_and(|message| message.contains("EdgeDirection")), "{bad}");
}

/// Issue 19: a neighbourhood lists the centre, then each level's new nodes in the order their first edge
/// (by edge id) was met — not in id order — as `schema.graphql` says, whether the walk reads the
/// in-memory topology by rank or the tables by id, and whether a compiled plan or async-graphql answers.
#[tokio::test]
async fn neighborhood_nodes_come_in_first_met_order() {
    let node =
        |id: &str| format!(r#"{{"node": {{"id": "network:{id}", "kind": "NETWORK", "name": "{id}", "sources": [{{"document": "t"}}]}}}}"#);
    let edge = |source: &str, target: &str| {
        format!(
            r#"{{"edge": {{"id": "network:{source}>member_of>network:{target}", "type": "MEMBER_OF", "source": "network:{source}", "target": "network:{target}", "sources": [{{"document": "t"}}]}}}}"#
        )
    };
    // Level 1: `c>…>z` sorts before `d>…>c`, so z is met before d; level 2: `g>…>d` before `z>…>aa`.
    let mut lines: Vec<String> = ["c", "d", "z", "g", "aa"].into_iter().map(node).collect();
    lines.extend([edge("c", "z"), edge("d", "c"), edge("g", "d"), edge("z", "aa")]);
    let expected = ["network:c", "network:z", "network:d", "network:g", "network:aa"];
    for (_dir, store) in [partnergraph_tests::empty_store(), partnergraph_tests::empty_store_without_index()] {
        partnergraph::io::import(store.as_ref(), &(lines.join("\n") + "\n")).await.expect("import");
        let schema = schema(store);
        for fields in ["id", "id description"] {
            let query = format!(r#"{{ neighborhood(id: "network:c", depth: 2) {{ nodes {{ {fields} }} }} }}"#);
            assert_eq!(ids(&data(&schema, &query).await["neighborhood"]["nodes"]), expected, "{query}");
        }
    }
}
