//! Where things are: the city and country of agencies, cities and events, from LOCATED_IN edges.
//!
//! A city's country is its LOCATED_IN target; an agency's headquarters is its LOCATED_IN city and its
//! country is a LOCATED_IN country or else its headquarters' country; events likewise. Resolved for a
//! batch of nodes with two store expansions, whatever the batch size. Only edges leaving the nodes asked
//! about are read, so a city's country costs its own edges, not those of every agency in it.
//!
//! A node's position (its coordinates, else its city's, else its country's) is answered here too, for a
//! whole list at once.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap, HashSet};

use partnergraph_schema::{EdgeType, GeoPoint, NodeId, NodeKind, NodeRecord};

use crate::graph::{Graph, GraphError};
use crate::store::{Direction, EdgeFilter, StoreError};

/// The place of one node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Located {
    /// Its city (headquarters or venue), if known.
    pub city: Option<NodeId>,
    /// Its country, if known.
    pub country: Option<NodeId>,
}

impl Graph {
    /// The place of each of `ids` (nodes without one are absent from the map).
    pub async fn locate(&self, ids: &[NodeId]) -> Result<HashMap<NodeId, Located>, GraphError> {
        let filter = EdgeFilter::types(&[EdgeType::LocatedIn]).toward(Direction::Out);
        let mut places: BTreeMap<NodeId, Located> = BTreeMap::new();
        let wanted: HashSet<&NodeId> = ids.iter().collect();
        for edge in self.store().expand(ids, &filter).await? {
            if !wanted.contains(&edge.source) {
                continue;
            }
            let place = places.entry(edge.source.clone()).or_default();
            match edge.target.kind() {
                NodeKind::City if place.city.is_none() => place.city = Some(edge.target),
                NodeKind::Country if place.country.is_none() => place.country = Some(edge.target),
                _ => {}
            }
        }
        let cities: Vec<NodeId> = places.values().filter(|place| place.country.is_none()).filter_map(|place| place.city.clone()).collect();
        if !cities.is_empty() {
            let mut city_country: HashMap<NodeId, NodeId> = HashMap::new();
            for edge in self.store().expand(&cities, &filter).await? {
                if edge.source.kind() == NodeKind::City && edge.target.kind() == NodeKind::Country {
                    city_country.entry(edge.source).or_insert(edge.target);
                }
            }
            for place in places.values_mut().filter(|place| place.country.is_none()) {
                place.country = place.city.as_ref().and_then(|city| city_country.get(city).cloned());
            }
        }
        Ok(places.into_iter().collect())
    }

    /// The country of `city`: its LOCATED_IN country. A city without one is a corrupt store (the import's
    /// checker refuses such a city), reported as [`StoreError::Corrupt`].
    pub async fn city_country(&self, city: &NodeId) -> Result<NodeRecord, GraphError> {
        let place = self.locate(std::slice::from_ref(city)).await?.remove(city).unwrap_or_default();
        let country = match place.country {
            Some(id) => self.node(&id).await?,
            None => None,
        };
        country.filter(|country| country.kind == NodeKind::Country).ok_or_else(|| {
            let reason = "city has no LOCATED_IN edge to a country".to_owned();
            GraphError::Store(StoreError::Corrupt { key: city.to_string(), reason })
        })
    }

    /// The position of each of `nodes`, in order: its own coordinates, else (for agencies, events and
    /// networks) its city's, else its country's. The places of the whole list are read at once: two
    /// expansions and one node read, whatever its length.
    pub async fn positions<R: Borrow<NodeRecord>>(&self, nodes: &[R]) -> Result<Vec<Option<GeoPoint>>, GraphError> {
        let nodes: Vec<&NodeRecord> = nodes.iter().map(Borrow::borrow).collect();
        let unplaced: Vec<NodeId> = nodes.iter().filter(|node| placed_by_edges(node)).map(|node| node.id.clone()).collect();
        if unplaced.is_empty() {
            return Ok(nodes.iter().map(|node| node.location).collect());
        }
        let places = self.locate(&unplaced).await?;
        let mut place_ids: Vec<NodeId> = places.values().flat_map(|place| [place.city.clone(), place.country.clone()]).flatten().collect();
        place_ids.sort_unstable();
        place_ids.dedup();
        let place_nodes = self.node_map(&place_ids).await?;
        let point_of = |id: &Option<NodeId>| id.as_ref().and_then(|id| place_nodes.get(id)).and_then(|node| node.location);
        Ok(nodes
            .iter()
            .map(|node| {
                if !placed_by_edges(node) {
                    return node.location;
                }
                places.get(&node.id).and_then(|place| point_of(&place.city).or_else(|| point_of(&place.country)))
            })
            .collect())
    }
}

/// Whether a node without coordinates of its own takes its city's or country's.
fn placed_by_edges(node: &NodeRecord) -> bool {
    node.location.is_none() && matches!(node.kind, NodeKind::Agency | NodeKind::Event | NodeKind::Network)
}
