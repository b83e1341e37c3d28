//! Compiled queries: the questions a map asks most, answered without the general executor.
//!
//! A request's operation is compiled once (cached by its text and operation name, [`Plans`]) into a
//! [`Plan`] (`compile.rs`) when it is one this module answers exactly as async-graphql would; executing
//! the plan walks the graph on the request's snapshot, reads only the fields asked (a node's names and
//! degree from the embedded store's in-memory topology, no record), and writes the JSON response
//! directly, in query order. Anything the plan does not cover — other root fields, fields that need
//! records, arguments it cannot bind, a graph error — returns `None`, and the general executor answers
//! (with its errors). The query runner's tests (`http/queries.rs`) check, query by query, that both give
//! the same bytes.

mod compile;

use std::sync::Arc;

use async_graphql::Variables;
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::resolver_utils::enum_value;
use async_graphql::{Name, ScalarType};
use async_graphql_value::ConstValue;
use partnergraph_schema::{EdgeLink, NodeId, PartialDate};
use quick_cache::sync::Cache;

pub use compile::Plan;

use crate::gql::nodes::degree_number;
use crate::gql::scalars::{Date, EdgeDirection, EdgeType, IatiRole, NodeKind, Role};
use crate::graph::{Graph, Named, NeighborhoodQuery, Subgraph};

use compile::{Arg, ArgName, EdgeColumn, NodeColumn, NodeEntry, SubgraphField};

/// Operations kept compiled (or known not to compile).
const PLANS_KEPT: usize = 1024;

/// Compiled plans by query text and operation name; `None` for operations the general executor answers.
pub struct Plans {
    plans: Cache<(String, Option<String>), Option<Arc<Plan>>>,
}

impl Default for Plans {
    fn default() -> Plans {
        Plans { plans: Cache::new(PLANS_KEPT) }
    }
}

impl std::fmt::Debug for Plans {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plans").field("kept", &self.plans.len()).finish()
    }
}

impl Plans {
    /// The plan for this operation, compiled now if it was not yet.
    pub fn get(&self, query: &str, operation_name: Option<&str>, document: &ExecutableDocument) -> Option<Arc<Plan>> {
        let key = (query.to_owned(), operation_name.map(str::to_owned));
        if let Some(kept) = self.plans.get(&key) {
            return kept;
        }
        let made = Plan::compile(document, operation_name).map(Arc::new);
        self.plans.insert(key, made.clone());
        made
    }
}

impl Plan {
    /// The response to this plan with `variables`, read from `graph`; `None` when the general executor
    /// must answer (an argument it cannot bind, a graph error).
    pub async fn execute(&self, variables: &Variables, graph: &Graph) -> Option<Vec<u8>> {
        let mut answers = Vec::with_capacity(self.roots.len());
        for root in &self.roots {
            let (center, query) = bind(&root.args, variables)?;
            let subgraph: Subgraph<Named> = graph.neighborhood_of(&center, &query).await.ok()?;
            let degrees = if self.needs_degrees() {
                let ids: Vec<NodeId> = subgraph.nodes.iter().map(|node| node.id.clone()).collect();
                Some(graph.degrees(&ids).await.ok()?)
            } else {
                None
            };
            answers.push((subgraph, degrees));
        }
        let mut out = Vec::with_capacity(16 * 1024);
        out.extend_from_slice(b"{\"data\":{");
        for (at, (root, (subgraph, degrees))) in self.roots.iter().zip(&answers).enumerate() {
            comma(&mut out, at);
            key(&mut out, &root.key);
            write_subgraph(&mut out, &root.fields, subgraph, degrees.as_deref());
        }
        out.extend_from_slice(b"}}");
        Some(out)
    }
}

/// The centre and the question, from the arguments; `None` when one cannot be bound exactly as
/// async-graphql would (the general executor then answers, with its error if it is one).
fn bind(args: &[(ArgName, Arg)], variables: &Variables) -> Option<(NodeId, NeighborhoodQuery)> {
    let mut center = None;
    let mut query = NeighborhoodQuery { depth: 1, limit: 500, ..NeighborhoodQuery::default() };
    for (name, arg) in args {
        let (value, literal) = match arg {
            Arg::Literal(value) => (value, true),
            Arg::Variable(variable) => match variables.get(variable) {
                Some(value) => (value, false),
                None => continue,
            },
        };
        if *value == ConstValue::Null {
            match name {
                ArgName::Id | ArgName::Direction => return None,
                _ => continue,
            }
        }
        match name {
            ArgName::Id => center = Some(NodeId::parse(string(value)?.to_owned()).ok()?),
            ArgName::Depth => query.depth = int(value)?,
            ArgName::Limit => query.limit = int(value)?,
            ArgName::Kinds => query.kinds = list(value, |item| Some(enum_item::<NodeKind>(item, literal)?.into()))?,
            ArgName::EdgeTypes => query.edge_types = list(value, |item| Some(enum_item::<EdgeType>(item, literal)?.into()))?,
            ArgName::AsOf => query.as_of = Some(string(value)?.parse::<PartialDate>().ok()?),
            ArgName::Direction => query.direction = enum_item::<EdgeDirection>(value, literal)?.into(),
        }
    }
    Some((center?, query))
}

