//! What a GraphQL document would cost, measured on its syntax before anything validates or runs it.
//!
//! async-graphql expands fragment spreads while it validates, so a document of a few hundred bytes whose
//! fragments spread each other ten times per level expands to 10^8 fields before any limit applies. This
//! module measures a parsed document in time linear in its size (each fragment is measured once per
//! context and the result reused, counts saturate instead of overflowing) and refuses it when:
//! - a fragment spreads itself, directly or not (a cycle);
//! - its selections, with every fragment expanded where it is spread, exceed [`ShapeLimits::max_fields`];
//! - the work it asks for exceeds [`ShapeLimits::max_cost`]: every field costs one per item it is
//!   resolved for, so a list multiplies its selection by its size (its `first`, `limit` or `ids`, or the
//!   schema's default, or an estimate for lists without an argument), and the graph questions add the
//!   work of their algorithm. Aliases count each time.
//!
//! Nothing here reads the store: sizes come from arguments, variables and defaults.

use std::collections::HashMap;

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Positioned};
use serde_json::Map;

/// The bounds a document must stay within.
#[derive(Debug, Clone, Copy)]
pub struct ShapeLimits {
    /// Most field selections once fragments are expanded, over the whole document.
    pub max_fields: u64,
    /// Most work units one request may ask for (see the module doc).
    pub max_cost: u64,
}

impl Default for ShapeLimits {
    fn default() -> ShapeLimits {
        // The map widget at its largest (limit 5000, every field it shows) costs about 620,000.
        ShapeLimits { max_fields: 2_000, max_cost: 1_000_000 }
    }
}

/// Why a document was refused before validation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    /// A fragment spreads itself.
    #[error("fragment `{0}` spreads itself (directly or through other fragments)")]
    FragmentCycle(String),
    /// Too many fields once fragments are expanded.
    #[error("the query selects {fields} fields once its fragments are expanded; at most {max} are allowed")]
    TooManyFields {
        /// The count, saturated at `u64::MAX`.
        fields: u64,
        /// The limit.
        max: u64,
    },
    /// Too much work.
    #[error(
        "the query would cost {cost} work units (lists count once per item: lower `first`, `limit` or the number of `ids`, or use fewer aliases); at most {max} are allowed"
    )]
    TooCostly {
        /// The estimate, saturated at `u64::MAX`.
        cost: u64,
        /// The limit.
        max: u64,
    },
}

/// What a document asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Field selections with fragments expanded, over every operation and fragment.
    pub fields: u64,
    /// The work units of the operation that runs (the costliest one when the name does not say).
    pub cost: u64,
}

/// Measures `document` and checks it against `limits`.
pub fn check(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: Option<&Map<String, serde_json::Value>>,
    limits: ShapeLimits,
) -> Result<Shape, ShapeError> {
    let shape = measure(document, operation_name, variables)?;
    if shape.fields > limits.max_fields {
        return Err(ShapeError::TooManyFields { fields: shape.fields, max: limits.max_fields });
    }
    if shape.cost > limits.max_cost {
        return Err(ShapeError::TooCostly { cost: shape.cost, max: limits.max_cost });
    }
    Ok(shape)
}

/// Measures `document` (refusing fragment cycles, which no limit could bound).
pub fn measure(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: Option<&Map<String, serde_json::Value>>,
) -> Result<Shape, ShapeError> {
    check_cycles(document)?;
    let empty = Map::new();
    let mut meter = Meter { document, variables: variables.unwrap_or(&empty), fields: HashMap::new(), costs: HashMap::new() };
    let mut fields = 0u64;
    for (_, operation) in document.operations.iter() {
        fields = fields.saturating_add(meter.fields(&operation.node.selection_set.node));
    }
    for fragment in document.fragments.values() {
        fields = fields.saturating_add(meter.fields(&fragment.node.selection_set.node));
    }
    let selected: Vec<&SelectionSet> = match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => vec![&operation.node.selection_set.node],
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.iter().filter(|(op_name, _)| op_name.as_str() == name).map(|(_, op)| &op.node.selection_set.node).collect()
        }
        (DocumentOperations::Multiple(operations), None) => operations.values().map(|op| &op.node.selection_set.node).collect(),
    };
    let cost = selected.into_iter().map(|set| meter.cost(set, Context::Root)).max().unwrap_or(0);
    Ok(Shape { fields, cost })
}

/// Refuses a fragment that spreads itself, by depth-first search over the fragments' spreads.
fn check_cycles(document: &ExecutableDocument) -> Result<(), ShapeError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    let mut marks: HashMap<&Name, Mark> = HashMap::new();
    for start in document.fragments.keys() {
        if marks.contains_key(start) {
            continue;
        }
        // An explicit stack (fragment, its spreads still to visit), so deep chains cannot overflow ours.
        let mut stack: Vec<(&Name, Vec<&Name>)> = vec![(start, spreads_of(document, start))];
        marks.insert(start, Mark::Open);
        while let Some((name, pending)) = stack.last_mut() {
            let name = *name;
            let Some(next) = pending.pop() else {
                marks.insert(name, Mark::Done);
                stack.pop();
                continue;
            };
            match marks.get(next) {
                Some(Mark::Open) => return Err(ShapeError::FragmentCycle(next.to_string())),
                Some(Mark::Done) => {}
                None => {
                    marks.insert(next, Mark::Open);
                    let spreads = spreads_of(document, next);
                    stack.push((next, spreads));
                }
            }
        }
    }
    Ok(())
}

