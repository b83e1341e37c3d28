//! Triangular arrangements as corners: the API's `triangulars` (all three OECD roles filled) plus, when
//! asked, *partial* arrangements — agreements whose sources name two of the three corners (e.g. the IBSA
//! Fund: pivotal and facilitating, no beneficiary stated). Nothing is invented: an empty corner stays
//! empty and is labelled as not stated in the sources. Also the triangle filters (role, agency type,
//! region, SDG, years) and the detection of actors whose role changed over time.

use partnergraph_schema::date::valid_during;
use partnergraph_schema::{AgencyType, NodeKind, PartialDate, Role, Source};
use serde::Deserialize;

use crate::explore::route::Filters;

/// An actor as the triangle query returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireActor {
    /// Node id.
    pub id: String,
    /// Node kind.
    pub kind: NodeKind,
    /// Name.
    pub name: String,
    /// Short form.
    #[serde(default)]
    pub acronym: Option<String>,
    /// Agencies: their type.
    #[serde(default)]
    pub agency_type: Option<AgencyType>,
    /// Countries: their region.
    #[serde(default)]
    pub region: Option<String>,
}

/// One participation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WireParticipation {
    /// Who.
    pub actor: WireActor,
    /// In which OECD role.
    #[serde(default)]
    pub role: Option<Role>,
    /// Since.
    #[serde(default)]
    pub from: Option<String>,
    /// Until.
    #[serde(default)]
    pub to: Option<String>,
    /// Where the documents say so.
    #[serde(default)]
    pub sources: Vec<Source>,
}

/// An agreement (or network) with its participants.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireAgreement {
    /// Node id.
    pub id: String,
    /// Node kind.
    pub kind: NodeKind,
    /// Name.
    pub name: String,
    /// Short form.
    #[serde(default)]
    pub acronym: Option<String>,
    /// Start.
    #[serde(default)]
    pub start: Option<String>,
    /// End.
    #[serde(default)]
    pub end: Option<String>,
    /// SDGs named.
    #[serde(default)]
    pub sdgs: Vec<u8>,
    /// Whether the API counts it as triangular.
    #[serde(default)]
    pub triangular: bool,
    /// Participants (agreements list).
    #[serde(default)]
    pub participants: Vec<WireParticipation>,
}

/// One entry of `triangulars`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WireTriangular {
    /// The agreement or network.
    pub agreement: WireAgreement,
    /// Its participations.
    pub participations: Vec<WireParticipation>,
}

/// The three corners, in drawing order.
pub const CORNERS: [Role; 3] = [Role::Pivotal, Role::Beneficiary, Role::Facilitating];

/// An actor in one corner.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The participation.
    pub part: WireParticipation,
    /// Other roles the same actor held in this arrangement (a role that changed over time).
    pub other_roles: Vec<Role>,
}

/// One arrangement, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrangement {
    /// The agreement or network.
    pub agreement: WireAgreement,
    /// Corners in `CORNERS` order.
    pub corners: [Vec<Member>; 3],
    /// Whether a corner is empty in the sources.
    pub partial: bool,
}

