//! The embeds: `/embed/map` (the page an iframe shows), `/embed.js` (the one-script-tag loader),
//! `/widgets/{file}` (the built widget: wasm, JS glue, CSS, base map) and `/oembed` (oEmbed JSON for
//! map and triangles URLs, so a CMS embeds a pasted link; both embed pages carry its discovery link).
//!
//! The widget files come from a directory built by `scripts/build-widgets.sh` (`serve --widgets DIR`).
//! Without it every route here answers 503 with a JSON error that says how to build them. Everything is
//! read-only and cookie-free; the embed page carries a strict Content-Security-Policy (its own origin
//! only, `frame-ancestors *` because it is meant to be framed).

use std::path::{Path as FsPath, PathBuf};
use std::time::UNIX_EPOCH;

use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use partnergraph_schema::NodeId;
use partnergraph_schema::text::{markup_escape as html_escape, percent_encode};
use serde::Deserialize;

use crate::error::Code;
use crate::http::{AppState, error_response};

/// The CSP of the embed page: scripts, styles, data and wasm from our origin only.
pub(super) const EMBED_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; \
                         img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors *";

/// The wasm module; its presence says the widgets are built.
const WASM: &str = "partnergraph_widgets_bg.wasm";

/// Query keys of a map embed, passed through from oEmbed URLs.
const MAP_KEYS: &[&str] = &["focus", "depth", "layout", "asOf", "lang", "controls", "height", "limit"];
/// Query keys of a triangles embed, passed through from oEmbed URLs.
const TRIANGLE_KEYS: &[&str] =
    &["involving", "role", "agencyType", "region", "sdg", "fromYear", "toYear", "asOf", "lang", "partial", "height"];

/// An embed's options, in the order given: key and decoded value.
type Options = Vec<(String, String)>;

/// Which embed a URL is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Widget {
    /// `/embed/map`.
    Map,
    /// `/embed/triangles`.
    Triangles,
}

impl Widget {
    fn path(self) -> &'static str {
        match self {
            Widget::Map => "embed/map",
            Widget::Triangles => "embed/triangles",
        }
    }

    fn keys(self) -> &'static [&'static str] {
        match self {
            Widget::Map => MAP_KEYS,
            Widget::Triangles => TRIANGLE_KEYS,
        }
    }
}

/// Default and largest oEmbed iframe width, in pixels.
const OEMBED_WIDTH: u32 = 800;

const EMBED_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Partnership network map · partnergraph</title>
<meta name="referrer" content="no-referrer">
{discovery}
<link rel="stylesheet" href="/widgets/widgets.css">
<link rel="modulepreload" href="/widgets/partnergraph_map.js">
<link rel="preload" href="/widgets/partnergraph_map_bg.wasm" as="fetch" type="application/wasm" crossorigin>
<script type="module" src="/widgets/boot.js"></script>
</head><body class="pg-embed"><main id="partnergraph-map"><noscript>This network map needs JavaScript. The same data is available from the GraphQL API at /graphql.</noscript></main></body></html>
"#;

/// The built widgets' directory, if it holds a build.
pub(super) fn widgets_dir(state: &AppState) -> Option<&FsPath> {
    state.widgets.as_deref().filter(|dir| dir.join(WASM).is_file())
}

