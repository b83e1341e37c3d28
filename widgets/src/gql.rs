//! The widget's only way to the data: `/graphql` with no cookies (`credentials: omit`), and the base map
//! from `/widgets/`. The map's own query goes by GET as a persisted query (its SHA-256 only; the text
//! once more when the server does not know it yet), so its answers carry the server's `ETag` and
//! `Cache-Control`, and a browser or a CDN in front of a busy page keeps and revalidates them; the
//! explorer's other queries go by POST.

use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCache, RequestCredentials, RequestInit, RequestMode, Response};

use crate::map_query::map_url;
use crate::model::WireSubgraph;

/// Why a request failed, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The network or the server failed.
    #[error("the server could not be reached ({0})")]
    Network(String),
    /// The server answered with an error status.
    #[error("the server answered {0}")]
    Status(u16),
    /// The answer was not what the contract says.
    #[error("unexpected answer: {0}")]
    Decode(String),
    /// GraphQL reported an error.
    #[error("{0}")]
    Graphql(String),
    /// GraphQL said there is no such node (`extensions.code` `NOT_FOUND`).
    #[error("{0}")]
    NotFound(String),
}

#[derive(Deserialize)]
struct GqlError {
    message: String,
    #[serde(default)]
    extensions: Option<Extensions>,
}

#[derive(Deserialize)]
struct Extensions {
    #[serde(default)]
    code: Option<String>,
}

impl From<GqlError> for FetchError {
    fn from(error: GqlError) -> FetchError {
        match error.extensions.and_then(|extensions| extensions.code).as_deref() {
            Some("NOT_FOUND") => FetchError::NotFound(error.message),
            _ => FetchError::Graphql(error.message),
        }
    }
}

#[derive(Deserialize)]
struct Data {
    neighborhood: Option<WireSubgraph>,
}

#[derive(Deserialize)]
struct Envelope {
    data: Option<Data>,
    #[serde(default)]
    errors: Vec<GqlError>,
}

/// Fetches the neighbourhood of `focus`: by GET with the query's hash, and once more with its text when
/// the server answers `PERSISTED_QUERY_NOT_FOUND` (it then knows the hash for everyone).
/// `revalidate` (after a change on the server) asks the server again even when the browser has a copy
/// young enough to use, so the answer is never older than the change.
pub async fn neighborhood(
    api: &str,
    focus: &str,
    depth: u8,
    as_of: Option<u16>,
    limit: u32,
    revalidate: bool,
) -> Result<WireSubgraph, FetchError> {
    let variables = serde_json::json!({ "id": focus, "depth": depth, "asOf": as_of.map(|year| year.to_string()), "limit": limit });
    let mut envelope = map_answer(&map_url(api, &variables, false), revalidate).await?;
    let unknown = envelope.errors.first().and_then(|error| error.extensions.as_ref()).and_then(|extensions| extensions.code.as_deref())
        == Some("PERSISTED_QUERY_NOT_FOUND");
    if unknown {
        envelope = map_answer(&map_url(api, &variables, true), revalidate).await?;
    }
    if let Some(error) = envelope.errors.into_iter().next() {
        return Err(error.into());
    }
    envelope.data.and_then(|data| data.neighborhood).ok_or_else(|| FetchError::Decode("no neighborhood".to_owned()))
}

async fn map_answer(url: &str, revalidate: bool) -> Result<Envelope, FetchError> {
    let text = request(url, None, true, revalidate).await?;
    serde_json::from_str(&text).map_err(|err| FetchError::Decode(err.to_string()))
}

/// Runs any query (the explorer's and the dashboard's) and decodes its `data` into `T`.
#[cfg(any(feature = "explorer", feature = "dashboard"))]
pub async fn query<T: serde::de::DeserializeOwned>(api: &str, query: &str, variables: serde_json::Value) -> Result<T, FetchError> {
    // The errors are read before the data: a failed field leaves the data partial (its nulls moved up).
    #[derive(Deserialize)]
    struct Any {
        data: Option<serde_json::Value>,
        #[serde(default)]
        errors: Vec<GqlError>,
    }
    let body = serde_json::json!({ "query": query, "variables": variables });
    let text = request(&format!("{api}/graphql"), Some(body.to_string()), true, false).await?;
    let envelope: Any = serde_json::from_str(&text).map_err(|err| FetchError::Decode(err.to_string()))?;
    if let Some(error) = envelope.errors.into_iter().next() {
        return Err(error.into());
    }
    let data = envelope.data.ok_or_else(|| FetchError::Decode("no data".to_owned()))?;
    serde_json::from_value(data).map_err(|err| FetchError::Decode(err.to_string()))
}

/// Fetches a text file (the base map).
pub async fn text(url: &str) -> Result<String, FetchError> {
    request(url, None, false, false).await
}

async fn request(url: &str, body: Option<String>, graphql: bool, revalidate: bool) -> Result<String, FetchError> {
    let window = web_sys::window().ok_or_else(|| FetchError::Network("no window".to_owned()))?;
    let init = RequestInit::new();
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    if revalidate {
        // The server answers 304 (to the browser) when nothing changed: cheap either way.
        init.set_cache(RequestCache::NoCache);
    }
    let headers = web_sys::Headers::new().map_err(js_error)?;
    if graphql {
        // A CORS-safelisted header: a GET stays a simple request, without a preflight.
        headers.set("accept", "application/graphql-response+json, application/json").map_err(js_error)?;
    }
    init.set_headers(&headers);
    if let Some(body) = body {
        init.set_method("POST");
        init.set_body(&body.into());
        headers.set("content-type", "application/json").map_err(js_error)?;
    }
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await.map_err(js_error)?;
    let response: Response = response.dyn_into().map_err(|_| FetchError::Decode("not a response".to_owned()))?;
    let text = JsFuture::from(response.text().map_err(js_error)?).await.map_err(js_error)?;
    let text = text.as_string().unwrap_or_default();
    if !response.ok() && !text.starts_with('{') {
        return Err(FetchError::Status(response.status()));
    }
    Ok(text)
}

fn js_error(value: wasm_bindgen::JsValue) -> FetchError {
    FetchError::Network(value.as_string().or_else(|| js_sys::JSON::stringify(&value).ok().and_then(|s| s.as_string())).unwrap_or_default())
}
