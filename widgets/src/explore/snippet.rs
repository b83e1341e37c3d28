//! The "Embed this" snippets for the current view: the script tag for `embed.js`, the iframe, and the
//! oEmbed URL. Values are percent-encoded into URLs and HTML-escaped into attributes.

use partnergraph_schema::text::markup_escape as escape;

use crate::explore::route::{Route, View, encode};

/// The three snippets of one view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippets {
    /// `<script src=…/embed.js data-partnergraph=… async></script>`.
    pub script: String,
    /// `<iframe src=…/embed/…>`.
    pub iframe: String,
    /// The oEmbed endpoint URL for the embed page (map or triangles).
    pub oembed: String,
}

/// Writes the snippets for `route` served from `origin` (`https://host`).
pub fn snippets(origin: &str, route: &Route) -> Snippets {
    let lang = route.lang.map(|lang| lang.strings().tag);
    let (widget, mut options): (&str, Vec<(&str, String)>) = match route.view {
        View::Triangles => {
            let filters = &route.filters;
            (
                "triangles",
                vec![
                    ("involving", route.involving.clone()),
                    ("role", filters.role.clone()),
                    ("sdg", filters.sdg.map(|sdg| sdg.to_string()).unwrap_or_default()),
                ],
            )
        }
        View::Path => ("map", vec![("focus", route.from.clone())]),
        View::Match => ("map", vec![("focus", route.need.clone())]),
        View::Map => ("map", vec![("focus", route.focus.clone())]),
    };
    options.push(("asOf", route.as_of.map(|year| year.to_string()).unwrap_or_default()));
    options.push(("lang", lang.unwrap_or_default().to_owned()));
    options.retain(|(_, value)| !value.is_empty());
    let query = options.iter().map(|(key, value)| format!("{key}={}", encode(value))).collect::<Vec<_>>().join("&");
    let page = format!("{origin}/embed/{widget}?{query}");
    let data = options.iter().map(|(key, value)| format!(" data-{}=\"{}\"", attr_name(key), escape(value))).collect::<String>();
    let script = format!("<script src=\"{}/embed.js\" data-partnergraph=\"{widget}\"{data} async></script>", escape(origin));
    let title = if widget == "map" { "Partnership network map" } else { "Triangular partnerships" };
    let iframe = format!(
        "<iframe src=\"{}\" title=\"{title}\" width=\"100%\" height=\"690\" loading=\"lazy\" style=\"border:0\"></iframe>",
        escape(&page)
    );
    let oembed = format!("{origin}/oembed?url={}", encode(&page));
    Snippets { script, iframe, oembed }
}

/// `asOf` → `as-of` (dataset keys are kebab-case in HTML).
fn attr_name(key: &str) -> String {
    key.chars().flat_map(|ch| if ch.is_ascii_uppercase() { vec!['-', ch.to_ascii_lowercase()] } else { vec![ch] }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_map_and_triangle_snippets() {
        let route = Route::from_query("view=map&focus=country:IND&asOf=2016&lang=fr");
        let out = snippets("https://pg.example.org", &route);
        assert_eq!(
            out.script,
            r#"<script src="https://pg.example.org/embed.js" data-partnergraph="map" data-focus="country:IND" data-as-of="2016" data-lang="fr" async></script>"#
        );
        assert!(out.iframe.contains(r#"src="https://pg.example.org/embed/map?focus=country:IND&amp;asOf=2016&amp;lang=fr""#));
        assert_eq!(
            out.oembed,
            "https://pg.example.org/oembed?url=https:%2F%2Fpg.example.org%2Fembed%2Fmap%3Ffocus%3Dcountry:IND%26asOf%3D2016%26lang%3Dfr"
        );
        let triangles = snippets("https://h", &Route::from_query("view=triangles&involving=country:BRA&role=PIVOTAL"));
        assert!(triangles.script.contains(r#"data-partnergraph="triangles" data-involving="country:BRA" data-role="PIVOTAL""#));
        assert!(triangles.iframe.contains("/embed/triangles?involving=country:BRA&amp;role=PIVOTAL"));
        assert_eq!(triangles.oembed, "https://h/oembed?url=https:%2F%2Fh%2Fembed%2Ftriangles%3Finvolving%3Dcountry:BRA%26role%3DPIVOTAL");
    }
}
