//! Reading the audit trail and record versions (`store/audit.rs`): pages of changes from a time or a
//! cursor, a record's own history, and the versions of records.

use std::collections::HashSet;

use partnergraph_schema::NodeId;

use crate::graph::{Graph, GraphError, check_range};
use crate::store::EdgeFilter;
use crate::store::{Change, Subject};

/// Most changes one page returns.
pub const MAX_CHANGES_PAGE: i64 = 1000;

/// A page of changes, oldest first, and whether more follow.
#[derive(Debug, Clone, Default)]
pub struct ChangePage {
    /// The changes.
    pub changes: Vec<Change>,
    /// Whether later changes exist.
    pub has_next: bool,
}

/// `since` as the trail writes times (RFC 3339, UTC, milliseconds), so times compare as text; any RFC
/// 3339 time is accepted (`2026-12-07T12:00:00+01:00`).
pub fn normalize_since(text: &str) -> Result<String, GraphError> {
    let time: jiff::Timestamp = text
        .parse()
        .map_err(|err| GraphError::InvalidArgument(format!("`since` is an RFC 3339 time such as 2026-12-07T12:00:00Z: {err}")))?;
    Ok(time.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
}

impl Graph {
    /// The first `first` changes numbered after `after` and committed at or after `since` (RFC 3339). The start of `since` is found by bisection over the numbers (times only
    /// grow with them), so a long trail costs its logarithm.
    pub async fn changes(&self, since: Option<&str>, after: u64, first: i64) -> Result<ChangePage, GraphError> {
        let first = check_range("first", first, 0..=MAX_CHANGES_PAGE)?;
        let start = match since {
            Some(since) => after.max(self.last_before(&normalize_since(since)?).await?),
            None => after,
        };
        let mut changes = self.store().changes(start, first + 1).await?;
        let has_next = changes.len() > first;
        changes.truncate(first);
        Ok(ChangePage { changes, has_next })
    }

    /// The number of the last change committed before `since` (0 if none).
    async fn last_before(&self, since: &str) -> Result<u64, GraphError> {
        let (mut low, mut high) = (0, self.store().last_change().await?);
        // Invariant: change `low` (or none, at 0) is before `since`; every change after `high` is not.
        while low < high {
            let middle = low + (high - low).div_ceil(2);
            let found = self.store().changes(middle - 1, 1).await?;
            match found.first() {
                Some(change) if change.at.as_str() < since => low = middle,
                _ => high = middle - 1,
            }
        }
        Ok(low)
    }

    /// The first `first` changes of one record numbered after `after`, oldest first.
    pub async fn history(&self, subject: &Subject, after: u64, first: i64) -> Result<ChangePage, GraphError> {
        let first = check_range("first", first, 0..=MAX_CHANGES_PAGE)?;
        let mut changes = self.store().history(subject, after, first + 1).await?;
        let has_next = changes.len() > first;
        changes.truncate(first);
        Ok(ChangePage { changes, has_next })
    }

    /// The nodes within `hops` edges of `center` (itself included), at most `limit` of them: what a
    /// subscriber to changes near a node watches. Past the limit the ball is cut, in edge-id order.
    pub async fn ball(&self, center: &NodeId, hops: usize, limit: usize) -> Result<HashSet<NodeId>, GraphError> {
        let mut ball: HashSet<NodeId> = HashSet::from([center.clone()]);
        let mut frontier = vec![center.clone()];
        for _ in 0..hops {
            if frontier.is_empty() || ball.len() >= limit {
                break;
            }
            let edges = self.store().expand_page(&frontier, &EdgeFilter::default(), None, limit).await?;
            let mut next = Vec::new();
            for edge in edges {
                for end in [edge.source, edge.target] {
                    if ball.len() < limit && ball.insert(end.clone()) {
                        next.push(end);
                    }
                }
            }
            next.sort_unstable();
            frontier = next;
        }
        Ok(ball)
    }

    /// The version of each record, in the order asked (0: it does not exist).
    pub async fn versions(&self, subjects: &[Subject]) -> Result<Vec<u64>, GraphError> {
        Ok(self.store().versions(subjects).await?)
    }
}
