//! From a parsed operation to a [`Plan`], or `None` when the general executor must answer it.
//!
//! A plan is made only for what it can answer exactly as async-graphql would, and only for documents
//! that async-graphql would find valid without a doubt: a query whose root fields are all
//! `neighborhood`, with known arguments given once (literals, or variables declared with the argument's
//! own type, no default, each used), and below it `nodes`, `edges`, `truncated` and `__typename`, the
//! nodes asking only for what a node's names give (`id`, `kind`, `name`, `acronym`, `aliases`,
//! `__typename`) and its `degree`, the edges only for their own fields (not `sources`, `sourceNode`…).
//! No directives, no named fragments, no response key twice, inline fragments only on `Node` or a node
//! kind. Anything else gives `None`, which is never wrong: the general executor answers.

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
    Edges(Name, Vec<(Name, EdgeColumn)>),
}

/// A node field, and the node kind it is asked on (`None`: every node).
#[derive(Debug)]
pub(super) struct NodeEntry {
    pub(super) key: Name,
    pub(super) only: Option<NodeKind>,
    pub(super) column: NodeColumn,
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
                if !field.directives.is_empty() || !bare(field, true) {
                    return None;
                }
                let column = match field.name.node.as_str() {
                    "__typename" => NodeColumn::Typename,
                    "id" => NodeColumn::Id,
                    "kind" => NodeColumn::Kind,
                    "name" => NodeColumn::Name,
                    "acronym" => NodeColumn::Acronym,
                    "aliases" => NodeColumn::Aliases,
                    "degree" => NodeColumn::Degree,
                    _ => return None,
                };
                entries.push(NodeEntry { key: response_key(field), only, column });
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
    unique(entries.iter().map(|entry| &entry.key)).then_some(entries)
}

fn edge_columns(set: &SelectionSet) -> Option<Vec<(Name, EdgeColumn)>> {
    let mut columns = Vec::new();
    for field in plain_fields(set)? {
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
    unique(columns.iter().map(|(key, _)| key)).then_some(columns)
}
