//! A deterministic generator of large, IATI-shaped graphs in the dataset format, for benchmarks
//! (`partnergraph bench-data`).
//!
//! Shape: ~200 countries, cities (0.5 % of nodes) in countries, agencies (5 %) with headquarters,
//! networks (0.1 %) with many members, events (1 %) in cities organised by agencies, and agreements (the
//! rest) with 2–8 participants each in OECD and IATI roles, validity dates over 2000–2026. Participants are
//! drawn from a Zipf law, so a few agencies take part in tens of thousands of agreements, as in the IATI
//! registry. Every record carries a source. The same `seed` always gives the same bytes.

use std::io::Write;

use partnergraph_schema::wire::Record;
use partnergraph_schema::{
    AgencyType, AgreementType, EdgeId, EdgeRecord, EdgeType, IatiRole, NetworkType, NodeId, NodeKind, NodeRecord, PartialDate, Role, Source,
};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct SyntheticSpec {
    /// Number of nodes (at least 1,000).
    pub nodes: u64,
    /// Number of edges (at least twice the number of nodes).
    pub edges: u64,
    /// Seed of the pseudo-random generator.
    pub seed: u64,
}

/// Why a spec cannot be generated.
#[derive(Debug, thiserror::Error)]
pub enum SyntheticError {
    /// Too small or inconsistent sizes.
    #[error("{0}")]
    Spec(String),
    /// Writing failed.
    #[error("cannot write: {0}")]
    Write(#[from] std::io::Error),
}

/// SplitMix64: small, fast, and good enough for synthetic data (not for anything secret).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (bound > 0).
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(bound)) >> 64) as u64
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Draws indices in `0..n` with probability ∝ 1 / (i + 1)^exponent (inverse-CDF table).
pub(crate) struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    pub(crate) fn new(n: u64, exponent: f64) -> Zipf {
        let mut total = 0.0;
        let cumulative = (0..n)
            .map(|i| {
                total += 1.0 / ((i + 1) as f64).powf(exponent);
                total
            })
            .collect();
        Zipf { cumulative }
    }

    pub(crate) fn sample(&self, rng: &mut Rng) -> u64 {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let target = rng.unit() * total;
        self.cumulative.partition_point(|value| *value < target) as u64
    }
}

const SYLLABLES: [&str; 24] = [
    "ka", "lo", "mi", "ra", "tu", "sen", "bo", "na", "vi", "qu", "del", "an", "zo", "pe", "ri", "sa", "ho", "ne", "gu", "ta", "ma", "li",
    "do", "ke",
];
pub(crate) const AGENCY_FORMS: [&str; 6] = ["Ministry of", "Agency for", "Institute of", "Fund for", "Bank of", "Council of"];

pub(crate) fn word(rng: &mut Rng) -> String {
    let mut text = String::new();
    for _ in 0..2 + rng.below(2) {
        text.push_str(SYLLABLES[rng.below(SYLLABLES.len() as u64) as usize]);
    }
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn date(rng: &mut Rng) -> PartialDate {
    let year = 2000 + rng.below(27) as u16;
    PartialDate::year(year)
}

fn id(kind: NodeKind, index: u64) -> NodeId {
    let text = match kind {
        NodeKind::Country => {
            let letters: String = [index / 676 % 26, index / 26 % 26, index % 26].iter().map(|n| char::from(b'A' + *n as u8)).collect();
            format!("country:{letters}")
        }
        other => format!("{}:s{index}", other.id_prefix()),
    };
    NodeId::parse(text).unwrap_or_else(|_| unreachable!("synthetic ids are valid by construction"))
}

/// Node counts per kind for `nodes` nodes.
fn layout(nodes: u64) -> [(NodeKind, u64); 6] {
    let countries = 200.min(nodes / 10);
    let cities = (nodes / 200).max(10);
    let agencies = (nodes / 20).max(20);
    let networks = (nodes / 1000).max(2);
    let events = (nodes / 100).max(5);
    let agreements = nodes - countries - cities - agencies - networks - events;
    [
        (NodeKind::Country, countries),
        (NodeKind::City, cities),
        (NodeKind::Agency, agencies),
        (NodeKind::Network, networks),
        (NodeKind::Event, events),
        (NodeKind::Agreement, agreements),
    ]
}

struct Writer<'a> {
    out: &'a mut dyn Write,
    edges_written: u64,
    source: Vec<Source>,
}

