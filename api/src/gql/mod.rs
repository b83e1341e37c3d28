//! The GraphQL layer: schema, types and resolvers (async-graphql), over `crate::graph` only.
//!
//! Resolvers are thin: they parse arguments, call one graph method and wrap the records in view types.
//! Errors leave through `crate::error` with an `extensions.code`.

mod changes;
mod compiled;
mod cost;
mod curation;
mod inputs;
mod lists;
mod loaders;
mod matching;
mod money;
mod nodes;
mod plain;
mod query;
mod scalars;
mod schema;
mod statistics;
mod subscriptions;
mod types;

pub use compiled::{Plan, Plans};
pub use cost::{Shape, ShapeError, ShapeLimits, check as check_shape};
pub use curation::Writer;
pub use schema::{ApiSchema, Limits, build_schema, on_graph, sdl};
pub use subscriptions::{Live, Watched};
