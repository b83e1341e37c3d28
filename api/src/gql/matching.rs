//! `matches` and `seekers` (issue 23): offers ranked for a need and needs ranked for an offer, each
//! with its explained score (`graph::matching` says how it is made).

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};

use crate::error::IntoGql;
use crate::gql::nodes::{Need, Offer, nodes};
use crate::gql::plain::NodeList;
use crate::gql::query::node_id;
use crate::gql::scalars::number;
use crate::gql::types::Path;
use crate::graph::Graph;
use crate::graph::matching::{self, Ranking};

/// What a reason of a match is about.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "MatchReasonKind", remote = "matching::score::ReasonKind")]
pub enum MatchReasonKind {
    /// Sustainable Development Goals in common (up to 25 points, by the share of the need's SDGs).
    Sdg,
    /// OECD DAC sector categories in common (up to 20 points, by the share of the need's sectors).
    Sector,
    /// A kind of support in common (10 points).
    Support,
    /// A working language in common (10 points).
    Language,
    /// The offer was tested in a country where the need is (10 points).
    Place,
    /// The offer was tested in a country of the need's region (5 points; not given with `PLACE`).
    Region,
    /// A provider was pivotal in agreements on the need's SDGs or sectors (5 points each, up to 15).
    TrackRecord,
    /// An introduction path between a seeker and a provider (10 points for 1–2 hops, 7 for 3, 4 for 4).
    Path,
}

/// One reason of a match's score.
#[derive(SimpleObject)]
pub struct MatchReason {
    /// What it is about.
    pub kind: MatchReasonKind,
    /// Points given.
    pub points: f64,
    /// The most this reason can give.
    pub max_points: f64,
    /// The values in common: SDG numbers, DAC categories, kinds of support, language codes, regions.
    pub shared: Vec<String>,
    /// The nodes it rests on: countries in common, the track record's agreements, the path's nodes.
    pub evidence: Vec<ID>,
    /// The reason in one English sentence.
    pub detail: String,
}

/// A need and an offer, scored.
pub struct Match(matching::Match);

#[Object(serial)]
impl Match {
    /// The need.
    async fn need(&self) -> Need {
        Need::new(self.0.need.clone())
    }

    /// The offer.
    async fn offer(&self) -> Offer {
        Offer::new(self.0.offer.clone())
    }

    /// Who asks for the need.
    async fn seekers(&self, ctx: &Context<'_>) -> Result<NodeList> {
        actors(ctx, &self.0.seekers).await
    }

    /// Who offers the offer.
    async fn providers(&self, ctx: &Context<'_>) -> Result<NodeList> {
        actors(ctx, &self.0.providers).await
    }

    /// The sum of the reasons' points, out of 100.
    async fn score(&self) -> f64 {
        self.0.score
    }

    /// Why: each reason with its points, the largest first.
    async fn reasons(&self) -> Vec<MatchReason> {
        self.0
            .reasons
            .iter()
            .map(|reason| MatchReason {
                kind: reason.kind.into(),
                points: reason.points,
                max_points: reason.max_points,
                shared: reason.shared.clone(),
                evidence: reason.evidence.iter().map(|id| ID(id.to_string())).collect(),
                detail: reason.detail.clone(),
            })
            .collect()
    }

    /// "Through whom": the shortest path found (at most 4 hops, not through needs or offers) between a
    /// seeker and a provider; null when none was found or none was searched (see `Query.matches`).
    async fn introduction(&self) -> Option<Path> {
        self.0.introduction.clone().map(Path)
    }
}

/// The nodes of `ids` that exist, in that order.
async fn actors(ctx: &Context<'_>, ids: &[partnergraph_schema::NodeId]) -> Result<NodeList> {
    let found = ctx.data::<Graph>()?.nodes(ids).await.gql()?;
    nodes(ctx, found.into_iter().flatten().collect()).await
}

/// Ranked matches.
pub struct MatchRanking(Ranking);

#[Object(serial)]
impl MatchRanking {
    /// The best first; ties in the order of the other side's id.
    async fn matches(&self) -> Vec<Match> {
        self.0.matches.iter().cloned().map(Match).collect()
    }

    /// How many nodes of the other kind were considered.
    async fn considered(&self) -> i64 {
        number(self.0.considered as u64)
    }

    /// Whether the question met a bound: more than 10,000 to consider (the rest were not), or more than
    /// 1,000 providers among the fitting offers (the rest have no track record).
    async fn truncated(&self) -> bool {
        self.0.truncated
    }
}

/// The matching questions.
#[derive(Default)]
pub struct MatchingQueryRoot;

#[Object]
impl MatchingQueryRoot {
    /// The offers that fit a need best (at most 100), each with its score out of 100 and the reasons for
    /// it: SDGs and sectors in common, kind of support, language, where the offer was tested, the
    /// providers' track record as pivotal partners, and an existing path through which seeker and provider
    /// could be introduced. Only offers sharing an SDG or a sector category with the need are matches.
    /// Paths are searched for the candidates that could reach the first `first`, at most 12.
    async fn matches(&self, ctx: &Context<'_>, need: ID, #[graphql(default = 10)] first: Option<i32>) -> Result<MatchRanking> {
        let need = node_id(&need)?;
        let ranking = ctx.data::<Graph>()?.matches(&need, i64::from(first.unwrap_or(10))).await.gql()?;
        Ok(MatchRanking(ranking))
    }

    /// The needs an offer fits best (at most 100), scored as `matches` scores them.
    async fn seekers(&self, ctx: &Context<'_>, offer: ID, #[graphql(default = 10)] first: Option<i32>) -> Result<MatchRanking> {
        let offer = node_id(&offer)?;
        let ranking = ctx.data::<Graph>()?.seekers(&offer, i64::from(first.unwrap_or(10))).await.gql()?;
        Ok(MatchRanking(ranking))
    }
}
