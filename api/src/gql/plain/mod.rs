//! Lists of nodes and edges answered from a plan instead of a future per field.
//!
//! async-graphql resolves every field of every object through its own boxed future. For a map's 500
//! nodes and 500 edges that machinery cost more than reading the data (BENCHMARKS.md, round 3).
//! [`NodeList`] and [`EdgeList`] ([`PlannedList`]) stand for `[Node!]!` and `[Edge!]!` in the schema. When every field
//! selected below the list is a property of the record, or was read ahead for the whole list (`degree`,
//! `location`, an edge's `sources`), the selection is compiled once into a [`Plan`] and each item is
//! answered by walking it. Anything else falls back to async-graphql's own resolution, which gives the
//! same answer more slowly:
//! - arguments or directives anywhere below the list (async-graphql applies `@skip` and `@include`
//!   before execution, so a plan sees the selection they leave);
//! - fields that read the store (`edges`, `participants`, `headquarters`, ...);
//! - fragments on other types;
//! - two fields with one response key, except in fragments on different node kinds.
//!
//! A plan skips per-field extension hooks; the schema registers no extensions (`schema.rs`).
//! The values come from the same conversions the object types use (`ScalarType::to_value`,
//! `enum_value`, the helpers in `nodes` and `types`). `tests/it/graphql.rs` checks both paths field for
//! field.

use std::borrow::Cow;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::{enum_value, resolve_list};
use async_graphql::{ContextSelectionSet, Name, OutputType, Positioned, ScalarType, ServerResult, Value};
use partnergraph_schema::{NodeKind as DomainKind, Source as DomainSource};

use crate::gql::nodes::{Node, degree_number, iso3};
use crate::gql::scalars::{AgencyType, AgreementType, Date, EdgeType, EventType, IatiRole, NetworkType, NodeKind, Role};
use crate::gql::types::{Edge, paragraph_number};

#[cfg(test)]
mod tests;

/// Fragments nested deeper than this fall back (validation already rejects cycles).
const MAX_FRAGMENT_DEPTH: usize = 16;

/// A list of `T` in the schema (`[T!]!`), answered from a [`Plan`] when it can be.
pub struct PlannedList<T>(pub(crate) Vec<T>);

/// `[Node!]!`.
pub type NodeList = PlannedList<Node>;

/// `[Edge!]!`.
pub type EdgeList = PlannedList<Edge>;

/// An object type whose lists a plan can answer.
pub(crate) trait Planned: OutputType + Sized {
    /// The fields a plan knows for it.
    type Field: PlainField;

    /// Whether `item` has what `plan` reads (fields read ahead must have been read).
    fn fits(plan: &Plan<Self::Field>, item: &Self) -> bool;

    /// The answer for `item`.
    fn value(plan: &Plan<Self::Field>, item: &Self) -> Value;
}

impl<T: Planned> OutputType for PlannedList<T> {
    fn type_name() -> Cow<'static, str> {
        <Vec<T> as OutputType>::type_name()
    }

    fn qualified_type_name() -> String {
        <Vec<T> as OutputType>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <Vec<T> as OutputType>::create_type_info(registry)
    }

    async fn resolve(&self, ctx: &ContextSelectionSet<'_>, field: &Positioned<Field>) -> ServerResult<Value> {
        let planned = Plan::<T::Field>::compile(ctx).filter(|plan| self.0.iter().all(|item| T::fits(plan, item))).map(|plan| {
            #[cfg(test)]
            tests::PLANNED.with(|planned| planned.set(planned.get() + 1));
            Value::List(self.0.iter().map(|item| T::value(&plan, item)).collect())
        });
        match planned {
            Some(value) => Ok(value),
            None => resolve_list(ctx, field, &self.0, Some(self.0.len())).await,
        }
    }
}

/// One field of the answer: its response key, the node kind it is asked on (`None`: every item), and
/// what to put there.
struct Entry<F> {
    key: Name,
    only: Option<DomainKind>,
    field: F,
}

/// The fields asked of each item of a list, in the query's order.
pub(crate) struct Plan<F> {
    entries: Vec<Entry<F>>,
}

/// A field of a GraphQL type that a plan can answer.
pub(crate) trait PlainField: Sized {
    /// The GraphQL type's name, as fragments name it.
    const TYPE: &'static str;

