//! The HTTP surface: the axum router and its middleware.
//!
//! Routes: `/graphql` (GET and POST, GraphQL over HTTP), `/graphiql` (the IDE, served from embedded
//! assets), `/healthz` (the process is up), `/readyz` (the store answers), `/metrics` (OpenMetrics), `/` (a short index), and the
//! embeds (`/embed/map`, `/embed.js`, `/oembed`, `/widgets/{file}`, in `embed.rs`), and the explorer
//! (`/explore`, `/embed/triangles`, in `pages.rs`). Layers:
//! request ids (`X-Request-Id`, kept from the client or made, echoed in the answer and named in every log
//! line of the request), tracing, HTTP metrics, panic catching, CORS open for reads, compression and a
//! global timeout. `cache.rs` keeps
//! complete GraphQL answers by request and data version. Nothing here talks to
//! the store except `/readyz`'s health probe through the graph.

mod assets;
mod cache;
mod embed;
mod export;
mod graphql;
mod health;
mod live;
mod negotiate;
mod nulls;
mod order;
mod pages;
mod persisted;
mod queries;
mod server;
mod writes;

use std::time::Duration;

use axum::Router;
use axum::body::HttpBody;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::CompressionLevel;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use cache::ResponseCache;
pub use embed::resolve_widgets_dir;
pub use live::{LiveLimits, LiveState};
pub use persisted::PersistedQueries;
pub use queries::{Outcome, QueryConfig, QueryRunner};
pub use server::{ConnectionLimits, serve};
pub use writes::{ClientAddr, WriteGate, WriteLimits};

use crate::error::Code;
use crate::gql::ShapeLimits;
use crate::graph::Graph;

/// Limits and settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// The server's public base URL (`https://maps.example.org`), for answers that name the server
    /// (oEmbed); `None`: the request's `Host`, never a forwarded header.
    pub public_url: Option<String>,
    /// Longest a GraphQL request may run before it answers TIMEOUT.
    pub request_timeout: Duration,
    /// Largest request body, in bytes.
    pub body_limit: usize,
    /// Longest wait for a request's body.
    pub body_read_timeout: Duration,
    /// Longest query text, in bytes (GET or POST).
    pub max_query_bytes: usize,
    /// Bounds on a query's fragments, fields and work, checked before it is validated.
    pub shape: ShapeLimits,
}

impl Default for HttpConfig {
    fn default() -> HttpConfig {
        HttpConfig {
            public_url: None,
            request_timeout: Duration::from_secs(10),
            body_limit: 256 * 1024,
            body_read_timeout: Duration::from_secs(10),
            max_query_bytes: 64 * 1024,
            shape: ShapeLimits::default(),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// Runs GraphQL requests, on their own runtime and within their bounds.
    pub queries: QueryRunner,
    /// One-off reads of the latest state (health probes, oEmbed titles), each read on its own.
    pub graph: Graph,
    /// The store, whose snapshots answer GraphQL requests and exports (one snapshot per request).
    pub store: std::sync::Arc<dyn crate::store::GraphStore>,
    /// HTTP limits.
    pub config: HttpConfig,
    /// The built widgets (`scripts/build-widgets.sh`), if any; without them `/embed/*` answers 503.
    pub widgets: Option<std::sync::Arc<std::path::Path>>,
    /// Query texts registered under their hash (`persisted.rs`).
    pub persisted: PersistedQueries,
    /// Answers kept by request and data version (`cache.rs`); `None` turns caching off.
    pub cache: Option<std::sync::Arc<ResponseCache>>,
    /// Who may write, how often (`writes.rs`).
    pub writes: WriteGate,
    /// The change feed and the bounds of live connections (`live.rs`).
    pub live: LiveState,
}

/// The whole application as a router.
pub fn app(state: AppState) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([header::CONTENT_TYPE, header::ACCEPT, header::AUTHORIZATION, HeaderName::from_static("x-request-id")])
        .max_age(Duration::from_secs(86_400));
    // The global timeout is a backstop; GraphQL requests answer a typed TIMEOUT well before it.
    let backstop = state.config.request_timeout * 2;
    Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/graphiql", get(assets::graphiql_index))
        .route("/graphiql/", get(assets::graphiql_index))
        .route("/graphiql/{file}", get(assets::graphiql_asset))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/", get(assets::index))
        .route("/embed/map", get(embed::map_page))
        .route("/embed/triangles", get(pages::triangles))
        .route("/embed/dashboard", get(pages::dashboard))
        .route("/explore", get(pages::explore))
        .route("/embed.js", get(embed::loader))
        .route("/oembed", get(embed::oembed))
        .route("/widgets/{file}", get(embed::widget_file))
        .route("/export/{format}", get(export::export))
        .fallback(not_found)
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(CatchPanicLayer::custom(|_| error_response(Code::Internal, "internal error")))
                .layer(TimeoutLayer::with_status_code(StatusCode::GATEWAY_TIMEOUT, backstop))
                .layer(cors)
                // The fastest level: JSON answers still shrink about sevenfold, and the default level made
                // a browser's uncached 91 KB map answer a third slower (BENCHMARKS.md, round 6).
                .layer(CompressionLayer::new().quality(CompressionLevel::Fastest)),
        )
        // Outside the timeout, so its 504 gets a body too.
        .layer(axum::middleware::map_response(with_error_body))
        .layer(axum::middleware::from_fn(health::count_requests))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), RequestIds::default()))
                .layer(TraceLayer::new_for_http().make_span_with(request_span))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone())),
        )
}

