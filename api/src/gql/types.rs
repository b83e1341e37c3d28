//! GraphQL object types other than nodes: edges, participations, sources, and the shapes of the
//! algorithm results (subgraphs, paths, triangulars, partnerships).

use std::borrow::Borrow;
use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use partnergraph_schema::{EdgeId, EdgeLink, NodeId, NodeRecord};

use crate::error::IntoGql;
use crate::gql::changes::{self, Change};
use crate::gql::nodes::{Node, nodes};
use crate::gql::plain::{EdgeList, NodeList, PlannedList};
use crate::gql::scalars::{Affinity, Date, EdgeType, IatiRole, Precedence, Role};
use crate::graph::{self, Graph};
use crate::store::Subject;
use async_graphql::connection::Connection;

/// Where a fact comes from: a document and paragraph, with the sentence that states it.
pub struct Source(pub(crate) partnergraph_schema::Source);

#[Object(serial)]
impl Source {
    /// The seed document's file name, or an imported file's name or IATI identifier.
    async fn document(&self) -> &str {
        &self.0.document
    }

    /// The paragraph: the report's own number for the Secretary-General's report, else the count of
    /// non-empty paragraphs from the top of the document.
    async fn paragraph(&self) -> Option<i32> {
        paragraph_number(&self.0)
    }

    /// A short verbatim extract that states the fact.
    async fn quote(&self) -> Option<&str> {
        self.0.quote.as_deref()
    }
}

/// One origin's value of a field on which the origins describing a node disagree.
pub struct Alternative(pub(crate) partnergraph_schema::claims::Alternative);

#[Object(serial)]
impl Alternative {
    /// The field, as the dataset format names it: `name`, `acronym`, `agencyType`, `start`, …
    async fn field(&self) -> &str {
        self.0.field
    }

    /// The value this origin gives, as text (enums in their upper-case spelling, a location as `lat,lon`).
    async fn value(&self) -> &str {
        &self.0.value
    }

    /// The origin: the imported IATI file's name, or empty for the node's curated record.
    async fn origin(&self) -> &str {
        &self.0.origin
    }

    /// What kind of origin it is: why its value is shown or not.
    async fn precedence(&self) -> Precedence {
        self.0.precedence.into()
    }

    /// Whether the node shows this value.
    async fn shown(&self) -> bool {
        self.0.shown
    }

    /// The sources of this origin's record.
    async fn sources(&self) -> Vec<Source> {
        self.0.sources.iter().cloned().map(Source).collect()
    }
}

/// An identifier of a node in another register.
pub struct Identifier(pub(crate) partnergraph_schema::Identifier);

#[Object(serial)]
impl Identifier {
    /// The register: `iati-org`, `iati-activity`, `iso3166-alpha2`, `iso3166-alpha3`, …
    async fn scheme(&self) -> &str {
        &self.0.scheme
    }

    /// The identifier in that register, as published.
    async fn value(&self) -> &str {
        &self.0.value
    }
}

/// A source's paragraph as the schema's `Int` (none if it does not fit).
pub(crate) fn paragraph_number(source: &partnergraph_schema::Source) -> Option<i32> {
    source.paragraph.and_then(|paragraph| i32::try_from(paragraph).ok())
}

/// A WGS 84 point.
pub struct GeoPoint(pub(crate) partnergraph_schema::GeoPoint);

#[Object(serial)]
impl GeoPoint {
    /// Latitude in degrees.
    async fn lat(&self) -> f64 {
        self.0.lat
    }

    /// Longitude in degrees.
    async fn lon(&self) -> f64 {
        self.0.lon
    }
}

async fn node_by_id(ctx: &Context<'_>, id: &NodeId) -> Result<Option<Node>> {
    Ok(ctx.data::<Graph>()?.node(id).await.gql()?.map(Node::from_record))
}

