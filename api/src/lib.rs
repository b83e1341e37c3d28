//! The partnergraph service: stores, graph algorithms, GraphQL, HTTP and the command line.
//!
//! Data flows one way: `cli`/`http` → `gql` → `graph` → `store`; `io` (import/export) sits beside `gql`
//! and talks to the store through the same trait. See ARCHITECTURE.md for the map.

pub mod cli;
pub mod countries;
pub mod error;
pub mod feed;
pub mod gql;
pub mod graph;
pub mod http;
pub mod io;
pub mod limits;
pub mod logging;
pub mod metrics;
pub mod store;
pub mod tokens;
