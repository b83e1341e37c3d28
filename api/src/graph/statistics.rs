//! Monitoring: agreements counted by agency, country, region, SDG, role (OECD and IATI), modality and
//! year, one or two of them at once, with their partners and amounts, over the agreements the listings'
//! filters keep (and, for an entity's page, those it takes part in).
//!
//! An agreement counts once in each row its keys name: under every SDG it names, every role its
//! participants hold, every agency or country that takes part. A row's partners are the distinct
//! participants of its agreements, less the row's own actor and the actor the question is about; its
//! amount is the sum of the amounts known (none if no agreement of it states one). Computed on the
//! request's snapshot; the response cache keeps the answer until the data changes.

use std::collections::{BTreeSet, HashMap};

use partnergraph_schema::{EdgeLink, EdgeType, NodeId, NodeKind, NodeRecord};

use crate::graph::listing::ListFilter;
use crate::graph::triangulars::{is_partial, is_triangular};
use crate::graph::{Graph, GraphError, check_range};
use crate::store::{Direction, EdgeFilter};

/// Most rows one answer holds.
pub const MAX_ROWS: i64 = 1000;
/// Most agreements one answer counts; past it the answer says it is `truncated`.
pub const MAX_AGREEMENTS: usize = 100_000;
/// Agreements read per store round trip.
const SCAN_PAGE: usize = 1000;
/// The key of a row whose agreements have no value for the dimension (no start date, no region).
pub const UNKNOWN: &str = "UNKNOWN";

/// What the rows are counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// Each agency taking part (key: its id).
    Agency,
    /// Each country taking part (key: its id).
    Country,
    /// The region of each country taking part.
    Region,
    /// Each SDG the agreement names (key: `1` … `17`).
    Sdg,
    /// Each OECD role its participants hold (`BENEFICIARY`, `PIVOTAL`, `FACILITATING`).
    Role,
    /// Each IATI role its participants hold (`FUNDING`, `ACCOUNTABLE`, `EXTENDING`, `IMPLEMENTING`).
    IatiRole,
    /// `TRIANGULAR` (all three corners named) or `SOUTH_SOUTH` (every other agreement the graph holds).
    Modality,
    /// The year it started.
    Year,
}

/// A statistics question.
#[derive(Debug, Clone)]
pub struct StatisticsQuery {
    /// One or two dimensions (rows are their combinations).
    pub by: Vec<Dimension>,
    /// Only agreements this node takes part in.
    pub involving: Option<NodeId>,
    /// The listings' agreement filters.
    pub filter: ListFilter,
    /// Most rows.
    pub first: i64,
}

/// One row: its keys (one per dimension), and what it counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    /// One key per dimension, in the order asked.
    pub keys: Vec<String>,
    /// Agreements counted in it.
    pub agreements: u64,
    /// Distinct partners of those agreements.
    pub partners: u64,
    /// The sum of their known amounts (US dollars), if any states one.
    pub amount_usd: Option<f64>,
}

/// The answer: rows, the total over every agreement counted, and whether anything was left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Statistics {
    /// The rows: by year in order when the first dimension is the year, else the largest first.
    pub rows: Vec<Row>,
    /// All agreements counted, each once.
    pub total: Row,
    /// Rows past `first`, or agreements past [`MAX_AGREEMENTS`], were left out.
    pub truncated: bool,
}

/// What a row gathers while agreements are counted.
#[derive(Default)]
struct Tally {
    agreements: u64,
    partners: BTreeSet<NodeId>,
    amount: Option<f64>,
}

impl Tally {
    fn add(&mut self, agreement: &NodeRecord, participants: &[&NodeId], except: &[&NodeId]) {
        self.agreements += 1;
        self.partners.extend(participants.iter().filter(|id| !except.contains(id)).map(|id| (*id).clone()));
        if let Some(amount) = agreement.amount_usd {
            *self.amount.get_or_insert(0.0) += amount;
        }
    }