/// The fragments a fragment spreads (unknown ones left out: validation reports them).
fn spreads_of<'a>(document: &'a ExecutableDocument, name: &Name) -> Vec<&'a Name> {
    let mut spreads = Vec::new();
    if let Some(fragment) = document.fragments.get(name) {
        collect_spreads(&fragment.node.selection_set.node, &mut spreads);
    }
    spreads.retain(|spread| document.fragments.contains_key(*spread));
    spreads
}

fn collect_spreads<'a>(set: &'a SelectionSet, out: &mut Vec<&'a Name>) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => collect_spreads(&field.node.selection_set.node, out),
            Selection::FragmentSpread(spread) => out.push(&spread.node.fragment_name.node),
            Selection::InlineFragment(inline) => collect_spreads(&inline.node.selection_set.node, out),
        }
    }
}

/// What the items of a selection set are, where that decides how long their lists are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Context {
    /// The root query.
    Root,
    /// A node, a partnership, an arrangement, or anything else whose list fields carry their own size.
    Item,
    /// A `Subgraph` of at most this many nodes.
    Subgraph(u64),
    /// A `Path` of at most this many edges.
    Path(u64),
    /// A Relay connection page of this many items.
    Page(u64),
}

/// Measures selection sets, remembering each fragment's measure per context.
struct Meter<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Map<String, serde_json::Value>,
    fields: HashMap<&'a Name, u64>,
    costs: HashMap<(&'a Name, Context), u64>,
}

impl<'a> Meter<'a> {
    /// Field selections in `set`, fragments expanded.
    fn fields(&mut self, set: &'a SelectionSet) -> u64 {
        let mut total = 0u64;
        for selection in &set.items {
            let count = match &selection.node {
                Selection::Field(field) => 1u64.saturating_add(self.fields(&field.node.selection_set.node)),
                Selection::InlineFragment(inline) => self.fields(&inline.node.selection_set.node),
                Selection::FragmentSpread(spread) => self.fragment_fields(&spread.node.fragment_name.node),
            };
            total = total.saturating_add(count);
        }
        total
    }

    fn fragment_fields(&mut self, name: &'a Name) -> u64 {
        if let Some(&known) = self.fields.get(name) {
            return known;
        }
        let Some(fragment) = self.document.fragments.get(name) else {
            return 0;
        };
        let count = self.fields(&fragment.node.selection_set.node);
        self.fields.insert(name, count);
        count
    }

    /// Work units of `set` resolved once, for items of `context`.
    fn cost(&mut self, set: &'a SelectionSet, context: Context) -> u64 {
        let mut total = 0u64;
        for selection in &set.items {
            let cost = match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let size = FieldSize::of(field.name.node.as_str(), context, |name| self.argument(field.get_argument(name)));
                    let inner = self.cost(&field.selection_set.node, size.items);
                    size.work.saturating_add(size.count.saturating_mul(1u64.saturating_add(inner)))
                }
                Selection::InlineFragment(inline) => self.cost(&inline.node.selection_set.node, context),
                Selection::FragmentSpread(spread) => self.fragment_cost(&spread.node.fragment_name.node, context),
            };
            total = total.saturating_add(cost);
        }
        total
    }

    fn fragment_cost(&mut self, name: &'a Name, context: Context) -> u64 {
        if let Some(&known) = self.costs.get(&(name, context)) {
            return known;
        }
        let Some(fragment) = self.document.fragments.get(name) else {
            return 0;
        };
        let cost = self.cost(&fragment.node.selection_set.node, context);
        self.costs.insert((name, context), cost);
        cost
    }

    /// An argument's value as a size: an integer, or a list's length; variables resolved. A value that is
    /// no GraphQL `Int` (over 2^31) is no size: validation refuses it with its own message.
    fn argument(&self, value: Option<&Positioned<async_graphql_value::Value>>) -> Option<u64> {
        use async_graphql_value::Value as Syntax;
        let value = value?;
        match &value.node {
            Syntax::Variable(name) => match self.variables.get(name.as_str())? {
                serde_json::Value::Number(number) => int_size(number.as_u64(), number.as_i64()),
                serde_json::Value::Array(items) => Some(items.len() as u64),
                _ => None,
            },
            Syntax::Number(number) => int_size(number.as_u64(), number.as_i64()),
            Syntax::List(items) => Some(items.len() as u64),
            _ => None,
        }
    }
}