/// The sources of each of `links`, when the query asks for `sources` below the current list field: one
/// store call for the whole list (the sources are not part of a link).
async fn prefetch_sources<L: Borrow<EdgeLink>>(ctx: &Context<'_>, links: &[L]) -> Result<Vec<Option<Vec<partnergraph_schema::Source>>>> {
    if links.len() < 2 || !ctx.look_ahead().field("sources").exists() {
        return Ok(vec![None; links.len()]);
    }
    let ids: Vec<EdgeId> = links.iter().map(|link| link.borrow().id.clone()).collect();
    Ok(ctx.data::<Graph>()?.edge_sources(&ids).await.gql()?.into_iter().map(Some).collect())
}

/// The sources of one edge, fetched now unless a list fetched them already.
async fn sources_of(ctx: &Context<'_>, id: &EdgeId, known: &Option<Vec<partnergraph_schema::Source>>) -> Result<Vec<Source>> {
    let sources = match known {
        Some(sources) => sources.clone(),
        None => ctx.data::<Graph>()?.edge_sources(std::slice::from_ref(id)).await.gql()?.pop().unwrap_or_default(),
    };
    Ok(sources.into_iter().map(Source).collect())
}

/// Views of `links` for a list field, with their sources read in one call when the query asks for them.
/// Links come owned or shared (`Arc`), as records do for [`nodes`].
pub async fn edges<L: Into<Arc<EdgeLink>> + Borrow<EdgeLink>>(ctx: &Context<'_>, links: Vec<L>) -> Result<EdgeList> {
    let sources = prefetch_sources(ctx, &links).await?;
    Ok(PlannedList(links.into_iter().zip(sources).map(|(link, sources)| Edge { link: link.into(), sources }).collect()))
}

/// Views of PARTICIPATES_IN `links` for a list field, as [`edges`] does.
pub async fn participations(ctx: &Context<'_>, links: Vec<EdgeLink>) -> Result<Vec<Participation>> {
    let sources = prefetch_sources(ctx, &links).await?;
    Ok(links.into_iter().zip(sources).map(|(link, sources)| Participation { link, sources }).collect())
}

/// A directed, typed, dated relation, with its sources.
pub struct Edge {
    link: Arc<EdgeLink>,
    /// Sources read ahead for a whole list; `None` reads them when asked.
    sources: Option<Vec<partnergraph_schema::Source>>,
}

impl Edge {
    /// The view of `link`, with its sources if a list read them ahead.
    #[cfg(test)]
    pub(crate) fn new(link: EdgeLink, sources: Option<Vec<partnergraph_schema::Source>>) -> Edge {
        Edge { link: Arc::new(link), sources }
    }

    /// The view of a whole record.
    pub(crate) fn from_record(record: partnergraph_schema::EdgeRecord) -> Edge {
        let partnergraph_schema::EdgeRecord { id, edge_type, source, target, role, iati_role, from, to, amount_usd, sources, claims: _ } =
            record;
        let link = EdgeLink { id, edge_type, source, target, role, iati_role, from, to, amount_usd };
        Edge { link: Arc::new(link), sources: Some(sources) }
    }

    /// The relation, without its sources.
    pub(crate) fn link(&self) -> &EdgeLink {
        &self.link
    }

    /// The sources, if a list read them ahead.
    pub(crate) fn known_sources(&self) -> Option<&[partnergraph_schema::Source]> {
        self.sources.as_deref()
    }
}