/// The header that carries a request's id, in and out.
static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Ids for requests that come without one: this process's start time and a counter, so they are unique
/// across restarts without a random source.
#[derive(Clone)]
struct RequestIds {
    prefix: std::sync::Arc<str>,
    next: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> RequestIds {
        let started = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |since| since.as_millis());
        RequestIds { prefix: format!("{started:x}").into(), next: std::sync::Arc::default() }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let number = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{number}", self.prefix)).ok().map(RequestId::new)
    }
}

/// The tracing span of a request, with its id, so every log line of the request names it.
fn request_span<B>(request: &axum::http::Request<B>) -> tracing::Span {
    let id = request.headers().get(&REQUEST_ID).and_then(|value| value.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", id, method = %request.method(), uri = %request.uri().path())
}

/// Gives an error answer that a layer made without a body (405 from routing, 504 from the backstop
/// timeout, 413 from a body limit) the JSON error body every other error has.
async fn with_error_body(response: Response) -> Response {
    let status = response.status();
    let empty = HttpBody::size_hint(response.body()).exact() == Some(0);
    if !(status.is_client_error() || status.is_server_error()) || !empty || response.headers().contains_key(header::CONTENT_TYPE) {
        return response;
    }
    let code = match status {
        StatusCode::GATEWAY_TIMEOUT | StatusCode::REQUEST_TIMEOUT => Code::Timeout,
        StatusCode::SERVICE_UNAVAILABLE => Code::Overloaded,
        status if status.is_server_error() => Code::Internal,
        _ => Code::BadUserInput,
    };
    let message = status.canonical_reason().unwrap_or("error").to_lowercase();
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(error_body(code, &message)))
}

/// The GraphQL error shape with one error: `{"errors":[{"message", "extensions":{"code"}}]}`.
fn error_body(code: Code, message: &str) -> String {
    serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] }).to_string()
}

/// A JSON error body in the GraphQL error shape, with the code's status.
pub(crate) fn error_response(code: Code, message: &str) -> Response {
    json_error(code.http_status(), "application/json", code, message)
}

/// A JSON error body in the GraphQL error shape, with `status` and `content_type` (the negotiated GraphQL
/// media type, or `application/json`).
pub(crate) fn json_error(status: StatusCode, content_type: &'static str, code: Code, message: &str) -> Response {
    (status, [(header::CONTENT_TYPE, content_type)], error_body(code, message)).into_response()
}

async fn not_found() -> Response {
    error_response(Code::NotFound, "no such endpoint; the API is at /graphql, the IDE at /graphiql")
}