    /// The field called `name`, with its compiled sub-selection; `None` when the plan cannot answer it.
    fn named(name: &str, selection: &SelectionSet, ctx: &ContextSelectionSet<'_>) -> Option<Self>;

    /// What a fragment's type condition narrows to: `Some(None)` for every item, `Some(Some(kind))` for
    /// one node kind, `None` when the plan does not know the type.
    fn condition(type_name: &str) -> Option<Option<DomainKind>> {
        (type_name == Self::TYPE).then_some(None)
    }
}

impl<F: PlainField> Plan<F> {
    /// The plan for the selection set of `ctx`, or `None` when it needs the general resolver.
    fn compile(ctx: &ContextSelectionSet<'_>) -> Option<Plan<F>> {
        Plan::from_set(&ctx.item.node, ctx)
    }

    fn from_set(set: &SelectionSet, ctx: &ContextSelectionSet<'_>) -> Option<Plan<F>> {
        let mut fields = Vec::new();
        flatten::<F>(set, None, ctx, 0, &mut fields)?;
        let mut entries: Vec<Entry<F>> = Vec::with_capacity(fields.len());
        for (only, field) in fields {
            if !field.arguments.is_empty() {
                return None;
            }
            let key = field.response_key().node.clone();
            let clash = entries.iter().any(|entry| entry.key == key && !(entry.only.is_some() && only.is_some() && entry.only != only));
            if clash {
                return None;
            }
            let field = F::named(field.name.node.as_str(), &field.selection_set.node, ctx)?;
            entries.push(Entry { key, only, field });
        }
        Some(Plan { entries })
    }

    /// The answer for one item: the entries that apply to `kind`, in order (async-graphql answers an
    /// object with no fields as null, and so does this).
    fn object(&self, kind: Option<DomainKind>, mut value: impl FnMut(&F) -> Value) -> Value {
        let mut object = IndexMap::with_capacity(self.entries.len());
        for entry in &self.entries {
            if entry.only.is_none() || entry.only == kind {
                object.insert(entry.key.clone(), value(&entry.field));
            }
        }
        if object.is_empty() { Value::Null } else { Value::Object(object) }
    }
}

/// Collects the fields of `set` with the node kind each applies to, following fragments; `None` when a
/// directive, an unknown type condition or too deep a nesting needs the general resolver.
fn flatten<'a, F: PlainField>(
    set: &'a SelectionSet,
    only: Option<DomainKind>,
    ctx: &'a ContextSelectionSet<'_>,
    depth: usize,
    out: &mut Vec<(Option<DomainKind>, &'a Field)>,
) -> Option<()> {
    if depth > MAX_FRAGMENT_DEPTH {
        return None;
    }
    for selection in &set.items {
        let (condition, inner) = match &selection.node {
            Selection::Field(field) => {
                if !field.node.directives.is_empty() {
                    return None;
                }
                out.push((only, &field.node));
                continue;
            }
            Selection::InlineFragment(fragment) => {
                if !fragment.node.directives.is_empty() {
                    return None;
                }
                let condition = fragment.node.type_condition.as_ref().map(|condition| condition.node.on.node.as_str());
                (condition, &fragment.node.selection_set.node)
            }
            Selection::FragmentSpread(spread) => {
                let fragment = ctx.query_env.fragments.get(&spread.node.fragment_name.node)?;
                if !spread.node.directives.is_empty() || !fragment.node.directives.is_empty() {
                    return None;
                }
                (Some(fragment.node.type_condition.node.on.node.as_str()), &fragment.node.selection_set.node)
            }
        };
        let narrowed = match condition {
            None => only,
            Some(type_name) => match (only, F::condition(type_name)?) {
                (only, None) => only,
                (None, kind) => kind,
                (Some(outer), Some(inner)) if outer == inner => Some(outer),
                (Some(_), Some(_)) => continue,
            },
        };
        flatten::<F>(inner, narrowed, ctx, depth + 1, out)?;
    }
    Some(())
}

/// A leaf field: no sub-selection.
fn leaf<F>(selection: &SelectionSet, field: F) -> Option<F> {
    selection.items.is_empty().then_some(field)
}

/// A field with a sub-selection the plan answers.
fn nested<F: PlainField, G>(selection: &SelectionSet, ctx: &ContextSelectionSet<'_>, wrap: fn(Plan<F>) -> G) -> Option<G> {
    if selection.items.is_empty() {
        return None;
    }
    Plan::from_set(selection, ctx).map(wrap)
}

/// `value` converted, or null.
fn optional<T>(value: Option<T>, convert: impl FnOnce(T) -> Value) -> Value {
    value.map_or(Value::Null, convert)
}

fn string(value: &str) -> Value {
    Value::String(value.to_owned())
}

pub(crate) enum NodeField {
    Typename,
    Id,
    Kind,
    Name,
    Acronym,
    Aliases,
    Description,
    Sources(Plan<SourceField>),
    Location(Plan<PointField>),
    Degree,
    AgencyType,
    Iso3,
    Region,
    NetworkType,
    AgreementType,
    EventType,
    Start,
    End,
    AmountUsd,
    Sdgs,
}

impl PlainField for NodeField {
    const TYPE: &'static str = "Node";

