//! The `Node` interface and its eight object types, as thin views over `NodeRecord`.
//!
//! The fields every node has are generated once by `node_object!`; each kind adds its own. Related
//! nodes (headquarters, countries, participants) are resolved through `crate::graph`, never the store.

use std::borrow::Cow;
use std::sync::Arc;

use async_graphql::dataloader::DataLoader;
use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::{Context, ContextSelectionSet, ID, Interface, Object, OutputType, Positioned, Result, ServerResult, Value};
use partnergraph_schema::{NodeId, NodeKind as DomainKind, NodeRecord};

use crate::error::IntoGql;
use crate::gql::changes::{self, Change};
use crate::gql::loaders::DegreeLoader;
use crate::gql::money::{ActivityStatus, Amount, Recipient, Translation};
use crate::gql::plain::{EdgeList, NodeList, PlannedList};
use crate::gql::scalars::{AgencyType, AgreementType, Date, EdgeDirection, EdgeType, EventType, NetworkType, NodeKind, to_domain};
use crate::gql::types::{Alternative, GeoPoint, Identifier, Participation, Source, edges, participations};
use crate::graph::{Graph, triangulars::is_triangular};
use crate::store::{EdgeFilter, Subject};
use async_graphql::connection::Connection;

// The `Node` interface as the schema declares it: registered through `Node`'s type info, never
// resolved. async-graphql's derived interface resolves a field selected on the interface through its
// own dispatch, which drops the field's `path` from its errors (and from errors in its arguments);
// `Node` resolves every value as its concrete object instead, as a fragment on that object would.
/// Anything in the graph.
// The derive's `field(...)` attributes share argument shapes, which clippy mistakes for duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(Interface)]
#[graphql(
    name = "Node",
    field(name = "id", ty = "ID", desc = "Stable, readable id: `<kind>:<slug>`, e.g. `agency:unossc`, `country:THA`."),
    field(name = "kind", ty = "NodeKind", desc = "What the node is."),
    field(name = "name", ty = "&str", desc = "Full name in English."),
    field(name = "acronym", ty = "Option<&str>", desc = "Short form, e.g. `UNOSSC`."),
    field(name = "aliases", ty = "&[String]", desc = "Other names used in the sources."),
    field(
        name = "translations",
        ty = "Vec<Translation>",
        desc = "The name and description in other languages than the node's own, as the sources give them (an IATI title and description in each language)."
    ),
    field(name = "description", ty = "Option<&str>", desc = "One sentence of what it is."),
    field(name = "sources", ty = "Vec<Source>", desc = "Where the documents name it."),
    field(
        name = "identifiers",
        ty = "Vec<Identifier>",
        desc = "Identifiers in other registers: IATI organisation and activity identifiers; a country's ISO 3166-1 codes."
    ),
    field(
        name = "alternatives",
        ty = "Vec<Alternative>",
        desc = "Where the origins describing the node disagree: each origin's value of each such field, with its precedence and sources, the shown one marked. Empty when one origin describes it or they agree."
    ),
    field(
        name = "location",
        ty = "Option<GeoPoint>",
        desc = "Coordinates: countries their centroid, cities their GeoNames point, agencies and events their city's (or country's)."
    ),
    field(name = "degree", ty = "Result<i32>", desc = "Number of edges touching the node."),
    field(
        name = "version",
        ty = "Result<i64>",
        desc = "1 when first written, one more at each change (what a write states as `expectedVersion`)."
    ),
    field(
        name = "history",
        ty = "Result<Connection<String, Change>>",
        desc = "The node's changes in the audit trail, oldest first.",
        arg(name = "first", ty = "Option<i32>", default = 20, desc = "How many changes."),
        arg(name = "after", ty = "Option<String>", desc = "The number of the change to start after.")
    ),
    field(
        name = "edges",
        ty = "Result<EdgeList>",
        desc = "The first `first` edges touching the node (at most 5000), in id order.",
        arg(name = "types", ty = "Option<Vec<EdgeType>>", desc = "Only these types."),
        arg(name = "as_of", ty = "Option<Date>", desc = "Only edges valid at some time during this date."),
        arg(name = "first", ty = "Option<i32>", default = 100, desc = "How many edges."),
        arg(name = "direction", ty = "EdgeDirection", default, desc = "Only edges leaving the node (`OUT`), or entering it (`IN`).")
    )
)]
enum NodeInterface {
    Agency(Agency),
    Country(Country),
    City(City),
    Network(Network),
    Agreement(Agreement),
    Event(Event),
    Need(Need),
    Offer(Offer),
}

