//! The score of one need against one offer: pure arithmetic over what [`super::facts`] read, each reason
//! with its points, its maximum and what it rests on, so a person can judge the score.
//!
//! The weights (out of 100; the need's lists are the reference, so a need asking for less is not
//! penalised by an offer doing more):
//! SDG 25 × share of the need's SDGs the offer names; SECTOR 20 × share of the need's sectors whose DAC
//! category (first three digits) the offer names; SUPPORT 10 for a kind of support in common; LANGUAGE 10
//! for a language in common; PLACE 10 if the offer was tested in a country of the need, else REGION 5 for
//! one in the same region; TRACK_RECORD 15 × min(n, 3) ÷ 3 for n agreements in which a provider was
//! pivotal on an SDG or sector category of the need; PATH 10, 7 or 4 for an introduction path of 1–2, 3
//! or 4 hops between a seeker and a provider (added by [`super`], which finds the paths).

use std::collections::BTreeSet;

use partnergraph_schema::{NodeId, Support};

/// Why an offer fits a need, as one line of an explained score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReasonKind {
    /// Sustainable Development Goals in common.
    Sdg,
    /// OECD DAC sector categories in common.
    Sector,
    /// A kind of support in common.
    Support,
    /// A working language in common.
    Language,
    /// The offer was tested in a country where the need is.
    Place,
    /// The offer was tested in a country of the need's region.
    Region,
    /// A provider was pivotal in agreements on the need's SDGs or sectors.
    TrackRecord,
    /// An existing path through which seeker and provider could be introduced.
    Path,
}

/// Points of each reason at its best.
pub const SDG_POINTS: f64 = 25.0;
/// See [`SDG_POINTS`].
pub const SECTOR_POINTS: f64 = 20.0;
/// See [`SDG_POINTS`].
pub const SUPPORT_POINTS: f64 = 10.0;
/// See [`SDG_POINTS`].
pub const LANGUAGE_POINTS: f64 = 10.0;
/// See [`SDG_POINTS`].
pub const PLACE_POINTS: f64 = 10.0;
/// See [`SDG_POINTS`].
pub const REGION_POINTS: f64 = 5.0;
/// See [`SDG_POINTS`].
pub const TRACK_RECORD_POINTS: f64 = 15.0;
/// Agreements that earn the whole track record.
pub const TRACK_RECORD_FULL: usize = 3;
/// See [`SDG_POINTS`].
pub const PATH_POINTS: f64 = 10.0;
/// Longest introduction path looked for.
pub const PATH_MAX_HOPS: usize = 4;

/// One line of an explained score.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// What it is about.
    pub kind: ReasonKind,
    /// Points given.
    pub points: f64,
    /// The most this reason can give.
    pub max_points: f64,
    /// The values in common (SDG numbers, sector categories, support kinds, language codes), as text.
    pub shared: Vec<String>,
    /// The nodes it rests on: the countries in common, the track record's agreements, the path's nodes.
    pub evidence: Vec<NodeId>,
    /// The reason in one English sentence.
    pub detail: String,
}

/// What the score needs of a need or an offer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    /// SDGs (1–17).
    pub sdgs: BTreeSet<u8>,
    /// DAC sector codes as given.
    pub sectors: Vec<String>,
    /// Kinds of support.
    pub support: BTreeSet<Support>,
    /// Language codes.
    pub languages: BTreeSet<String>,
    /// Countries where the need is, or where the offer was tested.
    pub countries: BTreeSet<NodeId>,
    /// The regions of those countries.
    pub regions: BTreeSet<String>,
}

/// A sector's DAC category: its first three digits.
pub fn category(sector: &str) -> &str {
    sector.get(..3).unwrap_or(sector)
}

impl Profile {
    /// The DAC categories of its sectors.
    pub fn categories(&self) -> BTreeSet<&str> {
        self.sectors.iter().map(|sector| category(sector)).collect()
    }

