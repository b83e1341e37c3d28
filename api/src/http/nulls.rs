//! Puts `null` where a field failed, and moves it up to the nearest nullable ancestor.
//!
//! The GraphQL spec ("Handling Field Errors") asks that a field whose resolution raised an error be
//! `null` in `data`; when the field's type is non-null, its parent is `null` instead, and so on up to
//! the nearest nullable field or list item, or `data` itself. async-graphql 7.2 records the error but
//! leaves the field out of its object (and answers an object all of whose fields failed as `null`).
//! This pass repairs `data` after execution, for each error with a `path` and nothing else: fields left
//! out by `@skip` or `@include` have no error and stay out.
//! Field types come from our own SDL, parsed once ([`FieldTypes`]). A path's response keys are mapped
//! to fields by walking the operation's selection sets: fragments give the static type, and where
//! fields of different types share a response key (`... on Agency { country }`, `... on City { country }`)
//! the error's location says which one failed. A field put back takes its place in query order
//! (`order.rs`'s plan).
//! The cost is each error's path, plus one walk of the selection sets per distinct path shape.

use std::collections::HashMap;
use std::sync::LazyLock;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Field, OperationType, Selection, SelectionSet, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, PathSegment, Pos, Positioned, Response, ServerError, Value};

use crate::http::order::{MAX_FRAGMENT_DEPTH, Plan, operation};

/// Most branches the walk of one path shape explores (it branches only where fields of different
/// types share a response key); past it, the first complete branch is taken.
const MAX_BRANCHES: usize = 4_096;

/// The types of the served schema, parsed from its SDL on first use.
static SERVED: LazyLock<FieldTypes> = LazyLock::new(|| {
    FieldTypes::from_sdl(&crate::gql::sdl()).unwrap_or_else(|err| {
        tracing::error!(error = %err, "the schema's own SDL does not parse: failed fields are nulled where they are");
        FieldTypes::new()
    })
});

/// Puts `null` at the path of every field error in `response.data`, moved up past non-null types.
pub fn null_failed_fields(document: &ExecutableDocument, operation_name: Option<&str>, response: &mut Response) {
    null_failed(&SERVED, document, operation_name, &response.errors, &mut response.data);
}

/// The declared type of every field of every object and interface type of a schema.
#[derive(Debug)]
pub struct FieldTypes {
    fields: HashMap<Name, HashMap<Name, Type>>,
    query: Name,
    mutation: Name,
    subscription: Name,
}

impl FieldTypes {
    fn new() -> FieldTypes {
        FieldTypes {
            fields: HashMap::new(),
            query: Name::new("Query"),
            mutation: Name::new("Mutation"),
            subscription: Name::new("Subscription"),
        }
    }

    /// The field types of the schema `sdl` describes, with `__typename` on every type and the
    /// introspection fields on the query type.
    pub fn from_sdl(sdl: &str) -> Result<FieldTypes, async_graphql::parser::Error> {
        let document = async_graphql::parser::parse_schema(sdl)?;
        let mut types = FieldTypes::new();
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let schema = schema.node;
                    for (root, name) in [
                        (&mut types.query, schema.query),
                        (&mut types.mutation, schema.mutation),
                        (&mut types.subscription, schema.subscription),
                    ] {
                        if let Some(name) = name {
                            *root = name.node;
                        }
                    }
                }
                TypeSystemDefinition::Type(definition) => {
                    let definition = definition.node;
                    let fields = match definition.kind {
                        TypeKind::Object(object) => object.fields,
                        TypeKind::Interface(interface) => interface.fields,
                        _ => continue,
                    };
                    let known = types.fields.entry(definition.name.node).or_default();
                    known.insert(Name::new("__typename"), named("String", false));
                    known.extend(fields.into_iter().map(|field| (field.node.name.node, field.node.ty.node)));
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        let query = types.fields.entry(types.query.clone()).or_default();
        query.insert(Name::new("__schema"), named("__Schema", false));
        query.insert(Name::new("__type"), named("__Type", true));
        Ok(types)
    }

    /// The type of `parent.name`, if the schema has it.
    fn field(&self, parent: &str, name: &str) -> Option<&Type> {
        self.fields.get(parent)?.get(name)
    }
}

fn named(name: &str, nullable: bool) -> Type {
    Type { base: BaseType::Named(Name::new(name)), nullable }
}

/// The named type inside any lists.
fn innermost(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(item) => innermost(item),
    }
}

