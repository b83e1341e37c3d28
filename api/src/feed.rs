//! The change feed: every change the store's audit trail records, whichever process committed it, sent
//! to the subscribers of this server as it arrives.
//!
//! One task per server reads the trail from where it left off: at once when this process commits a
//! write (it wakes the task), and at least every [`POLL_INTERVAL`] for commits of other processes (an
//! import beside `serve`, another `serve` on the same Bolt database). Subscribers receive from a bounded
//! broadcast channel: sending never waits for them, and one that falls more than [`BACKLOG`] changes
//! behind is told so and dropped (`gql::subscriptions`), so a slow client never slows writers down.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, broadcast};

use crate::store::{Change, GraphStore};

/// How often the trail is read for commits of other processes: the most they wait to reach subscribers.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// Changes a subscriber may fall behind before it is dropped.
pub const BACKLOG: usize = 1024;
/// Changes read from the trail at a time.
const READ_PAGE: usize = 256;

/// The sending side of the feed; subscribers call [`ChangeFeed::subscribe`].
#[derive(Clone, Debug)]
pub struct ChangeFeed {
    sender: broadcast::Sender<Arc<Change>>,
}

impl ChangeFeed {
    /// Starts the task that reads `store`'s trail (from its current end) and feeds the channel; `written`
    /// wakes it after a local commit. The task ends when the last [`ChangeFeed`] is dropped.
    pub fn start(store: Arc<dyn GraphStore>, written: Arc<Notify>) -> ChangeFeed {
        let (sender, _) = broadcast::channel(BACKLOG);
        let feed = ChangeFeed { sender };
        let weak = feed.sender.downgrade();
        tokio::spawn(async move {
            let mut seen: Option<u64> = None;
            loop {
                let Some(sender) = weak.upgrade() else { return };
                match read_new(store.as_ref(), &mut seen, &sender).await {
                    Ok(()) => {}
                    Err(err) => tracing::warn!(error = %err, "the change feed cannot read the audit trail; retrying"),
                }
                drop(sender);
                tokio::select! {
                    () = written.notified() => {}
                    () = tokio::time::sleep(POLL_INTERVAL) => {}
                }
            }
        });
        feed
    }

    /// A receiver of every change from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Change>> {
        self.sender.subscribe()
    }
}

/// Sends the changes after `seen` (on the first call, only notes where the trail ends).
async fn read_new(
    store: &dyn GraphStore,
    seen: &mut Option<u64>,
    sender: &broadcast::Sender<Arc<Change>>,
) -> Result<(), crate::store::StoreError> {
    let Some(mut after) = *seen else {
        *seen = Some(store.last_change().await?);
        return Ok(());
    };
    loop {
        let changes = store.changes(after, READ_PAGE).await?;
        let Some(last) = changes.last().map(|change| change.seq) else { break };
        for change in changes {
            // No subscriber is not an error: the change is simply not wanted.
            let _ = sender.send(Arc::new(change));
        }
        after = last;
        *seen = Some(after);
    }
    Ok(())
}
