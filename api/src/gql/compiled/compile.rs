//! From a parsed operation to a [`Plan`], or `None` when the general executor must answer it.
//!
//! A plan is made only for what it can answer exactly as async-graphql would, and only for documents
//! that async-graphql would find valid without a doubt: a query whose root fields are all
//! `neighborhood`, with known arguments given once (literals, or variables declared with the argument's
//! own type, no default, each used), and below it `nodes`, `edges`, `truncated` and `__typename`; the
//! nodes asking for what a node's names give (`id`, `kind`, `name`, `acronym`, `aliases`,
//! `__typename`), its `degree`, and from its record `description`, `location { lat lon }`,
//! `sources { document paragraph quote }` and, on agreements and events, `start` and `end` (the widget's
//! map asks for these); the edges for their own fields and their `sources` (not `sourceNode`…).
//! No directives, no named fragments, inline fragments only on `Node` or a node kind, no response key
//! twice except for one field asked in fragments on two different node kinds (`... on Agreement { start }
//! ... on Event { start }`), which no node answers twice. Anything else gives `None`, which is never
//! wrong: the general executor answers.

use async_graphql::Name;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Field, OperationDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql_value::{ConstValue, Value};
use partnergraph_schema::NodeKind;

use crate::gql::plain::{NodeField, PlainField};

/// What one request's answer is made of.
#[derive(Debug)]
pub struct Plan {
    pub(super) roots: Vec<Root>,
}

/// One `neighborhood` root field.
#[derive(Debug)]
pub(super) struct Root {
    pub(super) key: Name,
    pub(super) args: Vec<(ArgName, Arg)>,
    pub(super) fields: Vec<SubgraphField>,
}

/// The arguments `neighborhood` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ArgName {
    Id,
    Depth,
    Kinds,
    EdgeTypes,
    AsOf,
    Limit,
    Direction,
}

impl ArgName {
    fn parse(name: &str) -> Option<ArgName> {
        Some(match name {
            "id" => ArgName::Id,
            "depth" => ArgName::Depth,
            "kinds" => ArgName::Kinds,
            "edgeTypes" => ArgName::EdgeTypes,
            "asOf" => ArgName::AsOf,
            "limit" => ArgName::Limit,
            "direction" => ArgName::Direction,
            _ => return None,
        })
    }

    /// The types a variable may be declared with to be passed here.
    fn variable_types(self) -> &'static [&'static str] {
        match self {
            ArgName::Id => &["ID!"],
            ArgName::Depth | ArgName::Limit => &["Int", "Int!"],
            ArgName::Kinds => &["[NodeKind!]", "[NodeKind!]!"],
            ArgName::EdgeTypes => &["[EdgeType!]", "[EdgeType!]!"],
            ArgName::AsOf => &["Date", "Date!"],
            ArgName::Direction => &["EdgeDirection!"],
        }
    }
}

/// Where an argument's value comes from.
#[derive(Debug)]
pub(super) enum Arg {
    Literal(ConstValue),
    Variable(Name),
}

/// A field of `Subgraph`.
#[derive(Debug)]
pub(super) enum SubgraphField {
    Typename(Name),
    Truncated(Name),
    Nodes(Name, Vec<NodeEntry>),
    Edges(Name, EdgeColumns),
}

/// What the edges of a subgraph show: their own fields, and the fields of their sources when asked.
#[derive(Debug)]
pub(super) struct EdgeColumns {
    pub(super) columns: Vec<(Name, EdgeColumn)>,
    /// The fields asked of each source, when `sources` is among the columns.
    pub(super) source_fields: Vec<(Name, SubColumn)>,
}

/// A node field, and the node kind it is asked on (`None`: every node).
#[derive(Debug)]
pub(super) struct NodeEntry {
    pub(super) key: Name,
    pub(super) only: Option<NodeKind>,
    pub(super) column: NodeColumn,
    /// The fields asked of a `location` or of each of `sources`; empty for a leaf.
    pub(super) sub: Vec<(Name, SubColumn)>,
}

/// A field of a node's `location` (a `GeoPoint`) or of a `Source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SubColumn {
    Lat,
    Lon,
    Document,
    Paragraph,
    Quote,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NodeColumn {
    Typename,
    Id,
    Kind,
    Name,
    Acronym,
    Aliases,
    Degree,
    Description,
    Start,
    End,
    Location,
    Sources,
}

