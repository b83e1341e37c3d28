//! Batching loaders: fields that every node or edge of a list asks for (its degree, its version) are
//! fetched for the whole list in one store call instead of one per record.
//!
//! The lists a resolver builds itself (`gql::nodes::nodes`) read `degree` and `location` ahead through
//! look-ahead, and compiled plans read what they need themselves; the loaders stay for the objects that
//! are not items of one such list — each `node` of a connection's edges, a partnership's `partner`, a
//! triangular's actors, a single node — where only batching across objects avoids one read per object
//! (one round trip each on Bolt).

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use partnergraph_schema::NodeId;

use crate::graph::{Graph, GraphError};
use crate::store::Subject;

/// Loads node degrees in batches.
pub struct DegreeLoader(pub Graph);

impl Loader<NodeId> for DegreeLoader {
    type Value = u64;
    type Error = GraphError;

    async fn load(&self, keys: &[NodeId]) -> Result<HashMap<NodeId, u64>, GraphError> {
        let degrees = self.0.degrees(keys).await?;
        Ok(keys.iter().cloned().zip(degrees).collect())
    }
}

/// Loads record versions in batches.
pub struct VersionLoader(pub Graph);

impl Loader<Subject> for VersionLoader {
    type Value = u64;
    type Error = GraphError;

    async fn load(&self, keys: &[Subject]) -> Result<HashMap<Subject, u64>, GraphError> {
        let versions = self.0.versions(keys).await?;
        Ok(keys.iter().cloned().zip(versions).collect())
    }
}
