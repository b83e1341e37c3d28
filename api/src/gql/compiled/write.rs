//! Writing a compiled plan's answer: JSON straight from the rows of a walk (borrowed from the in-memory
//! topology, or from names read by id), in query order, each value formatted as async-graphql's response
//! serialisation (serde_json) formats it.

use async_graphql::resolver_utils::enum_value;
use async_graphql::{Name, ScalarType};
use async_graphql_value::ConstValue;
use partnergraph_schema::EdgeLink;
use partnergraph_schema::text::NodeNames;

use crate::gql::compiled::compile::{EdgeColumn, NodeColumn, NodeEntry, SubgraphField};
use crate::gql::nodes::degree_number;
use crate::gql::scalars::{Date, EdgeType, IatiRole, NodeKind, Role};
use crate::store::RankedLink;

/// What the answer shows of one node.
pub(super) struct NodeRow<'a> {
    id: &'a str,
    kind: partnergraph_schema::NodeKind,
    names: Option<&'a NodeNames>,
    degree: u64,
}

impl<'a> NodeRow<'a> {
    /// The row of the node `id` (`None` when the id has no kind prefix: never for a stored id).
    pub(super) fn new(id: &'a str, names: Option<&'a NodeNames>, degree: u64) -> Option<NodeRow<'a>> {
        let kind = partnergraph_schema::NodeKind::from_id_prefix(id.split_once(':')?.0)?;
        Some(NodeRow { id, kind, names, degree })
    }
}

/// An edge read by id, as the rows of a ranked walk show edges.
pub(super) fn link_row(edge: &EdgeLink) -> RankedLink<'_> {
    RankedLink {
        id: edge.id.as_str(),
        source: edge.source.as_str(),
        target: edge.target.as_str(),
        edge_type: edge.edge_type,
        role: edge.role,
        iati_role: edge.iati_role,
        from: edge.from,
        to: edge.to,
        amount_usd: edge.amount_usd,
    }
}

pub(super) fn comma(out: &mut Vec<u8>, at: usize) {
    if at > 0 {
        out.push(b',');
    }
}

/// `"key":`.
pub(super) fn key(out: &mut Vec<u8>, key: &Name) {
    text(out, key.as_str());
    out.push(b':');
}

/// A string, escaped as async-graphql's response serialisation (serde_json) escapes it.
fn text(out: &mut Vec<u8>, value: &str) {
    // Writing into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
}

/// A value as async-graphql's response serialisation writes it.
fn json(out: &mut Vec<u8>, value: &ConstValue) {
    // Serialising a `ConstValue` into a `Vec` cannot fail: no map keys other than strings, no I/O.
    let _ = serde_json::to_writer(&mut *out, value);
}

pub(super) fn subgraph(out: &mut Vec<u8>, fields: &[SubgraphField], nodes: &[NodeRow<'_>], edges: &[RankedLink<'_>], truncated: bool) {
    out.push(b'{');
    for (at, field) in fields.iter().enumerate() {
        comma(out, at);
        match field {
            SubgraphField::Typename(name) => {
                key(out, name);
                text(out, "Subgraph");
            }
            SubgraphField::Truncated(name) => {
                key(out, name);
                json(out, &ConstValue::Boolean(truncated));
            }
            SubgraphField::Nodes(name, entries) => {
                key(out, name);
                out.push(b'[');
                for (index, node) in nodes.iter().enumerate() {
                    comma(out, index);
                    write_node(out, entries, node);
                }
                out.push(b']');
            }
            SubgraphField::Edges(name, columns) => {
                key(out, name);
                out.push(b'[');
                for (index, edge) in edges.iter().enumerate() {
                    comma(out, index);
                    write_edge(out, columns, edge);
                }
                out.push(b']');
            }
        }
    }
    out.push(b'}');
}

/// One node's object (`null` when no field applies to its kind, as async-graphql answers an empty
/// object).
fn write_node(out: &mut Vec<u8>, entries: &[NodeEntry], node: &NodeRow<'_>) {
    let kind = node.kind;
    let applying = entries.iter().filter(|entry| entry.only.is_none_or(|only| only == kind));
    let mut written = 0;
    for entry in applying {
        out.push(if written == 0 { b'{' } else { b',' });
        written += 1;
        key(out, &entry.key);
        match entry.column {
            NodeColumn::Typename => text(out, type_name(kind)),
            NodeColumn::Id => text(out, node.id),
            NodeColumn::Kind => json(out, &enum_value(NodeKind::from(kind))),
            NodeColumn::Name => match node.names {
                Some(names) => text(out, &names.name),
                None => json(out, &ConstValue::Null),
            },
            NodeColumn::Acronym => match node.names.and_then(|names| names.acronym.as_deref()) {
                Some(acronym) => text(out, acronym),
                None => json(out, &ConstValue::Null),
            },
            NodeColumn::Aliases => {
                let aliases = node.names.map(|names| names.aliases.as_slice()).unwrap_or_default();
                json(out, &ConstValue::List(aliases.iter().cloned().map(ConstValue::String).collect()));
            }
            NodeColumn::Degree => json(out, &degree_number(node.degree).to_value()),
        }
    }
    if written == 0 {
        out.extend_from_slice(b"null");
    } else {
        out.push(b'}');
    }
}

/// The GraphQL object a node of `kind` resolves as.
fn type_name(kind: partnergraph_schema::NodeKind) -> &'static str {
    use partnergraph_schema::NodeKind as Kind;
    match kind {
        Kind::Agency => "Agency",
        Kind::Country => "Country",
        Kind::City => "City",
        Kind::Network => "Network",
        Kind::Agreement => "Agreement",
        Kind::Event => "Event",
        Kind::Need => "Need",
        Kind::Offer => "Offer",
    }
}

fn write_edge(out: &mut Vec<u8>, columns: &[(Name, EdgeColumn)], edge: &RankedLink<'_>) {
    if columns.is_empty() {
        out.extend_from_slice(b"null");
        return;
    }
    out.push(b'{');
    for (at, (name, column)) in columns.iter().enumerate() {
        comma(out, at);
        key(out, name);
        let value = match column {
            EdgeColumn::Typename => {
                text(out, "Edge");
                continue;
            }
            EdgeColumn::Id => {
                text(out, edge.id);
                continue;
            }
            EdgeColumn::Type => enum_value(EdgeType::from(edge.edge_type)),
            EdgeColumn::Source => {
                text(out, edge.source);
                continue;
            }
            EdgeColumn::Target => {
                text(out, edge.target);
                continue;
            }
            EdgeColumn::Role => edge.role.map_or(ConstValue::Null, |role| enum_value(Role::from(role))),
            EdgeColumn::IatiRole => edge.iati_role.map_or(ConstValue::Null, |role| enum_value(IatiRole::from(role))),
            EdgeColumn::From => edge.from.map_or(ConstValue::Null, |date| Date(date).to_value()),
            EdgeColumn::To => edge.to.map_or(ConstValue::Null, |date| Date(date).to_value()),
            EdgeColumn::AmountUsd => edge.amount_usd.map_or(ConstValue::Null, |amount| amount.to_value()),
        };
        json(out, &value);
    }
    out.push(b'}');
}