#[Object(serial)]
impl Edge {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.link.id.to_string())
    }

    /// What the relation is.
    #[graphql(name = "type")]
    async fn edge_type(&self) -> EdgeType {
        self.link.edge_type.into()
    }

    /// 1 when first written, one more at each change (what a write states as `expectedVersion`).
    async fn version(&self, ctx: &Context<'_>) -> Result<i64> {
        changes::version(ctx, Subject::Edge(self.link.id.clone())).await
    }

    /// The edge's changes in the audit trail, oldest first.
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Change>> {
        changes::history(ctx, Subject::Edge(self.link.id.clone()), first, after).await
    }

    /// Id of the node the edge starts from.
    async fn source(&self) -> ID {
        ID(self.link.source.to_string())
    }

    /// Id of the node the edge points to.
    async fn target(&self) -> ID {
        ID(self.link.target.to_string())
    }

    /// The node the edge starts from.
    async fn source_node(&self, ctx: &Context<'_>) -> Result<Option<Node>> {
        node_by_id(ctx, &self.link.source).await
    }

    /// The node the edge points to.
    async fn target_node(&self, ctx: &Context<'_>) -> Result<Option<Node>> {
        node_by_id(ctx, &self.link.target).await
    }

    /// OECD triangular role of the source in the target (PARTICIPATES_IN).
    async fn role(&self) -> Option<Role> {
        self.link.role.map(Into::into)
    }

    /// IATI participating-organisation role of the source in the target.
    async fn iati_role(&self) -> Option<IatiRole> {
        self.link.iati_role.map(Into::into)
    }

    /// Valid from (open if null).
    async fn from(&self) -> Option<Date> {
        self.link.from.map(Date)
    }

    /// Valid to (open if null).
    async fn to(&self) -> Option<Date> {
        self.link.to.map(Date)
    }

    /// Amount in US dollars (FUNDS, contributions).
    async fn amount_usd(&self) -> Option<f64> {
        self.link.amount_usd
    }

    /// Where the relation is stated.
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        sources_of(ctx, &self.link.id, &self.sources).await
    }

    /// Where the origins stating the edge disagree (an analyst's correction of an IATI participation):
    /// each origin's value of each such field, with its precedence and sources, the shown one marked.
    /// Empty when one origin states it or they agree.
    async fn alternatives(&self, ctx: &Context<'_>) -> Result<Vec<Alternative>> {
        let record = ctx.data::<Graph>()?.edges(std::slice::from_ref(&self.link.id)).await.gql()?.pop().flatten();
        Ok(record
            .map(|edge| partnergraph_schema::claims::edges::alternatives(&edge).into_iter().map(Alternative).collect())
            .unwrap_or_default())
    }
}

/// One actor's part in an agreement, event or network: its roles and when.
pub struct Participation {
    link: EdgeLink,
    /// Sources read ahead for a whole list; `None` reads them when asked.
    sources: Option<Vec<partnergraph_schema::Source>>,
}

#[Object(serial)]
impl Participation {
    /// Who takes part.
    async fn actor(&self, ctx: &Context<'_>) -> Result<Node> {
        let graph = ctx.data::<Graph>()?;
        graph.require(&self.link.source).await.map(Node::from_record).gql()
    }

    /// OECD triangular role.
    async fn role(&self) -> Option<Role> {
        self.link.role.map(Into::into)
    }

    /// IATI participating-organisation role.
    async fn iati_role(&self) -> Option<IatiRole> {
        self.link.iati_role.map(Into::into)
    }

    /// In this role from (open if null).
    async fn from(&self) -> Option<Date> {
        self.link.from.map(Date)
    }

    /// In this role until (open if null).
    async fn to(&self) -> Option<Date> {
        self.link.to.map(Date)
    }

    /// Where the participation is stated.
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<Source>> {
        sources_of(ctx, &self.link.id, &self.sources).await
    }

    /// The PARTICIPATES_IN edge behind it.
    async fn edge(&self) -> Edge {
        Edge { link: Arc::new(self.link.clone()), sources: self.sources.clone() }
    }
}

/// Nodes and the edges walked between them. The records are shared with the lists made of them, not
/// copied for each (a field may be asked twice under two aliases, so they cannot be moved out).
pub struct Subgraph {
    nodes: Vec<Arc<NodeRecord>>,
    edges: Vec<Arc<EdgeLink>>,
    truncated: bool,
}

impl From<graph::Subgraph> for Subgraph {
    fn from(subgraph: graph::Subgraph) -> Subgraph {
        Subgraph {
            nodes: subgraph.nodes.into_iter().map(Arc::new).collect(),
            edges: subgraph.edges.into_iter().map(Arc::new).collect(),
            truncated: subgraph.truncated,
        }
    }
}

