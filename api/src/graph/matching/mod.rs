//! Matching (issue 23): offers ranked for a need (`matches`) and needs ranked for an offer (`seekers`),
//! each with an explained score: the reasons and their points (`score.rs`), the providers' track records
//! and an introduction path between a seeker and a provider.
//!
//! Both directions score a (need, offer) pair the same way, so an offer's rank among a need's matches and
//! the need's rank among the offer's seekers rest on the same numbers. Candidates are the nodes of the
//! other kind, read by id up to [`MAX_CANDIDATES`]; only those sharing an SDG or a sector category are
//! matches. Track records are read for at most [`MAX_TRACKED_PROVIDERS`] providers, those of the
//! best-fitting candidates first. Paths are the costly part, so they are searched last and only where they could change the
//! first `first`: in order of the score without a path, until a candidate could not reach the `first`th
//! score even with a path's full points, and for at most [`PATH_SEARCHES`] candidates.

mod facts;
pub mod score;

use std::collections::BTreeSet;

use partnergraph_schema::{NodeId, NodeKind, NodeRecord};

use crate::graph::matching::facts::{Side, stated};
use crate::graph::matching::score::{PATH_MAX_HOPS, PATH_POINTS, Reason, round};
use crate::graph::{Graph, GraphError, Path, PathQuery, check_range};

pub use score::Reason as MatchReason;

/// Most nodes of the other kind considered.
pub const MAX_CANDIDATES: usize = 10_000;
/// Most matches returned.
pub const MAX_MATCHES: i64 = 100;
/// Most providers whose track records are read (those of the best-fitting candidates first).
pub const MAX_TRACKED_PROVIDERS: usize = 1_000;
/// Most candidates whose introduction paths are searched.
pub const PATH_SEARCHES: usize = 12;
/// Most seekers and most providers of one pair tried as the ends of an introduction path.
const PATH_ENDS: usize = 2;
/// Candidates read per store scan.
const SCAN_PAGE: usize = 1_000;

/// One need and one offer, scored.
#[derive(Debug, Clone)]
pub struct Match {
    /// The need.
    pub need: NodeRecord,
    /// The offer.
    pub offer: NodeRecord,
    /// Who asks for the need.
    pub seekers: Vec<NodeId>,
    /// Who offers the offer.
    pub providers: Vec<NodeId>,
    /// The sum of the reasons' points, out of 100.
    pub score: f64,
    /// Why, the largest first.
    pub reasons: Vec<Reason>,
    /// The shortest path found between a seeker and a provider, not through needs or offers.
    pub introduction: Option<Path>,
}

/// The ranked matches of one question.
#[derive(Debug, Clone)]
pub struct Ranking {
    /// The best first (ties by the other side's id).
    pub matches: Vec<Match>,
    /// Nodes of the other kind that were considered.
    pub considered: usize,
    /// Whether the question met a bound: more than [`MAX_CANDIDATES`] to consider (the rest were not), or
    /// more than [`MAX_TRACKED_PROVIDERS`] providers among the fitting ones (the rest have no track record).
    pub truncated: bool,
}

/// A candidate scored against the subject, before its path is searched.
struct Scored {
    candidate: Side,
    reasons: Vec<Reason>,
    score: f64,
}

/// The need and the offer of a pair, from the subject (of `kind`) and a candidate of the other kind.
fn pair<'a>(subject: &'a Side, candidate: &'a Side, kind: NodeKind) -> (&'a Side, &'a Side) {
    if kind == NodeKind::Need { (subject, candidate) } else { (candidate, subject) }
}

impl Graph {
    /// The offers that fit `need` best, the best first.
    pub async fn matches(&self, need: &NodeId, first: i64) -> Result<Ranking, GraphError> {
        self.rank(need, NodeKind::Need, first).await
    }

    /// The needs that `offer` fits best, the best first.
    pub async fn seekers(&self, offer: &NodeId, first: i64) -> Result<Ranking, GraphError> {
        self.rank(offer, NodeKind::Offer, first).await
    }