pub(super) fn unavailable() -> Response {
    let body = serde_json::json!({ "errors": [{
        "message": "the widgets are not built: run scripts/build-widgets.sh, then start the server with --widgets target/widgets",
        "extensions": { "code": "WIDGETS_UNAVAILABLE" } }] });
    (StatusCode::SERVICE_UNAVAILABLE, [(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")], body.to_string())
        .into_response()
}

/// GET /embed/map: the page an iframe shows; the widget reads its options from the query string.
pub async fn map_page(State(state): State<AppState>, RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    if widgets_dir(&state).is_none() {
        return unavailable();
    }
    let page = EMBED_PAGE.replace("{discovery}", &discovery_link(&state, &headers, Widget::Map, query.as_deref().unwrap_or_default()));
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, EMBED_CSP),
            (header::CACHE_CONTROL, "public, max-age=300"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        page,
    )
        .into_response()
}

/// GET /embed.js: the loader for the one-script-tag embed.
pub async fn loader(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match widgets_dir(&state) {
        Some(dir) => serve_file(&dir.join("embed.js"), "embed.js", &headers, "public, max-age=300").await,
        None => unavailable(),
    }
}

/// GET /widgets/{file}: one file of the built widget (its gzip -9 copy, `NAME.gz`, to clients that take gzip).
pub async fn widget_file(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some(dir) = widgets_dir(&state) else { return unavailable() };
    let safe =
        !file.is_empty() && !file.starts_with('.') && file.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if !safe {
        return error_response(Code::NotFound, "no such widget file");
    }
    serve_file(&dir.join(&file), &file, &headers, "public, max-age=3600").await
}

/// The content type of a widget file, by extension.
pub fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("wasm") => "application/wasm",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("html") => "text/html; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    }
}

/// Whether the client takes gzip (`Accept-Encoding` names `gzip` or `*` without `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|value| value.to_str().ok()).flat_map(|value| value.split(',')).any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let coding = parts.next().unwrap_or_default();
        let refused = parts.any(|param| param.strip_prefix("q=").is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q == 0.0)));
        (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
    })
}

async fn serve_file(path: &FsPath, name: &str, headers: &HeaderMap, cache: &'static str) -> Response {
    let Ok(meta) = tokio::fs::metadata(path).await else {
        return error_response(Code::NotFound, "no such widget file");
    };
    if !meta.is_file() {
        return error_response(Code::NotFound, "no such widget file");
    }
    // The build's gzip -9 copy beside the file (`NAME.gz`, `scripts/build-widgets.sh`), when the client
    // takes gzip: smaller than the compression layer's fast level, and compressed once, not per request.
    let gzipped = PathBuf::from(format!("{}.gz", path.display()));
    let (path, meta, encoding) = match tokio::fs::metadata(&gzipped).await {
        Ok(gz) if gz.is_file() && accepts_gzip(headers) => (gzipped.as_path(), gz, Some("gzip")),
        _ => (path, meta, None),
    };
    let modified = meta.modified().ok().and_then(|time| time.duration_since(UNIX_EPOCH).ok()).map_or(0, |since| since.as_secs());
    let etag = format!("\"{:x}-{modified:x}{}\"", meta.len(), if encoding.is_some() { "-gz" } else { "" });
    let common = [
        (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::HeaderName::from_static("cross-origin-resource-policy"), HeaderValue::from_static("cross-origin")),
        (header::VARY, HeaderValue::from_static("accept-encoding")),
    ];
    let etag_value = HeaderValue::from_str(&etag).unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == etag))
    {
        return (StatusCode::NOT_MODIFIED, common, [(header::ETAG, etag_value)]).into_response();
    }
    match tokio::fs::read(path).await {
        Ok(bytes) => {
            let mut response =
                (common, [(header::ETAG, etag_value), (header::CONTENT_TYPE, HeaderValue::from_static(content_type(name)))], bytes)
                    .into_response();
            if let Some(encoding) = encoding {
                response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
            }
            response
        }
        Err(err) => {
            tracing::error!(path = %path.display(), %err, "cannot read a widget file");
            error_response(Code::Internal, "internal error")
        }
    }
}

/// Query of GET /oembed.
#[derive(Debug, Deserialize)]
pub struct OembedQuery {
    url: Option<String>,
    maxwidth: Option<u32>,
    maxheight: Option<u32>,
    format: Option<String>,
}

