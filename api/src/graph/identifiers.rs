//! External identifiers: what a node answers to in other registers, and finding a node by one.
//!
//! A node's own identifiers are stored with it (IATI organisation and activity identifiers, …); a country
//! also answers to its ISO 3166-1 codes, derived from its alpha-3 code rather than stored. A lookup by ISO
//! code reads the country's id; any other scheme goes through the store's identifier index.

use partnergraph_schema::text::identifier_term;
use partnergraph_schema::{Identifier, NodeId, NodeKind, NodeRecord};

use crate::countries;
use crate::graph::{Graph, GraphError};

/// The ISO 3166-1 alpha-2 scheme.
pub const ISO_ALPHA2: &str = "iso3166-alpha2";
/// The ISO 3166-1 alpha-3 scheme.
pub const ISO_ALPHA3: &str = "iso3166-alpha3";
/// Candidates read from the index per lookup (several nodes may share an identifier).
const CANDIDATES: usize = 64;

/// Every identifier of `node`, sorted: its own, and for a country its ISO codes.
pub fn identifiers(node: &NodeRecord) -> Vec<Identifier> {
    let mut all = node.identifiers.clone();
    if node.kind == NodeKind::Country {
        let iso3 = node.iso3.as_deref().unwrap_or_else(|| node.id.slug());
        all.push(Identifier::new(ISO_ALPHA3, iso3));
        if let Some((alpha2, _)) = countries::of_alpha3(iso3) {
            all.push(Identifier::new(ISO_ALPHA2, alpha2));
        }
    }
    all.sort();
    all.dedup();
    all
}

impl Graph {
    /// The node with identifier `value` in `scheme` (case-insensitive); the first by id if several have it.
    pub async fn lookup(&self, scheme: &str, value: &str) -> Result<Option<NodeRecord>, GraphError> {
        let scheme = scheme.trim().to_ascii_lowercase();
        let value = value.trim();
        if !Identifier::new(&scheme, value).is_valid() {
            return Err(GraphError::InvalidArgument(format!(
                "`{scheme}`/`{value}` is not an identifier (scheme: 1-40 of a-z 0-9 - .; value: 1-200 characters)"
            )));
        }
        let iso3 = match scheme.as_str() {
            ISO_ALPHA3 => Some(value.to_ascii_uppercase()),
            ISO_ALPHA2 => countries::alpha3(value).map(str::to_owned),
            _ => None,
        };
        if let Some(id) = iso3.and_then(|iso3| NodeId::country(&iso3).ok())
            && let Some(node) = self.node(&id).await?
        {
            return Ok(Some(node));
        }
        let candidates = self.store().find_by_term(&identifier_term(&scheme, value), false, CANDIDATES).await?;
        let found = self.nodes(&candidates).await?;
        Ok(found.into_iter().flatten().find(|node| {
            identifiers(node).iter().any(|identifier| identifier.scheme == scheme && identifier.value.eq_ignore_ascii_case(value))
        }))
    }
}
