//! What `changedNear` subscribers watch, computed once per change and shared: the ball of nodes within
//! `hops` of a node, as the graph is after the change being judged. Every subscriber of one node and hop
//! count asks for the same ball at the same change, so the first one reads it and the others wait for
//! that reading instead of walking the graph again; a change with N such subscribers walks once, not N
//! times.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use partnergraph_schema::NodeId;
use tokio::sync::OnceCell;

use crate::graph::{Graph, GraphError};
use crate::store::GraphStore;

/// Most (node, hops) pairs remembered; past it, those not at the newest change are forgotten.
const MAX_KEYS: usize = 4096;

/// A ball being read, or read, at one change.
type Ball = Arc<OnceCell<Arc<HashSet<NodeId>>>>;

/// The ball of each (node, hops) at the newest change it was asked for, with that change's number.
type Balls = HashMap<(NodeId, usize), (u64, Ball)>;

/// The balls of the newest change judged, by (node, hops).
#[derive(Clone, Debug, Default)]
pub struct Watched {
    balls: Arc<Mutex<Balls>>,
}

impl Watched {
    /// The nodes within `hops` of `center` (at most `limit`), read from `store`'s latest state once for
    /// change `seq`, whoever asks.
    pub async fn ball(
        &self,
        store: &Arc<dyn GraphStore>,
        center: &NodeId,
        hops: usize,
        limit: usize,
        seq: u64,
    ) -> Result<Arc<HashSet<NodeId>>, GraphError> {
        let cell = self.cell(center, hops, seq);
        let ball = cell
            .get_or_try_init(|| async {
                let graph = Graph::snapshot(store).await?;
                Ok::<_, GraphError>(Arc::new(graph.ball(center, hops, limit).await?))
            })
            .await?;
        Ok(Arc::clone(ball))
    }

    /// The cell of (`center`, `hops`) at change `seq`: the one already there for that change, else a new
    /// one (a later change's replaces an earlier one's).
    fn cell(&self, center: &NodeId, hops: usize, seq: u64) -> Ball {
        let mut balls = self.balls.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((at, cell)) = balls.get(&(center.clone(), hops))
            && *at >= seq
        {
            return Arc::clone(cell);
        }
        if balls.len() >= MAX_KEYS {
            balls.retain(|_, (at, _)| *at >= seq);
        }
        let cell: Ball = Arc::default();
        balls.insert((center.clone(), hops), (seq, Arc::clone(&cell)));
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn subscribers_of_one_node_share_one_reading_per_change() {
        let dir = tempfile::tempdir().expect("dir");
        let store: Arc<dyn GraphStore> = Arc::new(crate::store::EmbeddedStore::open(dir.path()).expect("store"));
        crate::io::seed_if_empty(store.as_ref()).await.expect("seed");
        let watched = Watched::default();
        let wacap = NodeId::parse("network:wacap").expect("id");
        let first = watched.ball(&store, &wacap, 1, 5000, 7).await.expect("ball");
        let again = watched.ball(&store, &wacap, 1, 5000, 7).await.expect("ball");
        assert!(Arc::ptr_eq(&first, &again), "the same change reads the ball once");
        assert!(first.contains(&wacap) && first.len() > 1, "the node and its neighbours");
        let next = watched.ball(&store, &wacap, 1, 5000, 8).await.expect("ball");
        assert!(!Arc::ptr_eq(&first, &next), "a later change reads it again");
        assert_eq!(*first, *next, "nothing changed in between");
        let wider = watched.ball(&store, &wacap, 2, 5000, 8).await.expect("ball");
        assert!(wider.len() > next.len(), "another hop count is another ball");
    }
}