impl NodeColumn {
    /// Whether the column is read from the node's record (or, for `location`, from its places).
    pub(super) fn needs_record(self) -> bool {
        matches!(self, NodeColumn::Description | NodeColumn::Start | NodeColumn::End | NodeColumn::Location | NodeColumn::Sources)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EdgeColumn {
    Typename,
    Id,
    Type,
    Source,
    Target,
    Role,
    IatiRole,
    From,
    To,
    AmountUsd,
    Sources,
}

impl Plan {
    /// The plan for the operation `operation_name` (or the only one) of `document`, if it has one.
    pub fn compile(document: &ExecutableDocument, operation_name: Option<&str>) -> Option<Plan> {
        if !document.fragments.is_empty() {
            return None;
        }
        let operation = match (&document.operations, operation_name) {
            (DocumentOperations::Single(operation), None) => &operation.node,
            (DocumentOperations::Multiple(operations), Some(name)) => &operations.get(name)?.node,
            (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => &operations.values().next()?.node,
            _ => return None,
        };
        let plan = operation_plan(operation)?;
        Some(plan)
    }

    /// Whether any node list asks for degrees.
    pub(super) fn needs_degrees(&self) -> bool {
        self.asks(|column| column == NodeColumn::Degree)
    }

    /// Whether any node list asks for names (a name, an acronym or aliases).
    pub(super) fn needs_names(&self) -> bool {
        self.asks(|column| matches!(column, NodeColumn::Name | NodeColumn::Acronym | NodeColumn::Aliases))
    }

    /// Whether any node list asks for what only whole records give ([`NodeColumn::needs_record`]), or any
    /// edge list for sources: then the walk reads records, not names from the topology.
    pub(super) fn needs_records(&self) -> bool {
        self.asks(NodeColumn::needs_record) || self.needs_edge_sources()
    }

    /// Whether any node list asks for locations.
    pub(super) fn needs_locations(&self) -> bool {
        self.asks(|column| column == NodeColumn::Location)
    }

    /// Whether any edge list asks for sources.
    pub(super) fn needs_edge_sources(&self) -> bool {
        self.roots.iter().flat_map(|root| &root.fields).any(|field| match field {
            SubgraphField::Edges(_, edges) => edges.columns.iter().any(|(_, column)| *column == EdgeColumn::Sources),
            _ => false,
        })
    }

    fn asks(&self, wanted: impl Fn(NodeColumn) -> bool) -> bool {
        self.roots.iter().flat_map(|root| &root.fields).any(|field| match field {
            SubgraphField::Nodes(_, entries) => entries.iter().any(|entry| wanted(entry.column)),
            _ => false,
        })
    }
}

fn operation_plan(operation: &OperationDefinition) -> Option<Plan> {
    if operation.ty != OperationType::Query || !operation.directives.is_empty() {
        return None;
    }
    let mut declared: Vec<(Name, String)> = Vec::new();
    for definition in &operation.variable_definitions {
        let definition = &definition.node;
        if definition.default_value.is_some() || !definition.directives.is_empty() {
            return None;
        }
        declared.push((definition.name.node.clone(), definition.var_type.node.to_string()));
    }
    let mut used: Vec<Name> = Vec::new();
    let mut roots = Vec::new();
    for field in plain_fields(&operation.selection_set.node)? {
        if field.name.node.as_str() != "neighborhood" {
            return None;
        }
        let mut args: Vec<(ArgName, Arg)> = Vec::new();
        for (name, value) in &field.arguments {
            let name = ArgName::parse(name.node.as_str())?;
            if args.iter().any(|(seen, _)| *seen == name) {
                return None;
            }
            let arg = match &value.node {
                Value::Variable(variable) => {
                    let (_, declared_type) = declared.iter().find(|(declared, _)| declared == variable)?;
                    if !name.variable_types().contains(&declared_type.as_str()) {
                        return None;
                    }
                    used.push(variable.clone());
                    Arg::Variable(variable.clone())
                }
                literal => Arg::Literal(literal.clone().into_const()?),
            };
            args.push((name, arg));
        }
        if !args.iter().any(|(name, _)| *name == ArgName::Id) {
            return None;
        }
        roots.push(Root { key: response_key(field), args, fields: subgraph_fields(&field.selection_set.node)? });
    }
    let every_variable_used = declared.iter().all(|(name, _)| used.contains(name));
    let keys_unique = unique(roots.iter().map(|root| &root.key));
    (every_variable_used && keys_unique && !roots.is_empty()).then_some(Plan { roots })
}

/// The fields of `set`, when it holds fields only, without directives.
fn plain_fields(set: &SelectionSet) -> Option<Vec<&Field>> {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) if field.node.directives.is_empty() => Some(&field.node),
            _ => None,
        })
        .collect()
}

