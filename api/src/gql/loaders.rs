//! Batching loaders: fields that every node of a list asks for (its degree) are fetched for the whole
//! list in one store call instead of one per node.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use partnergraph_schema::NodeId;

use crate::graph::{Graph, GraphError};
use crate::store::StoreError;

/// Loads node degrees in batches.
pub struct DegreeLoader(pub Graph);

impl Loader<NodeId> for DegreeLoader {
    type Value = u64;
    type Error = StoreError;

    async fn load(&self, keys: &[NodeId]) -> Result<HashMap<NodeId, u64>, StoreError> {
        let degrees = self.0.degrees(keys).await.map_err(|err| match err {
            GraphError::Store(store) => store,
            other => StoreError::Backend { backend: "graph", reason: other.to_string() },
        })?;
        Ok(keys.iter().cloned().zip(degrees).collect())
    }
}
