//! Embeddable partnergraph widgets: the network map and the triangular explorer (Yew, compiled to wasm).
//!
//! Placeholder until the widgets issue lands: the crate exists so the workspace layout and the wasm
//! build of `partnergraph-schema` are checked from the start. Widgets will talk to the API only through
//! GraphQL and share their domain types with `partnergraph-schema`.

/// The GraphQL contract version this crate is written against.
pub const CONTRACT: &str = "partnergraph GraphQL contract (design.md)";
