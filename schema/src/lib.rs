//! Domain types of partnergraph, shared by the API server, the importers and the wasm widgets.
//!
//! This crate owns the vocabulary of the graph and nothing else: ids ([`NodeId`], [`EdgeId`]), the closed
//! enums ([`NodeKind`], [`EdgeType`], [`Role`], [`IatiRole`], …) with the OECD↔IATI [`crosswalk`], partial
//! ISO 8601 dates ([`PartialDate`]), the wire records of the dataset format ([`wire`]), the validation of
//! a dataset ([`dataset`]), search-term folding ([`text`]) and the seed dataset ([`seed`]).
//!
//! Architecture invariant: no I/O, no async, no server dependency. The crate compiles to
//! `wasm32-unknown-unknown`, which CI checks.

pub mod claims;
pub mod crosswalk;
pub mod dataset;
pub mod date;
pub mod hash;
pub mod ids;
pub mod kinds;
pub mod seed;
pub mod text;
pub mod wire;

pub use date::PartialDate;
pub use ids::{EdgeId, IdError, NodeId};
pub use kinds::{
    ActivityStatus, AgencyType, AgreementType, AmountKind, EdgeType, EventType, IatiRole, NetworkType, NodeKind, Role, Support,
};
pub use wire::{Amount, Claim, EdgeLink, EdgeRecord, GeoPoint, Identifier, NodeRecord, Precedence, Recipient, Source, Translation};
