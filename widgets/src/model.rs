//! The data one map shows: a neighbourhood as the GraphQL API returns it, indexed for drawing.
//!
//! The wire shapes (`WireSubgraph`, `WireNode`, `WireEdge`) mirror the `neighborhood` query of
//! `map_query::MAP_QUERY` field for field; `MapData` resolves edge endpoints to node indices once, drops edges
//! whose ends are not in the answer, and keeps the API's order (nodes as returned, edges as returned).

use std::collections::HashMap;

use partnergraph_schema::{EdgeType, GeoPoint, IatiRole, NodeKind, Role, Source};
use serde::Deserialize;

/// A node as the map query returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireNode {
    /// Stable id, e.g. `network:wacap`.
    pub id: String,
    /// What the node is.
    pub kind: NodeKind,
    /// Full name (data: shown only as text).
    pub name: String,
    /// Short form.
    #[serde(default)]
    pub acronym: Option<String>,
    /// One sentence of what it is.
    #[serde(default)]
    pub description: Option<String>,
    /// Edges touching the node in the whole graph.
    #[serde(default)]
    pub degree: u32,
    /// Coordinates, when the API knows them.
    #[serde(default)]
    pub location: Option<GeoPoint>,
    /// Start date (agreements and events).
    #[serde(default)]
    pub start: Option<String>,
    /// End date (agreements and events).
    #[serde(default)]
    pub end: Option<String>,
    /// Where the documents name it.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Identifiers in other registers (the map asks for a country's ISO codes).
    #[serde(default)]
    pub identifiers: Vec<WireIdentifier>,
}

/// An identifier of a node in another register.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WireIdentifier {
    /// The register (`iso3166-alpha2`, …).
    pub scheme: String,
    /// The identifier there.
    pub value: String,
}

impl WireNode {
    /// A country's ISO 3166-1 alpha-2 code, when the API gave one of the right form.
    pub fn alpha2(&self) -> Option<&str> {
        self.identifiers
            .iter()
            .find(|identifier| identifier.scheme == "iso3166-alpha2")
            .map(|identifier| identifier.value.as_str())
            .filter(|code| code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()))
    }
}

/// Names the countries of `subgraph` in the interface language: each country node that `name_of`
/// names gets that name (an empty answer, or the code itself, keeps the stored name).
pub fn localize_countries(subgraph: &mut WireSubgraph, name_of: impl Fn(&WireNode) -> Option<String>) {
    for node in subgraph.nodes.iter_mut().filter(|node| node.kind == NodeKind::Country) {
        if let Some(name) = name_of(node).filter(|name| !name.trim().is_empty() && Some(name.as_str()) != node.alpha2()) {
            node.name = name;
        }
    }
}

/// An edge as the map query returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireEdge {
    /// Stable id.
    pub id: String,
    /// The relation.
    #[serde(rename = "type")]
    pub edge_type: EdgeType,
    /// Source node id.
    pub source: String,
    /// Target node id.
    pub target: String,
    /// OECD role of the source in the target.
    #[serde(default)]
    pub role: Option<Role>,
    /// IATI role of the source in the target.
    #[serde(default)]
    pub iati_role: Option<IatiRole>,
    /// Valid from.
    #[serde(default)]
    pub from: Option<String>,
    /// Valid to.
    #[serde(default)]
    pub to: Option<String>,
    /// Where the documents state it.
    #[serde(default)]
    pub sources: Vec<Source>,
}

/// The `neighborhood` answer.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct WireSubgraph {
    /// Nodes, the focus first.
    #[serde(default)]
    pub nodes: Vec<WireNode>,
    /// Edges between them.
    #[serde(default)]
    pub edges: Vec<WireEdge>,
    /// Whether the API cut the neighbourhood at its limit.
    #[serde(default)]
    pub truncated: bool,
}

/// An edge with its ends resolved to node indices.
#[derive(Debug, Clone, PartialEq)]
pub struct MapEdge {
    /// The edge as received.
    pub wire: WireEdge,
    /// Index of the source node.
    pub source: usize,
    /// Index of the target node.
    pub target: usize,
}

/// One map's data, indexed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MapData {
    /// Nodes in API order.
    pub nodes: Vec<WireNode>,
    /// Edges whose two ends are present.
    pub edges: Vec<MapEdge>,
    /// Whether the API truncated the answer.
    pub truncated: bool,
    index: HashMap<String, usize>,
}

impl MapData {
    /// Indexes a subgraph.
    pub fn new(subgraph: WireSubgraph) -> MapData {
        let index: HashMap<String, usize> = subgraph.nodes.iter().enumerate().map(|(idx, node)| (node.id.clone(), idx)).collect();
        let edges = subgraph
            .edges
            .into_iter()
            .filter_map(|wire| {
                let source = *index.get(&wire.source)?;
                let target = *index.get(&wire.target)?;
                Some(MapEdge { wire, source, target })
            })
            .collect();
        MapData { nodes: subgraph.nodes, edges, truncated: subgraph.truncated, index }
    }