impl Writer<'_> {
    fn node(&mut self, node: NodeRecord) -> std::io::Result<()> {
        serde_json::to_writer(&mut *self.out, &Record::Node(Box::new(node)))?;
        self.out.write_all(b"\n")
    }

    /// Writes an edge with the format's id, `<source>><type>><target>`, plus `~{repeat}` when `repeat` is
    /// given (the repeat-th relation of this type between the same nodes, from 2).
    fn edge(
        &mut self,
        edge_type: EdgeType,
        (source, target): (NodeId, NodeId),
        repeat: Option<u32>,
        fill: impl FnOnce(&mut EdgeRecord),
    ) -> std::io::Result<()> {
        let tag = edge_type.as_str().to_ascii_lowercase();
        let id = match repeat {
            Some(repeat) => format!("{source}>{tag}>{target}~{repeat}"),
            None => format!("{source}>{tag}>{target}"),
        };
        let id = EdgeId::parse(id).unwrap_or_else(|_| unreachable!("synthetic ids are valid"));
        let mut edge = EdgeRecord {
            id,
            edge_type,
            source,
            target,
            role: None,
            iati_role: None,
            from: None,
            to: None,
            amount_usd: None,
            sources: self.source.clone(),
            claims: Vec::new(),
        };
        fill(&mut edge);
        self.edges_written += 1;
        serde_json::to_writer(&mut *self.out, &Record::Edge(edge))?;
        self.out.write_all(b"\n")
    }
}

