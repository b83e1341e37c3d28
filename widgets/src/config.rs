//! A map's configuration, read from a URL query string (`focus=…&depth=…&layout=force|geo&asOf=…&lang=…
//! &controls=full|simple|bare`), the same string for the iframe page and for a direct mount.
//!
//! Parsing never fails: unknown keys are ignored and bad values fall back to the defaults, so a
//! mistyped embed still shows a map; except a `focus` that is not a node id (too long, or not of the
//! id's form): that is kept as a [`FocusProblem`] the widget shows instead of some other map.

use partnergraph_schema::ids::MAX_ID_LEN;
use partnergraph_schema::{IdError, NodeId};

use crate::i18n::Lang;

/// Why the `focus` option cannot name a node.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FocusProblem {
    /// Longer than any id can be.
    #[error("the focus id is {chars} characters long; an id has at most {MAX_ID_LEN}")]
    TooLong {
        /// Its length in characters.
        chars: usize,
    },
    /// Not of the form `kind:slug`.
    #[error(transparent)]
    Invalid(#[from] IdError),
}

/// Which layout places the nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Barnes–Hut force-directed simulation.
    Force,
    /// Coordinates on a Natural Earth projection.
    Geo,
}

/// How much of the interface surrounds the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Controls {
    /// Toolbar (layout, depth, time slider, table), legend and card.
    Full,
    /// Layout switch and time slider, legend and card.
    Simple,
    /// The map, its card and the attribution only.
    Bare,
}

/// Everything a map needs to start.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The node the neighbourhood is around.
    pub focus: String,
    /// Hops from the focus (1–3).
    pub depth: u8,
    /// The initial layout.
    pub layout: Layout,
    /// Only edges valid in this year; `None` is all time.
    pub as_of: Option<u16>,
    /// Interface language.
    pub lang: Lang,
    /// Interface density.
    pub controls: Controls,
    /// Origin of the API (`""` for the page's own origin).
    pub api: String,
    /// Height of the map area in CSS pixels.
    pub height: u32,
    /// Most nodes to ask for.
    pub limit: u32,
    /// Set when the `focus` given cannot be an id; the widget then shows this instead of a map.
    pub focus_problem: Option<FocusProblem>,
    /// Whether the map is its page's main content (the `/embed/map` page, mounted into `<main>`): it
    /// then carries the page's `h1`. Not a query key: a partner page's own headings stay its own.
    pub heads_page: bool,
}

/// The focus when none is given: the network of the example.
pub const DEFAULT_FOCUS: &str = "network:wacap";
/// Deepest neighbourhood the widget asks for.
pub const MAX_DEPTH: u8 = 3;
/// First year of the time slider (the Buenos Aires Plan of Action).
pub const FIRST_YEAR: u16 = 1978;

impl Default for Config {
    fn default() -> Config {
        Config {
            focus: DEFAULT_FOCUS.to_owned(),
            depth: 1,
            layout: Layout::Force,
            as_of: None,
            lang: Lang::En,
            controls: Controls::Full,
            api: String::new(),
            height: 520,
            limit: 500,
            focus_problem: None,
            heads_page: false,
        }
    }
}

impl Config {
    /// Reads a query string (with or without the leading `?`).
    pub fn from_query(query: &str) -> Config {
        let mut config = Config::default();
        for pair in query.trim_start_matches('?').split('&').filter(|pair| !pair.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(value);
            let value = value.trim();
            match key {
                "focus" if !value.is_empty() => match check_focus(value) {
                    Ok(()) => value.clone_into(&mut config.focus),
                    Err(problem) => config.focus_problem = Some(problem),
                },
                "depth" => config.depth = value.parse::<u8>().map_or(config.depth, |depth| depth.clamp(1, MAX_DEPTH)),
                "layout" => {
                    config.layout = match value {
                        "geo" => Layout::Geo,
                        _ => Layout::Force,
                    }
                }
                "asOf" => {
                    config.as_of = value.get(..4).and_then(|year| year.parse::<u16>().ok()).filter(|year| (1000..=9999).contains(year))
                }
                "lang" => config.lang = Lang::parse(value),
                "controls" => {
                    config.controls = match value {
                        "simple" => Controls::Simple,
                        "bare" => Controls::Bare,
                        _ => Controls::Full,
                    }
                }
                "api" if value.starts_with("http://") || value.starts_with("https://") => {
                    value.trim_end_matches('/').clone_into(&mut config.api)
                }
                "height" => config.height = value.parse::<u32>().map_or(config.height, |height| height.clamp(240, 1600)),
                "limit" => config.limit = value.parse::<u32>().map_or(config.limit, |limit| limit.clamp(1, 5000)),
                _ => {}
            }
        }
        config
    }
}

/// Whether `value` can be a node id (its length and its form).
pub fn check_focus(value: &str) -> Result<(), FocusProblem> {
    if value.len() > MAX_ID_LEN {
        return Err(FocusProblem::TooLong { chars: value.chars().count() });
    }
    NodeId::parse(value)?;
    Ok(())
}

/// Decodes `%XX` escapes and `+` as space; invalid escapes stay as they are, invalid UTF-8 is replaced.
pub fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while idx < bytes.len() {
        match bytes[idx] {
            b'+' => out.push(b' '),
            b'%' if idx + 2 < bytes.len() => match (hex(bytes[idx + 1]), hex(bytes[idx + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high * 16 + low);
                    idx += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        idx += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).and_then(|digit| u8::try_from(digit).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key() {
        let config = Config::from_query(
            "?focus=country%3AIND&depth=2&layout=geo&asOf=2016-05&lang=fr&controls=bare&api=https://pg.example.org/&height=400&limit=9000",
        );
        assert_eq!(config.focus, "country:IND");
        assert_eq!(config.depth, 2);
        assert_eq!(config.layout, Layout::Geo);
        assert_eq!(config.as_of, Some(2016));
        assert_eq!(config.lang, Lang::Fr);
        assert_eq!(config.controls, Controls::Bare);
        assert_eq!(config.api, "https://pg.example.org");
        assert_eq!(config.height, 400);
        assert_eq!(config.limit, 5000);
    }

    #[test]
    fn bad_values_fall_back() {
        let config = Config::from_query("depth=99&layout=spiral&asOf=yesterday&api=javascript:alert(1)&focus=&x");
        assert_eq!(config.depth, MAX_DEPTH);
        assert_eq!(config.layout, Layout::Force);
        assert_eq!(config.as_of, None);
        assert_eq!(config.api, "");
        assert_eq!(config.focus, DEFAULT_FOCUS);
        assert_eq!(config.focus_problem, None);
    }

    #[test]
    fn a_focus_that_cannot_be_an_id_is_a_problem_not_another_map() {
        let long = format!("focus=agency:{}", "a".repeat(300));
        let config = Config::from_query(&long);
        assert_eq!(config.focus_problem, Some(FocusProblem::TooLong { chars: 307 }));
        assert_eq!(config.focus, DEFAULT_FOCUS);
        let config = Config::from_query("focus=agency%3Aun%20habitat");
        assert!(matches!(config.focus_problem, Some(FocusProblem::Invalid(IdError::InvalidSlug(_)))));
        let config = Config::from_query("focus=UNDP");
        assert!(matches!(config.focus_problem, Some(FocusProblem::Invalid(IdError::MissingPrefix(_)))));
        let config = Config::from_query(&format!("focus=agency:{}", "a".repeat(200)));
        assert_eq!(config.focus_problem, None);
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("a%3Ab+c%2"), "a:b c%2");
        assert_eq!(percent_decode("%E2%80%93"), "–");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
