//! The write side of a streamed IATI import: the blocks a file's reading hands over are merged with what
//! the store holds (`io/merge.rs`) and written into the store's one transaction for the file
//! ([`StagedWriter`]) on a thread of its own, so reading the next block and writing this one overlap.
//! At most [`QUEUED_BLOCKS`] wait between the two, which bounds the memory a file takes whatever its size.
//! Committing waits for every block; dropping the sink without committing (a refused file) waits for the
//! thread and drops the writer, which aborts the transaction: nothing of the file is written.

use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use crate::io::iati::resolve::StoreHandle;
use crate::io::merge::merge_existing;
use crate::store::{Audit, Staged, StagedWriter, StoreError, WriteSummary};

/// Blocks read and waiting to be written, besides the one being written.
const QUEUED_BLOCKS: usize = 1;

/// The writing thread of one file's import.
pub(super) struct Sink {
    sender: Option<SyncSender<Staged>>,
    thread: Option<JoinHandle<Result<Box<dyn StagedWriter>, StoreError>>>,
}

fn failed(reason: &str) -> StoreError {
    StoreError::Backend { backend: "import", reason: reason.to_owned() }
}

impl Sink {
    /// Starts the thread that writes into `writer`, merging each block with what `store` holds first.
    pub(super) fn start(writer: Box<dyn StagedWriter>, store: StoreHandle) -> Result<Sink, StoreError> {
        let (sender, receiver) = sync_channel::<Staged>(QUEUED_BLOCKS);
        let write = move || {
            let mut writer = writer;
            for mut block in receiver {
                store.runtime.block_on(merge_existing(store.store.as_ref(), &mut block))?;
                writer.write(block)?;
            }
            Ok(writer)
        };
        let thread = std::thread::Builder::new()
            .name("import-writer".to_owned())
            .spawn(write)
            .map_err(|err| failed(&format!("cannot start the writing thread: {err}")))?;
        Ok(Sink { sender: Some(sender), thread: Some(thread) })
    }

    /// Hands `block` over, waiting while [`QUEUED_BLOCKS`] are already waiting; the writer's error if it
    /// has failed (the file is then not written).
    pub(super) fn send(&mut self, block: Staged) -> Result<(), StoreError> {
        let sent = self.sender.as_ref().is_some_and(|sender| sender.send(block).is_ok());
        if sent {
            return Ok(());
        }
        // The thread stopped early: only an error stops it.
        match self.join() {
            Ok(_) => Err(failed("the writing thread stopped")),
            Err(err) => Err(err),
        }
    }

    /// Waits for every block handed over to be written, then commits them, recorded as `audit` says.
    pub(super) fn commit(mut self, audit: Option<Audit>) -> Result<WriteSummary, StoreError> {
        self.join()?.commit(audit)
    }

    /// Closes the queue and waits for the thread: the writer, or the error that stopped it.
    fn join(&mut self) -> Result<Box<dyn StagedWriter>, StoreError> {
        self.sender = None;
        let thread = self.thread.take().ok_or_else(|| failed("the writing thread has already ended"))?;
        thread.join().map_err(|_| failed("the writing thread panicked"))?
    }
}

impl Drop for Sink {
    /// Not committed: the writer is dropped once its thread has ended, which aborts the transaction.
    fn drop(&mut self) {
        if self.thread.is_some() {
            drop(self.join());
        }
    }
}