/// Anything in the graph: a value of the `Node` interface, resolved as its concrete object.
pub enum Node {
    /// An organisation.
    Agency(Agency),
    /// A country.
    Country(Country),
    /// A city.
    City(City),
    /// A network.
    Network(Network),
    /// An agreement.
    Agreement(Agreement),
    /// An event.
    Event(Event),
    /// A need (matching).
    Need(Need),
    /// An offer (matching).
    Offer(Offer),
}

impl OutputType for Node {
    fn type_name() -> Cow<'static, str> {
        NodeInterface::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        NodeInterface::create_type_info(registry)
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        match self {
            Node::Agency(_) => Agency::type_name(),
            Node::Country(_) => Country::type_name(),
            Node::City(_) => City::type_name(),
            Node::Network(_) => Network::type_name(),
            Node::Agreement(_) => Agreement::type_name(),
            Node::Event(_) => Event::type_name(),
            Node::Need(_) => Need::type_name(),
            Node::Offer(_) => Offer::type_name(),
        }
    }

    async fn resolve(&self, ctx: &ContextSelectionSet<'_>, field: &Positioned<Field>) -> ServerResult<Value> {
        match self {
            Node::Agency(object) => OutputType::resolve(object, ctx, field).await,
            Node::Country(object) => OutputType::resolve(object, ctx, field).await,
            Node::City(object) => OutputType::resolve(object, ctx, field).await,
            Node::Network(object) => OutputType::resolve(object, ctx, field).await,
            Node::Agreement(object) => OutputType::resolve(object, ctx, field).await,
            Node::Event(object) => OutputType::resolve(object, ctx, field).await,
            Node::Need(object) => OutputType::resolve(object, ctx, field).await,
            Node::Offer(object) => OutputType::resolve(object, ctx, field).await,
        }
    }
}

impl Node {
    /// The view of `record` for its kind.
    pub fn from_record(record: NodeRecord) -> Node {
        Node::with_known(Arc::new(record), Known::default())
    }

    /// The record and what a list read ahead for it.
    pub(crate) fn parts(&self) -> (&NodeRecord, &Known) {
        match self {
            Node::Agency(Agency(record, known))
            | Node::Country(Country(record, known))
            | Node::City(City(record, known))
            | Node::Network(Network(record, known))
            | Node::Agreement(Agreement(record, known))
            | Node::Event(Event(record, known))
            | Node::Need(Need(record, known))
            | Node::Offer(Offer(record, known)) => (record, known),
        }
    }

    /// The view of `record` (shared with whatever else holds it), with what a list already read for it.
    pub(crate) fn with_known(record: Arc<NodeRecord>, known: Known) -> Node {
        match record.kind {
            DomainKind::Agency => Node::Agency(Agency(record, known)),
            DomainKind::Country => Node::Country(Country(record, known)),
            DomainKind::City => Node::City(City(record, known)),
            DomainKind::Network => Node::Network(Network(record, known)),
            DomainKind::Agreement => Node::Agreement(Agreement(record, known)),
            DomainKind::Event => Node::Event(Event(record, known)),
            DomainKind::Need => Node::Need(Need(record, known)),
            DomainKind::Offer => Node::Offer(Offer(record, known)),
        }
    }
}

/// Fields of a node read ahead for a whole list (`None`: read when asked).
#[derive(Default)]
pub struct Known {
    pub(crate) degree: Option<u64>,
    pub(crate) location: Option<Option<partnergraph_schema::GeoPoint>>,
}

/// A degree as the schema's `Int`.
pub(crate) fn degree_number(degree: u64) -> i32 {
    i32::try_from(degree).unwrap_or(i32::MAX)
}

