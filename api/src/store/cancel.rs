//! Giving up on a request's reads: a token the request's future carries, which every read checks before
//! it starts its work on the blocking pool.
//!
//! Dropping a future does not stop the blocking tasks it has already queued: before this, a request that
//! timed out still ran every read it had queued (issue 17: 37.5 s of CPU for a 10 s budget). A read that
//! starts after its request was cancelled, or after the request's deadline, fails with
//! [`StoreError::Cancelled`] instead of reading. The token travels as a task-local value of the request's
//! future (set by [`Cancel::scope`]), so the store trait's signatures stay as they are; reads made outside
//! any scope (imports, exports, health checks) are never cancelled.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::store::StoreError;

tokio::task_local! {
    static CURRENT: Cancel;
}

/// The cancellation state of one request.
#[derive(Debug, Clone)]
pub struct Cancel {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    cancelled: AtomicBool,
    deadline: Instant,
}

impl Cancel {
    /// A token that cancels by itself at `deadline`.
    pub fn new(deadline: Instant) -> Cancel {
        Cancel { inner: Arc::new(Inner { cancelled: AtomicBool::new(false), deadline }) }
    }

    /// Cancels every read that has not started yet.
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether reads should no longer start.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::Relaxed) || Instant::now() >= self.inner.deadline
    }

    /// Runs `future` with this token as its current one.
    pub async fn scope<F: Future>(self, future: F) -> F::Output {
        CURRENT.scope(self, future).await
    }

    /// The token of the request running on this task, if any.
    pub fn current() -> Option<Cancel> {
        CURRENT.try_with(Cancel::clone).ok()
    }
}

/// Fails with [`StoreError::Cancelled`] when `token` says reads should no longer start.
pub fn check(token: Option<&Cancel>) -> Result<(), StoreError> {
    match token {
        Some(token) if token.is_cancelled() => Err(StoreError::Cancelled),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn the_token_is_seen_inside_its_scope_only() {
        assert!(Cancel::current().is_none());
        let token = Cancel::new(Instant::now() + Duration::from_secs(60));
        let seen = token.clone().scope(async { Cancel::current().map(|current| current.is_cancelled()) }).await;
        assert_eq!(seen, Some(false));
        token.cancel();
        let seen = token.clone().scope(async { check(Cancel::current().as_ref()) }).await;
        assert!(matches!(seen, Err(StoreError::Cancelled)));
    }

    #[test]
    fn a_passed_deadline_cancels() {
        let token = Cancel::new(Instant::now());
        assert!(token.is_cancelled());
        assert!(check(None).is_ok());
    }
}