fn string(value: &ConstValue) -> Option<&str> {
    match value {
        ConstValue::String(text) => Some(text),
        _ => None,
    }
}

fn int(value: &ConstValue) -> Option<i64> {
    match value {
        ConstValue::Number(number) => number.as_i64().filter(|int| i32::try_from(*int).is_ok()),
        _ => None,
    }
}

/// An enum value: an enum literal in the document, a string in the variables.
fn enum_item<T: async_graphql::InputType>(value: &ConstValue, literal: bool) -> Option<T> {
    let name = match value {
        ConstValue::Enum(name) if literal => name.as_str(),
        ConstValue::String(text) if !literal => text.as_str(),
        _ => return None,
    };
    T::parse(Some(ConstValue::Enum(Name::new(name)))).ok()
}

fn list<T>(value: &ConstValue, item: impl Fn(&ConstValue) -> Option<T>) -> Option<Vec<T>> {
    match value {
        ConstValue::List(items) => items.iter().map(item).collect(),
        _ => None,
    }
}

fn comma(out: &mut Vec<u8>, at: usize) {
    if at > 0 {
        out.push(b',');
    }
}

/// `"key":`.
fn key(out: &mut Vec<u8>, key: &Name) {
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

fn write_subgraph(out: &mut Vec<u8>, fields: &[SubgraphField], subgraph: &Subgraph<Named>, degrees: Option<&[u64]>) {
    out.push(b'{');
    for (at, field) in fields.iter().enumerate() {
        comma(out, at);
        match field {
            SubgraphField::Typename(name) => {
                key(out, name);
                json(out, &ConstValue::String("Subgraph".to_owned()));
            }
            SubgraphField::Truncated(name) => {
                key(out, name);
                json(out, &ConstValue::Boolean(subgraph.truncated));
            }
            SubgraphField::Nodes(name, entries) => {
                key(out, name);
                out.push(b'[');
                for (index, node) in subgraph.nodes.iter().enumerate() {
                    comma(out, index);
                    write_node(out, entries, node, degrees.and_then(|degrees| degrees.get(index)).copied());
                }
                out.push(b']');
            }
            SubgraphField::Edges(name, columns) => {
                key(out, name);
                out.push(b'[');
                for (index, edge) in subgraph.edges.iter().enumerate() {
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
fn write_node(out: &mut Vec<u8>, entries: &[NodeEntry], node: &Named, degree: Option<u64>) {
    let kind = node.id.kind();
    let applying = entries.iter().filter(|entry| entry.only.is_none_or(|only| only == kind));
    let mut written = 0;
    for entry in applying {
        out.push(if written == 0 { b'{' } else { b',' });
        written += 1;
        key(out, &entry.key);
        match entry.column {
            NodeColumn::Typename => text(out, type_name(kind)),
            NodeColumn::Id => text(out, node.id.as_str()),
            NodeColumn::Kind => json(out, &enum_value(NodeKind::from(kind))),
            NodeColumn::Name => text(out, &node.names.name),
            NodeColumn::Acronym => match &node.names.acronym {
                Some(acronym) => text(out, acronym),
                None => json(out, &ConstValue::Null),
            },
            NodeColumn::Aliases => json(out, &ConstValue::List(node.names.aliases.iter().cloned().map(ConstValue::String).collect())),
            NodeColumn::Degree => json(out, &degree_number(degree.unwrap_or_default()).to_value()),
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
    }
}

fn write_edge(out: &mut Vec<u8>, columns: &[(Name, EdgeColumn)], edge: &EdgeLink) {
    if columns.is_empty() {
        out.extend_from_slice(b"null");
        return;
    }
    out.push(b'{');
    for (at, (name, column)) in columns.iter().enumerate() {
        comma(out, at);
        key(out, name);
        let value = match column {
            EdgeColumn::Typename => ConstValue::String("Edge".to_owned()),
            EdgeColumn::Id => {
                text(out, edge.id.as_str());
                continue;
            }
            EdgeColumn::Type => enum_value(EdgeType::from(edge.edge_type)),
            EdgeColumn::Source => {
                text(out, edge.source.as_str());
                continue;
            }
            EdgeColumn::Target => {
                text(out, edge.target.as_str());
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