fn response_key(field: &Field) -> Name {
    field.response_key().node.clone()
}

fn unique<'a>(keys: impl Iterator<Item = &'a Name>) -> bool {
    let mut seen: Vec<&Name> = Vec::new();
    for key in keys {
        if seen.contains(&key) {
            return false;
        }
        seen.push(key);
    }
    true
}

/// A field without arguments whose selection is empty (a leaf) or not (an object), as `leaf` says.
fn bare(field: &Field, leaf: bool) -> bool {
    field.arguments.is_empty() && field.selection_set.node.items.is_empty() == leaf
}

fn subgraph_fields(set: &SelectionSet) -> Option<Vec<SubgraphField>> {
    let mut fields = Vec::new();
    for field in plain_fields(set)? {
        let key = response_key(field);
        let made = match field.name.node.as_str() {
            "__typename" if bare(field, true) => SubgraphField::Typename(key),
            "truncated" if bare(field, true) => SubgraphField::Truncated(key),
            "nodes" if bare(field, false) => SubgraphField::Nodes(key, node_entries(&field.selection_set.node, None, 0)?),
            "edges" if bare(field, false) => SubgraphField::Edges(key, edge_columns(&field.selection_set.node)?),
            _ => return None,
        };
        fields.push(made);
    }
    let keys_unique = unique(fields.iter().map(|field| match field {
        SubgraphField::Typename(key) | SubgraphField::Truncated(key) | SubgraphField::Nodes(key, _) | SubgraphField::Edges(key, _) => key,
    }));
    keys_unique.then_some(fields)
}

/// What a fragment's type condition narrows the nodes to: every node, or one kind (as lists planned by
/// `plain` read it).
fn condition(type_name: &str) -> Option<Option<NodeKind>> {
    <NodeField as PlainField>::condition(type_name)
}

fn node_entries(set: &SelectionSet, only: Option<NodeKind>, depth: usize) -> Option<Vec<NodeEntry>> {
    if depth > 4 {
        return None;
    }
    let mut entries = Vec::new();
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                let field = &field.node;
                if !field.directives.is_empty() {
                    return None;
                }
                let dated = matches!(only, Some(NodeKind::Agreement | NodeKind::Event));
                let (column, sub) = match field.name.node.as_str() {
                    _ if !bare(field, true) => match field.name.node.as_str() {
                        "location" if bare(field, false) => {
                            (NodeColumn::Location, sub_columns(&field.selection_set.node, LOCATION_FIELDS)?)
                        }
                        "sources" if bare(field, false) => (NodeColumn::Sources, sub_columns(&field.selection_set.node, SOURCE_FIELDS)?),
                        _ => return None,
                    },
                    "__typename" => (NodeColumn::Typename, Vec::new()),
                    "id" => (NodeColumn::Id, Vec::new()),
                    "kind" => (NodeColumn::Kind, Vec::new()),
                    "name" => (NodeColumn::Name, Vec::new()),
                    "acronym" => (NodeColumn::Acronym, Vec::new()),
                    "aliases" => (NodeColumn::Aliases, Vec::new()),
                    "degree" => (NodeColumn::Degree, Vec::new()),
                    "description" => (NodeColumn::Description, Vec::new()),
                    "start" if dated => (NodeColumn::Start, Vec::new()),
                    "end" if dated => (NodeColumn::End, Vec::new()),
                    _ => return None,
                };
                entries.push(NodeEntry { key: response_key(field), only, column, sub });
            }
            Selection::InlineFragment(fragment) => {
                let fragment = &fragment.node;
                if !fragment.directives.is_empty() {
                    return None;
                }
                let narrowed = match &fragment.type_condition {
                    None => only,
                    Some(condition_on) => match (only, condition(condition_on.node.on.node.as_str())?) {
                        (only, None) => only,
                        (None, kind) => kind,
                        (Some(outer), Some(inner)) if outer == inner => Some(outer),
                        // A fragment on another kind inside one kind: invalid, for validation to say.
                        (Some(_), Some(_)) => return None,
                    },
                };
                entries.extend(node_entries(&fragment.selection_set.node, narrowed, depth + 1)?);
            }
            Selection::FragmentSpread(_) => return None,
        }
    }
    keys_answered_once(&entries).then_some(entries)
}

