//! Participations a newer version of a file no longer states: an activity imported again replaces its
//! agreement and participations, and the participations of the older version that the newer one does not
//! repeat are deleted in the same transaction. Only edges whose every source cites that same activity
//! (`<identifier> / …`) are deleted, so an edge written by hand or by another source stays; an edge other
//! origins state too (`claims::edges`) loses this file's claim and keeps theirs (it is deleted and written
//! again whole in the same block, which the merge before writing leaves as it is). Activities are checked
//! in groups, one store expansion per group.

use std::collections::HashSet;

use partnergraph_schema::claims::edges;
use partnergraph_schema::{EdgeId, EdgeType, NodeId};

use crate::io::iati::resolve::StoreHandle;
use crate::store::{Staged, StoreError};

/// Activities checked per store round trip.
const GROUP: usize = 512;

/// One activity's agreement, identifier and the participations the file states for it.
struct Written {
    agreement: NodeId,
    identifier: String,
    edges: HashSet<EdgeId>,
}

/// Activities waiting to be checked for participations they no longer state.
pub struct Stale {
    /// The file being imported: the origin of the claims it withdraws.
    file: String,
    pending: Vec<Written>,
}

impl Stale {
    /// Nothing pending yet, for an import of `file`.
    pub fn new(file: &str) -> Stale {
        Stale { file: file.to_owned(), pending: Vec::new() }
    }

    /// Notes that `agreement` (activity `identifier`) was written with `edges`; checks a full group.
    pub fn written(
        &mut self,
        agreement: NodeId,
        identifier: &str,
        edges: HashSet<EdgeId>,
        store: Option<&StoreHandle>,
        staged: &mut Staged,
    ) -> Result<(), StoreError> {
        if store.is_none() {
            return Ok(());
        }
        self.pending.push(Written { agreement, identifier: identifier.to_owned(), edges });
        if self.pending.len() >= GROUP {
            self.flush(store, staged)?;
        }
        Ok(())
    }

    /// Stages the deletion of every stale participation of the activities noted so far.
    pub fn flush(&mut self, store: Option<&StoreHandle>, staged: &mut Staged) -> Result<(), StoreError> {
        let pending = std::mem::take(&mut self.pending);
        let Some(store) = store else { return Ok(()) };
        if pending.is_empty() {
            return Ok(());
        }
        let mut agreements: Vec<NodeId> = pending.iter().map(|written| written.agreement.clone()).collect();
        agreements.sort_unstable();
        let mut candidates: Vec<(EdgeId, usize)> = Vec::new();
        for link in store.participations(&agreements)? {
            let Some(index) = pending.iter().position(|written| written.agreement == link.target) else { continue };
            if link.edge_type == EdgeType::ParticipatesIn && !pending[index].edges.contains(&link.id) {
                candidates.push((link.id, index));
            }
        }
        if candidates.is_empty() {
            return Ok(());
        }
        let ids: Vec<EdgeId> = candidates.iter().map(|(id, _)| id.clone()).collect();
        for ((id, index), found) in candidates.into_iter().zip(store.edges(&ids)?) {
            let Some(edge) = found else { continue };
            if !edge.claims.is_empty() {
                if edge.claims.iter().any(|claim| claim.origin == self.file) {
                    let rest = edges::without(&edge, &self.file);
                    staged.delete_edge(id);
                    if let Some(rest) = rest {
                        staged.push_edge(&rest);
                    }
                }
                continue;
            }
            let prefix = format!("{} / ", pending[index].identifier);
            let cites_only_this_activity = !edge.sources.is_empty()
                && edge.sources.iter().all(|source| source.quote.as_deref().is_some_and(|quote| quote.starts_with(&prefix)));
            if cites_only_this_activity {
                staged.delete_edge(id);
            }
        }
        Ok(())
    }
}
