//! "Who works with whom": partners of an actor through shared agreements.
//!
//! An actor is involved in an agreement when it participates in it (PARTICIPATES_IN), funds it (FUNDS)
//! or administers it (the agreement is ADMINISTERED_BY the actor). Two actors are partners when they are
//! involved in the same agreement. The weight of a partnership sums, over the shared agreements,
//! 1 / (number of other actors involved in that agreement): a bilateral agreement counts 1, an agreement
//! shared with nine others counts 1/9 for each pair (Newman's collaboration weight).

use std::collections::{BTreeMap, BTreeSet};

use partnergraph_schema::{EdgeLink, EdgeType, NodeId, NodeKind, NodeRecord};

use crate::graph::{Graph, GraphError, check_range};
use crate::store::EdgeFilter;

/// Most partners returned.
pub const MAX_PARTNERS: i64 = 500;
const INVOLVEMENT: [EdgeType; 3] = [EdgeType::ParticipatesIn, EdgeType::Funds, EdgeType::AdministeredBy];

/// One partner of an actor.
#[derive(Debug, Clone, PartialEq)]
pub struct Partnership {
    /// The partner.
    pub partner: NodeRecord,
    /// The agreements both are involved in, by id.
    pub agreements: Vec<NodeRecord>,
    /// Collaboration weight (see the module doc).
    pub weight: f64,
}

/// The actor an involvement edge links to an agreement, if the edge is one.
fn involved_actor(edge: &EdgeLink) -> Option<(&NodeId, &NodeId)> {
    let (actor, agreement) = match edge.edge_type {
        EdgeType::ParticipatesIn | EdgeType::Funds => (&edge.source, &edge.target),
        EdgeType::AdministeredBy => (&edge.target, &edge.source),
        _ => return None,
    };
    (agreement.kind() == NodeKind::Agreement && actor.kind() != NodeKind::Agreement).then_some((actor, agreement))
}

impl Graph {
    /// Partners of `id`, heaviest first (ties by id), at most `first`.
    pub async fn partners(&self, id: &NodeId, first: i64) -> Result<Vec<Partnership>, GraphError> {
        let first = check_range("first", first, 0..=MAX_PARTNERS)?;
        self.require(id).await?;
        let filter = EdgeFilter::types(&INVOLVEMENT);
        let own = self.store().expand(std::slice::from_ref(id), &filter).await?;
        let agreements: BTreeSet<NodeId> =
            own.iter().filter_map(involved_actor).filter(|(actor, _)| *actor == id).map(|(_, agreement)| agreement.clone()).collect();
        let agreements: Vec<NodeId> = agreements.into_iter().collect();
        if agreements.is_empty() {
            return Ok(Vec::new());
        }
        let mut actors_by_agreement: BTreeMap<NodeId, BTreeSet<NodeId>> = BTreeMap::new();
        for edge in self.store().expand(&agreements, &filter).await? {
            if let Some((actor, agreement)) = involved_actor(&edge)
                && agreements.binary_search(agreement).is_ok()
            {
                actors_by_agreement.entry(agreement.clone()).or_default().insert(actor.clone());
            }
        }
        let mut shared: BTreeMap<NodeId, (Vec<NodeId>, f64)> = BTreeMap::new();
        for (agreement, actors) in &actors_by_agreement {
            let others = actors.len().saturating_sub(1).max(1) as f64;
            for actor in actors.iter().filter(|actor| *actor != id) {
                let entry = shared.entry(actor.clone()).or_default();
                entry.0.push(agreement.clone());
                entry.1 += 1.0 / others;
            }
        }
        let mut ranked: Vec<(NodeId, Vec<NodeId>, f64)> =
            shared.into_iter().map(|(partner, (agreements, weight))| (partner, agreements, weight)).collect();
        ranked.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        ranked.truncate(first);
        let ids: BTreeSet<NodeId> =
            ranked.iter().flat_map(|(partner, agreements, _)| std::iter::once(partner.clone()).chain(agreements.iter().cloned())).collect();
        let records = self.node_map(&ids.into_iter().collect::<Vec<_>>()).await?;
        Ok(ranked
            .into_iter()
            .filter_map(|(partner, agreements, weight)| {
                let agreements = agreements.iter().filter_map(|id| records.get(id).cloned()).collect();
                Some(Partnership { partner: records.get(&partner)?.clone(), agreements, weight })
            })
            .collect())
    }
}