/// A country's ISO 3166-1 alpha-3 code: its own, else its id's slug.
pub(crate) fn iso3(record: &NodeRecord) -> &str {
    record.iso3.as_deref().unwrap_or_else(|| record.id.slug())
}

/// Converts records to views for a list field. When the query asks for `degree` or `location`, they are
/// read for the whole list here — one store call for degrees, two expansions and one node read for
/// locations — so a list of any length costs a few round trips and no batching delay.
/// Records come owned or shared (`Arc`): a result that several fields list, such as a subgraph, shares its
/// records with each list instead of copying them.
pub async fn nodes<R: Into<Arc<NodeRecord>>>(ctx: &Context<'_>, records: Vec<R>) -> Result<NodeList> {
    let records: Vec<Arc<NodeRecord>> = records.into_iter().map(Into::into).collect();
    let mut known: Vec<Known> = records.iter().map(|_| Known::default()).collect();
    if records.len() >= 2 {
        let graph = ctx.data::<Graph>()?;
        let look_ahead = ctx.look_ahead();
        if look_ahead.field("degree").exists() {
            let ids: Vec<NodeId> = records.iter().map(|record| record.id.clone()).collect();
            let degrees = graph.degrees(&ids).await.gql()?;
            known.iter_mut().zip(degrees).for_each(|(known, degree)| known.degree = Some(degree));
        }
        if look_ahead.field("location").exists() {
            let positions = graph.positions(&records).await.gql()?;
            known.iter_mut().zip(positions).for_each(|(known, position)| known.location = Some(position));
        }
    }
    Ok(PlannedList(records.into_iter().zip(known).map(|(record, known)| Node::with_known(record, known)).collect()))
}

async fn fetch(ctx: &Context<'_>, id: Option<NodeId>) -> Result<Option<Node>> {
    let Some(id) = id else { return Ok(None) };
    ctx.data::<Graph>()?.node(&id).await.gql().map(|found| found.map(Node::from_record))
}

async fn located(ctx: &Context<'_>, id: &NodeId) -> Result<crate::graph::Located> {
    let graph = ctx.data::<Graph>()?;
    Ok(graph.locate(std::slice::from_ref(id)).await.gql()?.remove(id).unwrap_or_default())
}

/// Own location, else the city's, else the country's ([`Graph::positions`]).
async fn position(ctx: &Context<'_>, node: &NodeRecord) -> Result<Option<GeoPoint>> {
    let graph = ctx.data::<Graph>()?;
    Ok(graph.positions(std::slice::from_ref(node)).await.gql()?.pop().flatten().map(GeoPoint))
}