    /// Whether an agreement with these SDGs and sectors is on one of this need's SDGs or categories.
    pub fn concerns(&self, sdgs: &[u8], sectors: &[String]) -> bool {
        let categories = self.categories();
        sdgs.iter().any(|sdg| self.sdgs.contains(sdg)) || sectors.iter().any(|sector| categories.contains(category(sector)))
    }
}

/// Rounds points to one decimal, as answers show them.
pub fn round(points: f64) -> f64 {
    (points * 10.0).round() / 10.0
}

fn share(shared: usize, of: usize) -> f64 {
    if of == 0 { 0.0 } else { shared as f64 / of as f64 }
}

/// The reasons an offer fits a need, without the path; `None` when they share neither an SDG nor a sector
/// category (not a match at all). Reasons worth nothing are left out.
pub fn fit(need: &Profile, offer: &Profile) -> Option<Vec<Reason>> {
    let sdgs: Vec<u8> = need.sdgs.intersection(&offer.sdgs).copied().collect();
    let offer_categories = offer.categories();
    let need_categories: Vec<&str> = need.sectors.iter().map(|sector| category(sector)).collect();
    let matched_sectors = need_categories.iter().filter(|category| offer_categories.contains(**category)).count();
    let mut shared_categories: Vec<&str> = need_categories.iter().copied().filter(|category| offer_categories.contains(category)).collect();
    shared_categories.dedup();
    if sdgs.is_empty() && shared_categories.is_empty() {
        return None;
    }
    let mut reasons = Vec::new();
    let mut add = |kind, points: f64, max_points, shared: Vec<String>, evidence: Vec<NodeId>, detail: String| {
        if points > 0.0 {
            reasons.push(Reason { kind, points: round(points), max_points, shared, evidence, detail });
        }
    };
    let texts = |values: &[u8]| values.iter().map(u8::to_string).collect::<Vec<_>>();
    add(
        ReasonKind::Sdg,
        SDG_POINTS * share(sdgs.len(), need.sdgs.len()),
        SDG_POINTS,
        texts(&sdgs),
        Vec::new(),
        format!("shares {} of the need's {} SDG(s): {}", sdgs.len(), need.sdgs.len(), texts(&sdgs).join(", ")),
    );
    add(
        ReasonKind::Sector,
        SECTOR_POINTS * share(matched_sectors, need.sectors.len()),
        SECTOR_POINTS,
        shared_categories.iter().map(|category| (*category).to_owned()).collect(),
        Vec::new(),
        format!(
            "works in the DAC categories of {} of the need's {} sector(s): {}",
            matched_sectors,
            need.sectors.len(),
            shared_categories.join(", ")
        ),
    );
    let support: Vec<String> = need.support.intersection(&offer.support).map(ToString::to_string).collect();
    add(
        ReasonKind::Support,
        if support.is_empty() { 0.0 } else { SUPPORT_POINTS },
        SUPPORT_POINTS,
        support.clone(),
        Vec::new(),
        format!("gives the support asked for: {}", support.join(", ")),
    );
    let languages: Vec<String> = need.languages.intersection(&offer.languages).cloned().collect();
    add(
        ReasonKind::Language,
        if languages.is_empty() { 0.0 } else { LANGUAGE_POINTS },
        LANGUAGE_POINTS,
        languages.clone(),
        Vec::new(),
        format!("works in a language of the need: {}", languages.join(", ")),
    );
    let countries: Vec<NodeId> = need.countries.intersection(&offer.countries).cloned().collect();
    let regions: Vec<String> = need.regions.intersection(&offer.regions).cloned().collect();
    if !countries.is_empty() {
        let names = countries.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        add(ReasonKind::Place, PLACE_POINTS, PLACE_POINTS, Vec::new(), countries, format!("was tested where the need is: {names}"));
    } else if !regions.is_empty() {
        let detail = format!("was tested in the need's region: {}", regions.join(", "));
        add(ReasonKind::Region, REGION_POINTS, PLACE_POINTS, regions, offer.countries.iter().cloned().collect(), detail);
    }
    Some(reasons)
}

