//! Static assets compiled into the binary: the GraphiQL IDE (vendored by `scripts/vendor-graphiql.sh`,
//! no CDN; `boot.js` and `boot.css` are ours) and the index page, each page with a Content-Security-Policy.

use axum::extract::Path;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

use crate::error::Code;
use crate::http::error_response;

const GRAPHIQL_INDEX: &str = include_str!("../../assets/graphiql/index.html");

/// (file name, content type, bytes) of the GraphiQL assets.
const GRAPHIQL_FILES: &[(&str, &str, &[u8])] = &[
    ("graphiql.min.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/graphiql/graphiql.min.js")),
    ("graphiql.min.css", "text/css; charset=utf-8", include_bytes!("../../assets/graphiql/graphiql.min.css")),
    ("react.production.min.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/graphiql/react.production.min.js")),
    ("react-dom.production.min.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/graphiql/react-dom.production.min.js")),
    ("boot.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/graphiql/boot.js")),
    ("boot.css", "text/css; charset=utf-8", include_bytes!("../../assets/graphiql/boot.css")),
    ("LICENSE-graphiql", "text/plain; charset=utf-8", include_bytes!("../../assets/graphiql/LICENSE-graphiql")),
    ("LICENSE-react", "text/plain; charset=utf-8", include_bytes!("../../assets/graphiql/LICENSE-react")),
    ("LICENSE-react-dom", "text/plain; charset=utf-8", include_bytes!("../../assets/graphiql/LICENSE-react-dom")),
];

const INDEX: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>partnergraph</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;color:#1b2733}code{background:#eef2f6;padding:0 .25rem}</style>
</head><body>
<h1>partnergraph</h1>
<p>South-South and triangular co-operation as a graph: agencies, countries, cities, networks, agreements and events, every fact with its source.</p>
<ul>
<li><a href="/graphiql">GraphiQL</a>: explore the API in the browser</li>
<li><code>POST /graphql</code>: the GraphQL endpoint (GET for queries too)</li>
<li><a href="/healthz">/healthz</a> and <a href="/readyz">/readyz</a>: liveness and readiness</li>
</ul>
<p>City coordinates: GeoNames (CC-BY 4.0). Country centroids: Natural Earth (public domain).</p>
</body></html>"#;

/// The index page's policy: its own inline style, nothing else, never framed.
const INDEX_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/// The IDE's policy: scripts from this origin only (the page has no inline script); GraphiQL sets styles
/// and loads its fonts and icons inline; it talks to this origin only; never framed.
const GRAPHIQL_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                            font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// GET /: a short index of the service.
pub async fn index() -> Response {
    ([(header::CONTENT_SECURITY_POLICY, INDEX_CSP)], Html(INDEX)).into_response()
}

/// GET /graphiql: the IDE page.
pub async fn graphiql_index() -> Response {
    ([(header::CONTENT_SECURITY_POLICY, GRAPHIQL_CSP)], Html(GRAPHIQL_INDEX)).into_response()
}

/// GET /graphiql/{file}: one vendored asset, cacheable for a day.
pub async fn graphiql_asset(Path(file): Path<String>) -> Response {
    match GRAPHIQL_FILES.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, bytes)) => {
            ([(header::CONTENT_TYPE, *content_type), (header::CACHE_CONTROL, "public, max-age=86400")], *bytes).into_response()
        }
        None => error_response(Code::NotFound, "no such asset"),
    }
}
