//! The root query fields of the GraphQL contract: lookups, search and the graph algorithms.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object, Result};
use partnergraph_schema::NodeId;
use partnergraph_schema::crosswalk::CROSSWALK;

use crate::error::{AppError, IntoGql};
use crate::gql::changes::Change;
use crate::gql::nodes::{Node, nodes};
use crate::gql::plain::NodeList;
use crate::gql::scalars::{Date, EdgeDirection, EdgeType, NodeKind, to_domain};
use crate::gql::types::{CrosswalkEntry, Partnership, Path, Stats, Subgraph, Triangular};
use crate::graph::{Graph, NeighborhoodQuery, PathQuery};

/// Most ids accepted by `nodes`.
pub const MAX_IDS: usize = 1000;

/// Parses a GraphQL id into a node id, or a BAD_USER_INPUT error.
pub fn node_id(id: &ID) -> Result<NodeId> {
    NodeId::parse(id.as_str()).map_err(AppError::from).gql()
}

/// Lookups, search and graph questions.
#[derive(Default)]
pub struct QueryRoot;

#[Object]
impl QueryRoot {
    /// One node by id; null if there is none.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        let id = node_id(&id)?;
        Ok(ctx.data::<Graph>()?.node(&id).await.gql()?.map(Node::from_record))
    }

    /// The node with an identifier in another register (schemes `iati-org`, `iati-activity`,
    /// `iso3166-alpha2`, `iso3166-alpha3`, …; the value's case does not matter); null if there is none.
    async fn lookup(&self, ctx: &Context<'_>, scheme: String, value: String) -> Result<Option<Node>> {
        Ok(ctx.data::<Graph>()?.lookup(&scheme, &value).await.gql()?.map(Node::from_record))
    }

    /// Several nodes by id, in the order asked; null for ids that do not exist (at most 1000 ids).
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<Option<Node>>> {
        if ids.len() > MAX_IDS {
            return Err(AppError::BadInput(format!("at most {MAX_IDS} ids per request"))).gql();
        }
        let ids: Vec<NodeId> = ids.iter().map(node_id).collect::<Result<_>>()?;
        let found = ctx.data::<Graph>()?.nodes(&ids).await.gql()?;
        Ok(found.into_iter().map(|node| node.map(Node::from_record)).collect())
    }

    /// Nodes whose name, acronym or alias matches `text`, ignoring case and accents: exact acronym and
    /// name hits first, then prefixes, then word matches.
    async fn search(
        &self,
        ctx: &Context<'_>,
        text: String,
        kinds: Option<Vec<NodeKind>>,
        #[graphql(default = 10)] first: Option<i32>,
    ) -> Result<NodeList> {
        let kinds = to_domain(kinds);
        let found = ctx.data::<Graph>()?.search(&text, &kinds, i64::from(first.unwrap_or(10))).await.gql()?;
        nodes(ctx, found).await
    }

    /// The nodes within `depth` hops of `id` and the edges walked, filtered by node kind, edge type, date
    /// and direction (`OUT`: follow edges from their source to their target only; `IN` the reverse;
    /// either way by default); never more than `limit` nodes (`truncated` says when some were left out).
    async fn neighborhood(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default = 1)] depth: Option<i32>,
        kinds: Option<Vec<NodeKind>>,
        edge_types: Option<Vec<EdgeType>>,
        as_of: Option<Date>,
        #[graphql(default = 500)] limit: Option<i32>,
        #[graphql(default)] direction: EdgeDirection,
    ) -> Result<Subgraph> {
        let id = node_id(&id)?;
        let query = NeighborhoodQuery {
            depth: i64::from(depth.unwrap_or(1)),
            kinds: to_domain(kinds),
            edge_types: to_domain(edge_types),
            as_of: as_of.map(|date| date.0),
            direction: direction.into(),
            limit: i64::from(limit.unwrap_or(500)),
        };
        ctx.data::<Graph>()?.neighborhood(&id, &query).await.map(Subgraph::from).gql()
    }

    /// "Through whom": the `first` shortest paths of at most `maxHops` edges between two nodes, ignoring
    /// edge direction; shortest first, then by the ids along the path.
    async fn paths(
        &self,
        ctx: &Context<'_>,
        from: ID,
        to: ID,
        #[graphql(default = 4)] max_hops: Option<i32>,
        #[graphql(default = 3)] first: Option<i32>,
        as_of: Option<Date>,
    ) -> Result<Vec<Path>> {
        let (from, to) = (node_id(&from)?, node_id(&to)?);
        let query =
            PathQuery { max_hops: i64::from(max_hops.unwrap_or(4)), first: i64::from(first.unwrap_or(3)), as_of: as_of.map(|date| date.0) };
        let found = ctx.data::<Graph>()?.paths(&from, &to, &query).await.gql()?;
        Ok(found.into_iter().map(Path).collect())
    }

    /// Triangular arrangements (agreements with beneficiary, pivotal and facilitating participants),
    /// all of them or those `involving` an agreement or an actor, in agreement id order.
    async fn triangulars(
        &self,
        ctx: &Context<'_>,
        involving: Option<ID>,
        #[graphql(default = 50)] first: Option<i32>,
        as_of: Option<Date>,
    ) -> Result<Vec<Triangular>> {
        let involving = involving.as_ref().map(node_id).transpose()?;
        let found =
            ctx.data::<Graph>()?.triangulars(involving.as_ref(), i64::from(first.unwrap_or(50)), as_of.map(|date| date.0)).await.gql()?;
        Ok(found.into_iter().map(Triangular).collect())
    }

    /// Who works with `id`: actors involved in the same agreements (participating, funding or
    /// administering), heaviest collaboration first.
    async fn partners(&self, ctx: &Context<'_>, id: ID, #[graphql(default = 20)] first: Option<i32>) -> Result<Vec<Partnership>> {
        let id = node_id(&id)?;
        let found = ctx.data::<Graph>()?.partners(&id, i64::from(first.unwrap_or(20))).await.gql()?;
        Ok(found.into_iter().map(Partnership).collect())
    }

    /// The crosswalk between OECD triangular roles and IATI participating-organisation roles.
    async fn role_crosswalk(&self) -> Vec<CrosswalkEntry> {
        CROSSWALK
            .iter()
            .map(|row| CrosswalkEntry {
                role: row.role.into(),
                iati_role: row.iati_role.into(),
                affinity: row.affinity.into(),
                note: row.note.to_owned(),
            })
            .collect()
    }

    /// The audit trail: changes committed at or after `since` (RFC 3339) and numbered after `after`,
    /// oldest first (at most 1000 a page). Each curation write is one change per record, with the record
    /// before and after; each imported file one change with its counts.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        since: Option<String>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Change>> {
        crate::gql::changes::changes(ctx, since, first, after).await
    }

    /// Sizes of the graph.
    async fn stats(&self, ctx: &Context<'_>) -> Result<Stats> {
        let (stats, backend) = ctx.data::<Graph>()?.stats().await.gql()?;
        Ok(Stats { nodes: stats.nodes, edges: stats.edges, backend: backend.to_owned() })
    }
}