/// The track-record reason for the agreements (ids) in which a provider was pivotal on the need's SDGs or
/// categories; `None` for none.
pub fn track_record(agreements: Vec<NodeId>) -> Option<Reason> {
    if agreements.is_empty() {
        return None;
    }
    let counted = agreements.len().min(TRACK_RECORD_FULL);
    Some(Reason {
        kind: ReasonKind::TrackRecord,
        points: round(TRACK_RECORD_POINTS * counted as f64 / TRACK_RECORD_FULL as f64),
        max_points: TRACK_RECORD_POINTS,
        shared: Vec::new(),
        detail: format!("a provider was pivotal in {} agreement(s) on the need's SDGs or sectors", agreements.len()),
        evidence: agreements,
    })
}

/// Points for an introduction path of `hops` edges.
pub fn path_points(hops: usize) -> f64 {
    match hops {
        0..=2 => PATH_POINTS,
        3 => 7.0,
        4 => 4.0,
        _ => 0.0,
    }
}

/// The path reason for an introduction through `nodes` (seeker first, provider last).
pub fn path(nodes: Vec<NodeId>) -> Reason {
    let hops = nodes.len().saturating_sub(1);
    let through = nodes.get(1..hops).map(|inner| inner.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")).unwrap_or_default();
    let detail = if through.is_empty() {
        "seeker and provider are already linked".to_owned()
    } else {
        format!("seeker and provider could be introduced through {through} ({hops} hops)")
    };
    Reason { kind: ReasonKind::Path, points: path_points(hops), max_points: PATH_POINTS, shared: Vec::new(), evidence: nodes, detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(sdgs: &[u8], sectors: &[&str]) -> Profile {
        Profile { sdgs: sdgs.iter().copied().collect(), sectors: sectors.iter().map(|s| (*s).to_owned()).collect(), ..Profile::default() }
    }

    #[test]
    fn nothing_in_common_is_no_match() {
        assert_eq!(fit(&profile(&[2], &["31120"]), &profile(&[11], &["14050"])), None);
    }

    #[test]
    fn sectors_match_by_category_and_shares_are_of_the_need() {
        let reasons = fit(&profile(&[2, 13], &["31120"]), &profile(&[2, 7], &["31140"])).expect("a match");
        let points: Vec<(ReasonKind, f64)> = reasons.iter().map(|reason| (reason.kind, reason.points)).collect();
        assert_eq!(points, [(ReasonKind::Sdg, 12.5), (ReasonKind::Sector, 20.0)]);
        assert_eq!(reasons[1].shared, ["311"]);
    }

    #[test]
    fn a_country_in_common_outranks_a_region() {
        let mut need = profile(&[2], &[]);
        need.countries.insert(NodeId::parse("country:KEN").expect("id"));
        need.regions.insert("Africa".into());
        let mut offer = profile(&[2], &[]);
        offer.countries.insert(NodeId::parse("country:ETH").expect("id"));
        offer.regions.insert("Africa".into());
        let region = fit(&need, &offer).expect("a match");
        assert_eq!(region.last().map(|reason| (reason.kind, reason.points)), Some((ReasonKind::Region, REGION_POINTS)));
        offer.countries.insert(NodeId::parse("country:KEN").expect("id"));
        let place = fit(&need, &offer).expect("a match");
        assert_eq!(place.last().map(|reason| (reason.kind, reason.points)), Some((ReasonKind::Place, PLACE_POINTS)));
    }

    #[test]
    fn track_record_and_paths_are_capped() {
        let ids: Vec<NodeId> = (0..5).map(|n| NodeId::parse(format!("agreement:a{n}")).expect("id")).collect();
        assert_eq!(track_record(ids[..1].to_vec()).map(|reason| reason.points), Some(5.0));
        assert_eq!(track_record(ids.clone()).map(|reason| reason.points), Some(TRACK_RECORD_POINTS));
        assert_eq!(track_record(Vec::new()), None);
        assert_eq!([1, 2, 3, 4, 5].map(path_points), [10.0, 10.0, 7.0, 4.0, 0.0]);
        assert_eq!(path(ids[..3].to_vec()).detail, "seeker and provider could be introduced through agreement:a1 (2 hops)");
    }
}
