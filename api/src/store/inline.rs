//! Reads on the calling thread: a request that executes on a thread of the blocking pool (the query
//! runner runs each GraphQL request on one) reads the embedded store right there, instead of handing
//! every read to another blocking thread and waiting for it.
//!
//! Each hand-off costs two thread wake-ups; a depth-2 neighbourhood made six of them. [`run`] marks the
//! current thread for the duration of a closure; the embedded store's reads check [`active`] and run
//! inline when it is set. Only a thread that may block sets it: never a runtime worker thread.

use std::cell::Cell;

thread_local! {
    static INLINE: Cell<bool> = const { Cell::new(false) };
}

/// Runs `work` with reads allowed on this thread (which must be allowed to block), and restores the
/// previous state afterwards, also when `work` panics.
pub fn run<T>(work: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            INLINE.with(|inline| inline.set(self.0));
        }
    }
    let _restore = Restore(INLINE.with(|inline| inline.replace(true)));
    work()
}

/// Whether reads may run on this thread.
pub(crate) fn active() -> bool {
    INLINE.with(Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inside_run_and_restored_after_a_panic() {
        assert!(!active());
        assert!(run(active));
        assert!(!active());
        let panicked = std::panic::catch_unwind(|| run(|| panic!("inside")));
        assert!(panicked.is_err());
        assert!(!active(), "restored after the panic");
        assert!(!std::thread::spawn(|| run(|| std::thread::spawn(active).join().expect("thread"))).join().expect("thread"), "per thread");
    }
}