/// Whether no node answers a response key twice — each key is asked once, or (the same field) only in
/// fragments on different node kinds — and every kind's keys come in the order of their first
/// appearance in the selection, the order `http/order.rs` gives the general executor's answers.
fn keys_answered_once(entries: &[NodeEntry]) -> bool {
    let once = entries.iter().enumerate().all(|(at, entry)| {
        entries[..at].iter().filter(|earlier| earlier.key == entry.key).all(|earlier| match (earlier.only, entry.only) {
            (Some(one), Some(other)) => one != other && earlier.column == entry.column && earlier.sub == entry.sub,
            _ => false,
        })
    });
    let first_seen = |key: &Name| entries.iter().position(|entry| &entry.key == key);
    once && NodeKind::ALL.iter().all(|kind| {
        let seen: Vec<Option<usize>> =
            entries.iter().filter(|entry| entry.only.is_none_or(|only| only == *kind)).map(|entry| first_seen(&entry.key)).collect();
        seen.windows(2).all(|pair| pair[0] < pair[1])
    })
}

/// The fields of a `GeoPoint`.
const LOCATION_FIELDS: &[(&str, SubColumn)] = &[("lat", SubColumn::Lat), ("lon", SubColumn::Lon)];

/// The fields of a `Source`.
const SOURCE_FIELDS: &[(&str, SubColumn)] =
    &[("document", SubColumn::Document), ("paragraph", SubColumn::Paragraph), ("quote", SubColumn::Quote)];

/// The leaf fields asked of an object whose fields are `known`: at least one, each key once.
fn sub_columns(set: &SelectionSet, known: &[(&str, SubColumn)]) -> Option<Vec<(Name, SubColumn)>> {
    let mut columns = Vec::new();
    for field in plain_fields(set)? {
        if !bare(field, true) {
            return None;
        }
        let (_, column) = known.iter().find(|(name, _)| *name == field.name.node.as_str())?;
        columns.push((response_key(field), *column));
    }
    (!columns.is_empty() && unique(columns.iter().map(|(key, _)| key))).then_some(columns)
}

fn edge_columns(set: &SelectionSet) -> Option<EdgeColumns> {
    let mut columns = Vec::new();
    let mut source_fields = Vec::new();
    for field in plain_fields(set)? {
        if field.name.node.as_str() == "sources" && bare(field, false) {
            source_fields = sub_columns(&field.selection_set.node, SOURCE_FIELDS)?;
            columns.push((response_key(field), EdgeColumn::Sources));
            continue;
        }
        if !bare(field, true) {
            return None;
        }
        let column = match field.name.node.as_str() {
            "__typename" => EdgeColumn::Typename,
            "id" => EdgeColumn::Id,
            "type" => EdgeColumn::Type,
            "source" => EdgeColumn::Source,
            "target" => EdgeColumn::Target,
            "role" => EdgeColumn::Role,
            "iatiRole" => EdgeColumn::IatiRole,
            "from" => EdgeColumn::From,
            "to" => EdgeColumn::To,
            "amountUsd" => EdgeColumn::AmountUsd,
            _ => return None,
        };
        columns.push((response_key(field), column));
    }
    let sources_once = columns.iter().filter(|(_, column)| *column == EdgeColumn::Sources).count() <= 1;
    (sources_once && unique(columns.iter().map(|(key, _)| key))).then_some(EdgeColumns { columns, source_fields })
}
