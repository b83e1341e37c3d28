//! The server's metrics, served at `/metrics` in the OpenMetrics text format (which Prometheus reads):
//! GraphQL requests by operation and outcome with their latency, HTTP requests by route and status,
//! response-cache hits, connections open and refused, store reads, and the store's data version (which
//! every import that commits changes).
//!
//! One registry for the process, reached through [`metrics`], so the layers that count (the connection
//! loop, the GraphQL handler, the stores) need no handle passed down. Labels are closed sets: operations
//! are the schema's root field names (anything else is `other`), routes the router's patterns.

use std::sync::LazyLock;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Labels of a GraphQL request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct GraphqlLabels {
    /// The first root field of the operation (`neighborhood`, `search`, …) or `other`.
    pub operation: String,
    /// `ok`, `errors`, `cached`, `invalid`, `too_complex`, `too_large`, `timeout`, `overloaded`, `internal`.
    pub outcome: &'static str,
}

/// Labels of a GraphQL latency.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct OperationLabels {
    /// As in [`GraphqlLabels`].
    pub operation: String,
}

/// Labels of an HTTP request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct HttpLabels {
    /// The route's pattern (`/graphql`, `/widgets/{file}`) or `unmatched`.
    pub route: String,
    /// The status code.
    pub status: u16,
}

/// Labels of a store read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct StoreLabels {
    /// `embedded` or `bolt`.
    pub backend: &'static str,
}

/// Every metric of the process.
pub struct Metrics {
    registry: Registry,
    /// GraphQL requests answered.
    pub graphql_requests: Family<GraphqlLabels, Counter>,
    /// Seconds from a GraphQL request's arrival to its answer.
    pub graphql_seconds: Family<OperationLabels, Histogram>,
    /// HTTP requests answered.
    pub http_requests: Family<HttpLabels, Counter>,
    /// Connections open now.
    pub connections_open: Gauge,
    /// Connections refused for want of a slot.
    pub connections_refused: Counter,
    /// Reads made of the store.
    pub store_reads: Family<StoreLabels, Counter>,
    /// The store's data version when last scraped (changes with every committed import).
    pub data_version: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// Latency buckets, in seconds: half a millisecond to ten seconds.
const SECONDS: [f64; 14] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("partnergraph");
    let graphql_requests = Family::<GraphqlLabels, Counter>::default();
    registry.register("graphql_requests", "GraphQL requests answered, by operation and outcome", graphql_requests.clone());
    let graphql_seconds = Family::<OperationLabels, Histogram>::new_with_constructor(|| Histogram::new(SECONDS));
    registry.register("graphql_request_duration_seconds", "Seconds to answer a GraphQL request", graphql_seconds.clone());
    let http_requests = Family::<HttpLabels, Counter>::default();
    registry.register("http_requests", "HTTP requests answered, by route and status", http_requests.clone());
    let connections_open = Gauge::default();
    registry.register("connections_open", "Connections open now", connections_open.clone());
    let connections_refused = Counter::default();
    registry.register("connections_refused", "Connections refused for want of a slot (503)", connections_refused.clone());
    let store_reads = Family::<StoreLabels, Counter>::default();
    registry.register("store_reads", "Reads made of the store", store_reads.clone());
    let data_version = Gauge::default();
    registry.register(
        "data_version",
        "The store's data version at the last scrape; it changes with every committed write",
        data_version.clone(),
    );
    Metrics { registry, graphql_requests, graphql_seconds, http_requests, connections_open, connections_refused, store_reads, data_version }
});

/// The process's metrics.
pub fn metrics() -> &'static Metrics {
    &METRICS
}

impl Metrics {
    /// Counts one read of `backend`.
    pub fn store_read(&self, backend: &'static str) {
        self.store_reads.get_or_create(&StoreLabels { backend }).inc();
    }

    /// The OpenMetrics text of every metric.
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_appear_in_the_text() {
        let metrics = metrics();
        metrics.graphql_requests.get_or_create(&GraphqlLabels { operation: "search".into(), outcome: "ok" }).inc();
        metrics.store_read("embedded");
        let text = metrics.render();
        assert!(text.contains(r#"partnergraph_graphql_requests_total{operation="search",outcome="ok"}"#), "{text}");
        assert!(text.contains(r#"partnergraph_store_reads_total{backend="embedded"}"#), "{text}");
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
