//! The Relay connections, one per node kind, with their kind-specific filters.
//!
//! Cursors are node ids (stable, and meaningful in logs); pages run forward in id order.

use async_graphql::connection::{Connection, Edge as ConnectionEdge};
use async_graphql::{Context, ID, InputObject, Object, OutputType, Result};
use partnergraph_schema::{NodeKind as DomainKind, NodeRecord};

use crate::error::{AppError, IntoGql};
use crate::gql::nodes::{Agency, Agreement, City, Country, Event, Need, Network, Offer};
use crate::gql::query::node_id;
use crate::gql::scalars::{AgencyType, AgreementType, Date, EventType, NetworkType, to_domain};
use crate::graph::{Graph, ListFilter};

/// Default page size.
const DEFAULT_PAGE: i32 = 20;

/// Filters for `agencies`.
#[derive(InputObject, Default)]
pub struct AgencyFilter {
    /// Only these kinds of organisation.
    pub agency_types: Option<Vec<AgencyType>>,
    /// Only agencies in this country (by id, e.g. `country:BRA`).
    pub country: Option<ID>,
}

/// Filters for `countries`.
#[derive(InputObject, Default)]
pub struct CountryFilter {
    /// Only countries in this region (continent), case-insensitive.
    pub region: Option<String>,
}

/// Filters for `cities`.
#[derive(InputObject, Default)]
pub struct CityFilter {
    /// Only cities in this country (by id).
    pub country: Option<ID>,
}

/// Filters for `networks`.
#[derive(InputObject, Default)]
pub struct NetworkFilter {
    /// Only these kinds of network.
    pub network_types: Option<Vec<NetworkType>>,
}

/// Filters for `agreements`.
#[derive(InputObject, Default)]
pub struct AgreementFilter {
    /// Only these kinds of agreement.
    pub agreement_types: Option<Vec<AgreementType>>,
    /// Only agreements naming this Sustainable Development Goal (1–17).
    pub sdg: Option<i32>,
    /// Only agreements running at some time on or after this date.
    pub from: Option<Date>,
    /// Only agreements running at some time on or before this date.
    pub to: Option<Date>,
    /// Only triangular (true) or non-triangular (false) agreements.
    pub triangular: Option<bool>,
    /// Only partial triangular arrangements (true: exactly two of the three OECD corners named in the
    /// sources, e.g. pivotal and facilitating with no beneficiary stated), or only the others (false).
    pub partial: Option<bool>,
}

impl AgreementFilter {
    /// The graph's filter (an SDG outside 1–17 is refused).
    pub fn list_filter(self) -> Result<ListFilter> {
        let sdg = self.sdg.map(|sdg| {
            u8::try_from(sdg)
                .ok()
                .filter(|sdg| (1..=17).contains(sdg))
                .ok_or_else(|| AppError::BadInput(format!("SDG {sdg} does not exist (1–17)")))
        });
        Ok(ListFilter {
            agreement_types: to_domain(self.agreement_types),
            sdg: sdg.transpose().gql()?,
            from: self.from.map(|date| date.0),
            to: self.to.map(|date| date.0),
            triangular: self.triangular,
            partial: self.partial,
            ..ListFilter::default()
        })
    }
}

/// Filters for `events`.
#[derive(InputObject, Default)]
pub struct EventFilter {
    /// Only these kinds of event.
    pub event_types: Option<Vec<EventType>>,
    /// Only events in this country (by id).
    pub country: Option<ID>,
    /// Only events on or after this date.
    pub from: Option<Date>,
    /// Only events on or before this date.
    pub to: Option<Date>,
}

/// One page of nodes of `kind`.
async fn page<T: OutputType>(
    ctx: &Context<'_>,
    kind: DomainKind,
    filter: ListFilter,
    first: Option<i32>,
    after: Option<String>,
    wrap: fn(NodeRecord) -> T,
) -> Result<Connection<String, T>> {
    let after = after.map(|cursor| node_id(&ID(cursor))).transpose()?;
    if let Some(cursor) = &after
        && cursor.kind() != kind
    {
        return Err(AppError::BadInput(format!("cursor `{cursor}` is not a {kind} id"))).gql();
    }
    let first = first.unwrap_or(DEFAULT_PAGE);
    let page = ctx.data::<Graph>()?.list(kind, &filter, i64::from(first), after.as_ref()).await.gql()?;
    let mut connection = Connection::new(after.is_some(), page.has_next);
    connection.edges.extend(page.nodes.into_iter().map(|node| ConnectionEdge::new(node.id.to_string(), wrap(node))));
    Ok(connection)
}

fn country_id(id: Option<ID>) -> Result<Option<partnergraph_schema::NodeId>> {
    id.as_ref().map(node_id).transpose()
}

/// Paged listings of each node kind.
#[derive(Default)]
pub struct ListQuery;

#[Object]
impl ListQuery {
    /// Agencies in id order.
    async fn agencies(
        &self,
        ctx: &Context<'_>,
        filter: Option<AgencyFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Agency>> {
        let filter = filter.unwrap_or_default();
        let filter =
            ListFilter { agency_types: to_domain(filter.agency_types), country: country_id(filter.country)?, ..ListFilter::default() };
        page(ctx, DomainKind::Agency, filter, first, after, Agency::new).await
    }

    /// Countries in id order (ISO alpha-3).
    async fn countries(
        &self,
        ctx: &Context<'_>,
        filter: Option<CountryFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Country>> {
        let filter = ListFilter { region: filter.and_then(|filter| filter.region), ..ListFilter::default() };
        page(ctx, DomainKind::Country, filter, first, after, Country::new).await
    }

    /// Cities in id order.
    async fn cities(
        &self,
        ctx: &Context<'_>,
        filter: Option<CityFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, City>> {
        let filter = ListFilter { country: country_id(filter.and_then(|filter| filter.country))?, ..ListFilter::default() };
        page(ctx, DomainKind::City, filter, first, after, City::new).await
    }

    /// Networks in id order.
    async fn networks(
        &self,
        ctx: &Context<'_>,
        filter: Option<NetworkFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Network>> {
        let filter = ListFilter { network_types: to_domain(filter.and_then(|filter| filter.network_types)), ..ListFilter::default() };
        page(ctx, DomainKind::Network, filter, first, after, Network::new).await
    }

    /// Agreements in id order.
    async fn agreements(
        &self,
        ctx: &Context<'_>,
        filter: Option<AgreementFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Agreement>> {
        let filter = filter.unwrap_or_default().list_filter()?;
        page(ctx, DomainKind::Agreement, filter, first, after, Agreement::new).await
    }

    /// Events in id order.
    async fn events(
        &self,
        ctx: &Context<'_>,
        filter: Option<EventFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Event>> {
        let filter = filter.unwrap_or_default();
        let filter = ListFilter {
            event_types: to_domain(filter.event_types),
            country: country_id(filter.country)?,
            from: filter.from.map(|date| date.0),
            to: filter.to.map(|date| date.0),
            ..ListFilter::default()
        };
        page(ctx, DomainKind::Event, filter, first, after, Event::new).await
    }

    /// Needs (requests for help, for matching) in id order.
    async fn needs(&self, ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> Result<Connection<String, Need>> {
        page(ctx, DomainKind::Need, ListFilter::default(), first, after, Need::new).await
    }

    /// Offers (Southern solutions, for matching) in id order.
    async fn offers(&self, ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> Result<Connection<String, Offer>> {
        page(ctx, DomainKind::Offer, ListFilter::default(), first, after, Offer::new).await
    }
}
