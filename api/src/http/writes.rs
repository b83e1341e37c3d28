//! Who may write, and how often: the API token of a mutation, checked before anything runs, and the
//! rate limits per client address and per token.
//!
//! - No `Authorization: Bearer …` header, or a token this store does not know: 401 `UNAUTHENTICATED`.
//! - A revoked token: 403 `FORBIDDEN` (a field that needs a larger scope answers `FORBIDDEN` in
//!   `errors`, as the mutation runs).
//! - More writes than the limit from one address (counted before the token is checked, so guessing
//!   tokens is slow too) or one token: 429 `RATE_LIMITED` with `Retry-After`.
//!
//! Tokens are read from the store on every mutation, so one revoked by `partnergraph token revoke` (or
//! the `revokeToken` mutation) is refused at once, whichever process revoked it.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::Notify;

use crate::error::Code;
use crate::gql::Writer;
use crate::http::json_error;
use crate::store::GraphStore;
use crate::tokens::{Verdict, verify};

/// The address a connection comes from, put in each of its requests by the connection loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// How many writes a client address and a token may make.
#[derive(Debug, Clone, Copy)]
pub struct WriteLimits {
    /// Sustained mutations per minute, per address and per token.
    pub per_minute: NonZeroU32,
    /// Mutations allowed at once before the rate applies.
    pub burst: NonZeroU32,
}

impl Default for WriteLimits {
    fn default() -> WriteLimits {
        WriteLimits { per_minute: NonZeroU32::new(120).unwrap_or(NonZeroU32::MIN), burst: NonZeroU32::new(30).unwrap_or(NonZeroU32::MIN) }
    }
}

/// Keys a limiter keeps at most before it forgets those back to a full allowance.
const MAX_TRACKED_KEYS: usize = 10_000;

/// The gate every mutation passes: limiters, and what to wake once a write commits.
#[derive(Clone)]
pub struct WriteGate {
    by_address: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    by_token: Arc<DefaultKeyedRateLimiter<String>>,
    /// Woken after each committed write (the change feed listens).
    pub written: Arc<Notify>,
}

impl std::fmt::Debug for WriteGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteGate").finish_non_exhaustive()
    }
}

impl WriteGate {
    /// A gate with `limits`.
    pub fn new(limits: WriteLimits) -> WriteGate {
        let quota = Quota::per_minute(limits.per_minute).allow_burst(limits.burst);
        WriteGate {
            by_address: Arc::new(RateLimiter::keyed(quota)),
            by_token: Arc::new(RateLimiter::keyed(quota)),
            written: Arc::new(Notify::new()),
        }
    }

    /// The writer of a mutation request, or the answer refusing it.
    pub async fn admit(
        &self,
        store: &Arc<dyn GraphStore>,
        headers: &HeaderMap,
        client: Option<ClientAddr>,
        content_type: &'static str,
    ) -> Result<Writer, Response> {
        if let Some(ClientAddr(address)) = client
            && let Some(refused) = check(&self.by_address, &address, content_type, "this address")
        {
            return Err(refused);
        }
        let Some(presented) = bearer(headers) else {
            let message = "writes need an API token: send `Authorization: Bearer <token>` (see `partnergraph token create`)";
            return Err(unauthenticated(content_type, message));
        };
        let tokens = match store.tokens().await {
            Ok(tokens) => tokens,
            Err(err) => {
                let err = crate::error::AppError::from(err);
                return Err(json_error(err.code().http_status(), content_type, err.code(), &err.public_message()));
            }
        };
        match verify(&tokens, presented) {
            Verdict::Unknown => Err(unauthenticated(content_type, "the API token is not one of this server's")),
            Verdict::Revoked { name } => {
                let message = format!("the API token `{name}` was revoked");
                Err(json_error(StatusCode::FORBIDDEN, content_type, Code::Forbidden, &message))
            }
            Verdict::Valid { name, scope } => {
                if let Some(refused) = check(&self.by_token, &name, content_type, "this token") {
                    return Err(refused);
                }
                Ok(Writer { name, scope, store: Arc::clone(store), written: Arc::clone(&self.written) })
            }
        }
    }
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn unauthenticated(content_type: &'static str, message: &str) -> Response {
    let mut response = json_error(StatusCode::UNAUTHORIZED, content_type, Code::Unauthenticated, message);
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"partnergraph\""));
    response
}

/// Counts one write against `key`; the 429 refusal, with `Retry-After`, when its allowance is spent.
fn check<K>(limiter: &DefaultKeyedRateLimiter<K>, key: &K, content_type: &'static str, who: &str) -> Option<Response>
where
    K: std::hash::Hash + Eq + Clone,
{
    if limiter.len() > MAX_TRACKED_KEYS {
        limiter.retain_recent();
    }
    let Err(not_until) = limiter.check_key(key) else { return None };
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    let seconds = wait.max(Duration::from_secs(1)).as_secs_f64().ceil() as u64;
    let message = format!("too many writes from {who}; retry in {seconds} s");
    let mut response = json_error(StatusCode::TOO_MANY_REQUESTS, content_type, Code::RateLimited, &message);
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    Some(response)
}
