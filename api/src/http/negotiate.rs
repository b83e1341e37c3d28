//! Content negotiation for GraphQL over HTTP: which media type to answer in, from `Accept`.
//!
//! `application/graphql-response+json` when the client lists it; `application/json` when it lists that,
//! a wildcard, or sends no `Accept` at all (as the spec asks during its transition period); otherwise
//! nothing acceptable (406).

use axum::http::HeaderMap;
use axum::http::header::ACCEPT;

/// The media types the endpoint answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    /// `application/graphql-response+json`: request errors answer 4xx without `data`.
    GraphqlResponseJson,
    /// `application/json`: request errors answer 200, like most legacy servers.
    Json,
}

impl MediaType {
    /// The `Content-Type` value.
    pub fn content_type(self) -> &'static str {
        match self {
            MediaType::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        }
    }
}

/// The media type to answer in, or `None` if the client accepts neither.
pub fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let accept: Vec<&str> = headers.get_all(ACCEPT).iter().filter_map(|value| value.to_str().ok()).collect();
    if accept.iter().all(|value| value.trim().is_empty()) {
        return Some(MediaType::Json);
    }
    let mut graphql_response = false;
    let mut json = false;
    for range in accept.iter().flat_map(|value| value.split(',')) {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        let refused = parts.filter_map(|param| param.strip_prefix("q=")).any(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0));
        if refused {
            continue;
        }
        match media.as_str() {
            "application/graphql-response+json" => graphql_response = true,
            "application/json" | "application/*" | "*/*" => json = true,
            _ => {}
        }
    }
    if graphql_response {
        Some(MediaType::GraphqlResponseJson)
    } else if json {
        Some(MediaType::Json)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn check(accept: Option<&str>) -> Option<MediaType> {
        let mut headers = HeaderMap::new();
        if let Some(accept) = accept {
            headers.insert(ACCEPT, HeaderValue::from_str(accept).expect("header"));
        }
        negotiate(&headers)
    }

    #[test]
    fn negotiation_follows_the_graphql_over_http_spec() {
        assert_eq!(check(None), Some(MediaType::Json));
        assert_eq!(check(Some("application/graphql-response+json")), Some(MediaType::GraphqlResponseJson));
        assert_eq!(check(Some("application/json")), Some(MediaType::Json));
        assert_eq!(check(Some("application/graphql-response+json, application/json;q=0.9")), Some(MediaType::GraphqlResponseJson));
        assert_eq!(check(Some("*/*")), Some(MediaType::Json));
        assert_eq!(check(Some("text/html")), None);
        assert_eq!(check(Some("application/graphql-response+json;q=0, application/json")), Some(MediaType::Json));
        assert_eq!(check(Some("application/json;q=0.0")), None);
    }
}
