//! The monitoring dashboard's pure half: what its one GraphQL question asks, the answer's shape, and
//! what each chart draws from it (stacked bars of agreements per year by OECD role, top partners, SDGs
//! covered, partner countries shaded), plus the CSV of each chart's table. The components in
//! `components/dashboard.rs` only lay these out as SVG and HTML.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The OECD roles in the order the bars stack them, then the catch-alls.
pub const ROLE_ORDER: [&str; 5] = ["BENEFICIARY", "PIVOTAL", "FACILITATING", "PARTNER", "UNKNOWN"];
/// Partners shown in the top-partners chart.
pub const TOP_PARTNERS: usize = 10;
/// Shades of the choropleth, lightest first.
pub const SHADES: usize = 5;

/// The question, for the whole graph or one node's agreements (`$id`).
pub const QUERY: &str = "query Dashboard($id: ID) {
  years: statistics(by: [YEAR, ROLE], involving: $id, first: 1000) { rows { keys agreements } total { agreements partners amountUsd } truncated }
  sdgs: statistics(by: [SDG], involving: $id, first: 17) { rows { keys agreements } }
  partners: statistics(by: [AGENCY], involving: $id, first: 11) { rows { keys labels agreements partners } }
  countries: statistics(by: [COUNTRY], involving: $id, first: 300) { rows { keys labels agreements } }
}";

/// One row of a statistics table as the API sends it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    /// One key per dimension (none for a total).
    #[serde(default)]
    pub keys: Vec<String>,
    /// The keys as names (agencies and countries).
    #[serde(default)]
    pub labels: Vec<String>,
    /// Agreements counted.
    pub agreements: u64,
    /// Distinct partners.
    #[serde(default)]
    pub partners: u64,
    /// Known amounts, summed.
    #[serde(default)]
    pub amount_usd: Option<f64>,
}

/// A statistics table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Table {
    /// Its rows.
    pub rows: Vec<Row>,
    /// The total, when asked for.
    #[serde(default)]
    pub total: Option<Row>,
    /// Whether rows or agreements were left out.
    #[serde(default)]
    pub truncated: bool,
}

/// The whole answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Answer {
    /// Agreements per year and role.
    pub years: Table,
    /// Agreements per SDG.
    pub sdgs: Table,
    /// Agreements per agency.
    pub partners: Table,
    /// Agreements per country.
    pub countries: Table,
}

/// One year's bar: the agreements of each role (in [`ROLE_ORDER`]) started that year.
#[derive(Debug, Clone, PartialEq)]
pub struct YearBar {
    /// The year.
    pub year: String,
    /// Agreements per role, in [`ROLE_ORDER`].
    pub by_role: [u64; ROLE_ORDER.len()],
}

impl YearBar {
    /// The bar's height: an agreement with several roles counts in each.
    pub fn height(&self) -> u64 {
        self.by_role.iter().sum()
    }
}

/// The year bars (every year from the first to the last, empty ones too) and the agreements without a
/// start date, which no bar shows.
pub fn year_bars(table: &Table) -> (Vec<YearBar>, u64) {
    let mut by_year: BTreeMap<u16, [u64; ROLE_ORDER.len()]> = BTreeMap::new();
    let mut undated: BTreeMap<&str, u64> = BTreeMap::new();
    for row in &table.rows {
        let [year, role] = row.keys.as_slice() else { continue };
        let slot = ROLE_ORDER.iter().position(|known| known == role).unwrap_or(ROLE_ORDER.len() - 1);
        match year.parse::<u16>() {
            Ok(year) => by_year.entry(year).or_default()[slot] += row.agreements,
            Err(_) => *undated.entry(role.as_str()).or_default() += row.agreements,
        }
    }
    let (Some(first), Some(last)) = (by_year.keys().next().copied(), by_year.keys().next_back().copied()) else {
        return (Vec::new(), undated.values().copied().max().unwrap_or(0));
    };
    let bars =
        (first..=last).map(|year| YearBar { year: year.to_string(), by_role: by_year.get(&year).copied().unwrap_or_default() }).collect();
    (bars, undated.values().copied().max().unwrap_or(0))
}

/// The top partners: the agencies with the most agreements, without the node the dashboard is about.
pub fn top_partners<'a>(table: &'a Table, focus: Option<&str>) -> Vec<&'a Row> {
    table.rows.iter().filter(|row| Some(row.keys[0].as_str()) != focus).take(TOP_PARTNERS).collect()
}

/// Agreements per SDG 1–17 (0 where none).
pub fn sdg_counts(table: &Table) -> [u64; 17] {
    let mut counts = [0; 17];
    for row in &table.rows {
        if let Some(goal) = row.keys.first().and_then(|key| key.parse::<usize>().ok()).filter(|goal| (1..=17).contains(goal)) {
            counts[goal - 1] = row.agreements;
        }
    }
    counts
}

/// Whether a query string names a `focus` (a dashboard without one is about every actor).
pub fn focus_given(query: &str) -> bool {
    query
        .trim_start_matches('?')
        .split('&')
        .any(|pair| pair.split_once('=').is_some_and(|(key, value)| key == "focus" && !value.trim().is_empty()))
}