/// [`null_failed_fields`] over the schema `types`.
fn null_failed(types: &FieldTypes, document: &ExecutableDocument, operation_name: Option<&str>, errors: &[ServerError], data: &mut Value) {
    let failed: Vec<&ServerError> = errors.iter().filter(|error| !error.path.is_empty()).collect();
    if failed.is_empty() {
        return;
    }
    let Some(operation) = operation(document, operation_name) else { return };
    // async-graphql answers an object none of whose fields it could insert as null; an object with a
    // failed field below it was not null (its fields ran), so it is an object again before nulls move up.
    if *data == Value::Null {
        *data = Value::Object(IndexMap::new());
    }
    for error in &failed {
        reopen(data, &error.path);
    }
    let root = match operation.node.ty {
        OperationType::Query => &types.query,
        OperationType::Mutation => &types.mutation,
        OperationType::Subscription => &types.subscription,
    };
    let walk = Walk { types, document, root: (&operation.node.selection_set.node, root.as_str()) };
    let mut chains: HashMap<(Vec<Option<&str>>, Option<Pos>), Chain> = HashMap::new();
    for error in failed {
        if *data == Value::Null {
            break;
        }
        let shape =
            error.path.iter().map(|segment| if let PathSegment::Field(key) = segment { Some(key.as_str()) } else { None }).collect();
        let location = error.locations.first().copied();
        let chain = chains.entry((shape, location)).or_insert_with(|| walk.chain(&error.path, location));
        null_at(data, &error.path, chain);
    }
}

/// Turns the nulls along `path` that stand for objects (a field follows them) into empty objects.
fn reopen(data: &mut Value, path: &[PathSegment]) {
    let mut value = data;
    for (segment, next) in path.iter().zip(&path[1..]) {
        let Some(child) = child_mut(value, segment) else { return };
        if *child == Value::Null && matches!(next, PathSegment::Field(_)) {
            *child = Value::Object(IndexMap::new());
        }
        value = child;
    }
}

fn child<'v>(value: &'v Value, segment: &PathSegment) -> Option<&'v Value> {
    match (value, segment) {
        (Value::Object(fields), PathSegment::Field(key)) => fields.get(key.as_str()),
        (Value::List(items), PathSegment::Index(index)) => items.get(*index),
        _ => None,
    }
}

fn child_mut<'v>(value: &'v mut Value, segment: &PathSegment) -> Option<&'v mut Value> {
    match (value, segment) {
        (Value::Object(fields), PathSegment::Field(key)) => fields.get_mut(key.as_str()),
        (Value::List(items), PathSegment::Index(index)) => items.get_mut(*index),
        _ => None,
    }
}

/// Puts the null for the failed field at `path`: at the nearest nullable position at or above the
/// first position that is missing or null (the failed field itself, unless an ancestor is gone).
fn null_at(data: &mut Value, path: &[PathSegment], chain: &Chain) {
    let mut reached = path.len() - 1;
    let mut value = &*data;
    for (position, segment) in path.iter().enumerate() {
        match child(value, segment) {
            Some(found) if *found != Value::Null => value = found,
            _ => {
                reached = position;
                break;
            }
        }
    }
    let Some(target) = (0..=reached).rev().find(|&position| chain.nullable[position]) else {
        *data = Value::Null;
        return;
    };
    let mut parent = data;
    for segment in &path[..target] {
        let Some(next) = child_mut(parent, segment) else { return };
        parent = next;
    }
    match (parent, &path[target]) {
        (Value::Object(fields), PathSegment::Field(key)) => match fields.get_mut(key.as_str()) {
            Some(value) => *value = Value::Null,
            None => {
                let rank = |key: &str| chain.ranks[target].get(key).copied().unwrap_or(usize::MAX);
                let own = rank(key);
                let index = fields.keys().position(|other| rank(other) > own).unwrap_or(fields.len());
                fields.shift_insert(index, Name::new(key), Value::Null);
            }
        },
        (Value::List(items), PathSegment::Index(index)) => {
            if let Some(item) = items.get_mut(*index) {
                *item = Value::Null;
            }
        }
        _ => {}
    }
}

/// What a path shape's positions are: whether each may be null, and at each field, the query order of
/// the keys of the object holding it.
struct Chain {
    nullable: Vec<bool>,
    ranks: Vec<HashMap<Name, usize>>,
}

/// The operation and the schema, walked along error paths.
struct Walk<'a> {
    types: &'a FieldTypes,
    document: &'a ExecutableDocument,
    root: (&'a SelectionSet, &'a str),
}