    async fn rank(&self, subject: &NodeId, kind: NodeKind, first: i64) -> Result<Ranking, GraphError> {
        let first = check_range("first", first, 0..=MAX_MATCHES)?;
        let record = self.require(subject).await?;
        if record.kind != kind {
            let argument = if kind == NodeKind::Need { "need" } else { "offer" };
            return Err(GraphError::InvalidArgument(format!("`{argument}` must be a {kind} node; `{subject}` is a {}", record.kind)));
        }
        let other = if kind == NodeKind::Need { NodeKind::Offer } else { NodeKind::Need };
        let (candidates, considered, truncated) = self.candidates(other, &stated(&record)).await?;
        let mut sides = self.sides(std::iter::once(record).chain(candidates).collect()).await?.into_iter();
        let Some(subject) = sides.next() else { return Ok(Ranking { matches: Vec::new(), considered, truncated }) };
        let (mut scored, untracked) = self.score_all(&subject, sides.collect(), kind).await?;
        scored.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.candidate.record.id.cmp(&b.candidate.record.id)));
        let mut matches = self.introduce(&subject, scored, first, kind).await?;
        matches.truncate(first);
        Ok(Ranking { matches, considered, truncated: truncated || untracked })
    }

    /// The nodes of `kind` that share an SDG or a sector category with `profile` (from their records
    /// alone), how many were read, and whether more were left unread.
    async fn candidates(&self, kind: NodeKind, profile: &score::Profile) -> Result<(Vec<NodeRecord>, usize, bool), GraphError> {
        let mut found = Vec::new();
        let mut after: Option<NodeId> = None;
        let mut considered = 0;
        loop {
            let page = self.store().scan_nodes(Some(kind), after.as_ref(), SCAN_PAGE.min(MAX_CANDIDATES - considered)).await?;
            let full = page.len() == SCAN_PAGE;
            considered += page.len();
            after = page.last().map(|node| node.id.clone());
            found.extend(page.into_iter().filter(|node| profile.concerns(&node.sdgs, &node.sectors)));
            if !full {
                return Ok((found, considered, false));
            }
            if considered >= MAX_CANDIDATES {
                let more = !self.store().scan_nodes(Some(kind), after.as_ref(), 1).await?.is_empty();
                return Ok((found, considered, more));
            }
        }
    }

    /// Each candidate's reasons without the path: the fit of the records and places, and the track record
    /// of the offer's providers on the need's SDGs and sectors. Track records are read for the providers
    /// of the best-fitting pairs first, at most [`MAX_TRACKED_PROVIDERS`]; whether some were left unread
    /// is returned beside.
    async fn score_all(&self, subject: &Side, candidates: Vec<Side>, kind: NodeKind) -> Result<(Vec<Scored>, bool), GraphError> {
        let mut fitting: Vec<(Side, Vec<Reason>)> = candidates
            .into_iter()
            .filter_map(|candidate| {
                let (need, offer) = pair(subject, &candidate, kind);
                let fit = score::fit(&need.profile, &offer.profile)?;
                Some((candidate, fit))
            })
            .collect();
        fitting.sort_by(|(a, a_fit), (b, b_fit)| total(b_fit).total_cmp(&total(a_fit)).then_with(|| a.record.id.cmp(&b.record.id)));
        let mut providers: Vec<NodeId> = Vec::new();
        let mut seen = BTreeSet::new();
        let mut untracked = false;
        for provider in fitting.iter().flat_map(|(candidate, _)| &pair(subject, candidate, kind).1.actors) {
            if seen.contains(provider) {
                continue;
            }
            if providers.len() == MAX_TRACKED_PROVIDERS {
                untracked = true;
                break;
            }
            seen.insert(provider.clone());
            providers.push(provider.clone());
        }
        let pivotal = self.pivotal_agreements(&providers).await?;
        let scored = fitting
            .into_iter()
            .map(|(candidate, mut reasons)| {
                let (need, offer) = pair(subject, &candidate, kind);
                let agreements: BTreeSet<NodeId> = offer
                    .actors
                    .iter()
                    .flat_map(|provider| pivotal.get(provider).into_iter().flatten())
                    .filter(|agreement| need.profile.concerns(&agreement.sdgs, &agreement.sectors))
                    .map(|agreement| agreement.id.clone())
                    .collect();
                reasons.extend(score::track_record(agreements.into_iter().collect()));
                let score = total(&reasons);
                Scored { candidate, reasons, score }
            })
            .collect();
        Ok((scored, untracked))
    }

    /// Adds introduction paths where they could change the first `first`, and ranks again.
    async fn introduce(&self, subject: &Side, scored: Vec<Scored>, first: usize, kind: NodeKind) -> Result<Vec<Match>, GraphError> {
        let mut matches = Vec::with_capacity(scored.len());
        let mut searched = 0;
        // The best `first` totals so far, the highest first.
        let mut top: Vec<f64> = Vec::with_capacity(first + 1);
        for Scored { candidate, mut reasons, score } in scored {
            let (need, offer) = pair(subject, &candidate, kind);
            let threshold = if top.len() < first { None } else { top.last().copied() };
            let could_enter = first > 0 && threshold.is_none_or(|threshold| score + PATH_POINTS >= threshold);
            let mut introduction = None;
            if could_enter && searched < PATH_SEARCHES {
                searched += 1;
                introduction = self.introduction(&need.actors, &offer.actors).await?;
                if let Some(path) = &introduction {
                    reasons.push(score::path(path.nodes.iter().map(|node| node.id.clone()).collect()));
                }
            }
            reasons.sort_by(|a, b| b.points.total_cmp(&a.points).then(a.kind.cmp(&b.kind)));
            let score = round(total(&reasons));
            let at = top.partition_point(|better| *better >= score);
            top.insert(at, score);
            top.truncate(first);
            matches.push((
                candidate.record.id.clone(),
                Match {
                    need: need.record.clone(),
                    offer: offer.record.clone(),
                    seekers: need.actors.clone(),
                    providers: offer.actors.clone(),
                    score,
                    reasons,
                    introduction,
                },
            ));
            if !could_enter {
                // Sorted by score without a path: no later candidate can enter either.
                break;
            }
        }
        matches.sort_by(|(a_id, a), (b_id, b)| b.score.total_cmp(&a.score).then_with(|| a_id.cmp(b_id)));
        Ok(matches.into_iter().map(|(_, found)| found).collect())
    }

    /// The shortest path of at most [`PATH_MAX_HOPS`] between one of the first seekers and one of the first
    /// providers that does not pass through a need or an offer.
    async fn introduction(&self, seekers: &[NodeId], providers: &[NodeId]) -> Result<Option<Path>, GraphError> {
        let query = PathQuery { max_hops: PATH_MAX_HOPS as i64, first: 5, as_of: None };
        let mut best: Option<Path> = None;
        for seeker in seekers.iter().take(PATH_ENDS) {
            for provider in providers.iter().take(PATH_ENDS).filter(|provider| *provider != seeker) {
                let paths = self.paths(seeker, provider, &query).await?;
                let usable = paths.into_iter().find(|path| {
                    let inner = path.nodes.get(1..path.nodes.len().saturating_sub(1)).unwrap_or_default();
                    inner.iter().all(|node| !matches!(node.kind, NodeKind::Need | NodeKind::Offer))
                });
                if let Some(path) = usable
                    && best.as_ref().is_none_or(|best| path.edges.len() < best.edges.len())
                {
                    best = Some(path);
                }
            }
        }
        Ok(best)
    }
}

fn total(reasons: &[Reason]) -> f64 {
    reasons.iter().map(|reason| reason.points).sum()
}
