//! The integration suite of partnergraph, one binary with a module per area.

mod backends;
mod conformance;
mod curation;
mod facts;
mod graphql;
mod iati;
mod matching;
mod ranked;
mod seed;
mod sources;
mod statistics;
mod tidy;
