//! Compiled queries: the questions a map asks most, answered without the general executor.
//!
//! A request's operation is compiled once (cached by its text and operation name, [`Plans`]) into a
//! [`Plan`] (`compile.rs`) when it is one this module answers exactly as async-graphql would; executing
//! the plan walks the graph on the request's snapshot, reads only the fields asked (a node's names and
//! degree from the embedded store's in-memory topology, no record; whole records, places and edge sources
//! only when the query asks for what they hold, as the widget's map does), and writes the JSON response
//! directly, in query order. Anything the plan does not cover — other root fields, fields it does not
//! know (a node's `edges`, `alternatives`, `version`…), arguments it cannot bind, a graph error — returns
//! `None`, and the general executor answers
//! (with its errors). The query runner's tests (`http/queries.rs`) check, query by query, that both give
//! the same bytes.

mod compile;
mod write;

use std::sync::Arc;

use async_graphql::Name;
use async_graphql::Variables;
use async_graphql::parser::types::ExecutableDocument;
use async_graphql_value::ConstValue;
use partnergraph_schema::{NodeId, NodeRecord, PartialDate};
use quick_cache::sync::Cache;

pub use compile::Plan;

use crate::gql::scalars::{EdgeDirection, EdgeType, NodeKind};
use crate::graph::{Graph, Named, NeighborhoodQuery, Subgraph};
use crate::store::RankedLink;

use compile::{Arg, ArgName};
use write::NodeRow;

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
        let mut out = Vec::with_capacity(16 * 1024);
        out.extend_from_slice(b"{\"data\":{");
        for (at, root) in self.roots.iter().enumerate() {
            let (center, query) = bind(&root.args, variables)?;
            write::comma(&mut out, at);
            write::key(&mut out, &root.key);
            if self.needs_records() {
                self.write_from_records(&mut out, root, graph, &center, &query).await?;
                continue;
            }
            match graph.neighborhood_ranked(&center, &query).await.ok()? {
                Some((topology, walked)) => {
                    // Only the columns the plan writes are read: each is a cache miss per node at scale.
                    let (names, degrees) = (self.needs_names(), self.needs_degrees());
                    let nodes = walked
                        .nodes
                        .iter()
                        .map(|rank| {
                            let names = if names { Some(topology.name_refs(*rank).ok()?) } else { None };
                            NodeRow::new(topology.node_str(*rank)?, names, if degrees { topology.degree(*rank) } else { 0 })
                        })
                        .collect::<Option<Vec<_>>>()?;
                    let edges = walked.edges.iter().map(|edge| topology.link_view(edge.edge)).collect::<Option<Vec<_>>>()?;
                    write::subgraph(&mut out, &root.fields, &nodes, &edges, &[], walked.truncated);
                }
                None => {
                    let subgraph: Subgraph<Named> = graph.neighborhood_of(&center, &query).await.ok()?;
                    let degrees = if self.needs_degrees() {
                        let ids: Vec<NodeId> = subgraph.nodes.iter().map(|node| node.id.clone()).collect();
                        graph.degrees(&ids).await.ok()?
                    } else {
                        Vec::new()
                    };
                    let nodes = subgraph
                        .nodes
                        .iter()
                        .enumerate()
                        .map(|(at, node)| {
                            NodeRow::new(node.id.as_str(), Some(write::refs(&node.names)), degrees.get(at).copied().unwrap_or_default())
                        })
                        .collect::<Option<Vec<_>>>()?;
                    let edges: Vec<RankedLink<'_>> = subgraph.edges.iter().map(write::link_row).collect();
                    write::subgraph(&mut out, &root.fields, &nodes, &edges, &[], subgraph.truncated);
                }
            }
        }
        out.extend_from_slice(b"}}");
        Some(out)
    }

    /// One root's subgraph, walked with whole node records (as the general executor walks it), with the
    /// degrees, positions and edge sources the plan asks for read for the whole subgraph at once.
    async fn write_from_records(
        &self,
        out: &mut Vec<u8>,
        root: &compile::Root,
        graph: &Graph,
        center: &NodeId,
        query: &NeighborhoodQuery,
    ) -> Option<()> {
        let subgraph: Subgraph<NodeRecord> = graph.neighborhood_of(center, query).await.ok()?;
        let ids = || subgraph.nodes.iter().map(|node| node.id.clone()).collect::<Vec<NodeId>>();
        let degrees = if self.needs_degrees() { graph.degrees(&ids()).await.ok()? } else { Vec::new() };
        let positions = if self.needs_locations() { graph.positions(&subgraph.nodes).await.ok()? } else { Vec::new() };
        let edge_sources = if self.needs_edge_sources() {
            let edge_ids: Vec<_> = subgraph.edges.iter().map(|edge| edge.id.clone()).collect();
            graph.edge_sources(&edge_ids).await.ok()?
        } else {
            Vec::new()
        };
        let nodes: Vec<NodeRow<'_>> = subgraph
            .nodes
            .iter()
            .enumerate()
            .map(|(at, node)| {
                let position = positions.get(at).copied().flatten();
                let names = self.needs_names().then(|| write::names_of(node));
                NodeRow::of_record(node, names, degrees.get(at).copied().unwrap_or_default(), position)
            })
            .collect();
        let edges: Vec<RankedLink<'_>> = subgraph.edges.iter().map(write::link_row).collect();
        write::subgraph(out, &root.fields, &nodes, &edges, &edge_sources, subgraph.truncated);
        Some(())
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