/// A size from an integer: negatives are 0, values over `i32::MAX` none.
fn int_size(unsigned: Option<u64>, signed: Option<i64>) -> Option<u64> {
    match (unsigned, signed) {
        (Some(value), _) => (value <= i32::MAX as u64).then_some(value),
        (None, Some(_)) => Some(0),
        (None, None) => None,
    }
}

/// Estimated items of a list field without a size argument, whose length the schema does not bound
/// (corners of a triangular arrangement, agreements of a partnership, participants, sources).
const LIST_ESTIMATE: u64 = 10;
/// Edges estimated per node of a subgraph.
const SUBGRAPH_EDGES_PER_NODE: u64 = 2;
/// Work of one path search step, per hop allowed (the two balls it loads).
const PATH_WORK_PER_HOP: u64 = 2_000;
/// Work of looking up one node by id.
const LOOKUP_WORK: u64 = 10;
/// Work of a statistics table: it may read up to 100,000 agreements with their participations.
const STATISTICS_WORK: u64 = 200_000;
/// Work of a matching question: up to 10,000 candidates read and scored, and up to 12 × 4 introduction
/// path searches of 4 hops.
const MATCHING_WORK: u64 = 10_000 + 48 * 4 * PATH_WORK_PER_HOP;
/// Work of a search (term index reads and ranking).
const SEARCH_WORK: u64 = 200;

/// How a field multiplies its selection.
struct FieldSize {
    /// Items the selection is resolved for (1 for an object, the list's length for a list).
    count: u64,
    /// The context of those items.
    items: Context,
    /// Work of the field's own algorithm, beyond its items.
    work: u64,
}

impl FieldSize {
    /// The size of field `name` met in `context`; `argument` reads one of the field's arguments as a size.
    fn of(name: &str, context: Context, argument: impl Fn(&str) -> Option<u64>) -> FieldSize {
        let first = |default: u64| argument("first").unwrap_or(default);
        let list = |count: u64| FieldSize { count, items: Context::Item, work: 0 };
        match (context, name) {
            (Context::Root, "nodes") => {
                let ids = argument("ids").unwrap_or(0);
                FieldSize { count: ids, items: Context::Item, work: ids.saturating_mul(LOOKUP_WORK) }
            }
            (Context::Root, "search") => FieldSize { count: first(10), items: Context::Item, work: SEARCH_WORK },
            (Context::Root, "neighborhood") => {
                let limit = argument("limit").unwrap_or(500);
                let depth = argument("depth").unwrap_or(1).max(1);
                FieldSize { count: 1, items: Context::Subgraph(limit), work: limit.saturating_mul(depth) }
            }
            (Context::Root, "paths") => {
                let hops = argument("maxHops").unwrap_or(4);
                FieldSize { count: first(3), items: Context::Path(hops), work: PATH_WORK_PER_HOP.saturating_mul(hops) }
            }
            (Context::Root, "triangulars") => {
                let first = first(50);
                FieldSize { count: first, items: Context::Item, work: first.saturating_mul(LIST_ESTIMATE) }
            }
            (Context::Root, "partners") => {
                let first = first(20);
                FieldSize { count: first, items: Context::Item, work: first.saturating_mul(LIST_ESTIMATE) }
            }
            (Context::Root, "matches" | "seekers") => FieldSize { count: 1, items: Context::Page(first(10)), work: MATCHING_WORK },
            (Context::Root, "statistics") => FieldSize { count: first(50), items: Context::Item, work: STATISTICS_WORK },
            (
                Context::Root,
                "agencies" | "countries" | "cities" | "networks" | "agreements" | "events" | "needs" | "offers" | "changes",
            ) => FieldSize { count: 1, items: Context::Page(first(20)), work: 0 },
            (Context::Root, "roleCrosswalk") => list(LIST_ESTIMATE),
            (Context::Item, "edges") => list(first(100)),
            (Context::Item, "members") => list(first(500)),
            (Context::Item, "beneficiary" | "pivotal" | "facilitating" | "participations" | "participants" | "agreements" | "sources") => {
                list(LIST_ESTIMATE)
            }
            (Context::Subgraph(limit), "nodes") => list(limit),
            (Context::Subgraph(limit), "edges") => list(limit.saturating_mul(SUBGRAPH_EDGES_PER_NODE)),
            (Context::Path(hops), "nodes") => list(hops.saturating_add(1)),
            (Context::Path(hops), "edges") => list(hops),
            (Context::Page(size), "edges" | "nodes" | "matches") => list(size),
            (Context::Item, "reasons" | "seekers" | "providers" | "places") => list(LIST_ESTIMATE),
            (Context::Item, "introduction") => FieldSize { count: 1, items: Context::Path(4), work: 0 },
            // Objects and scalars: resolved once per item. Fields of a subgraph, path or page other than
            // its lists (`truncated`, `pageInfo`) hold plain objects again.
            _ => list(1),
        }
    }
}

#[cfg(test)]
#[path = "cost_tests.rs"]
mod tests;
