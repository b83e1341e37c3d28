//! What the map's Download menu offers: the shown neighbourhood as the server's exports (links to
//! `/export/{format}?focus=…&depth=…&limit=…&asOf=…`, the same bounds as the map's query, so the file
//! holds what the map shows) and the file names of the images the widget draws itself (PNG, SVG).

use partnergraph_schema::text::percent_encode;

use crate::i18n::Strings;

/// One export of the server: its format, the CSV sheet, and the label in the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Export {
    /// The `/export/{format}` path segment.
    pub format: &'static str,
    /// The CSV sheet (`elements` or `connections`), for `csv` only.
    pub sheet: Option<&'static str>,
    /// Its label in the menu.
    pub label: &'static str,
}

/// The exports in menu order, labelled in the interface language.
pub fn exports(strings: &Strings) -> [Export; 5] {
    [
        Export { format: "json", sheet: None, label: "JSON Lines" },
        Export { format: "csv", sheet: Some("elements"), label: strings.csv_elements },
        Export { format: "csv", sheet: Some("connections"), label: strings.csv_connections },
        Export { format: "graphml", sheet: None, label: "GraphML" },
        Export { format: "gexf", sheet: None, label: "GEXF" },
    ]
}

/// The view a download is of: what the map asked the API for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View<'a> {
    /// API origin (`""`: the page's own).
    pub api: &'a str,
    /// The focus id.
    pub focus: &'a str,
    /// Hops from the focus.
    pub depth: u8,
    /// The year shown, if one.
    pub as_of: Option<u16>,
    /// Most nodes.
    pub limit: u32,
}

impl View<'_> {
    /// The URL of `export` for this view.
    pub fn export_url(&self, export: &Export) -> String {
        let mut url =
            format!("{}/export/{}?focus={}&depth={}&limit={}", self.api, export.format, percent_encode(self.focus), self.depth, self.limit);
        if let Some(year) = self.as_of {
            url.push_str(&format!("&asOf={year}"));
        }
        if let Some(sheet) = export.sheet {
            url.push_str(&format!("&sheet={sheet}"));
        }
        url
    }

    /// The name of an image of this view, `partnergraph-agency-undp-depth1.png` (as the server names its
    /// exports: the focus in letters, digits, dashes and underscores), with the year when one is shown.
    pub fn file_name(&self, extension: &str) -> String {
        let slug: String = self.focus.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
        let year = self.as_of.map(|year| format!("-{year}")).unwrap_or_default();
        format!("partnergraph-{slug}-depth{}{year}.{extension}", self.depth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn links_carry_the_views_bounds_and_sheets() {
        let view = View { api: "https://pg.example", focus: "agency:un habitat", depth: 2, as_of: Some(2014), limit: 500 };
        let urls: Vec<String> = exports(Lang::Fr.strings()).iter().map(|export| view.export_url(export)).collect();
        assert_eq!(urls[0], "https://pg.example/export/json?focus=agency:un%20habitat&depth=2&limit=500&asOf=2014");
        assert_eq!(urls[2], "https://pg.example/export/csv?focus=agency:un%20habitat&depth=2&limit=500&asOf=2014&sheet=connections");
        assert_eq!(exports(Lang::Fr.strings())[1].label, Lang::Fr.strings().csv_elements);
        assert_eq!(view.file_name("svg"), "partnergraph-agency-un-habitat-depth2-2014.svg");
        let plain = View { api: "", focus: "network:wacap", depth: 1, as_of: None, limit: 500 };
        assert_eq!(plain.export_url(&exports(Lang::En.strings())[4]), "/export/gexf?focus=network:wacap&depth=1&limit=500");
        assert_eq!(plain.file_name("png"), "partnergraph-network-wacap-depth1.png");
    }
}