    fn named(name: &str, selection: &SelectionSet, ctx: &ContextSelectionSet<'_>) -> Option<NodeField> {
        let field = match name {
            "sources" => return nested(selection, ctx, NodeField::Sources),
            "location" => return nested(selection, ctx, NodeField::Location),
            "__typename" => NodeField::Typename,
            "id" => NodeField::Id,
            "kind" => NodeField::Kind,
            "name" => NodeField::Name,
            "acronym" => NodeField::Acronym,
            "aliases" => NodeField::Aliases,
            "description" => NodeField::Description,
            "degree" => NodeField::Degree,
            "agencyType" => NodeField::AgencyType,
            "iso3" => NodeField::Iso3,
            "region" => NodeField::Region,
            "networkType" => NodeField::NetworkType,
            "agreementType" => NodeField::AgreementType,
            "eventType" => NodeField::EventType,
            "start" => NodeField::Start,
            "end" => NodeField::End,
            "amountUsd" => NodeField::AmountUsd,
            "sdgs" => NodeField::Sdgs,
            _ => return None,
        };
        leaf(selection, field)
    }

    fn condition(type_name: &str) -> Option<Option<DomainKind>> {
        Some(Some(match type_name {
            "Node" => return Some(None),
            "Agency" => DomainKind::Agency,
            "Country" => DomainKind::Country,
            "City" => DomainKind::City,
            "Network" => DomainKind::Network,
            "Agreement" => DomainKind::Agreement,
            "Event" => DomainKind::Event,
            _ => return None,
        }))
    }
}

impl Planned for Node {
    type Field = NodeField;

    fn fits(plan: &Plan<NodeField>, node: &Node) -> bool {
        let (_, known) = node.parts();
        plan.entries.iter().all(|entry| match entry.field {
            NodeField::Degree => known.degree.is_some(),
            NodeField::Location(_) => known.location.is_some(),
            _ => true,
        })
    }

    fn value(plan: &Plan<NodeField>, node: &Node) -> Value {
        let (record, known) = node.parts();
        plan.object(Some(record.kind), |field| match field {
            NodeField::Typename => Value::String(OutputType::introspection_type_name(node).into_owned()),
            NodeField::Id => Value::String(record.id.to_string()),
            NodeField::Kind => enum_value(NodeKind::from(record.kind)),
            NodeField::Name => string(&record.name),
            NodeField::Acronym => optional(record.acronym.as_deref(), string),
            NodeField::Aliases => Value::List(record.aliases.iter().map(|alias| string(alias)).collect()),
            NodeField::Description => optional(record.description.as_deref(), string),
            NodeField::Sources(plan) => sources_value(plan, &record.sources),
            NodeField::Location(plan) => optional(known.location.flatten(), |point| {
                plan.object(None, |field| match field {
                    PointField::Typename => string("GeoPoint"),
                    PointField::Lat => point.lat.to_value(),
                    PointField::Lon => point.lon.to_value(),
                })
            }),
            NodeField::Degree => degree_number(known.degree.unwrap_or_default()).to_value(),
            NodeField::AgencyType => optional(record.agency_type, |value| enum_value(AgencyType::from(value))),
            NodeField::Iso3 => string(iso3(record)),
            NodeField::Region => optional(record.region.as_deref(), string),
            NodeField::NetworkType => optional(record.network_type, |value| enum_value(NetworkType::from(value))),
            NodeField::AgreementType => optional(record.agreement_type, |value| enum_value(AgreementType::from(value))),
            NodeField::EventType => optional(record.event_type, |value| enum_value(EventType::from(value))),
            NodeField::Start => optional(record.start, |date| Date(date).to_value()),
            NodeField::End => optional(record.end, |date| Date(date).to_value()),
            NodeField::AmountUsd => optional(record.amount_usd, |amount| amount.to_value()),
            NodeField::Sdgs => Value::List(record.sdgs.iter().map(|sdg| i32::from(*sdg).to_value()).collect()),
        })
    }
}

pub(crate) enum EdgeField {
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
    Sources(Plan<SourceField>),
}

impl PlainField for EdgeField {
    const TYPE: &'static str = "Edge";

