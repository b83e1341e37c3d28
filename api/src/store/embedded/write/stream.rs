//! A streamed import's one write transaction ([`StagedWriter`]): each block an import hands over is written
//! into the same redb write transaction as it arrives (`write_block`), so the file is never staged whole.
//! redb keeps at most half its page cache of dirty pages in memory and writes the rest to the file before
//! the commit, so an uncommitted transaction costs its cache, not the size of the file. The commit bumps
//! the generation and records the file in the audit trail once; dropping the writer aborts the
//! transaction, and the pages it wrote are free again.

use std::sync::Arc;

use redb::{Database, WriteTransaction};

use super::write_block;
use crate::store::embedded::backend_error;
use crate::store::embedded::curation;
use crate::store::embedded::index::{self, TopologyIndex};
use crate::store::{Audit, Staged, StagedWriter, StoreError, WriteSummary};

/// The open transaction of one streamed import, and what its blocks changed so far.
pub(crate) struct StreamWriter {
    db: Arc<Database>,
    index: Arc<TopologyIndex>,
    txn: WriteTransaction,
    summary: WriteSummary,
}

impl StreamWriter {
    /// Begins the transaction (waiting for any other write transaction to end).
    pub(crate) fn begin(db: Arc<Database>, index: Arc<TopologyIndex>) -> Result<StreamWriter, StoreError> {
        let txn = db.begin_write().map_err(backend_error)?;
        Ok(StreamWriter { db, index, txn, summary: WriteSummary::default() })
    }
}

impl StagedWriter for StreamWriter {
    fn write(&mut self, block: Staged) -> Result<(), StoreError> {
        let written = write_block(&self.txn, block)?;
        self.summary.add(&written);
        Ok(())
    }

    fn commit(self: Box<Self>, audit: Option<Audit>) -> Result<WriteSummary, StoreError> {
        let StreamWriter { db, index, txn, summary } = *self;
        if let Some(audit) = &audit {
            curation::record(&txn, audit, None, &summary)?;
        }
        index::commit_generation(&db, &index, txn)?;
        Ok(summary)
    }
}
