//! The subscriptions: the stream of changes, and the changes near one node, from the change feed
//! (`crate::feed`). A subscriber that falls too far behind gets one error saying so, then its stream
//! ends; the writers never wait for it. What `changedNear` subscribers watch is read once per change for
//! all of them (`watched.rs`).

mod watched;

use std::sync::Arc;

use async_graphql::{Context, ID, Result, Subscription};
use futures_util::Stream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, broadcast};

use crate::error::{AppError, IntoGql};
use crate::feed::ChangeFeed;
use crate::gql::changes::Change;
use crate::gql::query::node_id;
use crate::store::audit::ChangeAction;
use crate::store::{self, GraphStore};

pub use watched::Watched;

/// Most hops `changedNear` watches.
pub const MAX_HOPS: i32 = 3;
/// Most nodes `changedNear` watches around its node.
pub const MAX_WATCHED: usize = 5000;

/// What a WebSocket connection's subscriptions share: the feed, the store, and the connection's
/// allowance of subscriptions.
#[derive(Clone)]
pub struct Live {
    /// The change feed.
    pub feed: ChangeFeed,
    /// The store (the neighbourhood a subscriber watches is read from its latest state).
    pub store: Arc<dyn GraphStore>,
    /// Subscriptions this connection may still open.
    pub allowance: Arc<Semaphore>,
    /// The neighbourhoods `changedNear` subscribers watch, shared by every connection of the server.
    pub watched: Watched,
}

/// Live updates over WebSocket (`graphql-transport-ws`).
#[derive(Default)]
pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// Every change as it is committed (curation and imports, by this server or another process writing
    /// the same store; those within half a second).
    async fn changes(&self, ctx: &Context<'_>) -> Result<impl Stream<Item = Result<Change>> + use<>> {
        let live = ctx.data::<Live>()?;
        let permit = permit(live)?;
        let receiver = live.feed.subscribe();
        Ok(stream(receiver, permit, |_| async { Ok(true) }))
    }

    /// The changes that touch a node within `hops` edges (0 to 3) of the node `id`, as the graph is after
    /// each change: what a map showing that node's neighbourhood must redraw for.
    async fn changed_near(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default = 1)] hops: i32,
    ) -> Result<impl Stream<Item = Result<Change>> + use<>> {
        if !(0..=MAX_HOPS).contains(&hops) {
            return Err(AppError::BadInput(format!("`hops` must be between 0 and {MAX_HOPS} (got {hops})"))).gql();
        }
        let center = node_id(&id)?;
        let live = ctx.data::<Live>()?;
        let permit = permit(live)?;
        let (receiver, store, watched) = (live.feed.subscribe(), Arc::clone(&live.store), live.watched.clone());
        let hops = hops as usize;
        Ok(stream(receiver, permit, move |change: Arc<store::Change>| {
            let (store, center, watched) = (Arc::clone(&store), center.clone(), watched.clone());
            async move {
                // An import is one change for a whole file: it may touch anything.
                if change.action == ChangeAction::Import {
                    return Ok(true);
                }
                let touched = change.touched_nodes();
                if touched.contains(&center.as_str()) {
                    return Ok(true);
                }
                let ball = watched.ball(&store, &center, hops, MAX_WATCHED, change.seq).await.gql()?;
                Ok(touched.iter().any(|node| ball.iter().any(|near| near.as_str() == *node)))
            }
        }))
    }
}

/// One of the connection's subscriptions, or an error when it has opened as many as it may.
fn permit(live: &Live) -> Result<OwnedSemaphorePermit> {
    Arc::clone(&live.allowance)
        .try_acquire_owned()
        .map_err(|_| AppError::BadInput("this connection has as many subscriptions open as it may; close one first".to_owned()))
        .gql()
}

/// The changes `receiver` gets that `wanted` keeps, holding `permit` while the stream lives; a lagging
/// receiver yields one error and ends.
fn stream<F, Fut>(
    receiver: broadcast::Receiver<Arc<store::Change>>,
    permit: OwnedSemaphorePermit,
    wanted: F,
) -> impl Stream<Item = Result<Change>>
where
    F: Fn(Arc<store::Change>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<bool>> + Send,
{
    struct State<F> {
        receiver: broadcast::Receiver<Arc<store::Change>>,
        wanted: F,
        done: bool,
        _permit: OwnedSemaphorePermit,
    }
    let state = State { receiver, wanted, done: false, _permit: permit };
    futures_util::stream::unfold(state, |mut state| async move {
        if state.done {
            return None;
        }
        loop {
            match state.receiver.recv().await {
                Ok(change) => match (state.wanted)(Arc::clone(&change)).await {
                    Ok(true) => return Some((Ok(Change((*change).clone())), state)),
                    Ok(false) => {}
                    Err(err) => {
                        state.done = true;
                        return Some((Err(err), state));
                    }
                },
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    state.done = true;
                    let message = format!(
                        "this subscriber fell {missed} changes behind and was dropped; subscribe again, and read `changes` for what it missed"
                    );
                    return Some((Err(AppError::BadInput(message)).gql(), state));
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}
