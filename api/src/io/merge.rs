//! Sources add up: before an import writes, every staged node the store already holds is merged with its
//! stored record (`partnergraph_schema::claims`), so the import adds its origin's facts and sources and
//! keeps the other origins'. The stored records are read a group at a time; a node the store does not hold
//! is written as it was staged, without being decoded.

use partnergraph_schema::NodeId;
use partnergraph_schema::claims;

use crate::store::{GraphStore, Staged, StoreError};

/// Nodes read from the store per round trip.
const GROUP: usize = 1024;

/// Merges each staged node that `store` holds with its stored record, in place.
pub(crate) async fn merge_existing(store: &dyn GraphStore, staged: &mut Staged) -> Result<(), StoreError> {
    let count = staged.node_count();
    let mut start = 0;
    while start < count {
        let end = (start + GROUP).min(count);
        let ids = (start..end)
            .map(|index| {
                NodeId::parse(staged.node_id(index)).map_err(|err| StoreError::Backend { backend: "import", reason: err.to_string() })
            })
            .collect::<Result<Vec<_>, _>>()?;
        for (index, existing) in (start..end).zip(store.nodes(&ids).await?) {
            let Some(existing) = existing else { continue };
            let incoming = staged.decode_node(index)?;
            let merged = claims::merge(Some(&existing), incoming);
            staged.replace_node(index, &merged);
        }
        start = end;
    }
    Ok(())
}