impl<'a> Walk<'a> {
    fn chain(&self, path: &[PathSegment], location: Option<Pos>) -> Chain {
        let mut nullable = Vec::with_capacity(path.len());
        let mut fallback = None;
        let mut budget = MAX_BRANCHES;
        if !self.walk(&[self.root], path, location, &mut nullable, &mut fallback, &mut budget) {
            nullable = fallback.unwrap_or_default();
        }
        // A position the schema does not describe is taken as nullable: the null stays where it failed.
        nullable.resize(path.len(), true);
        Chain { nullable, ranks: self.ranks(path) }
    }

    /// Fills `out` with the nullability of each position of `path` (starting at a field of the objects
    /// `frame` selects on): true when a branch ends at the field the error is located at; the first
    /// complete branch goes to `fallback`.
    fn walk(
        &self,
        frame: &[(&'a SelectionSet, &'a str)],
        path: &[PathSegment],
        location: Option<Pos>,
        out: &mut Vec<bool>,
        fallback: &mut Option<Vec<bool>>,
        budget: &mut usize,
    ) -> bool {
        let Some((PathSegment::Field(key), rest)) = path.split_first() else { return false };
        let mut candidates = Vec::new();
        for (set, parent) in frame {
            self.candidates(set, parent, key, 0, &mut candidates);
        }
        let mut groups: Vec<(Option<&'a Type>, Vec<&'a Positioned<Field>>)> = Vec::new();
        for (parent, field) in candidates {
            let ty = self.types.field(parent, field.node.name.node.as_str());
            match groups.iter_mut().find(|(known, _)| *known == ty) {
                Some((_, fields)) => fields.push(field),
                None => groups.push((ty, vec![field])),
            }
        }
        let depth = out.len();
        for (ty, fields) in groups {
            if *budget == 0 {
                return false;
            }
            *budget -= 1;
            out.truncate(depth);
            out.push(ty.is_none_or(|ty| ty.nullable));
            let (mut item, mut rest) = (ty, rest);
            while let Some((PathSegment::Index(_), tail)) = rest.split_first() {
                item = item.and_then(|ty| if let BaseType::List(inner) = &ty.base { Some(&**inner) } else { None });
                out.push(item.is_none_or(|ty| ty.nullable));
                rest = tail;
            }
            if rest.is_empty() {
                if location.is_none_or(|pos| fields.iter().any(|field| field.pos == pos)) {
                    return true;
                }
                fallback.get_or_insert_with(|| out.clone());
                continue;
            }
            let inner = item.map_or("", innermost);
            let next: Vec<(&SelectionSet, &str)> = fields.iter().map(|field| (&field.node.selection_set.node, inner)).collect();
            if self.walk(&next, rest, location, out, fallback, budget) {
                return true;
            }
        }
        false
    }

    /// The fields of `set` (fragments followed) with response key `key`, each with the type it is
    /// selected on.
    fn candidates(&self, set: &'a SelectionSet, parent: &'a str, key: &str, depth: usize, out: &mut Vec<(&'a str, &'a Positioned<Field>)>) {
        if depth > MAX_FRAGMENT_DEPTH {
            return;
        }
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    if field.node.response_key().node == key {
                        out.push((parent, field));
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let on = fragment.node.type_condition.as_ref().map_or(parent, |condition| condition.node.on.node.as_str());
                    self.candidates(&fragment.node.selection_set.node, on, key, depth + 1, out);
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = self.document.fragments.get(&spread.node.fragment_name.node) {
                        let on = fragment.node.type_condition.node.on.node.as_str();
                        self.candidates(&fragment.node.selection_set.node, on, key, depth + 1, out);
                    }
                }
            }
        }
    }

    /// At each field of `path`, the rank of every key of the object holding it, in the order
    /// `order.rs` puts them (all selections with the path's keys, whatever their type).
    fn ranks(&self, path: &[PathSegment]) -> Vec<HashMap<Name, usize>> {
        let mut sets = vec![self.root.0];
        path.iter()
            .map(|segment| match segment {
                PathSegment::Field(key) => {
                    let plan = Plan::new(self.document, &sets);
                    let ranks = plan.keys.iter().enumerate().map(|(rank, key)| (key.clone(), rank)).collect();
                    sets = plan.children.get(key.as_str()).cloned().unwrap_or_default();
                    ranks
                }
                PathSegment::Index(_) => HashMap::new(),
            })
            .collect()
    }
}

#[cfg(test)]
#[path = "nulls_tests.rs"]
mod tests;
