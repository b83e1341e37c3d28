//! `statistics`: agreements counted by one or two dimensions, for monitoring pages and the dashboard
//! widget (`graph::statistics` says how they count).

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use partnergraph_schema::NodeId;

use crate::error::IntoGql;
use crate::gql::lists::AgreementFilter;
use crate::gql::query::node_id;
use crate::gql::scalars::number;
use crate::graph::Graph;
use crate::graph::statistics::{self, Row, StatisticsQuery};

/// What `statistics` counts agreements by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "StatisticsDimension", remote = "statistics::Dimension")]
pub enum StatisticsDimension {
    /// Each agency taking part (key: its id).
    Agency,
    /// Each country taking part (key: its id).
    Country,
    /// The region of each country taking part (`UNKNOWN` when a country has none).
    Region,
    /// Each SDG the agreement names (key: `1` … `17`).
    Sdg,
    /// Each OECD role its participants hold (`BENEFICIARY`, `PIVOTAL`, `FACILITATING`; `UNKNOWN` if none).
    Role,
    /// Each IATI role its participants hold (`FUNDING`, `ACCOUNTABLE`, `EXTENDING`, `IMPLEMENTING`).
    IatiRole,
    /// `TRIANGULAR` (all three OECD corners named) or `SOUTH_SOUTH` (every other agreement).
    Modality,
    /// The year it started (`UNKNOWN` without a start date).
    Year,
}

/// One row of a statistics table.
#[derive(SimpleObject)]
pub struct StatisticsRow {
    /// One key per dimension asked, in order (an id for agencies and countries).
    pub keys: Vec<String>,
    /// The keys as a person reads them: node names for ids, the key itself otherwise.
    pub labels: Vec<String>,
    /// Agreements counted in the row (an agreement counts once in each row its keys name).
    pub agreements: i64,
    /// Distinct partners of those agreements (less the row's own actor and the one asked about).
    pub partners: i64,
    /// The sum of their known amounts in US dollars; null when none states one.
    pub amount_usd: Option<f64>,
}

/// Agreements counted by some dimensions.
#[derive(SimpleObject)]
pub struct Statistics {
    /// The dimensions, in the order of each row's keys.
    pub by: Vec<StatisticsDimension>,
    /// The rows: in year order when the first dimension is `YEAR`, else the largest first.
    pub rows: Vec<StatisticsRow>,
    /// Every agreement counted, once.
    pub total: StatisticsRow,
    /// Rows past `first`, or agreements past 100,000, were left out.
    pub truncated: bool,
}

/// The root field.
#[derive(Default)]
pub struct StatisticsQueryRoot;

#[Object]
impl StatisticsQueryRoot {
    /// Agreements counted by one or two dimensions (`by: [YEAR, ROLE]`: per year and role), with their
    /// partners and known amounts; only those `involving` takes part in (an agency's or country's page),
    /// and those the listings' `filter` keeps.
    async fn statistics(
        &self,
        ctx: &Context<'_>,
        by: Vec<StatisticsDimension>,
        involving: Option<ID>,
        filter: Option<AgreementFilter>,
        #[graphql(default = 50)] first: Option<i32>,
    ) -> Result<Statistics> {
        let query = StatisticsQuery {
            by: by.iter().map(|dimension| (*dimension).into()).collect(),
            involving: involving.as_ref().map(node_id).transpose()?,
            filter: filter.unwrap_or_default().list_filter()?,
            first: i64::from(first.unwrap_or(50)),
        };
        let graph = ctx.data::<Graph>()?;
        let answer = graph.statistics(&query).await.gql()?;
        let ids: Vec<NodeId> =
            answer.rows.iter().flat_map(|row| row.keys.iter()).filter_map(|key| NodeId::parse(key.as_str()).ok()).collect();
        let names = graph.node_map(&ids).await.gql()?;
        let row = |row: Row| StatisticsRow {
            labels: row
                .keys
                .iter()
                .map(|key| {
                    NodeId::parse(key.as_str()).ok().and_then(|id| names.get(&id)).map_or_else(|| key.clone(), |node| node.name.clone())
                })
                .collect(),
            keys: row.keys,
            agreements: number(row.agreements),
            partners: number(row.partners),
            amount_usd: row.amount_usd,
        };
        Ok(Statistics { by, rows: answer.rows.into_iter().map(row).collect(), total: row(answer.total), truncated: answer.truncated })
    }
}
