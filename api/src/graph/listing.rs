//! Paged, filtered listing of the nodes of one kind (the Relay connections of the API).
//!
//! Pages are read from the store in id order and filtered here; the cursor is the last node id. Cost is
//! proportional to the nodes scanned, so a selective filter on a large kind scans more than it returns.

use std::collections::HashMap;

use partnergraph_schema::date::overlaps;
use partnergraph_schema::{AgencyType, AgreementType, EventType, NetworkType, NodeId, NodeKind, NodeRecord, PartialDate};

use crate::graph::triangulars::{is_partial, is_triangular};
use crate::graph::{Graph, GraphError, Located, check_range};

/// Largest page.
pub const MAX_PAGE: i64 = 1000;
/// Nodes read from the store per round trip.
const SCAN_PAGE: usize = 256;

/// Filters of the connections; each applies only to the kinds that have the property.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Agencies of these types.
    pub agency_types: Vec<AgencyType>,
    /// Networks of these types.
    pub network_types: Vec<NetworkType>,
    /// Agreements of these types.
    pub agreement_types: Vec<AgreementType>,
    /// Events of these types.
    pub event_types: Vec<EventType>,
    /// Countries in this region (case-insensitive).
    pub region: Option<String>,
    /// Agencies, cities and events located in this country.
    pub country: Option<NodeId>,
    /// Agreements naming this SDG.
    pub sdg: Option<u8>,
    /// Agreements and events whose period overlaps `[from, to]`.
    pub from: Option<PartialDate>,
    /// See `from`.
    pub to: Option<PartialDate>,
    /// Agreements that are (or are not) triangular.
    pub triangular: Option<bool>,
    /// Agreements that are (or are not) partial triangular arrangements: two of the three corners named.
    pub partial: Option<bool>,
}

/// One page of a listing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// The nodes, in id order.
    pub nodes: Vec<NodeRecord>,
    /// Whether more nodes match after the last one.
    pub has_next: bool,
}

impl ListFilter {
    /// The checks that need only the record.
    pub(crate) fn matches_record(&self, node: &NodeRecord) -> bool {
        in_list(&self.agency_types, node.agency_type)
            && in_list(&self.network_types, node.network_type)
            && in_list(&self.agreement_types, node.agreement_type)
            && in_list(&self.event_types, node.event_type)
            && self.region.as_ref().is_none_or(|region| node.region.as_ref().is_some_and(|own| own.eq_ignore_ascii_case(region)))
            && self.sdg.is_none_or(|sdg| node.sdgs.contains(&sdg))
            && (self.from.is_none() && self.to.is_none() || overlaps(node.start, node.end, self.from, self.to))
    }
}

fn in_list<T: PartialEq>(wanted: &[T], value: Option<T>) -> bool {
    wanted.is_empty() || value.is_some_and(|value| wanted.contains(&value))
}

impl Graph {
    /// The first `first` nodes of `kind` after the cursor `after` that pass `filter`.
    pub async fn list(&self, kind: NodeKind, filter: &ListFilter, first: i64, after: Option<&NodeId>) -> Result<Page, GraphError> {
        let first = check_range("first", first, 0..=MAX_PAGE)?;
        let mut page = Page::default();
        let mut cursor = after.cloned();
        loop {
            let batch = self.store().scan_nodes(Some(kind), cursor.as_ref(), SCAN_PAGE).await?;
            let exhausted = batch.len() < SCAN_PAGE;
            cursor = batch.last().map(|node| node.id.clone());
            let mut batch: Vec<NodeRecord> = batch.into_iter().filter(|node| filter.matches_record(node)).collect();
            if let Some(country) = &filter.country {
                let ids: Vec<NodeId> = batch.iter().map(|node| node.id.clone()).collect();
                let places: HashMap<NodeId, Located> = self.locate(&ids).await?;
                batch.retain(|node| places.get(&node.id).and_then(|place| place.country.as_ref()) == Some(country));
            }
            if filter.triangular.is_some() || filter.partial.is_some() {
                let mut kept = Vec::with_capacity(batch.len());
                for node in batch {
                    let parts = self.participations(&node.id).await?;
                    if filter.triangular.is_none_or(|wanted| is_triangular(&parts) == wanted)
                        && filter.partial.is_none_or(|wanted| is_partial(&parts) == wanted)
                    {
                        kept.push(node);
                    }
                }
                batch = kept;
            }
            for node in batch {
                if page.nodes.len() == first {
                    page.has_next = true;
                    return Ok(page);
                }
                page.nodes.push(node);
            }
            if exhausted || cursor.is_none() {
                return Ok(page);
            }
        }
    }
}
