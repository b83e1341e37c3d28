//! Building the executable schema with its limits, and printing the published SDL.

use async_graphql::dataloader::DataLoader;
use async_graphql::{MergedObject, Request, Schema};

use crate::gql::curation::MutationRoot;
use crate::gql::lists::ListQuery;
use crate::gql::loaders::{DegreeLoader, VersionLoader};
use crate::gql::matching::MatchingQueryRoot;
use crate::gql::query::QueryRoot;
use crate::gql::statistics::StatisticsQueryRoot;
use crate::gql::subscriptions::SubscriptionRoot;
use crate::graph::Graph;

/// The root query type: lookups, graph questions, listings, statistics and matching.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct Query(QueryRoot, ListQuery, StatisticsQueryRoot, MatchingQueryRoot);

/// The executable schema: queries, mutations for holders of an API token, and subscriptions over
/// WebSocket.
pub type ApiSchema = Schema<Query, MutationRoot, SubscriptionRoot>;

/// Query-shape limits, checked before execution.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest selection nesting (GraphiQL's introspection query needs 13).
    pub depth: usize,
    /// Most fields in one query (introspection counts too).
    pub complexity: usize,
    /// Deepest recursion of the parser (nested lists and objects in arguments).
    pub recursive_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { depth: 15, complexity: 2_000, recursive_depth: 32 }
    }
}

/// The schema, with `limits`. It holds no graph: each request carries its own ([`on_graph`]). It registers
/// no extensions: node and edge lists are answered without per-field hooks (`plain.rs`).
pub fn build_schema(limits: Limits) -> ApiSchema {
    Schema::build(Query::default(), MutationRoot, SubscriptionRoot)
        .limit_depth(limits.depth)
        .limit_complexity(limits.complexity)
        .limit_recursive_depth(limits.recursive_depth)
        .finish()
}

/// `request`, to be answered from `graph` (one snapshot): the resolvers and the degree loader read it.
pub fn on_graph(request: Request, graph: Graph) -> Request {
    request
        .data(DataLoader::new(DegreeLoader(graph.clone()), tokio::spawn))
        .data(DataLoader::new(VersionLoader(graph.clone()), tokio::spawn))
        .data(graph)
}

/// The published SDL (`partnergraph schema`, `schema/schema.graphql`).
pub fn sdl() -> String {
    Schema::build(Query::default(), MutationRoot, SubscriptionRoot).finish().sdl()
}
