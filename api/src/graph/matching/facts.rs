//! What matching reads of needs and offers: each one's [`Profile`] (SDGs, sectors, support, languages,
//! countries and their regions), who asks or offers it, and the providers' track records. Read for a
//! whole batch with a few store expansions, whatever the batch size.

use std::collections::{BTreeSet, HashMap, HashSet};

use partnergraph_schema::{EdgeType, NodeId, NodeKind, NodeRecord, Role};

use crate::graph::matching::score::Profile;
use crate::graph::{Graph, GraphError};
use crate::store::{Direction, EdgeFilter};

/// Most participations read per provider for its track record.
const TRACK_PAGE: i64 = 1_000;

/// A need or an offer with what matching needs of it.
#[derive(Debug, Clone)]
pub struct Side {
    /// The need or offer.
    pub record: NodeRecord,
    /// What its score is made from.
    pub profile: Profile,
    /// Who asks (a need's seekers) or offers it (an offer's providers): the sources of its
    /// PARTICIPATES_IN edges, by id.
    pub actors: Vec<NodeId>,
}

/// The SDGs, sectors, support and languages a record states (no places yet).
pub fn stated(record: &NodeRecord) -> Profile {
    Profile {
        sdgs: record.sdgs.iter().copied().collect(),
        sectors: record.sectors.clone(),
        support: record.support.iter().copied().collect(),
        languages: record.languages.iter().cloned().collect(),
        ..Profile::default()
    }
}

impl Graph {
    /// Each of `records` with its profile and actors: one expansion for the records' edges, the cities'
    /// countries through [`Graph::locate`], and one read of those countries for their regions.
    pub(super) async fn sides(&self, records: Vec<NodeRecord>) -> Result<Vec<Side>, GraphError> {
        let ids: Vec<NodeId> = records.iter().map(|record| record.id.clone()).collect();
        let wanted: HashSet<&NodeId> = ids.iter().collect();
        let filter = EdgeFilter::types(&[EdgeType::ParticipatesIn, EdgeType::LocatedIn]);
        let mut actors: HashMap<NodeId, BTreeSet<NodeId>> = HashMap::new();
        let mut places: HashMap<NodeId, BTreeSet<NodeId>> = HashMap::new();
        for edge in self.store().expand(&ids, &filter).await? {
            match edge.edge_type {
                EdgeType::ParticipatesIn if wanted.contains(&edge.target) => {
                    actors.entry(edge.target).or_default().insert(edge.source);
                }
                EdgeType::LocatedIn if wanted.contains(&edge.source) => {
                    places.entry(edge.source).or_default().insert(edge.target);
                }
                _ => {}
            }
        }
        let cities: Vec<NodeId> = places
            .values()
            .flatten()
            .filter(|place| place.kind() == NodeKind::City)
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let city_places = self.locate(&cities).await?;
        let mut countries: HashMap<NodeId, BTreeSet<NodeId>> = places
            .into_iter()
            .map(|(id, places)| {
                let countries = places
                    .into_iter()
                    .filter_map(|place| match place.kind() {
                        NodeKind::Country => Some(place),
                        _ => city_places.get(&place).and_then(|located| located.country.clone()),
                    })
                    .collect();
                (id, countries)
            })
            .collect();
        let all_countries: Vec<NodeId> = countries.values().flatten().cloned().collect::<BTreeSet<_>>().into_iter().collect();
        let regions: HashMap<NodeId, String> = self
            .nodes(&all_countries)
            .await?
            .into_iter()
            .flatten()
            .filter_map(|country| country.region.map(|region| (country.id, region)))
            .collect();
        Ok(records
            .into_iter()
            .map(|record| {
                let mut profile = stated(&record);
                profile.countries = countries.remove(&record.id).unwrap_or_default();
                profile.regions = profile.countries.iter().filter_map(|country| regions.get(country).cloned()).collect();
                let actors = actors.remove(&record.id).map(|actors| actors.into_iter().collect()).unwrap_or_default();
                Side { record, profile, actors }
            })
            .collect())
    }

    /// The agreements in which each of `providers` was PIVOTAL (among its first [`TRACK_PAGE`]
    /// participations by edge id), with their records.
    pub(super) async fn pivotal_agreements(&self, providers: &[NodeId]) -> Result<HashMap<NodeId, Vec<NodeRecord>>, GraphError> {
        let filter = EdgeFilter::types(&[EdgeType::ParticipatesIn]).toward(Direction::Out);
        let mut by_provider: HashMap<NodeId, Vec<NodeId>> = HashMap::new();
        for provider in providers {
            let edges = self.incident_page(provider, &filter, TRACK_PAGE).await?;
            let agreements = edges
                .into_iter()
                .filter(|edge| edge.role == Some(Role::Pivotal) && edge.target.kind() == NodeKind::Agreement)
                .map(|edge| edge.target)
                .collect();
            by_provider.insert(provider.clone(), agreements);
        }
        let all: Vec<NodeId> = by_provider.values().flatten().cloned().collect::<BTreeSet<_>>().into_iter().collect();
        let records = self.node_map(&all).await?;
        Ok(by_provider
            .into_iter()
            .map(|(provider, agreements)| (provider, agreements.iter().filter_map(|id| records.get(id).cloned()).collect()))
            .collect())
    }
}
