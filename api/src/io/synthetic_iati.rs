//! The synthetic benchmark graph as IATI XML (`partnergraph bench-data --format iati`): a deterministic
//! activity file of the same shape as the JSON Lines generator's agreements, to benchmark the IATI import
//! at scale (BENCHMARKS.md).
//!
//! Each activity has an identifier under its publisher, a title and a description, two dates, one or two
//! recipient countries, a sector, a budget and a commitment in USD, and two to five participating
//! organisations in roles 1–4 drawn from a pool of one organisation per twenty activities (Zipf-ranked,
//! so a few take part in many activities, as UN agencies and big donors do); one activity in ten is
//! triangular (collaboration type 8). The first organisation is UNDP (`XM-DAC-41114`), so imported
//! activities attach to the seed's `agency:undp`. All text is ASCII letters and digits: nothing needs
//! escaping.

use std::io::Write;

use crate::io::synthetic::{AGENCY_FORMS, Rng, Zipf, word};

/// ISO 3166-1 alpha-2 codes the recipient countries are drawn from.
const COUNTRIES: [&str; 24] = [
    "MZ", "KE", "ET", "GH", "SN", "BR", "IN", "CN", "ID", "VN", "PE", "CO", "MX", "EG", "MA", "TZ", "UG", "BD", "NP", "PH", "TH", "ZA",
    "NG", "BO",
];
/// DAC 5-digit sector codes the sectors are drawn from.
const SECTORS: [&str; 8] = ["11110", "12220", "14030", "15110", "23210", "31120", "41010", "43040"];

/// Writes `activities` activities generated from `seed` to `out`; returns how many organisations they
/// name.
pub fn generate(activities: u64, seed: u64, out: &mut dyn Write) -> std::io::Result<u64> {
    let mut rng = Rng(seed ^ 0x1A71);
    let organisations = (activities / 20).max(10);
    let zipf = Zipf::new(organisations, 1.1);
    let names: Vec<String> = (0..organisations)
        .map(|org| if org == 0 { "United Nations Development Programme".to_owned() } else { organisation_name(&mut rng) })
        .collect();
    let reference = |org: u64| if org == 0 { "XM-DAC-41114".to_owned() } else { format!("XI-SYN-{org}") };
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<iati-activities version="2.03" generated-datetime="2026-01-01T00:00:00Z">"#)?;
    for activity in 0..activities {
        let publisher = zipf.sample(&mut rng);
        let publisher_ref = reference(publisher);
        let start_year = 2000 + rng.below(24);
        let (start_month, end_year) = (1 + rng.below(12), start_year + 1 + rng.below(6));
        let amount = 10_000 + rng.below(5_000_000);
        writeln!(out, r#"<iati-activity default-currency="USD" xml:lang="en">"#)?;
        writeln!(out, "<iati-identifier>{publisher_ref}-{activity}</iati-identifier>")?;
        let publisher_name = &names[usize::try_from(publisher).unwrap_or(0)];
        writeln!(out, r#"<reporting-org ref="{publisher_ref}" type="10"><narrative>{publisher_name}</narrative></reporting-org>"#)?;
        let title = format!("{} {} Programme {activity}", word(&mut rng), word(&mut rng));
        writeln!(out, "<title><narrative>{title}</narrative></title>")?;
        let description = (0..12).map(|_| word(&mut rng).to_lowercase()).collect::<Vec<_>>().join(" ");
        writeln!(out, r#"<description type="1"><narrative>{description}</narrative></description>"#)?;
        let mut taking_part: Vec<u64> = Vec::with_capacity(5);
        for _ in 0..2 + rng.below(4) {
            // Distinct organisations (a real file may repeat one; the import warns of that, and this file
            // is to have no warning).
            let org = zipf.sample(&mut rng);
            if taking_part.contains(&org) {
                continue;
            }
            taking_part.push(org);
            let role = 1 + rng.below(4);
            let name = &names[usize::try_from(org).unwrap_or(0)];
            writeln!(
                out,
                r#"<participating-org ref="{}" role="{role}" type="10"><narrative>{name}</narrative></participating-org>"#,
                reference(org)
            )?;
        }
        writeln!(out, r#"<activity-status code="2"/>"#)?;
        writeln!(out, r#"<activity-date type="2" iso-date="{start_year}-{start_month:02}-01"/>"#)?;
        writeln!(out, r#"<activity-date type="3" iso-date="{end_year}-12-31"/>"#)?;
        let countries = 1 + rng.below(2);
        for _ in 0..countries {
            let country = COUNTRIES[usize::try_from(rng.below(COUNTRIES.len() as u64)).unwrap_or(0)];
            writeln!(out, r#"<recipient-country code="{country}" percentage="{}"/>"#, 100 / countries)?;
        }
        let sector = SECTORS[usize::try_from(rng.below(SECTORS.len() as u64)).unwrap_or(0)];
        writeln!(out, r#"<sector vocabulary="1" code="{sector}" percentage="100"/>"#)?;
        let collaboration = if rng.below(10) == 0 { 8 } else { 1 };
        writeln!(out, r#"<collaboration-type code="{collaboration}"/>"#)?;
        writeln!(
            out,
            r#"<budget type="1" status="2"><period-start iso-date="{start_year}-01-01"/><period-end iso-date="{start_year}-12-31"/><value value-date="{start_year}-01-01">{amount}</value></budget>"#
        )?;
        writeln!(
            out,
            r#"<transaction><transaction-type code="2"/><transaction-date iso-date="{start_year}-{start_month:02}-01"/><value value-date="{start_year}-{start_month:02}-01">{amount}</value></transaction>"#
        )?;
        writeln!(out, "</iati-activity>")?;
    }
    writeln!(out, "</iati-activities>")?;
    Ok(organisations)
}

fn organisation_name(rng: &mut Rng) -> String {
    let form = AGENCY_FORMS[usize::try_from(rng.below(AGENCY_FORMS.len() as u64)).unwrap_or(0)];
    format!("{form} {} {}", word(rng), word(rng))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::iati::check;

    #[test]
    fn the_same_seed_gives_the_same_file_which_imports_without_a_warning() {
        let mut first = Vec::new();
        let organisations = generate(200, 7, &mut first).expect("written");
        let mut second = Vec::new();
        generate(200, 7, &mut second).expect("written");
        assert_eq!(first, second, "deterministic");
        assert_eq!(organisations, 10);
        let report = check(std::io::Cursor::new(first), "synthetic.xml").expect("an IATI file");
        assert_eq!(report.records, 200);
        assert_eq!(report.skipped, 0);
        assert_eq!(report.warnings.total(), 0, "{:?}", report.warnings.kept());
    }
}
