//! ISO 3166-1 country codes (alpha-2, alpha-3 and English names, from the `celes` table): IATI names
//! countries by alpha-2, the graph by alpha-3.

/// A country's alpha-3 code from its alpha-2 code (any case).
pub fn alpha3(alpha2: &str) -> Option<&'static str> {
    (alpha2.len() == 2).then(|| celes::Country::from_alpha2(alpha2).ok()).flatten().map(|country| country.alpha3)
}

/// A country's alpha-2 code and English name from its alpha-3 code (any case).
pub fn of_alpha3(alpha3: &str) -> Option<(&'static str, &'static str)> {
    (alpha3.len() == 3).then(|| celes::Country::from_alpha3(alpha3).ok()).flatten().map(|country| (country.alpha2, country.long_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpha2_and_alpha3_correspond() {
        assert_eq!(alpha3("af"), Some("AFG"));
        assert_eq!(alpha3("AG"), Some("ATG"));
        assert_eq!(alpha3("XX"), None);
        assert_eq!(alpha3("AFG"), None);
        assert_eq!(of_alpha3("tha"), Some(("TH", "Thailand")));
        assert_eq!(of_alpha3("TH"), None);
    }
}