    /// The index of the node with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&WireNode> {
        self.index_of(id).map(|idx| &self.nodes[idx])
    }

    /// Node index pairs of the edges, for layouts.
    pub fn links(&self) -> Vec<(usize, usize)> {
        self.edges.iter().map(|edge| (edge.source, edge.target)).collect()
    }

    /// The edges touching node `idx`, with the index of the other end.
    pub fn incident(&self, idx: usize) -> impl Iterator<Item = (&MapEdge, usize)> {
        self.edges.iter().filter_map(move |edge| match (edge.source == idx, edge.target == idx) {
            (true, _) => Some((edge, edge.target)),
            (false, true) => Some((edge, edge.source)),
            _ => None,
        })
    }

    /// The node kinds present, in vocabulary order (for the legend).
    pub fn kinds(&self) -> Vec<NodeKind> {
        NodeKind::ALL.iter().copied().filter(|kind| self.nodes.iter().any(|node| node.kind == *kind)).collect()
    }

    /// The edge types present, in vocabulary order (for the legend).
    pub fn edge_types(&self) -> Vec<EdgeType> {
        EdgeType::ALL.iter().copied().filter(|ty| self.edges.iter().any(|edge| edge.wire.edge_type == *ty)).collect()
    }
}

/// A date range for display: `2014–`, `–2014`, `2010–2014`, or `None` when both ends are open.
pub fn date_range(from: Option<&str>, to: Option<&str>) -> Option<String> {
    match (from, to) {
        (None, None) => None,
        (Some(from), None) => Some(format!("{from}–")),
        (None, Some(to)) => Some(format!("–{to}")),
        (Some(from), Some(to)) if from == to => Some(from.to_owned()),
        (Some(from), Some(to)) => Some(format!("{from}–{to}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> MapData {
        let json = r#"{"nodes":[
            {"id":"network:wacap","kind":"NETWORK","name":"WACAP","acronym":null,"degree":3,"location":null,"sources":[{"document":"a.txt","paragraph":2}]},
            {"id":"agency:undp","kind":"AGENCY","name":"UNDP","degree":9,"location":{"lat":40.7,"lon":-74.0},"sources":[]},
            {"id":"agency:unossc","kind":"AGENCY","name":"UNOSSC","degree":7,"location":{"lat":40.7,"lon":-74.0},"sources":[]}],
          "edges":[
            {"id":"e1","type":"HOSTED_BY","source":"network:wacap","target":"agency:undp","from":null,"to":"2014","sources":[]},
            {"id":"e2","type":"HOSTED_BY","source":"network:wacap","target":"agency:unossc","from":"2014","to":null,"sources":[]},
            {"id":"e3","type":"FUNDS","source":"agency:undp","target":"agency:missing","sources":[]}],
          "truncated":false}"#;
        MapData::new(serde_json::from_str(json).expect("sample parses"))
    }

    #[test]
    fn resolves_edges_and_drops_dangling_ones() {
        let data = sample();
        assert_eq!(data.nodes.len(), 3);
        assert_eq!(data.links(), vec![(0, 1), (0, 2)]);
        assert_eq!(data.index_of("agency:unossc"), Some(2));
        assert_eq!(data.incident(0).map(|(_, other)| other).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(data.kinds(), vec![NodeKind::Agency, NodeKind::Network]);
        assert_eq!(data.edge_types(), vec![EdgeType::HostedBy]);
    }

    #[test]
    fn countries_are_named_in_the_interface_language() {
        let json = r#"{"nodes":[
            {"id":"country:IND","kind":"COUNTRY","name":"India","identifiers":[{"scheme":"iso3166-alpha2","value":"IN"},{"scheme":"iso3166-alpha3","value":"IND"}]},
            {"id":"country:XKX","kind":"COUNTRY","name":"Kosovo","identifiers":[{"scheme":"iso3166-alpha2","value":"XK"}]},
            {"id":"country:ZZZ","kind":"COUNTRY","name":"Nowhere"},
            {"id":"agency:in","kind":"AGENCY","name":"IN agency","identifiers":[{"scheme":"iso3166-alpha2","value":"IN"}]}]}"#;
        let mut subgraph: WireSubgraph = serde_json::from_str(json).expect("parses");
        let french = |code: &str| match code {
            "IN" => Some("Inde".to_owned()),
            other => Some(other.to_owned()),
        };
        localize_countries(&mut subgraph, |node| node.alpha2().and_then(french));
        let names: Vec<&str> = subgraph.nodes.iter().map(|node| node.name.as_str()).collect();
        // Kosovo: the code came back (no name known), so the stored name stays; agencies are not touched.
        assert_eq!(names, ["Inde", "Kosovo", "Nowhere", "IN agency"]);
    }

    #[test]
    fn formats_date_ranges() {
        assert_eq!(date_range(None, Some("2014")).as_deref(), Some("–2014"));
        assert_eq!(date_range(Some("2014"), None).as_deref(), Some("2014–"));
        assert_eq!(date_range(Some("2010"), Some("2014")).as_deref(), Some("2010–2014"));
        assert_eq!(date_range(None, None), None);
    }
}
