//! The serve command's limits: one flag (and environment variable) each, with the defaults README's
//! "Limits" section lists, turned into the configurations of the layers that enforce them.

use std::num::NonZeroU32;
use std::time::Duration;

use clap::Args;

use crate::gql::ShapeLimits;
use crate::http::{ConnectionLimits, HttpConfig, LiveLimits, QueryConfig, WriteLimits};

/// Bounds on what one client or request may take.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Seconds a GraphQL request may run; its reads stop when they pass.
    #[arg(long, env = "PARTNERGRAPH_REQUEST_TIMEOUT", default_value_t = 10)]
    pub request_timeout: u64,
    /// Work units one query may ask for (lists count once per item), checked before it runs.
    #[arg(long, env = "PARTNERGRAPH_MAX_QUERY_COST", default_value_t = ShapeLimits::default().max_cost)]
    pub max_query_cost: u64,
    /// Field selections one query may make, fragments expanded.
    #[arg(long, env = "PARTNERGRAPH_MAX_QUERY_FIELDS", default_value_t = ShapeLimits::default().max_fields)]
    pub max_query_fields: u64,
    /// GraphQL requests executing at once; more wait until their deadline, then answer OVERLOADED.
    #[arg(long, env = "PARTNERGRAPH_MAX_CONCURRENT_QUERIES", default_value_t = QueryConfig::default().max_concurrent)]
    pub max_concurrent_queries: usize,
    /// Largest GraphQL answer, in MiB.
    #[arg(long, env = "PARTNERGRAPH_MAX_ANSWER_MIB", default_value_t = QueryConfig::default().max_answer_bytes >> 20)]
    pub max_answer_mib: usize,
    /// Open connections at once; more are answered 503.
    #[arg(long, env = "PARTNERGRAPH_MAX_CONNECTIONS", default_value_t = ConnectionLimits::default().max_connections)]
    pub max_connections: usize,
    /// Open connections at once from one IP address (0: no such bound, e.g. behind a reverse proxy).
    #[arg(long, env = "PARTNERGRAPH_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = ConnectionLimits::default().max_per_address)]
    pub max_connections_per_address: usize,
    /// Seconds a client may take to send a request's headers (and a kept-alive connection may stay idle).
    #[arg(long, env = "PARTNERGRAPH_HEADER_TIMEOUT", default_value_t = ConnectionLimits::default().header_read_timeout.as_secs())]
    pub header_timeout: u64,
    /// Seconds a client may take to send a request's body.
    #[arg(long, env = "PARTNERGRAPH_BODY_TIMEOUT", default_value_t = HttpConfig::default().body_read_timeout.as_secs())]
    pub body_timeout: u64,
    /// Mutations per minute from one address, and from one API token; more answer 429 RATE_LIMITED.
    #[arg(long, env = "PARTNERGRAPH_WRITES_PER_MINUTE", default_value_t = WriteLimits::default().per_minute)]
    pub writes_per_minute: NonZeroU32,
    /// WebSocket connections for subscriptions open at once; more are answered 503.
    #[arg(long, env = "PARTNERGRAPH_MAX_LIVE_CONNECTIONS", default_value_t = LiveLimits::default().max_sockets)]
    pub max_live_connections: usize,
    /// Subscriptions one WebSocket connection may hold at once.
    #[arg(long, env = "PARTNERGRAPH_MAX_SUBSCRIPTIONS_PER_CONNECTION", default_value_t = LiveLimits::default().subscriptions_per_socket)]
    pub max_subscriptions_per_connection: usize,
    /// Mutations one address or token may make at once before the per-minute rate applies.
    #[arg(long, env = "PARTNERGRAPH_WRITE_BURST", default_value_t = WriteLimits::default().burst)]
    pub write_burst: NonZeroU32,
}

impl LimitArgs {
    /// The HTTP layer's limits.
    pub fn http(&self) -> HttpConfig {
        HttpConfig {
            request_timeout: seconds(self.request_timeout),
            body_read_timeout: seconds(self.body_timeout),
            shape: ShapeLimits { max_fields: self.max_query_fields, max_cost: self.max_query_cost },
            ..HttpConfig::default()
        }
    }

    /// How queries run; `blocking_threads` for the store's reads.
    pub fn queries(&self, blocking_threads: usize) -> QueryConfig {
        QueryConfig {
            blocking_threads,
            max_concurrent: self.max_concurrent_queries.max(1),
            max_answer_bytes: self.max_answer_mib.max(1) << 20,
            ..QueryConfig::default()
        }
    }

    /// The write limits.
    pub fn writes(&self) -> WriteLimits {
        WriteLimits { per_minute: self.writes_per_minute, burst: self.write_burst }
    }

    /// The bounds on live updates.
    pub fn live(&self) -> LiveLimits {
        LiveLimits {
            max_sockets: self.max_live_connections.max(1),
            subscriptions_per_socket: self.max_subscriptions_per_connection.max(1),
            ..LiveLimits::default()
        }
    }

    /// The connection limits.
    pub fn connections(&self) -> ConnectionLimits {
        ConnectionLimits {
            max_connections: self.max_connections.max(1),
            max_per_address: self.max_connections_per_address,
            header_read_timeout: seconds(self.header_timeout),
            ..ConnectionLimits::default()
        }
    }
}

/// At least a second.
fn seconds(value: u64) -> Duration {
    Duration::from_secs(value.max(1))
}
