//! Batching loaders: fields that every node or edge of a list asks for (its degree, its version) are
//! fetched for the whole list in one store call instead of one per record.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use partnergraph_schema::NodeId;

use crate::graph::{Graph, GraphError};
use crate::store::{StoreError, Subject};

/// Loads node degrees in batches.
pub struct DegreeLoader(pub Graph);

impl Loader<NodeId> for DegreeLoader {
    type Value = u64;
    type Error = StoreError;

    async fn load(&self, keys: &[NodeId]) -> Result<HashMap<NodeId, u64>, StoreError> {
        let degrees = self.0.degrees(keys).await.map_err(store_error)?;
        Ok(keys.iter().cloned().zip(degrees).collect())
    }
}

/// Loads record versions in batches.
pub struct VersionLoader(pub Graph);

impl Loader<Subject> for VersionLoader {
    type Value = u64;
    type Error = StoreError;

    async fn load(&self, keys: &[Subject]) -> Result<HashMap<Subject, u64>, StoreError> {
        let versions = self.0.versions(keys).await.map_err(store_error)?;
        Ok(keys.iter().cloned().zip(versions).collect())
    }
}

/// A loader's error: the store's, as the graph reported it.
fn store_error(err: GraphError) -> StoreError {
    match err {
        GraphError::Store(store) => store,
        other => StoreError::Backend { backend: "graph", reason: other.to_string() },
    }
}
