//! Sources add up: before an import writes, every staged node and edge the store already holds is merged
//! with its stored record (`partnergraph_schema::claims`, and `claims::edges` for edges), so the import adds
//! its origin's facts and sources and keeps the other origins'. The stored records are read a group at a
//! time; a record the store does not hold is written as it was staged, without being decoded. An edge the
//! same block deletes is written again whole (a file withdrawing its claim, `io/iati/stale.rs`): it is
//! not merged.

use std::collections::HashSet;

use partnergraph_schema::claims;
use partnergraph_schema::{EdgeId, NodeId};

use crate::store::codec::Encode;
use crate::store::{GraphStore, Staged, StoreError};

/// Records read from the store per round trip.
const GROUP: usize = 1024;

fn invalid(err: impl ToString) -> StoreError {
    StoreError::Backend { backend: "import", reason: err.to_string() }
}

/// Merges each staged node and edge that `store` holds with its stored record, in place.
pub(crate) async fn merge_existing(store: &dyn GraphStore, staged: &mut Staged) -> Result<(), StoreError> {
    for start in (0..staged.node_count()).step_by(GROUP) {
        let end = (start + GROUP).min(staged.node_count());
        let ids = (start..end).map(|index| NodeId::parse(staged.node_id(index)).map_err(invalid)).collect::<Result<Vec<_>, _>>()?;
        for (index, existing) in (start..end).zip(store.nodes(&ids).await?) {
            let Some(existing) = existing else { continue };
            let merged = claims::merge(Some(&existing), staged.decode_node(index)?);
            staged.replace_node(index, &merged);
        }
    }
    let rewritten: HashSet<&str> = staged.deleted_edges().iter().map(EdgeId::as_str).collect();
    let mut merged_edges = Vec::new();
    for start in (0..staged.edge_count()).step_by(GROUP) {
        let end = (start + GROUP).min(staged.edge_count());
        let ids = (start..end).map(|index| EdgeId::parse(staged.edge_id(index)).map_err(invalid)).collect::<Result<Vec<_>, _>>()?;
        for (index, existing) in (start..end).zip(store.edges(&ids).await?) {
            let Some(existing) = existing else { continue };
            // Staged as it is stored (a file imported again): nothing to merge, and nothing to decode.
            if rewritten.contains(staged.edge_id(index)) || (existing.claims.is_empty() && existing.encode() == staged.edge_bytes(index)) {
                continue;
            }
            let incoming = staged.decode_edge(index)?;
            let merged = claims::edges::merge(Some(&existing), incoming.clone(), None);
            if merged != incoming {
                merged_edges.push((index, merged));
            }
        }
    }
    for (index, merged) in merged_edges {
        staged.replace_edge(index, &merged);
    }
    Ok(())
}
