//! End-to-end tests of the `partnergraph` binary: real processes, real HTTP on free ports, real files.

mod bolt;
mod cache;
mod cli;
mod durability;
mod http;
mod iati;
mod server;
mod smoke;
