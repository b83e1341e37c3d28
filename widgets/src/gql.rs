//! The widget's only way to the data: POST `/graphql` with the map query, no cookies
//! (`credentials: omit`), and the base map from `/widgets/`.

use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCredentials, RequestInit, RequestMode, Response};

use crate::model::WireSubgraph;

/// The neighbourhood query: every field the map, its card and its table show.
pub const MAP_QUERY: &str = "query PartnergraphMap($id: ID!, $depth: Int!, $asOf: Date, $limit: Int!) {
  neighborhood(id: $id, depth: $depth, asOf: $asOf, limit: $limit) {
    truncated
    nodes { id kind name acronym description degree location { lat lon } sources { document paragraph }
      ... on Agreement { start end } ... on Event { start end } ... on Country { identifiers { scheme value } } }
    edges { id type source target role iatiRole from to sources { document paragraph } }
  }
}";

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

/// Fetches the neighbourhood of `focus`.
pub async fn neighborhood(api: &str, focus: &str, depth: u8, as_of: Option<u16>, limit: u32) -> Result<WireSubgraph, FetchError> {
    let body = serde_json::json!({
        "query": MAP_QUERY,
        "operationName": "PartnergraphMap",
        "variables": { "id": focus, "depth": depth, "asOf": as_of.map(|year| year.to_string()), "limit": limit },
    });
    let text = request(&format!("{api}/graphql"), Some(body.to_string())).await?;
    let envelope: Envelope = serde_json::from_str(&text).map_err(|err| FetchError::Decode(err.to_string()))?;
    if let Some(error) = envelope.errors.into_iter().next() {
        return Err(error.into());
    }
    envelope.data.and_then(|data| data.neighborhood).ok_or_else(|| FetchError::Decode("no neighborhood".to_owned()))
}

/// Runs any query (the explorer's) and decodes its `data` into `T`.
#[cfg(feature = "explorer")]
pub async fn query<T: serde::de::DeserializeOwned>(api: &str, query: &str, variables: serde_json::Value) -> Result<T, FetchError> {
    // The errors are read before the data: a failed field leaves the data partial (its nulls moved up).
    #[derive(Deserialize)]
    struct Any {
        data: Option<serde_json::Value>,
        #[serde(default)]
        errors: Vec<GqlError>,
    }
    let body = serde_json::json!({ "query": query, "variables": variables });
    let text = request(&format!("{api}/graphql"), Some(body.to_string())).await?;
    let envelope: Any = serde_json::from_str(&text).map_err(|err| FetchError::Decode(err.to_string()))?;
    if let Some(error) = envelope.errors.into_iter().next() {
        return Err(error.into());
    }
    let data = envelope.data.ok_or_else(|| FetchError::Decode("no data".to_owned()))?;
    serde_json::from_value(data).map_err(|err| FetchError::Decode(err.to_string()))
}

/// Fetches a text file (the base map).
pub async fn text(url: &str) -> Result<String, FetchError> {
    request(url, None).await
}

async fn request(url: &str, body: Option<String>) -> Result<String, FetchError> {
    let window = web_sys::window().ok_or_else(|| FetchError::Network("no window".to_owned()))?;
    let init = RequestInit::new();
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    if let Some(body) = body {
        init.set_method("POST");
        init.set_body(&body.into());
        let headers = web_sys::Headers::new().map_err(js_error)?;
        headers.set("content-type", "application/json").map_err(js_error)?;
        headers.set("accept", "application/graphql-response+json, application/json").map_err(js_error)?;
        init.set_headers(&headers);
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