    fn row(self, keys: Vec<String>) -> Row {
        Row { keys, agreements: self.agreements, partners: self.partners.len() as u64, amount_usd: self.amount }
    }
}

impl Graph {
    /// Counts the agreements `query` asks about.
    pub async fn statistics(&self, query: &StatisticsQuery) -> Result<Statistics, GraphError> {
        let first = check_range("first", query.first, 0..=MAX_ROWS)?;
        if query.by.is_empty() || query.by.len() > 2 {
            return Err(GraphError::InvalidArgument("`by` names one or two dimensions".to_owned()));
        }
        let mut tallies: HashMap<Vec<String>, Tally> = HashMap::new();
        let mut total = Tally::default();
        let mut regions: HashMap<NodeId, Option<String>> = HashMap::new();
        let mut counted = 0usize;
        let mut truncated = false;
        let mut candidates = Candidates::new(self, query.involving.as_ref()).await?;
        while let Some(batch) = candidates.next(self).await? {
            let batch: Vec<NodeRecord> = batch.into_iter().filter(|agreement| query.filter.matches_record(agreement)).collect();
            let ids: Vec<NodeId> = batch.iter().map(|agreement| agreement.id.clone()).collect();
            let filter = EdgeFilter::types(&[EdgeType::ParticipatesIn]).toward(Direction::In);
            let mut parts: HashMap<NodeId, Vec<EdgeLink>> = HashMap::new();
            for edge in self.store().expand(&ids, &filter).await? {
                parts.entry(edge.target.clone()).or_default().push(edge);
            }
            if query.by.contains(&Dimension::Region) {
                let countries: Vec<NodeId> = parts
                    .values()
                    .flatten()
                    .map(|edge| edge.source.clone())
                    .filter(|id| id.kind() == NodeKind::Country && !regions.contains_key(id))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                for (id, node) in countries.iter().zip(self.nodes(&countries).await?) {
                    regions.insert(id.clone(), node.and_then(|node| node.region));
                }
            }
            for agreement in &batch {
                let edges = parts.get(&agreement.id).map_or(&[][..], Vec::as_slice);
                if query.filter.triangular.is_some_and(|wanted| is_triangular(edges) != wanted)
                    || query.filter.partial.is_some_and(|wanted| is_partial(edges) != wanted)
                {
                    continue;
                }
                if counted == MAX_AGREEMENTS {
                    truncated = true;
                    break;
                }
                counted += 1;
                let participants: Vec<&NodeId> = edges.iter().map(|edge| &edge.source).collect::<BTreeSet<_>>().into_iter().collect();
                let except: Vec<&NodeId> = query.involving.iter().collect();
                total.add(agreement, &participants, &except);
                for keys in combinations(&query.by, agreement, edges, &regions) {
                    let mut except = except.clone();
                    let own: Vec<NodeId> = keys.iter().filter_map(|key| NodeId::parse(key.as_str()).ok()).collect();
                    except.extend(own.iter().filter(|id| participants.contains(id)));
                    tallies.entry(keys).or_default().add(agreement, &participants, &except);
                }
            }
            if truncated {
                break;
            }
        }
        let mut rows: Vec<Row> = tallies.into_iter().map(|(keys, tally)| tally.row(keys)).collect();
        if query.by[0] == Dimension::Year {
            rows.sort_by(|a, b| a.keys.cmp(&b.keys));
        } else {
            rows.sort_by(|a, b| b.agreements.cmp(&a.agreements).then_with(|| a.keys.cmp(&b.keys)));
        }
        if rows.len() > first {
            rows.truncate(first);
            truncated = true;
        }
        Ok(Statistics { rows, total: total.row(Vec::new()), truncated })
    }
}

/// Where the agreements come from: every agreement in id order, or those one node takes part in.
enum Candidates {
    All { after: Option<NodeId>, done: bool },
    Involving(Option<Vec<NodeId>>),
}

