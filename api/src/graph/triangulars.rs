//! Triangular arrangements: agreements (and networks) with at least one participant in each OECD role.
//!
//! Derived, never stored: an agreement or network is triangular when its PARTICIPATES_IN edges (valid on
//! `asOf`, if given) cover BENEFICIARY, PIVOTAL and FACILITATING. Networks count because some
//! arrangements the sources describe as triangular are set up as networks (e.g. UNNExT). Each corner may hold several actors; an actor
//! whose role changed over time appears in each corner its edges name.

use std::collections::{BTreeMap, BTreeSet};

use partnergraph_schema::{EdgeLink, EdgeType, NodeId, NodeKind, NodeRecord, PartialDate, Role};

use crate::graph::{Graph, GraphError, check_range};
use crate::store::EdgeFilter;

/// Most triangulars returned.
pub const MAX_TRIANGULARS: i64 = 500;
/// Agreements examined per store round trip when listing all.
const SCAN_PAGE: usize = 256;

/// Node kinds that can hold a triangular arrangement, in listing order.
const ARRANGEMENT_KINDS: [NodeKind; 2] = [NodeKind::Agreement, NodeKind::Network];

/// One triangular arrangement and its three corners.
#[derive(Debug, Clone, PartialEq)]
pub struct Triangular {
    /// The agreement (or network).
    pub agreement: NodeRecord,
    /// Beneficiary partners, by id.
    pub beneficiary: Vec<NodeRecord>,
    /// Pivotal partners, by id.
    pub pivotal: Vec<NodeRecord>,
    /// Facilitating partners, by id.
    pub facilitating: Vec<NodeRecord>,
    /// The PARTICIPATES_IN edges behind the corners (with dates and sources), by id.
    pub participations: Vec<EdgeLink>,
}

/// How many of the three corners (beneficiary, pivotal, facilitating) a set of participations names.
fn corners_named(participations: &[EdgeLink]) -> usize {
    [Role::Beneficiary, Role::Pivotal, Role::Facilitating]
        .iter()
        .filter(|role| participations.iter().any(|edge| edge.role == Some(**role)))
        .count()
}

/// Whether a set of participations makes a triangle.
pub fn is_triangular(participations: &[EdgeLink]) -> bool {
    corners_named(participations) == 3
}

/// Whether a set of participations makes a partial triangle: exactly two corners named (the IBSA Fund:
/// pivotal and facilitating, no beneficiary in the sources).
pub fn is_partial(participations: &[EdgeLink]) -> bool {
    corners_named(participations) == 2
}

impl Graph {
    /// Triangular arrangements involving `involving` (the arrangement itself, or an actor in any corner),
    /// or all of them; agreements then networks, each in id order; at most `first`.
    pub async fn triangulars(
        &self,
        involving: Option<&NodeId>,
        first: i64,
        as_of: Option<PartialDate>,
    ) -> Result<Vec<Triangular>, GraphError> {
        let first = check_range("first", first, 0..=MAX_TRIANGULARS)?;
        let filter = EdgeFilter { as_of, ..EdgeFilter::types(&[EdgeType::ParticipatesIn]) };
        let Some(involving) = involving else {
            return self.all_triangulars(first, &filter).await;
        };
        self.require(involving).await?;
        let agreements: Vec<NodeId> = if ARRANGEMENT_KINDS.contains(&involving.kind()) {
            vec![involving.clone()]
        } else {
            let edges = self.store().expand(std::slice::from_ref(involving), &filter).await?;
            let targets: BTreeSet<NodeId> = edges
                .into_iter()
                .filter(|edge| &edge.source == involving && ARRANGEMENT_KINDS.contains(&edge.target.kind()) && edge.role.is_some())
                .map(|edge| edge.target)
                .collect();
            targets.into_iter().collect()
        };
        let mut found = self.triangulars_among(&agreements, &filter).await?;
        found.sort_by_key(|triangular| (triangular.agreement.kind != NodeKind::Agreement, triangular.agreement.id.clone()));
        found.truncate(first);
        Ok(found)
    }

    async fn all_triangulars(&self, first: usize, filter: &EdgeFilter) -> Result<Vec<Triangular>, GraphError> {
        let mut found = Vec::new();
        for kind in ARRANGEMENT_KINDS {
            let mut after: Option<NodeId> = None;
            while found.len() < first {
                let page = self.store().scan_nodes(Some(kind), after.as_ref(), SCAN_PAGE).await?;
                let Some(last) = page.last() else { break };
                after = Some(last.id.clone());
                let ids: Vec<NodeId> = page.iter().map(|node| node.id.clone()).collect();
                found.extend(self.triangulars_among(&ids, filter).await?);
                if page.len() < SCAN_PAGE {
                    break;
                }
            }
        }
        found.truncate(first);
        Ok(found)
    }

    /// The triangulars among `agreements`: one expansion for all of them, one node fetch.
    async fn triangulars_among(&self, agreements: &[NodeId], filter: &EdgeFilter) -> Result<Vec<Triangular>, GraphError> {
        if agreements.is_empty() {
            return Ok(Vec::new());
        }
        let wanted: BTreeSet<&NodeId> = agreements.iter().collect();
        let mut by_agreement: BTreeMap<NodeId, Vec<EdgeLink>> = BTreeMap::new();
        for edge in self.store().expand(agreements, filter).await? {
            if wanted.contains(&edge.target) {
                by_agreement.entry(edge.target.clone()).or_default().push(edge);
            }
        }
        by_agreement.retain(|_, edges| is_triangular(edges));
        let ids: BTreeSet<NodeId> = by_agreement
            .iter()
            .flat_map(|(agreement, edges)| std::iter::once(agreement.clone()).chain(edges.iter().map(|edge| edge.source.clone())))
            .collect();
        let ids: Vec<NodeId> = ids.into_iter().collect();
        let records = self.node_map(&ids).await?;
        let corner = |edges: &[EdgeLink], role: Role| -> Vec<NodeRecord> {
            let actors: BTreeSet<&NodeId> = edges.iter().filter(|edge| edge.role == Some(role)).map(|edge| &edge.source).collect();
            actors.into_iter().filter_map(|id| records.get(id).cloned()).collect()
        };
        let triangulars = by_agreement
            .into_iter()
            .filter_map(|(agreement, participations)| {
                Some(Triangular {
                    agreement: records.get(&agreement)?.clone(),
                    beneficiary: corner(&participations, Role::Beneficiary),
                    pivotal: corner(&participations, Role::Pivotal),
                    facilitating: corner(&participations, Role::Facilitating),
                    participations,
                })
            })
            .collect();
        Ok(triangulars)
    }
}
