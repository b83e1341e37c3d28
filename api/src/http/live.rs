//! GraphQL subscriptions over WebSocket on `/graphql` (a GET with `Upgrade: websocket`), in the
//! `graphql-transport-ws` protocol (and the older `graphql-ws`, which async-graphql also speaks).
//!
//! Bounded like everything else: at most [`LiveLimits::max_sockets`] sockets at once (more answer 503
//! `OVERLOADED`), [`LiveLimits::subscriptions_per_socket`] subscriptions each, messages no longer than a
//! query may be, and only subscriptions run here: queries and mutations go over HTTP, through the query
//! runner's gate, deadline and token checks.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::futures_util::stream::{self, BoxStream};
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor, Request, Response, ServerError};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::FromRequestParts;
use axum::extract::ws::WebSocketUpgrade;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use tokio::sync::Semaphore;

use crate::error::Code;
use crate::feed::ChangeFeed;
use crate::gql::{ApiSchema, Live, Watched};
use crate::http::{AppState, error_response};

/// Bounds on live updates.
#[derive(Debug, Clone, Copy)]
pub struct LiveLimits {
    /// WebSocket connections open at once.
    pub max_sockets: usize,
    /// Subscriptions one connection may hold.
    pub subscriptions_per_socket: usize,
    /// Longest wait for a client's `connection_init` or pong before the server closes the socket.
    pub keepalive: Duration,
}

impl Default for LiveLimits {
    fn default() -> LiveLimits {
        LiveLimits { max_sockets: 512, subscriptions_per_socket: 16, keepalive: Duration::from_secs(60) }
    }
}

/// The feed and the bounds every WebSocket connection shares.
#[derive(Clone, Debug)]
pub struct LiveState {
    /// The change feed.
    pub feed: ChangeFeed,
    /// Sockets that may still open.
    sockets: Arc<Semaphore>,
    limits: LiveLimits,
    /// What `changedNear` subscribers watch, shared by all connections.
    watched: Watched,
}

impl LiveState {
    /// The live state over `feed`, with `limits`.
    pub fn new(feed: ChangeFeed, limits: LiveLimits) -> LiveState {
        LiveState { feed, sockets: Arc::new(Semaphore::new(limits.max_sockets.max(1))), limits, watched: Watched::default() }
    }
}

/// Whether a request asks to become a WebSocket.
pub fn is_upgrade(headers: &HeaderMap) -> bool {
    headers.get(header::UPGRADE).and_then(|value| value.to_str().ok()).is_some_and(|value| value.eq_ignore_ascii_case("websocket"))
}

/// Upgrades the connection and serves subscriptions on it.
pub async fn upgrade(state: &AppState, mut parts: Parts) -> axum::response::Response {
    let protocol = match GraphQLProtocol::from_request_parts(&mut parts, &()).await {
        Ok(protocol) => protocol,
        Err(rejection) => return rejection.into_response(),
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let Ok(socket_slot) = Arc::clone(&state.live.sockets).try_acquire_owned() else {
        return error_response(Code::Overloaded, "too many live connections; retry shortly");
    };
    let limits = state.live.limits;
    let live = Live {
        feed: state.live.feed.clone(),
        store: Arc::clone(&state.store),
        allowance: Arc::new(Semaphore::new(limits.subscriptions_per_socket.max(1))),
        watched: state.live.watched.clone(),
    };
    let executor = SubscriptionsOnly(state.queries.schema().clone());
    upgrade.protocols(ALL_WEBSOCKET_PROTOCOLS).max_message_size(state.config.max_query_bytes + 4096).on_upgrade(move |socket| async move {
        let _slot = socket_slot;
        let mut data = Data::default();
        data.insert(live);
        GraphQLWebSocket::new(socket, executor, protocol).with_data(data).keepalive_timeout(limits.keepalive).serve().await;
    })
}

/// The schema, running subscriptions only.
#[derive(Clone)]
struct SubscriptionsOnly(ApiSchema);

fn refused() -> Response {
    Response::from_errors(vec![ServerError::new(
        "only subscriptions run over WebSocket; send queries and mutations to POST /graphql",
        None,
    )])
}

impl Executor for SubscriptionsOnly {
    async fn execute(&self, _request: Request) -> Response {
        refused()
    }

    fn execute_stream(&self, request: Request, session_data: Option<Arc<Data>>) -> BoxStream<'static, Response> {
        if is_subscription(&request) {
            return self.0.execute_stream_with_session_data(request, session_data.unwrap_or_default());
        }
        Box::pin(stream::once(async { refused() }))
    }
}

/// Whether the operation `request` would run is a subscription (a document that does not parse is left
/// to the schema, which reports it).
fn is_subscription(request: &Request) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else { return true };
    let mut operations = document.operations.iter();
    let operation = match &request.operation_name {
        Some(name) => operations.find(|(found, _)| found.map(|found| found.as_str()) == Some(name.as_str())),
        None => operations.next(),
    };
    operation.is_none_or(|(_, operation)| operation.node.ty == OperationType::Subscription)
}