macro_rules! node_object {
    ($(#[$meta:meta])* $name:ident { $($extra:tt)* }) => {
        $(#[$meta])*
        pub struct $name(pub(crate) Arc<NodeRecord>, pub(crate) Known);

        impl $name {
            /// The view of `record` (which must be of this kind).
            pub(crate) fn new(record: NodeRecord) -> $name {
                $name(Arc::new(record), Known::default())
            }
        }

        #[Object(serial)]
        impl $name {
            /// Stable, readable id: `<kind>:<slug>`.
            pub(crate) async fn id(&self) -> ID {
                ID(self.0.id.to_string())
            }

            /// What the node is.
            pub(crate) async fn kind(&self) -> NodeKind {
                self.0.kind.into()
            }

            /// Full name in English.
            pub(crate) async fn name(&self) -> &str {
                &self.0.name
            }

            /// Short form.
            pub(crate) async fn acronym(&self) -> Option<&str> {
                self.0.acronym.as_deref()
            }

            /// Other names used in the sources.
            pub(crate) async fn aliases(&self) -> &[String] {
                &self.0.aliases
            }

            /// The name and description in other languages than the node's own, as the sources give them
            /// (an IATI title and description in each language).
            pub(crate) async fn translations(&self) -> Vec<$crate::gql::money::Translation> {
                self.0.translations.iter().map(Into::into).collect()
            }

            /// One sentence of what it is.
            pub(crate) async fn description(&self) -> Option<&str> {
                self.0.description.as_deref()
            }

            /// Where the documents name it.
            pub(crate) async fn sources(&self) -> Vec<Source> {
                self.0.sources.iter().cloned().map(Source).collect()
            }

            /// Identifiers in other registers: IATI organisation and activity identifiers; a country's ISO
            /// 3166-1 codes.
            pub(crate) async fn identifiers(&self) -> Vec<Identifier> {
                crate::graph::identifiers(&self.0).into_iter().map(Identifier).collect()
            }

            /// Where the origins describing the node disagree: each origin's value of each such field, with
            /// its precedence and sources, the shown one marked. Empty when one origin describes it or they
            /// agree.
            pub(crate) async fn alternatives(&self) -> Vec<Alternative> {
                partnergraph_schema::claims::alternatives(&self.0).into_iter().map(Alternative).collect()
            }

            /// Coordinates (own, else its city's, else its country's).
            pub(crate) async fn location(&self, ctx: &Context<'_>) -> Result<Option<GeoPoint>> {
                match self.1.location {
                    Some(known) => Ok(known.map(GeoPoint)),
                    None => position(ctx, &self.0).await,
                }
            }

            /// 1 when first written, one more at each change (what a write states as `expectedVersion`).
            pub(crate) async fn version(&self, ctx: &Context<'_>) -> Result<i64> {
                changes::version(ctx, Subject::Node(self.0.id.clone())).await
            }

            /// The node's changes in the audit trail, oldest first.
            pub(crate) async fn history(
                &self,
                ctx: &Context<'_>,
                #[graphql(default = 20)] first: Option<i32>,
                after: Option<String>,
            ) -> Result<Connection<String, Change>> {
                changes::history(ctx, Subject::Node(self.0.id.clone()), first, after).await
            }

            /// Number of edges touching the node.
            pub(crate) async fn degree(&self, ctx: &Context<'_>) -> Result<i32> {
                let degree = match self.1.degree {
                    Some(degree) => Some(degree),
                    None => ctx.data::<DataLoader<DegreeLoader>>()?.load_one(self.0.id.clone()).await.gql()?,
                };
                Ok(degree.map_or(0, degree_number))
            }

            /// The first `first` edges touching the node (by id), of some types, valid on a date, and
            /// leaving it (`OUT`), entering it (`IN`) or either (the default).
            pub(crate) async fn edges(
                &self,
                ctx: &Context<'_>,
                types: Option<Vec<EdgeType>>,
                as_of: Option<Date>,
                #[graphql(default = 100)] first: Option<i32>,
                #[graphql(default)] direction: EdgeDirection,
            ) -> Result<EdgeList> {
                let filter = EdgeFilter { types: to_domain(types), as_of: as_of.map(|date| date.0), direction: direction.into() };
                let first = i64::from(first.unwrap_or(100));
                let links = ctx.data::<Graph>()?.incident_page(&self.0.id, &filter, first).await.gql()?;
                edges(ctx, links).await
            }

            $($extra)*
        }
    };
}

node_object! {
    /// An organisation: UN entity, government agency, development bank, NGO, university.
    Agency {
        /// What kind of organisation.
        async fn agency_type(&self) -> Option<AgencyType> {
            self.0.agency_type.map(Into::into)
        }

        /// Headquarters city (its LOCATED_IN city).
        async fn headquarters(&self, ctx: &Context<'_>) -> Result<Option<City>> {
            let place = located(ctx, &self.0.id).await?;
            Ok(fetch(ctx, place.city).await?.and_then(|node| match node { Node::City(city) => Some(city), _ => None }))
        }

        /// Country (its LOCATED_IN country, else its headquarters' country).
        async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>> {
            let place = located(ctx, &self.0.id).await?;
            Ok(fetch(ctx, place.country).await?.and_then(|node| match node { Node::Country(country) => Some(country), _ => None }))
        }
    }
}

node_object! {
    /// A country.
    Country {
        /// ISO 3166-1 alpha-3 code.
        async fn iso3(&self) -> &str {
            iso3(&self.0)
        }

        /// Continent (from GeoNames).
        async fn region(&self) -> Option<&str> {
            self.0.region.as_deref()
        }
    }
}

node_object! {
    /// A city.
    City {
        /// The country the city is in.
        async fn country(&self, ctx: &Context<'_>) -> Result<Country> {
            let country = ctx.data::<Graph>()?.city_country(&self.0.id).await.gql()?;
            Ok(Country::new(country))
        }
    }
}

node_object! {
    /// A network, alliance, group of countries or community with members.
    Network {
        /// What kind of network.
        async fn network_type(&self) -> Option<NetworkType> {
            self.0.network_type.map(Into::into)
        }

        /// Its members (MEMBER_OF edges pointing at it): the first `first` by edge id.
        async fn members(&self, ctx: &Context<'_>, as_of: Option<Date>, #[graphql(default = 500)] first: Option<i32>) -> Result<NodeList> {
            let found = ctx.data::<Graph>()?.members(&self.0.id, as_of.map(|date| date.0), i64::from(first.unwrap_or(500))).await.gql()?;
            nodes(ctx, found).await
        }
    }
}

node_object! {
    /// A partnership agreement, trust fund, facility, programme, project or centre of excellence.
    Agreement {
        /// What kind of agreement.
        async fn agreement_type(&self) -> Option<AgreementType> {
            self.0.agreement_type.map(Into::into)
        }

        /// When it started.
        async fn start(&self) -> Option<Date> {
            self.0.start.map(Date)
        }

        /// When it ended.
        async fn end(&self) -> Option<Date> {
            self.0.end.map(Date)
        }

        /// Total size in US dollars, where the sources state it.
        async fn amount_usd(&self) -> Option<f64> {
            self.0.amount_usd
        }

        /// Where it stands (IATI `activity-status`).
        async fn status(&self) -> Option<ActivityStatus> {
            self.0.status.map(Into::into)
        }

        /// The recipient countries and regions, with their shares when given.
        async fn recipients(&self) -> Vec<Recipient> {
            self.0.recipients.iter().cloned().map(Into::into).collect()
        }

        /// Its budgets, commitments and disbursements, each summed per currency (not converted).
        async fn amounts(&self) -> Vec<Amount> {
            self.0.amounts.iter().cloned().map(Into::into).collect()
        }

        /// Sustainable Development Goals (1–17) the sources name.
        async fn sdgs(&self) -> Vec<i32> {
            self.0.sdgs.iter().map(|sdg| i32::from(*sdg)).collect()
        }

        /// Who takes part, in which roles and when (PARTICIPATES_IN edges), in edge id order.
        async fn participants(&self, ctx: &Context<'_>, as_of: Option<Date>) -> Result<Vec<Participation>> {
            let links = ctx.data::<Graph>()?.participations(&self.0.id).await.gql()?;
            participations(ctx, links.into_iter().filter(|link| link.valid_during(as_of.map(|date| date.0))).collect()).await
        }

        /// Whether its participants cover the three OECD roles: beneficiary, pivotal and facilitating.
        async fn triangular(&self, ctx: &Context<'_>) -> Result<bool> {
            Ok(is_triangular(&ctx.data::<Graph>()?.participations(&self.0.id).await.gql()?))
        }
    }
}

node_object! {
    /// A dated event: forum, conference, expo, consultation.
    Event {
        /// What kind of event.
        async fn event_type(&self) -> Option<EventType> {
            self.0.event_type.map(Into::into)
        }

        /// When it started.
        async fn start(&self) -> Option<Date> {
            self.0.start.map(Date)
        }

        /// When it ended.
        async fn end(&self) -> Option<Date> {
            self.0.end.map(Date)
        }

        /// Where it took place (its LOCATED_IN city).
        async fn city(&self, ctx: &Context<'_>) -> Result<Option<City>> {
            let place = located(ctx, &self.0.id).await?;
            Ok(fetch(ctx, place.city).await?.and_then(|node| match node { Node::City(city) => Some(city), _ => None }))
        }

        /// The country it took place in.
        async fn country(&self, ctx: &Context<'_>) -> Result<Option<Country>> {
            let place = located(ctx, &self.0.id).await?;
            Ok(fetch(ctx, place.country).await?.and_then(|node| match node { Node::Country(country) => Some(country), _ => None }))
        }
    }
}

mod needs;
pub use needs::{Need, Offer};