#[Object(serial)]
impl Subgraph {
    /// The centre first, then each level's new nodes in the order their first edge (by id) was met.
    async fn nodes(&self, ctx: &Context<'_>) -> Result<NodeList> {
        nodes(ctx, self.nodes.clone()).await
    }

    /// The edges walked (those touching a node closer than the depth) whose two ends are both returned,
    /// in id order.
    async fn edges(&self, ctx: &Context<'_>) -> Result<EdgeList> {
        edges(ctx, self.edges.clone()).await
    }

    /// Whether nodes within the depth were left out because of `limit`.
    async fn truncated(&self) -> bool {
        self.truncated
    }
}

/// A path: n nodes and the n − 1 edges between them, in walking order.
pub struct Path(pub(crate) graph::Path);

#[Object(serial)]
impl Path {
    /// From the start to the end.
    async fn nodes(&self, ctx: &Context<'_>) -> Result<NodeList> {
        nodes(ctx, self.0.nodes.clone()).await
    }

    /// `edges[i]` joins `nodes[i]` and `nodes[i + 1]`, in either direction.
    async fn edges(&self, ctx: &Context<'_>) -> Result<EdgeList> {
        edges(ctx, self.0.edges.clone()).await
    }

    /// Number of edges.
    async fn hops(&self) -> i32 {
        i32::try_from(self.0.edges.len()).unwrap_or(i32::MAX)
    }
}

/// A triangular arrangement: an agreement and its beneficiary, pivotal and facilitating corners.
pub struct Triangular(pub(crate) graph::Triangular);

#[Object(serial)]
impl Triangular {
    /// The agreement.
    async fn agreement(&self) -> Node {
        Node::from_record(self.0.agreement.clone())
    }

    /// Beneficiary partners.
    async fn beneficiary(&self, ctx: &Context<'_>) -> Result<NodeList> {
        nodes(ctx, self.0.beneficiary.clone()).await
    }

    /// Pivotal partners.
    async fn pivotal(&self, ctx: &Context<'_>) -> Result<NodeList> {
        nodes(ctx, self.0.pivotal.clone()).await
    }

    /// Facilitating partners.
    async fn facilitating(&self, ctx: &Context<'_>) -> Result<NodeList> {
        nodes(ctx, self.0.facilitating.clone()).await
    }

    /// The participations behind the corners, with their dates and sources (roles that changed over
    /// time appear once per period).
    async fn participations(&self, ctx: &Context<'_>) -> Result<Vec<Participation>> {
        participations(ctx, self.0.participations.clone()).await
    }
}

/// A partner of an actor, through shared agreements.
pub struct Partnership(pub(crate) graph::Partnership);

#[Object(serial)]
impl Partnership {
    /// The partner.
    async fn partner(&self) -> Node {
        Node::from_record(self.0.partner.clone())
    }

    /// The agreements both are involved in.
    async fn agreements(&self, ctx: &Context<'_>) -> Result<NodeList> {
        nodes(ctx, self.0.agreements.clone()).await
    }

    /// Collaboration weight: over the shared agreements, the sum of 1 / (other actors involved).
    async fn weight(&self) -> f64 {
        self.0.weight
    }
}

/// One pairing of the OECD ↔ IATI role crosswalk.
#[derive(SimpleObject)]
pub struct CrosswalkEntry {
    /// OECD triangular role.
    pub role: Role,
    /// IATI participating-organisation role.
    pub iati_role: IatiRole,
    /// How common the pairing is.
    pub affinity: Affinity,
    /// Why.
    pub note: String,
}

/// Sizes of the graph.
#[derive(SimpleObject)]
pub struct Stats {
    /// Number of nodes.
    pub nodes: u64,
    /// Number of edges.
    pub edges: u64,
    /// Which store serves the graph (`embedded` or `bolt`).
    pub backend: String,
}
