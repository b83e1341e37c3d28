//! End-to-end tests of the `partnergraph` binary: real processes, real HTTP on free ports, real files.

mod attacks;
mod backup;
mod bolt;
mod bolt_migrate;
mod cache;
mod cli;
mod curation;
mod durability;
mod edges;
mod exports;
mod files;
mod http;
mod iati;
mod persisted;
mod server;
mod smoke;
mod snapshot;