/// GET /oembed?url=…&maxwidth=…&maxheight=…: oEmbed 1.0 JSON (`type: rich`) for an embed URL of this
/// server (`/embed/map?…`, `/embed/triangles?…`); 404 for other URLs and for a `focus` or `involving` that
/// names no node, 501 for formats other than JSON.
pub async fn oembed(State(state): State<AppState>, Query(query): Query<OembedQuery>, headers: HeaderMap) -> Response {
    if widgets_dir(&state).is_none() {
        return unavailable();
    }
    if query.format.as_deref().is_some_and(|format| format != "json") {
        return (StatusCode::NOT_IMPLEMENTED, [(header::CONTENT_TYPE, "application/json")], r#"{"error":"only format=json is supported"}"#)
            .into_response();
    }
    let Some(url) = query.url.as_deref() else {
        return error_response(Code::BadUserInput, "the url parameter is required");
    };
    let Some((public_scheme, host)) = public_host(&state, &headers) else {
        return error_response(Code::BadUserInput, "the request must carry exactly one Host header");
    };
    let Some((scheme, widget, options)) = parse_embed_url(url, &host) else {
        return error_response(Code::NotFound, "not an embed URL of this server (expected …/embed/map?focus=… or …/embed/triangles?…)");
    };
    let base = format!("{}://{host}", public_scheme.unwrap_or(scheme));
    let option = |key: &str| options.iter().find(|(each, _)| each == key).map(|(_, value)| value.clone());
    let (subject, title) = match widget {
        Widget::Map => (Some(option("focus").unwrap_or_else(|| "network:wacap".to_owned())), "Partnership network"),
        Widget::Triangles => (option("involving"), "Triangular partnerships"),
    };
    let title = match subject {
        Some(id) => {
            let name = match NodeId::parse(id.clone()) {
                Ok(node) => state.graph.node(&node).await.ok().flatten().map(|node| node.name),
                Err(_) => None,
            };
            let Some(name) = name else {
                return error_response(Code::NotFound, &format!("no node with id `{id}`"));
            };
            format!("{title}: {name}")
        }
        None => title.to_owned(),
    };
    let map_height =
        options.iter().find(|(key, _)| key == "height").and_then(|(_, value)| value.parse::<u32>().ok()).unwrap_or(520).clamp(240, 1600);
    let width = query.maxwidth.unwrap_or(OEMBED_WIDTH).clamp(200, OEMBED_WIDTH);
    let height = (map_height + 170).min(query.maxheight.unwrap_or(u32::MAX)).max(200);
    let src = format!("{base}/{}?{}", widget.path(), encode(&options));
    let html = format!(
        r#"<iframe src="{src}" width="{width}" height="{height}" title="{title}" loading="lazy" sandbox="allow-scripts allow-same-origin allow-downloads" referrerpolicy="no-referrer" data-partnergraph-frame style="border:0;max-width:100%"></iframe><script src="{base}/embed.js" async></script>"#,
        src = html_escape(&src),
        title = html_escape(&title),
        base = html_escape(&base),
    );
    let body = serde_json::json!({
        "version": "1.0", "type": "rich", "provider_name": "partnergraph", "provider_url": format!("{base}/"),
        "title": title, "html": html, "width": width, "height": height, "cache_age": 3600,
    });
    let headers = [(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "public, max-age=3600"), (header::VARY, "host")];
    (headers, body.to_string()).into_response()
}

/// The address this server is reached at: the configured public URL's scheme and host (`--public-url`),
/// or this request's one `Host` (scheme unknown). Forwarded headers are never trusted, so a request
/// cannot make an answer point elsewhere. `None` when there is no single `Host`.
fn public_host(state: &AppState, headers: &HeaderMap) -> Option<(Option<&'static str>, String)> {
    match &state.config.public_url {
        Some(public) => {
            let (scheme, host) = public.split_once("://").unwrap_or(("https", public));
            Some((Some(if scheme == "http" { "http" } else { "https" }), host.to_owned()))
        }
        None => {
            let mut hosts = headers.get_all(header::HOST).iter();
            match (hosts.next().and_then(|value| value.to_str().ok()), hosts.next()) {
                (Some(host), None) if !host.is_empty() => Some((None, host.to_owned())),
                _ => None,
            }
        }
    }
}

/// The oEmbed discovery `<link>` of an embed page whose query string is `query` (its known options only);
/// empty when the request has no single `Host`. The page's scheme is the public URL's, else `http`.
pub(super) fn discovery_link(state: &AppState, headers: &HeaderMap, widget: Widget, query: &str) -> String {
    let Some((scheme, host)) = public_host(state, headers) else { return String::new() };
    let base = format!("{}://{host}", scheme.unwrap_or("http"));
    let page = format!("{base}/{}?{}", widget.path(), encode(&options(widget, query)));
    let href = format!("{base}/oembed?url={}&format=json", percent_encode(&page));
    format!(r#"<link rel="alternate" type="application/json+oembed" href="{}">"#, html_escape(&href))
}

/// Reads `http(s)://HOST/embed/map?…` or `…/embed/triangles?…` for this `host`; returns the scheme, the
/// widget and its known options.
fn parse_embed_url(url: &str, host: &str) -> Option<(&'static str, Widget, Options)> {
    let (scheme, rest) =
        if let Some(rest) = url.strip_prefix("https://") { ("https", rest) } else { ("http", url.strip_prefix("http://")?) };
    let (authority, path_query) = rest.split_once('/').map_or((rest, ""), |(authority, tail)| (authority, tail));
    if !authority.eq_ignore_ascii_case(host) {
        return None;
    }
    let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
    let path = path.split('#').next().unwrap_or_default().trim_end_matches('/');
    let widget = [Widget::Map, Widget::Triangles].into_iter().find(|widget| widget.path() == path)?;
    Some((scheme, widget, options(widget, query.split('#').next().unwrap_or_default())))
}

/// The known options of `widget` in a query string, decoded, each at most 200 bytes.
fn options(widget: Widget, query: &str) -> Options {
    query
        .split('&')
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            let value = percent_decode(value);
            (widget.keys().contains(&key) && !value.is_empty() && value.len() <= 200).then(|| (key.to_owned(), value))
        })
        .collect()
}

