//! The explorer's URL state: which view (`map`, `triangles`, `path`, `match`), its subject and its
//! filters, read from and written to the query string so every view is a deep link and back/forward
//! work. Reading never fails: unknown keys are ignored, bad values dropped, except a `focus` that cannot
//! be an id, kept so that the map says so.

use crate::config::percent_decode;
use crate::i18n::Lang;

/// The explorer's views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The network map around `focus`, with its details and partners.
    Map,
    /// Triangular arrangements.
    Triangles,
    /// Paths between `from` and `to`.
    Path,
    /// Offers ranked for `need` ("Find a partner").
    Match,
}

impl View {
    /// The spelling in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            View::Map => "map",
            View::Triangles => "triangles",
            View::Path => "path",
            View::Match => "match",
        }
    }
}

/// Filters of the triangular explorer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Only arrangements with a matching actor in this corner (`BENEFICIARY`, `PIVOTAL`, `FACILITATING`).
    pub role: String,
    /// Only arrangements with an agency of this type (`UN_ENTITY`, …).
    pub agency_type: String,
    /// Only arrangements with a country in this region (case-insensitive).
    pub region: String,
    /// Only arrangements naming this SDG.
    pub sdg: Option<u8>,
    /// Only arrangements running in or after this year.
    pub from_year: Option<u16>,
    /// Only arrangements running in or before this year.
    pub to_year: Option<u16>,
    /// Whether arrangements with an empty corner are shown.
    pub partial: bool,
}

/// Everything one explorer view needs; its query string is the view's URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The view.
    pub view: View,
    /// The map's focus (and the partners' subject).
    pub focus: String,
    /// The path's start.
    pub from: String,
    /// The path's end.
    pub to: String,
    /// The triangles of one actor or agreement (empty: all).
    pub involving: String,
    /// The need whose matches are shown (empty: none picked).
    pub need: String,
    /// Only edges valid in this year.
    pub as_of: Option<u16>,
    /// The interface language; `None` follows the browser.
    pub lang: Option<Lang>,
    /// Triangle filters.
    pub filters: Filters,
}

impl Default for Route {
    fn default() -> Route {
        Route {
            view: View::Map,
            focus: crate::config::DEFAULT_FOCUS.to_owned(),
            from: String::new(),
            to: String::new(),
            involving: String::new(),
            need: String::new(),
            as_of: None,
            lang: None,
            filters: Filters { partial: true, ..Filters::default() },
        }
    }
}

fn year(value: &str) -> Option<u16> {
    value.get(..4).and_then(|year| year.parse::<u16>().ok()).filter(|year| (1000..=9999).contains(year))
}

fn id(value: &str) -> Option<String> {
    (!value.is_empty() && value.len() <= 200 && value.contains(':')).then(|| value.to_owned())
}

impl Route {
    /// Reads a query string (with or without `?`).
    pub fn from_query(query: &str) -> Route {
        let mut route = Route::default();
        for pair in query.trim_start_matches('?').split('&').filter(|pair| !pair.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(value);
            let value = value.trim();
            let filters = &mut route.filters;
            match key {
                "view" => {
                    route.view = match value {
                        "triangles" => View::Triangles,
                        "path" => View::Path,
                        "match" => View::Match,
                        _ => View::Map,
                    }
                }
                // Kept as given, even when it cannot be an id: the map then says so instead of showing another.
                "focus" if !value.is_empty() => value.clone_into(&mut route.focus),
                "from" => route.from = id(value).unwrap_or_default(),
                "to" => route.to = id(value).unwrap_or_default(),
                "involving" => route.involving = id(value).unwrap_or_default(),
                "need" => route.need = id(value).filter(|need| need.starts_with("need:")).unwrap_or_default(),
                "asOf" => route.as_of = year(value),
                "lang" if !value.is_empty() => route.lang = Some(Lang::parse(value)),
                "role" if matches!(value, "BENEFICIARY" | "PIVOTAL" | "FACILITATING") => value.clone_into(&mut filters.role),
                "agencyType" if value.len() <= 40 && value.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') => {
                    value.clone_into(&mut filters.agency_type)
                }
                "region" if value.len() <= 60 => value.clone_into(&mut filters.region),
                "sdg" => filters.sdg = value.parse::<u8>().ok().filter(|sdg| (1..=17).contains(sdg)),
                "fromYear" => filters.from_year = year(value),
                "toYear" => filters.to_year = year(value),
                "partial" => filters.partial = value != "0" && value != "false",
                _ => {}
            }
        }
        route
    }

    /// The query string of this view (without `?`), only the keys that matter to it.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = vec![("view", self.view.as_str().to_owned())];
        match self.view {
            View::Map => pairs.push(("focus", self.focus.clone())),
            View::Path => {
                pairs.push(("from", self.from.clone()));
                pairs.push(("to", self.to.clone()));
            }
            View::Match => pairs.push(("need", self.need.clone())),
            View::Triangles => {
                let filters = &self.filters;
                pairs.push(("involving", self.involving.clone()));
                pairs.push(("role", filters.role.clone()));
                pairs.push(("agencyType", filters.agency_type.clone()));
                pairs.push(("region", filters.region.clone()));
                pairs.push(("sdg", filters.sdg.map(|sdg| sdg.to_string()).unwrap_or_default()));
                pairs.push(("fromYear", filters.from_year.map(|year| year.to_string()).unwrap_or_default()));
                pairs.push(("toYear", filters.to_year.map(|year| year.to_string()).unwrap_or_default()));
                if !filters.partial {
                    pairs.push(("partial", "0".to_owned()));
                }
            }
        }
        pairs.push(("asOf", self.as_of.map(|year| year.to_string()).unwrap_or_default()));
        pairs.push(("lang", self.lang.map(|lang| lang.strings().tag.to_owned()).unwrap_or_default()));
        pairs
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(key, value)| format!("{key}={}", encode(&value)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

pub use partnergraph_schema::text::percent_encode as encode;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_view() {
        for query in [
            "view=map&focus=country:IND&asOf=2016&lang=ar",
            "view=path&from=agency:undp&to=agency:wfp",
            "view=match&need=need:kenya-drought-resilience&lang=fr",
            "view=triangles&involving=country:BRA&role=PIVOTAL&agencyType=UN_ENTITY&region=Asia%20Pacific&sdg=2&fromYear=2010&toYear=2020&partial=0&lang=zh",
        ] {
            assert_eq!(Route::from_query(query).to_query(), query);
        }
    }

    #[test]
    fn bad_values_are_dropped() {
        let route = Route::from_query("?view=nope&role=BOSS&sdg=40&asOf=soon&agencyType=a<b&need=agency:undp");
        assert_eq!(route, Route::default());
        assert_eq!(route.to_query(), "view=map&focus=network:wacap");
        // A focus that is no id is kept, for the map to say so (not replaced by the default).
        let route = Route::from_query("view=map&focus=%3Cx%3E");
        assert_eq!(route.focus, "<x>");
        assert_eq!(route.to_query(), "view=map&focus=%3Cx%3E");
    }
}