    fn named(name: &str, selection: &SelectionSet, ctx: &ContextSelectionSet<'_>) -> Option<EdgeField> {
        let field = match name {
            "sources" => return nested(selection, ctx, EdgeField::Sources),
            "__typename" => EdgeField::Typename,
            "id" => EdgeField::Id,
            "type" => EdgeField::Type,
            "source" => EdgeField::Source,
            "target" => EdgeField::Target,
            "role" => EdgeField::Role,
            "iatiRole" => EdgeField::IatiRole,
            "from" => EdgeField::From,
            "to" => EdgeField::To,
            "amountUsd" => EdgeField::AmountUsd,
            _ => return None,
        };
        leaf(selection, field)
    }
}

impl Planned for Edge {
    type Field = EdgeField;

    fn fits(plan: &Plan<EdgeField>, edge: &Edge) -> bool {
        plan.entries.iter().all(|entry| !matches!(entry.field, EdgeField::Sources(_)) || edge.known_sources().is_some())
    }

    fn value(plan: &Plan<EdgeField>, edge: &Edge) -> Value {
        let link = edge.link();
        plan.object(None, |field| match field {
            EdgeField::Typename => string("Edge"),
            EdgeField::Id => Value::String(link.id.to_string()),
            EdgeField::Type => enum_value(EdgeType::from(link.edge_type)),
            EdgeField::Source => Value::String(link.source.to_string()),
            EdgeField::Target => Value::String(link.target.to_string()),
            EdgeField::Role => optional(link.role, |role| enum_value(Role::from(role))),
            EdgeField::IatiRole => optional(link.iati_role, |role| enum_value(IatiRole::from(role))),
            EdgeField::From => optional(link.from, |date| Date(date).to_value()),
            EdgeField::To => optional(link.to, |date| Date(date).to_value()),
            EdgeField::AmountUsd => optional(link.amount_usd, |amount| amount.to_value()),
            EdgeField::Sources(plan) => sources_value(plan, edge.known_sources().unwrap_or_default()),
        })
    }
}

pub(crate) enum SourceField {
    Typename,
    Document,
    Paragraph,
    Quote,
}

impl PlainField for SourceField {
    const TYPE: &'static str = "Source";

    fn named(name: &str, selection: &SelectionSet, _: &ContextSelectionSet<'_>) -> Option<SourceField> {
        let field = match name {
            "__typename" => SourceField::Typename,
            "document" => SourceField::Document,
            "paragraph" => SourceField::Paragraph,
            "quote" => SourceField::Quote,
            _ => return None,
        };
        leaf(selection, field)
    }
}

fn sources_value(plan: &Plan<SourceField>, sources: &[DomainSource]) -> Value {
    Value::List(
        sources
            .iter()
            .map(|source| {
                plan.object(None, |field| match field {
                    SourceField::Typename => string("Source"),
                    SourceField::Document => string(&source.document),
                    SourceField::Paragraph => optional(paragraph_number(source), |paragraph| paragraph.to_value()),
                    SourceField::Quote => optional(source.quote.as_deref(), string),
                })
            })
            .collect(),
    )
}

pub(crate) enum PointField {
    Typename,
    Lat,
    Lon,
}

impl PlainField for PointField {
    const TYPE: &'static str = "GeoPoint";

    fn named(name: &str, selection: &SelectionSet, _: &ContextSelectionSet<'_>) -> Option<PointField> {
        let field = match name {
            "__typename" => PointField::Typename,
            "lat" => PointField::Lat,
            "lon" => PointField::Lon,
            _ => return None,
        };
        leaf(selection, field)
    }
}
