//! The `Need` and `Offer` objects of matching (issue 23): what is asked for and what is on offer, with who
//! asks or offers (their PARTICIPATES_IN edges) and where (their LOCATED_IN edges).

use std::sync::Arc;

use async_graphql::connection::Connection;
use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, ID, Object, Result};
use partnergraph_schema::{EdgeType as DomainEdgeType, NodeRecord};

use super::{Known, degree_number, nodes, position};
use crate::error::IntoGql;
use crate::gql::changes::{self, Change};
use crate::gql::loaders::DegreeLoader;
use crate::gql::plain::{EdgeList, NodeList};
use crate::gql::scalars::{Date, EdgeDirection, EdgeType, NodeKind, Support, to_domain};
use crate::gql::types::{Alternative, GeoPoint, Identifier, Participation, Source, edges, participations};
use crate::graph::Graph;
use crate::store::{Direction, EdgeFilter, Subject};

/// The targets of the edges of `edge_type` leaving `record` (at most [`crate::graph::MAX_INCIDENT`], in
/// edge id order): where a need is or an offer was tested (LOCATED_IN), an offer's agreements (PART_OF).
async fn targets(ctx: &Context<'_>, record: &NodeRecord, edge_type: DomainEdgeType) -> Result<NodeList> {
    let graph = ctx.data::<Graph>()?;
    let filter = EdgeFilter::types(&[edge_type]).toward(Direction::Out);
    let links = graph.incident_page(&record.id, &filter, crate::graph::MAX_INCIDENT).await.gql()?;
    let ids: Vec<_> = links.into_iter().map(|link| link.target).collect();
    nodes(ctx, graph.nodes(&ids).await.gql()?.into_iter().flatten().collect()).await
}

/// Who asks for a need or offers an offer (PARTICIPATES_IN edges pointing at it), in edge id order.
async fn actors(ctx: &Context<'_>, record: &NodeRecord) -> Result<Vec<Participation>> {
    participations(ctx, ctx.data::<Graph>()?.participations(&record.id).await.gql()?).await
}

fn sdgs(record: &NodeRecord) -> Vec<i32> {
    record.sdgs.iter().map(|sdg| i32::from(*sdg)).collect()
}

fn support(record: &NodeRecord) -> Vec<Support> {
    record.support.iter().map(|kind| (*kind).into()).collect()
}

node_object! {
    /// A country-led request for help: who asks (`seekers`), where, on which SDGs and sectors, for what
    /// kind of support, in which languages, and when.
    Need {
        /// From when help is wanted.
        async fn start(&self) -> Option<Date> {
            self.0.start.map(Date)
        }

        /// Until when help is wanted.
        async fn end(&self) -> Option<Date> {
            self.0.end.map(Date)
        }

        /// Sustainable Development Goals (1–17) it concerns.
        async fn sdgs(&self) -> Vec<i32> {
            sdgs(&self.0)
        }

        /// OECD DAC sector codes (3-digit categories or 5-digit purpose codes).
        async fn sectors(&self) -> &[String] {
            &self.0.sectors
        }

        /// The kinds of support asked for.
        async fn support(&self) -> Vec<Support> {
            support(&self.0)
        }

        /// Working languages (ISO 639-1).
        async fn languages(&self) -> &[String] {
            &self.0.languages
        }

        /// Who asks (PARTICIPATES_IN edges pointing at the need), in edge id order.
        async fn seekers(&self, ctx: &Context<'_>) -> Result<Vec<Participation>> {
            actors(ctx, &self.0).await
        }

        /// Where the need is (its LOCATED_IN countries and cities).
        async fn places(&self, ctx: &Context<'_>) -> Result<NodeList> {
            targets(ctx, &self.0, DomainEdgeType::LocatedIn).await
        }
    }
}

node_object! {
    /// A Southern solution on offer: who offers it (`providers`), where it was tested, SDGs, sectors,
    /// kinds of support, languages, and the agreements that implemented it.
    Offer {
        /// Sustainable Development Goals (1–17) it serves.
        async fn sdgs(&self) -> Vec<i32> {
            sdgs(&self.0)
        }

        /// OECD DAC sector codes (3-digit categories or 5-digit purpose codes).
        async fn sectors(&self) -> &[String] {
            &self.0.sectors
        }

        /// The kinds of support given.
        async fn support(&self) -> Vec<Support> {
            support(&self.0)
        }

        /// Working languages (ISO 639-1).
        async fn languages(&self) -> &[String] {
            &self.0.languages
        }

        /// Who offers it (PARTICIPATES_IN edges pointing at the offer), in edge id order.
        async fn providers(&self, ctx: &Context<'_>) -> Result<Vec<Participation>> {
            actors(ctx, &self.0).await
        }

        /// Where it was tested (its LOCATED_IN countries and cities).
        async fn places(&self, ctx: &Context<'_>) -> Result<NodeList> {
            targets(ctx, &self.0, DomainEdgeType::LocatedIn).await
        }

        /// The agreements that implemented it (its PART_OF targets).
        async fn agreements(&self, ctx: &Context<'_>) -> Result<NodeList> {
            targets(ctx, &self.0, DomainEdgeType::PartOf).await
        }
    }
}