impl Candidates {
    async fn new(graph: &Graph, involving: Option<&NodeId>) -> Result<Candidates, GraphError> {
        let Some(node) = involving else { return Ok(Candidates::All { after: None, done: false }) };
        graph.require(node).await?;
        let filter = EdgeFilter::types(&[EdgeType::ParticipatesIn, EdgeType::Funds]).toward(Direction::Out);
        let ids: BTreeSet<NodeId> =
            graph.store().expand(std::slice::from_ref(node), &filter).await?.into_iter().map(|edge| edge.target).collect();
        Ok(Candidates::Involving(Some(ids.into_iter().filter(|id| id.kind() == NodeKind::Agreement).collect())))
    }

    /// The next agreements, or `None` when there are no more.
    async fn next(&mut self, graph: &Graph) -> Result<Option<Vec<NodeRecord>>, GraphError> {
        match self {
            Candidates::All { done: true, .. } => Ok(None),
            Candidates::All { after, done } => {
                let batch = graph.store().scan_nodes(Some(NodeKind::Agreement), after.as_ref(), SCAN_PAGE).await?;
                *done = batch.len() < SCAN_PAGE;
                *after = batch.last().map(|node| node.id.clone());
                Ok((!batch.is_empty()).then_some(batch))
            }
            Candidates::Involving(ids) => match ids.take() {
                Some(ids) => Ok(Some(graph.nodes(&ids).await?.into_iter().flatten().collect())),
                None => Ok(None),
            },
        }
    }
}

/// The keys of one agreement for one dimension.
fn keys_of(dimension: Dimension, agreement: &NodeRecord, edges: &[EdgeLink], regions: &HashMap<NodeId, Option<String>>) -> Vec<String> {
    let participants_of = |kind: NodeKind| -> Vec<String> {
        edges
            .iter()
            .map(|edge| &edge.source)
            .filter(|id| id.kind() == kind)
            .map(ToString::to_string)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let or_unknown = |keys: Vec<String>| if keys.is_empty() { vec![UNKNOWN.to_owned()] } else { keys };
    match dimension {
        Dimension::Agency => participants_of(NodeKind::Agency),
        Dimension::Country => participants_of(NodeKind::Country),
        Dimension::Region => {
            let found: BTreeSet<String> = edges
                .iter()
                .filter(|edge| edge.source.kind() == NodeKind::Country)
                .map(|edge| regions.get(&edge.source).cloned().flatten().unwrap_or_else(|| UNKNOWN.to_owned()))
                .collect();
            found.into_iter().collect()
        }
        Dimension::Sdg => agreement.sdgs.iter().map(ToString::to_string).collect::<BTreeSet<_>>().into_iter().collect(),
        Dimension::Role => or_unknown(
            edges.iter().filter_map(|edge| edge.role).map(|role| role.as_str().to_owned()).collect::<BTreeSet<_>>().into_iter().collect(),
        ),
        Dimension::IatiRole => or_unknown(
            edges
                .iter()
                .filter_map(|edge| edge.iati_role)
                .map(|role| role.as_str().to_owned())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
        ),
        Dimension::Modality => vec![if is_triangular(edges) { "TRIANGULAR" } else { "SOUTH_SOUTH" }.to_owned()],
        Dimension::Year => vec![agreement.start.map_or_else(|| UNKNOWN.to_owned(), |start| start.year_number().to_string())],
    }
}

/// Every combination of the agreement's keys for the dimensions asked.
fn combinations(
    by: &[Dimension],
    agreement: &NodeRecord,
    edges: &[EdgeLink],
    regions: &HashMap<NodeId, Option<String>>,
) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = vec![Vec::new()];
    for dimension in by {
        let keys = keys_of(*dimension, agreement, edges, regions);
        rows = rows.into_iter().flat_map(|row| keys.iter().map(move |key| [row.clone(), vec![key.clone()]].concat())).collect();
    }
    rows
}