/// Options as a query string, values percent-encoded.
fn encode(options: &[(String, String)]) -> String {
    options.iter().map(|(key, value)| format!("{key}={}", percent_encode(value))).collect::<Vec<_>>().join("&")
}

/// Decodes `%XX` escapes and `+` in a query value (invalid escapes stay as they are).
fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while idx < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|byte| char::from(*byte).to_digit(16));
        match (bytes[idx], hex(idx + 1), hex(idx + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                idx += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                idx += 1;
            }
            (byte, _, _) => {
                out.push(byte);
                idx += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The widget directory to serve: the flag's, else `target/widgets` when it exists.
pub fn resolve_widgets_dir(flag: Option<PathBuf>) -> Option<PathBuf> {
    flag.or_else(|| Some(PathBuf::from("target/widgets")).filter(|dir| dir.is_dir()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_urls_are_read_for_this_host_only() {
        let (scheme, widget, options) =
            parse_embed_url("https://pg.example.org/embed/map?focus=network%3Awacap&depth=2&evil=1#x", "pg.example.org")
                .expect("a map url");
        assert_eq!((scheme, widget), ("https", Widget::Map));
        assert_eq!(options, vec![("focus".to_owned(), "network:wacap".to_owned()), ("depth".to_owned(), "2".to_owned())]);
        let (_, widget, options) =
            parse_embed_url("http://pg.example.org/embed/triangles/?involving=country:BRA&focus=x&role=PIVOTAL", "pg.example.org")
                .expect("a triangles url");
        assert_eq!(widget, Widget::Triangles);
        assert_eq!(options, vec![("involving".to_owned(), "country:BRA".to_owned()), ("role".to_owned(), "PIVOTAL".to_owned())]);
        assert!(parse_embed_url("https://other.example/embed/map?focus=x", "pg.example.org").is_none());
        assert!(parse_embed_url("https://pg.example.org/graphql", "pg.example.org").is_none());
        assert!(parse_embed_url("https://pg.example.org/embed/mapx", "pg.example.org").is_none());
        assert!(parse_embed_url("javascript:alert(1)", "pg.example.org").is_none());
    }

    #[test]
    fn gzip_is_taken_unless_refused() {
        let with = |value: &'static str| HeaderMap::from_iter([(header::ACCEPT_ENCODING, HeaderValue::from_static(value))]);
        assert!(accepts_gzip(&with("gzip, deflate, br, zstd")));
        assert!(accepts_gzip(&with("br;q=1.0, GZIP;q=0.5")));
        assert!(accepts_gzip(&with("*")));
        assert!(!accepts_gzip(&with("gzip;q=0, br")));
        assert!(!accepts_gzip(&with("identity")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn escapes_and_types() {
        assert_eq!(html_escape(r#"<img src=x onerror="a">"#), "&lt;img src=x onerror=&quot;a&quot;&gt;");
        assert_eq!(percent_encode("network:wacap <x>"), "network:wacap%20%3Cx%3E");
        assert_eq!(content_type("a_bg.wasm"), "application/wasm");
        assert_eq!(content_type("embed.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("countries-110m.json"), "application/json");
    }
}
