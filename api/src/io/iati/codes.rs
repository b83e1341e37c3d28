//! The IATI codelists the mappings read, with the spellings real files use: 2.0x numeric codes and the
//! 1.0x words (`role="Funding"`, `type="start-actual"`), booleans as `1`/`true`/`yes`, dates with times,
//! fractional seconds or no time zone.

use partnergraph_schema::{AgencyType, IatiRole, PartialDate};

/// An IATI participating-organisation role from its code (1–4) or its 1.0x name.
pub fn iati_role(value: &str) -> Option<IatiRole> {
    if let Ok(code) = value.parse::<u8>() {
        return IatiRole::from_code(code);
    }
    IatiRole::ALL.iter().copied().find(|role| role.as_str().eq_ignore_ascii_case(value))
}

/// An IATI boolean: `1`/`true`/`yes` or `0`/`false`/`no`, in any case.
pub fn boolean(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" => Some(true),
        "0" | "false" | "no" => Some(false),
        _ => None,
    }
}

/// Which activity date an `activity-date` is (ActivityDateType codes 1–4, or the 1.0x names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateType {
    /// Code 1, `start-planned`.
    PlannedStart,
    /// Code 2, `start-actual`.
    ActualStart,
    /// Code 3, `end-planned`.
    PlannedEnd,
    /// Code 4, `end-actual`.
    ActualEnd,
}

/// The date type of a code or 1.0x name.
pub fn date_type(value: &str) -> Option<DateType> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "start-planned" => Some(DateType::PlannedStart),
        "2" | "start-actual" => Some(DateType::ActualStart),
        "3" | "end-planned" => Some(DateType::PlannedEnd),
        "4" | "end-actual" => Some(DateType::ActualEnd),
        _ => None,
    }
}

/// A date written as `YYYY-MM-DD`, optionally followed by a time (with fractional seconds) and a time zone,
/// or as `YYYY-MM` or `YYYY`; the time is dropped. Free text is `None`.
pub fn date(value: &str) -> Option<PartialDate> {
    let value = value.trim();
    let day_part = value.get(..10).filter(|_| value.len() > 10 && matches!(value.as_bytes()[10], b'T' | b' ' | b'Z' | b'+' | b'-'));
    day_part.unwrap_or(value).parse().ok()
}

/// The kind of agency an IATI OrganisationType code names.
pub fn agency_type(code: &str) -> Option<AgencyType> {
    Some(match code {
        "10" | "15" => AgencyType::Government,
        "11" => AgencyType::LocalGovernment,
        "21" | "22" | "23" | "24" | "60" => AgencyType::Ngo,
        "40" => AgencyType::Intergovernmental,
        "70" | "71" | "72" | "73" => AgencyType::PrivateSector,
        "80" => AgencyType::Academic,
        "30" | "90" => AgencyType::Other,
        _ => return None,
    })
}

/// The SDG (1–17) of a goal code (`3`) or a target or indicator code (`3.1`, `3.1.2`).
pub fn sdg(code: &str) -> Option<u8> {
    let goal = code.split('.').next()?.trim().parse::<u8>().ok()?;
    (1..=17).contains(&goal).then_some(goal)
}

/// Whether `value` has the shape of an IATI organisation identifier: a registration agency prefix of two
/// letters, a dash, an agency code, a dash and the organisation's number (`XM-DAC-41114`, `GB-CHC-202918`;
/// in any case, as lookups are).
pub fn is_org_identifier(value: &str) -> bool {
    let mut parts = value.splitn(3, '-');
    let (Some(country), Some(agency), Some(number)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    country.len() == 2
        && country.bytes().all(|b| b.is_ascii_alphabetic())
        && !agency.is_empty()
        && agency.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !number.is_empty()
        && !number.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_from_codes_and_1_0_names() {
        assert_eq!(iati_role("1"), Some(IatiRole::Funding));
        assert_eq!(iati_role("4"), Some(IatiRole::Implementing));
        assert_eq!(iati_role("Funding"), Some(IatiRole::Funding));
        assert_eq!(iati_role("implementing"), Some(IatiRole::Implementing));
        assert_eq!(iati_role("5"), None);
        assert_eq!(iati_role("Donor"), None);
    }

    #[test]
    fn dates_with_times_fractions_and_zones() {
        let day: PartialDate = "2012-04-15".parse().expect("date");
        for text in ["2012-04-15", "2012-04-15T00:00:00", "2012-04-15T10:20:30.123456", "2012-04-15Z", "2012-04-15+02:00", " 2012-04-15 "] {
            assert_eq!(date(text), Some(day), "{text}");
        }
        assert_eq!(date("2012"), Some(PartialDate::year(2012)));
        assert_eq!(date("15/04/2012"), None);
        assert_eq!(date("spring 2012"), None);
        assert_eq!(date("2012-13-01"), None);
    }

    #[test]
    fn booleans_as_words() {
        assert_eq!(boolean("TRUE"), Some(true));
        assert_eq!(boolean("yes"), Some(true));
        assert_eq!(boolean("0"), Some(false));
        assert_eq!(boolean("maybe"), None);
    }

    #[test]
    fn sdg_goals_targets_and_indicators() {
        assert_eq!(sdg("3"), Some(3));
        assert_eq!(sdg("17.3.1"), Some(17));
        assert_eq!(sdg("18"), None);
        assert_eq!(sdg("A1"), None);
    }

    #[test]
    fn organisation_identifiers() {
        assert!(is_org_identifier("XM-DAC-41114"));
        assert!(is_org_identifier("GB-CHC-202918"));
        assert!(is_org_identifier("XI-IATI-EC_DEVCO"));
        assert!(!is_org_identifier("NGO"));
        assert!(!is_org_identifier("Internal code 12"));
        assert!(is_org_identifier("xm-dac-41114"));
        assert!(!is_org_identifier("41-DAC-41114"));
        assert!(!is_org_identifier("123-456"));
    }
}