/// Writes the whole dataset to `out`; returns (nodes, edges) written.
pub fn generate(spec: SyntheticSpec, out: &mut dyn Write) -> Result<(u64, u64), SyntheticError> {
    if spec.nodes < 1000 || spec.edges < 2 * spec.nodes || spec.edges > 20 * spec.nodes {
        return Err(SyntheticError::Spec("need at least 1,000 nodes and between 2 and 20 edges per node".into()));
    }
    let mut rng = Rng(spec.seed);
    let counts = layout(spec.nodes);
    let count = |kind: NodeKind| counts.iter().find(|(k, _)| *k == kind).map_or(0, |(_, n)| *n);
    let source = vec![Source { document: format!("bench-data seed {}", spec.seed), paragraph: None, quote: None }];
    let mut writer = Writer { out, edges_written: 0, source: source.clone() };
    writeln!(writer.out, "// partnergraph bench-data --nodes {} --edges {} --seed {}", spec.nodes, spec.edges, spec.seed)?;

    for (kind, n) in counts {
        for index in 0..n {
            let name = match kind {
                NodeKind::Agency => format!("{} {} {}", AGENCY_FORMS[rng.below(6) as usize], word(&mut rng), word(&mut rng)),
                NodeKind::Agreement => format!("{} {} Programme {index}", word(&mut rng), word(&mut rng)),
                _ => format!("{} {}", word(&mut rng), word(&mut rng)),
            };
            let mut node = NodeRecord::new(id(kind, index), name, source.clone());
            match kind {
                NodeKind::Country => {
                    node.iso3 = Some(node.id.slug().to_owned());
                    node.region =
                        Some(["Africa", "Asia", "Europe", "North America", "South America", "Oceania"][rng.below(6) as usize].to_owned());
                }
                NodeKind::Agency => {
                    node.agency_type = Some(AgencyType::ALL[rng.below(AgencyType::ALL.len() as u64) as usize]);
                    node.acronym = Some(node.name.split(' ').filter_map(|w| w.chars().next()).collect::<String>().to_uppercase());
                }
                NodeKind::Network => node.network_type = Some(NetworkType::ALL[rng.below(NetworkType::ALL.len() as u64) as usize]),
                NodeKind::Agreement => {
                    node.agreement_type = Some(AgreementType::ALL[rng.below(AgreementType::ALL.len() as u64) as usize]);
                    let start = date(&mut rng);
                    node.start = Some(start);
                    node.end = Some(PartialDate::year((start.year_number() + 1 + rng.below(6) as u16).min(2026)));
                    node.sdgs = vec![1 + rng.below(17) as u8];
                }
                NodeKind::Event => node.start = Some(date(&mut rng)),
                // Needs and offers are not in the synthetic layout.
                NodeKind::City | NodeKind::Need | NodeKind::Offer => {}
            }
            if matches!(kind, NodeKind::Country | NodeKind::City) {
                node.location = Some(partnergraph_schema::GeoPoint { lat: rng.unit() * 140.0 - 60.0, lon: rng.unit() * 360.0 - 180.0 });
            }
            writer.node(node)?;
        }
    }

    let (countries, cities, agencies, networks, events, agreements) = (
        count(NodeKind::Country),
        count(NodeKind::City),
        count(NodeKind::Agency),
        count(NodeKind::Network),
        count(NodeKind::Event),
        count(NodeKind::Agreement),
    );
    let agency_pick = Zipf::new(agencies, 1.1);
    let country_pick = Zipf::new(countries, 0.8);
    for city in 0..cities {
        writer.edge(EdgeType::LocatedIn, (id(NodeKind::City, city), id(NodeKind::Country, rng.below(countries))), None, |_| {})?;
    }
    for agency in 0..agencies {
        writer.edge(EdgeType::LocatedIn, (id(NodeKind::Agency, agency), id(NodeKind::City, rng.below(cities))), None, |_| {})?;
    }
    for event in 0..events {
        writer.edge(EdgeType::LocatedIn, (id(NodeKind::Event, event), id(NodeKind::City, rng.below(cities))), None, |_| {})?;
        let organiser = id(NodeKind::Agency, agency_pick.sample(&mut rng));
        writer.edge(EdgeType::OrganisedBy, (id(NodeKind::Event, event), organiser), None, |_| {})?;
    }
    let participation_budget = spec.edges.saturating_sub(writer.edges_written) * 85 / 100;
    let mut participations = 0;
    for agreement in 0..agreements {
        if participations >= participation_budget {
            break;
        }
        let target = id(NodeKind::Agreement, agreement);
        let size = 2 + rng.below(7);
        let triangular = agreement % 3 == 0;
        let mut chosen: Vec<NodeId> = Vec::with_capacity(size as usize);
        for slot in 0..size {
            let actor = if rng.below(10) < 7 {
                id(NodeKind::Agency, agency_pick.sample(&mut rng))
            } else {
                id(NodeKind::Country, country_pick.sample(&mut rng))
            };
            if chosen.contains(&actor) {
                continue;
            }
            chosen.push(actor.clone());
            let from = date(&mut rng);
            let role = match (triangular, slot) {
                (true, 0) => Role::Beneficiary,
                (true, 1) => Role::Pivotal,
                (true, 2) => Role::Facilitating,
                _ => Role::Partner,
            };
            let iati = IatiRole::ALL[rng.below(4) as usize];
            writer.edge(EdgeType::ParticipatesIn, (actor, target.clone()), None, |edge| {
                edge.role = Some(role);
                edge.iati_role = Some(iati);
                edge.from = Some(from);
            })?;
            participations += 1;
        }
        if agreement % 10 == 0 {
            let admin = id(NodeKind::Agency, agency_pick.sample(&mut rng));
            writer.edge(EdgeType::AdministeredBy, (target.clone(), admin), None, |_| {})?;
        }
    }
    // Memberships are drawn with repeats (a member that left and joined again): the second of a pair is `~2`.
    let mut memberships: std::collections::HashMap<(u64, bool, u64), u32> = std::collections::HashMap::new();
    while writer.edges_written < spec.edges {
        let network = rng.below(networks);
        let city = rng.below(2) == 0;
        let member = if city { rng.below(cities) } else { rng.below(agencies) };
        let from = date(&mut rng);
        let count = memberships.entry((network, city, member)).or_insert(0);
        *count += 1;
        let repeat = (*count > 1).then_some(*count);
        let member = if city { id(NodeKind::City, member) } else { id(NodeKind::Agency, member) };
        writer.edge(EdgeType::MemberOf, (member, id(NodeKind::Network, network)), repeat, |edge| edge.from = Some(from))?;
    }
    writer.out.flush()?;
    Ok((spec.nodes, writer.edges_written))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generate_text(spec: SyntheticSpec) -> String {
        let mut out = Vec::new();
        generate(spec, &mut out).expect("generate");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn the_same_seed_gives_the_same_valid_dataset_of_the_asked_size() {
        let spec = SyntheticSpec { nodes: 2000, edges: 9000, seed: 7 };
        let text = generate_text(spec);
        assert_eq!(text, generate_text(spec), "deterministic");
        assert_ne!(text, generate_text(SyntheticSpec { seed: 8, ..spec }));
        let dataset = partnergraph_schema::dataset::parse_and_validate(&text)
            .unwrap_or_else(|problems| panic!("{:?}", &problems[..3.min(problems.len())]));
        assert_eq!(dataset.nodes.len(), 2000);
        assert_eq!(dataset.edges.len(), 9000);
        let mut degree: std::collections::HashMap<&NodeId, usize> = std::collections::HashMap::new();
        for edge in &dataset.edges {
            *degree.entry(&edge.record.source).or_default() += 1;
        }
        let busiest = degree.iter().filter(|(id, _)| id.kind() == NodeKind::Agency).map(|(_, n)| *n).max().unwrap_or(0);
        assert!(busiest > 100, "power law: the busiest agency has {busiest} edges");
    }

    #[test]
    fn refuses_impossible_sizes() {
        assert!(generate(SyntheticSpec { nodes: 10, edges: 100, seed: 1 }, &mut Vec::new()).is_err());
        assert!(generate(SyntheticSpec { nodes: 1000, edges: 100, seed: 1 }, &mut Vec::new()).is_err());
    }
}
