//! Writing a compiled plan's answer: JSON straight from the rows of a walk (borrowed from the in-memory
//! topology, or from names or records read by id), in query order, each value formatted as
//! async-graphql's response serialisation (serde_json) formats it.

use async_graphql::resolver_utils::enum_value;
use async_graphql::{Name, ScalarType};
use async_graphql_value::ConstValue;
use partnergraph_schema::text::NodeNames;
use partnergraph_schema::{EdgeLink, GeoPoint, NodeRecord, Source};

use crate::gql::compiled::compile::{EdgeColumn, EdgeColumns, NodeColumn, NodeEntry, SubColumn, SubgraphField};
use crate::gql::nodes::degree_number;
use crate::gql::scalars::{Date, EdgeType, IatiRole, NodeKind, Role};
use crate::gql::types::paragraph_number;
use crate::store::RankedLink;

/// What the answer shows of one node.
pub(super) struct NodeRow<'a> {
    id: &'a str,
    kind: partnergraph_schema::NodeKind,
    names: Option<&'a NodeNames>,
    degree: u64,
    /// The whole record and its position, when the plan asks for fields only a record gives.
    record: Option<(&'a NodeRecord, Option<GeoPoint>)>,
}

impl<'a> NodeRow<'a> {
    /// The row of the node `id` (`None` when the id has no kind prefix: never for a stored id).
    pub(super) fn new(id: &'a str, names: Option<&'a NodeNames>, degree: u64) -> Option<NodeRow<'a>> {
        let kind = partnergraph_schema::NodeKind::of_id(id)?;
        Some(NodeRow { id, kind, names, degree, record: None })
    }

    /// The row of a node read whole, with its names taken from `names` and its `position`.
    pub(super) fn of_record(record: &'a NodeRecord, names: Option<&'a NodeNames>, degree: u64, position: Option<GeoPoint>) -> NodeRow<'a> {
        NodeRow { id: record.id.as_str(), kind: record.kind, names, degree, record: Some((record, position)) }
    }
}

/// The names of a record, as the topology keeps them.
pub(super) fn names_of(record: &NodeRecord) -> NodeNames {
    NodeNames { name: record.name.clone(), acronym: record.acronym.clone(), aliases: record.aliases.clone() }
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

/// A subgraph's object; `edge_sources[i]` are the sources of `edges[i]` (empty when not asked).
pub(super) fn subgraph(
    out: &mut Vec<u8>,
    fields: &[SubgraphField],
    nodes: &[NodeRow<'_>],
    edges: &[RankedLink<'_>],
    edge_sources: &[Vec<Source>],
    truncated: bool,
) {
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
                    write_edge(out, columns, edge, edge_sources.get(index).map_or(&[], Vec::as_slice));
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
            NodeColumn::Description => match node.record.and_then(|(record, _)| record.description.as_deref()) {
                Some(description) => text(out, description),
                None => json(out, &ConstValue::Null),
            },
            NodeColumn::Start => {
                json(out, &node.record.and_then(|(record, _)| record.start).map_or(ConstValue::Null, |date| Date(date).to_value()))
            }
            NodeColumn::End => {
                json(out, &node.record.and_then(|(record, _)| record.end).map_or(ConstValue::Null, |date| Date(date).to_value()))
            }
            NodeColumn::Location => match node.record.and_then(|(_, position)| position) {
                Some(point) => write_point(out, &entry.sub, point),
                None => json(out, &ConstValue::Null),
            },
            NodeColumn::Sources => write_sources(out, &entry.sub, node.record.map_or(&[], |(record, _)| record.sources.as_slice())),
        }
    }
    if written == 0 {
        out.extend_from_slice(b"null");
    } else {
        out.push(b'}');
    }
}

/// A `GeoPoint`'s object.
fn write_point(out: &mut Vec<u8>, fields: &[(Name, SubColumn)], point: GeoPoint) {
    out.push(b'{');
    for (at, (name, column)) in fields.iter().enumerate() {
        comma(out, at);
        key(out, name);
        let value = match column {
            SubColumn::Lat => point.lat.to_value(),
            SubColumn::Lon => point.lon.to_value(),
            // Not fields of a `GeoPoint`: the plan never asks them of one.
            SubColumn::Document | SubColumn::Paragraph | SubColumn::Quote => ConstValue::Null,
        };
        json(out, &value);
    }
    out.push(b'}');
}

/// A list of `Source` objects.
fn write_sources(out: &mut Vec<u8>, fields: &[(Name, SubColumn)], sources: &[Source]) {
    out.push(b'[');
    for (index, source) in sources.iter().enumerate() {
        comma(out, index);
        out.push(b'{');
        for (at, (name, column)) in fields.iter().enumerate() {
            comma(out, at);
            key(out, name);
            match column {
                SubColumn::Document => text(out, &source.document),
                SubColumn::Paragraph => json(out, &paragraph_number(source).map_or(ConstValue::Null, |paragraph| paragraph.to_value())),
                SubColumn::Quote => match source.quote.as_deref() {
                    Some(quote) => text(out, quote),
                    None => json(out, &ConstValue::Null),
                },
                // Not fields of a `Source`: the plan never asks them of one.
                SubColumn::Lat | SubColumn::Lon => json(out, &ConstValue::Null),
            }
        }
        out.push(b'}');
    }
    out.push(b']');
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

fn write_edge(out: &mut Vec<u8>, edges: &EdgeColumns, edge: &RankedLink<'_>, sources: &[Source]) {
    if edges.columns.is_empty() {
        out.extend_from_slice(b"null");
        return;
    }
    out.push(b'{');
    for (at, (name, column)) in edges.columns.iter().enumerate() {
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
            EdgeColumn::Sources => {
                write_sources(out, &edges.source_fields, sources);
                continue;
            }
        };
        json(out, &value);
    }
    out.push(b'}');
}
