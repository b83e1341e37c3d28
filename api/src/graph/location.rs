//! Where things are: the city and country of agencies, cities and events, from LOCATED_IN edges.
//!
//! A city's country is its LOCATED_IN target; an agency's headquarters is its LOCATED_IN city and its
//! country is a LOCATED_IN country or else its headquarters' country; events likewise. Resolved for a
//! batch of nodes with two store expansions, whatever the batch size.

use std::collections::{BTreeMap, HashMap};

use partnergraph_schema::{EdgeType, NodeId, NodeKind};

use crate::graph::{Graph, GraphError};
use crate::store::EdgeFilter;

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
        let filter = EdgeFilter::types(&[EdgeType::LocatedIn]);
        let mut places: BTreeMap<NodeId, Located> = BTreeMap::new();
        let wanted: std::collections::HashSet<&NodeId> = ids.iter().collect();
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
}