impl Arrangement {
    fn new(agreement: WireAgreement, parts: Vec<WireParticipation>) -> Arrangement {
        let mut corners: [Vec<Member>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        for part in &parts {
            let Some(slot) = part.role.and_then(|role| CORNERS.iter().position(|corner| *corner == role)) else { continue };
            let mut other_roles: Vec<Role> = parts
                .iter()
                .filter(|other| other.actor.id == part.actor.id && other.role != part.role)
                .filter_map(|other| other.role)
                .filter(|role| CORNERS.contains(role))
                .collect();
            other_roles.dedup();
            corners[slot].push(Member { part: part.clone(), other_roles });
        }
        let partial = corners.iter().any(Vec::is_empty);
        Arrangement { agreement, corners, partial }
    }

    /// Whether it passes the filters.
    pub fn matches(&self, filters: &Filters) -> bool {
        let slots: Vec<usize> = match CORNERS.iter().position(|role| role.as_str() == filters.role) {
            Some(slot) => vec![slot],
            None => vec![0, 1, 2],
        };
        let actor_ok = |member: &Member| {
            let actor = &member.part.actor;
            (filters.agency_type.is_empty() || actor.agency_type.is_some_and(|ty| ty.as_str() == filters.agency_type))
                && (filters.region.is_empty() || actor.region.as_deref().is_some_and(|region| region.eq_ignore_ascii_case(&filters.region)))
        };
        let actors = slots.iter().any(|slot| self.corners[*slot].iter().any(actor_ok));
        let agreement = &self.agreement;
        let year = |date: &Option<String>| date.as_deref().and_then(|date| date.get(..4)).and_then(|year| year.parse::<u16>().ok());
        let sdg = filters.sdg.is_none_or(|sdg| agreement.sdgs.contains(&sdg));
        let after = filters.from_year.is_none_or(|from| year(&agreement.end).is_none_or(|end| end >= from));
        let before = filters.to_year.is_none_or(|to| year(&agreement.start).is_none_or(|start| start <= to));
        (filters.partial || !self.partial) && actors && sdg && after && before
    }
}

/// The complete arrangements, then the partial ones (two corners stated), each in id order;
/// `involving` (an actor or agreement id, or empty) keeps those it takes part in. With `as_of`, a partial
/// arrangement counts only the participations valid during that year, as the server does for the
/// complete ones (`triangulars(asOf:)`); a participation whose dates cannot be read is kept.
pub fn arrangements(
    triangulars: Vec<WireTriangular>,
    agreements: Vec<WireAgreement>,
    involving: &str,
    as_of: Option<u16>,
) -> Vec<Arrangement> {
    let valid = |part: &WireParticipation| {
        let date = |text: &Option<String>| text.as_deref().and_then(|text| text.parse::<PartialDate>().ok());
        as_of.is_none_or(|year| valid_during(date(&part.from), date(&part.to), PartialDate::year(year)))
    };
    let mut out: Vec<Arrangement> = triangulars.into_iter().map(|tri| Arrangement::new(tri.agreement, tri.participations)).collect();
    let mut partial: Vec<Arrangement> = agreements
        .into_iter()
        .filter(|agreement| !agreement.triangular && !out.iter().any(|done| done.agreement.id == agreement.id))
        .filter(|agreement| {
            involving.is_empty() || agreement.id == involving || agreement.participants.iter().any(|part| part.actor.id == involving)
        })
        .map(|mut agreement| {
            let mut parts = std::mem::take(&mut agreement.participants);
            parts.retain(|part| valid(part));
            Arrangement::new(agreement, parts)
        })
        .filter(|arrangement| arrangement.corners.iter().filter(|corner| !corner.is_empty()).count() == 2)
        .collect();
    partial.sort_by(|a, b| a.agreement.id.cmp(&b.agreement.id));
    out.extend(partial);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ibsa() -> WireAgreement {
        serde_json::from_str(
            r#"{"id":"agreement:ibsa-fund","kind":"AGREEMENT","name":"IBSA","triangular":false,"sdgs":[],"participants":[
              {"actor":{"id":"agency:undp","kind":"AGENCY","name":"UNDP","agencyType":"UN_ENTITY"},"role":"FACILITATING"},
              {"actor":{"id":"country:BRA","kind":"COUNTRY","name":"Brazil","region":"Americas"},"role":"PIVOTAL"},
              {"actor":{"id":"country:IND","kind":"COUNTRY","name":"India","region":"Asia"},"role":"PIVOTAL"},
              {"actor":{"id":"country:ZAF","kind":"COUNTRY","name":"South Africa"},"role":"PIVOTAL"}]}"#,
        )
        .expect("parses")
    }

    #[test]
    fn partial_arrangements_keep_the_empty_corner_empty() {
        let out = arrangements(Vec::new(), vec![ibsa()], "country:IND", None);
        assert_eq!(out.len(), 1);
        let ibsa = &out[0];
        assert!(ibsa.partial);
        assert_eq!(
            ibsa.corners[0].iter().map(|m| m.part.actor.id.as_str()).collect::<Vec<_>>(),
            ["country:BRA", "country:IND", "country:ZAF"]
        );
        assert!(ibsa.corners[1].is_empty());
        assert_eq!(ibsa.corners[2][0].part.actor.id, "agency:undp");
        assert!(arrangements(Vec::new(), vec![super::tests::ibsa()], "country:CHN", None).is_empty());
    }

    #[test]
    fn partial_arrangements_count_only_participations_valid_in_the_year_asked() {
        let mut agreement = ibsa();
        agreement.participants[0].to = Some("2009-06".to_owned());
        agreement.participants[1].from = Some("2012".to_owned());
        // 2010: UNDP's facilitation has ended, so only one corner is stated: not an arrangement.
        assert!(arrangements(Vec::new(), vec![agreement.clone()], "", Some(2010)).is_empty());
        // 2009: UNDP still facilitates; Brazil has not joined yet.
        let out = arrangements(Vec::new(), vec![agreement.clone()], "", Some(2009));
        let pivotal: Vec<&str> = out[0].corners[0].iter().map(|m| m.part.actor.id.as_str()).collect();
        assert_eq!(pivotal, ["country:IND", "country:ZAF"]);
        assert_eq!(arrangements(Vec::new(), vec![agreement], "", None)[0].corners[0].len(), 3);
    }

    #[test]
    fn filters_by_role_type_region_and_partiality() {
        let out = arrangements(Vec::new(), vec![ibsa()], "", None);
        let ibsa = &out[0];
        let mut filters = Filters { partial: true, ..Filters::default() };
        assert!(ibsa.matches(&filters));
        filters.agency_type = "UN_ENTITY".to_owned();
        assert!(ibsa.matches(&filters));
        filters.role = "PIVOTAL".to_owned();
        assert!(!ibsa.matches(&filters));
        filters.agency_type.clear();
        filters.region = "asia".to_owned();
        assert!(ibsa.matches(&filters));
        filters.sdg = Some(2);
        assert!(!ibsa.matches(&filters));
        assert!(!ibsa.matches(&Filters::default()));
    }
}