/// The shade (1 to [`SHADES`]) of a count among counts up to `max`: 0 for none.
pub fn shade(count: u64, max: u64) -> usize {
    if count == 0 || max == 0 {
        return 0;
    }
    let step = (count as f64 / max as f64 * SHADES as f64).ceil() as usize;
    step.clamp(1, SHADES)
}

/// Whether `point` lies inside the closed `ring` (even-odd rule).
pub fn inside(point: (f64, f64), ring: &[(f64, f64)]) -> bool {
    let (x, y) = point;
    let mut inside = false;
    let mut previous = match ring.last() {
        Some(last) => *last,
        None => return false,
    };
    for &(xi, yi) in ring {
        let (xj, yj) = previous;
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        previous = (xi, yi);
    }
    inside
}

/// A CSV document: a header and rows, each field quoted when it must be (RFC 4180), formulas defused
/// (a field starting with `=`, `+`, `-` or `@` gets a leading apostrophe, as spreadsheets advise).
pub fn csv(header: &[&str], rows: &[Vec<String>]) -> String {
    let field = |text: &str| {
        let text =
            if text.starts_with(['=', '+', '-', '@']) && text.parse::<f64>().is_err() { format!("'{text}") } else { text.to_owned() };
        if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
    };
    let mut out = String::new();
    for line in std::iter::once(header.iter().map(|cell| (*cell).to_owned()).collect::<Vec<_>>()).chain(rows.iter().cloned()) {
        out.push_str(&line.iter().map(|cell| field(cell)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_of_the_query_decodes() {
        let text = r#"{"years":{"rows":[{"keys":["2017","PIVOTAL"],"agreements":1}],"total":{"agreements":3,"partners":5,"amountUsd":null},"truncated":false},
            "sdgs":{"rows":[]},"partners":{"rows":[{"keys":["agency:undp"],"labels":["UNDP"],"agreements":2,"partners":4}]},
            "countries":{"rows":[{"keys":["country:IND"],"labels":["India"],"agreements":1}]}}"#;
        let answer: Answer = serde_json::from_str(text).expect("decodes");
        assert_eq!(answer.years.total.map(|total| total.agreements), Some(3));
        assert_eq!(answer.partners.rows[0].labels, ["UNDP"]);
    }

    fn row(keys: &[&str], agreements: u64) -> Row {
        Row { keys: keys.iter().map(|key| (*key).to_owned()).collect(), labels: Vec::new(), agreements, partners: 0, amount_usd: None }
    }

    #[test]
    fn year_bars_fill_the_gaps_and_stack_roles_in_order() {
        let table = Table {
            rows: vec![
                row(&["2015", "PIVOTAL"], 2),
                row(&["2017", "BENEFICIARY"], 1),
                row(&["2017", "ODD"], 4),
                row(&["UNKNOWN", "PARTNER"], 3),
            ],
            total: None,
            truncated: false,
        };
        let (bars, undated) = year_bars(&table);
        assert_eq!(bars.iter().map(|bar| bar.year.as_str()).collect::<Vec<_>>(), ["2015", "2016", "2017"]);
        assert_eq!(bars[0].by_role, [0, 2, 0, 0, 0]);
        assert_eq!(bars[1].height(), 0);
        assert_eq!(bars[2].by_role, [1, 0, 0, 0, 4], "an unknown role stacks last");
        assert_eq!(undated, 3);
    }

    #[test]
    fn partners_leave_out_the_focus_and_sdgs_fill_seventeen() {
        let table = Table { rows: vec![row(&["agency:undp"], 9), row(&["agency:wfp"], 3)], total: None, truncated: false };
        assert_eq!(top_partners(&table, Some("agency:undp")).len(), 1);
        let sdgs = Table { rows: vec![row(&["5"], 2), row(&["17"], 1), row(&["18"], 7)], total: None, truncated: false };
        let counts = sdg_counts(&sdgs);
        assert_eq!((counts[4], counts[16], counts.iter().sum::<u64>()), (2, 1, 3));
    }

    #[test]
    fn a_focus_is_given_or_not() {
        assert!(focus_given("lang=fr&focus=agency%3Aundp"));
        assert!(!focus_given("?lang=fr&focus="));
        assert!(!focus_given("unfocused=1"));
    }

    #[test]
    fn shades_and_rings() {
        assert_eq!((shade(0, 10), shade(1, 10), shade(10, 10), shade(5, 10)), (0, 1, 5, 3));
        let square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)];
        assert!(inside((5.0, 5.0), &square));
        assert!(!inside((15.0, 5.0), &square));
    }

    #[test]
    fn csv_quotes_and_defuses() {
        let text = csv(
            &["name", "agreements"],
            &[vec!["Côte d'Ivoire, \"CI\"".to_owned(), "3".to_owned()], vec!["=HYPERLINK()".to_owned(), "-1".to_owned()]],
        );
        assert_eq!(text, "name,agreements\r\n\"Côte d'Ivoire, \"\"CI\"\"\",3\r\n'=HYPERLINK(),-1\r\n");
    }
}
