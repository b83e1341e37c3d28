//! The explorer's pages: `/explore` (the full-page explorer: search, map, details with sources,
//! partners, triangles, paths, "Embed this"; the view is in the query string), `/embed/triangles`
//! (the triangular explorer alone, for iframes and `embed.js`) and `/embed/dashboard` (the monitoring
//! dashboard, which brings its own `main`). Both are static shells that
//! `widgets/assets/boot.js` fills with the wasm widget (`data-pg-widget`); like `/embed/map` they carry
//! a strict Content-Security-Policy and answer 503 while the widgets are not built. The triangles page
//! names its oEmbed answer in a discovery link, as the map page does.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};

use crate::http::AppState;
use crate::http::embed::{EMBED_CSP, Widget, discovery_link, unavailable, widgets_dir};

/// The explorer page is not meant to be framed (the triangles page is).
const EXPLORE_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; \
                           img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The page around a widget; `root` is the root element's tag: `main` when the widget is the page's
/// main content (the triangles embed), `div` when the widget brings its own landmarks (the explorer);
/// `head` goes into the page's head (the triangles embed's oEmbed discovery link).
fn shell(title: &str, widget: &str, body_class: &str, root: &str, head: &str) -> String {
    // The dashboard has a build of its own (`scripts/build-widgets.sh`); the others share the whole one.
    let build = if widget == "dashboard" { "partnergraph_dashboard" } else { "partnergraph_widgets" };
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title} · partnergraph</title>
<meta name="referrer" content="no-referrer">{head}
<link rel="stylesheet" href="/widgets/widgets.css">
<link rel="stylesheet" href="/widgets/explore.css">
<link rel="modulepreload" href="/widgets/{build}.js">
<link rel="preload" href="/widgets/{build}_bg.wasm" as="fetch" type="application/wasm" crossorigin>
<script type="module" src="/widgets/boot.js"></script>
</head><body class="{body_class}"><{root} id="partnergraph-map" data-pg-widget="{widget}"><noscript>This explorer needs JavaScript. The same data is available from the GraphQL API at /graphql.</noscript></{root}></body></html>
"#
    )
}

fn page(html: String, csp: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, csp),
            (header::CACHE_CONTROL, "public, max-age=300"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        html,
    )
        .into_response()
}

/// GET /explore: the explorer page.
pub async fn explore(State(state): State<AppState>) -> Response {
    if widgets_dir(&state).is_none() {
        return unavailable();
    }
    page(shell("Explore South-South and triangular cooperation", "explore", "pg-explore-page", "div", ""), EXPLORE_CSP)
}

/// GET /embed/dashboard: the monitoring dashboard for iframes (`focus`, `lang`).
pub async fn dashboard(State(state): State<AppState>) -> Response {
    if widgets_dir(&state).is_none() {
        return unavailable();
    }
    page(shell("Cooperation at a glance", "dashboard", "pg-embed", "div", ""), EMBED_CSP)
}

/// GET /embed/triangles: the triangular explorer for iframes, with its oEmbed discovery link.
pub async fn triangles(State(state): State<AppState>, RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    if widgets_dir(&state).is_none() {
        return unavailable();
    }
    let discovery = discovery_link(&state, &headers, Widget::Triangles, query.as_deref().unwrap_or_default());
    page(shell("Triangular partnerships", "triangles", "pg-embed", "main", &format!("\n{discovery}")), EMBED_CSP)
}
